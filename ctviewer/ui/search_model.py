"""The search results as a Qt list model: one row per hit, in score order.

The model only holds what a search returned (a page of hits, never the archive); the search
pane decides when to search and appends the next page when the user asks for more. Snippets
come later than the rows: a row's ``snippet`` is None until the pane has fetched it (only rows
that come on screen are fetched), and :meth:`SearchResultListModel.set_snippets` fills them in.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, Qt

from ctviewer.domain.search import SearchHit

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class ResultRow:
    """One shown hit. ``snippet`` is the core's snippet (escaped text with ``<mark>`` around
    matches), or None while it has not arrived. ``relevance`` is the score as a share of the
    query's best score (1.0 for the top hit): raw scores mean nothing to a reader."""

    id: int
    title: str
    date: str | None
    file_type: str
    score: float
    snippet: str | None
    relevance: float = 1.0

    @classmethod
    def from_hit(cls, hit: SearchHit, file_type: str = "", top_score: float = 0.0) -> ResultRow:
        relevance = min(1.0, hit.score / top_score) if top_score > 0 else 1.0
        return cls(
            id=hit.id,
            title=hit.title,
            date=hit.date,
            file_type=file_type,
            score=hit.score,
            snippet=hit.snippet or None,
            relevance=max(0.0, relevance),
        )


class SearchResultListModel(QAbstractListModel):
    """Hits of the current query; ``total`` is how many documents matched in all."""

    DocIdRole = Qt.ItemDataRole.UserRole + 1
    DateRole = Qt.ItemDataRole.UserRole + 2
    FileTypeRole = Qt.ItemDataRole.UserRole + 3
    ScoreRole = Qt.ItemDataRole.UserRole + 4
    SnippetRole = Qt.ItemDataRole.UserRole + 5
    RowRole = Qt.ItemDataRole.UserRole + 6  # the whole ResultRow (the delegate draws from it)
    RelevanceRole = Qt.ItemDataRole.UserRole + 7  # share of the best score, 0.0 to 1.0

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ResultRow] = []
        self._row_of: dict[int, int] = {}
        self._total = 0
        self._top_score = 0.0

    # -- filling --------------------------------------------------------------------------
    def set_hits(self, hits: Sequence[SearchHit], file_types: Mapping[int, str], total: int) -> None:
        self.beginResetModel()
        self._top_score = max((h.score for h in hits), default=0.0)
        self._rows = [ResultRow.from_hit(h, file_types.get(h.id, ""), self._top_score) for h in hits]
        self._row_of = {r.id: n for n, r in enumerate(self._rows)}
        self._total = max(total, len(self._rows))
        self.endResetModel()

    def append_hits(self, hits: Sequence[SearchHit], file_types: Mapping[int, str], total: int) -> None:
        """Add the next page; hits already shown (the index may have changed meanwhile) are skipped."""
        fresh = [
            ResultRow.from_hit(h, file_types.get(h.id, ""), self._top_score) for h in hits if h.id not in self._row_of
        ]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self._row_of.update((r.id, first + n) for n, r in enumerate(fresh))
            self.endInsertRows()
        self._total = max(total, len(self._rows))

    def set_snippets(self, snippets: Mapping[int, str]) -> None:
        """Fill in the snippets that arrived (by document id); ids not shown are ignored. A
        document without a snippet (gone from the archive meanwhile) gets an empty one, so it is
        not asked for again."""
        changed: list[int] = []
        for doc_id, snippet in snippets.items():
            row = self._row_of.get(doc_id)
            if row is not None and self._rows[row].snippet != snippet:
                self._rows[row] = replace(self._rows[row], snippet=snippet)
                changed.append(row)
        for row in changed:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [self.SnippetRole, self.RowRole])

    def missing_snippets(self, rows: Iterable[int]) -> list[int]:
        """Document ids of these rows (out-of-range rows skipped) whose snippet has not arrived."""
        return [self._rows[r].id for r in rows if 0 <= r < len(self._rows) and self._rows[r].snippet is None]

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
        if role == self.RelevanceRole:
            return row.relevance
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"Relevance {row.relevance:.0%} of the best match (search score {row.score:.2f})"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not self._valid(index):
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def _valid(self, index: Index) -> bool:
        return (
            index.isValid()
            and not index.parent().isValid()
            and 0 <= index.row() < len(self._rows)
            and index.column() == 0
        )
