"""SIGKILL in the middle of a schema migration: the database keeps its old schema and data, the
pre-migration backup exists, and the next open migrates cleanly."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ctviewer.archive.folder import Archive
from ctviewer.db.migrations import MIGRATIONS, schema_version

pytestmark = pytest.mark.slow  # a migration killed with SIGKILL

# Runs the real migration, with a statement that takes seconds added to the last step, so the
# kill lands inside the step's transaction.
SCRIPT = """
import sys
from pathlib import Path
from ctviewer.db import migrations
slow = ("CREATE TABLE slow_step AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c "
        "LIMIT 50000000) SELECT x FROM c")
migrations.MIGRATIONS[-1] = (slow, *migrations.MIGRATIONS[-1])
from ctviewer.archive.folder import Archive
Archive.open(Path(sys.argv[1]))
"""


def _old_archive(root: Path) -> Path:
    """An archive one schema step behind, holding a document."""
    root.mkdir(parents=True)
    db = root / "ctviewer.sqlite3"
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    for step in MIGRATIONS[:-1]:
        for statement in step:
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version={schema_version() - 1}")
    conn.execute(
        "INSERT INTO documents (sha256, title, file_type, size_bytes, source_path, original_name, "
        "imported_at) VALUES ('ab', 'Kept through the kill', 'txt', 1, '/x.txt', 'x.txt', '2026')"
    )
    conn.close()
    (root / "index").mkdir()
    return db


def _tables(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def test_kill_mid_migration_leaves_the_old_schema_intact(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    db = _old_archive(root)
    old_tables = _tables(db)
    process = subprocess.Popen([sys.executable, "-c", SCRIPT, str(root)], stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not list((root / "backups").glob("*pre-migration*.sqlite3")) and time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        time.sleep(0.02)
    time.sleep(0.5)  # inside the step's transaction (the slow statement runs for seconds)
    assert process.poll() is None, "the migration finished before the kill"
    process.send_signal(signal.SIGKILL)
    process.wait()

    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version() - 1
        assert conn.execute("SELECT title FROM documents").fetchall() == [("Kept through the kill",)]
    finally:
        conn.close()
    assert _tables(db) == old_tables  # fully old: no table of the new step, no half-made one
    backup = next((root / "backups").glob("*pre-migration*.sqlite3"))
    assert _tables(backup) == old_tables

    archive = Archive.open(root)  # the next open migrates cleanly
    try:
        assert "annotations" in _tables(db) and "slow_step" not in _tables(db)
    finally:
        archive.close()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == schema_version()
        assert conn.execute("SELECT title FROM documents").fetchall() == [("Kept through the kill",)]
    finally:
        conn.close()
