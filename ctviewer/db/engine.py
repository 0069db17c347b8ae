"""Opening the SQLite database with the settings a trusted archive needs.

WAL lets readers run beside one writer; foreign keys are on; a busy timeout turns short
lock waits into waits instead of errors. pysqlite's own transaction handling is switched
off (SQLAlchemy's documented recipe) so that BEGIN is emitted by us: writers use
``BEGIN IMMEDIATE`` and take the write lock up front instead of failing on upgrade.

SQLite's automatic checkpoints (PASSIVE, after a commit once the WAL holds 1,000 pages) cannot
recycle the WAL while a reader still holds an older snapshot, so the ``-wal`` file grows for as
long as that reader lives, and ``journal_size_limit`` only trims it after a checkpoint that
resets it. :meth:`Database.checkpoint` is the explicit checkpoint to run after bulk writes and
once long readers are gone (reliability case T13).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

# Services hold sessions (opened by Database.read/write) and pass them to the queries of this
# package; they never build SQL themselves, so this is the one name of SQLAlchemy they see.
__all__ = ["CheckpointReport", "Database", "Session", "damaged_error", "integrity_problems"]

from ctviewer.errors import ArchiveError, DamagedArchiveError, StorageError

BUSY_TIMEOUT_MS = 15_000
JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024
# How long an explicit TRUNCATE checkpoint waits for readers and the writer: long enough for
# the app's own short reads to finish, far below BUSY_TIMEOUT_MS, which it would otherwise wait
# out in full whenever a long reader is still there.
CHECKPOINT_WAIT_MS = 250


def make_engine(
    path: Path, *, read_only: bool = False, journal_size_limit: int = JOURNAL_SIZE_LIMIT, immutable: bool = False
) -> Engine:
    """An engine on ``path`` with WAL, foreign keys, busy timeout and explicit BEGIN.
    ``journal_size_limit``: bytes the ``-wal`` file is trimmed to once a checkpoint resets it
    (smaller only in tests, to make the bound observable at small scale)."""
    # immutable=1 (read-only media, see ctviewer.db.read_only): no -shm, no locks, no WAL read.
    flags = "mode=ro&immutable=1" if immutable else "mode=ro"
    url = f"sqlite:///file:{path}?{flags}&uri=true" if read_only else f"sqlite:///{path}"
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
            cur.execute(f"PRAGMA journal_size_limit={int(journal_size_limit)}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        options = conn.get_execution_options()
        if not read_only:
            # synchronous can only change outside a transaction: set it just before BEGIN.
            conn.exec_driver_sql(f"PRAGMA synchronous={options.get('sqlite_sync', 'NORMAL')}")
        conn.exec_driver_sql(f"BEGIN {options.get('sqlite_begin', 'DEFERRED')}")

    return engine


@dataclass(frozen=True)
class CheckpointReport:
    """What :meth:`Database.checkpoint` did. ``blocked``: a reader (or another writer) kept it
    from finishing; nothing is wrong, call it again once that reader has ended."""

    mode: str  # the strongest checkpoint run: "PASSIVE" or "TRUNCATE" ("none": read-only, not WAL)
    wal_frames: int  # frames in the WAL when it ran (-1: unknown, SQLite refused the checkpoint)
    checkpointed: int  # of those, frames now copied back into the database file
    truncated: bool  # the -wal file was reset to 0 bytes
    blocked: bool
    wal_bytes_before: int
    wal_bytes_after: int
    seconds: float

    def __str__(self) -> str:
        outcome = "truncated" if self.truncated else "blocked by a reader or writer" if self.blocked else "done"
        frames = f"{self.checkpointed}/{self.wal_frames}" if self.wal_frames >= 0 else "no"
        return (
            f"{self.mode} checkpoint {outcome}: {frames} frames copied, "
            f"-wal {self.wal_bytes_before / 2**20:.1f} -> {self.wal_bytes_after / 2**20:.1f} MiB "
            f"in {self.seconds * 1000:.0f} ms"
        )


class Database:
    """The engine plus session factories for readers and for the single writer."""

    def __init__(
        self,
        path: Path,
        *,
        read_only: bool = False,
        journal_size_limit: int = JOURNAL_SIZE_LIMIT,
        immutable: bool = False,
    ) -> None:
        self.path = path
        self.read_only = read_only
        self.journal_size_limit = journal_size_limit
        self.engine = make_engine(path, read_only=read_only, journal_size_limit=journal_size_limit, immutable=immutable)
        self._read = sessionmaker(bind=self.engine, expire_on_commit=False)
        writer = self.engine.execution_options(sqlite_begin="IMMEDIATE")
        self._write = sessionmaker(bind=writer, expire_on_commit=False)
        self._durable = sessionmaker(bind=writer.execution_options(sqlite_sync="FULL"), expire_on_commit=False)

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

    @property
    def wal_path(self) -> Path:
        return self.path.with_name(self.path.name + "-wal")

    def wal_bytes(self) -> int:
        """Size of the ``-wal`` file (0 when there is none)."""
        try:
            return self.wal_path.stat().st_size
        except FileNotFoundError:
            return 0

    def checkpoint(self, *, truncate: bool | None = None, wait_ms: int = CHECKPOINT_WAIT_MS) -> CheckpointReport:
        """Copy the WAL back into the database file and, when it has grown past
        ``journal_size_limit`` (or ``truncate=True``), reset the ``-wal`` file to 0 bytes.

        Never waits long: a PASSIVE checkpoint first (it waits for nobody) copies what no
        reader still needs. Only when that copied every frame is TRUNCATE tried, with the busy
        timeout on this connection lowered to ``wait_ms``: TRUNCATE must wait until no reader
        uses the WAL at all and calls the busy handler meanwhile, so with the archive's 15 s
        timeout one long reader would stall the caller 15 s for nothing. When it cannot finish
        the report says ``blocked`` (SQLite then falls back to a passive copy); no busy error is
        raised. Storage and damage errors are raised as the archive's plain errors.
        """
        started = time.perf_counter()
        before = self.wal_bytes()
        if self.read_only:  # a read-only connection cannot write the copy back
            return CheckpointReport("none", 0, 0, False, False, before, before, time.perf_counter() - started)
        want_truncate = before > self.journal_size_limit if truncate is None else truncate
        mode, blocked, truncated = "PASSIVE", False, False
        raw = self.engine.raw_connection()  # outside any transaction: isolation_level is None
        try:
            conn: sqlite3.Connection = raw.driver_connection  # type: ignore[assignment]
            try:
                busy, frames, copied = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                if frames < 0:  # not in WAL mode: nothing to do
                    return CheckpointReport("none", 0, 0, False, False, before, before, time.perf_counter() - started)
                # Frames left uncopied mean a reader holds an older snapshot: TRUNCATE would only
                # wait and fail, so it is not tried.
                blocked = bool(busy) or copied < frames
                if want_truncate and not blocked:
                    mode = "TRUNCATE"
                    conn.execute(f"PRAGMA busy_timeout={int(wait_ms)}")
                    try:
                        busy, frames_now, copied_now = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
                    finally:
                        conn.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
                    blocked = bool(busy)
                    truncated = not blocked
                    if blocked:  # it fell back to a passive copy of what it could
                        frames, copied = frames_now, copied_now
            except sqlite3.OperationalError as exc:
                text = str(exc).lower()
                if "locked" not in text and "busy" not in text:
                    raise
                # SQLITE_BUSY: another connection was checkpointing. SQLITE_LOCKED: this pooled
                # connection still runs a statement, i.e. a result someone kept half-read after
                # its session ended (a pending read outlives ROLLBACK and pins its snapshot too).
                blocked = True
                frames = copied = -1
        except sqlite3.Error as exc:
            raw.invalidate()  # its busy timeout may not have been restored
            known = storage_error(exc) or (damaged_error(self.path, exc) if is_damage(exc) else None)
            if known is None:
                raise
            raise known from exc
        finally:
            raw.close()
        return CheckpointReport(
            mode, frames, copied, truncated, blocked, before, self.wal_bytes(), time.perf_counter() - started
        )

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
_DAMAGE_WORDING = (
    "malformed",
    "not a database",
    "file is encrypted",
    "disk i/o error",
    "database corrupt",
    "could not decode to utf-8",
    "no such table",
    "no such column",
)


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


def integrity_problems(session: Session) -> tuple[list[str], int]:
    """SQLite's ``integrity_check`` findings (empty when "ok") and the number of rows that break
    foreign keys."""
    integrity = [str(row[0]) for row in session.execute(text("PRAGMA integrity_check"))]
    broken = len(session.execute(text("PRAGMA foreign_key_check")).all())
    return ([] if integrity == ["ok"] else integrity), broken
