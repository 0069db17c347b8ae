"""What the reader paints over a document's text, kept apart from the widgets.

- Offsets: the core counts characters (Python ``str`` indexes), Qt counts UTF-16 units, so a
  character outside the Basic Multilingual Plane (an emoji, a rare CJK ideograph) shifts every
  Qt position after it by one. :class:`OffsetMap` converts both ways.
- Spans: entity mentions, search hits and find matches as sorted ``(start, end)`` lists, looked
  up by bisection, so a 10 MB document with 50,000 mentions costs nothing until it is shown.
- Formats: one translucent background per kind plus an underline style per entity type (colour
  is not the only cue). Translucent tints over the palette's Base colour keep the palette's text
  colour readable on light and dark themes alike.
"""

from __future__ import annotations

import html
import operator
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor, QTextDocument
from PySide6.QtWidgets import QTextEdit

from ctviewer.domain.annotations import AnnotationRecord
from ctviewer.domain.entities import DocumentMention

ENTITY_KINDS: tuple[str, ...] = ("person", "organisation", "place")
KIND_LABELS = {"person": "People", "organisation": "Organisations", "place": "Places"}
# Hue per kind; alpha lets the palette's Base show through (light or dark).
KIND_COLOURS: dict[str, QColor] = {
    "person": QColor(66, 133, 244, 80),  # blue
    "organisation": QColor(240, 140, 30, 95),  # orange
    "place": QColor(40, 170, 80, 85),  # green
    # Yellow, opaque: search hits and find matches cover an entity's tint (which would mix with
    # a translucent yellow into a muddy colour) and keep its underline.
    "hit": QColor(255, 214, 0),
}
# Annotation colours (the palette's fixed names): saturated hues, half transparent, so the text
# stays readable on light and dark themes; painted over the entity tint, whose underline shows.
ANNOTATION_COLOURS: dict[str, QColor] = {
    "yellow": QColor(250, 220, 40, 130),
    "green": QColor(60, 190, 90, 120),
    "blue": QColor(70, 140, 250, 120),
    "red": QColor(235, 70, 70, 115),
    "purple": QColor(170, 90, 220, 120),
}
_HIT_TEXT = QColor(0, 0, 0)  # dark text on the yellow, on light and dark themes alike
_UNDERLINES = {
    "person": QTextCharFormat.UnderlineStyle.SingleUnderline,
    "organisation": QTextCharFormat.UnderlineStyle.DashUnderline,
    "place": QTextCharFormat.UnderlineStyle.DotLine,
}
# Above this many characters a line is broken at spaces for display (same length, same
# offsets): Qt lays out a paragraph as a whole, and a 10 MB one-line text took seconds.
LONG_LINE = 10_000
LINE_CHUNK = 2_000
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def plain_tooltip(text: str) -> str:
    """Tooltip markup showing ``text`` literally (tooltips guess at rich text otherwise)."""
    return f"<p style='white-space:pre'>{html.escape(text)}</p>"


