"""Starting the desktop app: the QApplication, error handling, and which archive to open.

Composition root of the GUI. It owns the open archive (the GUI thread's Library, the task
runner whose lanes open their own Libraries, the archive events) and the main window; when the
window asks for another archive it closes all of them and opens the new one.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from ctviewer import paths
from ctviewer.errors import DamagedArchiveError, KnownError
from ctviewer.ui.crash_dialog import excepthook, report_exception
from ctviewer.ui.icons import icon
from ctviewer.ui.refcount_guard import pin_singletons

if TYPE_CHECKING:
    from ctviewer.ui.main_window import MainWindow

ORGANISATION = "ctviewer"


class ArchiveSession(QObject):
    """The open archive and its window; ``open`` replaces both."""

    def __init__(self, settings: QSettings) -> None:
        super().__init__()
        self.settings = settings
        self.window: MainWindow | None = None
        self._close_context = lambda: None
        self.last_recovery = ""  # what the last restore or salvage did (shown, and read by tests)
        self._recovery_box: QMessageBox | None = None

    def open(self, root: Path, *, create: bool) -> bool:
        """Open ``root`` (creating it if ``create``) in a new window; on a KnownError (not an
        archive, locked, too new...) say so plainly and let the user choose another folder."""
        from ctviewer.library import Library
        from ctviewer.ui.context import ArchiveEvents, UiContext
        from ctviewer.ui.main_window import MainWindow
        from ctviewer.ui.tasks import Lane, TaskRunner

        while True:
            try:
                # The index is checked and repaired in the background once the window shows.
                library = Library.open(root, create=create, repair_index=False)
                break
            except DamagedArchiveError as exc:
                if not self._recover_at_open(root, str(exc)):
                    choice = self._ask_for_another(str(exc))
                    if choice is None:
                        return False
                    root, create = choice, False
            except KnownError as exc:
                choice = self._ask_for_another(str(exc))
                if choice is None:
                    return False
                root, create = choice, False

        def opener(_lane: Lane) -> Library:
            return Library.open(root, create=False, repair_index=False)

        runner = TaskRunner(opener, lambda exc, details: report_exception(exc, details, self.window))
        ctx = UiContext(library=library, runner=runner, events=ArchiveEvents())
        old_window = self.window
        if old_window is not None:
            old_window.save_state()  # the new window restores the same geometry and layout
        # Before the new window exists: nothing of the old archive (a timer, lane work, a late
        # callback) can run once the new one is in place.
        self.close()
        window = MainWindow(ctx, self.settings)
        window.archive_chosen.connect(lambda folder, new: self.open(Path(folder), create=bool(new)))
        window.safety.recovery_requested.connect(lambda kind, name: self.recover(root, kind, name or None))

        def close_context() -> None:
            window.shut_down()  # its timers, its import and the runner's lanes
            library.close()

        self.window, self._close_context = window, close_context
        window.show()
        window.save_state()  # remembers the new archive as the last one
        if old_window is not None:
            # Hidden, not closed: closing the only visible window would quit the application.
            old_window.hide()
            old_window.deleteLater()
        window.safety.start()
        return True

    # -- recovery ---------------------------------------------------------------------------------
    def recover(self, root: Path, kind: str, backup: str | None) -> bool:
        """Close the archive, restore ``backup`` (None: the latest good one) or salvage it, open it again."""
        self.close()
        self._run_recovery(root, kind, backup)
        return self.open(root, create=False)

    def _recover_at_open(self, root: Path, message: str) -> bool:
        """The database is damaged: offer restore or salvage. True when one was done."""
        from ctviewer.library import latest_good_backup
        from ctviewer.ui.archive_safety import describe_backup

        latest = latest_good_backup(root)
        choice = self.choose_recovery(message, describe_backup(latest) if latest else None)
        if choice is None:
            return False
        return self._run_recovery(root, choice, None)

    def choose_recovery(self, message: str, latest: str | None) -> str | None:
        """Ask what to do with a damaged archive: "restore", "salvage" or None (tests replace this)."""
        box = QMessageBox(
            QMessageBox.Icon.Critical, "Damaged archive", "", QMessageBox.StandardButton.NoButton, self.window
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(message)
        restore = box.addButton(f"Restore Backup of {latest}", QMessageBox.ButtonRole.AcceptRole) if latest else None
        salvage = box.addButton("Salvage into a New Database", QMessageBox.ButtonRole.ActionRole)
        box.addButton("Open Another Archive…", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        clicked = box.clickedButton()
        return "restore" if restore is not None and clicked is restore else "salvage" if clicked is salvage else None

    def _run_recovery(self, root: Path, kind: str, backup: str | None) -> bool:
        from ctviewer.library import restore_archive, salvage_archive

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if kind == "restore":
                report = restore_archive(root, backup)
                summary = f"Restored the backup {report.restored.path.name}."
                if report.safety_backup is not None:
                    summary += f" The database as it was is kept as the backup {report.safety_backup.name}."
            else:
                outcome = salvage_archive(root)
                lost = [t for t in outcome.report.tables if t.lost or t.error]
                summary = (
                    "Salvage complete: every row was rescued."
                    if not lost
                    else (
                        "Salvage finished. Not rescued: "
                        + ", ".join(f"{t.table} ({t.error or f'{t.lost} of {t.expected} rows'})" for t in lost)
                        + "."
                    )
                )
                summary += f" The damaged database is kept in {outcome.damaged_copy}."
            summary += (
                " Automatic backups are paused until you keep the result (the notice above the "
                "panes), so no older backup is rotated away meanwhile."
            )
        except KnownError as exc:
            QApplication.restoreOverrideCursor()
            QMessageBox.warning(self.window, "ctviewer", str(exc))
            return False
        QApplication.restoreOverrideCursor()
        self.last_recovery = summary
        box = QMessageBox(QMessageBox.Icon.Information, "ctviewer", summary, QMessageBox.StandardButton.Ok, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()  # not modal-blocking: the archive opens behind it and rebuilds its index
        self._recovery_box = box
        return True

    def close(self) -> None:
        """Close the open archive: its window stops everything it started, then its Library closes."""
        self._close_context()
        self._close_context = lambda: None

    def _ask_for_another(self, message: str) -> Path | None:
        box = QMessageBox(QMessageBox.Icon.Warning, "ctviewer", "", QMessageBox.StandardButton.NoButton, self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # the message names a folder
        box.setText(message)
        other = box.addButton("Open Another Archive…", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        if box.clickedButton() is not other:
            return None
        folder = QFileDialog.getExistingDirectory(self.window, "Open an archive folder")
        return Path(folder) if folder else None


def initial_archive(given: Path | None, settings: QSettings) -> tuple[Path, bool]:
    """The folder to open at start and whether it may be created: the one given on the command
    line, else $CTVIEWER_ARCHIVE, else the last one opened, else the default one."""
    if given is not None:
        return Path(given).expanduser(), True
    if not os.environ.get(paths.ENV_ARCHIVE):
        last = settings.value("archives/last")
        if isinstance(last, str) and last:
            return Path(last), False  # gone since? the user is told and can choose another
    return paths.default_archive_dir(), True


def run(archive: Path | None = None) -> int:
    """Start the desktop app on ``archive`` (or the usual one); returns the exit code."""
    pin_singletons()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName(paths.APP_NAME)
    app.setWindowIcon(icon("ctviewer"))
    app.setApplicationDisplayName("ctviewer")
    app.setOrganizationName(ORGANISATION)
    app.setDesktopFileName(paths.APP_NAME)
    sys.excepthook = excepthook  # exceptions escaping slots: plain message or crash dialog
    settings = QSettings()  # the user's own (tests build windows with a temporary one)
    session = ArchiveSession(settings)
    root, create = initial_archive(archive, settings)
    try:
        if not session.open(root, create=create):
            return 2
        return app.exec()
    finally:
        session.close()
