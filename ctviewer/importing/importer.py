"""Importing files into an archive: read, normalise, store, then index.

Per file (``ctviewer.importing.preparing``, in worker processes for big batches): stat and size
check, read bytes (a huge text file as a stream), sha256 (duplicates are reported, not
stored twice), parse with the format's reader and store the original (content-addressed,
fsync'd). Then, in the main process and in the order files were met, ONE database
transaction with the document, its text and its report line. The index follows in
batches under the index-dirty mark. A file that fails gets a one-line reason and the rest
of the batch goes on.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

from ctviewer import ingest
from ctviewer.archive.folder import Archive
from ctviewer.archive.index_sync import IndexSync
from ctviewer.clock import now_iso
from ctviewer.db import documents
from ctviewer.db.models import ImportItem, ImportRun
from ctviewer.domain.imports import ImportOutcome, ImportReport
from ctviewer.domain.progress import Cancelled, Progress
from ctviewer.importing.preparing import Prepared, init_worker, prepare, prepare_in_worker
from ctviewer.search import Analysed
from ctviewer.settings import MB, Settings

OutcomeSink = Callable[[ImportOutcome], None]


@dataclass(frozen=True)
class Candidate:
    path: Path
    reason: str | None = None  # set when the file is known to be unimportable up front


def collect(paths: Iterable[Path]) -> Iterator[Candidate]:
    """Files to import: named files as given, folders walked recursively (sorted, hidden skipped).

    Inside folders only supported types are taken; a named file of another type is reported.
    """
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if name.startswith("."):
                        continue
                    file = Path(root) / name
                    if file.suffix.lower() in ingest.SUPPORTED_SUFFIXES:
                        yield Candidate(file)
        elif path.exists() or path.is_symlink():
            if path.suffix.lower() in ingest.SUPPORTED_SUFFIXES:
                yield Candidate(path)
            else:
                yield Candidate(path, f"unsupported file type {path.suffix or '(none)'!r}")
        else:
            yield Candidate(path, "no such file or folder")


class Importer:
    """Runs imports into one archive (the caller holds the writer lock)."""

    def __init__(self, archive: Archive, index: IndexSync, settings: Settings) -> None:
        self.archive = archive
        self.index = index
        self.settings = settings

    def run(
        self,
        paths: Sequence[Path],
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        on_outcome: OutcomeSink | None = None,
        workers: int | None = None,
    ) -> tuple[ImportReport, int]:
        """Import ``paths``; returns the report and the import run's id. ``workers`` overrides
        the settings' number of worker processes (the desktop app keeps a core for the window)."""
        candidates = list(collect(paths))
        total = len(candidates)
        with self.archive.db.write() as session:
            run = ImportRun(started_at=now_iso())
            session.add(run)
            session.flush()
            run_id = run.id
        outcomes: list[ImportOutcome] = []
        pending_index: list[int] = []
        analysed: dict[int, Analysed] = {}  # bodies the workers analysed, until indexed
        was_cancelled = False
        with self.index.dirty(), _Preparer(self.archive, self.settings, candidates, workers) as preparer:
            for done, (candidate, prepared) in enumerate(preparer.iterate(candidates, cancelled)):
                if cancelled is not None and cancelled():
                    was_cancelled = True
                    break
                if progress:
                    progress(done, total, str(candidate.path))
                outcome = self._commit(candidate, prepared, run_id)
                outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome)
                if outcome.status == "imported" and outcome.document_id is not None:
                    pending_index.append(outcome.document_id)
                    if prepared is not None and prepared.analysed is not None:
                        analysed[outcome.document_id] = prepared.analysed
                if len(pending_index) >= self.settings.index_batch:
                    self._index_batch(pending_index, analysed)
                    pending_index.clear()
                    analysed.clear()
            else:
                # The worker-pool preparer also stops early when cancelled: that run was cancelled too.
                was_cancelled = len(outcomes) < total and cancelled is not None and cancelled()
            self._index_batch(pending_index, analysed)
        with self.archive.db.write() as session:
            run_row = session.get(ImportRun, run_id)
            assert run_row is not None
            run_row.finished_at = now_iso()
            run_row.cancelled = was_cancelled
        if progress:
            progress(len(outcomes), total, "cancelled" if was_cancelled else "done")
        return ImportReport(outcomes=tuple(outcomes), cancelled=was_cancelled), run_id

    def _index_batch(self, ids: list[int], analysed: dict[int, Analysed]) -> None:
        """New segments without merging while importing; when they pile up, merge the small half."""
        piled = self.index.segments() >= self.settings.max_index_segments
        self.index.add(ids, merge=False, merge_smallest=piled, analysed=analysed)

    def _commit(self, candidate: Candidate, prepared: Prepared | None, run_id: int) -> ImportOutcome:
        """Store one prepared file: original first, then ONE transaction (document, text, report line)."""
        shown = str(candidate.path)
        if candidate.reason or prepared is None:
            return self._record(run_id, ImportOutcome(shown, "failed", reason=candidate.reason or "not read"))
        if prepared.reason is not None:
            return self._record(run_id, ImportOutcome(shown, "failed", reason=prepared.reason))
        if prepared.duplicate_of is not None:
            return self._record(run_id, ImportOutcome(shown, "duplicate", prepared.duplicate_of))
        assert prepared.sha256 is not None and prepared.extracted is not None
        path, extracted = candidate.path, prepared.extracted
        title = (extracted.title or "").strip() or path.stem
        with self.archive.db.write() as session:
            again = documents.find_by_sha256(session, prepared.sha256)  # an earlier file of this run, or another writer
            if again is not None:
                outcome = ImportOutcome(shown, "duplicate", again)
            else:
                doc_id = documents.insert_document(
                    session,
                    extracted,
                    sha256=prepared.sha256,
                    size_bytes=prepared.size,
                    source_path=str(path.absolute()),
                    original_name=path.name,
                    imported_at=now_iso(),
                    title=title[:500],
                )
                outcome = ImportOutcome(shown, "imported", doc_id, warnings=extracted.warnings)
            session.add(_item(run_id, outcome))
        return outcome

    def _record(self, run_id: int, outcome: ImportOutcome) -> ImportOutcome:
        with self.archive.db.write() as session:
            session.add(_item(run_id, outcome))
        return outcome


