"""Qt-free browsing queries for the desktop app, built on an open :class:`Library`.

The app's lazy table models hold ids in display order and ask for rows a page at a time;
the reader asks where a query's words occur in a document's text. Everything here returns
plain frozen records, so the ``ui`` package never touches SQLAlchemy or Whoosh.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ctviewer.db import listing
from ctviewer.db.listing import ListSort
from ctviewer.domain import ImportOutcome, ImportReport

if TYPE_CHECKING:
    from ctviewer.library import Library

__all__ = [
    "DocumentFilter",
    "DocumentRow",
    "ImportRunSummary",
    "ListSort",
    "document_ids",
    "document_rows",
    "file_types",
    "hit_spans",
    "import_report",
    "import_runs",
]

# A document can name a query word tens of thousands of times; the reader only needs enough
# hits to navigate, and every extra one costs memory in the view.
MAX_HITS = 20_000
# Characters of a term used to find candidate words before the analyzer confirms them:
# Porter stems are prefixes of their words except for a few final letters ("polici").
_PREFIX_CHARS = 3


@dataclass(frozen=True)
class DocumentFilter:
    """What the documents table shows: a text filter on title/file name, types and a date range."""

    text: str = ""
    file_types: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None


@dataclass(frozen=True)
class DocumentRow:
    """One row of the documents table (no text)."""

    id: int
    title: str
    date: str | None
    file_type: str
    pages: int | None
    language: str | None
    source: str
    size_bytes: int
    imported_at: str
    entities: dict[str, int] = field(default_factory=dict)

    @property
    def people(self) -> int:
        return self.entities.get("person", 0)

    @property
    def organisations(self) -> int:
        return self.entities.get("organisation", 0)

    @property
    def places(self) -> int:
        return self.entities.get("place", 0)


@dataclass(frozen=True)
class ImportRunSummary:
    id: int
    started_at: str
    finished_at: str | None
    cancelled: bool
    imported: int
    duplicates: int
    failed: int


def document_ids(library: Library, *, sort: ListSort = "id", descending: bool = False,
                 filter: DocumentFilter | None = None) -> list[int]:
    """Ids of the documents passing ``filter``, in display order."""
    f = filter or DocumentFilter()
    with library.archive.db.read() as session:
        return listing.document_ids(session, sort=sort, descending=descending, text=f.text,
                                    file_types=f.file_types, date_from=f.date_from, date_to=f.date_to)


def document_rows(library: Library, ids: Sequence[int]) -> dict[int, DocumentRow]:
    """Rows for ``ids`` (missing ids, e.g. deleted meanwhile, are absent from the result)."""
    with library.archive.db.read() as session:
        rows = listing.document_rows(session, ids)
    return {doc_id: DocumentRow(id=doc_id, **values) for doc_id, values in rows.items()}


def file_types(library: Library) -> list[str]:
    with library.archive.db.read() as session:
        return listing.file_types(session)


def import_runs(library: Library, limit: int = 100) -> list[ImportRunSummary]:
    """The latest import runs, newest first."""
    with library.archive.db.read() as session:
        runs = listing.import_runs(session, limit)
    return [
        ImportRunSummary(id=r["id"], started_at=r["started_at"], finished_at=r["finished_at"],
                         cancelled=r["cancelled"], imported=r["counts"].get("imported", 0),
                         duplicates=r["counts"].get("duplicate", 0), failed=r["counts"].get("failed", 0))
        for r in runs
    ]


def import_report(library: Library, run_id: int) -> ImportReport:
    """The stored report of one import run (the same record an import returns)."""
    with library.archive.db.read() as session:
        items = listing.import_items(session, run_id)
        run = listing.import_run(session, run_id)
    outcomes = [
        ImportOutcome(path=item["path"], status=item["status"], document_id=item["document_id"],
                      reason=item["reason"], warnings=item["warnings"])
        for item in items
    ]
    return ImportReport(outcomes=tuple(outcomes), cancelled=bool(run and run["cancelled"]))


def hit_spans(library: Library, query: str, text: str, *, limit: int = MAX_HITS) -> list[tuple[int, int]]:
    """Character spans ``[start, end)`` of ``text`` holding words the query searches for.

    The query is parsed and its prefix/fuzzy terms expanded exactly as the search does, so the
    reader highlights what the search matched; words the query excludes (``NOT x``, ``-x``) are
    not highlighted. Instead of running the (pure-Python) analyzer over a possibly 10 MB text,
    a regular expression finds words sharing a term's first letters and only those words are
    analysed (once per distinct word). Raises :class:`~ctviewer.errors.QuerySyntaxError` for a
    query the search would refuse too.
    """
    # Imported here: Whoosh stays off the app's start-up path until the first search.
    from ctviewer.search import query as queries

    index = library.index.index
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
    from whoosh import query as wq

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