def char_format(kind: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(KIND_COLOURS[kind])
    if kind == "hit":
        fmt.setForeground(_HIT_TEXT)
    if kind in _UNDERLINES:
        fmt.setUnderlineStyle(_UNDERLINES[kind])
        fmt.setUnderlineColor(QColor(KIND_COLOURS[kind].rgb()))  # the same hue, opaque
    return fmt


def annotation_format(color: str) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setBackground(ANNOTATION_COLOURS.get(color, ANNOTATION_COLOURS["yellow"]))
    return fmt


def annotation_bar_colour(color: str) -> QColor:
    """The annotation's hue, opaque (the bar beside the text)."""
    return QColor(ANNOTATION_COLOURS.get(color, ANNOTATION_COLOURS["yellow"]).rgb())


def breakable(text: str) -> str:
    """``text`` with very long lines broken at spaces: one space becomes one newline, so every
    offset is unchanged. A line without spaces stays as it is."""
    if len(text) <= LONG_LINE:
        return text
    lines = text.split("\n")  # C speed; a regex hunting long lines rescans every line (1 s on 10 MB)
    if max(map(len, lines)) <= LONG_LINE:
        return text
    return "\n".join(_break_line(line) if len(line) > LONG_LINE else line for line in lines)


def _break_line(line: str) -> str:
    parts: list[str] = []
    pos = 0
    while len(line) - pos > LINE_CHUNK:
        cut = line.find(" ", pos + LINE_CHUNK)
        if cut == -1:
            break
        parts += [line[pos:cut], "\n"]
        pos = cut + 1
    parts.append(line[pos:])
    return "".join(parts)


class OffsetMap:
    """Character offsets (core) <-> UTF-16 positions (Qt) for one text."""

    def __init__(self, text: str) -> None:
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_qt = [pos + k for k, pos in enumerate(self._astral)]

    def to_qt(self, offset: int) -> int:
        return offset + bisect_left(self._astral, offset) if self._astral else offset

    def from_qt(self, position: int) -> int:
        return position - bisect_right(self._astral_qt, position - 2) if self._astral else position


class SpanList:
    """Sorted, possibly overlapping ``[start, end)`` spans, each with a payload."""

    def __init__(self, spans: Iterable[tuple[int, int, object]] = ()) -> None:
        items = sorted(spans, key=lambda s: (s[0], s[1]))
        self._set([s for s, _, _ in items], [e for _, e, _ in items], [p for _, _, p in items])

    @classmethod
    def from_lists(cls, starts: list[int], ends: list[int], payloads: list[object]) -> SpanList:
        """Spans given as parallel lists, already in start order (no per-span Python work)."""
        spans = cls()
        spans._set(starts, ends, payloads)
        return spans

    def _set(self, starts: list[int], ends: list[int], payloads: list[object]) -> None:
        self.starts, self.ends, self.payloads = starts, ends, payloads
        # The longest span bounds how far back a span covering an offset can start.
        self._longest = max(map(operator.sub, ends, starts), default=0)

    def __len__(self) -> int:
        return len(self.starts)

    def span(self, i: int) -> tuple[int, int]:
        return self.starts[i], self.ends[i]

    def at(self, offset: int) -> int | None:
        """Index of the innermost (latest-starting) span containing ``offset``."""
        i = bisect_right(self.starts, offset) - 1
        floor = offset - self._longest
        while i >= 0 and self.starts[i] >= floor:
            if self.starts[i] <= offset < self.ends[i]:
                return i
            i -= 1
        return None

    def within(self, start: int, end: int) -> range:
        """Indexes of spans starting in ``[start - longest, end)``: all that can touch the window."""
        return range(bisect_left(self.starts, start - self._longest), bisect_left(self.starts, end))

    def next_after(self, offset: int) -> int | None:
        """The first span starting after ``offset`` (wrapping round), None if empty."""
        if not self.starts:
            return None
        i = bisect_right(self.starts, offset)
        return i if i < len(self.starts) else 0

    def previous_before(self, offset: int) -> int | None:
        """The last span starting before ``offset`` (wrapping round), None if empty."""
        if not self.starts:
            return None
        i = bisect_left(self.starts, offset) - 1
        return i if i >= 0 else len(self.starts) - 1


def mention_spans(mentions: Sequence[DocumentMention]) -> SpanList:
    """The core gives mentions in text order; a 10 MB document may have 300,000 of them."""
    starts = [m.start for m in mentions]
    if not all(map(operator.le, starts, starts[1:])):
        return SpanList((m.start, m.end, m) for m in mentions)
    return SpanList.from_lists(starts, [m.end for m in mentions], list(mentions))


def plain_spans(spans: Iterable[tuple[int, int]]) -> SpanList:
    return SpanList((s, e, None) for s, e in spans)


def build_selections(
    document: QTextDocument,
    offsets: OffsetMap,
    window: tuple[int, int],
    mentions: SpanList,
    kinds: Iterable[str],
    marks: Sequence[SpanList],
    *,
    annotations: SpanList | None = None,
    limit: int = 5_000,
) -> list[QTextEdit.ExtraSelection]:
    """ExtraSelections for the spans touching ``window`` (character offsets): mentions of the
    enabled ``kinds`` first, the analyst's annotations over them (payloads: AnnotationRecords),
    then ``marks`` (hits, find matches) over both."""
    enabled = set(kinds)
    formats = {kind: char_format(kind) for kind in (*ENTITY_KINDS, "hit")}
    formats.update({f"annotation:{name}": annotation_format(name) for name in ANNOTATION_COLOURS})
    out: list[QTextEdit.ExtraSelection] = []
    start, end = window

    def add(span_start: int, span_end: int, kind: str) -> None:
        if span_end <= start or span_start >= end:
            return
        selection = QTextEdit.ExtraSelection()
        cursor = QTextCursor(document)
        cursor.setPosition(offsets.to_qt(span_start))
        cursor.setPosition(offsets.to_qt(span_end), QTextCursor.MoveMode.KeepAnchor)
        selection.cursor = cursor
        selection.format = formats[kind] if kind in formats else formats["annotation:yellow"]
        out.append(selection)

    if enabled:
        for i in mentions.within(start, end):
            mention = mentions.payloads[i]
            assert isinstance(mention, DocumentMention)
            if mention.type in enabled:
                add(mention.start, mention.end, mention.type)
            if len(out) >= limit:
                break
    if annotations is not None:
        for i in annotations.within(start, end):
            record = annotations.payloads[i]
            assert isinstance(record, AnnotationRecord)
            add(*annotations.span(i), f"annotation:{record.color}")
    for spans in marks:
        for i in spans.within(start, end):
            add(*spans.span(i), "hit")
            if len(out) >= 2 * limit:
                break
    return out
