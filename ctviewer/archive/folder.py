"""An archive folder: opening, creating and migrating it, and its writer lock.

archive/
  ctviewer.sqlite3   source of truth
  index/             Whoosh index, rebuildable from the database
  originals/         content-addressed copies of imported files
  backups/           online backups (taken before every migration)
"""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ctviewer.archive.backups import take_backup
from ctviewer.archive.lock import WriterLock
from ctviewer.archive.originals import OriginalStore
from ctviewer.db import meta
from ctviewer.db.backup import verify_database
from ctviewer.db.engine import CheckpointReport, Database, damaged_error
from ctviewer.db.migrations import current_version, migrate, schema_version
from ctviewer.db.read_only import ReadOnlySource, read_only_source
from ctviewer.domain.backups import BackupInfo
from ctviewer.errors import ArchiveError, ArchiveTooNewError
from ctviewer.paths import ArchivePaths

log = logging.getLogger(__name__)


class Archive:
    """An opened archive folder. Use :meth:`open`; close with :meth:`close`."""

    def __init__(self, paths: ArchivePaths, db: Database, *, read_only: bool) -> None:
        self.paths = paths
        self.db = db
        self.read_only = read_only
        self.originals = OriginalStore(paths)
        self._lock = WriterLock(paths.lock) if not read_only else None
        self._read_only_source: ReadOnlySource | None = None

    @classmethod
    def open(cls, root: Path, *, create: bool = True, read_only: bool = False) -> Archive:
        paths = ArchivePaths(root)
        if not paths.root.exists():
            if not create or read_only:
                raise ArchiveError(f"No archive at {paths.root}.")
            try:
                paths.root.mkdir(parents=True)
            except OSError as exc:
                raise ArchiveError(f"Cannot create the archive folder {paths.root}: {exc.strerror}.") from exc
        elif not paths.root.is_dir():
            raise ArchiveError(f"{paths.root} is not a folder.")
        if not paths.db.exists() and any(paths.root.iterdir()) and not (paths.index.exists()):
            # Refuse to turn an arbitrary non-empty folder into an archive.
            raise ArchiveError(f"{paths.root} is not a ctviewer archive (it has other files and no database).")
        if not read_only and not os.access(paths.root, os.W_OK):
            read_only = True
        if read_only and not paths.db.exists():
            raise ArchiveError(f"No archive database in {paths.root}.")
        if not read_only:
            paths.originals.mkdir(exist_ok=True)
            _migrate(paths)
            return cls(paths, Database(paths.db), read_only=False)
        source = read_only_source(paths.db, media_writable=os.access(paths.root, os.W_OK))
        try:
            _check_version_readonly(paths, source)
            archive = cls(paths, Database(source.path, read_only=True, immutable=source.immutable), read_only=True)
        except BaseException:
            source.discard()
            raise
        archive._read_only_source = source
        return archive

    # -- writer lane -------------------------------------------------------------------
    @contextmanager
    def writing(self, timeout: float = 2.0) -> Iterator[None]:
        """Hold the archive's single-writer lock for the duration of a write operation."""
        if self._lock is None:
            raise ArchiveError("This archive is open read-only; changes are disabled.")
        if self._lock.held:
            yield
            return
        self._lock.acquire(timeout)
        try:
            yield
        finally:
            self._lock.release()

    # -- index-dirty mark -------------------------------------------------------------
    def set_index_dirty(self, dirty: bool) -> None:
        with self.db.write() as session:
            if dirty:
                meta.put(session, meta.INDEX_DIRTY, "1")
            else:
                meta.remove(session, meta.INDEX_DIRTY)

    def verify(self, *, thorough: bool = True) -> None:
        """Raise DamagedArchiveError when SQLite's ``integrity_check`` (or, not ``thorough``,
        ``quick_check``) finds the database damaged. Both read every page (0.1-1.5 s on a
        10,000-document archive, depending on the page cache), so not on every open."""
        problem = verify_database(self.paths.db, thorough=thorough)
        if problem is not None:
            raise damaged_error(self.paths.db, problem)

    def checkpoint(self) -> CheckpointReport | None:
        """Copy the WAL back into the database and trim the ``-wal`` file when it grew past its
        limit (after bulk writes, and on close). Never waits out a reader and never fails the
        caller, whose work is already committed: a blocked or refused checkpoint is only logged,
        and the next one (or SQLite's own) finishes the job. None when read-only."""
        if self.read_only:
            return None
        try:
            report = self.db.checkpoint()
        except Exception as exc:  # maintenance only: a damaged or full database is reported by real work
            log.warning("WAL checkpoint failed: %s", exc)
            return None
        if report.blocked:
            log.info("%s", report)
        return report

    def backup(self, reason: str = "manual") -> BackupInfo:
        return take_backup(self.paths, reason)

    def close(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self.checkpoint()  # another instance may keep the database open: then SQLite would not
        self.db.dispose()
        if self._read_only_source is not None:
            self._read_only_source.discard()


def _migrate(paths: ArchivePaths) -> None:
    conn = sqlite3.connect(paths.db, isolation_level=None, timeout=15)
    try:
        conn.execute("PRAGMA busy_timeout=15000")
        try:
            version = current_version(conn)
            if version < schema_version():
                conn.execute("PRAGMA journal_mode=WAL")
        except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
            raise damaged_error(paths.db, exc) from exc

        backed_up = version == 0  # a brand-new database has nothing worth a backup

        def before(old: int, _new: int) -> None:
            nonlocal backed_up
            if not backed_up:  # once, before the first step: that copy holds the old schema
                take_backup(paths, f"pre-migration-v{old}")
                backed_up = True

        try:
            migrate(conn, before_step=before)
        except sqlite3.DatabaseError as exc:
            raise ArchiveError(
                f"Upgrading the archive's database failed ({exc}); the archive is unchanged "
                "and a backup was kept in its backups/ folder."
            ) from exc
    finally:
        conn.close()


def _check_version_readonly(paths: ArchivePaths, source: ReadOnlySource) -> None:
    try:
        conn = sqlite3.connect(source.uri, uri=True)
    except sqlite3.Error as exc:
        raise ArchiveError(f"The archive database {paths.db} cannot be opened for reading ({exc}).") from exc
    try:
        version = current_version(conn)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as exc:
        raise damaged_error(paths.db, exc) from exc
    finally:
        conn.close()
    if version > schema_version():
        raise ArchiveTooNewError(
            f"This archive was written by a newer ctviewer (schema {version}; this program knows "
            f"up to {schema_version()}). Update ctviewer to open it."
        )
    if version < schema_version():
        raise ArchiveError("This read-only archive needs an upgrade that cannot be written here.")
