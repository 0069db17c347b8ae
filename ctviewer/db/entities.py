"""Queries on people, organisations and places. Sessions in, frozen records out.

Rejected entities ("not an entity") never show: their mentions are deleted when they are rejected,
and the lists only hold entities that have mentions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Literal, cast

from sqlalchemy import ColumnElement, Subquery, distinct, func, literal_column, select
from sqlalchemy.orm import Session, aliased

from ctviewer.db.documents import DocumentFields, EntityFields
from ctviewer.db.models import Document, DocumentText, Entity, EntityAlias, Mention, MergeSuggestion, Role
from ctviewer.db.sql import chunks
from ctviewer.domain.entities import (
    Cooccurrence,
    DatedRole,
    DocumentMention,
    EntityDocument,
    EntityRecord,
    EntitySort,
    EntitySummary,
    EntityType,
    MentionRecord,
    RoleSummary,
    SuggestionRecord,
)

# Characters kept on each side of a mention when its sentence is longer (keyword in context),
# before the cut moves back to a word boundary: six to eight words, about what the entity
# card's Before and After columns show beside the mention at a half-screen width.
KWIC_WINDOW = 48


def _counts() -> Subquery:
    return (
        select(
            Mention.entity_id.label("entity_id"),
            func.count(Mention.id).label("mentions"),
            func.count(distinct(Mention.document_id)).label("documents"),
        )
        .group_by(Mention.entity_id)
        .subquery()
    )


def count_entities(session: Session, type_: EntityType | None = None) -> int:
    """How many entities (with at least one mention) there are, of one type or all."""
    stmt = select(func.count(distinct(Mention.entity_id))).join(Entity, Entity.id == Mention.entity_id)
    if type_ is not None:
        stmt = stmt.where(Entity.type == type_)
    return int(session.scalar(stmt) or 0)


def list_entities(
    session: Session,
    type_: EntityType | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
    sort: EntitySort = "name",
    descending: bool = False,
) -> list[EntitySummary]:
    """Entities with mention and document counts, a page at a time."""
    counts = _counts()
    order: ColumnElement[object] = {
        "name": Entity.name.collate("NOCASE"),
        "mentions": counts.c.mentions,
        "documents": counts.c.documents,
    }[sort]
    stmt = (
        select(Entity.id, Entity.type, Entity.name, counts.c.mentions, counts.c.documents)
        .join(counts, counts.c.entity_id == Entity.id)
        .where(Entity.rejected == 0)
        .order_by(order.desc() if descending else order.asc(), Entity.id)
        .offset(offset)
    )
    if type_ is not None:
        stmt = stmt.where(Entity.type == type_)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        EntitySummary(r.id, cast(EntityType, r.type), r.name, r.mentions, r.documents) for r in session.execute(stmt)
    ]


def aliases_of(session: Session, ids: Sequence[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for chunk in chunks(ids):
        rows = session.execute(
            select(EntityAlias.entity_id, EntityAlias.alias)
            .join(Entity, Entity.id == EntityAlias.entity_id)
            .where(EntityAlias.entity_id.in_(chunk), EntityAlias.alias != Entity.name)
            .order_by(EntityAlias.entity_id, EntityAlias.alias)
        )
        for entity_id, alias in rows:
            out.setdefault(entity_id, []).append(alias)
    return out


def _role_summaries(session: Session, ids: Sequence[int]) -> dict[int, list[RoleSummary]]:
    org = aliased(Entity)
    out: dict[int, list[RoleSummary]] = {}
    for chunk in chunks(ids):
        rows = session.execute(
            select(Role.person_id, Role.title, Role.organisation_id, func.coalesce(org.name, Role.organisation_text))
            .outerjoin(org, org.id == Role.organisation_id)
            .where(Role.person_id.in_(chunk))
            .distinct()
            .order_by(Role.person_id, Role.title)
        )
        for person_id, title, org_id, org_name in rows:
            out.setdefault(person_id, []).append(RoleSummary(title, org_name, org_id))
    return out


def entity_records(session: Session, ids: Sequence[int]) -> list[EntityRecord]:
    """Full records (aliases, document ids, distinct roles) for these entities, in the given order."""
    counts = _counts()
    rows = {}
    docs: dict[int, list[int]] = {}
    for chunk in chunks(ids):
        for r in session.execute(
            select(Entity, counts.c.mentions)
            .outerjoin(counts, counts.c.entity_id == Entity.id)
            .where(Entity.id.in_(chunk), Entity.rejected == 0)
        ):
            rows[r[0].id] = (r[0].type, r[0].name, r[0].gazetteer_id, r[1] or 0)
        for entity_id, doc_id in session.execute(
            select(Mention.entity_id, Mention.document_id)
            .where(Mention.entity_id.in_(chunk))
            .distinct()
            .order_by(Mention.entity_id, Mention.document_id)
        ):
            docs.setdefault(entity_id, []).append(doc_id)
    aliases = aliases_of(session, list(rows))
    roles = _role_summaries(session, list(rows))
    return [
        EntityRecord(
            id=i,
            type=cast(EntityType, rows[i][0]),
            name=rows[i][1],
            aliases=tuple(aliases.get(i, ())),
            documents=tuple(docs.get(i, ())),
            mentions=rows[i][3],
            roles=tuple(roles.get(i, ())),
            gazetteer_id=rows[i][2],
        )
        for i in ids
        if i in rows
    ]


def entity_documents(session: Session, entity_id: int) -> list[EntityDocument]:
    """The documents mentioning an entity, by date (undated last), with mention counts."""
    rows = session.execute(
        select(Document.id, Document.title, Document.date, func.count(Mention.id))
        .join(Mention, Mention.document_id == Document.id)
        .where(Mention.entity_id == entity_id)
        .group_by(Document.id)
        .order_by(Document.date.is_(None), Document.date, Document.id)
    )
    return [EntityDocument(r[0], r[1], r[2], r[3]) for r in rows]


def entity_mentions(
    session: Session,
    entity_id: int,
    *,
    document_id: int | None = None,
    offset: int = 0,
    limit: int | None = None,
    window: int = KWIC_WINDOW,
) -> list[MentionRecord]:
    """Mentions with keyword-in-context, in document and text order.

    The context is cut out by SQLite (``substr``), so a long document's text never leaves the
    database for one line of context.
    """
    ctx_start = func.max(Mention.sentence_start, Mention.start - window)
    ctx_end = func.max(func.min(Mention.sentence_end, Mention.end + window), Mention.end)
    stmt = (
        select(
            Mention.id,
            Mention.entity_id,
            Mention.document_id,
            Mention.start,
            Mention.end,
            Mention.text,
            ctx_start.label("cs"),
            func.substr(DocumentText.text, ctx_start + 1, ctx_end - ctx_start).label("ctx"),
            Mention.sentence_start,
            Mention.sentence_end,
            # The characters just outside the context: is a word cut there?
            func.substr(DocumentText.text, ctx_start, 1).label("before"),
            func.substr(DocumentText.text, ctx_end + 1, 1).label("after"),
        )
        .join(DocumentText, DocumentText.document_id == Mention.document_id)
        .where(Mention.entity_id == entity_id)
        .order_by(Mention.document_id, Mention.start)
        .offset(offset)
    )
    if document_id is not None:
        stmt = stmt.where(Mention.document_id == document_id)
    if limit is not None:
        stmt = stmt.limit(limit)
    # substr(text, 0, 1) is "" in SQLite: nothing before a context that starts the text.
    return [
        kwic_record(
            r.id,
            r.entity_id,
            r.document_id,
            r.start,
            r.end,
            r.text,
            r.ctx or "",
            r.cs,
            r.sentence_start,
            r.sentence_end,
            r.before or "",
            r.after or "",
        )
        for r in session.execute(stmt)
    ]


def kwic_record(
    mention_id: int,
    entity_id: int,
    document_id: int,
    start: int,
    end: int,
    text: str,
    context: str,
    context_start: int,
    sentence_start: int | None,
    sentence_end: int | None,
    char_before: str = "",
    char_after: str = "",
) -> MentionRecord:
    """A mention record whose context, where the window cut its sentence, ends at word
    boundaries (a word cut in two is dropped, never the mention) and says it was cut.
    ``char_before``/``char_after`` are the text's characters just outside the context."""
    context_end = context_start + len(context)
    cut_left = sentence_start is not None and context_start > sentence_start
    cut_right = sentence_end is not None and context_end < sentence_end
    if cut_left:
        before = context[: start - context_start]
        drop = 0
        if before and not before[0].isspace() and char_before and not char_before.isspace():
            space = _first_space(before)  # the context starts inside a word: drop that part
            drop = len(before) if space is None else space
        drop += len(before[drop:]) - len(before[drop:].lstrip())  # and the spaces after it
        context, context_start = context[drop:], context_start + drop
    if cut_right:
        after_at = end - context_start
        after = context[after_at:]
        if after and not after[-1].isspace() and char_after and not char_after.isspace():
            space = _last_space(after)  # the context ends inside a word: drop that part
            after = "" if space is None else after[:space]
        context = context[:after_at] + after.rstrip()
    return MentionRecord(
        mention_id,
        entity_id,
        document_id,
        start,
        end,
        text,
        context,
        context_start,
        cut_left=cut_left,
        cut_right=cut_right,
    )


