"""The window's data-safety duties: a notice when the archive cannot be changed, background
checks after opening (index repair with progress, SQLite's quick_check), periodic automatic
backups, the File menu's Back Up Now / Restore from Backup, and after a restore or salvage a
notice asking the analyst to keep or undo it (automatic backups wait for the answer).

Restoring and salvaging replace the database, so they are done by the app on a *closed*
archive: this controller only asks for them (``recovery_requested``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.backups import AUTO_INTERVAL, BackupInfo, PendingRecovery
from ctviewer.errors import DamagedArchiveError, KnownError
from ctviewer.ui.status_bar import human_size

if TYPE_CHECKING:
    from ctviewer.library import Library
    from ctviewer.ui.context import UiContext
    from ctviewer.ui.status_bar import ArchiveStatusBar
    from ctviewer.ui.tasks import TaskContext

# The first automatic backup comes soon after opening; then one every AUTO_INTERVAL (if due).
FIRST_BACKUP_AFTER_MS = 60_000


def describe_backup(info: BackupInfo) -> str:
    when = info.taken_at.astimezone().strftime("%d %b %Y, %H:%M")
    reason = {
        "auto": "automatic",
        "manual": "backed up by hand",
        "before-restore": "before a restore",
        "before-delete": "before deleting documents",
        "before-salvage": "before a salvage",
    }.get(info.reason, info.reason.replace("pre-migration-v", "before upgrading schema "))
    return f"{when}  ({reason}, {human_size(info.size)})"


class NoticeBanner(QFrame):
    """A strip above the panes saying what the analyst should know about the archive (cannot be
    changed, damaged, restored and waiting for confirmation), with up to two actions."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("archiveNotice")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setStyleSheet("#archiveNotice { background: palette(tool-tip-base); }")
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)  # names a folder
        self.label.setWordWrap(True)
        self.button = QPushButton()
        self.second_button = QPushButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.button)
        layout.addWidget(self.second_button)
        self.hide()

    def show_notice(self, text: str, button: str = "", second: str = "") -> None:
        self.label.setText(text)
        for widget, caption in ((self.button, button), (self.second_button, second)):
            widget.setText(caption)
            widget.setVisible(bool(caption))
        self.show()


