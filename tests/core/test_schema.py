"""The schema: migrations build it, ORM models mirror it, versions are enforced."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect

from ctviewer.archive.folder import Archive
from ctviewer.db import migrations
from ctviewer.db.models import Base
from ctviewer.errors import ArchiveError, ArchiveTooNewError, DamagedArchiveError


def _columns_by_table(url: str) -> dict[str, set[str]]:
    insp = inspect(create_engine(url))
    return {t: {c["name"] for c in insp.get_columns(t)} for t in insp.get_table_names()}


def test_orm_models_mirror_the_migrated_schema(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    archive.close()
    migrated = _columns_by_table(f"sqlite:///{tmp_path / 'a' / 'ctviewer.sqlite3'}")
    declared = {t.name: {c.name for c in t.columns} for t in Base.metadata.sorted_tables}
    assert declared == migrated


def test_new_archive_has_current_version_and_pragmas(tmp_path: Path) -> None:
    archive = Archive.open(tmp_path / "a")
    with archive.db.read() as session:
        conn = session.connection()
        assert conn.exec_driver_sql("PRAGMA user_version").scalar() == migrations.schema_version()
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 10_000
    archive.close()
    assert (tmp_path / "a" / "originals").is_dir()


def test_archive_newer_than_program_is_refused(tmp_path: Path) -> None:
    Archive.open(tmp_path / "a").close()
    db = tmp_path / "a" / "ctviewer.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute(f"PRAGMA user_version={migrations.schema_version() + 5}")
    with pytest.raises(ArchiveTooNewError, match="newer ctviewer"):
        Archive.open(tmp_path / "a")


def test_failed_migration_step_leaves_old_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    Archive.open(tmp_path / "a").close()
    db = tmp_path / "a" / "ctviewer.sqlite3"
    broken_step = ("CREATE TABLE new_table (id INTEGER PRIMARY KEY)", "THIS IS NOT SQL")
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, broken_step])
    with pytest.raises(ArchiveError, match="archive is unchanged"):
        Archive.open(tmp_path / "a")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations.MIGRATIONS) - 1
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert "new_table" not in names
    # a backup was taken before the step was tried
    assert list((tmp_path / "a" / "backups").glob("*pre-migration*.sqlite3"))


def test_forward_migration_applies_new_step_and_keeps_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    archive = Archive.open(tmp_path / "a")
    with archive.db.write() as session:
        session.connection().exec_driver_sql("INSERT INTO meta (key, value) VALUES ('k', 'v')")
    archive.close()
    step = ("CREATE TABLE later (id INTEGER PRIMARY KEY)",)
    monkeypatch.setattr(migrations, "MIGRATIONS", [*migrations.MIGRATIONS, step])
    archive = Archive.open(tmp_path / "a")
    with archive.db.read() as session:
        conn = session.connection()
        assert conn.exec_driver_sql("SELECT value FROM meta WHERE key='k'").scalar() == "v"
        assert conn.exec_driver_sql("PRAGMA user_version").scalar() == len(migrations.MIGRATIONS)
        conn.exec_driver_sql("SELECT count(*) FROM later").scalar()
    archive.close()


def test_folder_with_other_files_is_not_turned_into_an_archive(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ArchiveError, match="not a ctviewer archive"):
        Archive.open(tmp_path)


def test_garbage_database_gives_clear_error(tmp_path: Path) -> None:
    root = tmp_path / "a"
    root.mkdir()
    (root / "ctviewer.sqlite3").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(DamagedArchiveError, match=r"is damaged .file is not a database.*ctviewer restore"):
        Archive.open(root)
