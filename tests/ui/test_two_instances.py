"""Two app instances on one archive (RELIABILITY T5): each window has its own Libraries,
database connections and lock handles, exactly as two processes would (the writer lock is an
``flock`` per open file, so two handles in one process exclude each other as processes do).

While instance A is busy writing (a long import holds the writer lock), instance B reads and
searches normally; B's annotation save is refused with a plain message and its editor keeps the
text; once A is done B's save goes through, and A sees B's work. No traceback, no lock error,
no corrupted index, no lost annotation."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from ctviewer.library import Library
from ctviewer.ui.context import UiContext
from ctviewer.ui.main_window import MainWindow
from ctviewer.ui.tasks import TaskContext
from tests.entities.conftest import doc_id, open_fake
from tests.ui.conftest import make_context
from tests.ui.test_annotations_flow import PASSAGE, open_editor, select_text

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
WAIT_MS = 15_000


@pytest.fixture
def instances(qtbot, tmp_path: Path) -> Iterator[tuple[MainWindow, MainWindow]]:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    open_fake(root).close()
    contexts: list[UiContext] = []
    windows: list[MainWindow] = []
    for name in ("a", "b"):
        ctx = make_context(root)
        window = MainWindow(
            ctx, QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat), sample_root=tmp_path / "sample"
        )
        qtbot.addWidget(window)
        window.show()
        window.safety.start()
        qtbot.waitSignal(window.safety.checks_finished, timeout=WAIT_MS).wait()
        contexts.append(ctx)
        windows.append(window)
    yield windows[0], windows[1]
    for window, ctx in zip(windows, contexts, strict=True):
        window.close()
        ctx.runner.shutdown()
        ctx.library.close()


def test_one_writes_while_the_other_reads_and_is_told_plainly(qtbot, instances, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    a, b = instances
    holding, release = threading.Event(), threading.Event()

    def long_write(library: Library, _task: TaskContext) -> None:
        with library.archive.writing():  # what a long import does for its whole run
            holding.set()
            release.wait(60)

    a.ctx.runner.submit("write", long_write, description="Importing")
    assert holding.wait(10)
    try:
        # B reads and searches as usual while A writes.
        assert b.ctx.library.search("Tashkent").total == 3
        assert b.ctx.library.document_count() == 3
        b.search.set_query("Voronkov")
        qtbot.waitUntil(lambda: b.search.model.rowCount() == 3, timeout=WAIT_MS)

        # B's save is refused plainly; the editor keeps the note.
        target = doc_id(b.ctx.library, "a.txt")
        select_text(b, target, PASSAGE)
        dialog = open_editor(b, qtbot)
        dialog.note_edit.setPlainText("written in the second window")
        dialog.save_button.click()
        qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=WAIT_MS)
        assert dialog.error_label.text().startswith("Not saved: Another ctviewer process")
        assert "writing to this archive" in dialog.error_label.text()
        assert dialog.isVisible() and dialog.note_edit.toPlainText() == "written in the second window"
    finally:
        release.set()
    assert a.ctx.runner.wait_idle()

    # A has finished: B's same editor saves, and A sees it (database and index).
    with qtbot.waitSignal(b.ctx.events.annotations_changed, timeout=WAIT_MS):
        dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
    assert [n.note for n in a.ctx.library.annotations()] == ["written in the second window"]
    assert [h.id for h in a.ctx.library.search("note:second").hits] == [target]

    # And the other way round: A imports, B's searches and lists follow.
    extra = tmp_path / "extra.txt"
    extra.write_text("Bishkek hosted the regional meeting on 4 April 2024.")
    a.ctx.runner.submit("write", lambda library, _task: library.import_paths([extra]))
    assert a.ctx.runner.wait_idle()
    assert b.ctx.library.document_count() == 4 and b.ctx.library.search("Bishkek").total == 1
    for window in (a, b):
        report = window.ctx.library.check()
        assert report.ok, report
