"""The reader's find bar (Ctrl+F): a field, previous / next, the match count and a close button.

It finds the typed text in the document it is given (literally, ignoring case) a pause after the
last keystroke, and keeps the matches; the reader owns the cursor and the highlighting, so it
selects the match to show, steps between matches and tells the bar which one is current.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QToolButton, QWidget

from ctviewer.ui.reader_highlights import SpanList, plain_spans

MAX_FIND_MATCHES = 10_000  # enough to step through; more would only slow the highlighting
FIND_DELAY_MS = 150  # one search per pause in typing, not per keystroke


def find_matches(text: str, needle: str, limit: int = MAX_FIND_MATCHES) -> list[tuple[int, int]]:
    """``[start, end)`` of the first ``limit`` occurrences of ``needle`` in ``text``, ignoring case."""
    spans: list[tuple[int, int]] = []
    if not needle:
        return spans
    for match in re.compile(re.escape(needle), re.IGNORECASE).finditer(text):
        spans.append(match.span())
        if len(spans) >= limit:
            break
    return spans


class FindBar(QWidget):
    """Hidden until :meth:`open`. ``matches_changed`` after each search (the matches are in
    ``matches``); ``next_requested`` on Enter or ▶, ``previous_requested`` on Shift+Enter or ◀,
    ``closed`` on Esc or ✕ (the matches are dropped first)."""

    matches_changed = Signal()
    next_requested = Signal()
    previous_requested = Signal()
    closed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self.matches = SpanList()
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Find in document")
        self.edit.setClearButtonEnabled(True)
        self.label = QLabel(self)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self._tool_button("◀", "Previous match (Shift+Enter)", self.previous_requested.emit))
        row.addWidget(self._tool_button("▶", "Next match (Enter)", self.next_requested.emit))
        row.addWidget(self.label)
        row.addWidget(self._tool_button("✕", "Close (Esc)", self.dismiss))
        self.hide()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(FIND_DELAY_MS)
        self._timer.timeout.connect(self.run)
        self.edit.textChanged.connect(self._timer.start)
        self.edit.returnPressed.connect(self.next_requested)
        for keys, slot in (("Shift+Return", self.previous_requested.emit), ("Escape", self.dismiss)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    @property
    def active(self) -> bool:
        """Shown with something typed: F3 then steps through matches rather than search hits."""
        return self.isVisible() and bool(self.edit.text())

    def set_text(self, text: str) -> None:
        """The document to find in (the reader calls :meth:`run` when it should search it now)."""
        self._text = text

    def open(self) -> None:
        """Show the bar with its text selected, ready to type over (Ctrl+F)."""
        self.show()
        self.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.edit.selectAll()

    def dismiss(self) -> None:
        self.hide()
        self.matches = SpanList()
        self.closed.emit()

    def run(self) -> None:
        """Find now (the pause after typing ends here too)."""
        self._timer.stop()
        self.matches = plain_spans(find_matches(self._text, self.edit.text()))
        self.matches_changed.emit()

    def show_position(self, current: int | None) -> None:
        """The count, with ``current`` (the match the reader's selection is on) counted from 1."""
        total = len(self.matches)
        if not self.edit.text():
            self.label.setText("")
        elif total == 0:
            self.label.setText("not found")
        else:
            more = "+" if total >= MAX_FIND_MATCHES else ""
            self.label.setText(f"{(current or 0) + 1:,} of {total:,}{more}")

    def _tool_button(self, text: str, tip: str, slot: Callable[[], object]) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(lambda _checked=False: slot())
        return button
