"""Stepwise schema migrations, tracked in ``PRAGMA user_version``.

Each step is a list of SQL statements run in ONE transaction together with the
``user_version`` bump, so a crash mid-migration leaves the old schema intact (SQLite DDL is
transactional). Steps are append-only: never edit a released step, add a new one.
The ORM models in ``models.py`` mirror the schema these steps produce (a test checks it).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence

from ctviewer.errors import ArchiveTooNewError

Step = Sequence[str]

STEP_1_CORE: Step = (
    """CREATE TABLE meta (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
    """CREATE TABLE documents (
        id INTEGER PRIMARY KEY,
        sha256 TEXT NOT NULL UNIQUE,
        title TEXT NOT NULL,
        date TEXT,
        place TEXT,
        language TEXT,
        pages INTEGER,
        file_type TEXT NOT NULL,
        encoding TEXT,
        size_bytes INTEGER NOT NULL,
        source_path TEXT NOT NULL,
        original_name TEXT NOT NULL,
        imported_at TEXT NOT NULL,
        truncated INTEGER NOT NULL DEFAULT 0,
        warnings TEXT NOT NULL DEFAULT '[]',
        extra TEXT NOT NULL DEFAULT '{}',
        extraction_state TEXT NOT NULL DEFAULT 'pending'
    )""",
    "CREATE INDEX ix_documents_date ON documents (date)",
    "CREATE INDEX ix_documents_extraction_state ON documents (extraction_state)",
    """CREATE TABLE document_texts (
        document_id INTEGER PRIMARY KEY REFERENCES documents (id) ON DELETE CASCADE,
        text TEXT NOT NULL,
        raw_text TEXT NOT NULL,
        page_spans TEXT NOT NULL DEFAULT '[]'
    )""",
    """CREATE TABLE import_runs (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        cancelled INTEGER NOT NULL DEFAULT 0
    )""",
    """CREATE TABLE import_items (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES import_runs (id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        status TEXT NOT NULL,
        document_id INTEGER REFERENCES documents (id) ON DELETE SET NULL,
        reason TEXT,
        warnings TEXT NOT NULL DEFAULT '[]'
    )""",
    "CREATE INDEX ix_import_items_run ON import_items (run_id)",
)

MIGRATIONS: list[Step] = [STEP_1_CORE]


def schema_version() -> int:
    """The schema version this program writes."""
    return len(MIGRATIONS)


def current_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(
    conn: sqlite3.Connection,
    *,
    before_step: Callable[[int, int], None] | None = None,
) -> list[int]:
    """Bring the database on ``conn`` (autocommit mode) to :func:`schema_version`.

    ``before_step(from_version, to_version)`` runs before each step (the archive takes a
    backup there). Returns the versions reached. Raises :class:`ArchiveTooNewError` when the
    file was written by a newer ctviewer.
    """
    version = current_version(conn)
    target = schema_version()
    if version > target:
        raise ArchiveTooNewError(
            f"This archive was written by a newer ctviewer (schema {version}; this program "
            f"knows up to {target}). Update ctviewer to open it."
        )
    reached: list[int] = []
    for index in range(version, target):
        if before_step is not None:
            before_step(index, index + 1)
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read inside the lock: another process may have migrated meanwhile.
            if current_version(conn) != index:
                conn.execute("ROLLBACK")
                continue
            for statement in MIGRATIONS[index]:
                conn.execute(statement)
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                raise RuntimeError(f"migration {index + 1} left foreign key problems: {problems[:5]}")
            conn.execute(f"PRAGMA user_version={index + 1}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        reached.append(index + 1)
    return reached
