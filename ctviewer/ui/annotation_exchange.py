"""File > Export Annotations… and File > Import Annotations…: the dialogs and the background work.

Export writes Markdown (briefings), CSV or W3C Web Annotation JSON (exchange) of the Annotations
pane's current filter or of every annotation; import reads W3C JSON back and shows what happened
(added, duplicates, documents this archive lacks, passages not found, problems). Both run off the
GUI thread; the file is written or read by the task, never by the window.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.annotations import AnnotationChange, AnnotationFilter, AnnotationImportReport
from ctviewer.errors import KnownError
from ctviewer.ui.context import UiContext
from ctviewer.ui.tasks import Task

# (label, Library.export_annotations format, file suffix, file dialog filter)
FORMATS: tuple[tuple[str, str, str, str], ...] = (
    ("Markdown, grouped by document (for briefings)", "md", ".md", "Markdown (*.md)"),
    ("CSV (for spreadsheets)", "csv", ".csv", "CSV (*.csv)"),
    ("W3C Web Annotation JSON (to exchange with another analyst)", "w3c", ".jsonld", "JSON-LD (*.jsonld *.json)"),
)
ANNOTATIONS_FILE_FILTER = "W3C Web Annotation JSON (*.jsonld *.json);;All files (*)"


class ExportAnnotationsDialog(QDialog):
    """Asks for the format and whether to export the pane's current filter or everything."""

    def __init__(self, *, filtered: int, total: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export Annotations")
        self.format_combo = QComboBox(self)
        for label, *_rest in FORMATS:
            self.format_combo.addItem(label)
        self.filtered_radio = QRadioButton(f"The {filtered:,} shown in the Annotations pane (its filters)", self)
        self.all_radio = QRadioButton(f"All {total:,} annotations", self)
        group = QButtonGroup(self)
        group.addButton(self.filtered_radio)
        group.addButton(self.all_radio)
        narrowed = filtered != total
        self.filtered_radio.setEnabled(narrowed)
        (self.filtered_radio if narrowed else self.all_radio).setChecked(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Export…")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Format:", self.format_combo)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("Export:", self))
        layout.addWidget(self.filtered_radio)
        layout.addWidget(self.all_radio)
        layout.addWidget(buttons)

    @property
    def format(self) -> tuple[str, str, str]:
        """(format, suffix, file dialog filter) chosen."""
        _label, name, suffix, pattern = FORMATS[self.format_combo.currentIndex()]
        return name, suffix, pattern

    @property
    def use_filter(self) -> bool:
        return self.filtered_radio.isChecked()


def export_to_file(
    ctx: UiContext, path: Path, format: str, filter: AnnotationFilter | None, on_done: Callable[[str], None]
) -> Task:
    """Export on the read lane and write ``path``; ``on_done(message)`` with what happened."""

    def work(library: Any, _task: Any) -> str:
        try:
            count = library.annotation_count(filter)
            text = library.export_annotations(format, filter)
            path.write_text(text, encoding="utf-8", newline="")  # CSV brings its own line ends
        except OSError as exc:  # a full disk, a read-only folder: the analyst's to fix
            return f"Could not write {path}: {exc.strerror or exc}"
        return f"Exported {count:,} annotation{'s' * (count != 1)} to {path}"

    return ctx.runner.submit("read", work, description="Exporting annotations", on_done=on_done)


def import_from_file(ctx: UiContext, path: Path, on_done: Callable[[AnnotationImportReport | str], None]) -> Task:
    """Import W3C JSON from ``path`` on the write lane; announce the new annotations to every pane.
    ``on_done`` gets the report, or a message when the file could not be read at all."""

    def work(library: Any, _task: Any) -> AnnotationImportReport | str:
        try:
            data = path.read_bytes()
        except OSError as exc:
            return f"Could not read {path}: {exc.strerror or exc}"
        try:
            report: AnnotationImportReport = library.import_annotations(data)
        except KnownError as exc:  # not W3C annotation JSON at all
            return str(exc)
        return report

    def done(result: AnnotationImportReport | str) -> None:
        if isinstance(result, AnnotationImportReport) and result.imported:
            ctx.events.annotations_changed.emit(AnnotationChange(annotations=result.imported))
        on_done(result)

    return ctx.runner.submit("write", work, description="Importing annotations", on_done=done)


def import_report_text(report: AnnotationImportReport) -> str:
    """The import report as plain lines: what was added, recognised, left out and why."""
    added = len(report.imported)
    lines = [f"Added: {added:,} annotation{'s' * (added != 1)}"]
    if report.orphaned:
        lines.append(
            f"  of which orphaned: {report.orphaned:,} (passage not found in the text; see Annotations > Orphaned only)"
        )
    lines.append(f"Duplicates (already in this archive, skipped): {report.duplicates:,}")
    if report.unmatched:
        docs = len(report.unmatched_documents)
        lines.append(
            f"Not imported: {report.unmatched:,} on {docs:,} document{'s' * (docs != 1)} this "
            f"archive does not hold (import those documents first, then import again)"
        )
    if report.invalid:
        lines.append(f"Problems ({len(report.invalid):,} skipped):")
        lines.extend(f"  - {reason}" for reason in report.invalid)
    return "\n".join(lines)


class AnnotationImportReportDialog(QDialog):
    """The import report as selectable plain text (file contents are untrusted)."""

    def __init__(self, report: AnnotationImportReport, source: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Annotation Import Report")
        heading = QLabel(f"Imported from {source}", self)
        heading.setTextFormat(Qt.TextFormat.PlainText)
        heading.setWordWrap(True)
        self.text = QPlainTextEdit(self)
        self.text.setReadOnly(True)
        self.text.setPlainText(import_report_text(report))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.text, 1)
        layout.addWidget(buttons)
        self.resize(560, 280)
