"""Entity ids in display order for the desktop app's entity tables. Session in, ids out.

Like the documents table, an entity table holds only ids (one query per sort/filter change) and
asks for rows a page at a time (``ctviewer.db.entities.entity_records``).
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, distinct, exists, func, or_, select
from sqlalchemy.orm import Session

from ctviewer.db.models import Entity, EntityAlias, Mention
from ctviewer.db.sql import contains_pattern
from ctviewer.domain.entities import EntitySort, EntityType


def entity_ids(
    session: Session,
    type_: EntityType | None = None,
    *,
    sort: EntitySort = "name",
    descending: bool = False,
    text: str = "",
) -> list[int]:
    """Ids of the (non-rejected, mentioned) entities whose name or an alias contains ``text``
    (case-insensitively), in display order; ties are broken by id so the order is stable."""
    counts = (
        select(
            Mention.entity_id.label("entity_id"),
            func.count(Mention.id).label("mentions"),
            func.count(distinct(Mention.document_id)).label("documents"),
        )
        .group_by(Mention.entity_id)
        .subquery()
    )
    order: ColumnElement[object] = {
        "name": Entity.name.collate("NOCASE"),
        "mentions": counts.c.mentions,
        "documents": counts.c.documents,
    }[sort]
    stmt = select(Entity.id).join(counts, counts.c.entity_id == Entity.id).where(Entity.rejected == 0)
    if type_ is not None:
        stmt = stmt.where(Entity.type == type_)
    needle = text.strip()
    if needle:
        pattern = contains_pattern(needle)
        # An analyst looking for "OSCE" expects the entity shown as its long name, too.
        alias_hit = exists().where(EntityAlias.entity_id == Entity.id, EntityAlias.alias.ilike(pattern, escape="\\"))
        stmt = stmt.where(or_(Entity.name.ilike(pattern, escape="\\"), alias_hit))
    stmt = stmt.order_by(
        order.desc() if descending else order.asc(), Entity.id.desc() if descending else Entity.id.asc()
    )
    return list(session.scalars(stmt))
