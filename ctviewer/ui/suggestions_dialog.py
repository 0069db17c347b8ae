"""Review merge suggestions: two entities that may be one, with the sentences behind the guess.

Each suggestion can be merged (the first entity keeps its name, the second's become aliases) or
dismissed (never suggested again). Both are corrections on the write lane; the list reloads when
they are done. Names and evidence come from documents and are shown as plain text only.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.entities import EntityChange, EntityType, SuggestionRecord
from ctviewer.ui import correction_dialogs
from ctviewer.ui.context import UiContext
from ctviewer.ui.entities_model import rich_tooltip

if TYPE_CHECKING:
    from ctviewer.library import Library

DATA = Qt.ItemDataRole.UserRole + 1


def _score(score: float) -> str:
    # The core scores similarity out of 100 (rapidfuzz); a fraction would read as 0.93.
    return f"{score:.0f}" if score > 1 else f"{score:.2f}"


class SuggestionsDialog(QDialog):
    """Lists ``library.suggestions()`` (of one entity type, or all) with Merge and Dismiss."""

    def __init__(self, ctx: UiContext, entity_type: EntityType | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._type = entity_type
        self._busy = False
        self.setWindowTitle("Merge suggestions")
        self.resize(820, 520)

        self.list = QTreeWidget()
        self.list.setHeaderLabels(["First", "Second", "Score", "Reason"])
        self.list.setRootIsDecorated(False)
        self.list.setAlternatingRowColors(True)
        self.list.setAllColumnsShowFocus(True)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setColumnWidth(0, 240)
        self.list.setColumnWidth(1, 240)
        self.list.currentItemChanged.connect(self._show_evidence)
        self.evidence = QPlainTextEdit()  # plain text: evidence sentences are never interpreted
        self.evidence.setReadOnly(True)
        self.evidence.setPlaceholderText("The sentences behind the selected suggestion appear here.")
        self.empty = QLabel("No merge suggestions left to review.")
        self.empty.setEnabled(False)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.list)
        splitter.addWidget(self.evidence)
        splitter.setSizes([300, 180])

        self.merge_button = QPushButton("&Merge")
        self.merge_button.setToolTip("They are the same: the second becomes an alias of the first.")
        self.merge_button.clicked.connect(self.merge_current)
        self.dismiss_button = QPushButton("&Dismiss")
        self.dismiss_button.setToolTip("They are different: never suggest this pair again.")
        self.dismiss_button.clicked.connect(self.dismiss_current)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.merge_button)
        buttons.addWidget(self.dismiss_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.empty)
        layout.addWidget(splitter, 1)
        layout.addLayout(buttons)
        self.reload()

    # -- public API ---------------------------------------------------------------------------
    def reload(self) -> None:
        """List the open suggestions again (quick read on the GUI thread's Library)."""
        previous = self.current_suggestion()
        self.list.clear()
        shown = [s for s in self._ctx.library.suggestions() if self._type is None or s.type == self._type]
        for s in shown:
            item = QTreeWidgetItem([s.a_name, s.b_name, _score(s.score), s.reason])
            item.setData(0, DATA, s)
            item.setToolTip(0, rich_tooltip(s.a_name))
            item.setToolTip(1, rich_tooltip(s.b_name))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.list.addTopLevelItem(item)
        self.empty.setVisible(not shown)
        index = next((i for i, s in enumerate(shown) if previous is not None and s.id == previous.id), 0)
        if shown:
            self.list.setCurrentItem(self.list.topLevelItem(min(index, len(shown) - 1)))  # type: ignore[arg-type]
        self._show_evidence()

    def suggestions(self) -> list[SuggestionRecord]:
        items = (self.list.topLevelItem(i) for i in range(self.list.topLevelItemCount()))
        return [item.data(0, DATA) for item in items if item is not None]

    def current_suggestion(self) -> SuggestionRecord | None:
        item = self.list.currentItem()
        return item.data(0, DATA) if item is not None else None

    def merge_current(self) -> None:
        s = self.current_suggestion()
        if s is None or self._busy:
            return
        self._run(lambda lib: lib.merge([s.a, s.b]), "Merge")

    def dismiss_current(self) -> None:
        s = self.current_suggestion()
        if s is None or self._busy:
            return
        self._run(lambda lib: lib.dismiss_suggestion(s.id), "Dismiss suggestion")

    # -- internals ----------------------------------------------------------------------------
    def _run(self, fn: Callable[[Library], EntityChange], description: str) -> None:
        self._set_busy(True)

        def finished() -> None:
            self._set_busy(False)
            self.reload()

        # The panes refresh through ctx.events; this list reloads when the task is over.
        correction_dialogs.run_correction(self._ctx, self, fn, description=description, on_finished=finished)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        has = self.list.topLevelItemCount() > 0
        self.merge_button.setEnabled(not busy and has)
        self.dismiss_button.setEnabled(not busy and has)

    def _show_evidence(self, *_args: object) -> None:
        s = self.current_suggestion()
        if s is None:
            self.evidence.setPlainText("")
        else:
            lines = [f"{s.a_name}  /  {s.b_name}  ({s.reason}, score {_score(s.score)})", ""]
            lines += [f"• {sentence}" for sentence in s.evidence] or ["(no sentences recorded)"]
            self.evidence.setPlainText("\n".join(lines))
        self._set_busy(self._busy)
