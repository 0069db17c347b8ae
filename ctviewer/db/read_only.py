"""Opening a database that lives on read-only media (a DVD, an ISO, a write-protected share).

A WAL database is normally read through its ``-shm`` index, which SQLite creates beside the
database; on media it cannot write to, opening with ``mode=ro`` alone fails ("attempt to write
a readonly database"), which must never be mistaken for damage. So:

* the folder is writable (the analyst asked for read-only): plain ``mode=ro``;
* read-only media and no committed changes waiting in a ``-wal`` file (an archive closed
  cleanly has none): ``immutable=1``, SQLite reads the file as it is, with no ``-shm``, no locks;
* read-only media with a non-empty ``-wal`` (copied while the app had it open): the database
  and its ``-wal`` are copied into a private temporary folder and read there, because
  ``immutable=1`` would ignore the changes in the ``-wal`` and show an older archive.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReadOnlySource:
    """Which file to open read-only, and how."""

    path: Path
    immutable: bool
    snapshot: Path | None  # the temporary folder holding a copy, removed by :meth:`discard`

    @property
    def uri(self) -> str:
        return f"file:{self.path}?mode=ro&immutable=1" if self.immutable else f"file:{self.path}?mode=ro"

    def discard(self) -> None:
        if self.snapshot is not None:
            shutil.rmtree(self.snapshot, ignore_errors=True)


def read_only_source(db: Path, *, media_writable: bool) -> ReadOnlySource:
    """How to read ``db`` without writing anything next to it."""
    if media_writable:
        return ReadOnlySource(db, immutable=False, snapshot=None)
    wal = db.with_name(db.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return ReadOnlySource(db, immutable=True, snapshot=None)
    folder = Path(tempfile.mkdtemp(prefix="ctviewer-readonly-"))
    try:
        copy = folder / db.name
        shutil.copyfile(db, copy)
        shutil.copyfile(wal, folder / wal.name)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    log.info("read-only archive with a -wal file: reading a copy in %s", folder)
    return ReadOnlySource(copy, immutable=False, snapshot=folder)
