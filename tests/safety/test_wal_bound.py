"""WAL growth with a long reader (reliability case T13), at small scale.

A reader that keeps one read transaction open pins the WAL: SQLite's automatic checkpoints
cannot recycle it, so it grows for as long as the reader lives. The import must still never
see a busy or locked database, the reader must keep seeing its old snapshot, and once the
reader ends ``Database.checkpoint`` must bring the ``-wal`` file back under the journal size
limit (here lowered to 256 KiB so that the bound shows at small scale; the archive's default
stays 64 MiB). While a reader is still there the checkpoint must return at once and say it
was blocked, instead of waiting out the 15 s busy timeout.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from ctviewer.db.backup import verify_database
from ctviewer.db.engine import BUSY_TIMEOUT_MS, JOURNAL_SIZE_LIMIT, Database
from ctviewer.library import Library

from ..entities.conftest import FakeExtractor

SMALL_LIMIT = 256 * 1024
BATCH = 120
# SQLite checkpoints automatically once the WAL holds 1,000 pages (4 KiB each by default);
# without a reader the -wal file never grows much past that.
AUTO_CHECKPOINT_BYTES = 1000 * 4096


def _inbox(folder: Path, n: int, first: int) -> list[Path]:
    """``n`` distinct documents of ~40 KB: enough pages that a pinned WAL outgrows what the
    automatic checkpoint would keep (each text is stored twice, cleaned and raw)."""
    folder.mkdir(parents=True)
    paths = []
    for i in range(first, first + n):
        path = folder / f"statement-{i:03d}.txt"
        path.write_text(
            f"Statement {i} on regional cooperation.\n\n" + f"Paragraph {i} of the text. " * 1500, encoding="utf-8"
        )
        paths.append(path)
    return paths


def _open(root: Path) -> Library:
    """A library whose database trims its WAL to SMALL_LIMIT (the engine allows a smaller limit)."""
    library = Library.open(root, extractor=FakeExtractor())
    archive = library.archive
    archive.db.dispose()
    archive.db = Database(archive.paths.db, journal_size_limit=SMALL_LIMIT)
    return library


class _LongReader(threading.Thread):
    """Holds ONE read transaction (ctviewer's own ``Database.read``, a second connection) from
    before the import until told to stop, iterating the texts slowly as an export would."""

    def __init__(self, db: Database) -> None:
        super().__init__(name="long-reader", daemon=True)
        self.db = db
        self.snapshot_taken = threading.Event()
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.counts: list[int] = []
        self.ids: list[int] = []

    def run(self) -> None:
        try:
            with self.db.read() as session:
                conn = session.connection()
                self.counts.append(conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one())
                rows = conn.exec_driver_sql("SELECT document_id, text FROM document_texts ORDER BY document_id")
                self.snapshot_taken.set()
                for doc_id, body in rows:
                    assert body.startswith("Statement ")
                    self.ids.append(doc_id)
                    self.stop.wait(0.002)
                while not self.stop.wait(0.01):  # keep the transaction until the import is over
                    self.counts.append(conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one())
                self.counts.append(conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one())
        except BaseException as exc:  # re-raised in the test's thread
            self.error = exc
        finally:
            self.snapshot_taken.set()


def _import(library: Library, paths: list[Path]) -> int:
    """Import ``paths`` (inline readers: quick); returns the largest -wal size seen after a commit."""
    largest = 0

    def after_each(_outcome: object) -> None:
        nonlocal largest
        largest = max(largest, library.archive.db.wal_bytes())

    report = library.import_paths(paths, on_outcome=after_each, workers=0)
    assert len(report.of("imported")) == len(paths), report.of("failed")[:3]
    return largest


@pytest.mark.slow
def test_a_long_reader_pins_the_wal_and_the_checkpoint_truncates_it_afterwards(tmp_path: Path) -> None:
    library = _open(tmp_path / "archive")
    db = library.archive.db
    try:
        # A normal session: no reader, the automatic checkpoints keep the WAL small.
        free = _import(library, _inbox(tmp_path / "first", BATCH, 0))
        assert free <= AUTO_CHECKPOINT_BYTES + 512 * 1024, free
        first_ids = sorted(d.id for d in library.documents())

        reader = _LongReader(db)
        reader.start()
        assert reader.snapshot_taken.wait(10)
        try:
            pinned = _import(library, _inbox(tmp_path / "second", BATCH, BATCH))  # no busy error may surface
            # The reader's old snapshot keeps every page the second batch wrote in the WAL.
            assert pinned > 2 * free, (pinned, free)
            assert pinned > SMALL_LIMIT
            started = time.perf_counter()
            blocked = db.checkpoint()
            assert time.perf_counter() - started < 2
            assert blocked.blocked and not blocked.truncated, blocked
            assert blocked.checkpointed < blocked.wal_frames, blocked
            assert blocked.wal_bytes_after == blocked.wal_bytes_before >= pinned  # nothing recycled
        finally:
            reader.stop.set()
            reader.join(10)
        if reader.error is not None:
            raise reader.error
        # The reader saw the first batch only, the whole time, and every row of it.
        assert reader.counts and set(reader.counts) == {BATCH}, reader.counts
        assert reader.ids == first_ids

        assert db.wal_bytes() >= pinned  # nothing shrinks by itself once the reader is gone
        # The next bulk write (its commits, then the archive's checkpoint at its end) brings the
        # WAL back under the limit.
        _import(library, _inbox(tmp_path / "third", 1, 2 * BATCH))
        assert db.wal_bytes() <= SMALL_LIMIT
        assert library.document_count() == 2 * BATCH + 1
        done = db.checkpoint()
        assert done.mode == "PASSIVE" and not done.blocked and not done.truncated, done
    finally:
        library.close()
    assert verify_database(tmp_path / "archive" / "ctviewer.sqlite3") is None  # integrity_check ok


def test_the_checkpoint_does_not_wait_out_the_busy_timeout_while_a_reader_is_active(tmp_path: Path) -> None:
    db = Database(tmp_path / "db.sqlite3")
    try:
        with db.write() as session:
            session.execute(text("CREATE TABLE t (x TEXT)"))
            for i in range(300):
                session.execute(text("INSERT INTO t VALUES (:x)"), {"x": f"row {i} " * 200})
        with db.read() as reading:
            # A reader on the newest snapshot: every frame can be copied, but the WAL cannot be
            # reset under it, so TRUNCATE has to wait for it (and calls the busy handler).
            assert reading.execute(text("SELECT count(*) FROM t")).scalar_one() == 300
            started = time.perf_counter()
            report = db.checkpoint(truncate=True)
            elapsed = time.perf_counter() - started
            assert elapsed < 2, f"waited {elapsed:.1f} s (the busy timeout is {BUSY_TIMEOUT_MS / 1000:.0f} s)"
            assert report.mode == "TRUNCATE" and report.blocked and not report.truncated, report
            assert db.wal_bytes() > 0
            # The shortened wait stayed with the checkpoint: the connection it used (the only
            # idle one while the reader holds the other) waits the full 15 s again.
            raw = db.engine.raw_connection()
            try:
                assert raw.cursor().execute("PRAGMA busy_timeout").fetchone()[0] == BUSY_TIMEOUT_MS
            finally:
                raw.close()
        report = db.checkpoint(truncate=True)  # the reader is gone
        assert report.truncated and db.wal_bytes() == 0, report
        # Under the limit and not forced: the WAL file is left for reuse (no truncation needed).
        with db.write() as session:
            session.execute(text("INSERT INTO t VALUES ('one more')"))
        assert db.wal_bytes() < JOURNAL_SIZE_LIMIT
        report = db.checkpoint()
        assert report.mode == "PASSIVE" and not report.blocked and report.checkpointed == report.wal_frames
    finally:
        db.dispose()
