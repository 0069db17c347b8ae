"""The Annotations pane's Qt model: annotation ids in display order, records fetched a page at a time.

Like the documents table: the core filters and sorts (``Library.annotation_ids``) on the read lane,
the model holds the id list, and rows (``Library.annotation_rows``) are read a page at a time when
the view first asks for a cell of that page (see :mod:`ctviewer.ui.lazy_table_model`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from ctviewer.domain.annotations import CSS_COLORS, AnnotationFilter, AnnotationRecord, AnnotationSort
from ctviewer.ui.context import UiContext
from ctviewer.ui.lazy_table_model import IdsQuery, LazyIdTableModel

if TYPE_CHECKING:
    from ctviewer.library import Library


def one_line(text: str, limit: int = 300) -> str:
    """Quotes and notes span lines; a table cell shows them as one line (the tooltip-free cell
    elides the rest; the reader shows the whole passage)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def color_swatch(name: str, size: int = 12) -> QIcon:
    """A small square of the highlight colour, outlined so pale colours show on light themes."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setPen(QColor(0, 0, 0, 90))
    painter.setBrush(QColor(CSS_COLORS.get(name, "#cccccc")))
    painter.drawRect(0, 0, size - 1, size - 1)
    painter.end()
    return QIcon(pixmap)


class AnnotationTableModel(LazyIdTableModel[AnnotationRecord, AnnotationFilter, AnnotationSort]):
    """Columns: colour, quote, note, tags, linked entities, document (date · title), created."""

    COLOR, QUOTE, NOTE, TAGS, ENTITIES, DOCUMENT, CREATED = range(7)
    HEADERS = ("Colour", "Quote", "Note", "Tags", "Entities", "Document", "Created")
    # Document date or creation time: the two orders the core offers; other columns keep the order.
    SORT_KEYS: ClassVar[Mapping[int, AnnotationSort]] = {DOCUMENT: "document_date", CREATED: "created"}
    # No tooltips: quotes and notes are document-derived text (no rich-text guess).
    CELL_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole)
    LISTING = "Listing annotations"

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        # Newest first: what the analyst just did is at the top.
        super().__init__(
            ctx.library, ctx.runner, sort="created", descending=True, filter=AnnotationFilter(), parent=parent
        )
        self._labels: dict[str, str] = {}
        self._swatches: dict[str, QIcon] = {}

    def reload(self) -> None:
        """Re-read the id list and forget cached rows (annotations were added, edited or deleted)."""
        self._labels.clear()
        super().reload()

    def annotation_id(self, row: int) -> int | None:
        return self.id_at(row)

    def color_label(self, name: str) -> str:
        if not self._labels:
            self._labels = {c.name: c.label for c in self._library.annotation_colors()}
        return self._labels.get(name, name)

    # -- the base's hooks ------------------------------------------------------------------------
    def _ids_query(self) -> IdsQuery:
        sort, descending, filter = self._sort, self._descending, self._filter

        def query(library: Library) -> list[int]:
            return library.annotation_ids(filter, sort=sort, descending=descending)

        return query

    def _fetch_rows(self, ids: list[int]) -> Mapping[int, AnnotationRecord]:
        return self._library.annotation_rows(ids)

    def _cell(self, record: AnnotationRecord | None, column: int, role: int) -> Any:
        if record is None:  # deleted since the id list was read: blank until the next reload
            return None
        if role == Qt.ItemDataRole.DecorationRole:
            return self._swatch(record.color) if column == self.COLOR else None
        if column == self.COLOR:
            return self.color_label(record.color)
        if column == self.QUOTE:
            quote = one_line(record.quote)
            return f"[orphaned] {quote}" if record.orphaned else quote
        if column == self.NOTE:
            return one_line(record.note)
        if column == self.TAGS:
            return ", ".join(record.tags)
        if column == self.ENTITIES:
            return ", ".join(e.name for e in record.entities)
        if column == self.DOCUMENT:
            title = record.document_title or "(document no longer in the archive)"
            return f"{record.document_date} · {title}" if record.document_date else title
        if column == self.CREATED:
            return record.created_at[:16].replace("T", " ")
        return None

    def _swatch(self, name: str) -> QIcon:
        if name not in self._swatches:
            self._swatches[name] = color_swatch(name)
        return self._swatches[name]
