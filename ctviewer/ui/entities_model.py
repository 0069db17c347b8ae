"""The Qt table model behind the People, Organisations and Places panes.

It holds the ids of one entity type in display order (one core query per sort or filter
change) and fetches rows a page at a time with ``Library.entity_records``, so an archive with
100,000 people scrolls without loading them all. No business logic here: sorting and filtering
are the core's.
"""

from __future__ import annotations

import html
from typing import Any, ClassVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from ctviewer.domain.entities import EntityRecord, EntitySort, EntityType, RoleSummary
from ctviewer.library import Library

AnyIndex = QModelIndex | QPersistentModelIndex


def role_text(role: RoleSummary) -> str:
    """ "Secretary-General, SCO": the title, then the organisation when one is known."""
    return f"{role.title}, {role.organisation}" if role.organisation else role.title


def rich_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally: escaped, and forced to rich text with ``<qt>``
    so Qt decodes the entities instead of guessing "plain" and showing ``&lt;``."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


class EntityTableModel(QAbstractTableModel):
    """Entities of one type: name, documents, mentions, roles."""

    NAME, DOCUMENTS, MENTIONS, ROLES = range(4)
    HEADERS = ("Name", "Documents", "Mentions", "Roles")
    SORT_KEYS: ClassVar[dict[int, EntitySort]] = {NAME: "name", DOCUMENTS: "documents", MENTIONS: "mentions"}
    IdRole = Qt.ItemDataRole.UserRole + 1

    PAGE = 200  # rows fetched per query; a screenful is ~40
    MAX_CACHED = 5_000  # rows kept before the cache is dropped (memory stays flat while scrolling)

    def __init__(self, library: Library, entity_type: EntityType, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._library = library
        self._type: EntityType = entity_type
        self._sort: EntitySort = "name"
        self._descending = False
        self._filter = ""
        self._ids: list[int] = []
        self._rows: dict[int, int] = {}  # id -> row, for show_entity and keeping the selection
        self._cache: dict[int, EntityRecord | None] = {}  # None: vanished since the id query
        self.reload()

    # -- what is shown ------------------------------------------------------------------------
    @property
    def entity_type(self) -> EntityType:
        return self._type

    @property
    def filter_text(self) -> str:
        return self._filter

    def set_filter(self, text: str) -> None:
        """Show only entities whose name or an alias contains ``text``."""
        if text != self._filter:
            self._filter = text
            self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        key = self.SORT_KEYS.get(column)
        if key is None:  # roles are a list, not an order
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) != (self._sort, self._descending):
            self._sort, self._descending = key, descending
            self.reload()

    def reload(self) -> None:
        """Query the ids again (after a change) and forget the cached rows."""
        self.beginResetModel()
        self._ids = self._library.entity_ids(
            self._type, sort=self._sort, descending=self._descending, text=self._filter
        )
        self._rows = {entity_id: row for row, entity_id in enumerate(self._ids)}
        self._cache.clear()
        self.endResetModel()

    def entity_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, entity_id: int) -> int:
        """The row showing ``entity_id``, or -1 (another type, filtered out, or gone)."""
        return self._rows.get(entity_id, -1)

    def record(self, row: int) -> EntityRecord | None:
        """The row's full record (fetched with its page when first needed)."""
        entity_id = self.entity_id(row)
        if entity_id is None:
            return None
        if entity_id not in self._cache:
            self._fetch_page(row)
        return self._cache.get(entity_id)

    def _fetch_page(self, row: int) -> None:
        if len(self._cache) > self.MAX_CACHED:
            self._cache.clear()
        start = (row // self.PAGE) * self.PAGE
        ids = [i for i in self._ids[start : start + self.PAGE] if i not in self._cache]
        found = {r.id: r for r in self._library.entity_records(ids)}
        for entity_id in ids:
            self._cache[entity_id] = found.get(entity_id)

    # -- QAbstractTableModel -------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's own default
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.HEADERS):
            if role == Qt.ItemDataRole.DisplayRole:
                return self.HEADERS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in (self.DOCUMENTS, self.MENTIONS):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        column = index.column()
        if role == self.IdRole:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if column in (self.DOCUMENTS, self.MENTIONS):
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        record = self.record(index.row())
        if record is None:
            return "(removed)" if column == self.NAME and role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(record, column)
        if column == self.NAME:
            return record.name
        if column == self.DOCUMENTS:
            return len(record.documents)
        if column == self.MENTIONS:
            return record.mentions
        if column == self.ROLES:
            return "; ".join(role_text(r) for r in record.roles)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    @staticmethod
    def _tooltip(record: EntityRecord, column: int) -> str | None:
        # Names come from documents: tooltips may be rich text, so they are escaped.
        if column == EntityTableModel.NAME:
            lines = [record.name]
            if record.aliases:
                lines.append("Also: " + ", ".join(record.aliases))
            return rich_tooltip("\n".join(lines))
        if column == EntityTableModel.ROLES and record.roles:
            return rich_tooltip("\n".join(role_text(r) for r in record.roles))
        return None
