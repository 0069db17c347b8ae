"""The lazy id-table base (ctviewer/ui/lazy_table_model.py): late and stale id lists are dropped,
rows move when only their order changes (the selection follows), the model resets when the set
changes, an unchanged list only refreshes cells, and the page cache stays bounded."""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QAbstractItemView, QTableView

from ctviewer.ui.context import UiContext
from ctviewer.ui.documents_model import DocumentTableModel
from ctviewer.ui.lazy_table_model import IdsQuery, LazyIdTableModel
from ctviewer.ui.tasks import Task

WAIT_MS = 10_000


class Numbers(LazyIdTableModel[str, str, str]):
    """A model over a list the test changes: ``archive`` plays the core (ids in, names out)."""

    VALUE, NAME = range(2)
    HEADERS = ("Value", "Name")
    SORT_KEYS: ClassVar[Mapping[int, str]] = {VALUE: "value"}
    PAGE_SIZE = 2
    MAX_PAGES = 2

    def __init__(self, runner: Any = None) -> None:
        super().__init__(None, runner, sort="value", descending=False, filter="")  # type: ignore[arg-type]
        self.archive: dict[int, str] = {}
        self.reads: list[list[int]] = []

    def _ids_query(self) -> IdsQuery:
        archive, descending, needle = dict(self.archive), self._descending, self._filter
        ids = sorted(archive, reverse=descending)
        return lambda _library: [i for i in ids if needle in archive[i]]

    def _fetch_rows(self, ids: list[int]) -> Mapping[int, str]:
        self.reads.append(list(ids))
        return {i: self.archive[i] for i in ids if i in self.archive}

    def _cell(self, record: str | None, column: int, role: int) -> Any:
        if record is None:
            return None
        return record if column == self.NAME else len(record)


class HeldRunner:
    """Keeps submitted id queries for the test to answer, in any order. Unlike the real runner it
    delivers a cancelled task's answer too, so what is tested is the model's own guard."""

    def __init__(self) -> None:
        self.tasks: list[Task] = []

    def submit(self, lane: str, fn: Callable[..., Any], **callbacks: Any) -> Task:
        task = Task(len(self.tasks) + 1, lane, callbacks.pop("description", ""), fn, **callbacks)  # type: ignore[arg-type]
        self.tasks.append(task)
        return task

    def answer(self, task: Task) -> None:
        result = task.fn(None, None)  # type: ignore[arg-type]
        assert task.on_done is not None and task.on_finished is not None
        task.on_done(result)
        task.on_finished()


def names(model: Numbers) -> list[str]:
    return [model.index(row, Numbers.NAME).data() for row in range(model.rowCount())]


