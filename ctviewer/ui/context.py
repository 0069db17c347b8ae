"""What every pane of the window shares: the GUI thread's Library, the task runner, and the
archive-wide change signals.

- ``library`` is the GUI thread's own Library, for quick reads only (a page of table rows, one
  document's text and mentions, an entity card). Anything that can take long (search, import,
  extraction, corrections, which re-index) goes to ``runner``, whose lanes own their Libraries.
  So the GUI thread's Library never holds the search index open (only the repair check on
  open touches it, and closes it again): the read lane's Library is the one that searches.
- ``events`` tells panes what changed, so each refreshes only what it shows (every core write
  returns what it changed: an ImportOutcome, an EntityChange...).

Nothing of a window may outlive it: :func:`stop_archive_work` ends its lane work and its timers
when it closes or its archive is switched (the app's only caller is ``MainWindow.shut_down``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

if TYPE_CHECKING:
    from ctviewer.library import Library
    from ctviewer.ui.tasks import TaskRunner


class ArchiveEvents(QObject):
    """Archive-wide change notifications (emitted on the GUI thread)."""

    documents_changed = Signal(list)  # document ids added/changed; [] = reload everything
    entities_changed = Signal(object)  # an EntityChange, or None = reload everything
    extraction_finished = Signal()  # entity counts of documents and the entity panes changed
    annotations_changed = Signal(object)  # an AnnotationChange, or None = reload everything


@dataclass
class UiContext:
    library: Library
    runner: TaskRunner
    events: ArchiveEvents


def stop_archive_work(ctx: UiContext, root: QObject) -> None:
    """End everything ``root`` (a window with its panes, models and controllers) started over
    ``ctx``, so that none of it runs afterwards. The runner goes first: it cancels the queued
    tasks, waits for the running one and delivers no callback after that, so nothing can arm a
    timer again (only callbacks and the user's input arm them); then every QTimer in ``root``'s
    object tree stops (debounce, highlight, auto-backup, Qt's own status-message timer...).
    Idempotent."""
    ctx.runner.shutdown()
    for timer in root.findChildren(QTimer):
        timer.stop()
