"""Imports started from the UI: panes hear about documents while the import runs, Cancel stops
it with the archive consistent, and importing again finishes the rest without duplicates."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QTreeWidget

from ctviewer.domain.imports import ImportOutcome, ImportReport
from ctviewer.library import Library
from ctviewer.ui.context import ArchiveEvents, UiContext
from ctviewer.ui.import_controller import ImportController, ImportResult
from ctviewer.ui.import_report_dialog import ImportReportDialog
from ctviewer.ui.refcount_guard import pin_singletons
from ctviewer.ui.tasks import Lane, TaskRunner
from tests.entities.conftest import FakeExtractor

pin_singletons()  # PySide6 6.12 on Python 3.11 leaks references to None (see the module)
# The offscreen platform warns whenever a top-level window with a layout is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")

FILES = 60
# The write lane's import pauses after this many files until the test has pressed Cancel.
PAUSE_AFTER = 10


class PausingLibrary(Library):
    """A real Library whose imports can be held after a few files (to cancel at a known point)."""

    gate: threading.Event | None = None

    def import_paths(
        self,
        paths: Sequence[Path],
        *,
        progress: Any = None,
        cancelled: Any = None,
        on_outcome: Callable[[ImportOutcome], None] | None = None,
        workers: int | None = None,
    ) -> ImportReport:
        seen = 0

        def outcome(o: ImportOutcome) -> None:
            nonlocal seen
            seen += 1
            if on_outcome is not None:
                on_outcome(o)
            if seen == PAUSE_AFTER and self.gate is not None:
                self.gate.wait(30)

        return super().import_paths(paths, progress=progress, cancelled=cancelled, on_outcome=outcome, workers=workers)


def write_corpus(folder: Path, count: int = FILES) -> Path:
    folder.mkdir(parents=True)
    for i in range(count):
        (folder / f"note_{i:03}.txt").write_text(
            f"Field note {i}. Vladimir Voronkov met the OSCE in Tashkent, meeting number {i * 7919}.\n",
            encoding="utf-8",
        )
    return folder


@pytest.fixture
def empty_ctx(qtbot, tmp_path: Path) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    fake = FakeExtractor()
    lanes: dict[str, Library] = {}

    def opener(lane: Lane) -> Library:
        lanes[lane] = PausingLibrary.open(root, extractor=fake)
        return lanes[lane]

    def fail(exc: BaseException, details: str) -> None:
        raise AssertionError(f"background task failed: {exc}\n{details}")

    ctx = UiContext(library=Library.open(root, extractor=fake), runner=TaskRunner(opener, fail), events=ArchiveEvents())
    yield ctx
    ctx.runner.shutdown()
    ctx.library.close()


def run_import(qtbot, controller: ImportController, paths: list[Path]) -> ImportResult:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(controller.finished, timeout=120_000) as blocker:
        assert controller.start(paths)
    result = blocker.args[0]
    assert isinstance(result, ImportResult)
    return result


def test_import_fills_panes_in_batches_and_ends_with_the_report(
    empty_ctx: UiContext,
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    folder = write_corpus(tmp_path / "in")
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 this is not really a pdf")
    batches: list[list[int]] = []
    empty_ctx.events.documents_changed.connect(batches.append)
    extraction_done: list[bool] = []
    empty_ctx.events.extraction_finished.connect(lambda: extraction_done.append(True))
    progress: list[str] = []
    controller = ImportController(empty_ctx, batch_interval_ms=20)
    controller.progressed.connect(lambda d, n, m: progress.append(m))

    result = run_import(qtbot, controller, [folder])

    imported = [o.document_id for o in result.report.of("imported")]
    assert len(imported) == FILES
    assert [Path(o.path).name for o in result.report.of("failed")] == ["broken.pdf"]
    # Every imported document was announced, once, in batches (not one signal per file).
    assert sorted(i for batch in batches for i in batch) == sorted(imported)
    assert all(batches)
    assert empty_ctx.library.document_count() == FILES
    # Extraction ran after the import: nothing waits and the panes were told.
    assert result.extraction is not None and result.extraction.documents == FILES
    assert extraction_done == [True]
    assert empty_ctx.library.pending_extraction() == 0
    assert any(m.startswith("Importing note_") for m in progress)
    # The report dialog opened on the problems: the failed file with its reason.
    dialog = controller.report_dialog
    assert dialog is not None and dialog.isVisible()
    qtbot.addWidget(dialog)
    assert dialog.summary.text().startswith(f"{FILES} imported, 0 duplicates, 1 failed")
    failed = dialog.tabs.currentWidget()
    assert isinstance(failed, QTreeWidget) and failed.topLevelItemCount() == 1
    assert failed.topLevelItem(0).text(0) == "broken.pdf"
    assert failed.topLevelItem(0).text(1)  # the reason
    assert not controller.is_running


def test_cancel_midway_keeps_the_archive_consistent_and_a_second_import_finishes(
    empty_ctx: UiContext, qtbot, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    folder = write_corpus(tmp_path / "in")
    gate = threading.Event()
    PausingLibrary.gate = gate
    try:
        controller = ImportController(empty_ctx, show_report=False, batch_interval_ms=20)
        announced: list[int] = []

        def on_batch(ids: list[int]) -> None:
            announced.extend(ids)
            if len(announced) >= PAUSE_AFTER and not controller.cancel_requested:
                controller.cancel()  # the analyst presses Cancel while documents are arriving
                gate.set()

        empty_ctx.events.documents_changed.connect(on_batch)
        extraction_done: list[bool] = []
        empty_ctx.events.extraction_finished.connect(lambda: extraction_done.append(True))
        first = run_import(qtbot, controller, [folder]).report
    finally:
        PausingLibrary.gate = None
        gate.set()

    assert first.cancelled
    done = [o.document_id for o in first.of("imported")]
    assert PAUSE_AFTER <= len(done) < FILES
    assert extraction_done == []  # a cancelled import does not go on to extraction
    check = empty_ctx.library.check()
    assert check.ok, check.problems
    stored = {d.id for d in empty_ctx.library.documents()}
    assert set(done) <= stored and len(stored) == len(done)

    empty_ctx.events.documents_changed.disconnect(on_batch)
    second = run_import(qtbot, controller, [folder])
    assert not second.report.cancelled
    assert len(second.report.of("imported")) == FILES - len(done)
    assert {o.document_id for o in second.report.of("duplicate")} == set(done)
    docs = empty_ctx.library.documents()
    assert len(docs) == FILES and len({d.sha256 for d in docs}) == FILES
    assert empty_ctx.library.pending_extraction() == 0
    assert empty_ctx.library.check().ok
    # Both runs are on record, newest first, and the report dialog can switch between them.
    runs = empty_ctx.library.import_runs()
    assert [r.cancelled for r in runs] == [False, True]
    dialog = ImportReportDialog(second.report, runs=runs, load_run=lambda i: empty_ctx.library.import_report(i))
    qtbot.addWidget(dialog)
    assert dialog.run_picker is not None and dialog.run_picker.count() == 2
    dialog.run_picker.setCurrentIndex(1)
    assert dialog.report.cancelled and len(dialog.report.of("imported")) == len(done)
    assert "cancelled" in dialog.summary.text()


def test_only_one_import_at_a_time(empty_ctx: UiContext, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    folder = write_corpus(tmp_path / "in", 3)
    controller = ImportController(empty_ctx, show_report=False)
    with qtbot.waitSignal(controller.finished, timeout=60_000):
        assert controller.start([folder])
        assert controller.is_running
        assert not controller.start([folder])
    assert not controller.is_running


def test_report_dialog_shows_names_as_plain_text(qtbot) -> None:  # type: ignore[no-untyped-def]
    hostile = "<b>bold<img src='x.png'>.txt"  # no "/": the dialog shows file names
    report = ImportReport(outcomes=(ImportOutcome(f"/in/{hostile}", "failed", reason="<i>unreadable</i>"),))
    dialog = ImportReportDialog(report)
    qtbot.addWidget(dialog)
    tree = dialog.tabs.currentWidget()
    assert isinstance(tree, QTreeWidget)
    item = tree.topLevelItem(0)
    assert item.text(0) == hostile and item.text(1) == "<i>unreadable</i>"
    assert "<b>" not in item.toolTip(0) and "&lt;b&gt;" in item.toolTip(0)
    assert dialog.tabs.tabText(0) == "Failed (1)"
