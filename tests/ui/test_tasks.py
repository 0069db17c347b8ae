"""The background task runner: work runs off the GUI thread, callbacks come back on it, and
cancelled or stale work stays silent."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QThread

from ctviewer.ui.refcount_guard import pin_singletons
from ctviewer.ui.tasks import Lane, TaskContext, TaskRunner

pin_singletons()  # PySide6 6.12 on Python 3.11 leaks references to None (see the module)


class FakeLibrary:
    """Stands in for a lane's Library: remembers its lane and thread, and whether it was closed."""

    def __init__(self, lane: Lane) -> None:
        self.lane = lane
        self.thread = QThread.currentThread()
        self.closed = False

    def close(self) -> None:
        self.closed = True


class Harness:
    def __init__(self) -> None:
        self.libraries: list[FakeLibrary] = []
        self.unhandled: list[BaseException] = []
        self.runner = TaskRunner(self.open, lambda exc, details: self.unhandled.append(exc))

    def open(self, lane: Lane) -> Any:
        library = FakeLibrary(lane)
        self.libraries.append(library)
        return library

    def block(self, lane: Lane) -> threading.Event:
        """Occupy ``lane`` until the returned event is set (so later tasks stay queued)."""
        release, running = threading.Event(), threading.Event()

        def hold(library: Any, ctx: TaskContext) -> None:
            running.set()
            release.wait(10)

        self.runner.submit(lane, hold)
        assert running.wait(10)
        return release


@pytest.fixture
def harness(qtbot) -> Iterator[Harness]:  # type: ignore[no-untyped-def]
    h = Harness()
    yield h
    h.runner.shutdown()


def gui_thread() -> QThread:
    app = QCoreApplication.instance()
    assert app is not None
    return app.thread()


def test_work_runs_in_the_lane_thread_and_results_arrive_on_the_gui_thread(harness: Harness, qtbot) -> None:  # type: ignore[no-untyped-def]
    seen: dict[str, object] = {}

    def work(library: Any, ctx: TaskContext) -> int:
        seen["work_thread"] = QThread.currentThread()
        seen["library"] = library
        return 42

    def done(value: int) -> None:
        seen["done_thread"] = QThread.currentThread()
        seen["value"] = value

    harness.runner.submit("read", work, on_done=done)
    qtbot.waitUntil(lambda: "value" in seen, timeout=10_000)
    assert seen["value"] == 42
    assert seen["done_thread"] is gui_thread()
    assert seen["work_thread"] is not gui_thread()
    library = seen["library"]
    assert isinstance(library, FakeLibrary) and library.lane == "read"
    assert library.thread is seen["work_thread"]  # the Library was opened in the lane's own thread


def test_each_lane_has_its_own_library_and_thread(harness: Harness, qtbot) -> None:  # type: ignore[no-untyped-def]
    got: dict[str, FakeLibrary] = {}
    harness.runner.submit("read", lambda lib, ctx: lib, on_done=lambda lib: got.__setitem__("read", lib))
    harness.runner.submit("write", lambda lib, ctx: lib, on_done=lambda lib: got.__setitem__("write", lib))
    qtbot.waitUntil(lambda: len(got) == 2, timeout=10_000)
    assert got["read"] is not got["write"]
    assert got["read"].thread is not got["write"].thread
    assert (got["read"].lane, got["write"].lane) == ("read", "write")


def test_a_failure_reaches_on_error_with_the_traceback(harness: Harness, qtbot) -> None:  # type: ignore[no-untyped-def]
    errors: list[tuple[BaseException, str]] = []
    done: list[object] = []

    def broken(library: Any, ctx: TaskContext) -> None:
        raise ValueError("disk on fire")

    harness.runner.submit("write", broken, on_done=done.append, on_error=lambda e, d: errors.append((e, d)))
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    exc, details = errors[0]
    assert isinstance(exc, ValueError) and str(exc) == "disk on fire"
    assert "Traceback" in details and "broken" in details
    assert done == [] and harness.unhandled == []


