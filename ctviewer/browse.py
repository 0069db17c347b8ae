"""Qt-free browsing queries for the desktop app, built on an open :class:`Library`.

The app's lazy table models hold ids in display order and ask for rows a page at a time;
the reader asks where a query's words occur in a document's text. Everything here returns
plain frozen records, so the ``ui`` package never touches SQLAlchemy or Whoosh.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ctviewer.db import annotations as annotation_queries
from ctviewer.db import listing
from ctviewer.db.listing import ListSort
from ctviewer.domain.annotations import AnnotationFilter, AnnotationRecord, AnnotationSort
from ctviewer.domain.imports import ImportOutcome, ImportReport

if TYPE_CHECKING:
    from ctviewer.library import Library

__all__ = [
    "DocumentFilter",
    "DocumentRow",
    "ImportRunSummary",
    "ListSort",
    "annotated_documents",
    "annotation_entities",
    "annotation_ids",
    "annotation_rows",
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


@dataclass(frozen=True)
class DocumentFilter:
    """What the documents table shows: a text filter on title/file name, types, a date range and
    whether the analyst annotated them (None: either way)."""

    text: str = ""
    file_types: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    annotated: bool | None = None


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
    annotations: int = 0

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


def document_ids(
    library: Library, *, sort: ListSort = "id", descending: bool = False, filter: DocumentFilter | None = None
) -> list[int]:
    """Ids of the documents passing ``filter``, in display order."""
    f = filter or DocumentFilter()
    with library.archive.db.read() as session:
        return listing.document_ids(
            session,
            sort=sort,
            descending=descending,
            text=f.text,
            file_types=f.file_types,
            date_from=f.date_from,
            date_to=f.date_to,
            annotated=f.annotated,
        )


def document_rows(library: Library, ids: Sequence[int]) -> dict[int, DocumentRow]:
    """Rows for ``ids`` (missing ids, e.g. deleted meanwhile, are absent from the result)."""
    with library.archive.db.read() as session:
        rows = listing.document_rows(session, ids)
    return {doc_id: DocumentRow(id=doc_id, **values) for doc_id, values in rows.items()}


def annotation_ids(
    library: Library,
    filter: AnnotationFilter | None = None,
    *,
    sort: AnnotationSort = "created",
    descending: bool = False,
) -> list[int]:
    """Ids of the annotations passing ``filter``, in display order (the Annotations pane's model
    holds these and asks :func:`annotation_rows` for a page at a time)."""
    with library.archive.db.read() as session:
        return annotation_queries.list_ids(session, filter or AnnotationFilter(), sort=sort, descending=descending)


def annotation_rows(library: Library, ids: Sequence[int]) -> dict[int, AnnotationRecord]:
    """Records for ``ids`` (missing ids, e.g. purged meanwhile, are absent from the result)."""
    with library.archive.db.read() as session:
        return {r.id: r for r in annotation_queries.records(session, ids)}


def annotated_documents(library: Library) -> list[tuple[int, str, str | None]]:
    """(id, title, date) of the documents the analyst annotated (for the pane's document filter)."""
    with library.archive.db.read() as session:
        return listing.annotated_documents(session)


def annotation_entities(library: Library) -> list[tuple[int, str, str]]:
    """(id, name, type) of the entities linked to annotations (for the pane's entity filter)."""
    with library.archive.db.read() as session:
        return listing.annotation_entities(session)


def file_types(library: Library) -> list[str]:
    with library.archive.db.read() as session:
        return listing.file_types(session)


def import_runs(library: Library, limit: int = 100) -> list[ImportRunSummary]:
    """The latest import runs, newest first."""
    with library.archive.db.read() as session:
        runs = listing.import_runs(session, limit)
    return [
        ImportRunSummary(
            id=r["id"],
            started_at=r["started_at"],
            finished_at=r["finished_at"],
            cancelled=r["cancelled"],
            imported=r["counts"].get("imported", 0),
            duplicates=r["counts"].get("duplicate", 0),
            failed=r["counts"].get("failed", 0),
        )
        for r in runs
    ]


def import_report(library: Library, run_id: int) -> ImportReport:
    """The stored report of one import run (the same record an import returns)."""
    with library.archive.db.read() as session:
        items = listing.import_items(session, run_id)
        run = listing.import_run(session, run_id)
    outcomes = [
        ImportOutcome(
            path=item["path"],
            status=item["status"],
            document_id=item["document_id"],
            reason=item["reason"],
            warnings=item["warnings"],
        )
        for item in items
    ]
    return ImportReport(outcomes=tuple(outcomes), cancelled=bool(run and run["cancelled"]))


def hit_spans(library: Library, query: str, text: str, *, limit: int = MAX_HITS) -> list[tuple[int, int]]:
    """Character spans ``[start, end)`` of ``text`` holding words the query searches for, as the
    search matched them (prefix/fuzzy terms expanded the same way; excluded words are not hits).
    Raises :class:`~ctviewer.errors.QuerySyntaxError` for a query the search would refuse too."""
    # Imported here: Whoosh stays off the app's start-up path until the first search.
    from ctviewer.search.hits import hit_spans as find

    return find(library.index.index, query, text, limit=limit)
