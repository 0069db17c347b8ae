"""The search results as a Qt list model: one row per hit, in score order.

The model only holds what a search returned (a page of hits, never the archive); the search
pane decides when to search and appends the next page when the user asks for more.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from ctviewer.domain import SearchHit

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ResultRow:
    """One shown hit. ``snippet`` is the core's snippet: escaped text with ``<mark>`` around matches."""

    id: int
    title: str
    date: str | None
    file_type: str
    score: float
    snippet: str

    @classmethod
    def from_hit(cls, hit: SearchHit, file_type: str = "") -> ResultRow:
        return cls(id=hit.id, title=hit.title, date=hit.date, file_type=file_type, score=hit.score,
                   snippet=hit.snippet)


class SearchResultListModel(QAbstractListModel):
    """Hits of the current query; ``total`` is how many documents matched in all."""

    DocIdRole = Qt.ItemDataRole.UserRole + 1
    DateRole = Qt.ItemDataRole.UserRole + 2
    FileTypeRole = Qt.ItemDataRole.UserRole + 3
    ScoreRole = Qt.ItemDataRole.UserRole + 4
    SnippetRole = Qt.ItemDataRole.UserRole + 5
    RowRole = Qt.ItemDataRole.UserRole + 6  # the whole ResultRow (the delegate draws from it)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ResultRow] = []
        self._total = 0

    # -- filling --------------------------------------------------------------------------
    def set_hits(self, hits: Sequence[SearchHit], file_types: Mapping[int, str], total: int) -> None:
        self.beginResetModel()
        self._rows = [ResultRow.from_hit(h, file_types.get(h.id, "")) for h in hits]
        self._total = max(total, len(self._rows))
        self.endResetModel()

    def append_hits(self, hits: Sequence[SearchHit], file_types: Mapping[int, str], total: int) -> None:
        """Add the next page; hits already shown (the index may have changed meanwhile) are skipped."""
        shown = {r.id for r in self._rows}
        fresh = [ResultRow.from_hit(h, file_types.get(h.id, "")) for h in hits if h.id not in shown]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self.endInsertRows()
        self._total = max(total, len(self._rows))

    def clear(self) -> None:
        self.set_hits((), {}, 0)

    # -- reading --------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return self._total

    def has_more(self) -> bool:
        return self._total > len(self._rows)

    def row_at(self, row: int) -> ResultRow:
        return self._rows[row]

    def doc_id(self, index: Index) -> int | None:
        return self._rows[index.row()].id if self._valid(index) else None

    def rows(self) -> list[ResultRow]:
        return list(self._rows)

    # -- Qt interface ---------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not self._valid(index):
            return None
        row = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return row.title or "(untitled)"
        if role == self.DocIdRole:
            return row.id
        if role == self.DateRole:
            return row.date or ""
        if role == self.FileTypeRole:
            return row.file_type
        if role == self.ScoreRole:
            return row.score
        if role == self.SnippetRole:
            return row.snippet
        if role == self.RowRole:
            return row
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not self._valid(index):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def _valid(self, index: Index) -> bool:
        return index.isValid() and not index.parent().isValid() and 0 <= index.row() < len(self._rows) \
            and index.column() == 0
