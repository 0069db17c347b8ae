"""The reader's text view: a read-only QPlainTextEdit that reports which character the user
points at, clicks or presses Enter on, and draws page breaks over the text.

Plain text by construction: QPlainTextEdit never interprets markup, and its document refuses
to load any resource (there should never be one to load; the override makes sure). Page
breaks are painted, not inserted, so the text's character offsets stay those of the core.
A narrow margin on the left shows a bar in its colour beside every annotated passage (the tint
on the text alone is easy to mistake for an entity's).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QUrl, Signal
from PySide6.QtGui import (
    QColor,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextDocument,
)
from PySide6.QtWidgets import QPlainTextDocumentLayout, QPlainTextEdit, QToolTip, QWidget

from ctviewer.domain.documents import PageSpan


class PlainDocument(QTextDocument):
    """A text document that loads nothing: no images, no style sheets, from nowhere."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.setDocumentLayout(QPlainTextDocumentLayout(self))
        self.resource_requests: list[str] = []  # what something tried to load (tests)

    def loadResource(self, type: int, name: QUrl | str) -> object:
        self.resource_requests.append(name.toString() if isinstance(name, QUrl) else name)
        return None


MARGIN_WIDTH = 7  # pixels left of the text for the annotation bars
BAR_WIDTH = 4


class AnnotationMargin(QWidget):
    """The strip left of the text where annotated passages get a bar in their colour."""

    def __init__(self, editor: ReaderTextEdit) -> None:
        super().__init__(editor)
        self._editor = editor

    def paintEvent(self, event: QPaintEvent) -> None:
        marks = self._editor.margin_marks
        if not marks:
            return
        first, last = self._editor.visible_range()
        painter = QPainter(self)
        offset = self._editor.viewport().y() - self.y()  # viewport and margin share the same top
        for start, end, colour in marks:
            if end < first or start > last:
                continue
            top = self._editor.rect_at(max(start, first)).top() if start >= first else 0
            bottom = self._editor.rect_at(min(end, last)).bottom() if end <= last else self.height()
            painter.fillRect(QRect(1, top + offset, BAR_WIDTH, max(2, bottom - top)), colour)
        painter.end()


class ReaderTextEdit(QPlainTextEdit):
    """``position_activated(qt_position)`` on a click (without a drag) or Enter; ``tooltip_for``
    maps a Qt position to tooltip text (or None) while hovering."""

    position_activated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setDocument(PlainDocument(self))
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setUndoRedoEnabled(False)
        self.setCenterOnScroll(False)
        self.tooltip_for: Callable[[int], str | None] = lambda _position: None
        self._page_breaks: list[tuple[int, int]] = []  # (Qt position, page number), page 2 onwards
        self._press: QPoint | None = None
        self.margin_marks: list[tuple[int, int, QColor]] = []  # (Qt start, Qt end, colour)
        self.margin = AnnotationMargin(self)
        self.setViewportMargins(MARGIN_WIDTH, 0, 0, 0)
        self.updateRequest.connect(lambda _rect, _dy: self.margin.update())

    def set_margin_marks(self, marks: list[tuple[int, int, QColor]]) -> None:
        """Bars beside these Qt position ranges (the annotated passages)."""
        self.margin_marks = sorted(marks, key=lambda m: m[0])
        self.margin.update()

    def rect_at(self, position: int) -> QRect:
        cursor = self.textCursor()
        cursor.setPosition(max(0, min(position, self.document().characterCount() - 1)))
        return self.cursorRect(cursor)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        rect = self.contentsRect()
        self.margin.setGeometry(QRect(rect.left(), rect.top(), MARGIN_WIDTH, rect.height()))

    def set_page_breaks(self, spans: Sequence[PageSpan], to_qt: Callable[[int], int]) -> None:
        self._page_breaks = [(to_qt(s.start), s.page) for s in sorted(spans, key=lambda s: s.start) if s.start > 0]
        self.viewport().update()

    def visible_range(self) -> tuple[int, int]:
        """Qt positions of the first and last characters on screen."""
        first = self.cursorForPosition(QPoint(0, 0)).position()
        corner = QPoint(self.viewport().width() - 1, self.viewport().height() - 1)
        return first, self.cursorForPosition(corner).position() + 1

    def position_at(self, point: QPoint) -> int | None:
        """The Qt position of the character under ``point`` (viewport coordinates), if any."""
        cursor = self.cursorForPosition(point)
        position = cursor.position()
        rect = self.cursorRect(cursor)
        if not rect.top() <= point.y() <= rect.bottom() + 1:
            return None  # below the last line
        if point.x() < rect.left() and position > 0:
            position -= 1  # the click fell on the right half of the previous character
        # Past the end of a line there is no character.
        left_cursor = self.textCursor()
        left_cursor.setPosition(position)
        right_cursor = self.textCursor()
        right_cursor.setPosition(min(position + 1, self.document().characterCount() - 1))
        left, right = self.cursorRect(left_cursor), self.cursorRect(right_cursor)
        if right.top() == left.top() and not left.left() <= point.x() <= right.left():
            return None
        if right.top() != left.top() and point.x() > left.left() + 2 * self.fontMetrics().averageCharWidth():
            return None
        return position

    # -- events ------------------------------------------------------------------------------
    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            position = self.position_at(event.pos())
            text = self.tooltip_for(position) if position is not None else None
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint() if event.button() == Qt.MouseButton.LeftButton else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        point = event.position().toPoint()
        if (
            event.button() == Qt.MouseButton.LeftButton
            and self._press is not None
            and (point - self._press).manhattanLength() < 4
            and not self.textCursor().hasSelection()
        ):
            position = self.position_at(point)
            if position is not None:
                self.position_activated.emit(position)
        self._press = None

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not event.modifiers():
            self.position_activated.emit(self.textCursor().position())
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._page_breaks:
            return
        first, last = self.visible_range()
        positions = [p for p, _ in self._page_breaks]
        painter = QPainter(self.viewport())
        pen = QPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        pen.setStyle(Qt.PenStyle.DashLine)
        font = painter.font()
        font.setPointSizeF(max(6.0, font.pointSizeF() * 0.8))
        painter.setFont(font)
        width = self.viewport().width()
        for i in range(bisect_left(positions, first), bisect_left(positions, last + 1)):
            position, page = self._page_breaks[i]
            cursor = self.textCursor()
            cursor.setPosition(position)
            top = self.cursorRect(cursor).top()
            painter.setPen(pen)
            painter.drawLine(0, top, width, top)
            label = f"page {page}"
            box = QRect(0, top, width - 4, painter.fontMetrics().height())
            painter.drawText(box, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop), label)
        painter.end()
