"""Prepare document text for the model while keeping offsets into the original.

Text pulled from PDFs has hard line wraps ("United Nations Office of\\nCounter-Terrorism"),
words split by a hyphen at the end of a line ("Counter-\\nTerrorism", "coun-\\ntries") and odd
spaces (no-break spaces split spaCy tokens). The model sees a cleaned copy; :class:`CleanText`
maps every clean offset back to the original so stored mentions point at the real characters.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

# Single line breaks inside a paragraph become spaces; a blank line stays a paragraph break.
_ODD_SPACE = re.compile(r"[\u00a0\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_HYPHEN_BREAK = re.compile(r"(?<=\w)-[ \t]*\r?\n[ \t]*(?=\w)")
_SINGLE_BREAK = re.compile(r"(?<=\S)[ \t]*\r?\n[ \t]*(?=\S)")
_WS_RUN = re.compile(r"\s+")


@dataclass(frozen=True)
class CleanText:
    """``text`` is the cleaned copy; ``to_original(i)`` maps a clean offset to the original one."""

    text: str
    _clean_starts: tuple[int, ...]
    _orig_starts: tuple[int, ...]

    def to_original(self, i: int) -> int:
        # Segments are copied unchanged; between them the original had something replaced.
        k = bisect.bisect_right(self._clean_starts, i) - 1
        return self._orig_starts[k] + (i - self._clean_starts[k])

    def span_to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a clean ``[start, end)`` span; the end maps via its last character so it stays tight."""
        if end <= start:
            o = self.to_original(start)
            return o, o
        return self.to_original(start), self.to_original(end - 1) + 1


def clean_text(original: str) -> CleanText:
    """Return a cleaned copy of ``original`` with an offset map (see module docstring)."""
    edits: list[tuple[int, int, str]] = []  # (orig_start, orig_end, replacement)
    for m in _HYPHEN_BREAK.finditer(original):
        # Keep the hyphen when the next part is capitalised (Counter-\nTerrorism), drop it otherwise
        # (coun-\ntries): a lower-case continuation is almost always a word split by the PDF.
        nxt = original[m.end()] if m.end() < len(original) else ""
        edits.append((m.start(), m.end(), "-" if nxt.isupper() or nxt.isdigit() else ""))
    taken = [(s, e) for s, e, _ in edits]
    for m in _SINGLE_BREAK.finditer(original):
        if not any(s < m.end() and m.start() < e for s, e in taken):
            edits.append((m.start(), m.end(), " "))
    for m in _ODD_SPACE.finditer(original):
        if not any(s <= m.start() < e for s, e, _ in edits):
            edits.append((m.start(), m.end(), " "))
    edits.sort()
    parts: list[str] = []
    clean_starts = [0]
    orig_starts = [0]
    pos = 0
    clean_len = 0
    for s, e, rep in edits:
        parts.append(original[pos:s])
        clean_len += s - pos
        parts.append(rep)
        clean_len += len(rep)
        pos = e
        # After the replacement, clean and original advance together again. Offsets that land
        # inside a replacement map to its end, which is what span ends need.
        clean_starts.append(clean_len)
        orig_starts.append(e)
        if rep:
            # The replacement characters themselves map to the start of what they replaced.
            clean_starts.insert(len(clean_starts) - 1, clean_len - len(rep))
            orig_starts.insert(len(orig_starts) - 1, s)
    parts.append(original[pos:])
    return CleanText("".join(parts), tuple(clean_starts), tuple(orig_starts))


def normalise_surface(text: str) -> str:
    """A mention's display text: line-break damage repaired and whitespace collapsed."""
    text = _HYPHEN_BREAK.sub(lambda m: "-" if text[m.end() : m.end() + 1].isupper() else "", text)
    text = _WS_RUN.sub(" ", text).strip()
    return text
