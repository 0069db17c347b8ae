"""What a UI test must not leave behind: an active QTimer, a running QThread or Python thread, a
TaskRunner that was not shut down (with its pending tasks). Anything of that kind fires or runs
during a later test, where it fails far from its cause (a window's auto-backup timer submitting
to a runner that its own test shut down long ago).

``leaks`` finds them; ``release`` stops them so that one leaking test does not fail the next
ones too. The autouse fixture in tests/ui/conftest.py runs both after every UI test.
``add_pane`` closes a pane that a test made on its own as the main window closes its panes.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThread, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from ctviewer.ui.context import UiContext, stop_archive_work
from ctviewer.ui.tasks import TaskRunner


def _alive(obj: QObject) -> bool:
    import shiboken6

    return shiboken6.isValid(obj)


def _wrappers(kind: type) -> list:  # type: ignore[type-arg]
    """Every Python object of ``kind`` whose C++ object still exists (QObjects without a parent
    widget are found only this way)."""
    return [o for o in gc.get_objects() if isinstance(o, kind) and _alive(o)]


def _timers() -> list[QTimer]:
    """QTimers under every live top-level widget (Qt's own too, e.g. a status bar's message
    timer) plus every QTimer Python holds a wrapper of."""
    found: dict[int, QTimer] = {}
    app = QApplication.instance()
    widgets = QApplication.topLevelWidgets() if isinstance(app, QApplication) else []
    for widget in widgets:
        for timer in widget.findChildren(QTimer):
            found[id(timer)] = timer
    for timer in _wrappers(QTimer):
        found.setdefault(id(timer), timer)
    return list(found.values())


def describe(obj: QObject) -> str:
    """``QTimer ArchiveSafety._auto < MainWindow``: the attribute holding it, then its parents."""
    name = type(obj).__name__
    parent = obj.parent()
    if parent is not None:
        attribute = next((k for k, v in getattr(parent, "__dict__", {}).items() if v is obj), None)
        if attribute:
            name += f" {type(parent).__name__}.{attribute}"
    chain = []
    while parent is not None:
        chain.append(type(parent).__name__)
        parent = parent.parent()
    return name + (" < " + " < ".join(chain) if chain else " (no parent)")


def active_timers() -> list[QTimer]:
    return [t for t in _timers() if t.isActive()]


def open_runners() -> list[TaskRunner]:
    return [r for r in _wrappers(TaskRunner) if not r.is_shut_down]


def running_qthreads() -> list[QThread]:
    main = QCoreApplication.instance()
    gui = main.thread() if main is not None else None
    return [t for t in _wrappers(QThread) if t is not gui and t.isRunning()]


def new_threads(before: Iterable[threading.Thread]) -> list[threading.Thread]:
    """Python threads started since ``before`` and still running (Qt's threads show up as
    dummy entries once they run Python code: those are the QThread check's business)."""
    old = set(before)
    return [
        t
        for t in threading.enumerate()
        if t not in old and t.is_alive() and not isinstance(t, threading._DummyThread)  # type: ignore[attr-defined]
    ]


def leaks(threads_before: Iterable[threading.Thread] = ()) -> list[str]:
    """One line per thing still alive that should not be."""
    found = [f"active {describe(t)} (interval {t.interval()} ms)" for t in active_timers()]
    for runner in open_runners():
        pending = ", ".join(t.description or getattr(t.fn, "__qualname__", "?") for t in runner.active())
        found.append(f"TaskRunner not shut down{f' (pending: {pending})' if pending else ''}")
    found += [f"running {describe(t)} {t.objectName()!r}" for t in running_qthreads()]
    found += [f"running Python thread {t.name!r}" for t in new_threads(threads_before)]
    return found


def release() -> None:
    """Stop what ``leaks`` found (threads cannot be stopped from outside: they are only reported)."""
    for timer in active_timers():
        timer.stop()
    for runner in open_runners():
        runner.shutdown()


def delete_closed_widgets() -> None:
    """Carry out pending ``deleteLater`` calls now (pytest-qt's on the widgets it closed would
    otherwise wait for the next test's first event loop)."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def add_pane(qtbot, pane: QWidget, ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    """Register a pane made over ``ctx`` without the main window with qtbot: when the test ends
    it is closed as the window closes its panes (``MainWindow.shut_down``), its archive's lane
    work ended and its timers stopped, so no late result re-arms one after the runner is gone."""
    qtbot.addWidget(pane, before_close_func=lambda widget: stop_archive_work(ctx, widget))
