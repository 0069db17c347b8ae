"""Full-text search over an archive (Whoosh, confined to this package)."""

from ctviewer.search.index import BuildCancelled, IndexDamaged, SearchIndex

__all__ = ["BuildCancelled", "IndexDamaged", "SearchIndex"]
