"""The documents table's Qt model: document ids in display order, rows fetched a page at a time.

Sorting and filtering are done by the core (``Library.document_ids``) on the read lane, so a
100,000-document archive never blocks the window; the model then holds just the id list.
Rows are read from the GUI thread's Library one page (``PAGE_SIZE`` ids) at a time, when the
view first asks for a cell of that page, and only the last ``MAX_PAGES`` pages are kept.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from ctviewer.domain.documents import DocumentFilter, DocumentRow, DocumentSort
from ctviewer.ui.context import UiContext
from ctviewer.ui.tasks import Task

ModelIndex = QModelIndex | QPersistentModelIndex


class DocumentTableModel(QAbstractTableModel):
    """Columns: title, date, source file, type, pages, people, organisations, places, annotations."""

    TITLE, DATE, SOURCE, TYPE, PAGES, PEOPLE, ORGANISATIONS, PLACES, ANNOTATIONS = range(9)
    # Count columns carry short headers (the full name is the header's tooltip) so the title, the
    # column people read, keeps its room on the left of a laptop screen.
    HEADERS = ("Title", "Date", "Source", "Type", "Pages", "People", "Orgs", "Places", "Annotations")
    HEADER_TIPS = (
        "Title",
        "Date",
        "Source file",
        "File type",
        "Pages",
        "People mentioned",
        "Organisations mentioned",
        "Places mentioned",
        "Your annotations",
    )
    SORT_KEYS: tuple[DocumentSort, ...] = (
        "title",
        "date",
        "source",
        "file_type",
        "pages",
        "people",
        "organisations",
        "places",
        "annotations",
    )
    IdRole = Qt.ItemDataRole.UserRole + 1

    PAGE_SIZE = 200
    MAX_PAGES = 20  # 4,000 rows of cache: a few screens either side of where the user looks

    ids_loaded = Signal()  # a new id list is in place (after reload, sort or filter)

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._ids: list[int] = []
        self._pages: OrderedDict[int, dict[int, DocumentRow]] = OrderedDict()
        self._sort: DocumentSort = "id"
        self._descending = False
        self._filter = DocumentFilter()
        self._pending: Task | None = None
        self._generation = 0  # bumped per id request; a late answer to an older one is dropped
        self.pages_fetched: list[int] = []  # page numbers read, in order (for tests and tuning)

    # -- what the view asks --------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        horizontal = orientation == Qt.Orientation.Horizontal
        if horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self.HEADERS):
            return self.HEADERS[section]
        if horizontal and role == Qt.ItemDataRole.ToolTipRole and 0 <= section < len(self.HEADER_TIPS):
            return self.HEADER_TIPS[section]
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        doc_id = self._ids[index.row()]
        if role == self.IdRole:
            return doc_id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if index.column() >= self.PAGES:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        row = self._row(index.row())
        if row is None:  # deleted since the id list was read: blank until the next reload
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            # Tooltips guess at rich text; document titles are untrusted, so none is shown.
            return None
        return self._display(row, index.column())

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the core for the ids in the new order (on the read lane); the view keeps its
        selection, because rows are moved, not replaced, when the answer comes."""
        key: DocumentSort = self.SORT_KEYS[column] if 0 <= column < len(self.SORT_KEYS) else "id"
        self._sort, self._descending = key, order == Qt.SortOrder.DescendingOrder
        self._request_ids()

    # -- what the pane asks --------------------------------------------------------------
    def set_filter(self, filter: DocumentFilter) -> None:
        if filter != self._filter:
            self._filter = filter
            self._request_ids()

    @property
    def filter(self) -> DocumentFilter:
        return self._filter

    def reload(self) -> None:
        """Re-read the id list and forget cached rows (documents were added or changed)."""
        self._request_ids(forget_rows=True)

    @property
    def loading(self) -> bool:
        return self._pending is not None

    def document_id(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, doc_id: int) -> int | None:
        try:
            return self._ids.index(doc_id)
        except ValueError:
            return None

    def cached_rows(self) -> int:
        return sum(len(page) for page in self._pages.values())

    # -- internals ------------------------------------------------------------------------
    def _request_ids(self, *, forget_rows: bool = False) -> None:
        if self._pending is not None:
            self._pending.cancel()  # a newer sort/filter replaces it: its answer would be stale
        self._generation += 1
        generation = self._generation
        sort, descending, filter = self._sort, self._descending, self._filter

        def fetch(library: Any, _task: Any) -> list[int]:
            return library.document_ids(sort=sort, descending=descending, filter=filter)

        def done(ids: list[int]) -> None:
            if generation == self._generation:
                self._pending = None
                self._apply_ids(ids, forget_rows=forget_rows)

        def finished() -> None:  # also after a failure, which the runner's error handler reports
            if generation == self._generation:
                self._pending = None

        self._pending = self._ctx.runner.submit(
            "read", fetch, description="Listing documents", on_done=done, on_finished=finished
        )

    def _apply_ids(self, ids: list[int], *, forget_rows: bool) -> None:
        if forget_rows:
            self._pages.clear()
        if self._ids and len(ids) == len(self._ids) and set(ids) == set(self._ids):
            # Same documents, new order: move rows so selections and the current index survive.
            self.layoutAboutToBeChanged.emit()
            new_rows = {doc_id: row for row, doc_id in enumerate(ids)}
            old = self.persistentIndexList()
            moved = [self.index(new_rows[self._ids[i.row()]], i.column()) for i in old]
            self._ids = ids
            self._pages.clear()  # pages are by position, which changed
            self.changePersistentIndexList(old, moved)
            self.layoutChanged.emit()
        else:
            self.beginResetModel()
            self._ids = ids
            self._pages.clear()
            self.endResetModel()
        if forget_rows and self._ids:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._ids) - 1, len(self.HEADERS) - 1))
        self.ids_loaded.emit()

    def _row(self, row: int) -> DocumentRow | None:
        page_no = row // self.PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            page_ids = self._ids[page_no * self.PAGE_SIZE : (page_no + 1) * self.PAGE_SIZE]
            page = self._ctx.library.document_rows(page_ids)
            self.pages_fetched.append(page_no)
            self._pages[page_no] = page
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._ids[row])

    def _display(self, row: DocumentRow, column: int) -> Any:
        if column == self.TITLE:
            return row.title
        if column == self.DATE:
            return row.date or ""
        if column == self.SOURCE:
            return row.source
        if column == self.TYPE:
            return row.file_type.upper()
        if column == self.PAGES:
            return "" if row.pages is None else row.pages
        if column == self.PEOPLE:
            return row.people
        if column == self.ORGANISATIONS:
            return row.organisations
        if column == self.PLACES:
            return row.places
        if column == self.ANNOTATIONS:
            return row.annotations
        return None
