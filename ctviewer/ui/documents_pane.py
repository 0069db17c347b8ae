"""The documents pane: a filter bar over the lazily filled documents table.

Typing in the filter waits for a pause (``FILTER_DELAY_MS``) before asking the core again, so
a fast typist over 100,000 documents sends one query, not ten. Sorting and filtering happen in
the core on the read lane; the table model only ever holds ids plus a few pages of rows.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.documents import DocumentFilter
from ctviewer.ui.context import UiContext
from ctviewer.ui.documents_model import DocumentTableModel

FILTER_DELAY_MS = 250
EMPTY_ARCHIVE_TEXT = "No documents yet: File > Import..."
NO_MATCH_TEXT = "No documents match these filters."
ALL_TYPES = "All types"
# The "has annotations" filter: (label, DocumentFilter.annotated).
ANNOTATED_CHOICES: tuple[tuple[str, bool | None], ...] = (
    ("Any annotations", None),
    ("Annotated", True),
    ("Not annotated", False),
)
# Partial ISO dates, as documents carry them: 2021, 2021-05, 2021-05-03.
_DATE = r"\d{4}(-\d{2}(-\d{2})?)?"
# Selections bigger than this are not carried over a reload (finding each row costs a scan).
_MAX_KEPT_SELECTION = 500


class DocumentsPane(QWidget):
    """Filter bar (text, date from/to, file type), the documents table and a row count.

    ``document_activated(doc_id)`` on Enter or double-click. Listens to the archive events and
    reloads itself, keeping the selected documents selected.
    """

    document_activated = Signal(int)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._kept_ids: list[int] = []
        self._current_id: int | None = None

        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter by title or file name")
        self.filter_edit.setClearButtonEnabled(True)
        self.date_from_edit = self._date_edit("from (YYYY-MM-DD)")
        self.date_to_edit = self._date_edit("to (YYYY-MM-DD)")
        self.type_combo = QComboBox(self)
        self.type_combo.setToolTip("File type")
        self.type_combo.addItem(ALL_TYPES, "")
        self.annotated_combo = QComboBox(self)
        self.annotated_combo.setToolTip("Has annotations")
        for label, value in ANNOTATED_CHOICES:
            self.annotated_combo.addItem(label, value)

        self.model = DocumentTableModel(ctx, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table (arrows move inside it)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        # Fixed row heights: measuring rows to contents would read every page of the archive.
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The title is what people read: it takes all the room the others leave. Source file names
        # are long and rarely read, so they get a modest width (and elide); counts need only their
        # header's width.
        header.setSectionResizeMode(DocumentTableModel.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        char = self.fontMetrics().averageCharWidth()
        widths = {DocumentTableModel.DATE: 11 * char, DocumentTableModel.SOURCE: 14 * char}
        numbers = (
            DocumentTableModel.TYPE,
            DocumentTableModel.PAGES,
            DocumentTableModel.PEOPLE,
            DocumentTableModel.ORGANISATIONS,
            DocumentTableModel.PLACES,
            DocumentTableModel.ANNOTATIONS,
        )
        header_metrics = header.fontMetrics()
        for column in numbers:  # as wide as the header text plus room for the sort arrow, no wider
            widths[column] = header_metrics.horizontalAdvance(DocumentTableModel.HEADERS[column]) + char
        for column, width in widths.items():
            self.table.setColumnWidth(column, width + 16)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # import order until a header is clicked
        self.table.setSortingEnabled(True)

        self.empty_label = QLabel(EMPTY_ARCHIVE_TEXT, self)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)  # the palette's disabled text: a quiet hint, any theme
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)

        bar = QHBoxLayout()
        bar.addWidget(self.filter_edit, 3)
        bar.addWidget(self.date_from_edit, 1)
        bar.addWidget(self.date_to_edit, 1)
        bar.addWidget(self.type_combo)
        bar.addWidget(self.annotated_combo)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.count_label)
        self.setTabOrder(self.filter_edit, self.date_from_edit)
        self.setTabOrder(self.date_from_edit, self.date_to_edit)
        self.setTabOrder(self.date_to_edit, self.type_combo)
        self.setTabOrder(self.type_combo, self.annotated_combo)
        self.setTabOrder(self.annotated_combo, self.table)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DELAY_MS)
        self._debounce.timeout.connect(self._apply_filter)
        self.filter_edit.textChanged.connect(self._debounce.start)
        self.date_from_edit.textChanged.connect(self._debounce.start)
        self.date_to_edit.textChanged.connect(self._debounce.start)
        self.type_combo.currentIndexChanged.connect(self._apply_filter)
        self.annotated_combo.currentIndexChanged.connect(self._apply_filter)
        self.table.activated.connect(self._on_activated)
        self.model.ids_loaded.connect(self._on_ids_loaded)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        ctx.events.documents_changed.connect(self.reload)
        ctx.events.extraction_finished.connect(self.reload)
        ctx.events.annotations_changed.connect(self._annotations_changed)

        self._refresh_types()

    # -- public ----------------------------------------------------------------------------
    def reload(self, *_args: object) -> None:
        """Re-read file types, ids and rows (after an import or extraction), keeping the selection."""
        self._refresh_types()
        self.model.reload()

    def current_filter(self) -> DocumentFilter:
        """The filter as the bar shows it (incomplete dates are ignored until complete)."""
        kind = self.type_combo.currentData()
        return DocumentFilter(
            text=self.filter_edit.text().strip(),
            file_types=(kind,) if kind else (),
            date_from=self._date(self.date_from_edit),
            date_to=self._date(self.date_to_edit),
            annotated=self.annotated_combo.currentData(),
        )

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [doc_id for row in rows if (doc_id := self.model.document_id(row)) is not None]

    def select_document(self, doc_id: int) -> bool:
        """Select and show ``doc_id`` if the table lists it."""
        row = self.model.row_of(doc_id)
        if row is None:
            return False
        index = self.model.index(row, DocumentTableModel.TITLE)
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index)
        return True

    # -- internals -------------------------------------------------------------------------
    def _date_edit(self, placeholder: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        edit.setClearButtonEnabled(True)
        edit.setValidator(QRegularExpressionValidator(QRegularExpression(_DATE), edit))
        return edit

    @staticmethod
    def _date(edit: QLineEdit) -> str | None:
        text = edit.text().strip()
        return text if re.fullmatch(_DATE, text) else None

    def _refresh_types(self) -> None:
        chosen = self.type_combo.currentData()
        kinds = self._ctx.library.file_types()
        self.type_combo.blockSignals(True)  # rebuilding the list is not the user choosing a type
        self.type_combo.clear()
        self.type_combo.addItem(ALL_TYPES, "")
        for kind in kinds:
            self.type_combo.addItem(kind.upper(), kind)
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(chosen)))
        self.type_combo.blockSignals(False)
        if chosen and chosen not in kinds:
            self._apply_filter()  # the chosen type is gone: show all types again

    def _annotations_changed(self, _change: object) -> None:
        # Counts changed, and with a "has annotations" filter or sort the list itself may have.
        self.model.reload()

    def _apply_filter(self) -> None:
        self._debounce.stop()
        self.model.set_filter(self.current_filter())

    def _remember_selection(self) -> None:
        ids = self.selected_ids()
        self._kept_ids = ids if len(ids) <= _MAX_KEPT_SELECTION else []
        current = self.table.currentIndex()
        self._current_id = self.model.document_id(current.row()) if current.isValid() else None

    def _on_ids_loaded(self) -> None:
        self._restore_selection()
        self._update_count()

    def _restore_selection(self) -> None:
        kept, current_id = self._kept_ids, self._current_id
        self._kept_ids, self._current_id = [], None
        if not kept and current_id is None:
            return
        selection = QItemSelection()
        last = self.model.columnCount() - 1
        for doc_id in kept:
            row = self.model.row_of(doc_id)
            if row is not None:
                selection.select(self.model.index(row, 0), self.model.index(row, last))
        selection_model = self.table.selectionModel()
        selection_model.select(selection, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        row = self.model.row_of(current_id) if current_id is not None else None
        if row is not None:
            index = self.model.index(row, DocumentTableModel.TITLE)
            selection_model.setCurrentIndex(index, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(index)

    def _update_count(self) -> None:
        total = self._ctx.library.document_count()
        shown = self.model.rowCount()
        for widget in (self.filter_edit, self.date_from_edit, self.date_to_edit, self.type_combo, self.annotated_combo):
            widget.setEnabled(total > 0)  # nothing to filter in an empty archive
        if total == 0:
            self.empty_label.setText(EMPTY_ARCHIVE_TEXT)
            self.stack.setCurrentWidget(self.empty_label)
            self.count_label.setText("")
            return
        if shown == 0:
            self.empty_label.setText(NO_MATCH_TEXT)
            self.stack.setCurrentWidget(self.empty_label)
        else:
            self.stack.setCurrentWidget(self.table)
        noun = "document" if total == 1 else "documents"
        self.count_label.setText(f"{total:,} {noun}" if shown == total else f"{shown:,} of {total:,} {noun}")

    def _on_activated(self, index: QModelIndex) -> None:
        doc_id = self.model.document_id(index.row())
        if doc_id is not None:
            self.document_activated.emit(doc_id)
