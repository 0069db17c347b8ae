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

# People, organisations and places (issue 3). Entity ids are AUTOINCREMENT so an id, once
# used, is never given to another entity: the corrections log refers to entities by id.
STEP_2_ENTITIES: Step = (
    """CREATE TABLE entities (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        type TEXT NOT NULL,
        name TEXT NOT NULL,
        key TEXT NOT NULL,
        gazetteer_id TEXT,
        rejected INTEGER NOT NULL DEFAULT 0,
        analyst INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL
    )""",
    "CREATE INDEX ix_entities_type_name ON entities (type, name)",
    "CREATE INDEX ix_entities_key ON entities (key)",
    "CREATE INDEX ix_entities_gazetteer_id ON entities (gazetteer_id)",
    """CREATE TABLE entity_aliases (
        entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
        alias TEXT NOT NULL,
        key TEXT NOT NULL,
        source TEXT NOT NULL DEFAULT 'extracted',
        PRIMARY KEY (entity_id, alias)
    )""",
    "CREATE INDEX ix_entity_aliases_key ON entity_aliases (key)",
    """CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        text TEXT NOT NULL,
        sentence_start INTEGER NOT NULL,
        sentence_end INTEGER NOT NULL,
        source TEXT NOT NULL DEFAULT 'ner'
    )""",
    "CREATE INDEX ix_mentions_entity ON mentions (entity_id, document_id)",
    "CREATE INDEX ix_mentions_document ON mentions (document_id, start)",
    """CREATE TABLE roles (
        id INTEGER PRIMARY KEY,
        person_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
        title TEXT NOT NULL,
        organisation_id INTEGER REFERENCES entities (id) ON DELETE SET NULL,
        organisation_text TEXT,
        document_id INTEGER NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
        start INTEGER NOT NULL,
        date TEXT
    )""",
    "CREATE INDEX ix_roles_person ON roles (person_id, date)",
    "CREATE INDEX ix_roles_document ON roles (document_id)",
    "CREATE INDEX ix_roles_organisation ON roles (organisation_id)",
    """CREATE TABLE corrections (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        created_at TEXT NOT NULL,
        who TEXT NOT NULL,
        kind TEXT NOT NULL
            CHECK (kind IN ('merge', 'split', 'rename', 'retype', 'reject', 'alias', 'dismiss')),
        payload TEXT NOT NULL
    )""",
    """CREATE TABLE merge_suggestions (
        id INTEGER PRIMARY KEY,
        a INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
        b INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
        score REAL NOT NULL,
        reason TEXT NOT NULL,
        evidence TEXT NOT NULL DEFAULT '[]',
        dismissed INTEGER NOT NULL DEFAULT 0,
        UNIQUE (a, b)
    )""",
    "CREATE INDEX ix_merge_suggestions_b ON merge_suggestions (b)",
)

# Passage annotations (issue 5). ``document_id`` is SET NULL when a document goes, while
# ``document_sha256`` stays so the annotation can be re-attached if the document comes back; ``uid``
# (a UUID) identifies an annotation across archives (W3C export/import, duplicate detection);
# ``deleted_at`` is a soft delete (undo restores). The colour palette is fixed; labels can be renamed.
STEP_3_ANNOTATIONS: Step = (
    """CREATE TABLE annotation_colors (
        name TEXT PRIMARY KEY,
        label TEXT NOT NULL,
        position INTEGER NOT NULL DEFAULT 0
    )""",
    """INSERT INTO annotation_colors (name, label, position) VALUES
        ('yellow', 'Important', 1), ('green', 'Commitment', 2), ('blue', 'Claim', 3),
        ('red', 'Contradiction', 4), ('purple', 'Question', 5)""",
    """CREATE TABLE annotations (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        uid TEXT NOT NULL UNIQUE,
        document_id INTEGER REFERENCES documents (id) ON DELETE SET NULL,
        document_sha256 TEXT NOT NULL,
        start INTEGER NOT NULL,
        "end" INTEGER NOT NULL,
        quote TEXT NOT NULL,
        prefix TEXT NOT NULL DEFAULT '',
        suffix TEXT NOT NULL DEFAULT '',
        note TEXT NOT NULL DEFAULT '',
        color TEXT NOT NULL DEFAULT 'yellow' REFERENCES annotation_colors (name),
        orphaned INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL,
        modified_at TEXT NOT NULL,
        deleted_at TEXT
    )""",
    "CREATE INDEX ix_annotations_document ON annotations (document_id, start)",
    "CREATE INDEX ix_annotations_sha256 ON annotations (document_sha256)",
    "CREATE INDEX ix_annotations_created ON annotations (created_at)",
    """CREATE TABLE annotation_tags (
        annotation_id INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
        tag TEXT NOT NULL,
        PRIMARY KEY (annotation_id, tag)
    )""",
    "CREATE INDEX ix_annotation_tags_tag ON annotation_tags (tag)",
    """CREATE TABLE annotation_entities (
        annotation_id INTEGER NOT NULL REFERENCES annotations (id) ON DELETE CASCADE,
        entity_id INTEGER NOT NULL REFERENCES entities (id) ON DELETE CASCADE,
        PRIMARY KEY (annotation_id, entity_id)
    )""",
    "CREATE INDEX ix_annotation_entities_entity ON annotation_entities (entity_id)",
)

MIGRATIONS: list[Step] = [STEP_1_CORE, STEP_2_ENTITIES, STEP_3_ANNOTATIONS]


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
