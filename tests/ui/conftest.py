"""Fixtures for the Qt layer: a small archive (fake extractor, no spaCy) with a UiContext over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ctviewer.library import Library
from ctviewer.ui.context import ArchiveEvents, UiContext
from ctviewer.ui.tasks import Lane, TaskRunner
from tests.entities.conftest import DOCS, FakeExtractor, open_fake


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
