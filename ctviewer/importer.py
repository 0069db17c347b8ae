"""Importing files into an archive: read, normalise, store, then index.

Per file: stat and size check, read bytes, sha256 (duplicates are reported, not stored
twice), parse with the format's reader, store the original (content-addressed), then
ONE database transaction with the document, its text and its report line. The index
follows in batches under the index-dirty mark. A file that fails gets a one-line reason
and the rest of the batch goes on.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from ctviewer import ingest
from ctviewer.archive import Archive
from ctviewer.clock import now_iso
from ctviewer.db import documents
from ctviewer.db.models import ImportItem, ImportRun
from ctviewer.domain import ImportOutcome, ImportReport
from ctviewer.errors import RejectedFile
from ctviewer.indexing import IndexSync
from ctviewer.settings import MB, Settings

Progress = Callable[[int, int | None, str], None]
Cancelled = Callable[[], bool]
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


def _read_bytes(path: Path, limit: int) -> bytes:
    try:
        if not path.exists():
            raise FileNotFoundError(path)
        if not path.is_file():
            raise RejectedFile("not a regular file")
        size = path.stat().st_size
        if size > limit:
            raise RejectedFile(f"file too large ({size / MB:.0f} MB; the limit is {limit / MB:.0f} MB)")
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError as exc:
        raise RejectedFile("file vanished before it could be read") from exc
    except PermissionError as exc:
        raise RejectedFile("permission denied (cannot read the file)") from exc
    except IsADirectoryError as exc:
        raise RejectedFile("not a regular file") from exc
    except OSError as exc:
        raise RejectedFile(f"cannot read the file: {exc.strerror or exc}") from exc
    if len(data) > limit:
        raise RejectedFile(f"file too large (over the {limit / MB:.0f} MB limit)")
    return data


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
    ) -> tuple[ImportReport, int]:
        """Import ``paths``; returns the report and the import run's id."""
        candidates = list(collect(paths))
        total = len(candidates)
        with self.archive.db.write() as session:
            run = ImportRun(started_at=now_iso())
            session.add(run)
            session.flush()
            run_id = run.id
        outcomes: list[ImportOutcome] = []
        pending_index: list[int] = []
        was_cancelled = False
        with self.index.dirty():
            for done, candidate in enumerate(candidates):
                if cancelled is not None and cancelled():
                    was_cancelled = True
                    break
                if progress:
                    progress(done, total, str(candidate.path))
                outcome = self._import_one(candidate, run_id)
                outcomes.append(outcome)
                if on_outcome:
                    on_outcome(outcome)
                if outcome.status == "imported" and outcome.document_id is not None:
                    pending_index.append(outcome.document_id)
                if len(pending_index) >= self.settings.index_batch:
                    self.index.add(pending_index)
                    pending_index.clear()
            self.index.add(pending_index)
        with self.archive.db.write() as session:
            run_row = session.get(ImportRun, run_id)
            assert run_row is not None
            run_row.finished_at = now_iso()
            run_row.cancelled = was_cancelled
        if progress:
            progress(len(outcomes), total, "cancelled" if was_cancelled else "done")
        return ImportReport(outcomes=tuple(outcomes), cancelled=was_cancelled), run_id

    def _import_one(self, candidate: Candidate, run_id: int) -> ImportOutcome:
        path = candidate.path
        shown = str(path)
        try:
            if candidate.reason:
                raise RejectedFile(candidate.reason)
            data = _read_bytes(path, self.settings.limits.max_file_bytes)
            sha256 = hashlib.sha256(data).hexdigest()
            with self.archive.db.read() as session:
                existing = documents.find_by_sha256(session, sha256)
            if existing is not None:
                return self._record(run_id, ImportOutcome(shown, "duplicate", existing))
            try:
                extracted = ingest.read_document(path, data, self.settings.limits)
            except RejectedFile:
                raise
            except Exception as exc:  # a reader bug must not stop the rest of the batch
                raise RejectedFile(f"could not be read ({type(exc).__name__}: {exc})"[:300]) from exc
            suffix = path.suffix.lower()
            self.archive.originals.put(sha256, suffix, data)
            title = (extracted.title or "").strip() or path.stem
            with self.archive.db.write() as session:
                again = documents.find_by_sha256(session, sha256)  # another writer may have won
                if again is not None:
                    outcome = ImportOutcome(shown, "duplicate", again)
                else:
                    doc_id = documents.insert_document(
                        session, extracted, sha256=sha256, size_bytes=len(data),
                        source_path=str(path.absolute()), original_name=path.name,
                        imported_at=now_iso(), title=title[:500],
                    )
                    outcome = ImportOutcome(shown, "imported", doc_id, warnings=extracted.warnings)
                session.add(_item(run_id, outcome))
            return outcome
        except RejectedFile as exc:
            return self._record(run_id, ImportOutcome(shown, "failed", reason=str(exc)))

    def _record(self, run_id: int, outcome: ImportOutcome) -> ImportOutcome:
        with self.archive.db.write() as session:
            session.add(_item(run_id, outcome))
        return outcome


def _item(run_id: int, outcome: ImportOutcome) -> ImportItem:
    return ImportItem(
        run_id=run_id, path=outcome.path, status=outcome.status, document_id=outcome.document_id,
        reason=outcome.reason, warnings=json.dumps(list(outcome.warnings)),
    )
