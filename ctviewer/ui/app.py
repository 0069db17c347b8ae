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
from ctviewer.errors import KnownError
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

    def open(self, root: Path, *, create: bool) -> bool:
        """Open ``root`` (creating it if ``create``) in a new window; on a KnownError (not an
        archive, locked, too new...) say so plainly and let the user choose another folder."""
        from ctviewer.library import Library
        from ctviewer.ui.context import ArchiveEvents, UiContext
        from ctviewer.ui.main_window import MainWindow
        from ctviewer.ui.tasks import Lane, TaskRunner

        while True:
            try:
                library = Library.open(root, create=create)
                break
            except KnownError as exc:
                choice = self._ask_for_another(str(exc))
                if choice is None:
                    return False
                root, create = choice, False

        def opener(_lane: Lane) -> Library:
            return Library.open(root, create=False)

        runner = TaskRunner(opener, lambda exc, details: report_exception(exc, details, self.window))
        ctx = UiContext(library=library, runner=runner, events=ArchiveEvents())
        old_window, old_close = self.window, self._close_context
        if old_window is not None:
            old_window.imports.cancel()
            old_window.save_state()  # the new window restores the same geometry and layout
        window = MainWindow(ctx, self.settings)
        window.archive_chosen.connect(lambda folder, new: self.open(Path(folder), create=bool(new)))

        def close_context() -> None:
            runner.shutdown()
            library.close()

        self.window, self._close_context = window, close_context
        window.show()
        window.save_state()  # remembers the new archive as the last one
        if old_window is not None:
            # Hidden, not closed: closing the only visible window would quit the application.
            old_window.hide()
            old_window.deleteLater()
        old_close()
        return True

    def close(self) -> None:
        self._close_context()
        self._close_context = lambda: None

    def _ask_for_another(self, message: str) -> Path | None:
        box = QMessageBox(QMessageBox.Icon.Warning, "ctviewer", "", QMessageBox.StandardButton.NoButton,
                          self.window)
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
