"""Where a query's words occur in one document's text (what the reader highlights).

Kept in the search package because it needs Whoosh's parsed queries and analyzer; the reader
reaches it through :func:`ctviewer.browse.hit_spans`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from whoosh import query as wq

from ctviewer.search import query as queries

if TYPE_CHECKING:
    from ctviewer.search.index import SearchIndex

# Characters of a term used to find candidate words before the analyzer confirms them:
# Porter stems are prefixes of their words except for a few final letters ("polici").
_PREFIX_CHARS = 3


def hit_spans(index: SearchIndex, query: str, text: str, *, limit: int) -> list[tuple[int, int]]:
    """Character spans ``[start, end)`` of ``text`` holding words the query searches for.

    The query is parsed and its prefix/fuzzy terms expanded exactly as the search does, so the
    reader highlights what the search matched; words the query excludes (``NOT x``, ``-x``) are
    not highlighted. Instead of running the (pure-Python) analyzer over a possibly 10 MB text,
    a regular expression finds words sharing a term's first letters and only those words are
    analysed (once per distinct word). Raises :class:`~ctviewer.errors.QuerySyntaxError` for a
    query the search would refuse too.
    """
    searcher = index.searcher()  # the index's shared searcher: not ours to close
    bounded = queries.bound_expansions(index.parse(query), searcher.reader(), searcher.schema,
                                       queries.clean_query_text(query))
    terms = {word for fieldname, word in _positive_terms(bounded) if fieldname in _TEXT_FIELDS}
    terms.discard("")
    if not terms:
        return []
    analyzer = searcher.schema["body"].analyzer
    candidates = re.compile(
        r"\b(?:" + "|".join(_prefix_pattern(t) for t in sorted(terms, key=len, reverse=True)) + r")\w*(?:\.\w+)*",
        re.IGNORECASE,
    )
    verdicts: dict[str, bool] = {}
    spans: list[tuple[int, int]] = []
    for match in candidates.finditer(text):
        word = match.group(0).lower()
        verdict = verdicts.get(word)
        if verdict is None:
            verdict = any(token.text in terms for token in analyzer(word))
            verdicts[word] = verdict
        if verdict:
            spans.append(match.span())
            if len(spans) >= limit:
                break
    return spans


# Fields whose terms are words of the text (the others hold dates, types, facet values).
_TEXT_FIELDS = frozenset({"body", "title", "person", "organisation", "place"})


def _prefix_pattern(term: str) -> str:
    """A regex for the first letters of words that may stem to ``term``.

    Porter stems keep their word's letters except at the very end, where "y" becomes "i"
    ("spy" -> "spi", "spying" -> "spi"), so a stem's "i" may stand for a "y" in the text.
    """
    return "".join("[iy]" if ch == "i" else re.escape(ch) for ch in term[:_PREFIX_CHARS])


def _positive_terms(q: object) -> Iterator[tuple[str, str]]:
    """(field, word) of the terms a query looks for, skipping negated branches."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from _positive_terms(q.a)
        return
    assert isinstance(q, wq.Query)
    if q.is_leaf():
        for fieldname, word in q.terms(phrases=True):
            yield fieldname, word.decode("utf-8") if isinstance(word, bytes) else str(word)
        return
    for child in q.children():
        yield from _positive_terms(child)
