"""Data safety in the window: a damaged database at open is restored or salvaged, damage found
by the background check switches editing off and offers recovery, a read-only archive shows a
notice with editing off while search works, a deleted index is rebuilt in the background, and
File > Back Up Now / Restore from Backup work, and after a restore automatic backups wait until the
analyst keeps or undoes it."""

from __future__ import annotations

import shutil
import sqlite3
import zlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox
from whoosh.searching import Searcher

from ctviewer.archive import backups as backups_module
from ctviewer.library import Library
from ctviewer.paths import ArchivePaths
from ctviewer.ui import app as app_module
from ctviewer.ui.archive_safety import RestoreDialog
from ctviewer.ui.main_window import MainWindow
from ctviewer.ui.refcount_guard import pin_singletons
from tests.entities.conftest import doc_id, open_fake
from tests.ui.conftest import make_context

pin_singletons()  # PySide6 6.12 on Python 3.11 leaks references to None (see the module)
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
PAGE = 4096


@pytest.fixture
def session(qtbot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[app_module.ArchiveSession]:  # type: ignore[no-untyped-def]
    def fail(exc: BaseException, details: str, _parent: object = None) -> None:
        raise AssertionError(f"unexpected error reached the crash dialog: {exc}\n{details}")

    monkeypatch.setattr(app_module, "report_exception", fail)
    s = app_module.ArchiveSession(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    # Modal questions would hang a test: each test answers the ones it expects.
    s._ask_for_another = lambda message: pytest.fail(f"asked for another archive: {message}")  # type: ignore[method-assign]
    s.choose_recovery = lambda message, _latest: pytest.fail(f"asked to recover: {message}")  # type: ignore[method-assign]
    yield s
    window = s.window
    s.close()
    if window is not None:
        window.close()


def _archive_with_backup(root: Path) -> None:
    """Two annotations: the first is in the backup, the second only in the live database."""
    library = open_fake(root)
    library.annotate(doc_id(library, "a.txt"), quote="Tashkent", note="in the backup")
    library.backup()
    library.annotate(doc_id(library, "b.txt"), quote="Zhang Ming", note="after the backup")
    library.close()


def _opened_fake(qtbot, session: app_module.ArchiveSession, root: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    """The fake archive at ``root``, opened in the session's window once its checks are done."""
    open_fake(root).close()
    assert session.open(root, create=False)
    window = session.window
    assert window is not None
    qtbot.waitSignal(window.safety.checks_finished, timeout=30_000).wait()
    return window


def _notes(session: app_module.ArchiveSession) -> list[str]:
    assert session.window is not None
    return sorted(a.note for a in session.window.ctx.library.annotations())


def test_damaged_database_at_open_is_restored_from_the_latest_backup(qtbot, session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    _archive_with_backup(root)
    db = ArchivePaths(root).db
    damaged = bytearray(db.read_bytes())
    damaged[:PAGE] = bytes(PAGE)
    db.write_bytes(bytes(damaged))
    asked: list[tuple[str, str | None]] = []

    def choose(message: str, latest: str | None) -> str:
        asked.append((message, latest))
        return "restore"

    session.choose_recovery = choose
    assert session.open(root, create=False)
    assert len(asked) == 1 and "is damaged" in asked[0][0] and "backed up by hand" in (asked[0][1] or "")
    qtbot.waitSignal(session.window.safety.checks_finished, timeout=30_000).wait()  # type: ignore[union-attr]
    assert _notes(session) == ["in the backup"]
    assert "Restored the backup" in session.last_recovery
    kept = list((root / "recovery").glob("*-damaged/ctviewer.sqlite3"))
    assert len(kept) == 1 and kept[0].read_bytes() == bytes(damaged)
    window = session.window
    assert window is not None and window.safety.writable and window.backup_action.isEnabled()
    assert window.ctx.library.search("Tashkent").total == 3  # the index was rebuilt for the restored data


def test_damage_found_after_open_switches_editing_off_and_salvage_recovers(qtbot, session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    _archive_with_backup(root)
    db = ArchivePaths(root).db
    conn = sqlite3.connect(db)
    page = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'document_texts'").fetchone()[0]
    conn.close()
    data = bytearray(db.read_bytes())
    data[(page - 1) * PAGE : page * PAGE] = bytes(PAGE)  # the texts: only the reader and quick_check read them
    db.write_bytes(bytes(data))
    assert session.open(root, create=False)
    window = session.window
    assert window is not None
    with qtbot.waitSignal(window.safety.damage_found, timeout=30_000) as found:
        pass
    assert "is damaged" in found.args[0]
    assert window.notice.isVisible() and "damaged" in window.notice.label.text()
    assert window.notice.button.text() == "Recover…"
    assert not window.reader.annotate_action.isEnabled() and not window.write_actions[0].isEnabled()

    window.safety.recovery_requested.emit("salvage", "")
    assert session.window is not window
    qtbot.waitSignal(session.window.safety.checks_finished, timeout=30_000).wait()  # type: ignore[union-attr]
    assert session.last_recovery.startswith("Salvage")
    assert session.window.safety.writable  # type: ignore[union-attr]
    assert session.window.notice.button.text() == "Keep Salvaged Archive"  # type: ignore[union-attr]
    assert session.window.ctx.library.check().ok  # type: ignore[union-attr]


def test_read_only_archive_shows_a_notice_disables_editing_and_still_searches(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]

    root = tmp_path / "archive"
    open_fake(root).close()
    ctx = make_context(root)
    ctx.library.close()
    ctx.library = Library.open(root, read_only=True)  # as on read-only media
    try:
        window = MainWindow(
            ctx, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), sample_root=tmp_path / "sample"
        )
        qtbot.addWidget(window)
        window.show()
        with qtbot.waitSignal(window.safety.checks_finished, timeout=10_000):
            window.safety.start()
        assert window.notice.isVisible() and "read-only" in window.notice.label.text()
        assert not window.notice.button.isVisible()
        assert not any(a.isEnabled() for a in window.write_actions)
        assert not window.restore_action.isEnabled()
        with qtbot.waitSignal(window.search.search_finished, timeout=30_000) as searched:
            window.search.set_query("Tashkent")
        assert searched.args[1] == 3
    finally:
        ctx.runner.shutdown()
        ctx.library.close()


def test_deleted_index_is_rebuilt_in_the_background(qtbot, session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    open_fake(root).close()
    shutil.rmtree(ArchivePaths(root).index)
    assert session.open(root, create=False)
    window = session.window
    assert window is not None
    qtbot.waitSignal(window.safety.checks_finished, timeout=30_000).wait()
    assert window.ctx.library.index.problem() is None
    assert window.ctx.library.search("Voronkov").total == 3


def test_back_up_now_and_the_restore_dialog(qtbot, session, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    window = _opened_fake(qtbot, session, tmp_path / "archive")
    window.backup_action.trigger()
    qtbot.waitUntil(lambda: len(window.ctx.library.backups()) == 1, timeout=10_000)
    qtbot.waitUntil(lambda: "Backed up to" in window.status.currentMessage(), timeout=10_000)
    dialog = RestoreDialog(window.ctx.library.backups(), window)
    qtbot.addWidget(dialog)
    assert dialog.list.count() == 1 and "backed up by hand" in dialog.list.item(0).text()
    assert dialog.chosen() == window.ctx.library.backups()[0].path.name


def test_after_a_restore_the_notice_pauses_automatic_backups_until_kept_or_undone(  # type: ignore[no-untyped-def]
    qtbot, session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "archive"
    _archive_with_backup(root)
    assert session.open(root, create=False)
    window = session.window
    assert window is not None
    qtbot.waitSignal(window.safety.checks_finished, timeout=30_000).wait()
    assert window.notice.isHidden()
    backup = window.ctx.library.backups()[0].path.name

    assert session.recover(root, "restore", backup)
    window = session.window
    assert window is not None
    qtbot.waitSignal(window.safety.checks_finished, timeout=30_000).wait()
    assert _notes(session) == ["in the backup"]
    assert "Automatic backups are paused" in session.last_recovery
    notice = window.notice
    assert notice.isVisible() and "restored from the backup of" in notice.label.text()
    assert notice.button.text() == "Keep Restored Archive" and notice.second_button.text() == "Undo Restore"
    assert notice.label.textFormat() == Qt.TextFormat.PlainText

    names = {b.path.name for b in window.ctx.library.backups()}
    window.ctx.library.annotate(doc_id(window.ctx.library, "c.txt"), quote="Jordan", note="after the restore")
    monkeypatch.setattr(backups_module, "AUTO_INTERVAL", timedelta(0))  # due at once
    window.safety.auto_backup()
    assert window.ctx.runner.wait_idle()
    assert {b.path.name for b in window.ctx.library.backups()} == names  # paused: nothing taken

    # Undo: the database as it was before the restore comes back (itself a restore, asked first).
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: QMessageBox.StandardButton.Yes)
    notice.second_button.click()
    window = session.window
    assert window is not None
    qtbot.waitSignal(window.safety.checks_finished, timeout=30_000).wait()
    assert _notes(session) == ["after the backup", "in the backup"]
    assert window.notice.isVisible() and window.safety.pending is not None

    # Keep: the notice goes, and automatic backups resume with a backup of the kept state.
    window.notice.button.click()
    qtbot.waitUntil(lambda: window.safety.pending is None and window.notice.isHidden(), timeout=10_000)
    assert window.ctx.library.pending_recovery() is None
    qtbot.waitUntil(lambda: any(b.automatic for b in window.ctx.library.backups()), timeout=10_000)


def test_a_search_that_finds_the_index_damaged_rebuilds_it_in_the_background(  # type: ignore[no-untyped-def]
    qtbot, session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Damage inside a segment shows only when a search reads it (real damage of that kind is
    exercised in tests/safety/test_index_rebuild_regression.py); here Whoosh fails as it does
    then, once, with a zlib error."""
    window = _opened_fake(qtbot, session, tmp_path / "archive")
    real = Searcher.search
    calls = {"n": 0}

    def failing_once(self: Searcher, *args: object, **kwargs: object) -> object:
        calls["n"] += 1
        if calls["n"] == 1:
            raise zlib.error("Error -3 while decompressing data: invalid block type")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Searcher, "search", failing_once)
    with qtbot.waitSignal(window.search.index_damaged, timeout=30_000):
        window.search.set_query("Tashkent")
    assert "being rebuilt" in window.search.no_results_label.text()
    assert "Traceback" not in window.search.no_results_label.text()
    qtbot.waitSignal(window.safety.checks_finished, timeout=30_000).wait()
    assert window.ctx.library.index.problem() is None
    assert "repaired" in window.status.currentMessage()
    with qtbot.waitSignal(window.search.search_finished, timeout=30_000) as searched:
        window.search.set_query("Voronkov")
    assert searched.args[1] == 3
