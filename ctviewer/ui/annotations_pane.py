"""The Annotations pane: every annotation in the archive, filtered, searched and sorted.

A filter bar (search over notes and quotes, tag, colour, document, entity, document date and
creation date ranges, sort order and an "Orphaned" view) above the lazily filled annotations
table. The core filters and sorts on the read lane; the model holds ids and a few pages of rows.
Enter or a double-click opens the annotation in the reader; Del asks the window to delete the
selected annotations (through the annotation controller, so Ctrl+Z restores them); in the
Orphaned view, "Re-attach to reader selection" anchors an orphan on the passage the analyst
selected in the reader.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, QObject, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.annotations import AnnotationChange, AnnotationFilter, AnnotationRecord, AnnotationSort
from ctviewer.errors import KnownError
from ctviewer.ui.annotations_model import AnnotationTableModel, color_swatch
from ctviewer.ui.context import UiContext

FILTER_DELAY_MS = 250
EMPTY_TEXT = "No annotations yet: select text in the reader and annotate it (right-click > Annotate Selection…)."
NO_MATCH_TEXT = "No annotations match these filters."
NO_ORPHANS_TEXT = "No orphaned annotations: every annotation is anchored in its document's text."
ALL_TAGS, ALL_COLOURS, ALL_DOCUMENTS, ALL_ENTITIES = "All tags", "All colours", "All documents", "All entities"
SORTS: tuple[tuple[str, AnnotationSort, bool], ...] = (
    ("Newest first", "created", True),
    ("Oldest first", "created", False),
    ("Document date", "document_date", False),
    ("Document date, latest first", "document_date", True),
)
_DATE = r"\d{4}(-\d{2}(-\d{2})?)?"  # partial ISO dates: 2021, 2021-05, 2021-05-03
QUOTE_MIN_CHARS = 30
_TITLE_CHARS = 60  # the document filter's entries are cut here (the combo would grow to the longest title)

ReaderSelection = Callable[[], "tuple[int, int, int] | None"]  # (document id, start, end) or None


class AnnotationsPane(QWidget):
    """Filters, the annotations table, a count, and actions on the selected annotations.

    ``annotation_activated(record)``: Enter, double-click or "Open" on an annotation.
    ``delete_requested(ids)``: Del or "Delete" (the window deletes through its undo stack).
    """

    annotation_activated = Signal(object)  # AnnotationRecord
    delete_requested = Signal(list)  # annotation ids
    edit_requested = Signal(object)  # AnnotationRecord

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._reader_selection: ReaderSelection = lambda: None
        self._kept_ids: list[int] = []

        self.search_edit = QLineEdit(self)
        self.search_edit.setPlaceholderText("Search notes and quotes")
        self.search_edit.setClearButtonEnabled(True)
        self.tag_combo = self._combo("Tag")
        self.colour_combo = self._combo("Colour")
        self.document_combo = self._combo("Document")
        self.entity_combo = self._combo("Linked entity")
        self.date_from_edit = self._date_edit("document from", "Document date from (YYYY, YYYY-MM or YYYY-MM-DD)")
        self.date_to_edit = self._date_edit("document to", "Document date to (included)")
        self.created_from_edit = self._date_edit("created from", "Annotated on or after (YYYY-MM-DD)")
        self.created_to_edit = self._date_edit("created to", "Annotated on or before (included)")
        self.sort_combo = self._combo("Order")
        for label, _sort, _descending in SORTS:
            self.sort_combo.addItem(label)
        self.orphaned_check = QCheckBox("&Orphaned only", self)
        self.orphaned_check.setToolTip("Annotations whose passage was not found again after the text was re-extracted")

        self.model = AnnotationTableModel(ctx, self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.setTabKeyNavigation(False)
        vertical = self.table.verticalHeader()
        vertical.setVisible(False)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # no measuring of every row
        vertical.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        char = self.fontMetrics().averageCharWidth()
        for column, chars in (
            (AnnotationTableModel.NOTE, 22),
            (AnnotationTableModel.TAGS, 10),
            (AnnotationTableModel.ENTITIES, 14),
            (AnnotationTableModel.DOCUMENT, 22),
        ):
            self.table.setColumnWidth(column, chars * char + 16)
        # Colour labels and timestamps are short and all alike: measured, so none is cut off.
        labels = [c.label for c in ctx.library.annotation_colors()] or ["Colour"]
        widest = max(self.fontMetrics().horizontalAdvance(label) for label in labels)
        self.table.setColumnWidth(AnnotationTableModel.COLOR, widest + 12 + 3 * char)  # + swatch
        self.table.setColumnWidth(
            AnnotationTableModel.CREATED, self.fontMetrics().horizontalAdvance("2024-12-31 23:59") + 3 * char
        )
        # The quote takes the room the others leave but never less than QUOTE_MIN_CHARS: on a
        # narrow pane the table scrolls sideways rather than squeezing what the analyst reads.
        self._quote_min = QUOTE_MIN_CHARS * char
        self.table.setColumnWidth(AnnotationTableModel.QUOTE, self._quote_min)
        header.setSortIndicator(AnnotationTableModel.CREATED, Qt.SortOrder.DescendingOrder)
        self.table.setSortingEnabled(True)
        header.sortIndicatorChanged.connect(self._header_sorted)

        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setEnabled(False)  # the palette's disabled text: a quiet hint, any theme
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty_label)
        self.count_label = QLabel(self)
        self.count_label.setTextFormat(Qt.TextFormat.PlainText)
        self.open_button = QPushButton("&Open", self)
        self.open_button.setToolTip("Open the annotation in the reader (Enter)")
        self.edit_button = QPushButton("&Edit…", self)
        self.edit_button.setToolTip("Edit the annotation's colour, note, tags and links (F2)")
        self.delete_button = QPushButton("&Delete", self)
        self.delete_button.setToolTip("Delete the selected annotations (Del; Edit > Undo restores them)")
        self.reattach_button = QPushButton("&Re-attach to Reader Selection", self)
        self.reattach_button.setToolTip(
            "Anchor the selected orphaned annotation on the passage selected "
            "in the reader (open its document and select the passage first)"
        )
        self.reattach_button.setVisible(False)
        self.status_label = QLabel(self)
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label.setWordWrap(True)

        # Three short rows rather than two long ones: the pane shares the window with the reader.
        first = QHBoxLayout()
        first.addWidget(self.search_edit, 3)
        first.addWidget(self.sort_combo, 1)
        first.addWidget(self.orphaned_check)
        second = QHBoxLayout()
        for combo in (self.tag_combo, self.colour_combo, self.document_combo, self.entity_combo):
            second.addWidget(combo, 2 if combo in (self.document_combo, self.entity_combo) else 1)
        third = QHBoxLayout()
        for edit in (self.date_from_edit, self.date_to_edit, self.created_from_edit, self.created_to_edit):
            third.addWidget(edit, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.count_label, 1)
        actions.addWidget(self.reattach_button)
        actions.addWidget(self.open_button)
        actions.addWidget(self.edit_button)
        actions.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(first)
        layout.addLayout(second)
        layout.addLayout(third)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status_label)
        layout.addLayout(actions)
        order = [
            self.search_edit,
            self.sort_combo,
            self.orphaned_check,
            self.tag_combo,
            self.colour_combo,
            self.document_combo,
            self.entity_combo,
            self.date_from_edit,
            self.date_to_edit,
            self.created_from_edit,
            self.created_to_edit,
            self.table,
            self.reattach_button,
            self.open_button,
            self.edit_button,
            self.delete_button,
        ]
        for before, after in itertools.pairwise(order):
            self.setTabOrder(before, after)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(FILTER_DELAY_MS)
        self._debounce.timeout.connect(self._apply_filter)
        for edit in (
            self.search_edit,
            self.date_from_edit,
            self.date_to_edit,
            self.created_from_edit,
            self.created_to_edit,
        ):
            edit.textChanged.connect(self._debounce.start)
        for combo in (self.tag_combo, self.colour_combo, self.document_combo, self.entity_combo):
            combo.currentIndexChanged.connect(self._apply_filter)
        self.sort_combo.currentIndexChanged.connect(self._sort_chosen)
        self.orphaned_check.toggled.connect(self._apply_filter)
        self.table.activated.connect(self._on_activated)
        self.table.installEventFilter(self)
        self.open_button.clicked.connect(self.open_current)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_selected)
        self.reattach_button.clicked.connect(self.reattach_current)
        self.table.selectionModel().selectionChanged.connect(self._update_buttons)
        self.model.ids_loaded.connect(self._on_ids_loaded)
        self.model.modelAboutToBeReset.connect(self._remember_selection)
        ctx.events.annotations_changed.connect(self.reload)
        ctx.events.documents_changed.connect(self._documents_changed)
        ctx.events.entities_changed.connect(self._entities_changed)

        self._refresh_choices()
        self.model.reload()

    # -- public ----------------------------------------------------------------------------------
    def set_reader_selection(self, provider: ReaderSelection) -> None:
        """Where "Re-attach" finds the passage: ``provider()`` gives the reader's (document id,
        start, end) or None when nothing is selected."""
        self._reader_selection = provider
        self._update_buttons()

    def reload(self, *_args: object) -> None:
        """Re-read the filter choices, ids and rows, keeping the selected annotations selected."""
        self._refresh_choices()
        self.model.reload()

    def current_filter(self) -> AnnotationFilter:
        """The filter as the bar shows it (incomplete dates are ignored until complete)."""
        return AnnotationFilter(
            text=self.search_edit.text().strip() or None,
            tag=self.tag_combo.currentData() or None,
            color=self.colour_combo.currentData() or None,
            document_id=self.document_combo.currentData() or None,
            entity_id=self.entity_combo.currentData() or None,
            orphaned=True if self.orphaned_check.isChecked() else None,
            date_from=self._date(self.date_from_edit),
            date_to=self._date(self.date_to_edit),
            created_from=self._date(self.created_from_edit),
            created_to=self._date(self.created_to_edit),
        )

    def show_orphaned(self, on: bool = True) -> None:
        self.orphaned_check.setChecked(on)

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [a for row in rows if (a := self.model.annotation_id(row)) is not None]

    def current_record(self) -> AnnotationRecord | None:
        index = self.table.currentIndex()
        return self.model.record(index.row()) if index.isValid() else None

    def select_annotation(self, annotation_id: int) -> bool:
        row = self.model.row_of(annotation_id)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, AnnotationTableModel.QUOTE))
        return True

    def open_current(self) -> None:
        record = self.current_record()
        if record is not None:
            self._open(record)

    def edit_current(self) -> None:
        record = self.current_record()
        if record is not None:
            self.edit_requested.emit(record)

    def delete_selected(self) -> None:
        ids = self.selected_ids()
        if ids:
            self.delete_requested.emit(ids)

    def reattach_current(self) -> None:
        """Anchor the current orphaned annotation on the reader's selection (on the write lane)."""
        record = self.current_record()
        if record is None or not record.orphaned:
            return
        selection = self._reader_selection()
        if record.document_id is None:
            self._say("Its document is no longer in the archive: there is no text to attach it to.")
            return
        if selection is None or selection[0] != record.document_id or selection[1] >= selection[2]:
            self._say(
                "Open the annotation's document in the reader (Enter) and select the passage it "
                "belongs to, then choose Re-attach again."
            )
            return
        _doc, start, end = selection
        annotation_id = record.id

        def work(library: Any, _task: Any) -> AnnotationChange | str:
            try:
                return library.reattach_annotation(annotation_id, start, end)
            except KnownError as exc:  # the analyst's request could not be met: say why
                return str(exc)

        def done(result: AnnotationChange | str) -> None:
            if isinstance(result, str):
                self._say(result)
                return
            self._say("Re-attached to the selected passage.")
            self._ctx.events.annotations_changed.emit(result)

        self._ctx.runner.submit("write", work, description="Re-attaching an annotation", on_done=done)

    # -- internals -------------------------------------------------------------------------------
    def _combo(self, tip: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setToolTip(tip)
        # Sized by a few characters, not by the longest entry (titles, names): the layout widens it.
        combo.setMinimumContentsLength(3)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        return combo

    def _date_edit(self, placeholder: str, tip: str) -> QLineEdit:
        edit = QLineEdit(self)
        edit.setPlaceholderText(placeholder)
        edit.setToolTip(tip)
        edit.setClearButtonEnabled(True)
        edit.setValidator(QRegularExpressionValidator(QRegularExpression(_DATE), edit))
        return edit

    @staticmethod
    def _date(edit: QLineEdit) -> str | None:
        text = edit.text().strip()
        return text if re.fullmatch(_DATE, text) else None

    def _say(self, message: str) -> None:
        self.status_label.setText(message)

    def _refresh_choices(self) -> None:
        """Fill the tag, colour, document and entity lists from what the annotations use."""
        library = self._ctx.library
        tags = [(f"{t.tag} ({t.count})", t.tag) for t in library.annotation_tags()]
        self._fill(self.tag_combo, ALL_TAGS, "", tags)
        colours = [
            (c.label if c.label.lower() == c.name else f"{c.label} ({c.name})", c.name)
            for c in library.annotation_colors()
        ]
        self._fill(self.colour_combo, ALL_COLOURS, "", colours, swatches=True)
        documents = []
        for doc_id, title, date in library.annotated_documents():
            short = title if len(title) <= _TITLE_CHARS else title[: _TITLE_CHARS - 1] + "…"
            documents.append((f"{date} · {short}" if date else short, doc_id))
        self._fill(self.document_combo, ALL_DOCUMENTS, 0, documents)
        entities = [(name, entity_id) for entity_id, name, _type in library.annotation_entities()]
        self._fill(self.entity_combo, ALL_ENTITIES, 0, entities)

    def _fill(
        self, combo: QComboBox, everything: str, none: object, items: list[tuple[str, Any]], *, swatches: bool = False
    ) -> None:
        chosen = combo.currentData()
        combo.blockSignals(True)  # rebuilding the list is not the analyst choosing
        combo.clear()
        combo.addItem(everything, none)
        for label, value in items:
            if swatches:
                combo.addItem(color_swatch(str(value)), label, value)
            else:
                combo.addItem(label, value)
        found = combo.findData(chosen) if chosen not in (None, "", 0) else 0
        combo.setCurrentIndex(max(0, found))
        combo.blockSignals(False)
        if found < 0:
            self._apply_filter()  # the chosen tag/document/entity is gone: show all again

    def _apply_filter(self) -> None:
        self._debounce.stop()
        self.reattach_button.setVisible(self.orphaned_check.isChecked())
        self.model.set_filter(self.current_filter())

    def _sort_chosen(self, index: int) -> None:
        if 0 <= index < len(SORTS):
            _label, sort, descending = SORTS[index]
            column = AnnotationTableModel.CREATED if sort == "created" else AnnotationTableModel.DOCUMENT
            order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
            header = self.table.horizontalHeader()
            header.blockSignals(True)  # the header only shows the order chosen here
            header.setSortIndicator(column, order)
            header.blockSignals(False)
            header.viewport().update()
            self.model.set_sort(sort, descending)

    def _header_sorted(self, column: int, order: Qt.SortOrder) -> None:
        """A header click: only Document and Created sort; the order box follows."""
        if column not in (AnnotationTableModel.DOCUMENT, AnnotationTableModel.CREATED):
            sort, descending = self.model.sort_order  # put the indicator back where the order is
            self._sort_chosen(next(i for i, s in enumerate(SORTS) if s[1:] == (sort, descending)))
            return
        sort = "created" if column == AnnotationTableModel.CREATED else "document_date"
        index = next(i for i, s in enumerate(SORTS) if s[1:] == (sort, order == Qt.SortOrder.DescendingOrder))
        self.sort_combo.blockSignals(True)
        self.sort_combo.setCurrentIndex(index)
        self.sort_combo.blockSignals(False)

    def _remember_selection(self) -> None:
        self._kept_ids = self.selected_ids()[:500]

    def _documents_changed(self, _ids: list[int]) -> None:
        # Titles and dates shown here may have changed; an import sends this for every batch, so
        # an archive without annotations skips the work.
        if self.model.rowCount() or self._ctx.library.annotation_count():
            self.reload()

    def _entities_changed(self, _change: object) -> None:
        if self.model.rowCount():  # linked entities merged, renamed or rejected
            self.reload()

    def _on_ids_loaded(self) -> None:
        kept, self._kept_ids = self._kept_ids, []
        for annotation_id in kept:
            row = self.model.row_of(annotation_id)
            if row is not None:
                self.table.selectionModel().select(
                    self.model.index(row, 0),
                    self.table.selectionModel().SelectionFlag.Select | self.table.selectionModel().SelectionFlag.Rows,
                )
        self._update_count()
        self._update_buttons()

    def _update_count(self) -> None:
        total = self._ctx.library.annotation_count()
        shown = self.model.rowCount()
        filtering = self.current_filter() != AnnotationFilter()
        if shown == 0:
            if self.orphaned_check.isChecked() and self.current_filter() == AnnotationFilter(orphaned=True):
                self.empty_label.setText(NO_ORPHANS_TEXT)
            else:
                self.empty_label.setText(NO_MATCH_TEXT if total else EMPTY_TEXT)
            self.stack.setCurrentWidget(self.empty_label)
        else:
            self.stack.setCurrentWidget(self.table)
        noun = "annotation" if total == 1 else "annotations"
        self.count_label.setText(f"{shown:,} of {total:,} {noun}" if filtering else f"{total:,} {noun}")

    def _update_buttons(self, *_args: object) -> None:
        selected = bool(self.table.selectionModel().selectedRows())
        self.open_button.setEnabled(selected)
        self.edit_button.setEnabled(selected)
        self.delete_button.setEnabled(selected)
        record = self.current_record() if selected else None
        self.reattach_button.setEnabled(record is not None and record.orphaned)

    def _fit_quote_column(self) -> None:
        others = sum(
            self.table.columnWidth(c) for c in range(self.model.columnCount()) if c != AnnotationTableModel.QUOTE
        )
        room = self.table.viewport().width() - others
        self.table.setColumnWidth(AnnotationTableModel.QUOTE, max(self._quote_min, room))

    def _on_activated(self, index: QModelIndex) -> None:
        record = self.model.record(index.row())
        if record is not None:
            self._open(record)

    def _open(self, record: AnnotationRecord) -> None:
        if record.document_id is None:
            self._say("Its document is no longer in the archive (the annotation is kept, with its quote).")
            return
        self.annotation_activated.emit(record)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Keys on the table: Enter opens the current annotation even where the platform's "activate"
        # key differs (macOS; the view's own `activated` covers double-clicks); Del (Backspace on
        # macOS keyboards) deletes the selected ones.
        if watched is self.table and event.type() == QEvent.Type.Resize:
            self._fit_quote_column()
        if watched is self.table and event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.open_current()
                return True
            if event.key() == Qt.Key.Key_F2:
                self.edit_current()
                return True
            if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Delete:
                self.delete_selected()
                return True
        return super().eventFilter(watched, event)
