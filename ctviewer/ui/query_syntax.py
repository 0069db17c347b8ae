"""The query syntax, written once: the search pane's "?" popup and Help > Query syntax both show
these rows. They are the README's "Query syntax" table (tests/ui/test_query_syntax.py keeps the
README, the rows and both places that show them in step). Static text of our own, so it may be
rendered as rich text.
"""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class SyntaxRow:
    """What the analyst types (one or more examples) and what it finds."""

    examples: tuple[str, ...]
    finds: str


ROWS: tuple[SyntaxRow, ...] = (
    SyntaxRow(("terrorism financing",), "documents with both words (AND is the default); words are stemmed"),
    SyntaxRow(("Syria OR Iraq", "sanctions NOT Iran", "-Iran"), "either word; exclusion"),
    SyntaxRow(('"Joint Plan of Action"',), "the exact phrase"),
    SyntaxRow(("extrem*",), "words starting with \u201cextrem\u201d (at least two letters before the *)"),
    SyntaxRow(("Mirziyoev~", "samarkant~2"), "words within 1 (or 2, the maximum) edits"),
    SyntaxRow(("title:statement",), "a word in the title"),
    SyntaxRow(
        ("person:voronkov", "org:osce", "place:tashkent", "tag:priority"),
        "documents naming that person / organisation / place, or tagged",
    ),
    SyntaxRow(("type:pdf", "lang:ru"), "file type, language"),
    SyntaxRow(
        ("date:2022", "date:2022-03", "date:[2019 TO 2021]", "date:>2020"),
        "document dates; ranges include whole years or months",
    ),
    SyntaxRow(("(Russia OR China) AND date:[2015 TO 2020]",), "grouping"),
)

NO_MATCH_NOTE = "When nothing matches, the search suggests a spelling that does (\u201cdid you mean\u201d)."


def rows_html() -> str:
    """The rows as HTML table rows: the examples as code, then what they find."""
    return "".join(
        "<tr><td>"
        + ", ".join(f"<code>{html.escape(example)}</code>" for example in row.examples)
        + f"</td><td>{html.escape(row.finds)}</td></tr>"
        for row in ROWS
    )


def note_html() -> str:
    """What follows the table in both places."""
    return f"<p>{html.escape(NO_MATCH_NOTE)}</p>"
