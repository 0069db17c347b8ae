"""The annotation editor: colour, note, tags and linked entities for one passage.

It never writes by itself: Save emits ``save_requested(draft)`` and the caller (the window,
through the annotation controller) saves on the write lane, then calls :meth:`saved` or
:meth:`failed`. Until then the editor stays open with everything the analyst typed, so a
refused save (disk full, read-only archive) loses nothing.

Quotes, notes, tags and entity names are document- or analyst-derived text: every widget here
shows them as plain text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QStringListModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.annotations import AnnotationRecord, LinkedEntity
from ctviewer.errors import KnownError
from ctviewer.ui.annotations_model import color_swatch
from ctviewer.ui.context import UiContext

if TYPE_CHECKING:
    from ctviewer.library import Library

ENTITY_CHOICES = 20  # names offered while typing in "Link another entity"
TYPE_WORDS = {"person": "person", "organisation": "organisation", "place": "place"}


@dataclass(frozen=True)
class AnnotationDraft:
    """What the editor holds: the fields an analyst sets on an annotation. ``color`` None: the
    archive's default colour; ``entities`` None: the entities mentioned inside the passage."""

    note: str = ""
    tags: tuple[str, ...] = ()
    color: str | None = None
    entities: tuple[int, ...] | None = None


def split_tags(text: str) -> tuple[str, ...]:
    """Comma-separated tags as typed, trimmed, empty ones and repeats dropped (the core cleans
    them again)."""
    seen: dict[str, None] = {}
    for part in text.split(","):
        tag = " ".join(part.split())
        if tag and tag.casefold() not in {t.casefold() for t in seen}:
            seen[tag] = None
    return tuple(seen)


class TagCompleter(QCompleter):
    """Completes the tag being typed after the last comma, keeping the ones before it."""

    def splitPath(self, path: str) -> list[str]:
        return [path.rsplit(",", 1)[-1].strip()]

    def pathFromIndex(self, index: QModelIndex | QPersistentModelIndex) -> str:
        tag = str(index.data())
        widget = self.widget()
        head = widget.text().rsplit(",", 1)[0] if isinstance(widget, QLineEdit) and "," in widget.text() else ""
        return f"{head}, {tag}, " if head else f"{tag}, "


