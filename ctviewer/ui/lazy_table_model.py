"""One base for the lazy id tables: documents, annotations, and people / organisations / places.

The core sorts and filters; a model holds only the ids in display order and reads rows from the
GUI thread's Library a page (``PAGE_SIZE`` ids) at a time, when the view first asks for a cell of
that page, keeping the ``MAX_PAGES`` pages used last. So a 100,000-row archive scrolls without
loading it all, and the memory a table takes stays flat however far the analyst scrolls.

A new id list replaces the old one in the gentlest way that is true:

- the same ids in the same order: the rows stay; after a reload their cells are read again
  (``dataChanged``), so an edit shows without the view losing its scroll position or selection;
- the same ids in another order (a re-sort, or a refresh that only reorders): the rows *move*
  (``layoutChanged``, persistent indexes remapped), so the selection and current row follow
  their ids;
- another set of ids: a reset (panes that care remember their selection by id around it).

Id lists come from ``_ids_query()``. With a task runner, they are fetched on its read lane: only
the answer to the latest request is applied (an older request is cancelled, and should its answer
come anyway it is dropped), and no answer is applied to a model whose Qt object is gone (its pane
was closed while the query ran). Without a runner they are read at once on the GUI thread's
Library (the entity panes, which select rows right after a reload).

Subclasses supply the columns (``HEADERS`` and column constants), the query (``_ids_query``), the
page read (``_fetch_rows``) and the cell text (``_cell``); there is no business logic here or
there: sorting, filtering and counting are the core's.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

if TYPE_CHECKING:
    from ctviewer.library import Library
    from ctviewer.ui.tasks import Task, TaskRunner

ModelIndex = QModelIndex | QPersistentModelIndex
RecordT = TypeVar("RecordT")  # what a row shows (DocumentRow, AnnotationRecord, EntityRecord)
FilterT = TypeVar("FilterT")
SortT = TypeVar("SortT")
IdsQuery = Callable[["Library"], list[int]]  # runs on the read lane with that lane's Library


class LazyIdTableModel(QAbstractTableModel, Generic[RecordT, FilterT, SortT]):
    """Ids in display order, rows by the page, id lists replaced by move or reset (see the module)."""

    HEADERS: ClassVar[tuple[str, ...]] = ()
    HEADER_TIPS: ClassVar[tuple[str, ...]] = ()  # header tooltips, when the header is abbreviated
    RIGHT_ALIGNED: ClassVar[frozenset[int]] = frozenset()  # columns of numbers
    SORT_KEYS: ClassVar[Mapping[int, Any]] = {}  # column -> the core's sort key; others do not sort
    CELL_ROLES: ClassVar[tuple[int, ...]] = (Qt.ItemDataRole.DisplayRole,)  # roles ``_cell`` answers
    LISTING = "Listing rows"  # the read-lane task's description (status bar)

    IdRole = Qt.ItemDataRole.UserRole + 1  # the row's id
    RecordRole = Qt.ItemDataRole.UserRole + 2  # the row's record (None when it vanished)

    PAGE_SIZE = 200  # rows read per query; a screenful is ~40
    MAX_PAGES = 20  # 4,000 rows of cache: a few screens either side of where the analyst looks

    ids_loaded = Signal()  # a new id list is in place (after reload, sort or filter)

    def __init__(
        self,
        library: Library,
        runner: TaskRunner | None,
        *,
        sort: SortT,
        descending: bool,
        filter: FilterT,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._runner = runner
        self._sort: SortT = sort
        self._descending = descending
        self._filter: FilterT = filter
        self._ids: list[int] = []
        self._id_rows: dict[int, int] = {}
        self._pages: OrderedDict[int, Mapping[int, RecordT]] = OrderedDict()
        self._pending: Task | None = None
        self._generation = 0  # bumped per id request; a late answer to an older one is dropped
        self._rows_stale = False  # a reload asked for rows to be read again (kept until applied)
        self.pages_fetched: list[int] = []  # page numbers read, in order (for tests and tuning)

    # -- what subclasses supply ---------------------------------------------------------------
    def _ids_query(self) -> IdsQuery:
        """The id query with the order and filter of now bound in (it may run on another thread,
        so it must not read the model)."""
        raise NotImplementedError

    def _fetch_rows(self, ids: list[int]) -> Mapping[int, RecordT]:
        """Records of ``ids`` from the GUI thread's Library; ids gone from the archive are left out."""
        raise NotImplementedError

    def _cell(self, record: RecordT | None, column: int, role: int) -> Any:
        """What a cell shows for one of ``CELL_ROLES``; ``record`` is None when the row vanished
        since the id list was read (it stays until the next reload)."""
        raise NotImplementedError

    # -- what the view asks --------------------------------------------------------------------
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
        if role == self.IdRole:
            return self._ids[index.row()]
        if role == Qt.ItemDataRole.TextAlignmentRole:  # answered without reading the row
            if index.column() in self.RIGHT_ALIGNED:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return None
        if role == self.RecordRole:
            return self.record(index.row())
        if role not in self.CELL_ROLES:
            return None
        return self._cell(self.record(index.row()), index.column(), role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the core for the ids in the new order; the view keeps its selection, because rows
        are moved, not replaced, when the answer comes. Columns without a sort key are ignored."""
        key = self._sort_key(column)
        if key is not None:
            self.set_sort(key, order == Qt.SortOrder.DescendingOrder)

    # -- what the pane asks ---------------------------------------------------------------------
    def set_sort(self, sort: SortT, descending: bool) -> None:
        if (sort, descending) != (self._sort, self._descending):
            self._sort, self._descending = sort, descending
            self._request_ids()

    @property
    def sort_order(self) -> tuple[SortT, bool]:
        return self._sort, self._descending

    def set_filter(self, filter: FilterT) -> None:
        if filter != self._filter:
            self._filter = filter
            self._request_ids()

    @property
    def filter(self) -> FilterT:
        return self._filter

    def reload(self) -> None:
        """Read the id list again and forget the cached rows (rows were added, changed or removed)."""
        self._rows_stale = True
        self._request_ids()

    @property
    def loading(self) -> bool:
        """An id list is being fetched on the read lane."""
        return self._pending is not None

    def id_at(self, row: int) -> int | None:
        return self._ids[row] if 0 <= row < len(self._ids) else None

    def row_of(self, id_: int) -> int | None:
        """The row showing ``id_``, or None (filtered out, or gone)."""
        return self._id_rows.get(id_)

    def record(self, row: int) -> RecordT | None:
        """The row's record (read with its page when first needed); None when it vanished."""
        if not 0 <= row < len(self._ids):
            return None
        page_no = row // self.PAGE_SIZE
        page = self._pages.get(page_no)
        if page is None:
            page = self._fetch_rows(self._ids[page_no * self.PAGE_SIZE : (page_no + 1) * self.PAGE_SIZE])
            self.pages_fetched.append(page_no)
            self._pages[page_no] = page
            while len(self._pages) > self.MAX_PAGES:
                self._pages.popitem(last=False)  # the page used longest ago
        else:
            self._pages.move_to_end(page_no)
        return page.get(self._ids[row])

    def cached_rows(self) -> int:
        return sum(len(page) for page in self._pages.values())

    # -- internals -----------------------------------------------------------------------------
    def _sort_key(self, column: int) -> SortT | None:
        key: SortT | None = self.SORT_KEYS.get(column)
        return key

    def _request_ids(self) -> None:
        query = self._ids_query()
        if self._runner is None:
            self._apply_ids(query(self._library))
            return
        if self._pending is not None:
            self._pending.cancel()  # a newer sort/filter replaces it: its answer would be stale
        self._generation += 1
        generation = self._generation

        def current() -> bool:
            # The model's Qt object is gone when its pane was closed while the query ran.
            return shiboken6.isValid(self) and generation == self._generation

        def fetch(library: Library, _task: object) -> list[int]:
            return query(library)

        def done(ids: list[int]) -> None:
            if current():
                self._pending = None
                self._apply_ids(ids)

        def finished() -> None:  # also after a failure, which the runner's error handler reports
            if current():
                self._pending = None

        self._pending = self._runner.submit("read", fetch, description=self.LISTING, on_done=done, on_finished=finished)

    def _apply_ids(self, ids: list[int]) -> None:
        forget_rows, self._rows_stale = self._rows_stale, False
        if ids == self._ids:
            if forget_rows:  # same rows, new cells (an edit, a rename): scroll and selection stay
                self._pages.clear()
                if ids:
                    self.dataChanged.emit(self.index(0, 0), self.index(len(ids) - 1, len(self.HEADERS) - 1))
        elif self._ids and len(ids) == len(self._ids) and set(ids) == set(self._id_rows):
            # The same rows in a new order: move them, so the selection and current index follow.
            self.layoutAboutToBeChanged.emit()
            new_rows = {id_: row for row, id_ in enumerate(ids)}
            old = self.persistentIndexList()
            moved = [self.index(new_rows[self._ids[i.row()]], i.column()) for i in old]
            self._set_ids(ids, new_rows)
            self._pages.clear()  # pages are by position, which changed
            self.changePersistentIndexList(old, moved)
            self.layoutChanged.emit()
        else:
            self.beginResetModel()
            self._set_ids(ids)
            self._pages.clear()
            self.endResetModel()
        self.ids_loaded.emit()

    def _set_ids(self, ids: list[int], rows: dict[int, int] | None = None) -> None:
        self._ids = ids
        self._id_rows = rows if rows is not None else {id_: row for row, id_ in enumerate(ids)}
