"""Fixtures for the Qt layer: a small archive (fake extractor, no spaCy) with a UiContext over it."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ctviewer.library import Library
from ctviewer.ui.context import ArchiveEvents, UiContext
from ctviewer.ui.tasks import Lane, TaskRunner
from tests.entities.conftest import DOCS, FakeExtractor, open_fake
from tests.ui import lifetime


def make_context(root: Path, *, extractor: FakeExtractor | None = None) -> UiContext:
    """A UiContext on the archive at ``root``: the GUI thread's Library plus a runner whose lanes
    open their own Libraries (with the same fake extractor)."""
    fake = extractor or FakeExtractor()

    def opener(lane: Lane) -> Library:
        return Library.open(root, extractor=fake, read_only=False)

    def fail(exc: BaseException, details: str) -> None:  # a test must not swallow a task's failure
        raise AssertionError(f"background task failed: {exc}\n{details}")

    library = Library.open(root, extractor=fake)
    return UiContext(library=library, runner=TaskRunner(opener, fail), events=ArchiveEvents())


@pytest.fixture
def ui_ctx(qtbot, tmp_path: Path) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    """Three short documents (see tests/entities/conftest.DOCS), imported and extracted."""
    root = tmp_path / "archive"
    open_fake(root, DOCS).close()
    ctx = make_context(root)
    yield ctx
    ctx.runner.shutdown()
    ctx.library.close()


@pytest.fixture(autouse=True)
def _nothing_outlives_the_test(qapp) -> Iterator[None]:  # type: ignore[no-untyped-def]
    """Fail a UI test that leaves an active QTimer, a running thread or lane, or a TaskRunner that
    was not shut down (with pending tasks) behind: they would fire into a later test.

    Being autouse and requesting only ``qapp``, this fixture is set up before the test's other
    function fixtures and so torn down after them (``ui_ctx`` and the like have shut their
    runners down by then). pytest-qt closes the widgets registered with ``qtbot.addWidget`` in its
    ``pytest_runtest_teardown`` hook, before any fixture is torn down: their closing is checked too.
    """
    threads = threading.enumerate()
    yield
    # The test's garbage goes now, on the GUI thread: a Qt widget in a reference cycle collected
    # later by a lane thread (whose allocations trigger the collector too) would crash.
    gc.collect()
    found = lifetime.leaks(threads)
    lifetime.release()
    lifetime.delete_closed_widgets()
    if found:
        pytest.fail("left behind after the test's teardown:\n  " + "\n  ".join(found), pytrace=False)
