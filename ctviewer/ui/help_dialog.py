"""Help > Keyboard shortcuts / Query syntax / About: fixed texts of our own (rich text is safe
here because nothing in them comes from documents)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from ctviewer import __version__
from ctviewer.ui import query_syntax

SHORTCUTS: tuple[tuple[str, str], ...] = (
    ("Ctrl+K", "Search: focus the search field"),
    ("Ctrl+1 … Ctrl+5", "Documents, People, Organisations, Places, Annotations"),
    ("Ctrl+F", "Find in the open document"),
    ("F3 / Shift+F3", "Next / previous search hit in the document"),
    ("Enter, double-click", "Open the selected document or entity"),
    ("Arrow keys, Tab", "Move in lists; move between fields and panes"),
    (
        "Ctrl+M",
        "Reader: annotate the selected passage (colour, note, tags, links); "
        "People/Organisations/Places: merge the selected entries",
    ),
    ("Ctrl+Shift+M", "Reader: highlight the selected passage at once (default colour, no note)"),
    ("Ctrl+Enter", "Annotation editor: save"),
    ("F2", "Annotations pane: edit the selected annotation (Enter, double-click in the reader's list)"),
    ("Del", "Annotations pane or the reader's list: delete the selected annotations"),
    ("Ctrl+Z / Ctrl+Shift+Z", "Undo / redo annotating, editing and deleting annotations"),
    ("Ctrl+O", "Open another archive"),
    ("Ctrl+I", "Import files"),
    ("Ctrl+Q", "Quit"),
)


def _table(body: str, left: str, right: str) -> str:
    return (
        f"<table cellspacing='0' cellpadding='4'><tr><th align='left'>{left}</th>"
        f"<th align='left'>{right}</th></tr>{body}</table>"
    )


def shortcuts_html() -> str:
    body = "".join(f"<tr><td><code>{keys}</code></td><td>{action}</td></tr>" for keys, action in SHORTCUTS)
    return "<h3>Keyboard shortcuts</h3>" + _table(body, "Keys", "Action")


def query_syntax_html() -> str:
    return "<h3>Query syntax</h3>" + _table(query_syntax.rows_html(), "You type", "Finds") + query_syntax.note_html()


def about_html() -> str:
    return (
        f"<h3>ctviewer {__version__}</h3><p>An offline archive viewer for counter-terrorism documents: "
        "search, people, organisations and places, all on this computer. Nothing is sent anywhere.</p>"
    )


class HelpDialog(QDialog):
    def __init__(self, title: str, html_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(620, 440)
        layout = QVBoxLayout(self)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setOpenExternalLinks(False)
        self.browser.setHtml(html_text)
        layout.addWidget(self.browser)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
