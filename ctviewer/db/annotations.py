"""Queries and writes for passage annotations. Sessions in, frozen records out.

The caller owns the transaction (one durable write per analyst action, see
:mod:`ctviewer.annotations.service`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from ctviewer.db.documents import DocumentFields, EntityFields, FieldsProvider
from ctviewer.db.models import (
    Annotation,
    AnnotationColor,
    AnnotationEntity,
    AnnotationTag,
    Document,
    Entity,
    Mention,
)
from ctviewer.db.sql import chunks, contains_pattern
from ctviewer.domain.annotations import (
    AnnotationFilter,
    AnnotationRecord,
    AnnotationSort,
    ColorRecord,
    LinkedEntity,
    TagCount,
)


# -- colours and tags ---------------------------------------------------------------------------
def colors(session: Session) -> list[ColorRecord]:
    return [
        ColorRecord(n, label)
        for n, label in session.execute(
            select(AnnotationColor.name, AnnotationColor.label).order_by(AnnotationColor.position)
        )
    ]


def color_exists(session: Session, name: str) -> bool:
    return session.get(AnnotationColor, name) is not None


def rename_color(session: Session, name: str, label: str) -> None:
    session.execute(update(AnnotationColor).where(AnnotationColor.name == name).values(label=label))


def tag_counts(session: Session, prefix: str = "") -> list[TagCount]:
    """Tags of live annotations with how many carry each, most used first (for completion)."""
    stmt = (
        select(AnnotationTag.tag, func.count(AnnotationTag.annotation_id).label("n"))
        .join(Annotation, Annotation.id == AnnotationTag.annotation_id)
        .where(Annotation.deleted_at.is_(None))
        .group_by(AnnotationTag.tag)
        .order_by(func.count(AnnotationTag.annotation_id).desc(), AnnotationTag.tag)
    )
    if prefix:
        stmt = stmt.where(AnnotationTag.tag.like(prefix.replace("%", "\\%").replace("_", "\\_") + "%", escape="\\"))
    return [TagCount(t, int(n)) for t, n in session.execute(stmt)]


# -- writes ---------------------------------------------------------------------------------------
def insert_annotation(session: Session, values: dict[str, Any]) -> int:
    return int(session.execute(insert(Annotation).values(**values).returning(Annotation.id)).scalar_one())


def update_annotation(session: Session, annotation_id: int, **values: Any) -> None:
    session.execute(update(Annotation).where(Annotation.id == annotation_id).values(**values))


def set_tags(session: Session, annotation_id: int, tags: Sequence[str]) -> None:
    session.execute(delete(AnnotationTag).where(AnnotationTag.annotation_id == annotation_id))
    if tags:
        session.execute(
            sqlite_insert(AnnotationTag).on_conflict_do_nothing(),
            [{"annotation_id": annotation_id, "tag": t} for t in tags],
        )


def set_entities(session: Session, annotation_id: int, entity_ids: Sequence[int]) -> None:
    session.execute(delete(AnnotationEntity).where(AnnotationEntity.annotation_id == annotation_id))
    if entity_ids:
        session.execute(
            sqlite_insert(AnnotationEntity).on_conflict_do_nothing(),
            [{"annotation_id": annotation_id, "entity_id": e} for e in entity_ids],
        )


def live_entity_ids(session: Session, ids: Sequence[int]) -> set[int]:
    if not ids:
        return set()
    return set(session.scalars(select(Entity.id).where(Entity.id.in_(list(ids)), Entity.rejected == 0)))


# -- reading --------------------------------------------------------------------------------------
def get_row(session: Session, annotation_id: int) -> Annotation | None:
    return session.get(Annotation, annotation_id)


def id_by_uid(session: Session, uid: str) -> int | None:
    return session.scalar(select(Annotation.id).where(Annotation.uid == uid))


def same_passage(session: Session, document_id: int, start: int, end: int, note: str) -> int | None:
    """A live annotation of this document on the same range with the same note (a duplicate)."""
    return session.scalar(
        select(Annotation.id)
        .where(
            Annotation.document_id == document_id,
            Annotation.start == start,
            Annotation.end == end,
            Annotation.note == note,
            Annotation.deleted_at.is_(None),
        )
        .limit(1)
    )


def documents_modified_at(session: Session, when: str) -> list[int]:
    """Ids of the documents with an annotation stamped ``when`` (the ones a write just touched)."""
    found = session.scalars(
        select(Annotation.document_id)
        .where(Annotation.modified_at == when, Annotation.document_id.is_not(None))
        .distinct()
    )
    return [int(d) for d in found if d is not None]


def rows_of_document(session: Session, document_id: int) -> list[Annotation]:
    """Every annotation of a document, soft-deleted ones included (they must follow the text too)."""
    return list(
        session.scalars(
            select(Annotation).where(Annotation.document_id == document_id).order_by(Annotation.start, Annotation.id)
        )
    )


def waiting_for(session: Session, sha256: str) -> list[Annotation]:
    """Annotations whose document went away (``document_id`` NULL) and had this sha256."""
    return list(
        session.scalars(
            select(Annotation).where(Annotation.document_id.is_(None), Annotation.document_sha256 == sha256)
        )
    )


def any_waiting(session: Session) -> bool:
    return session.scalar(select(Annotation.id).where(Annotation.document_id.is_(None)).limit(1)) is not None


def _conditions(f: AnnotationFilter) -> list[ColumnElement[bool]]:
    deleted = Annotation.deleted_at.is_not(None) if f.deleted else Annotation.deleted_at.is_(None)
    out: list[ColumnElement[bool]] = [deleted]
    if f.document_id is not None:
        out.append(Annotation.document_id == f.document_id)
    if f.tag:
        out.append(Annotation.id.in_(select(AnnotationTag.annotation_id).where(AnnotationTag.tag == f.tag)))
    if f.color:
        out.append(Annotation.color == f.color)
    if f.entity_id is not None:
        out.append(
            Annotation.id.in_(select(AnnotationEntity.annotation_id).where(AnnotationEntity.entity_id == f.entity_id))
        )
    if f.orphaned is not None:
        out.append(Annotation.orphaned == int(f.orphaned))
    for word in (f.text or "").split():
        pattern = contains_pattern(word)
        out.append(or_(Annotation.note.like(pattern, escape="\\"), Annotation.quote.like(pattern, escape="\\")))
    if f.created_from:
        out.append(Annotation.created_at >= f.created_from)
    if f.created_to:
        out.append(Annotation.created_at < f.created_to + "\uffff")
    if f.date_from:
        out.append(Document.date >= f.date_from)
    if f.date_to:
        out.append(Document.date < f.date_to + "\uffff")
    return out


def list_ids(
    session: Session,
    f: AnnotationFilter,
    *,
    sort: AnnotationSort = "created",
    descending: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[int]:
    stmt = select(Annotation.id).outerjoin(Document, Document.id == Annotation.document_id).where(and_(*_conditions(f)))
    if sort == "document_date":
        keys: list[Any] = [Document.date.is_(None), Document.date, Annotation.document_id, Annotation.start]
        if descending:
            keys = [
                Document.date.is_(None),
                Document.date.desc(),
                Annotation.document_id.desc(),
                Annotation.start.desc(),
            ]
    else:
        keys = [Annotation.created_at.desc() if descending else Annotation.created_at]
    stmt = stmt.order_by(*keys, Annotation.id.desc() if descending else Annotation.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return list(session.scalars(stmt))


def count(session: Session, f: AnnotationFilter) -> int:
    stmt = (
        select(func.count(Annotation.id))
        .outerjoin(Document, Document.id == Annotation.document_id)
        .where(and_(*_conditions(f)))
    )
    return int(session.scalar(stmt) or 0)


def records(session: Session, ids: Sequence[int]) -> list[AnnotationRecord]:
    """Records for ``ids``, in the order given (ids that do not exist are left out)."""
    rows: dict[int, Any] = {}
    tags: dict[int, list[str]] = {}
    ents: dict[int, list[LinkedEntity]] = {}
    for chunk in chunks(ids):
        for r in session.execute(
            select(Annotation, Document.title, Document.date, Document.source_path)
            .outerjoin(Document, Document.id == Annotation.document_id)
            .where(Annotation.id.in_(chunk))
        ):
            rows[r[0].id] = r
        for a, t in session.execute(
            select(AnnotationTag.annotation_id, AnnotationTag.tag)
            .where(AnnotationTag.annotation_id.in_(chunk))
            .order_by(AnnotationTag.tag)
        ):
            tags.setdefault(a, []).append(t)
        for a, e, n, typ in session.execute(
            select(AnnotationEntity.annotation_id, Entity.id, Entity.name, Entity.type)
            .join(Entity, Entity.id == AnnotationEntity.entity_id)
            .where(AnnotationEntity.annotation_id.in_(chunk))
            .order_by(Entity.name)
        ):
            ents.setdefault(a, []).append(LinkedEntity(e, n, typ))
    out = []
    for i in ids:
        if i not in rows:
            continue
        a, title, date, source = rows[i]
        out.append(
            AnnotationRecord(
                id=a.id,
                uid=a.uid,
                document_id=a.document_id,
                document_sha256=a.document_sha256,
                start=a.start,
                end=a.end,
                quote=a.quote,
                prefix=a.prefix,
                suffix=a.suffix,
                note=a.note,
                color=a.color,
                tags=tuple(tags.get(i, ())),
                entities=tuple(ents.get(i, ())),
                orphaned=bool(a.orphaned),
                created_at=a.created_at,
                modified_at=a.modified_at,
                deleted_at=a.deleted_at,
                document_title=title,
                document_date=date,
                document_source=source,
            )
        )
    return out


def entities_in_range(session: Session, document_id: int, start: int, end: int) -> list[LinkedEntity]:
    """Entities with a mention inside ``[start, end)`` of a document, in order of first mention."""
    seen: dict[int, LinkedEntity] = {}
    for e, n, typ in session.execute(
        select(Entity.id, Entity.name, Entity.type)
        .join(Mention, Mention.entity_id == Entity.id)
        .where(Mention.document_id == document_id, Mention.start >= start, Mention.end <= end, Entity.rejected == 0)
        .order_by(Mention.start)
    ):
        seen.setdefault(e, LinkedEntity(e, n, typ))
    return list(seen.values())


def entity_by_name(session: Session, name: str) -> int | None:
    """The one live entity called ``name`` (case-insensitive), or None when none or several are."""
    found = list(
        session.scalars(select(Entity.id).where(func.lower(Entity.name) == name.lower(), Entity.rejected == 0).limit(2))
    )
    return found[0] if len(found) == 1 else None


# -- search index ---------------------------------------------------------------------------------
def _annotation_fields(session: Session, ids: Sequence[int]) -> dict[int, tuple[list[str], set[str]]]:
    """{document id: (notes and quotes, tags)} of live annotations."""
    out: dict[int, tuple[list[str], set[str]]] = {}
    for chunk in chunks(ids):
        for doc_id, note, quote in session.execute(
            select(Annotation.document_id, Annotation.note, Annotation.quote)
            .where(Annotation.document_id.in_(chunk), Annotation.deleted_at.is_(None))
            .order_by(Annotation.document_id, Annotation.start)
        ):
            out.setdefault(doc_id, ([], set()))[0].extend(t for t in (quote, note) if t)
        for doc_id, tag in session.execute(
            select(Annotation.document_id, AnnotationTag.tag)
            .join(AnnotationTag, AnnotationTag.annotation_id == Annotation.id)
            .where(Annotation.document_id.in_(chunk), Annotation.deleted_at.is_(None))
        ):
            out.setdefault(doc_id, ([], set()))[1].add(tag)
    return out


def with_annotation_fields(base: FieldsProvider) -> FieldsProvider:
    """A fields provider adding annotations (notes, quotes, tags, ``annotated``) to ``base``'s fields."""

    def provide(session: Session, ids: Sequence[int], /) -> EntityFields:
        out = dict(base(session, ids))
        for doc_id, (texts, tags) in _annotation_fields(session, ids).items():
            f = out.get(doc_id, DocumentFields())
            out[doc_id] = f._replace(tags=tuple(sorted(set(f.tags) | tags)), notes=tuple(texts))
        return out

    return provide
