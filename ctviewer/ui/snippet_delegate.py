"""Draws one search result: the title, a date/type/relevance line with a relevance bar, and
the snippet with the matched words in bold (light placeholder lines while the snippet has not
arrived: the pane fetches snippets only for rows that come on screen).

Everything shown comes from documents, so it is untrusted. The rich text is built here from
escaped pieces: the core's snippet (escaped text with ``<mark>`` around matches) is split on
its marks, each piece unescaped and escaped again, so whatever the core did, nothing of a
document is ever read as markup. The text document that renders it loads no resources.
"""

from __future__ import annotations

import html
import re
from collections import OrderedDict
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QPersistentModelIndex, QRectF, QSize, Qt, QUrl
from PySide6.QtGui import QAbstractTextDocumentLayout, QColor, QPainter, QPalette, QTextDocument
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
    """The plain second line: date, file type and relevance (a share of the best match; the raw
    score is in the row's tooltip)."""
    parts = [row.date or "undated"]
    if row.file_type:
        parts.append(row.file_type.upper())
    parts.append(f"relevance {row.relevance:.0%}")
    return " · ".join(parts)


def result_html(row: ResultRow, secondary_colour: str) -> str:
    """The rich text of one result; ``secondary_colour`` (a palette colour's name) dims the meta
    line. A row whose snippet has not arrived has no snippet paragraph (the delegate draws
    placeholder lines there)."""
    title = html.escape(row.title or "(untitled)", quote=False)
    meta = html.escape(meta_text(row), quote=False)
    colour = html.escape(secondary_colour, quote=True)
    head = f'<div style="font-weight:600">{title}</div><div style="color:{colour}">{meta}</div>'
    if row.snippet is None:
        return head
    return head + f'<div style="margin-top:2px">{snippet_html(row.snippet)}</div>'


class _InertTextDocument(QTextDocument):
    """A text document that never loads an image, style sheet or anything else by name."""

    def loadResource(self, type: int, name: QUrl | str) -> Any:
        return None


class SnippetDelegate(QStyledItemDelegate):
    """Paints rows of a :class:`SearchResultListModel`; heights follow the wrapped snippet.

    Laid-out documents are cached (a list view asks every row's size hint on each layout, and
    paints rows many times while scrolling); the key holds everything the layout depends on.
    """

    CACHE_SIZE = 400
    PLACEHOLDER_LINES = 3  # about what a snippet takes (two fragments), so rows barely move
    BAR_WIDTH = 36

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cache: OrderedDict[tuple[object, ...], QTextDocument] = OrderedDict()

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
        group = (
            QPalette.ColorGroup.Active if opt.state & QStyle.StateFlag.State_Active else QPalette.ColorGroup.Inactive
        )
        text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        secondary_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.PlaceholderText
        rect = opt.rect
        secondary = palette.color(group, secondary_role)
        doc = self._document(row, opt, rect.width(), secondary.name())
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, palette.color(group, text_role))
        painter.save()
        painter.translate(rect.left() + MARGIN_X, rect.top() + MARGIN_Y)
        width = rect.width() - 2 * MARGIN_X
        painter.setClipRect(0, 0, width, rect.height() - 2 * MARGIN_Y)
        doc.documentLayout().draw(painter, context)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._draw_relevance_bar(
            painter,
            doc,
            row.relevance,
            palette.color(group, QPalette.ColorRole.Highlight) if not selected else palette.color(group, text_role),
            secondary,
        )
        if row.snippet is None:
            self._draw_placeholder(painter, doc, width, secondary, opt.fontMetrics.height())
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        row = index.data(SearchResultListModel.RowRole)
        if not isinstance(row, ResultRow):
            return super().sizeHint(option, index)
        width = self._available_width(option)
        doc = self._document(row, option, width, "#808080")
        height = int(doc.size().height())
        if row.snippet is None:  # room for the placeholder lines, about what a snippet takes
            height += self._placeholder_height(option.fontMetrics.height())
        return QSize(width, height + 2 * MARGIN_Y + 1)

    def _placeholder_height(self, line: int) -> int:
        return 2 + self.PLACEHOLDER_LINES * line

    def _draw_placeholder(self, painter: QPainter, doc: QTextDocument, width: int, colour: QColor, line: int) -> None:
        """Light bars where the snippet will be (it is being fetched)."""
        fill = QColor(colour)
        fill.setAlphaF(0.18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(fill)
        top = doc.size().height() + 2
        for n in range(self.PLACEHOLDER_LINES):
            share = 1.0 if n + 1 < self.PLACEHOLDER_LINES else 0.6
            painter.drawRoundedRect(QRectF(0, top + n * line + line * 0.25, width * share, line * 0.5), 3, 3)

    def _draw_relevance_bar(
        self, painter: QPainter, doc: QTextDocument, relevance: float, fill: QColor, track: QColor
    ) -> None:
        """A small bar after the meta line's text: the row's relevance at a glance."""
        block = doc.findBlockByNumber(1)
        layout = block.layout()
        if not block.isValid() or layout is None or layout.lineCount() == 0:
            return
        line = layout.lineAt(0)
        box = doc.documentLayout().blockBoundingRect(block)
        x = box.left() + line.naturalTextWidth() + 8
        height = max(4.0, line.height() * 0.3)
        y = box.top() + line.y() + (line.height() - height) / 2
        empty = QColor(track)
        empty.setAlphaF(0.25)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(empty)
        painter.drawRoundedRect(QRectF(x, y, self.BAR_WIDTH, height), 2, 2)
        painter.setBrush(fill)
        painter.drawRoundedRect(QRectF(x, y, max(height, self.BAR_WIDTH * relevance), height), 2, 2)

    def _available_width(self, option: QStyleOptionViewItem) -> int:
        view = self.parent()
        if isinstance(view, QAbstractItemView):
            return max(200, view.viewport().width())
        return max(200, option.rect.width())

    def _document(self, row: ResultRow, option: QStyleOptionViewItem, width: int, secondary: str) -> QTextDocument:
        key = (row, option.font.key(), width, secondary)
        doc = self._cache.get(key)
        if doc is not None:
            self._cache.move_to_end(key)
            return doc
        doc = _InertTextDocument()
        doc.setDocumentMargin(0)
        doc.setDefaultFont(option.font)
        doc.setHtml(result_html(row, secondary))
        doc.setTextWidth(max(50, width - 2 * MARGIN_X))
        self._cache[key] = doc
        if len(self._cache) > self.CACHE_SIZE:
            self._cache.popitem(last=False)
        return doc