def _first_space(text: str) -> int | None:
    for i, ch in enumerate(text):
        if ch.isspace():
            return i
    return None


def _last_space(text: str) -> int | None:
    for i in range(len(text) - 1, -1, -1):
        if text[i].isspace():
            return i
    return None


def document_mentions(session: Session, document_id: int) -> list[DocumentMention]:
    """Every entity span of one document in text order, with its entity's type and display name."""
    stmt = (
        select(Mention.id, Mention.start, Mention.end, Mention.entity_id, Entity.type, Entity.name)
        .join(Entity, Entity.id == Mention.entity_id)
        .where(Mention.document_id == document_id, Entity.rejected == 0)
        .order_by(Mention.start, Mention.end)
    )
    return [DocumentMention(*row) for row in session.execute(stmt)]


def mentions_by_id(session: Session, mention_ids: Sequence[int]) -> list[tuple[int, int, int, int, int, str]]:
    """``(id, entity_id, document_id, start, end, text)`` of these mentions."""
    out = []
    for chunk in chunks(mention_ids):
        out += [
            (r[0], r[1], r[2], r[3], r[4], r[5])
            for r in session.execute(
                select(
                    Mention.id, Mention.entity_id, Mention.document_id, Mention.start, Mention.end, Mention.text
                ).where(Mention.id.in_(chunk))
            )
        ]
    return out


