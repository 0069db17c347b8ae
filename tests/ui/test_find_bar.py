"""The reader's find bar on its own: literal, case-insensitive matching with a cap, one search per
pause in typing, the count label, and Esc / Enter / Shift+Enter."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from ctviewer.ui.find_bar import MAX_FIND_MATCHES, FindBar, find_matches

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_matches_are_literal_and_ignore_case() -> None:
    text = "A.B a.b axb A.b"
    assert find_matches(text, "a.b") == [(0, 3), (4, 7), (12, 15)]  # the dot is not a wildcard
    assert find_matches(text, "") == []
    assert find_matches("aaaa", "a", limit=3) == [(0, 1), (1, 2), (2, 3)]


def make_bar(qtbot, text: str) -> FindBar:  # type: ignore[no-untyped-def]
    bar = FindBar()
    qtbot.addWidget(bar)
    bar.set_text(text)
    with qtbot.waitActive(bar):  # shortcuts (Shift+Enter, Esc) reach the active window only
        bar.open()
        bar.activateWindow()
    assert bar.edit.hasFocus()
    return bar


def test_typing_searches_once_after_a_pause_and_counts(qtbot) -> None:  # type: ignore[no-untyped-def]
    bar = make_bar(qtbot, "Organization, organisation, ORGANIZED")
    runs: list[int] = []
    bar.matches_changed.connect(lambda: runs.append(len(bar.matches)))
    with qtbot.waitSignal(bar.matches_changed, timeout=2000):
        qtbot.keyClicks(bar.edit, "organi")
    qtbot.wait(50)
    assert runs == [3]  # one search for six keystrokes
    assert bar.active
    bar.show_position(1)
    assert bar.label.text() == "2 of 3"
    bar.show_position(None)
    assert bar.label.text() == "1 of 3"
    bar.edit.setText("nowhere")
    bar.run()
    bar.show_position(None)
    assert bar.label.text() == "not found"


def test_a_capped_count_says_there_are_more(qtbot) -> None:  # type: ignore[no-untyped-def]
    bar = make_bar(qtbot, "x" * (MAX_FIND_MATCHES + 5))
    bar.edit.setText("x")
    bar.run()
    assert len(bar.matches) == MAX_FIND_MATCHES
    bar.show_position(0)
    assert bar.label.text() == f"1 of {MAX_FIND_MATCHES:,}+"


def test_keys_step_and_escape_closes(qtbot) -> None:  # type: ignore[no-untyped-def]
    bar = make_bar(qtbot, "one two one")
    bar.edit.setText("one")
    bar.run()
    with qtbot.waitSignal(bar.next_requested, timeout=1000):
        qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    with qtbot.waitSignal(bar.previous_requested, timeout=1000):
        qtbot.keyClick(bar.edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    with qtbot.waitSignal(bar.closed, timeout=1000):
        qtbot.keyClick(bar.edit, Qt.Key.Key_Escape)
    assert not bar.isVisible() and len(bar.matches) == 0 and not bar.active
