"""Where a query's words occur in one document's text (what the reader highlights).

Kept in the search package because it needs Whoosh's parsed queries and analyzer; the reader
reaches it through :func:`ctviewer.browse.hit_spans`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from whoosh import query as wq
from whoosh.analysis import Analyzer

from ctviewer.search import query as queries

if TYPE_CHECKING:
    from ctviewer.search.index import SearchIndex

# Characters of a term used to find candidate words before the analyzer confirms them:
# Porter stems are prefixes of their words except for a few final letters ("polici").
_PREFIX_CHARS = 3


def hit_spans(index: SearchIndex, query: str, text: str, *, limit: int) -> list[tuple[int, int]]:
    """Character spans ``[start, end)`` of ``text`` holding what the query searches for, in
    text order: a word for each word term, the whole phrase for each occurrence of a phrase
    (``"counter terrorism strategy"`` is one hit per occurrence, not three words, and its words
    elsewhere are no hits unless the query also asks for them alone).

    The query is parsed and its prefix/fuzzy terms expanded exactly as the search does, so the
    reader highlights what the search matched; words the query excludes (``NOT x``, ``-x``) are
    not highlighted. Instead of running the (pure-Python) analyzer over a possibly 10 MB text,
    a regular expression finds words sharing a term's first letters and only those words are
    analysed (once per distinct word); a phrase is checked by analysing a short window after
    each candidate for its first word. Raises :class:`~ctviewer.errors.QuerySyntaxError` for a
    query the search would refuse too.
    """
    searcher = index.searcher()  # the index's shared searcher: not ours to close
    bounded = queries.bound_expansions(
        index.parse(query), searcher.reader(), searcher.schema, queries.clean_query_text(query)
    )
    terms, phrases = targets(bounded)
    return match_spans(text, terms, phrases, searcher.schema["body"].analyzer, limit)


def targets(q: wq.Query, fields: frozenset[str] | None = None) -> tuple[frozenset[str], frozenset[tuple[str, ...]]]:
    """What a (parsed, expanded) query looks for in text: words asked for on their own, and
    phrases (analysed words in order). Negated branches and fields outside ``fields`` (by
    default the text fields) are left out."""
    wanted = _TEXT_FIELDS if fields is None else fields
    terms: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for leaf in _positive_leaves(q):
        if isinstance(leaf, wq.Phrase):
            if leaf.fieldname in wanted:
                words = tuple(_text(w) for w in leaf.words if _text(w))
                if len(words) > 1:
                    phrases.add(words)
                else:
                    terms.update(words)
            continue
        terms.update(_text(word) for fieldname, word in leaf.terms(phrases=True) if fieldname in wanted)
    terms.discard("")
    return frozenset(terms), frozenset(phrases)


def match_spans(
    text: str, terms: Iterable[str], phrases: Iterable[tuple[str, ...]], analyzer: Analyzer, limit: int
) -> list[tuple[int, int]]:
    """Spans of ``text`` holding one of ``terms`` (a word) or one of ``phrases`` (the whole
    phrase), in text order and without overlaps (a phrase wins over the words inside it)."""
    spans = _word_spans(text, set(terms), analyzer, limit) + _phrase_spans(text, set(phrases), analyzer, limit)
    return _outermost(spans)[:limit]


# Fields whose terms are words of the text (the others hold dates, types, facet values).
_TEXT_FIELDS = frozenset({"body", "title", "person", "organisation", "place"})
# Characters analysed after a phrase's first word, per word of the phrase (stop words and
# punctuation may sit between its words: "rule of law").
_PHRASE_WINDOW_PER_WORD = 48


def _word_spans(text: str, terms: set[str], analyzer: Analyzer, limit: int) -> list[tuple[int, int]]:
    if not terms:
        return []
    verdicts: dict[str, bool] = {}
    spans: list[tuple[int, int]] = []
    for match in _candidates(terms).finditer(text):
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


def _phrase_spans(text: str, phrases: set[tuple[str, ...]], analyzer: Analyzer, limit: int) -> list[tuple[int, int]]:
    """Occurrences of each phrase: its analysed words one after the other (stop words between
    them are dropped by the analyzer, as when the document was indexed)."""
    spans: list[tuple[int, int]] = []
    for words in phrases:
        window = _PHRASE_WINDOW_PER_WORD * len(words)
        for match in _candidates({words[0]}).finditer(text):
            start = match.start()
            tokens = []
            for token in analyzer(text[start : start + window], positions=True, chars=True):
                tokens.append((token.text, token.pos, token.startchar, token.endchar))
                if len(tokens) == len(words):
                    break
            if len(tokens) < len(words) or tokens[0][2] != 0:
                continue
            consecutive = all(b[1] == a[1] + 1 for a, b in itertools.pairwise(tokens))
            if consecutive and tuple(t[0] for t in tokens) == words:
                spans.append((start, start + tokens[-1][3]))
                if len(spans) >= limit:
                    break
    return spans


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans in text order without overlaps: a phrase hit wins over the words inside it."""
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans, key=lambda span: (span[0], -span[1])):
        if out and start < out[-1][1]:
            continue
        out.append((start, end))
    return out


def _candidates(terms: set[str]) -> re.Pattern[str]:
    """Words that may analyse to one of ``terms`` (the analyzer confirms)."""
    return re.compile(
        r"\b(?:" + "|".join(_prefix_pattern(t) for t in sorted(terms, key=len, reverse=True)) + r")\w*(?:\.\w+)*",
        re.IGNORECASE,
    )


def _prefix_pattern(term: str) -> str:
    """A regex for the first letters of words that may stem to ``term``.

    Porter stems keep their word's letters except at the very end, where "y" becomes "i"
    ("spy" -> "spi", "spying" -> "spi"), so a stem's "i" may stand for a "y" in the text.
    """
    return "".join("[iy]" if ch == "i" else re.escape(ch) for ch in term[:_PREFIX_CHARS])


def _text(word: object) -> str:
    return word.decode("utf-8") if isinstance(word, bytes) else str(word)


def _positive_leaves(q: object) -> Iterator[wq.Query]:
    """The leaf queries (terms, phrases...) a query looks for, skipping negated branches."""
    if isinstance(q, wq.Not):
        return
    if isinstance(q, wq.AndNot):
        yield from _positive_leaves(q.a)
        return
    assert isinstance(q, wq.Query)
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from _positive_leaves(child)
