"""The reader's side list: the open document's annotations in text order.

A click shows the passage in the text; Enter or a double-click opens the editor; Del deletes
(undoable). Orphaned annotations (their passage was not found after the text was re-extracted)
are listed last, greyed, with the quote they had: they are never hidden from the analyst.
Quotes, notes and tags are shown as plain text (tooltips escaped).
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QLabel, QListWidget, QListWidgetItem, QMenu, QStackedWidget, QVBoxLayout, QWidget

from ctviewer.domain.annotations import AnnotationRecord, ColorRecord
from ctviewer.ui.annotations_model import color_swatch, one_line
from ctviewer.ui.reader_highlights import plain_tooltip

EMPTY_TEXT = "No annotations in this document."
QUOTE_CHARS = 90
NOTE_CHARS = 90


def annotation_tooltip(record: AnnotationRecord, labels: dict[str, str]) -> str:
    """The annotation as the analyst wrote it: colour meaning, note, tags, links (escaped)."""
    lines = [f"Annotation · {labels.get(record.color, record.color)}"]
    if record.orphaned:
        lines.append("Its passage was not found in the current text (orphaned).")
    if record.note:
        lines += ["", *_wrapped(record.note, limit=1_200)]
    if record.tags:
        lines += ["", "Tags: " + ", ".join(record.tags)]
    if record.entities:
        lines.append("Linked: " + ", ".join(e.name for e in record.entities))
    return plain_tooltip("\n".join(lines))


def _wrapped(text: str, *, limit: int, width: int = 80) -> list[str]:
    """A long note as lines a tooltip can show (tooltips with white-space:pre do not wrap)."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    out: list[str] = []
    for paragraph in text.splitlines():
        out += textwrap.wrap(paragraph, width) or [""]
    return out


class ReaderAnnotationList(QWidget):
    """``annotation_clicked(record)``, ``edit_requested(record)``, ``delete_requested(ids)``."""

    annotation_clicked = Signal(object)
    edit_requested = Signal(object)
    delete_requested = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._records: list[AnnotationRecord] = []
        self._labels: dict[str, str] = {}
        self.list = QListWidget(self)
        self.list.setWordWrap(True)
        self.list.setUniformItemSizes(False)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.list.itemClicked.connect(self._clicked)
        self.list.itemActivated.connect(self._activated)
        self.list.currentItemChanged.connect(self._current_changed)
        self.list.customContextMenuRequested.connect(self._context_menu)
        self.list.installEventFilter(self)
        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setTextFormat(Qt.TextFormat.PlainText)
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.list)
        self.stack.addWidget(self.empty_label)
        self.title = QLabel("Annotations", self)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        self.set_records([], [])

    # -- public ----------------------------------------------------------------------------------
    @property
    def records(self) -> list[AnnotationRecord]:
        return list(self._records)

    def set_records(self, records: Sequence[AnnotationRecord], colors: Sequence[ColorRecord]) -> None:
        """Show these annotations: anchored ones in text order, then the orphaned ones."""
        selected = set(self.selected_ids())
        self._labels = {c.name: c.label for c in colors}
        self._records = sorted(records, key=lambda r: (r.orphaned, r.start, r.end, r.id))
        self.list.blockSignals(True)  # refilling is not the analyst moving through the list
        self.list.clear()
        for record in self._records:
            item = QListWidgetItem(color_swatch(record.color), self._item_text(record))
            item.setData(Qt.ItemDataRole.UserRole, record.id)
            item.setToolTip(annotation_tooltip(record, self._labels))
            if record.orphaned:
                item.setForeground(self.palette().placeholderText())
            self.list.addItem(item)
            item.setSelected(record.id in selected)
        self.list.blockSignals(False)
        self.stack.setCurrentWidget(self.list if self._records else self.empty_label)
        n = len(self._records)
        self.title.setText(f"Annotations ({n})" if n else "Annotations")

    @property
    def color_labels(self) -> dict[str, str]:
        return dict(self._labels)

    def selected_ids(self) -> list[int]:
        return [int(item.data(Qt.ItemDataRole.UserRole)) for item in self.list.selectedItems()]

    def select(self, annotation_id: int) -> bool:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == annotation_id:
                self.list.setCurrentItem(item)
                self.list.scrollToItem(item)
                return True
        return False

    # -- internals -------------------------------------------------------------------------------
    def _item_text(self, record: AnnotationRecord) -> str:
        quote = one_line(record.quote, QUOTE_CHARS)
        lines = [f"\u201c{quote}\u201d" + ("  (orphaned)" if record.orphaned else "")]
        if record.note:
            lines.append(one_line(record.note, NOTE_CHARS))
        if record.tags:
            lines.append("# " + ", ".join(record.tags))
        return "\n".join(lines)

    def _record(self, item: QListWidgetItem | None) -> AnnotationRecord | None:
        if item is None:
            return None
        annotation_id = item.data(Qt.ItemDataRole.UserRole)
        return next((r for r in self._records if r.id == annotation_id), None)

    def _clicked(self, item: QListWidgetItem) -> None:
        record = self._record(item)
        if record is not None:
            self.annotation_clicked.emit(record)

    def _current_changed(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None) -> None:
        # Arrow keys walk through the passages (a click is handled by itemClicked).
        if self.list.hasFocus() and item is not None and not self.list.signalsBlocked():
            self._clicked(item)

    def _activated(self, item: QListWidgetItem) -> None:
        record = self._record(item)
        if record is not None:
            self.edit_requested.emit(record)

    def _context_menu(self, point: QPoint) -> None:
        record = self._record(self.list.itemAt(point))
        if record is None:
            return
        menu = QMenu(self)
        menu.addAction("Show in Text", lambda: self.annotation_clicked.emit(record))
        menu.addAction("Edit Annotation…", lambda: self.edit_requested.emit(record))
        menu.addSeparator()
        ids = self.selected_ids() or [record.id]
        menu.addAction(
            "Delete" if len(ids) == 1 else f"Delete {len(ids)} Annotations", lambda: self.delete_requested.emit(ids)
        )
        menu.exec(self.list.viewport().mapToGlobal(point))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.list
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and (event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Delete)
        ):
            ids = self.selected_ids()
            if ids:
                self.delete_requested.emit(ids)
            return True
        return super().eventFilter(watched, event)
