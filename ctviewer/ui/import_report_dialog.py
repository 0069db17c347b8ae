"""The import report: what was imported, what was a duplicate, what failed and why, and the
warnings readers raised. Shown after every UI import and reopened from File > Last import report.

File names and reasons come from the imported files, so they are only ever shown as item text
(never interpreted as markup); tooltips, which Qt would render as rich text, are escaped.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.entities import ExtractionReport
from ctviewer.domain.imports import ImportOutcome, ImportReport, ImportRunSummary


def summary_line(report: ImportReport) -> str:
    text = (
        f"{len(report.of('imported'))} imported, {len(report.of('duplicate'))} duplicates, "
        f"{len(report.of('failed'))} failed"
    )
    return text + (" (cancelled: the files not reached were not imported)" if report.cancelled else "")


def run_label(run: ImportRunSummary) -> str:
    when = run.started_at.replace("T", " ")[:19]
    state = ", cancelled" if run.cancelled else ""
    return f"{when}: {run.imported} imported, {run.duplicates} duplicates, {run.failed} failed{state}"


class ImportReportDialog(QDialog):
    """One import's report. With ``runs`` and ``load_run``, a picker reopens earlier reports."""

    def __init__(
        self,
        report: ImportReport,
        parent: QWidget | None = None,
        *,
        extraction: ExtractionReport | None = None,
        runs: Sequence[ImportRunSummary] = (),
        load_run: Callable[[int], ImportReport] | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import report")
        self.setObjectName("importReportDialog")
        self.resize(820, 480)
        self._load_run = load_run
        layout = QVBoxLayout(self)
        self.run_picker: QComboBox | None = None
        if runs and load_run is not None:
            row = QHBoxLayout()
            row.addWidget(QLabel("Import run:"))
            self.run_picker = QComboBox()
            for run in runs:
                self.run_picker.addItem(run_label(run), run.id)
            self.run_picker.currentIndexChanged.connect(self._pick_run)
            row.addWidget(self.run_picker, 1)
            layout.addLayout(row)
        self.summary = QLabel()
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)
        layout.addWidget(self.summary)
        self.extraction_label = QLabel()
        self.extraction_label.setTextFormat(Qt.TextFormat.PlainText)
        layout.addWidget(self.extraction_label)
        self.extraction_label.setVisible(extraction is not None)
        if extraction is not None:
            self.extraction_label.setText(
                f"People, organisations and places: {extraction.mentions} mentions found in "
                f"{extraction.documents} documents, {extraction.entities_created} new entities"
                + (" (cancelled)" if extraction.cancelled else "")
            )
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.show_report(report)

    def show_report(self, report: ImportReport) -> None:
        self.report = report
        self.summary.setText(summary_line(report))
        self.tabs.clear()
        failed = report.of("failed")
        warned = [o for o in report.outcomes if o.warnings]
        # Problems first: they are what the analyst has to act on.
        self._add_tab("Failed", failed, ["File", "Reason"], lambda o: [o.reason or "unknown reason"])
        self._add_tab("Warnings", warned, ["File", "Warnings"], lambda o: ["; ".join(o.warnings)])
        self._add_tab("Imported", report.of("imported"), ["File", "Document"], lambda o: [f"#{o.document_id}"])
        self._add_tab(
            "Duplicates", report.of("duplicate"), ["File", "Same as document"], lambda o: [f"#{o.document_id}"]
        )
        first_nonempty = next((i for i, n in enumerate((failed, warned)) if n), 2)
        self.tabs.setCurrentIndex(first_nonempty)

    def _add_tab(
        self,
        title: str,
        outcomes: Sequence[ImportOutcome],
        headers: list[str],
        columns: Callable[[ImportOutcome], list[str]],
    ) -> None:
        tree = QTreeWidget()
        tree.setObjectName(f"report{title}")
        tree.setRootIsDecorated(False)
        tree.setUniformRowHeights(True)  # thousands of rows after a big import
        tree.setHeaderLabels(headers)
        tree.setColumnWidth(0, 380)
        items = []
        for outcome in outcomes:
            values = [Path(outcome.path).name, *columns(outcome)]
            item = QTreeWidgetItem(values)
            item.setToolTip(0, html.escape(outcome.path))
            item.setToolTip(1, html.escape(values[1]))
            items.append(item)
        tree.addTopLevelItems(items)
        self.tabs.addTab(tree, f"{title} ({len(outcomes)})")

    def _pick_run(self, index: int) -> None:
        if self.run_picker is None or self._load_run is None or index < 0:
            return
        self.extraction_label.hide()  # the extraction figures belong to the import just run
        self.show_report(self._load_run(int(self.run_picker.itemData(index))))