def mention_at(session: Session, entity_id: int, document_id: int, start: int) -> int | None:
    """The id of the entity's mention starting at ``start`` in a document (CLI: ``DOC:START``)."""
    return session.scalar(
        select(Mention.id).where(
            Mention.entity_id == entity_id, Mention.document_id == document_id, Mention.start == start
        )
    )


def roles_over_time(session: Session, person_id: int) -> list[DatedRole]:
    """Every role a person is given, document by document, oldest first (undated last)."""
    org = aliased(Entity)
    rows = session.execute(
        select(
            Role.title,
            func.coalesce(org.name, Role.organisation_text),
            Role.organisation_id,
            Role.document_id,
            Role.date,
        )
        .outerjoin(org, org.id == Role.organisation_id)
        .where(Role.person_id == person_id)
        .order_by(Role.date.is_(None), Role.date, Role.document_id, Role.start)
    )
    return [DatedRole(*r) for r in rows]


def cooccurring(
    session: Session,
    entity_id: int,
    *,
    scope: Literal["document", "sentence"] = "document",
    type_: EntityType | None = None,
    limit: int | None = 50,
) -> list[Cooccurrence]:
    """Entities met with this one, most frequent first: ``count`` is shared documents, or shared
    sentences with ``scope="sentence"``."""
    if scope == "document":
        mine = select(Mention.document_id).where(Mention.entity_id == entity_id).distinct().subquery()
        pairs = (
            select(Mention.entity_id, Mention.document_id)
            .join(mine, mine.c.document_id == Mention.document_id)
            .where(Mention.entity_id != entity_id)
            .distinct()
            .subquery()
        )
    else:
        mine = (
            select(Mention.document_id, Mention.sentence_start)
            .where(Mention.entity_id == entity_id)
            .distinct()
            .subquery()
        )
        pairs = (
            select(Mention.entity_id, Mention.document_id, Mention.sentence_start)
            .join(mine, (mine.c.document_id == Mention.document_id) & (mine.c.sentence_start == Mention.sentence_start))
            .where(Mention.entity_id != entity_id)
            .distinct()
            .subquery()
        )
    n = func.count(literal_column("*")).label("n")
    stmt = (
        select(Entity.id, Entity.type, Entity.name, n)
        .join(pairs, pairs.c.entity_id == Entity.id)
        .where(Entity.rejected == 0)
        .group_by(Entity.id)
        .order_by(n.desc(), Entity.name)
    )
    if type_ is not None:
        stmt = stmt.where(Entity.type == type_)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [Cooccurrence(r.id, cast(EntityType, r.type), r.name, r.n) for r in session.execute(stmt)]