class RestoreDialog(QDialog):
    """Choose a backup to put back; the current database is kept as a backup of its own."""

    def __init__(self, backups: list[BackupInfo], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Restore from Backup")
        intro = QLabel(
            "Put a backup back in place of the archive's database. Annotations and "
            "corrections made since the backup are not lost: the database as it is now "
            "is backed up first, and can be restored the same way."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        for info in backups:
            item = QListWidgetItem(describe_backup(info))
            item.setData(Qt.ItemDataRole.UserRole, info.path.name)
            item.setToolTip(info.path.name)
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.restore_button = buttons.addButton("Restore", QDialogButtonBox.ButtonRole.AcceptRole)
        self.restore_button.setEnabled(bool(backups))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(520, 320)

    def chosen(self) -> str | None:
        item = self.list.currentItem()
        return item.data(Qt.ItemDataRole.UserRole) if item is not None else None


class ArchiveSafety(QObject):
    """``recovery_requested(kind, backup name)``: kind is "restore" or "salvage"; the app closes
    the archive, does it and opens the archive again."""

    recovery_requested = Signal(str, str)
    damage_found = Signal(str)  # the message, when the background check finds the database damaged
    checks_finished = Signal()  # index repaired (if needed) and quick_check done

    def __init__(self, ctx: UiContext, status: ArchiveStatusBar, banner: NoticeBanner, parent: QWidget) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._status = status
        self._banner = banner
        self._parent = parent
        self.damaged = False
        self.pending: PendingRecovery | None = None  # a restore or salvage waiting for the analyst
        self._checking = False
        # Both timers are the window's children: closing it or switching archives stops them.
        self._auto = QTimer(self, interval=int(AUTO_INTERVAL.total_seconds() * 1000))
        self._auto.timeout.connect(self.auto_backup)
        self._first = QTimer(self, singleShot=True, interval=FIRST_BACKUP_AFTER_MS)
        self._first.timeout.connect(self.auto_backup)
        banner.button.clicked.connect(self._banner_action)
        banner.second_button.clicked.connect(self.undo_recovery)

    @property
    def writable(self) -> bool:
        return not self._ctx.library.read_only and not self.damaged

    # -- after opening --------------------------------------------------------------------------
    def start(self) -> None:
        """Show the read-only notice, or repair the index and check the database in the background."""
        if self._ctx.library.read_only:
            self._banner.show_notice(
                f"This archive is read-only ({self._ctx.library.root} cannot be written to): you can read "
                "and search it, but importing, annotating and corrections are switched off."
            )
            self.checks_finished.emit()
            return
        self.pending = self._ctx.library.pending_recovery()
        if self.pending is not None:
            self._show_pending(self.pending)
        self._check()

    def repair_index(self) -> None:
        """A search found the index damaged (it marked it for a rebuild): check and rebuild now,
        in the background, unless a check is already running or the archive cannot be changed."""
        if self.writable and not self._checking:
            self._check()

    def _check(self) -> None:
        self._checking = True

        def check(library: Library, task: TaskContext) -> str | None:
            # Nothing below may act on a damaged database (a repair verifies it thoroughly too).
            library.verify(thorough=False)
            library.restore_lost_texts()  # after a salvage: texts read back from the originals
            return library.repair_index(task.progress, task.cancelled, wait=30, thorough=True)

        task = self._ctx.runner.submit(
            "write",
            check,
            description="Checking the archive",
            on_progress=self._progress,
            on_done=self._checked,
            on_error=self._check_failed,
        )
        self._status.track("Checking the archive…", task.cancel)

    def _progress(self, done: int, total: int | None, message: str) -> None:
        self._status.set_progress(done, total or -1, f"Rebuilding the search index: {message}" if message else "")

    def _checked(self, problem: str | None) -> None:
        self._status.untrack()
        self._checking = False
        if problem is not None:
            self._status.showMessage("The search index was repaired.", 8000)
            self._ctx.events.documents_changed.emit([])
        if not self._auto.isActive():  # the first check after opening (not a repair a search asked for)
            self._auto.start()
            self._first.start()
        self.checks_finished.emit()

    def _check_failed(self, exc: BaseException, details: str) -> None:
        self._status.untrack()
        self._checking = False
        self.checks_finished.emit()
        if isinstance(exc, DamagedArchiveError):
            self.damaged = True
            self._banner.show_notice(
                "The archive's database is damaged: changes are switched off so nothing gets worse. "
                "Restore a backup, or salvage what can still be read (the damaged file is kept).",
                "Recover…",
            )
            self.damage_found.emit(str(exc))
        elif isinstance(exc, KnownError):
            self._status.showMessage(str(exc), 10_000)
        else:
            self._ctx.runner.report_error(exc, details)

    # -- backups ----------------------------------------------------------------------------------
    def auto_backup(self) -> None:
        if not self.writable:
            return

        def run(library: Library, _task: TaskContext) -> BackupInfo | None:
            return library.auto_backup()

        self._ctx.runner.submit("write", run, on_done=self._auto_done, on_error=self._backup_failed)

    def _auto_done(self, info: BackupInfo | None) -> None:
        if info is not None:
            self._status.showMessage(f"Backed up automatically ({info.path.name}).", 5000)

    def back_up_now(self) -> None:
        def run(library: Library, _task: TaskContext) -> BackupInfo:
            return library.backup()

        self._ctx.runner.submit(
            "write", run, description="Backing up", on_done=self._backed_up, on_error=self._backup_failed
        )

    def _backed_up(self, info: BackupInfo) -> None:
        self._status.showMessage(f"Backed up to {info.path}.", 10_000)

    def _backup_failed(self, exc: BaseException, details: str) -> None:
        if isinstance(exc, KnownError):
            QMessageBox.warning(self._parent, "Backup failed", str(exc))
        else:
            self._ctx.runner.report_error(exc, details)

    # -- recovery ---------------------------------------------------------------------------------
    def choose_restore(self) -> None:
        backups = self._ctx.library.backups()
        if not backups:
            QMessageBox.information(
                self._parent, "Restore from Backup", "This archive has no backups yet (File > Back Up Now makes one)."
            )
            return
        dialog = RestoreDialog(backups, self._parent)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.chosen():
            self.recovery_requested.emit("restore", dialog.chosen() or "")

    def _banner_action(self) -> None:
        if self.damaged:
            self.offer_recovery()
        elif self.pending is not None:
            self.keep_recovery()

    # -- a restore or salvage waiting for confirmation ------------------------------------------
    def _show_pending(self, pending: PendingRecovery) -> None:
        undo = self._ctx.library.undo_backup(pending)
        if pending.kind == "restore":
            taken = pending.backup_taken_at
            what = (
                f"This archive was restored from the backup of {taken.astimezone():%d %b %Y, %H:%M}."
                if taken
                else "This archive was restored from a backup."
            )
            keep = "Keep Restored Archive"
        else:
            what = "This archive's database was salvaged from a damaged file."
            keep = "Keep Salvaged Archive"
        text = (
            f"{what} Check that it holds what you expected: automatic backups are paused until you "
            "keep it, so no older backup is rotated away."
        )
        if undo is not None:
            text += " Undo puts back the database as it was just before."
        self._banner.show_notice(text, keep, f"Undo {pending.kind.capitalize()}" if undo is not None else "")

    def keep_recovery(self) -> None:
        """The analyst accepts the restored or salvaged archive: automatic backups resume."""

        def run(library: Library, _task: TaskContext) -> PendingRecovery | None:
            return library.confirm_recovery()

        self._ctx.runner.submit(
            "write", run, description="Confirming the restore", on_done=self._kept, on_error=self._backup_failed
        )

    def _kept(self, _confirmed: PendingRecovery | None) -> None:
        self.pending = None
        if not self.damaged:
            self._banner.hide()
        self._status.showMessage("Automatic backups resume.", 8000)
        self.auto_backup()  # the state the analyst just accepted is worth a backup now

    def undo_recovery(self) -> None:
        """Put back the database as it was before the restore or salvage (itself a restore)."""
        undo = self._ctx.library.undo_backup(self.pending) if self.pending else None
        if undo is None:
            return
        answer = QMessageBox.question(
            self._parent,
            f"Undo {self.pending.kind.capitalize() if self.pending else ''}",
            f"Put back the database as it was before ({describe_backup(undo)})? The archive as it is "
            "now is backed up first.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.recovery_requested.emit("restore", undo.path.name)

    def offer_recovery(self) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, "Damaged archive", "", QMessageBox.StandardButton.NoButton, self._parent
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setText(
            "The archive's database is damaged. Restore the latest good backup, or salvage every "
            "row that can still be read into a new database? Either way the damaged file is kept "
            "in the archive's recovery/ folder."
        )
        restore = box.addButton("Restore Backup…", QMessageBox.ButtonRole.AcceptRole)
        salvage = box.addButton("Salvage", QMessageBox.ButtonRole.ActionRole)
        box.addButton("Keep Reading", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is restore:
            self.choose_restore()
        elif box.clickedButton() is salvage:
            self.recovery_requested.emit("salvage", "")
