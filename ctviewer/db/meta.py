"""Key/value flags in the ``meta`` table (e.g. the index-dirty mark)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from ctviewer.db.models import Meta

INDEX_DIRTY = "index_dirty"


def get(session: Session, key: str) -> str | None:
    return session.scalar(select(Meta.value).where(Meta.key == key))


def put(session: Session, key: str, value: str) -> None:
    stmt = insert(Meta).values(key=key, value=value)
    session.execute(stmt.on_conflict_do_update(index_elements=[Meta.key], set_={"value": value}))


def remove(session: Session, key: str) -> None:
    session.execute(delete(Meta).where(Meta.key == key))
