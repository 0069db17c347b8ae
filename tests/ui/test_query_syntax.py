"""One query-syntax table: the rows equal the README's "Query syntax" table, and both places that
show it (the search pane's "?" popup and Help > Query syntax) show every row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from ctviewer.ui.context import UiContext
from ctviewer.ui.help_dialog import HelpDialog, query_syntax_html
from ctviewer.ui.query_syntax import NO_MATCH_NOTE, ROWS
from ctviewer.ui.search_pane import SearchPane

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_rows() -> list[tuple[tuple[str, ...], str]]:
    """(examples, finds) of each row of the README's "Query syntax" table."""
    section = README.read_text(encoding="utf-8").split("### Query syntax", 1)[1].split("\n#", 1)[0]
    rows = []
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        typed, finds = (cell.strip() for cell in line.strip().strip("|").split("|"))
        rows.append((tuple(re.findall(r"`([^`]+)`", typed)), finds.replace("`", "")))
    return rows


def plain(text: str) -> str:
    """Curly quotes as the README writes them (straight)."""
    return text.replace("\u201c", '"').replace("\u201d", '"')


def test_the_rows_are_the_readme_table() -> None:
    expected = readme_rows()
    assert len(expected) == 10
    assert [(row.examples, plain(row.finds)) for row in ROWS] == expected


def assert_every_row_shown(shown: str) -> None:
    for row in ROWS:
        assert ", ".join(row.examples) in shown, row.examples
        assert row.finds in shown, row.finds
    assert NO_MATCH_NOTE in shown


def test_help_query_syntax_shows_every_row(qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = HelpDialog("Query syntax", query_syntax_html())
    qtbot.addWidget(dialog)
    assert_every_row_shown(dialog.browser.toPlainText())


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: popups can't raise or grab
def test_the_search_panes_help_shows_every_row(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = SearchPane(ui_ctx)
    qtbot.addWidget(pane)
    pane.show()
    qtbot.mouseClick(pane.help_button, Qt.MouseButton.LeftButton)
    popup = pane._help_popup
    assert popup is not None and popup.isVisible()
    rendered = QTextDocument()
    rendered.setHtml(popup.label.text())
    assert_every_row_shown(rendered.toPlainText())
    popup.close()
