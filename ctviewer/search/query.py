"""From what the user typed to a bounded Whoosh query.

Syntax: AND (default between terms) / OR / NOT, "phrases", prefix*, fuzzy~ or fuzzy~2,
fields (``title:``, ``person:``, ``org:``, ``place:``, ``tag:``, ``note:``, ``annotated:``,
``type:``, ``lang:``, ``date:``, ``year:``), ranges (``date:[2020 TO 2022-06]``, ``date:>2021``), and grouping
with parentheses.

Whoosh's slow spots are designed around here (see PERFORMANCE.md): one-letter prefixes and
wildcards are refused, edit distances are capped at 2, and prefix/wildcard/fuzzy terms
expand to at most ``MAX_EXPANSION`` index terms (the most frequent ones).
"""

from __future__ import annotations

import re
import unicodedata

from whoosh import qparser, query
from whoosh.fields import Schema
from whoosh.reading import IndexReader

from ctviewer.errors import QuerySyntaxError
from ctviewer.search.schema import DEFAULT_FIELDS, FIELD_ALIASES, FIELD_BOOSTS

MAX_QUERY_CHARS = 1000
MAX_FUZZY_DISTANCE = 2
MIN_PREFIX_CHARS = 2
MAX_EXPANSION = 256
MAX_CLAUSES = 200

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def make_parser(schema: Schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, fieldboosts=FIELD_BOOSTS, group=qparser.AndGroup)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    parser.add_plugin(qparser.GtLtPlugin())
    parser.add_plugin(qparser.PlusMinusPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    return parser


def clean_query_text(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text).strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QuerySyntaxError(f"the query is too long ({len(text):,} characters; at most {MAX_QUERY_CHARS:,})")
    # Whoosh's parser breaks on some stray characters that users type by accident; a lone
    # trailing quote or bracket is dropped rather than reported.
    if text.count('"') % 2:
        text = text[::-1].replace('"', "", 1)[::-1]
    return text


def parse(parser: qparser.QueryParser, text: str) -> query.Query:
    """Parse ``text``; raise :class:`QuerySyntaxError` with a plain reason when it can't be used."""
    cleaned = clean_query_text(text)
    if not cleaned:
        raise QuerySyntaxError("the query is empty")
    try:
        parsed = parser.parse(cleaned)
    except Exception as exc:  # Whoosh raises assorted errors on odd input; all are the user's syntax
        raise QuerySyntaxError(f"the query could not be understood ({exc})"[:200]) from exc
    parsed = parsed.accept(_normalise_node)
    if parsed is query.NullQuery:
        raise QuerySyntaxError("the query has no searchable words (only operators or stop words?)")
    if _count_clauses(parsed) > MAX_CLAUSES:
        raise QuerySyntaxError(f"the query has too many parts (at most {MAX_CLAUSES})")
    return parsed


def _normalise_node(q: query.Query) -> query.Query:
    """Check and rewrite one node of the parsed tree (called bottom-up by ``accept``)."""
    if isinstance(q, query.FuzzyTerm):
        if len(q.text) < MIN_PREFIX_CHARS + 1:
            raise QuerySyntaxError(f"a fuzzy term needs at least {MIN_PREFIX_CHARS + 1} letters: {q.text}~")
        capped = query.FuzzyTerm(
            q.fieldname, q.text, boost=q.boost, maxdist=min(int(q.maxdist), MAX_FUZZY_DISTANCE), prefixlength=1
        )
        # Where the word sits in the query text: bound_expansions also needs the unstemmed
        # form ("samarkant" stems to "samark", too far from "samarkand").
        capped.startchar, capped.endchar = getattr(q, "startchar", None), getattr(q, "endchar", None)
        return capped
    if isinstance(q, (query.Prefix, query.Wildcard)):
        literal = re.split(r"[*?]", q.text, maxsplit=1)[0]
        if len(literal) < MIN_PREFIX_CHARS:
            shown = q.text + ("*" if isinstance(q, query.Prefix) else "")
            raise QuerySyntaxError(f"a wildcard needs at least {MIN_PREFIX_CHARS} letters before it: {shown}")
        if q.fieldname == "date" and isinstance(q, query.Prefix):
            return q
    if isinstance(q, query.Every):
        raise QuerySyntaxError("a lone * matches everything; add at least two letters before it")
    if isinstance(q, query.Term) and q.fieldname in ("date", "year"):
        return query.Prefix(q.fieldname, str(q.text))
    if isinstance(q, query.TermRange) and q.fieldname in ("date", "year"):
        return _date_range(q)
    return q


def _date_range(q: query.TermRange) -> query.Query:
    """ISO strings sort as dates; pad the bounds so ``[2020 TO 2021]`` covers all of 2021."""
    start = str(q.start) if q.start is not None else None
    end = str(q.end) if q.end is not None else None
    if start is not None and q.startexcl:
        start, startexcl = start + "\uffff", True
    else:
        startexcl = False
    if end is not None and not q.endexcl:
        end, endexcl = end + "\uffff", False
    else:
        endexcl = bool(q.endexcl)
    return query.TermRange(q.fieldname, start, end, startexcl=startexcl, endexcl=endexcl, boost=q.boost)


def _count_clauses(q: query.Query) -> int:
    return 1 + sum(_count_clauses(child) for child in q.children())


def bound_expansions(q: query.Query, reader: IndexReader, schema: Schema, text: str = "") -> query.Query:
    """Replace prefix/wildcard/fuzzy terms by an OR of their most frequent expansions.

    Text fields hold stems and the parser stems prefixes and fuzzy words, which sometimes
    lands beside the index's stems; the words as typed (found in ``text``, the cleaned
    query, by the nodes' character positions) are tried as well. Unbounded, a two-letter prefix over 100,000 documents
    expands to thousands of terms and takes seconds; the most frequent few hundred give the
    same top results in milliseconds.
    """

    def visit(node: query.Query) -> query.Query:
        if not isinstance(node, (query.Prefix, query.Wildcard, query.FuzzyTerm)) or node.fieldname in ("date", "year"):
            return node
        field = node.fieldname
        if field not in schema:
            return query.NullQuery
        words = {_text(w) for w in node._btexts(reader)}
        analyzer = getattr(schema[field], "analyzer", None)
        morph = analyzer is not None and analyzer.has_morph()
        typed = _typed_word(node, text)
        if isinstance(node, query.Prefix) and morph:
            # Prefixes are matched against stems: "cooperat*" finds nothing because
            # "cooperation" is indexed as "cooper", and the parser turns "extremis*" into
            # "extremi". When the prefix is not itself a term, the longest term that the
            # typed word starts with (at most 2 letters shorter) is taken as well.
            base = typed or str(node.text)
            if not reader.doc_frequency(field, base):
                for cut in range(len(base) - 1, max(MIN_PREFIX_CHARS + 1, len(base) - 3), -1):
                    if reader.doc_frequency(field, base[:cut]):
                        words.add(base[:cut])
                        break
        if isinstance(node, query.FuzzyTerm) and morph and typed and typed != node.text:
            # "samarkant" stems to "samark", too far from "samarkand": match as typed too.
            words.update(reader.terms_within(field, typed, int(node.maxdist), prefix=1))
        if not words:
            return query.NullQuery
        ranked = sorted(words, key=lambda w: reader.doc_frequency(field, w), reverse=True)[:MAX_EXPANSION]
        return query.Or([query.Term(field, w, boost=node.boost) for w in ranked])

    return q.accept(visit)


def _typed_word(node: query.Query, text: str) -> str:
    """The word as the user typed it, found in the query text by the node's position."""
    start, end = getattr(node, "startchar", None), getattr(node, "endchar", None)
    if start is None or end is None or not text:
        return ""
    if isinstance(node, query.Prefix):  # Whoosh points at the "*" only
        match = re.search(r"[\w'’-]+$", text[:start])
        return match.group(0).lower() if match else ""
    return text[start:end].strip().lower()


def _text(word: bytes | str) -> str:
    return word.decode("utf-8") if isinstance(word, bytes) else str(word)
