"""Read-only queries behind the desktop app's lists: id lists in display order, rows for a
page of ids, and the stored import runs. Sessions in, plain values out.

The documents table of the app holds only ids (in display order) and asks for rows a page
at a time, so these queries are split the same way: one cheap id query per sort/filter
change, then small ``IN (...)`` lookups for the rows on screen.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, distinct, func, or_, select
from sqlalchemy.orm import Session

from ctviewer.db.models import Annotation, AnnotationEntity, Document, Entity, ImportItem, ImportRun, Mention
from ctviewer.db.sql import chunks, contains_pattern
from ctviewer.domain.documents import DocumentSort

_SORT_COLUMNS: dict[str, Any] = {
    "id": Document.id,
    "title": Document.title.collate("NOCASE"),
    "date": Document.date,
    "file_type": Document.file_type,
    "pages": Document.pages,
    "imported_at": Document.imported_at,
    "size_bytes": Document.size_bytes,
    "source": Document.original_name.collate("NOCASE"),
}
# Sorting by an entity count: the sort key is the number of distinct entities of that type.
_COUNT_SORTS: dict[str, str] = {"people": "person", "organisations": "organisation", "places": "place"}


def document_ids(
    session: Session,
    *,
    sort: DocumentSort = "id",
    descending: bool = False,
    text: str = "",
    file_types: Sequence[str] = (),
    date_from: str | None = None,
    date_to: str | None = None,
    annotated: bool | None = None,
) -> list[int]:
    """Ids of the documents passing the filters, in display order (ties broken by id).

    ``text`` matches title or original file name, case-insensitively, anywhere.
    ``annotated``: True keeps documents with at least one live annotation, False those without.
    Dates compare as ISO strings; ``date_to`` includes documents dated inside it ("2021" takes
    all of 2021, because "2021-05-03" < "2021~").
    """
    column: Any
    stmt = select(Document.id)
    if sort in _COUNT_SORTS:
        # One grouped pass over the mentions, outer-joined: documents without any count 0.
        counts = (
            select(Mention.document_id.label("document_id"), func.count(distinct(Mention.entity_id)).label("n"))
            .join(Entity, Entity.id == Mention.entity_id)
            .where(Entity.type == _COUNT_SORTS[sort], Entity.rejected == 0)
            .group_by(Mention.document_id)
            .subquery()
        )
        stmt = stmt.outerjoin(counts, counts.c.document_id == Document.id)
        column = func.coalesce(counts.c.n, 0)
    elif sort == "annotations":
        # Annotations are few next to documents: a grouped pass over them (ix_annotations_document).
        notes = _live_annotation_counts()
        stmt = stmt.outerjoin(notes, notes.c.document_id == Document.id)
        column = func.coalesce(notes.c.n, 0)
    else:
        column = _SORT_COLUMNS[sort]
    order = column.desc() if descending else column.asc()
    # NULLs (undated, page-less documents) go last in either direction: they are the least useful.
    nulls = Document.date.is_(None) if sort == "date" else Document.pages.is_(None) if sort == "pages" else None
    conditions: list[ColumnElement[bool]] = []
    needle = text.strip()
    if needle:
        pattern = contains_pattern(needle)
        conditions.append(
            or_(Document.title.ilike(pattern, escape="\\"), Document.original_name.ilike(pattern, escape="\\"))
        )
    if file_types:
        conditions.append(Document.file_type.in_(list(file_types)))
    if date_from:
        conditions.append(Document.date >= date_from)
    if date_to:
        conditions.append(Document.date <= date_to + "~")
    if annotated is not None:
        has = (
            select(Annotation.id).where(Annotation.document_id == Document.id, Annotation.deleted_at.is_(None)).exists()
        )
        conditions.append(has if annotated else ~has)
    if conditions:
        stmt = stmt.where(*conditions)
    ordering = [order, Document.id.desc() if descending else Document.id.asc()]
    if nulls is not None:
        ordering.insert(0, nulls.asc())
    return list(session.scalars(stmt.order_by(*ordering)))


def _live_annotation_counts() -> Any:
    """A subquery (document_id, n): live annotations per annotated document."""
    return (
        select(Annotation.document_id.label("document_id"), func.count(Annotation.id).label("n"))
        .where(Annotation.deleted_at.is_(None), Annotation.document_id.is_not(None))
        .group_by(Annotation.document_id)
        .subquery()
    )


def document_rows(session: Session, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """{id: row values} for the documents among ``ids`` that still exist.

    Each row has title, date, file_type, pages, language, source (original file name),
    size_bytes, imported_at, ``entities``: {entity type: distinct entities mentioned} and
    ``annotations``: how many live annotations the analyst made on it.
    """
    out: dict[int, dict[str, Any]] = {}
    for chunk in chunks(ids):
        for r in session.execute(
            select(
                Document.id,
                Document.title,
                Document.date,
                Document.file_type,
                Document.pages,
                Document.language,
                Document.original_name,
                Document.size_bytes,
                Document.imported_at,
            ).where(Document.id.in_(chunk))
        ):
            out[r.id] = {
                "title": r.title,
                "date": r.date,
                "file_type": r.file_type,
                "pages": r.pages,
                "language": r.language,
                "source": r.original_name,
                "size_bytes": r.size_bytes,
                "imported_at": r.imported_at,
                "entities": {},
                "annotations": 0,
            }
        for doc_id, typ, n in session.execute(
            select(Mention.document_id, Entity.type, func.count(distinct(Mention.entity_id)))
            .join(Entity, Entity.id == Mention.entity_id)
            .where(Mention.document_id.in_(chunk), Entity.rejected == 0)
            .group_by(Mention.document_id, Entity.type)
        ):
            if doc_id in out:
                out[doc_id]["entities"][typ] = int(n)
        for doc_id, n in session.execute(
            select(Annotation.document_id, func.count(Annotation.id))
            .where(Annotation.document_id.in_(chunk), Annotation.deleted_at.is_(None))
            .group_by(Annotation.document_id)
        ):
            if doc_id in out:
                out[doc_id]["annotations"] = int(n)
    return out


def annotated_documents(session: Session) -> list[tuple[int, str, str | None]]:
    """(id, title, date) of the documents holding live annotations, by date then title (the
    Annotations pane's document filter: annotated documents are few even in a large archive)."""
    has = select(Annotation.id).where(Annotation.document_id == Document.id, Annotation.deleted_at.is_(None)).exists()
    return [
        (r.id, r.title, r.date)
        for r in session.execute(
            select(Document.id, Document.title, Document.date)
            .where(has)
            .order_by(Document.date.is_(None), Document.date, Document.title.collate("NOCASE"), Document.id)
        )
    ]


def annotation_entities(session: Session) -> list[tuple[int, str, str]]:
    """(id, name, type) of the live entities linked to live annotations, by name."""
    return [
        (r.id, r.name, r.type)
        for r in session.execute(
            select(Entity.id, Entity.name, Entity.type)
            .distinct()
            .join(AnnotationEntity, AnnotationEntity.entity_id == Entity.id)
            .join(Annotation, Annotation.id == AnnotationEntity.annotation_id)
            .where(Annotation.deleted_at.is_(None), Entity.rejected == 0)
            .order_by(Entity.name.collate("NOCASE"), Entity.id)
        )
    ]


def file_types(session: Session) -> list[str]:
    """The file types present in the archive, for the type filter."""
    return sorted(t for t in session.scalars(select(distinct(Document.file_type))) if t)


def import_runs(session: Session, limit: int = 100) -> list[dict[str, Any]]:
    """The latest import runs, newest first, with their outcome counts."""
    runs = list(
        session.execute(
            select(ImportRun.id, ImportRun.started_at, ImportRun.finished_at, ImportRun.cancelled)
            .order_by(ImportRun.id.desc())
            .limit(limit)
        )
    )
    counts: dict[int, dict[str, int]] = {r.id: {} for r in runs}
    if runs:
        for run_id, status, n in session.execute(
            select(ImportItem.run_id, ImportItem.status, func.count(ImportItem.id))
            .where(ImportItem.run_id.in_(list(counts)))
            .group_by(ImportItem.run_id, ImportItem.status)
        ):
            counts[run_id][status] = int(n)
    return [
        {
            "id": r.id,
            "started_at": r.started_at,
            "finished_at": r.finished_at,
            "cancelled": bool(r.cancelled),
            "counts": counts[r.id],
        }
        for r in runs
    ]


def import_run(session: Session, run_id: int) -> dict[str, Any] | None:
    """One import run as :func:`import_runs` gives it, or None if there is no such run."""
    r = session.execute(
        select(ImportRun.id, ImportRun.started_at, ImportRun.finished_at, ImportRun.cancelled).where(
            ImportRun.id == run_id
        )
    ).first()
    if r is None:
        return None
    counts = {
        status: int(n)
        for status, n in session.execute(
            select(ImportItem.status, func.count(ImportItem.id))
            .where(ImportItem.run_id == run_id)
            .group_by(ImportItem.status)
        )
    }
    return {
        "id": r.id,
        "started_at": r.started_at,
        "finished_at": r.finished_at,
        "cancelled": bool(r.cancelled),
        "counts": counts,
    }


def import_items(session: Session, run_id: int) -> list[dict[str, Any]]:
    """The report lines of one import run, in the order the files were met."""
    return [
        {
            "path": r.path,
            "status": r.status,
            "document_id": r.document_id,
            "reason": r.reason,
            "warnings": tuple(json.loads(r.warnings or "[]")),
        }
        for r in session.execute(
            select(ImportItem.path, ImportItem.status, ImportItem.document_id, ImportItem.reason, ImportItem.warnings)
            .where(ImportItem.run_id == run_id)
            .order_by(ImportItem.id)
        )
    ]
