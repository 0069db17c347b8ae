"""The Qt table model behind the People, Organisations and Places panes.

It holds the ids of one entity type in display order (one core query per sort or filter
change) and reads rows a page at a time with ``Library.entity_records``, so an archive with
100,000 people scrolls without loading them all (see :mod:`ctviewer.ui.lazy_table_model`).
No business logic here: sorting and filtering are the core's.

Unlike the documents and annotations tables, the id list is read at once on the GUI thread's
Library (the model has no task runner): the pane selects and shows entities right after a
reload, a filter or a correction, and relies on the new rows being there.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any, ClassVar

from PySide6.QtCore import QObject, Qt

from ctviewer.domain.entities import EntityRecord, EntitySort, EntityType, RoleSummary
from ctviewer.library import Library
from ctviewer.ui.lazy_table_model import IdsQuery, LazyIdTableModel


def role_text(role: RoleSummary) -> str:
    """ "Secretary-General, SCO": the title, then the organisation when one is known."""
    return f"{role.title}, {role.organisation}" if role.organisation else role.title


def rich_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally: escaped, and forced to rich text with ``<qt>``
    so Qt decodes the entities instead of guessing "plain" and showing ``&lt;``."""
    return "<qt>" + html.escape(text).replace("\n", "<br>") + "</qt>"


class EntityTableModel(LazyIdTableModel[EntityRecord, str, EntitySort]):
    """Entities of one type: name, documents, mentions, roles."""

    NAME, DOCUMENTS, MENTIONS, ROLES = range(4)
    HEADERS = ("Name", "Documents", "Mentions", "Roles")
    SORT_KEYS: ClassVar[Mapping[int, EntitySort]] = {NAME: "name", DOCUMENTS: "documents", MENTIONS: "mentions"}
    RIGHT_ALIGNED = frozenset({DOCUMENTS, MENTIONS})
    CELL_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
    MAX_PAGES = 25  # 5,000 rows of cache (memory stays flat while scrolling)

    def __init__(self, library: Library, entity_type: EntityType, parent: QObject | None = None) -> None:
        super().__init__(library, None, sort="name", descending=False, filter="", parent=parent)
        self._type: EntityType = entity_type
        self.reload()

    # The name this model's page size had before the base class (``PAGE_SIZE``) came.
    @property
    def PAGE(self) -> int:
        return self.PAGE_SIZE

    @PAGE.setter
    def PAGE(self, rows: int) -> None:
        self.PAGE_SIZE = rows

    # -- what is shown ------------------------------------------------------------------------
    @property
    def entity_type(self) -> EntityType:
        return self._type

    @property
    def filter_text(self) -> str:
        return self._filter

    def set_filter(self, text: str) -> None:
        """Show only entities whose name or an alias contains ``text``."""
        super().set_filter(text)

    def entity_id(self, row: int) -> int | None:
        return self.id_at(row)

    def row_of(self, entity_id: int) -> int:
        """The row showing ``entity_id``, or -1 (another type, filtered out, or gone)."""
        row = super().row_of(entity_id)
        return -1 if row is None else row

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.TextAlignmentRole
            and section in self.RIGHT_ALIGNED
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return super().headerData(section, orientation, role)

    # -- the base's hooks ------------------------------------------------------------------------
    def _ids_query(self) -> IdsQuery:
        entity_type, sort, descending, text = self._type, self._sort, self._descending, self._filter

        def query(library: Library) -> list[int]:
            return library.entity_ids(entity_type, sort=sort, descending=descending, text=text)

        return query

    def _fetch_rows(self, ids: list[int]) -> Mapping[int, EntityRecord]:
        return {r.id: r for r in self._library.entity_records(ids)}

    def _cell(self, record: EntityRecord | None, column: int, role: int) -> Any:
        if record is None:  # vanished since the id query
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
