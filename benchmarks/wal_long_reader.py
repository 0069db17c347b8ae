"""WAL growth with a long reader during an import: reliability case T13 (not a test).

    .venv/bin/python benchmarks/wal_long_reader.py                  # N = 2,000 per phase
    .venv/bin/python benchmarks/wal_long_reader.py --n 300          # a quick run
    .venv/bin/python benchmarks/wal_long_reader.py --reader thread  # reader in this process

One archive, two imports of N UN General Debate speeches each (2N distinct files):

(a) a normal session: the import alone, the ``-wal`` file's size sampled every 50 ms;
(b) the next N speeches while a second app instance (a separate process by default) holds
    ONE read transaction open the whole time, iterating ``SELECT document_id, text FROM
    document_texts`` slowly, as a long export would, and keeps holding it until the import ends.

Printed: docs/s, the WAL's largest and final size in each phase, whether any error (a busy or
locked database above all) reached the importer or the reader, what ``Database.checkpoint``
does while the reader is still there (it must return at once, not after the 15 s busy timeout)
and after it ended (the time to truncate the WAL and its size afterwards), the reader's
snapshot consistency, and the final integrity_check.

Only the import itself is measured: ``Library.import_paths`` never runs spaCy (entity
extraction is a separate step, ``Library.extract``, which this benchmark does not call), so no
fake extractor is needed. As in the desktop app, the import reads files in worker processes.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import queue
import shutil
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ungd import sample, speech_files  # noqa: E402

from ctviewer.db.backup import verify_database  # noqa: E402
from ctviewer.db.engine import JOURNAL_SIZE_LIMIT, Database  # noqa: E402
from ctviewer.domain.imports import ImportReport  # noqa: E402
from ctviewer.library import Library  # noqa: E402

UNPACKED = Path("/tmp/lead/bench/ungd")
SAMPLE_S = 0.05
MB = 1024 * 1024  # figures in MiB, the unit of the 64 MiB journal_size_limit


class _Event(Protocol):
    def set(self) -> None: ...
    def is_set(self) -> bool: ...
    def wait(self, timeout: float | None = None) -> bool: ...


class _Queue(Protocol):
    def put(self, item: Any) -> None: ...


def speeches(source: Path | None, work: Path, count: int) -> list[Path]:
    """``count`` distinct speeches (a fixed random sample), unpacking the tarball if needed."""
    return sample(speech_files(work, source), count)


class WalSampler:
    """Samples the size of the ``-wal`` file every ``SAMPLE_S`` in a thread; keeps the largest."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self.largest = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-sampler", daemon=True)

    def _run(self) -> None:
        while True:
            self.largest = max(self.largest, self.db.wal_bytes())
            self.samples += 1
            if self._stop.wait(SAMPLE_S):
                return

    def __enter__(self) -> WalSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.largest = max(self.largest, self.db.wal_bytes())  # the very end, too


