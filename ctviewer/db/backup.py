"""Database copies through SQLite's online backup API (never a plain file copy while open).

Used for backups (live database -> backup file), for restores (backup file -> live database,
so other connections see the change through SQLite's own locking) and for checking that a
file is a healthy ctviewer database before anything relies on it.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from ctviewer.db.migrations import current_version, schema_version

# The change signature: the analyst's work tables are hashed row by row (small, and an edit may
# keep every count and land in the same second); the bulk tables only by count and highest id.
_HASHED_TABLES = (
    "annotations",
    "annotation_tags",
    "annotation_entities",
    "annotation_colors",
    "corrections",
    "entities",
    "entity_aliases",
)
_COUNTED_TABLES = ("documents", "document_texts", "mentions", "roles", "merge_suggestions")


def backup_database(source: Path, target: Path) -> Path:
    """Copy the live database at ``source`` into ``target`` consistently, even while in use.

    The copy is written beside the target and renamed into place, so a crash leaves either
    no backup or a whole one, never a half file under the final name.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(target.name + ".part")
    tmp.unlink(missing_ok=True)
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst)
            # A backup is a single self-contained file: no WAL beside it.
            dst.execute("PRAGMA journal_mode=DELETE")
        finally:
            dst.close()
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    tmp.replace(target)
    return target


def copy_into_live(backup: Path, live: Path) -> None:
    """Overwrite the live database at ``live`` with the contents of ``backup``.

    Goes through the backup API on a connection to the live file, so SQLite takes the locks
    and readers in other processes see either the old or the new database, never a mix.
    """
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(live, timeout=15)
        try:
            src.backup(dst)
            dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            dst.close()
    finally:
        src.close()


def lenient_text(data: bytes) -> str:
    """sqlite3 text factory for files that may be damaged: a bad byte is replaced, not raised."""
    return data.decode("utf-8", "replace")


def verify_database(path: Path, *, thorough: bool = True) -> str | None:
    """None when ``path`` is a healthy ctviewer database this program can open, else why not.

    ``thorough`` runs ``integrity_check`` (reads every page); otherwise ``quick_check``.
    """
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return f"cannot be opened ({exc})"
    conn.text_factory = lenient_text
    try:
        version = current_version(conn)
        if version == 0:
            return "is not a ctviewer database (no schema)"
        if version > schema_version():
            return f"was written by a newer ctviewer (schema {version})"
        pragma = "integrity_check" if thorough else "quick_check"
        rows = [r[0] for r in conn.execute(f"PRAGMA {pragma}")]
        if rows != ["ok"]:
            return "is damaged: " + "; ".join(rows[:3])
        conn.execute("SELECT count(*) FROM documents").fetchone()
    except sqlite3.Error as exc:
        return f"cannot be read ({exc})"
    except UnicodeDecodeError:  # SQLite's own error text quoted damaged bytes
        return "is damaged (unreadable bytes)"
    finally:
        conn.close()
    return None


def change_signature(path: Path) -> str | None:
    """A short digest that changes whenever documents, entities or annotations change.

    Much cheaper than a copy (tens of milliseconds on a 10,000-document archive), so the
    automatic backup can skip one when nothing changed. None when the file cannot be read.
    """
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    conn.text_factory = lenient_text
    digest = hashlib.sha256()
    try:
        digest.update(str(current_version(conn)).encode())
        for table in _COUNTED_TABLES:
            digest.update(repr((table, _fetch(conn, f"SELECT count(*), max(rowid) FROM {table}"))).encode())
        for table in _HASHED_TABLES:
            digest.update(table.encode())
            for row in _rows(conn, f"SELECT * FROM {table} ORDER BY rowid"):
                digest.update(repr(row).encode())
    except (sqlite3.Error, UnicodeDecodeError):
        return None
    finally:
        conn.close()
    return digest.hexdigest()[:16]


def _fetch(conn: sqlite3.Connection, sql: str) -> tuple[object, ...] | None:
    try:
        return tuple(conn.execute(sql).fetchone())
    except sqlite3.OperationalError:  # table not in this (older) schema
        return None


def _rows(conn: sqlite3.Connection, sql: str) -> Iterator[tuple[object, ...]]:
    try:
        yield from conn.execute(sql)
    except sqlite3.OperationalError:  # table not in this (older) schema
        return


def backup_name(reason: str, when: datetime) -> str:
    """``ctviewer-YYYYmmdd-HHMMSS-<reason>.sqlite3`` (UTC), sortable by time."""
    return f"ctviewer-{when.strftime('%Y%m%d-%H%M%S')}-{reason}.sqlite3"