def test_an_older_answer_is_dropped_even_when_it_arrives_last(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = HeldRunner()
    model = Numbers(runner)
    model.archive = {1: "alpha", 2: "beta", 3: "gamma"}
    model.reload()
    model.set_filter("a")  # two newer questions before the first is answered
    model.set_filter("mm")
    first, second, third = runner.tasks
    assert first.is_cancelled and second.is_cancelled and not third.is_cancelled
    with qtbot.waitSignal(model.ids_loaded, timeout=1000):
        runner.answer(third)
    assert names(model) == ["gamma"] and not model.loading
    with qtbot.assertNotEmitted(model.ids_loaded):
        runner.answer(first)  # late, and answering an older question
        runner.answer(second)
    assert names(model) == ["gamma"]


def test_an_older_request_finishing_leaves_the_newer_one_loading(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = HeldRunner()
    model = Numbers(runner)
    model.archive = {1: "alpha"}
    model.reload()
    model.set_filter("x")
    runner.answer(runner.tasks[0])
    assert model.loading  # the newer query is still out
    runner.answer(runner.tasks[1])
    assert not model.loading and model.rowCount() == 0


def test_a_deleted_model_ignores_a_late_answer(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    gate = threading.Event()
    ui_ctx.runner.submit("read", lambda _library, _task: gate.wait(WAIT_MS / 1000), description="holding the lane")
    model = DocumentTableModel(ui_ctx)
    model.reload()  # queued behind the holder
    assert model.loading
    shiboken6.delete(model)  # the pane was closed while the query waited
    gate.set()
    # Applying the answer would touch the deleted Qt object: pytest-qt fails the test on the
    # RuntimeError that raises inside the runner's slot.
    assert ui_ctx.runner.wait_idle(WAIT_MS)
    assert not shiboken6.isValid(model)


def make_view(model: Numbers, qtbot) -> QTableView:  # type: ignore[no-untyped-def]
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    qtbot.addWidget(view)
    return view


def select(view: QTableView, rows: list[int], current: int) -> None:
    flags = QItemSelectionModel.SelectionFlag
    for row in rows:
        view.selectionModel().select(view.model().index(row, 0), flags.Select | flags.Rows)
    view.selectionModel().setCurrentIndex(view.model().index(current, 0), flags.NoUpdate)


def selected_names(view: QTableView) -> list[str]:
    return sorted(i.data() for i in view.selectionModel().selectedRows(Numbers.NAME))


def test_a_reorder_moves_the_rows_and_the_selection_follows(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = Numbers()
    model.archive = {1: "one", 2: "two", 3: "three", 4: "four"}
    model.reload()
    view = make_view(model, qtbot)
    select(view, [0, 2], current=2)  # "one" and "three", "three" current
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    with qtbot.waitSignal(model.layoutChanged, timeout=1000):
        model.sort(Numbers.VALUE, Qt.SortOrder.DescendingOrder)
    assert names(model) == ["four", "three", "two", "one"]
    assert resets == []
    assert selected_names(view) == ["one", "three"]
    assert view.currentIndex().row() == 1 and model.id_at(1) == 3
    assert model.row_of(1) == 3 and model.row_of(99) is None


def test_a_changed_set_resets_the_model(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = Numbers()
    model.archive = {1: "one", 2: "two", 3: "three"}
    model.reload()
    view = make_view(model, qtbot)
    select(view, [1], current=1)
    layouts: list[bool] = []
    model.layoutChanged.connect(lambda: layouts.append(True))
    del model.archive[2]
    model.archive[5] = "five"  # same count, other ids: not a reorder
    with qtbot.waitSignal(model.modelReset, timeout=1000):
        model.reload()
    assert names(model) == ["one", "three", "five"] and layouts == []
    assert model.row_of(2) is None and model.row_of(5) == 2


def test_an_unchanged_list_refreshes_cells_only_after_a_reload(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = Numbers()
    model.archive = {1: "alpha", 2: "beta", 3: "gamma"}
    model.reload()
    view = make_view(model, qtbot)
    select(view, [1], current=1)
    assert names(model) == ["alpha", "beta", "gamma"]
    changes: list[str] = []
    model.modelReset.connect(lambda: changes.append("reset"))
    model.layoutChanged.connect(lambda: changes.append("layout"))
    model.dataChanged.connect(lambda *_: changes.append("cells"))
    reads = len(model.reads)
    model.set_filter("a")  # a filter that leaves the same ids: nothing to read again
    assert names(model) == ["alpha", "beta", "gamma"] and len(model.reads) == reads and changes == []
    model.archive[2] = "BETA!"  # edited behind the model's back; a reload reads the cells again
    model.set_filter("")
    model.reload()
    assert changes == ["cells"]
    assert names(model) == ["alpha", "BETA!", "gamma"] and len(model.reads) > reads
    assert selected_names(view) == ["BETA!"] and view.currentIndex().row() == 1


def test_a_reload_overtaken_by_a_filter_still_reads_the_rows_again(qtbot) -> None:  # type: ignore[no-untyped-def]
    runner = HeldRunner()
    model = Numbers(runner)
    model.archive = {1: "one", 2: "two"}
    model.reload()
    runner.answer(runner.tasks[0])
    assert names(model) == ["one", "two"]
    model.archive[1] = "ONE"
    model.reload()  # then, before its answer, a filter that keeps the same rows
    model.set_filter("O")
    runner.answer(runner.tasks[2])
    assert names(model) == ["ONE"]  # the filter's answer reset the model (one row left)
    model.archive[1] = "ONE!"
    model.reload()
    model.set_filter("N")
    runner.answer(runner.tasks[4])  # same single id: only the reload asked for new cells
    assert names(model) == ["ONE!"]


def test_rows_are_read_by_the_page_and_the_cache_stays_bounded(qtbot) -> None:  # type: ignore[no-untyped-def]
    model = Numbers()
    model.archive = {i: f"name {i}" for i in range(1, 8)}
    model.reload()
    assert model.reads == []  # ids only until a cell is asked for
    assert model.index(0, Numbers.NAME).data() == "name 1"
    assert model.index(1, Numbers.VALUE).data() == len("name 2")  # same page
    assert model.reads == [[1, 2]]
    for row in (2, 4, 0):
        model.record(row)
    assert model.pages_fetched == [0, 1, 2, 0]  # page 0 was evicted by pages 1 and 2
    assert model.cached_rows() == 2 * Numbers.PAGE_SIZE
    del model.archive[7]  # vanished since the id list was read: blank until the next reload
    assert model.record(6) is None and model.index(6, Numbers.NAME).data() is None
    assert model.index(6, 0).data(Numbers.IdRole) == 7
    assert model.index(0, 0).data(Numbers.RecordRole) == "name 1"


def test_the_base_passes_the_model_tester_through_moves_and_resets(qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = Numbers()
    model.archive = {i: f"name {i}" for i in range(1, 6)}
    model.reload()
    qtmodeltester.check(model)
    model.sort(Numbers.VALUE, Qt.SortOrder.DescendingOrder)
    qtmodeltester.check(model)
    model.set_filter("3")
    qtmodeltester.check(model)