def suggestions(session: Session, *, include_dismissed: bool = False) -> list[SuggestionRecord]:
    """Merge suggestions, most similar first."""
    a, b = aliased(Entity), aliased(Entity)
    stmt = (
        select(MergeSuggestion, a.name, b.name, a.type)
        .join(a, a.id == MergeSuggestion.a)
        .join(b, b.id == MergeSuggestion.b)
        .where(a.rejected == 0, b.rejected == 0)
        .order_by(MergeSuggestion.score.desc(), MergeSuggestion.id)
    )
    if not include_dismissed:
        stmt = stmt.where(MergeSuggestion.dismissed == 0)
    return [
        SuggestionRecord(
            s.id, s.a, a_name, s.b, b_name, cast(EntityType, typ), s.score, s.reason, tuple(json.loads(s.evidence))
        )
        for s, a_name, b_name, typ in session.execute(stmt)
    ]


_FIELD_OF = {"person": 0, "organisation": 1, "place": 2}


def index_fields(session: Session, ids: Sequence[int], /) -> EntityFields:
    """People, organisations and places (display names, then aliases) per document, for the index.

    A :class:`ctviewer.db.documents.FieldsProvider`: aliases are included so that ``org:osce``
    finds a document that only spells the name out.
    """
    per_doc: dict[int, set[int]] = {}
    entities: dict[int, tuple[str, str]] = {}
    for chunk in chunks(ids):
        for doc_id, entity_id, typ, name in session.execute(
            select(Mention.document_id, Entity.id, Entity.type, Entity.name)
            .join(Entity, Entity.id == Mention.entity_id)
            .where(Mention.document_id.in_(chunk), Entity.rejected == 0)
            .distinct()
        ):
            per_doc.setdefault(doc_id, set()).add(entity_id)
            entities[entity_id] = (typ, name)
    aliases = aliases_of(session, list(entities))
    out: EntityFields = {}
    for doc_id, entity_ids in per_doc.items():
        names: tuple[list[str], list[str], list[str]] = ([], [], [])
        for entity_id in sorted(entity_ids, key=lambda i: entities[i][1].lower()):
            typ, name = entities[entity_id]
            if typ in _FIELD_OF:
                names[_FIELD_OF[typ]].append(name)
        display = tuple(tuple(n) for n in names)
        for entity_id in sorted(entity_ids):
            typ, _ = entities[entity_id]
            if typ in _FIELD_OF:
                names[_FIELD_OF[typ]].extend(a for a in aliases.get(entity_id, ()) if a not in names[_FIELD_OF[typ]])
        out[doc_id] = DocumentFields(tuple(names[0]), tuple(names[1]), tuple(names[2]), (), *display)
    return out
