"""The background task runner: work off the GUI thread, results back on it.

Two *lanes*, each one QThread that owns its own :class:`~ctviewer.library.Library` (SQLite
connections and Whoosh searchers are per thread, so a Library never crosses threads):

- ``read``: searches, loading documents, finding hits. Queued tasks that went stale (a newer
  keystroke replaced the query) are skipped before they start.
- ``write``: imports, entity extraction, index repair. The archive has one writer at a time
  anyway, so one thread is all it needs.

A task is a function ``fn(library, context)`` run in the lane's thread; ``context`` reports
progress and says whether the task was cancelled. Callbacks (``on_done``, ``on_error``,
``on_progress``) are always called on the GUI thread and never after the task was
cancelled or the runner shut down. Background code never touches widgets.
"""

from __future__ import annotations

import itertools
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from PySide6.QtCore import QObject, QThread, Signal, Slot

if TYPE_CHECKING:
    from ctviewer.library import Library

Lane = Literal["read", "write"]
LibraryOpener = Callable[[Lane], "Library"]
TaskFn = Callable[["Library", "TaskContext"], Any]

# Progress signals are throttled: a 10,000-file import must not flood the GUI event queue.
PROGRESS_INTERVAL_S = 0.05


class TaskContext:
    """What a running task sees of its handle: progress reporting and cancellation."""

    def __init__(self, task: Task, emit: Callable[[int, int, int, str], None]) -> None:
        self._task = task
        self._emit = emit
        self._last = 0.0

    def progress(self, done: int, total: int | None, message: str = "") -> None:
        """The core's ``progress(done, total, message)`` callback; ``total`` None = unknown."""
        now = time.monotonic()
        final = total is not None and done >= total
        if not final and now - self._last < PROGRESS_INTERVAL_S:
            return
        self._last = now
        self._emit(self._task.id, done, -1 if total is None else total, message)

    def cancelled(self) -> bool:
        """The core's ``cancelled()`` callback."""
        return self._task.is_cancelled

    def post(self, value: object) -> None:
        """Send an intermediate value (e.g. one import outcome) to ``on_partial`` on the GUI thread."""
        self._emit_partial(self._task.id, value)

    _emit_partial: Callable[[int, object], None]


@dataclass(eq=False)
class Task:
    """A handle on submitted work. ``cancel()`` asks it to stop and silences its callbacks."""

    id: int
    lane: Lane
    description: str
    fn: TaskFn
    on_done: Callable[[Any], None] | None = None
    on_error: Callable[[BaseException, str], None] | None = None
    on_progress: Callable[[int, int | None, str], None] | None = None
    on_partial: Callable[[object], None] | None = None
    on_finished: Callable[[], None] | None = None
    _cancel: threading.Event = field(default_factory=threading.Event)

    def cancel(self) -> None:
        self._cancel.set()

    @property
    def is_cancelled(self) -> bool:
        return self._cancel.is_set()


class _LaneWorker(QObject):
    """Lives in a lane's thread; opens that lane's Library on first use and runs tasks in order."""

    started = Signal(int)
    progressed = Signal(int, int, int, str)
    partial = Signal(int, object)
    succeeded = Signal(int, object)
    failed = Signal(int, object, str)
    skipped = Signal(int)

    def __init__(self, lane: Lane, opener: LibraryOpener) -> None:
        super().__init__()
        self._lane = lane
        self._opener = opener
        self._library: Library | None = None

    @Slot(object)
    def execute(self, task: Task) -> None:
        if task.is_cancelled:
            self.skipped.emit(task.id)
            return
        self.started.emit(task.id)
        context = TaskContext(task, self.progressed.emit)
        context._emit_partial = self.partial.emit
        try:
            if self._library is None:
                self._library = self._opener(self._lane)
            result = task.fn(self._library, context)
        except BaseException as exc:  # every failure goes back to the GUI thread, never lost here
            self.failed.emit(task.id, exc, traceback.format_exc())
        else:
            self.succeeded.emit(task.id, result)

    @Slot()
    def close_library(self) -> None:
        library, self._library = self._library, None
        if library is not None:
            library.close()


