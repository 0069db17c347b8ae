"""Full-text search over an archive (Whoosh, confined to this package)."""

from ctviewer.search.index import SearchIndex, read_generation, write_generation
from ctviewer.search.preanalysis import Analysed, analyse_body

__all__ = [
    "Analysed",
    "SearchIndex",
    "analyse_body",
    "read_generation",
    "write_generation",
]
