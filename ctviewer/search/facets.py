"""Facet counts without re-reading the facet fields on every search.

Whoosh counts overlapping facets (a document names several people) with an
``OverlappingCategorizer`` that, on every search, walks every term of the facet field and its
postings to build a document -> values table for each segment: about 40 ms of each query on
10,000 speeches, for six facet fields. A segment never changes once written (deletions only
hide documents, and a deleted document is never matched), so the table is kept per segment and
facet field and reused until the segment leaves the index.
"""

from __future__ import annotations

from typing import Any

from whoosh import sorting
from whoosh.searching import Searcher

# (segment id, field name) -> the segment's values per document number
FacetTables = dict[tuple[str, str], list[Any]]
_NONE: tuple[()] = ()


class CachedFieldFacet(sorting.FieldFacet):
    """An overlapping field facet whose per-segment tables live in ``tables``."""

    def __init__(self, fieldname: str, tables: FacetTables) -> None:
        super().__init__(fieldname, allow_overlap=True)
        self._tables = tables

    def categorizer(self, global_searcher: Searcher) -> sorting.Categorizer:
        return _CachedCategorizer(global_searcher, self.fieldname, self._tables)


class _CachedCategorizer(sorting.OverlappingCategorizer):
    def __init__(self, global_searcher: Searcher, fieldname: str, tables: FacetTables) -> None:
        super().__init__(global_searcher, fieldname)
        self._tables = tables

    def set_searcher(self, segment_searcher: Searcher, docoffset: int) -> None:
        segment = getattr(segment_searcher.reader(), "segment", None)
        if self._use_vectors or self._use_column or segment is None:
            super().set_searcher(segment_searcher, docoffset)
            return
        key = (str(segment().segment_id()), str(self._fieldname))
        table = self._tables.get(key)
        if table is None:
            super().set_searcher(segment_searcher, docoffset)  # builds self._lists
            # Most documents have no value in a field (no place named): one shared empty tuple
            # instead of 100,000 empty lists (about 6 MB a field). keys_for reads ``() or [None]``.
            built: list[list[Any]] = getattr(self, "_lists")  # noqa: B009 (set by the base class, untyped)
            self._lists = [values or _NONE for values in built]
            self._tables[key] = self._lists
        else:
            self._segment_searcher = segment_searcher
            self._lists = table


def forget_other_segments(tables: FacetTables, searcher: Searcher) -> None:
    """Drop the tables of segments no longer in the index (merged away or replaced)."""
    live = {str(s.segment_id()) for s in _segments(searcher)}
    for key in [k for k in tables if k[0] not in live]:
        del tables[key]


def _segments(searcher: Searcher) -> list[Any]:
    reader = searcher.reader()
    readers = reader.leaf_readers() if hasattr(reader, "leaf_readers") else [(reader, 0)]
    return [r.segment() for r, _offset in readers if hasattr(r, "segment")]