class AnnotationDialog(QDialog):
    """Create (``record`` None: ``quote`` and ``suggestions`` describe the passage) or edit an
    annotation. ``save_requested(draft)``; ``delete_requested(id)`` (edit mode only)."""

    save_requested = Signal(object)  # AnnotationDraft
    delete_requested = Signal(int)

    def __init__(
        self,
        ctx: UiContext,
        *,
        quote: str,
        document_title: str,
        suggestions: list[LinkedEntity],
        record: AnnotationRecord | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.record = record
        self.setWindowTitle("Edit Annotation" if record else "New Annotation")
        self.setModal(True)
        self.resize(560, 560)

        source = QLabel(document_title, self)
        source.setTextFormat(Qt.TextFormat.PlainText)
        source.setWordWrap(True)
        self.quote_view = QPlainTextEdit(self)  # plain text, never markup
        self.quote_view.setReadOnly(True)
        self.quote_view.setPlainText(quote)
        # As tall as the quote (about 80 characters a line), from two to five lines.
        lines = sum(len(line) // 80 + 1 for line in quote.splitlines()) if quote else 1
        self.quote_view.setFixedHeight(self.fontMetrics().lineSpacing() * max(2, min(5, lines)) + 12)
        self.quote_view.setTabChangesFocus(True)

        # colours: a fixed palette; the meaning of each is the archive's (renamable) label
        self.color_group = QButtonGroup(self)
        self.color_group.setExclusive(True)
        colour_row = QHBoxLayout()
        colours = ctx.library.annotation_colors()
        chosen = record.color if record else (colours[0].name if colours else "")
        for colour in colours:
            button = QToolButton(self)
            button.setCheckable(True)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
            button.setIcon(color_swatch(colour.name, 14))
            button.setText(colour.label.replace("&", "&&"))
            button.setProperty("color_name", colour.name)
            button.setToolTip(f"Colour: {colour.name}")  # fixed names of ours, no markup
            button.setChecked(colour.name == chosen)
            self.color_group.addButton(button)
            colour_row.addWidget(button)
        colour_row.addStretch(1)
        self.rename_button = QToolButton(self)
        self.rename_button.setText("Rename…")
        self.rename_button.setToolTip("Give the selected colour another meaning (for every annotation)")
        self.rename_button.clicked.connect(self._rename_colour)
        colour_row.addWidget(self.rename_button)

        self.note_edit = QPlainTextEdit(self)
        self.note_edit.setPlaceholderText("Note (plain text or Markdown; optional)")
        self.note_edit.setTabChangesFocus(True)
        self.note_edit.setPlainText(record.note if record else "")

        self.tags_edit = QLineEdit(self)
        self.tags_edit.setPlaceholderText("Tags, separated by commas")
        self.tags_edit.setText(", ".join(record.tags) if record else "")
        tag_model = QStringListModel([t.tag for t in ctx.library.annotation_tags()], self)
        self.tag_completer = TagCompleter(tag_model, self)
        self.tag_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.tag_completer.setFilterMode(Qt.MatchFlag.MatchStartsWith)
        self.tags_edit.setCompleter(self.tag_completer)

        # linked entities: checked = linked; the passage's own entities are offered first
        self.no_entities_label = QLabel(
            "No person, organisation or place is named in this passage; link one below if it is about one.", self
        )
        self.no_entities_label.setTextFormat(Qt.TextFormat.PlainText)
        self.no_entities_label.setWordWrap(True)
        self.no_entities_label.setEnabled(False)
        self.entity_list = QListWidget(self)
        self.entity_list.setMaximumHeight(self.fontMetrics().lineSpacing() * 7 + 12)
        linked = {e.id for e in record.entities} if record else {e.id for e in suggestions}
        for entity in (*(record.entities if record else ()), *suggestions):
            self._add_entity(entity, checked=entity.id in linked)
        self.entity_edit = QLineEdit(self)
        self.entity_edit.setPlaceholderText("Link another person, organisation or place…")
        self._entity_model = QStringListModel(self)
        self._entity_choices: dict[str, LinkedEntity] = {}
        self.entity_completer = QCompleter(self._entity_model, self)
        self.entity_completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.entity_completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.entity_edit.setCompleter(self.entity_completer)
        self.entity_edit.textEdited.connect(self._offer_entities)
        self.entity_completer.activated.connect(self._entity_chosen)
        self.entity_edit.returnPressed.connect(lambda: self._entity_chosen(self.entity_edit.text()))

        self.error_label = QLabel(self)
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("color: #c62828;")  # a refusal must stand out on any theme
        self.error_label.hide()

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setToolTip("Save (Ctrl+Enter)")
        self.buttons.accepted.connect(self.request_save)
        self.buttons.rejected.connect(self.reject)
        self.delete_button: QAbstractButton | None = None
        if record is not None:
            self.delete_button = self.buttons.addButton("Delete", QDialogButtonBox.ButtonRole.DestructiveRole)
            self.delete_button.setToolTip("Delete this annotation (Edit > Undo restores it)")
            self.delete_button.clicked.connect(self._delete)

        form = QFormLayout()
        form.addRow("Colour", colour_row)
        form.addRow("Note", self.note_edit)
        form.addRow("Tags", self.tags_edit)
        entities = QVBoxLayout()
        entities.addWidget(self.no_entities_label)
        entities.addWidget(self.entity_list)
        entities.addWidget(self.entity_edit)
        form.addRow("Linked", entities)
        layout = QVBoxLayout(self)
        layout.addWidget(source)
        layout.addWidget(self.quote_view)
        layout.addLayout(form, 1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self._show_entity_list()
        self.note_edit.setFocus()

    # -- what the editor holds ----------------------------------------------------------------
    def draft(self) -> AnnotationDraft:
        button = self.color_group.checkedButton()
        colour = button.property("color_name") if button is not None else None
        return AnnotationDraft(
            note=self.note_edit.toPlainText().strip(),
            tags=split_tags(self.tags_edit.text()),
            color=str(colour) if colour else None,
            entities=tuple(self.linked_entities()),
        )

    def linked_entities(self) -> list[int]:
        out = []
        for row in range(self.entity_list.count()):
            item = self.entity_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return out

    # -- the save's outcome ---------------------------------------------------------------------
    def request_save(self) -> None:
        if not self.save_button.isEnabled():
            return  # a save is already on its way
        self.save_button.setEnabled(False)
        self.save_button.setText("Saving…")
        self.error_label.hide()
        self.save_requested.emit(self.draft())

    def saved(self, _annotation_id: int = 0) -> None:
        self.accept()

    def failed(self, reason: str) -> None:
        """The save was refused: say why and keep everything as typed."""
        self.save_button.setEnabled(True)
        self.save_button.setText("Save")
        self.error_label.setText(f"Not saved: {reason}")
        self.error_label.show()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Ctrl+Enter saves from any field (the note takes plain Enter as a new line); handled
        # here rather than by a shortcut so it works whichever window is active.
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self.request_save()
            return
        super().keyPressEvent(event)

    # -- internals -------------------------------------------------------------------------------
    def _add_entity(self, entity: LinkedEntity, *, checked: bool) -> None:
        for row in range(self.entity_list.count()):
            item = self.entity_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == entity.id:
                if checked:
                    item.setCheckState(Qt.CheckState.Checked)
                return
        item = QListWidgetItem(f"{entity.name} ({TYPE_WORDS.get(entity.type, entity.type)})")
        item.setData(Qt.ItemDataRole.UserRole, entity.id)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.entity_list.addItem(item)
        self._show_entity_list()

    def _show_entity_list(self) -> None:
        empty = self.entity_list.count() == 0
        self.entity_list.setVisible(not empty)
        self.no_entities_label.setVisible(empty)

    def _offer_entities(self, text: str) -> None:
        """Names containing what is typed, most documented first (a quick read on the GUI thread)."""
        text = text.strip()
        if len(text) < 2:
            return
        library = self._ctx.library
        ids = library.entity_ids(sort="documents", descending=True, text=text)[:ENTITY_CHOICES]
        self._entity_choices = {}
        for record in library.entity_records(ids):
            label = f"{record.name} ({TYPE_WORDS.get(record.type, record.type)})"
            self._entity_choices[label] = LinkedEntity(record.id, record.name, record.type)
        self._entity_model.setStringList(list(self._entity_choices))

    def _entity_chosen(self, choice: str | QModelIndex) -> None:
        label = str(choice.data()) if isinstance(choice, QModelIndex) else choice
        entity = self._entity_choices.get(label)
        if entity is None:
            return
        self._add_entity(entity, checked=True)
        self.entity_edit.clear()

    def _rename_colour(self) -> None:
        button = self.color_group.checkedButton()
        if button is None:
            return
        name = str(button.property("color_name"))
        current = button.text().replace("&&", "&")
        label, ok = QInputDialog.getText(self, "Rename colour", f"What {name} highlights mean:", text=current)
        label = " ".join(label.split())
        if not ok or not label or label == current:
            return

        def work(library: Library, _task: object) -> None:
            library.rename_annotation_color(name, label)

        def done(_result: object) -> None:
            button.setText(label.replace("&", "&&"))
            self._ctx.events.annotations_changed.emit(None)  # every pane shows the labels

        def error(exc: BaseException, details: str) -> None:
            if isinstance(exc, KnownError):
                self.failed(str(exc))
            else:
                self._ctx.runner.report_error(exc, details)

        self._ctx.runner.submit("write", work, description="Renaming a colour", on_done=done, on_error=error)

    def _delete(self) -> None:
        if self.record is not None:
            self.delete_requested.emit(self.record.id)
            self.accept()
