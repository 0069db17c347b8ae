"""Imports started from the UI: files and folders into the archive on the write lane, then entity
extraction, with progress, Cancel, panes filling in as documents arrive, and the report at the end.

The core's callbacks are used as they are: ``import_paths(progress, cancelled, on_outcome)`` then
``extract(progress, cancelled)``. Cancelling sets our own flag instead of cancelling the task:
a cancelled task is silenced, and a cancelled import still has a report worth showing.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QWidget

from ctviewer.domain.entities import ExtractionReport
from ctviewer.domain.imports import ImportOutcome, ImportReport
from ctviewer.ui.context import UiContext
from ctviewer.ui.crash_dialog import report_exception
from ctviewer.ui.import_report_dialog import ImportReportDialog

if TYPE_CHECKING:
    from ctviewer.library import Library
    from ctviewer.ui.tasks import Task, TaskContext

# Panes refresh at most this often while an import adds documents (a 10,000-file import
# would otherwise reload the documents table 10,000 times).
BATCH_INTERVAL_MS = 500
# After a bulk import, more index segments than this are merged once (as the CLI does).
MAX_SEGMENTS_AFTER_IMPORT = 8


@dataclass(frozen=True)
class ImportResult:
    """What one UI import did: the import report and, unless cancelled, the extraction."""

    report: ImportReport
    extraction: ExtractionReport | None = None


class ImportController(QObject):
    """Runs one import at a time for the window; ``parent`` widget hosts the report dialog."""

    started = Signal(str)  # a description of what is being imported
    progressed = Signal(int, int, str)  # done, total (-1 unknown), what is happening now
    finished = Signal(object)  # the ImportResult (cancelled imports too); None if it failed
    sample_built = Signal(object)  # the Path of the sample archive, ready to open

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        show_report: bool = True,
        batch_interval_ms: int = BATCH_INTERVAL_MS,
        open_library: Callable[[Path], Library] | None = None,
    ) -> None:
        super().__init__(parent)
        # How the sample archive (another folder than ctx's) is opened; tests pass a fake extractor.
        self._open_library = open_library
        self._ctx = ctx
        self._window = parent
        self._show_report = show_report
        self._task: Task | None = None
        self._cancel = threading.Event()
        self._pending_ids: list[int] = []
        self._flush_timer = QTimer(self)
        self._flush_timer.setInterval(batch_interval_ms)
        self._flush_timer.timeout.connect(self._flush)
        self.last_result: ImportResult | None = None
        self.report_dialog: ImportReportDialog | None = None

    @property
    def is_running(self) -> bool:
        return self._task is not None

    @property
    def cancel_requested(self) -> bool:
        return self._cancel.is_set()

    def start(self, paths: Sequence[Path]) -> bool:
        """Import ``paths`` (files and folders); False if an import is already running."""
        if self._task is not None or not paths:
            return False
        paths = [Path(p) for p in paths]
        self._cancel = threading.Event()
        cancel = self._cancel
        description = f"Importing {paths[0].name}" + (f" and {len(paths) - 1} more" if len(paths) > 1 else "")

        def work(library: Library, t: TaskContext) -> ImportResult:
            def stopped() -> bool:
                return cancel.is_set() or t.cancelled()

            def import_progress(done: int, total: int | None, message: str) -> None:
                # The importer's message is the file's path; "done"/"cancelled" at the end.
                shown = message if message in ("done", "cancelled") else f"Importing {Path(message).name}"
                t.progress(done, total, shown)

            # One worker process fewer than the CLI uses: the window keeps a core to stay responsive.
            report = library.import_paths(
                paths,
                progress=import_progress,
                cancelled=stopped,
                on_outcome=t.post,
                workers=max(1, (os.cpu_count() or 2) - 1),
            )
            if report.cancelled or stopped():
                return ImportResult(report)
            if library.index_segments() > MAX_SEGMENTS_AFTER_IMPORT:
                t.progress(0, None, "Optimising the search index")
                library.optimize_index()
            extraction = None
            if library.pending_extraction():
                # Also finishes what an interrupted earlier import left waiting for extraction.
                extraction = library.extract(
                    progress=lambda d, n, m: t.progress(d, n, "Finding people, organisations and places"),
                    cancelled=stopped,
                )
            return ImportResult(report, extraction)

        self._task = self._ctx.runner.submit(
            "write",
            work,
            description=description,
            on_done=self._on_done,
            on_error=self._on_error,
            on_progress=lambda d, n, m: self.progressed.emit(d, -1 if n is None else n, m),
            on_partial=self._on_outcome,
        )
        self._flush_timer.start()
        self.started.emit(description)
        return True

    def build_sample(self, root: Path) -> bool:
        """Build the sample archive at ``root`` from the bundled documents (as ``ctviewer sample``
        does, plus entity extraction), then emit ``sample_built(root)``. Idempotent."""
        if self._task is not None:
            return False
        self._cancel = threading.Event()
        cancel = self._cancel
        opener = self._open_library

        def work(_library: Library, t: TaskContext) -> Path:
            from ctviewer.library import Library as _Library
            from ctviewer.sample import sample_documents_dir

            def stopped() -> bool:
                return cancel.is_set() or t.cancelled()

            sample = opener(root) if opener is not None else _Library.open(root)
            try:
                sample.import_paths(
                    [sample_documents_dir()],
                    cancelled=stopped,
                    progress=lambda d, n, m: t.progress(d, n, "Building the sample archive"),
                )
                if not stopped() and sample.pending_extraction():
                    sample.extract(
                        progress=lambda d, n, m: t.progress(
                            d, n, "Finding people, organisations and places in the sample"
                        ),
                        cancelled=stopped,
                    )
                return sample.root
            finally:
                sample.close()

        def done(path: Path) -> None:
            self._end()
            if not cancel.is_set():
                self.sample_built.emit(path)
            else:
                self.finished.emit(None)

        self._task = self._ctx.runner.submit(
            "write",
            work,
            description="Building the sample archive",
            on_done=done,
            on_error=self._on_error,
            on_progress=lambda d, n, m: self.progressed.emit(d, -1 if n is None else n, m),
        )
        self.started.emit("Building the sample archive")
        return True

    def cancel(self) -> None:
        """Stop after the file being stored; what was imported stays (and is reported)."""
        self._cancel.set()

    # -- GUI thread ---------------------------------------------------------------------------
    def _on_outcome(self, value: object) -> None:
        if isinstance(value, ImportOutcome) and value.status == "imported" and value.document_id is not None:
            self._pending_ids.append(value.document_id)

    def _flush(self) -> None:
        if self._pending_ids:
            ids, self._pending_ids = self._pending_ids, []
            self._ctx.events.documents_changed.emit(ids)

    def _end(self) -> None:
        self._task = None
        self._flush_timer.stop()
        self._flush()

    def _on_done(self, result: ImportResult) -> None:
        self._end()
        self.last_result = result
        if result.extraction is not None:
            self._ctx.events.extraction_finished.emit()
        self.finished.emit(result)
        if self._show_report:
            self.report_dialog = ImportReportDialog(result.report, self._window, extraction=result.extraction)
            self.report_dialog.show()

    def _on_error(self, exc: BaseException, details: str) -> None:
        self._end()
        self.finished.emit(None)
        report_exception(exc, details, self._window)
