"""Anchoring passages so that they survive a change of the document's text.

An anchor is the W3C Web Annotation pair of selectors in one record: a TextPositionSelector
(``start``/``end``, character offsets of the clean text) and a TextQuoteSelector (``quote`` with
``prefix``/``suffix``, up to :data:`CONTEXT` characters each side). :func:`reanchor` finds the
passage again in a new text, in this order:

1. the old position still holds the quote: kept;
2. the quote occurs elsewhere: the occurrence whose prefix/suffix agree best with the stored
   context wins, ties going to the one nearest the old position: moved;
3. a fuzzy match of the quote (rapidfuzz, score >= :data:`FUZZY_THRESHOLD`) near the old position,
   then anywhere: re-attached and the quote updated: fuzzy;
4. otherwise: orphaned. The anchor is kept as it was (never deleted) and can be re-attached by hand.

Pure functions: no database, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from rapidfuzz import fuzz

from ctviewer.domain.annotations import AnchorMethod
from ctviewer.errors import KnownError

CONTEXT = 32
FUZZY_THRESHOLD = 85.0
MIN_FUZZY_QUOTE = 8  # shorter quotes are only found exactly: fuzzy matches of 3 letters mean nothing
FUZZY_WINDOW = 5_000  # characters each side of the old position searched first
MAX_FUZZY_TEXT = 2_000_000  # beyond this, only the window is searched fuzzily (bounded time)
MAX_OCCURRENCES = 10_000


class AnchorError(KnownError):
    """A passage that cannot be anchored as asked (quote not found, ambiguous, bad range)."""


@dataclass(frozen=True)
class Anchor:
    start: int
    end: int
    quote: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Reanchored:
    anchor: Anchor
    method: AnchorMethod

    @property
    def orphaned(self) -> bool:
        return self.method == "orphaned"


def anchor_at(text: str, start: int, end: int) -> Anchor:
    """The anchor of ``text[start:end]`` with its context; raises :class:`AnchorError` on a bad range."""
    if not (0 <= start < end <= len(text)):
        raise AnchorError(f"The range {start}-{end} is not inside the document (0-{len(text)}).")
    if not text[start:end].strip():
        raise AnchorError("The passage is empty (only white space).")
    return Anchor(start, end, text[start:end], text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT])


def occurrences(text: str, quote: str) -> list[int]:
    """Start offsets of every occurrence of ``quote`` in ``text`` (overlapping ones included)."""
    out: list[int] = []
    if not quote:
        return out
    at = text.find(quote)
    while at != -1 and len(out) < MAX_OCCURRENCES:
        out.append(at)
        at = text.find(quote, at + 1)
    return out


def anchor_quote(text: str, quote: str, occurrence: int | None = None) -> Anchor:
    """Anchor the ``occurrence``-th (1-based) occurrence of ``quote``; without ``occurrence`` the quote
    must occur exactly once."""
    if not quote.strip():
        raise AnchorError("The quote is empty.")
    found = occurrences(text, quote)
    if not found:
        raise AnchorError(f"The quote {_short(quote)} is not in the document.")
    if occurrence is None:
        if len(found) > 1:
            raise AnchorError(
                f"The quote {_short(quote)} occurs {len(found)} times in the document; "
                "say which one with --occurrence N."
            )
        occurrence = 1
    if not 1 <= occurrence <= len(found):
        raise AnchorError(f"The quote {_short(quote)} occurs {len(found)} times; there is no occurrence {occurrence}.")
    start = found[occurrence - 1]
    return anchor_at(text, start, start + len(quote))


def _short(quote: str) -> str:
    flat = " ".join(quote.split())
    return repr(flat if len(flat) <= 60 else flat[:57] + "...")


def _context_score(text: str, start: int, end: int, anchor: Anchor) -> float:
    """How well the text around ``[start, end)`` agrees with the stored prefix and suffix (0-200)."""
    score = 0.0
    if anchor.prefix:
        before = text[max(0, start - len(anchor.prefix)) : start]
        score += 100.0 if before == anchor.prefix else fuzz.ratio(before, anchor.prefix)
    if anchor.suffix:
        after = text[end : end + len(anchor.suffix)]
        score += 100.0 if after == anchor.suffix else fuzz.ratio(after, anchor.suffix)
    return score


def _expected_position(anchor: Anchor, old_text: str | None, new_text: str) -> float:
    """Where the passage would be if the text only grew or shrank evenly around it."""
    if old_text:
        return anchor.start * len(new_text) / max(1, len(old_text))
    return float(anchor.start)


def _with_context(text: str, start: int, end: int) -> Anchor:
    return Anchor(start, end, text[start:end], text[max(0, start - CONTEXT) : start], text[end : end + CONTEXT])


def _fuzzy(text: str, anchor: Anchor, near: float) -> Anchor | None:
    quote = anchor.quote
    if len(quote.strip()) < MIN_FUZZY_QUOTE or not text:
        return None
    centre = int(near)
    lo = max(0, centre - FUZZY_WINDOW - len(quote))
    hi = min(len(text), centre + FUZZY_WINDOW + 2 * len(quote))
    windows = [(lo, hi)]
    if (lo, hi) != (0, len(text)) and len(text) <= MAX_FUZZY_TEXT:
        windows.append((0, len(text)))
    for a, b in windows:
        found = fuzz.partial_ratio_alignment(quote, text[a:b], score_cutoff=FUZZY_THRESHOLD)
        if found is None:
            continue
        start, end = a + found.dest_start, a + found.dest_end
        # The alignment has the quote's length; trim white space it caught at either edge.
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            return _with_context(text, start, end)
    return None


def reanchor(new_text: str, anchor: Anchor, old_text: str | None = None) -> Reanchored:
    """Find ``anchor``'s passage in ``new_text`` (``old_text``: the text it was made on, if known)."""
    if 0 <= anchor.start < anchor.end <= len(new_text) and new_text[anchor.start : anchor.end] == anchor.quote:
        return Reanchored(_with_context(new_text, anchor.start, anchor.end), "kept")
    near = _expected_position(anchor, old_text, new_text)
    found = occurrences(new_text, anchor.quote)
    if found:
        best = max(found, key=lambda s: (_context_score(new_text, s, s + len(anchor.quote), anchor), -abs(s - near)))
        return Reanchored(_with_context(new_text, best, best + len(anchor.quote)), "moved")
    fuzzy = _fuzzy(new_text, anchor, near)
    if fuzzy is not None:
        return Reanchored(fuzzy, "fuzzy")
    return Reanchored(replace(anchor), "orphaned")
