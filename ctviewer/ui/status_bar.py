"""The window's status bar: what the archive holds (documents, size on disk, documents still
waiting for entity extraction) and the background task running now, with progress and Cancel."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from ctviewer.ui.context import UiContext

if TYPE_CHECKING:
    from ctviewer.library import Library
    from ctviewer.ui.tasks import Task, TaskContext

# Short tasks (a search, a page of rows) would only make the bar flicker.
SHOW_TASK_AFTER_MS = 400
SEPARATOR = " \u00b7 "  # between the counts, as in the search pane's status line


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("bytes", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "bytes" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TB"  # pragma: no cover - the loop returns first


def folder_size(root: Path) -> int:
    total = 0
    for folder, _dirs, files in os.walk(root):
        for name in files:
            try:
                total += os.lstat(os.path.join(folder, name)).st_size
            except OSError:  # a file removed while walking
                continue
    return total


class ArchiveStatusBar(QStatusBar):
    """Counts on the left, the current task on the right. Controllers that know more about their
    task (an import's file name and progress) ``track`` it; other runner tasks with a description
    are shown with a busy indicator."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.documents_label = QLabel()
        self.size_label = QLabel()
        self.pending_label = QLabel()
        # One group read as one phrase: "21 documents · 3.8 MB on disk · 4 waiting for ...".
        counts = QWidget()
        counts_layout = QHBoxLayout(counts)
        counts_layout.setContentsMargins(0, 0, 0, 0)
        counts_layout.setSpacing(0)
        for label in (self.documents_label, self.size_label, self.pending_label):
            counts_layout.addWidget(label)
        self.addWidget(counts)
        self.task_label = QLabel()
        for label in (self.documents_label, self.size_label, self.pending_label, self.task_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # task descriptions name imported files
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setObjectName("cancelTask")
        self.cancel_button.clicked.connect(self._cancel)
        for widget in (self.task_label, self.progress, self.cancel_button):
            self.addPermanentWidget(widget)
        self._cancel_fn: Callable[[], None] | None = None
        self._tracked = False
        self._size_task_pending = False
        self._delay = QTimer(self)
        self._delay.setSingleShot(True)
        self._delay.setInterval(SHOW_TASK_AFTER_MS)
        self._delay.timeout.connect(self._show_runner_task)
        ctx.runner.busy_changed.connect(self._runner_changed)
        self._set_task_visible(False)
        self.refresh_counts()

    # -- counts ------------------------------------------------------------------------------
    def refresh_counts(self) -> None:
        """Documents and pending extraction are COUNT queries (quick); the size walks the
        archive folder on the read lane."""
        count = self._ctx.library.document_count()
        self.documents_label.setText(f"{count:,} document" + ("" if count == 1 else "s"))
        pending = self._ctx.library.pending_extraction()
        self.pending_label.setText(f"{SEPARATOR}{pending:,} waiting for entity extraction" if pending else "")
        self.pending_label.setVisible(bool(pending))
        if not self._size_task_pending:
            self._size_task_pending = True
            root = self._ctx.library.root

            def measure(_library: Library, _t: TaskContext) -> int:
                return folder_size(root)

            self._ctx.runner.submit("read", measure, on_done=self._show_size, on_finished=self._size_measured)

    def _show_size(self, size: int) -> None:
        self.size_label.setText(f"{SEPARATOR}{human_size(size)} on disk")

    def _size_measured(self) -> None:
        self._size_task_pending = False

    # -- the running task --------------------------------------------------------------------
    def track(self, description: str, cancel: Callable[[], None]) -> None:
        """Show a task whose progress the caller reports with :meth:`set_progress`."""
        self._tracked = True
        self._delay.stop()
        self._cancel_fn = cancel
        self.task_label.setText(description)
        self.progress.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self._set_task_visible(True)

    def set_progress(self, done: int, total: int, message: str) -> None:
        """``total`` < 0: unknown (busy indicator)."""
        if message:
            self.task_label.setText(message)
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))
        else:
            self.progress.setRange(0, 0)

    def untrack(self) -> None:
        self._tracked = False
        self._cancel_fn = None
        self._set_task_visible(False)
        self._runner_changed()

    def _runner_changed(self) -> None:
        if self._tracked:
            return
        if self._described_task() is None:
            self._delay.stop()
            self._set_task_visible(False)
        elif not self.task_label.isVisible() and not self._delay.isActive():
            self._delay.start()

    def _described_task(self) -> Task | None:
        return next((t for t in self._ctx.runner.running() if t.description), None)

    def _show_runner_task(self) -> None:
        task = self._described_task()
        if self._tracked or task is None:
            return
        self._cancel_fn = task.cancel
        self.task_label.setText(task.description)
        self.progress.setRange(0, 0)
        self.cancel_button.setEnabled(True)
        self._set_task_visible(True)

    def _cancel(self) -> None:
        if self._cancel_fn is not None:
            self._cancel_fn()
            self.cancel_button.setEnabled(False)
            self.task_label.setText(self.task_label.text() + " (cancelling…)")

    def _set_task_visible(self, visible: bool) -> None:
        for widget in (self.task_label, self.progress, self.cancel_button):
            widget.setVisible(visible)
