"""Highlighted snippets from the database text (not from the index).

Whoosh's own highlighting reads stored text or term vectors and was measured at seconds per
page on multi-segment indexes; re-analysing a capped window of text we already hold is
predictable. The output is HTML-escaped text with matches in ``<mark>...</mark>``, so the
UI and CLI can render it without ever interpreting document markup.
"""

from __future__ import annotations

import html
import re

from whoosh import highlight
from whoosh.analysis import Analyzer

from ctviewer.search.hits import match_spans

SNIPPET_CHARS = 220
SURROUND_CHARS = 70
# Only the first part of a long document is scanned for matches: bounded time per hit.
SCAN_CHARS = 200_000
FRAGMENTS = 2
# Characters around a match that are analysed to build its fragment.
REGION_CHARS = 300


class MarkFormatter(highlight.Formatter):
    """``<mark>`` around matches, everything escaped, fragments joined by an ellipsis."""

    between = " … "

    def format_token(self, text: str, token: object, replace: bool = False) -> str:
        return "<mark>" + html.escape(highlight.get_text(text, token, replace), quote=False) + "</mark>"

    def _text(self, text: str) -> str:
        return html.escape(text, quote=False)


class Snippeter:
    def __init__(self, analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.fragmenter = highlight.ContextFragmenter(
            maxchars=SNIPPET_CHARS, surround=SURROUND_CHARS, charlimit=SCAN_CHARS
        )
        self.formatter = MarkFormatter()

    def snippet(self, text: str, terms: frozenset[str], phrases: frozenset[tuple[str, ...]] = frozenset()) -> str:
        """Fragments of ``text`` around ``terms`` and ``phrases`` (analysed forms), or the
        opening if none match. A phrase is marked as a whole where it occurs, and its words
        are not marked elsewhere (unless also in ``terms``): as the reader highlights it."""
        if phrases:
            words = terms.union(*phrases)
            return self._remark(self.snippet(text, frozenset(words)), terms, phrases)
        if not terms:
            return opening(text)
        # Stems are nearly always prefixes of the words they come from ("terror" of
        # "terrorism"), so a regular-expression scan finds the regions worth analysing and
        # only those go through the analyzer (a tenth of the cost on a long speech). Stems
        # that are not prefixes ("happi") fall back to scanning the opening of the text.
        found = [f for a, b in _regions(text, terms) if (f := self._highlight(text[a:b], terms, 1))]
        found = sorted(found, key=lambda f: -f.count("<mark>"))[:FRAGMENTS]
        if not found:
            whole = self._highlight(text[:SCAN_CHARS], terms, FRAGMENTS)
            found = [whole] if whole else []
        if not found:
            return opening(text)
        return " ".join(self.formatter.between.join(found).split())

    def _remark(self, marked: str, terms: frozenset[str], phrases: frozenset[tuple[str, ...]]) -> str:
        """The snippet's fragments (chosen for every word) marked again: phrases whole, words alone."""
        plain = html.unescape(marked.replace("<mark>", "").replace("</mark>", ""))
        out: list[str] = []
        position = 0
        for start, end in match_spans(plain, terms, phrases, self.analyzer, limit=1_000):
            out += [
                html.escape(plain[position:start], quote=False),
                "<mark>",
                html.escape(plain[start:end], quote=False),
                "</mark>",
            ]
            position = end
        out.append(html.escape(plain[position:], quote=False))
        return "".join(out)

    def _highlight(self, window: str, terms: frozenset[str], top: int) -> str:
        return str(
            highlight.highlight(window, terms, self.analyzer, self.fragmenter, self.formatter, top=top, minscore=1)
            or ""
        )


def _regions(text: str, terms: frozenset[str], limit: int = 6) -> list[tuple[int, int]]:
    """Up to ``limit`` merged windows around the first places where a term starts a word."""
    pattern = re.compile(
        r"\b(?:" + "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True)) + ")", re.IGNORECASE
    )
    regions: list[tuple[int, int]] = []
    for match in pattern.finditer(text, 0, SCAN_CHARS):
        start, end = max(0, match.start() - REGION_CHARS), min(len(text), match.end() + REGION_CHARS)
        if regions and start <= regions[-1][1]:
            regions[-1] = (regions[-1][0], end)
        elif len(regions) < limit:
            regions.append((start, end))
        else:
            break
    return regions


def opening(text: str) -> str:
    head = " ".join(text[: SNIPPET_CHARS * 2].split())
    if len(head) > SNIPPET_CHARS:
        head = head[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return html.escape(head, quote=False)
