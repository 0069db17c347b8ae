"""The CPU-heavy half of an import, runnable in worker processes.

``prepare`` reads a file, hashes it, skips known duplicates and extracts its text; it
touches nothing in the archive but the content-addressed originals folder (workers store
the original themselves). The importer commits the results in order in the main process
(one database transaction, then the index), so killing a worker or the whole import at any
moment leaves no half document behind: at most an unreferenced original.

On a multi-core machine the importer runs ``prepare`` in a pool of worker processes while
the main process writes the database and the Whoosh index: extraction and indexing
overlap instead of adding up. Workers also analyse the body for the index (tokens, stems,
positions), the largest part of indexing, so the single writer process only writes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ctviewer import ingest
from ctviewer.archive.originals import OriginalStore
from ctviewer.db.documents import find_by_sha256
from ctviewer.db.engine import Database
from ctviewer.domain.documents import ExtractedText
from ctviewer.errors import RejectedFile
from ctviewer.paths import ArchivePaths
from ctviewer.search import Analysed, analyse_body
from ctviewer.settings import MB, Limits

# Text files larger than this are hashed and stored as streams and decoded only up to the text
# limit, never held whole in memory; smaller files (nearly all) are read once, in one piece.
STREAM_ABOVE = 16 * MB


@dataclass(frozen=True)
class Prepared:
    """One file ready to be committed (or the reason it cannot be). Its original is stored already."""

    path: Path
    sha256: str | None = None
    size: int = 0
    extracted: ExtractedText | None = None
    duplicate_of: int | None = None
    reason: str | None = None
    analysed: Analysed | None = None  # the body analysed for the index (workers only)


@contextmanager
def _reading() -> Iterator[None]:
    """Turn the ways reading a file fails into one-line reasons."""
    try:
        yield
    except FileNotFoundError as exc:
        raise RejectedFile("file vanished before it could be read") from exc
    except PermissionError as exc:
        raise RejectedFile("permission denied (cannot read the file)") from exc
    except IsADirectoryError as exc:
        raise RejectedFile("not a regular file") from exc
    except OSError as exc:
        raise RejectedFile(f"cannot read the file: {exc.strerror or exc}") from exc


def file_size(path: Path, limit: int) -> int:
    """The size of a regular file within ``limit`` bytes; RejectedFile otherwise (nothing is read)."""
    with _reading():
        if not path.exists():
            raise FileNotFoundError(path)
        if not path.is_file():
            raise RejectedFile("not a regular file")
        size = path.stat().st_size
    if size > limit:
        raise RejectedFile(f"file too large ({size / MB:.0f} MB; the limit is {limit / MB:.0f} MB)")
    return size


def prepare(
    path: Path, limits: Limits, db: Database | None, originals: OriginalStore, *, analyse: bool = False
) -> Prepared:
    """Read, hash, extract and store one file. ``db`` (read-only use) lets known duplicates skip
    extraction; ``analyse`` also analyses the body for the index (worth it in a worker process only).

    The original is stored at once (content-addressed, fsync'd), before the importer commits the
    document that names it: a worker process thus spares the writer process both the copy and
    the fsync. A document whose commit never happens leaves an unreferenced original, which
    ``check`` reports and ``check --repair`` removes."""
    try:
        suffix = path.suffix.lower()
        size = file_size(path, limits.max_file_bytes)
        data: bytes | None = None
        with _reading():
            if suffix in ingest.TEXT_SUFFIXES and size > STREAM_ABOVE:
                with path.open("rb") as handle:
                    sha256, size = hashlib.file_digest(handle, "sha256").hexdigest(), handle.tell()
            else:
                data = ingest.read_capped(path, limits.max_file_bytes)  # refused if it grew past the limit
                sha256, size = hashlib.sha256(data).hexdigest(), len(data)
        if db is not None:
            with db.read() as session:
                existing = find_by_sha256(session, sha256)
            if existing is not None:
                return Prepared(path, sha256, duplicate_of=existing)
        try:
            with _reading():
                extracted = (
                    ingest.read_document_file(path, limits)
                    if data is None
                    else ingest.read_document(path, data, limits)
                )
        except RejectedFile:
            raise
        except Exception as exc:  # a reader bug must not stop the rest of the batch
            raise RejectedFile(f"could not be read ({type(exc).__name__}: {exc})"[:300]) from exc
        analysed = analyse_body(extracted.text) if analyse else None
        if data is not None:
            originals.put(sha256, suffix, data)
        else:
            with _reading():
                source = path.open("rb")
            with source:  # errors from here on are the archive's (a full disk), not the file's
                stored = originals.put_stream(sha256, suffix, source)
            if stored is None:  # the text read may not be the file hashed: refuse rather than mismatch
                raise RejectedFile("the file changed while it was being read; import it again")
        return Prepared(path, sha256, size, extracted, analysed=analysed)
    except RejectedFile as exc:
        return Prepared(path, reason=str(exc))


# -- worker processes ---------------------------------------------------------------------------
_worker_db: Database | None = None
_worker_limits: Limits | None = None
_worker_originals: OriginalStore | None = None


def init_worker(archive_root: str, limits: Limits) -> None:
    global _worker_db, _worker_limits, _worker_originals
    paths = ArchivePaths(Path(archive_root))
    _worker_db = Database(paths.db, read_only=True)
    _worker_limits = limits
    _worker_originals = OriginalStore(paths)


def prepare_in_worker(path: str) -> Prepared:
    assert _worker_limits is not None and _worker_originals is not None, "init_worker was not called"
    return prepare(Path(path), _worker_limits, _worker_db, _worker_originals, analyse=True)