class _Preparer:
    """Prepares candidates in order: in worker processes for big batches or big files, inline otherwise."""

    # Below this many files, starting worker processes costs more than it saves...
    POOL_THRESHOLD = 40
    # ... unless one of them is this large: decoding and cleaning its text would hold the
    # interpreter lock for whole seconds in long C calls (freezing the window, whose import runs
    # on a thread) and briefly cost several times the text in memory; a worker takes both.
    LARGE_FILE = 4 * MB

    def __init__(
        self, archive: Archive, settings: Settings, candidates: Sequence[Candidate], workers: int | None = None
    ) -> None:
        self.archive = archive
        self.settings = settings
        if workers is None:
            workers = settings.import_workers if settings.import_workers is not None else os.cpu_count() or 1
        if len(candidates) >= self.POOL_THRESHOLD:
            wanted = len(candidates)
        else:
            wanted = _large_files(candidates, self.LARGE_FILE)
        self.workers = max(0, min(workers, wanted, 4))
        self.pool: ProcessPoolExecutor | None = None

    def __enter__(self) -> _Preparer:
        if self.workers:
            self.pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=init_worker,
                initargs=(str(self.archive.paths.root), self.settings.limits),
            )
        return self

    def __exit__(self, *exc: object) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def iterate(
        self, candidates: list[Candidate], cancelled: Cancelled | None
    ) -> Iterator[tuple[Candidate, Prepared | None]]:
        if self.pool is None:
            for candidate in candidates:
                yield (
                    candidate,
                    None
                    if candidate.reason
                    else prepare(candidate.path, self.settings.limits, self.archive.db, self.archive.originals),
                )
            return
        window: deque[tuple[Candidate, Future[Prepared] | None]] = deque()
        ahead = 4 * self.workers + 4
        queue = iter(candidates)
        for candidate in queue:
            window.append(
                (candidate, None if candidate.reason else self.pool.submit(prepare_in_worker, str(candidate.path)))
            )
            if len(window) >= ahead:
                break
        while window:
            candidate, future = window.popleft()
            yield candidate, self._result(candidate, future)
            if cancelled is not None and cancelled():
                return
            nxt = next(queue, None)
            if nxt is not None:
                window.append((nxt, None if nxt.reason else self.pool.submit(prepare_in_worker, str(nxt.path))))

    def _result(self, candidate: Candidate, future: Future[Prepared] | None) -> Prepared | None:
        if future is None:
            return None
        try:
            return future.result()
        except BrokenProcessPool:
            # A reader crashed its worker (a native parser bug). That file fails; the pool
            # is replaced for the rest.
            self.__exit__()
            self.__enter__()
            return Prepared(candidate.path, reason="the reader crashed on this file")


def _large_files(candidates: Sequence[Candidate], size: int) -> int:
    """How many of ``candidates`` are files larger than ``size`` bytes."""
    count = 0
    for candidate in candidates:
        with contextlib.suppress(OSError):  # reported when it is read
            count += not candidate.reason and candidate.path.stat().st_size > size
    return count


def _item(run_id: int, outcome: ImportOutcome) -> ImportItem:
    return ImportItem(
        run_id=run_id,
        path=outcome.path,
        status=outcome.status,
        document_id=outcome.document_id,
        reason=outcome.reason,
        warnings=json.dumps(list(outcome.warnings)),
    )
