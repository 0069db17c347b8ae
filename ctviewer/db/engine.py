"""Opening the SQLite database with the settings a trusted archive needs.

WAL lets readers run beside one writer; foreign keys are on; a busy timeout turns short
lock waits into waits instead of errors. pysqlite's own transaction handling is switched
off (SQLAlchemy's documented recipe) so that BEGIN is emitted by us: writers use
``BEGIN IMMEDIATE`` and take the write lock up front instead of failing on upgrade.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from ctviewer.errors import ArchiveError, DamagedArchiveError, StorageError

BUSY_TIMEOUT_MS = 15_000
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024


def make_engine(path: Path, *, read_only: bool = False) -> Engine:
    """An engine on ``path`` with WAL, foreign keys, busy timeout and explicit BEGIN."""
    url = f"sqlite:///file:{path}?mode=ro&uri=true" if read_only else f"sqlite:///{path}"
    engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
        dbapi_conn.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys=ON")
        if not read_only:
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute(f"PRAGMA journal_size_limit={JOURNAL_SIZE_LIMIT}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if not read_only:
            # synchronous can only change outside a transaction: set it just before BEGIN.
            conn.exec_driver_sql(f"PRAGMA synchronous={options.get('sqlite_sync', 'NORMAL')}")
        conn.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}")

    return engine


class Database:
    """The engine plus session factories for readers and for the single writer."""

    def __init__(self, path: Path, *, read_only: bool = False) -> None:
        self.path = path
        self.read_only = read_only
        self.engine = make_engine(path, read_only=read_only)
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._write = sessionmaker(bind=writer, expire_on_commit=False)
        self._durable = sessionmaker(
            bind=writer.execution_options(sqlite_sync="FULL"), expire_on_commit=False
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for queries; nothing it does is committed."""
        with self._read() as session:
            try:
                yield session
            except (DatabaseError, UnicodeDecodeError) as exc:
                known = self._known_error(exc)
                if known is None:
                    raise
                raise known from exc
            finally:
                session.rollback()

    @contextmanager
    def write(self, *, durable: bool = False) -> Iterator[Session]:
        """A write transaction (BEGIN IMMEDIATE), committed on success, rolled back on error.

        ``durable=True`` commits with ``synchronous=FULL`` so the commit survives a power cut
        (used for analysts' own work: annotations and corrections).
        """
        factory = self._durable if durable else self._write
        with factory() as session:
            try:
                yield session
                session.commit()
            except BaseException as exc:
                session.rollback()
                known = self._known_error(exc)
                if known is None:
                    raise
                raise known from exc

    def _known_error(self, exc: BaseException) -> ArchiveError | None:
        """The plain error for a failure the storage caused (full or read-only disk, damaged
        file), or None when it is not one (a bug, a cancelled task...)."""
        if isinstance(exc, UnicodeDecodeError):  # ctviewer only ever stores valid UTF-8
            return damaged_error(self.path, f"undecodable text: {exc.reason}")
        if not isinstance(exc, DatabaseError):
            return None
        storage = storage_error(exc) if isinstance(exc, OperationalError) else None
        if storage is not None:
            return storage
        return damaged_error(self.path, exc.orig) if is_damage(exc) else None

    def dispose(self) -> None:
        self.engine.dispose()


def storage_error(exc: BaseException) -> StorageError | None:
    """The plain message for a write the storage refused (SQLite's own wording), else None.
    The transaction was rolled back, so nothing half-written stays; the caller keeps its data."""
    text = str(exc).lower()
    if "database or disk is full" in text or "no space left" in text:
        return StorageError("The disk is full: nothing was saved. Free some space and try again.")
    if "readonly database" in text or "read-only file system" in text:
        return StorageError("The archive is on read-only storage: nothing can be saved to it.")
    return None


# "no such table/column" from ctviewer's own queries means the stored schema no longer matches
# its version number: damaged schema text (a programming error would fail every test).
_DAMAGE_WORDING = ("malformed", "not a database", "file is encrypted", "disk i/o error", "database corrupt",
                   "could not decode to utf-8", "no such table", "no such column")


def is_damage(exc: BaseException) -> bool:
    """True when SQLite says the file itself is damaged (as opposed to a bad query or a busy lock)."""
    text = str(getattr(exc, "orig", exc)).lower()
    return any(word in text for word in _DAMAGE_WORDING)


def damaged_error(path: Path, exc: BaseException | str | None) -> DamagedArchiveError:
    """The message for a database SQLite reports as damaged, with what the analyst can do."""
    detail = " ".join(str(exc).split())[:300]  # SQLite's reports span lines; a message is one line
    return DamagedArchiveError(
        f"The archive database {path} is damaged ({detail}). Nothing was changed. "
        "`ctviewer restore` puts back the latest backup; `ctviewer salvage` rescues what can "
        "still be read into a new database. Either keeps the damaged file in recovery/."
    )