def test_a_failure_without_on_error_goes_to_the_runner_error_handler(harness: Harness, qtbot) -> None:  # type: ignore[no-untyped-def]
    harness.runner.submit("read", lambda lib, ctx: 1 / 0)
    qtbot.waitUntil(lambda: bool(harness.unhandled), timeout=10_000)
    assert isinstance(harness.unhandled[0], ZeroDivisionError)


def test_cancel_before_start_skips_the_task_and_silences_its_callbacks(harness: Harness, qtbot) -> None:  # type: ignore[no-untyped-def]
    release = harness.block("write")
    ran: list[str] = []
    callbacks: list[str] = []
    task = harness.runner.submit(
        "write",
        lambda lib, ctx: ran.append("ran"),
        on_done=lambda v: callbacks.append("done"),
        on_error=lambda e, d: callbacks.append("error"),
        on_finished=lambda: callbacks.append("finished"),
    )
    assert task in harness.runner.active()
    task.cancel()
    assert task not in harness.runner.active()
    release.set()
    assert harness.runner.wait_idle(10_000)
    assert ran == [] and callbacks == []


def test_cancel_while_running_silences_the_result(harness: Harness, qtbot) -> None:  # type: ignore[no-untyped-def]
    started, release = threading.Event(), threading.Event()
    callbacks: list[object] = []

    def slow(library: Any, ctx: TaskContext) -> str:
        started.set()
        release.wait(10)
        return "late"

    task = harness.runner.submit("read", slow, on_done=callbacks.append)
    assert started.wait(10)
    task.cancel()
    release.set()
    assert harness.runner.wait_idle(10_000)
    assert callbacks == []


def test_stale_read_tasks_are_skipped_and_only_the_newest_answers(harness: Harness, qtbot) -> None:  # type: ignore[no-untyped-def]
    """What the search pane does on every keystroke: cancel the previous query, submit the new one."""
    release = harness.block("read")
    ran: list[str] = []
    answers: list[str] = []
    previous = None
    for query in ("v", "vo", "vor", "voro"):
        if previous is not None:
            previous.cancel()
        previous = harness.runner.submit("read", lambda lib, ctx, q=query: ran.append(q) or q, on_done=answers.append)
    release.set()
    qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
    assert harness.runner.wait_idle(10_000)
    assert ran == ["voro"] and answers == ["voro"]


def test_progress_and_partial_values_arrive_on_the_gui_thread(harness: Harness, qtbot) -> None:  # type: ignore[no-untyped-def]
    progress: list[tuple[int, int | None, str]] = []
    partial: list[object] = []
    threads: set[QThread] = set()
    done: list[object] = []

    def work(library: Any, ctx: TaskContext) -> None:
        ctx.progress(0, None, "counting")
        ctx.post("first")
        ctx.progress(3, 3, "finished")  # a final value is never throttled away

    def on_progress(d: int, t: int | None, m: str) -> None:
        threads.add(QThread.currentThread())
        progress.append((d, t, m))

    harness.runner.submit("write", work, on_progress=on_progress, on_partial=partial.append, on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    assert progress[0] == (0, None, "counting")
    assert progress[-1] == (3, 3, "finished")
    assert partial == ["first"]
    assert threads == {gui_thread()}


def test_busy_state_reports_running_tasks(harness: Harness, qtbot) -> None:  # type: ignore[no-untyped-def]
    release = harness.block("write")
    qtbot.waitUntil(lambda: [t.lane for t in harness.runner.running()] == ["write"], timeout=10_000)
    release.set()
    assert harness.runner.wait_idle(10_000)
    assert harness.runner.running() == [] and harness.runner.active() == []


def test_shutdown_closes_the_lane_libraries_and_refuses_new_work(harness: Harness, qtbot) -> None:  # type: ignore[no-untyped-def]
    done: list[object] = []
    harness.runner.submit("read", lambda lib, ctx: 1, on_done=done.append)
    harness.runner.submit("write", lambda lib, ctx: 2, on_done=done.append)
    qtbot.waitUntil(lambda: len(done) == 2, timeout=10_000)
    assert len(harness.libraries) == 2 and not any(lib.closed for lib in harness.libraries)
    harness.runner.shutdown()
    assert all(lib.closed for lib in harness.libraries)
    with pytest.raises(RuntimeError):
        harness.runner.submit("read", lambda lib, ctx: None)
