"""The Annotations pane's Qt model: annotation ids in display order, records fetched a page at a time.

Like the documents table: the core filters and sorts (``Library.annotation_ids``) on the read lane,
the model holds the id list, and rows are read from the GUI thread's Library one page
(``PAGE_SIZE`` ids) at a time when the view first asks for a cell of that page.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

from ctviewer.domain.annotations import CSS_COLORS, AnnotationFilter, AnnotationRecord, AnnotationSort
from ctviewer.ui.context import UiContext
from ctviewer.ui.tasks import Task

ModelIndex = QModelIndex | QPersistentModelIndex


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


class AnnotationTableModel(QAbstractTableModel):
    """Columns: colour, quote, note, tags, linked entities, document (date · title), created."""

    COLOR, QUOTE, NOTE, TAGS, ENTITIES, DOCUMENT, CREATED = range(7)
    HEADERS = ("Colour", "Quote", "Note", "Tags", "Entities", "Document", "Created")
    IdRole = Qt.ItemDataRole.UserRole + 1
    RecordRole = Qt.ItemDataRole.UserRole + 2

    PAGE_SIZE = 200
    MAX_PAGES = 20

    ids_loaded = Signal()  # a new id list is in place (after reload, sort or filter)

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, AnnotationRecord]] = OrderedDict()
        self._sort: AnnotationSort = "created"
        self._descending = True  # newest first: what the analyst just did is at the top
        self._filter = AnnotationFilter()
        self._labels: dict[str, str] = {}
        self._swatches: dict[str, QIcon] = {}
        self._pending: Task | None = None
        self._generation = 0
        self.pages_fetched: list[int] = []

    # -- what the view asks --------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        if role == self.IdRole:
            return self._ids[index.row()]
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.DecorationRole, self.RecordRole):
            return None  # no tooltips: quotes and notes are document-derived text (no rich text guess)
        record = self._row(index.row())
        if record is None:  # deleted since the id list was read: blank until the next reload
            return None
        if role == self.RecordRole:
            return record
        if role == Qt.ItemDataRole.DecorationRole:
            return self._swatch(record.color) if index.column() == self.COLOR else None
        return self._display(record, index.column())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Document date or creation time (the two orders the core offers); other columns keep
        the current order."""
        if column == self.DOCUMENT:
            self.set_sort("document_date", order == Qt.SortOrder.DescendingOrder)
        elif column == self.CREATED:
            self.set_sort("created", order == Qt.SortOrder.DescendingOrder)

    # -- what the pane asks --------------------------------------------------------------------
    def set_sort(self, sort: AnnotationSort, descending: bool) -> None:
        if (sort, descending) != (self._sort, self._descending):
            self._sort, self._descending = sort, descending
            self._request_ids()

    @property
    def sort_order(self) -> tuple[AnnotationSort, bool]:
        return self._sort, self._descending

    def set_filter(self, filter: AnnotationFilter) -> None:
        if filter != self._filter:
            self._filter = filter
            self._request_ids()

    @property
    def filter(self) -> AnnotationFilter:
        return self._filter

    def reload(self) -> None:
        """Re-read the id list and forget cached rows (annotations were added, edited or deleted)."""
        self._labels.clear()
        self._request_ids()

    @property
    def loading(self) -> bool:
        return self._pending is not None

    def annotation_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def record(self, row: int) -> AnnotationRecord | None:
        return self._row(row) if 0 <= row < len(self._ids) else None

    def row_of(self, annotation_id: int) -> int | None:
        try:
            return self._ids.index(annotation_id)
        except ValueError:
            return None

    def color_label(self, name: str) -> str:
        if not self._labels:
            self._labels = {c.name: c.label for c in self._ctx.library.annotation_colors()}
        return self._labels.get(name, name)

    # -- internals -----------------------------------------------------------------------------
    def _request_ids(self) -> None:
        if self._pending is not None:
            self._pending.cancel()  # a newer sort/filter replaces it: its answer would be stale
        self._generation += 1
        generation = self._generation
        sort, descending, filter = self._sort, self._descending, self._filter

        def fetch(library: Any, _task: Any) -> list[int]:
            return library.annotation_ids(filter, sort=sort, descending=descending)

        def done(ids: list[int]) -> None:
            if not shiboken6.isValid(self):  # the pane was closed while the query ran
                return
            if generation == self._generation:
                self._pending = None
                self._apply_ids(ids)

        def finished() -> None:
            if shiboken6.isValid(self) and generation == self._generation:
                self._pending = None

        self._pending = self._ctx.runner.submit(
            "read", fetch, description="Listing annotations", on_done=done, on_finished=finished
        )

    def _apply_ids(self, ids: list[int]) -> None:
        # Rows are always read again: every id request follows a change or a new filter/order.
        if ids and ids == self._ids:
            # The same list (an annotation edited, a tag renamed): new cells, same rows, so the
            # scroll position and selection stay where the analyst left them.
            self._pages.clear()
            self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(self.HEADERS) - 1))
        elif self._ids and len(ids) == len(self._ids) and set(ids) == set(self._ids):
            # Same annotations, new order: move rows so the selection and current index survive.
            self.layoutAboutToBeChanged.emit()
            new_rows = {a: row for row, a in enumerate(ids)}
            old = self.persistentIndexList()
            moved = [self.index(new_rows[self._ids[i.row()]], i.column()) for i in old]
            self._ids = ids
            self._pages.clear()
            self.changePersistentIndexList(old, moved)
            self.layoutChanged.emit()
        else:
            self.beginResetModel()
            self._ids = ids
            self._pages.clear()
            self.endResetModel()
        self.ids_loaded.emit()

    def _row(self, row: int) -> AnnotationRecord | None:
        page_no = row // self.PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            page_ids = self._ids[page_no * self.PAGE_SIZE : (page_no + 1) * self.PAGE_SIZE]
            page = self._ctx.library.annotation_rows(page_ids)
            self.pages_fetched.append(page_no)
            self._pages[page_no] = page
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._ids[row])

    def _swatch(self, name: str) -> QIcon:
        if name not in self._swatches:
            self._swatches[name] = color_swatch(name)
        return self._swatches[name]

    def _display(self, record: AnnotationRecord, column: int) -> Any:
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
