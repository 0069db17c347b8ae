"""Running analysts' corrections, and the small dialogs that ask for them.

``run_correction`` sends one correction to the runner's write lane and, on success, tells every
pane what changed (``entities_changed`` and ``documents_changed``). A ``KnownError`` from the core
(a correction that cannot be made as asked) comes back as a plain message box; anything else is a
bug and goes on to the runner's error handler (the crash dialog), never a traceback in a message.

The questions (``ask_text``, ``ask_choice``, ``confirm``) are module functions so tests can
replace them; every one shows document-derived names as plain text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.entities import EntityChange, MentionRecord
from ctviewer.errors import KnownError
from ctviewer.ui.context import UiContext
from ctviewer.ui.entities_model import rich_tooltip

if TYPE_CHECKING:
    from ctviewer.library import Library
    from ctviewer.ui.tasks import Task, TaskContext


@dataclass(frozen=True)
class _Refused:
    """A KnownError raised in the write lane, carried back as a value (its message only)."""

    message: str


def run_correction(
    ctx: UiContext,
    parent: QWidget | None,
    fn: Callable[[Library], EntityChange],
    *,
    description: str,
    on_done: Callable[[EntityChange], None] | None = None,
    on_finished: Callable[[], None] | None = None,
) -> Task:
    """Run ``fn(library)`` on the write lane; announce its EntityChange to every pane."""

    def work(library: Library, _task: TaskContext) -> EntityChange | _Refused:
        try:
            return fn(library)
        except KnownError as exc:  # the analyst's request, not a bug: a message is enough
            return _Refused(str(exc))

    def done(result: EntityChange | _Refused) -> None:
        if isinstance(result, _Refused):
            show_error(parent, description, result.message)
            return
        if on_done is not None:
            on_done(result)
        ctx.events.entities_changed.emit(result)
        if result.documents:
            ctx.events.documents_changed.emit(list(result.documents))

    return ctx.runner.submit("write", work, description=description, on_done=done, on_finished=on_finished)


# -- questions (replaceable in tests) ------------------------------------------------------------
def _message_box(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setTextFormat(Qt.TextFormat.PlainText)  # names come from documents
    return box


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    box = _message_box(parent, QMessageBox.Icon.Warning, title, message)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.exec()


def confirm(parent: QWidget | None, title: str, text: str, action: str) -> bool:
    """Ask before an irreversible-looking correction; ``action`` labels the accepting button."""
    box = _message_box(parent, QMessageBox.Icon.Question, title, text)
    yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(yes)
    box.exec()
    return box.clickedButton() is yes


def ask_text(parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
    """One line of text, or None when cancelled (``label`` must not hold document text)."""
    value, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
    value = " ".join(value.split())
    return value if ok and value else None


def ask_choice(parent: QWidget | None, title: str, label: str, choices: Sequence[str], current: int = 0) -> int | None:
    """The index of one of ``choices`` (shown in a combo box: plain text), or None."""
    value, ok = QInputDialog.getItem(parent, title, label, list(choices), current, False)
    if not ok or value not in choices:
        return None
    return list(choices).index(value)


# -- split --------------------------------------------------------------------------------------
def kwic_line(mention: MentionRecord, title: str = "") -> str:
    """One plain-text keyword-in-context line: "title: …before [mention] after…"."""
    left, right = " ".join(mention.left.split()), " ".join(mention.right.split())
    prefix = f"{title}: " if title else ""
    before = ("…" + left[-70:]) if len(left) > 70 else left
    after = (right[:70] + "…") if len(right) > 70 else right
    parts = [before, f"[{mention.keyword or mention.text}]", after]
    return prefix + " ".join(p for p in parts if p)


class SplitDialog(QDialog):
    """Choose mentions of one entity to move to a new entity (and name it)."""

    def __init__(
        self,
        entity_name: str,
        mentions: Sequence[MentionRecord],
        titles: dict[int, str],
        parent: QWidget | None = None,
        *,
        total: int | None = None,
    ) -> None:
        super().__init__(parent)
        self._total = total if total is not None else len(mentions)
        self.setWindowTitle("Split entity")
        self.resize(760, 480)
        intro = QLabel(
            f"Tick the mentions of “{entity_name}” that are someone (or something) else. They move to a new entity."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.list = QListWidget()
        for m in mentions:
            item = QListWidgetItem(kwic_line(m, titles.get(m.document_id, "")))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            item.setData(Qt.ItemDataRole.UserRole, m.id)
            item.setToolTip(rich_tooltip(m.context))
            self.list.addItem(item)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Default: the most frequent name among the ticked mentions")
        form = QFormLayout()
        form.addRow("Name of the new entity:", self.name)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.split_button = QPushButton("Split")
        self.buttons.addButton(self.split_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.list.itemChanged.connect(self._update_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        if self._total > len(mentions):
            note = QLabel(f"Only the first {len(mentions)} of {self._total} mentions are listed.")
            note.setEnabled(False)
            layout.addWidget(note)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self._update_button()

    def set_checked(self, mention_ids: Sequence[int]) -> None:
        wanted = set(mention_ids)
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setCheckState(
                Qt.CheckState.Checked if item.data(Qt.ItemDataRole.UserRole) in wanted else Qt.CheckState.Unchecked
            )

    def checked_mentions(self) -> list[int]:
        return [
            self.list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        ]

    def new_name(self) -> str | None:
        return " ".join(self.name.text().split()) or None

    def _update_button(self) -> None:
        # Splitting off every mention would leave an empty entity: rename does that job.
        n = len(self.checked_mentions())
        self.split_button.setEnabled(0 < n < self._total)
