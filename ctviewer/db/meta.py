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
# keep their ids while their annotations and entities changed).
INDEX_REBUILD = "index_rebuild"
# The database was just restored or salvaged and the analyst has not yet said it holds what they
# expected: automatic jobs (backups and their rotation) wait, so they cannot rotate away the
# backups the analyst may still want (RELIABILITY T11). JSON, see ctviewer.archive.recovery.
RECOVERY_PENDING = "recovery_pending"


def put_direct(db_path: Path, values: dict[str, str]) -> None:
    """Set ``values`` in one transaction with plain sqlite3: for flags written while no Archive
    has the database open (restore and salvage replace the file under it)."""
    conn = sqlite3.connect(db_path, timeout=15)
    try:
        with conn:
            conn.executemany("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", values.items())
    finally:
        conn.close()


def get_direct(db_path: Path, key: str) -> str | None:
    """Read one flag without an Archive; None when unset or the database cannot be read (a
    damaged file is reported by the code that opens it, not by this side read)."""
    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=15)
    except sqlite3.Error:
        return None
    try:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    except (sqlite3.Error, UnicodeDecodeError):
        return None
    finally:
        conn.close()
    return str(row[0]) if row else None
