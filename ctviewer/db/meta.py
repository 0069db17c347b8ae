"""Key/value flags in the ``meta`` table (e.g. the index-dirty mark)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.dialects.sqlite import insert
from sqlalchemy.orm import Session

from ctviewer.db.models import Meta

INDEX_DIRTY = "index_dirty"
# A token written in the database and beside the index after every index commit; when they
# differ, one store lost writes the other kept (a deleted -wal, an old copy put back).
INDEX_GENERATION = "index_generation"


def get(session: Session, key: str) -> str | None:
    return session.scalar(select(Meta.value).where(Meta.key == key))


def put(session: Session, key: str, value: str) -> None:
    stmt = insert(Meta).values(key=key, value=value)
    session.execute(stmt.on_conflict_do_update(index_elements=[Meta.key], set_={"value": value}))


def remove(session: Session, key: str) -> None:
    session.execute(delete(Meta).where(Meta.key == key))


# Documents whose index entries may be older than the database: written in the same
# transaction as the change itself, so a crash between the database commit and the index
# commit is always found on the next open (the id sets alone cannot show a stale entry).
INDEX_STALE = "index_stale"


def stale_ids(session: Session) -> set[int]:
    value = get(session, INDEX_STALE)
    return {int(i) for i in json.loads(value)} if value else set()


def add_stale(session: Session, ids: Iterable[int]) -> None:
    new = set(ids)
    if new:
        put(session, INDEX_STALE, json.dumps(sorted(stale_ids(session) | new)))


def remove_stale(session: Session, ids: Iterable[int]) -> None:
    current = stale_ids(session)
    left = current - set(ids)
    if left == current:
        return
    if left:
        put(session, INDEX_STALE, json.dumps(sorted(left)))
    else:
        remove(session, INDEX_STALE)


# The whole index must be built afresh (the database was restored or salvaged: documents may
# keep their ids while their annotations and entities changed). Set with plain sqlite3 because
# it is written while no Archive has the database open.
INDEX_REBUILD = "index_rebuild"


def mark_rebuild(db_path: Path) -> None:
    conn = sqlite3.connect(db_path, timeout=15)
    try:
        with conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (INDEX_REBUILD,))
    finally:
        conn.close()
