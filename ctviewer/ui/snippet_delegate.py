"""Draws one search result: the title, a date/type/score line, and the snippet with the
matched words in bold.

Everything shown comes from documents, so it is untrusted. The rich text is built here from
escaped pieces: the core's snippet (escaped text with ``<mark>`` around matches) is split on
its marks, each piece unescaped and escaped again, so whatever the core did, nothing of a
document is ever read as markup. The text document that renders it loads no resources.
"""

from __future__ import annotations

import html
import re
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, QUrl
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QAbstractItemView, QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from ctviewer.ui.search_model import ResultRow, SearchResultListModel

Index = QModelIndex | QPersistentModelIndex

MARGIN_X = 8
MARGIN_Y = 6
_MARK = re.compile(r"(</?mark>)")


def snippet_html(snippet: str) -> str:
    """The core's snippet as rich text: matches in bold, every other character escaped."""
    out: list[str] = []
    bold = False
    for piece in _MARK.split(snippet):
        if piece == "<mark>":
            bold = True
        elif piece == "</mark>":
            bold = False
        elif piece:
            text = html.escape(html.unescape(piece), quote=False)
            out.append(f"<b>{text}</b>" if bold else text)
    return "".join(out)


def meta_text(row: ResultRow) -> str:
    """The plain second line: date, file type and score."""
    parts = [row.date or "undated"]
    if row.file_type:
        parts.append(row.file_type.upper())
    parts.append(f"score {row.score:.1f}")
    return " · ".join(parts)


def result_html(row: ResultRow, secondary_colour: str) -> str:
    """The rich text of one result; ``secondary_colour`` (a palette colour's name) dims the meta line."""
    title = html.escape(row.title or "(untitled)", quote=False)
    meta = html.escape(meta_text(row), quote=False)
    colour = html.escape(secondary_colour, quote=True)
    snippet = snippet_html(row.snippet)
    return (f'<div style="font-weight:600">{title}</div>'
            f'<div style="color:{colour}">{meta}</div>'
            f'<div style="margin-top:2px">{snippet}</div>')


class _InertTextDocument(QTextDocument):
    """A text document that never loads an image, style sheet or anything else by name."""

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        return None


class SnippetDelegate(QStyledItemDelegate):
    """Paints rows of a :class:`SearchResultListModel`; heights follow the wrapped snippet."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        row = index.data(SearchResultListModel.RowRole)
        if not isinstance(row, ResultRow):
            super().paint(painter, option, index)
            return
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""  # the style draws background, selection and focus; the document the text
        widget = opt.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, widget)

        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        palette: QPalette = opt.palette
        group = (QPalette.ColorGroup.Active if opt.state & QStyle.StateFlag.State_Active
                 else QPalette.ColorGroup.Inactive)
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        secondary_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        rect = opt.rect
        doc = self._document(row, opt, rect.width(), palette.color(group, secondary_role).name())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, palette.color(group, text_role))
        painter.save()
        painter.translate(rect.left() + MARGIN_X, rect.top() + MARGIN_Y)
        painter.setClipRect(0, 0, rect.width() - 2 * MARGIN_X, rect.height() - 2 * MARGIN_Y)
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        row = index.data(SearchResultListModel.RowRole)
        if not isinstance(row, ResultRow):
            return super().sizeHint(option, index)
        width = self._available_width(option)
        doc = self._document(row, option, width, "#808080")
        return QSize(width, int(doc.size().height()) + 2 * MARGIN_Y + 1)

    def _available_width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        if isinstance(view, QAbstractItemView):
            return max(200, view.viewport().width())
        return max(200, option.rect.width())

    def _document(self, row: ResultRow, option: QStyleOptionViewItem, width: int, secondary: str) -> QTextDocument:
        doc = _InertTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        doc.setHtml(result_html(row, secondary))
        doc.setTextWidth(max(50, width - 2 * MARGIN_X))
        return doc