class TaskRunner(QObject):
    """Runs tasks on the ``read`` and ``write`` lanes of one archive.

    ``opener(lane)`` opens the Library a lane uses (called in that lane's thread).
    ``error_handler`` receives failures of tasks that have no ``on_error``.
    """

    busy_changed = Signal()  # the set of running/queued tasks changed (status bar)
    _dispatch_read = Signal(object)
    _dispatch_write = Signal(object)
    _close_read = Signal()
    _close_write = Signal()

    def __init__(
        self, opener: LibraryOpener, error_handler: Callable[[BaseException, str], None], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._error_handler = error_handler
        self._ids = itertools.count(1)
        self._tasks: dict[int, Task] = {}
        self._running: set[int] = set()
        self._threads: dict[Lane, QThread] = {}
        self._workers: dict[Lane, _LaneWorker] = {}
        for lane, dispatch, close in (
            ("read", self._dispatch_read, self._close_read),
            ("write", self._dispatch_write, self._close_write),
        ):
            thread = QThread(self)
            thread.setObjectName(f"ctviewer-{lane}")
            worker = _LaneWorker(lane, opener)  # type: ignore[arg-type]
            worker.moveToThread(thread)
            dispatch.connect(worker.execute)
            close.connect(worker.close_library)
            worker.started.connect(self._on_started)
            worker.progressed.connect(self._on_progress)
            worker.partial.connect(self._on_partial)
            worker.succeeded.connect(self._on_succeeded)
            worker.failed.connect(self._on_failed)
            worker.skipped.connect(self._on_skipped)
            thread.start()
            self._threads[lane] = thread  # type: ignore[index]
            self._workers[lane] = worker  # type: ignore[index]
        self._closed = False

    # -- submitting -----------------------------------------------------------------------
    def submit(
        self,
        lane: Lane,
        fn: TaskFn,
        *,
        description: str = "",
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException, str], None] | None = None,
        on_progress: Callable[[int, int | None, str], None] | None = None,
        on_partial: Callable[[object], None] | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> Task:
        """Queue ``fn`` on ``lane``; callbacks run on the GUI thread unless the task is cancelled."""
        if self._closed:
            raise RuntimeError("the task runner is shut down")
        task = Task(next(self._ids), lane, description, fn, on_done, on_error, on_progress, on_partial, on_finished)
        self._tasks[task.id] = task
        (self._dispatch_read if lane == "read" else self._dispatch_write).emit(task)
        self.busy_changed.emit()
        return task

    def report_error(self, exc: BaseException, details: str) -> None:
        """Hand a failure an ``on_error`` callback does not handle itself to the runner's handler
        (the crash dialog in the app)."""
        self._error_handler(exc, details)

    def active(self) -> list[Task]:
        """Tasks queued or running that were not cancelled, oldest first."""
        return [t for t in self._tasks.values() if not t.is_cancelled]

    @property
    def is_shut_down(self) -> bool:
        return self._closed

    def running(self) -> list[Task]:
        return [self._tasks[i] for i in sorted(self._running) if i in self._tasks]

    def wait_idle(self, timeout_ms: int = 30_000) -> bool:
        """Block (processing events) until no task is left; for tests and shutdown."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer, QEventLoop

        deadline = QDeadlineTimer(timeout_ms)
        while self._tasks:
            if deadline.hasExpired():
                return False
            QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            time.sleep(0.005)
        return True

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Cancel everything, let the lanes finish their current task, close their Libraries."""
        if self._closed:
            return
        self._closed = True
        for task in self._tasks.values():
            task.cancel()
        self._close_read.emit()
        self._close_write.emit()
        for thread in self._threads.values():
            thread.quit()
        for thread in self._threads.values():
            thread.wait(timeout_ms)
        self._tasks.clear()
        self._running.clear()

    # -- delivering (GUI thread) ----------------------------------------------------------
    def _live(self, task_id: int) -> Task | None:
        task = self._tasks.get(task_id)
        return None if task is None or task.is_cancelled else task

    def _finish(self, task_id: int) -> Task | None:
        self._running.discard(task_id)
        task = self._tasks.pop(task_id, None)
        if task is not None:  # not for a result arriving after shutdown: nobody is listening then
            self.busy_changed.emit()
        return task

    @Slot(int)
    def _on_started(self, task_id: int) -> None:
        if task_id in self._tasks:
            self._running.add(task_id)
            self.busy_changed.emit()

    @Slot(int, int, int, str)
    def _on_progress(self, task_id: int, done: int, total: int, message: str) -> None:
        task = self._live(task_id)
        if task is not None and task.on_progress is not None:
            task.on_progress(done, None if total < 0 else total, message)

    @Slot(int, object)
    def _on_partial(self, task_id: int, value: object) -> None:
        task = self._live(task_id)
        if task is not None and task.on_partial is not None:
            task.on_partial(value)

    @Slot(int, object)
    def _on_succeeded(self, task_id: int, result: object) -> None:
        task = self._finish(task_id)
        if task is None or task.is_cancelled:
            return
        if task.on_done is not None:
            task.on_done(result)
        if task.on_finished is not None and not self._closed:  # on_done may have closed the archive
            task.on_finished()

    @Slot(int, object, str)
    def _on_failed(self, task_id: int, exc: BaseException, details: str) -> None:
        task = self._finish(task_id)
        if task is None or task.is_cancelled:
            return
        if task.on_error is not None:
            task.on_error(exc, details)
        else:
            self._error_handler(exc, details)
        if task.on_finished is not None and not self._closed:
            task.on_finished()

    @Slot(int)
    def _on_skipped(self, task_id: int) -> None:
        self._finish(task_id)
