"""Highlighted snippets from the database text (not from the index).

Whoosh's own highlighting reads stored text or term vectors and was measured at seconds per
page on multi-segment indexes; re-analysing a capped window of text we already hold is
predictable. The output is HTML-escaped text with matches in ``<mark>...</mark>``, so the
UI and CLI can render it without ever interpreting document markup.
"""

from __future__ import annotations

import html

from whoosh import highlight
from whoosh.analysis import Analyzer

SNIPPET_CHARS = 220
SURROUND_CHARS = 70
# Only the first part of a long document is scanned for matches: bounded time per hit.
SCAN_CHARS = 200_000
FRAGMENTS = 2


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
        self.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS, surround=SURROUND_CHARS,
                                                      charlimit=SCAN_CHARS)
        self.formatter = MarkFormatter()

    def snippet(self, text: str, terms: frozenset[str]) -> str:
        """Fragments of ``text`` around ``terms`` (analysed forms), or the opening if none match."""
        window = text[:SCAN_CHARS]
        if terms:
            found = highlight.highlight(window, terms, self.analyzer, self.fragmenter, self.formatter,
                                        top=FRAGMENTS, minscore=1)
            if found:
                return " ".join(found.split())
        return opening(text)


def opening(text: str) -> str:
    head = " ".join(text[: SNIPPET_CHARS * 2].split())
    if len(head) > SNIPPET_CHARS:
        head = head[:SNIPPET_CHARS].rsplit(" ", 1)[0] + " …"
    return html.escape(head, quote=False)
