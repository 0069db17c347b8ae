"""Full-text search over an archive (Whoosh, confined to this package)."""

from ctviewer.search.index import BuildCancelled, IndexDamaged, SearchIndex, read_generation, write_generation
from ctviewer.search.preanalysis import Analysed, analyse_body

__all__ = [
    "Analysed",
    "BuildCancelled",
    "IndexDamaged",
    "SearchIndex",
    "analyse_body",
    "read_generation",
    "write_generation",
]