def long_reader(db_path: str, pace_s: float, started: _Event, stop: _Event, results: _Queue) -> None:
    """A second app instance's long read: ONE read transaction (ctviewer's own ``Database.read``)
    that counts the documents, iterates every text slowly, then keeps the transaction until
    ``stop`` is set and counts again: both counts must match (its snapshot stays put)."""
    out: dict[str, Any] = {"error": None, "rows": 0, "count_start": -1, "count_end": -1, "held_s": 0.0}
    db = Database(Path(db_path))
    began = time.perf_counter()
    try:
        with db.read() as session:
            conn = session.connection()
            out["count_start"] = conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()
            rows = conn.exec_driver_sql("SELECT document_id, text FROM document_texts ORDER BY document_id")
            started.set()  # the snapshot is taken: the import may start
            for _doc_id, text in rows:
                out["rows"] += 1
                out["chars"] = out.get("chars", 0) + len(text)
                if stop.wait(pace_s):
                    break
            while not stop.wait(0.05):  # rows exhausted: an export still writing its file
                pass
            out["count_end"] = conn.exec_driver_sql("SELECT count(*) FROM documents").scalar_one()
    except Exception as exc:  # reported, not raised: any error reaching the reader is a finding
        out["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        out["held_s"] = time.perf_counter() - began
        db.dispose()
        started.set()
        results.put(out)


@dataclass
class Phase:
    name: str
    docs: int
    seconds: float
    wal_max: int
    wal_end: int
    samples: int
    failed: list[str] = field(default_factory=list)
    error: str | None = None

    def print(self) -> None:
        print(
            f"[{self.name}] import {self.docs:,} speeches: {self.seconds:6.1f} s  "
            f"{self.docs / self.seconds:6.1f} docs/s"
        )
        print(
            f"[{self.name}] WAL max {self.wal_max / MB:7.1f} MiB  at end {self.wal_end / MB:7.1f} MiB  "
            f"(journal_size_limit {JOURNAL_SIZE_LIMIT / MB:.0f} MiB; "
            f"{self.samples} samples every {SAMPLE_S * 1000:.0f} ms)"
        )
        busy = [f for f in self.failed if "locked" in f.lower() or "busy" in f.lower()]
        print(
            f"[{self.name}] errors: exception {self.error or 'none'}; failed files {len(self.failed)} "
            f"(busy/locked: {len(busy)})" + (f" e.g. {self.failed[0]}" if self.failed else "")
        )


def run_import(name: str, library: Library, files: list[Path]) -> Phase:
    db = library.archive.db
    error: str | None = None
    report = ImportReport(outcomes=(), cancelled=False)
    with WalSampler(db) as sampler:
        started = time.perf_counter()
        try:
            report = library.import_paths(files)
        except Exception as exc:  # what the UI or CLI would have shown
            error = f"{type(exc).__name__}: {exc}"
        seconds = time.perf_counter() - started
    failed = [f"{o.path}: {o.reason}" for o in report.of("failed")]
    return Phase(
        name, len(report.of("imported")), seconds, sampler.largest, db.wal_bytes(), sampler.samples, failed, error
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=2000, help="speeches per phase (default 2,000)")
    parser.add_argument("--ungd", type=Path, default=UNPACKED, help="folder of unpacked UNGD .txt files")
    parser.add_argument(
        "--reader",
        choices=["process", "thread"],
        default="process",
        help="the long reader: a second process (another app instance) or a thread",
    )
    parser.add_argument("--pace-ms", type=float, default=10.0, help="the reader's pause per row")
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one, removed afterwards)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ctviewer-wal-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; work folder {work}")
    print(
        "import path: Library.import_paths (reading in worker processes, SQLite, originals, Whoosh); "
        "no spaCy (extraction is a separate step, not run)"
    )
    try:
        files = speeches(args.ungd, work, 2 * args.n)
        half = len(files) // 2
        batch_a, batch_b = files[:half], files[half:]
        print(
            f"speeches: {len(batch_a):,} + {len(batch_b):,} ({sum(p.stat().st_size for p in files) / MB:.1f} MiB)",
            flush=True,
        )
        root = work / "archive"
        shutil.rmtree(root, ignore_errors=True)
        library = Library.open(root)
        db = library.archive.db
        try:
            # (a) a normal session
            phase_a = run_import("a: no reader", library, batch_a)
            phase_a.print()
            print(f"[a: no reader] checkpoint after the import: {db.checkpoint()}", flush=True)

            # (b) the same again with a long reader holding one snapshot throughout
            if args.reader == "process":
                ctx = multiprocessing.get_context("spawn")
                started: _Event = ctx.Event()
                stop: _Event = ctx.Event()
                results: Any = ctx.Queue()
                reader: threading.Thread | multiprocessing.process.BaseProcess = ctx.Process(
                    target=long_reader, args=(str(db.path), args.pace_ms / 1000, started, stop, results)
                )
            else:
                started, stop, results = threading.Event(), threading.Event(), queue.Queue()
                reader = threading.Thread(
                    target=long_reader, args=(str(db.path), args.pace_ms / 1000, started, stop, results)
                )
            reader.start()
            if not started.wait(60):
                raise SystemExit("the reader did not start")
            phase_b = run_import(f"b: long reader ({args.reader})", library, batch_b)
            phase_b.print()
            pinned = db.checkpoint()
            print(f"[b] checkpoint while the reader still holds its snapshot: {pinned}")
            stop.set()
            outcome = results.get(timeout=120)
            reader.join(60)
            after_reader = db.wal_bytes()
            print(
                f"[b] reader: {outcome['rows']:,} rows read, transaction held {outcome['held_s']:.1f} s, "
                f"documents seen at start {outcome['count_start']:,} / at end {outcome['count_end']:,} "
                f"({'consistent snapshot' if outcome['count_start'] == outcome['count_end'] else 'SNAPSHOT MOVED'})"
                f", error: {outcome['error'] or 'none'}"
            )
            print(
                f"[b] WAL once the reader ended, before any checkpoint: {after_reader / MB:.1f} MiB "
                "(SQLite shrinks nothing by itself)"
            )
            done = db.checkpoint()  # the default policy: TRUNCATE only when over journal_size_limit
            print(f"[b] checkpoint after the reader ended: {done}")
            wal_after = db.wal_bytes()
            print(
                f"[b] WAL after it: {wal_after / MB:.1f} MiB "
                f"({'under' if wal_after <= JOURNAL_SIZE_LIMIT else 'OVER'} the "
                f"{JOURNAL_SIZE_LIMIT / MB:.0f} MiB journal_size_limit)"
            )
            if not done.truncated:  # under the limit, so not truncated: show what a forced one costs
                done = db.checkpoint(truncate=True)
                print(f"[b] forced TRUNCATE checkpoint: {done}")
            print(f"[b] time to truncate: {done.seconds * 1000:.0f} ms; WAL after: {db.wal_bytes() / MB:.1f} MiB")
            print(f"documents in the archive: {library.document_count():,}")
        finally:
            library.close()
        problem = verify_database(library.archive.paths.db)
        print(f"integrity_check: {problem or 'ok'}")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
