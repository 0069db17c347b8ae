"""Content-addressed store of imported files (``originals/ab/<sha256><suffix>``).

Originals are written before the database row that names them is committed, with a
temp-file + fsync + rename, so a committed document always has its original and a crash
leaves at most an unreferenced file (reported and removable by ``check --repair``).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from ctviewer.paths import ArchivePaths

_COPY_STEP = 1024 * 1024


class OriginalStore:
    def __init__(self, paths: ArchivePaths) -> None:
        self._paths = paths

    def path_for(self, sha256: str, suffix: str) -> Path:
        return self._paths.original(sha256, suffix.lower())

    def put(self, sha256: str, suffix: str, data: bytes) -> Path:
        """Store ``data`` under its hash (no-op when already present) and return its path."""
        target = self.path_for(sha256, suffix)
        if target.exists() and target.stat().st_size == len(data):
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def put_stream(self, sha256: str, suffix: str, source: BinaryIO) -> Path | None:
        """Store what ``source`` holds, copied in steps and hashed on the way, under ``sha256``.

        Returns None (nothing stored) when the bytes do not hash to ``sha256``: the file changed
        since it was hashed. A huge file never has to fit in memory."""
        target = self.path_for(sha256, suffix)
        size = source.seek(0, os.SEEK_END)
        source.seek(0)
        if target.exists() and target.stat().st_size == size:
            return target
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            digest = hashlib.sha256()
            with os.fdopen(fd, "wb") as handle:
                while chunk := source.read(_COPY_STEP):
                    digest.update(chunk)
                    handle.write(chunk)
                handle.flush()
                os.fsync(handle.fileno())
            if digest.hexdigest() != sha256:
                Path(tmp).unlink()
                return None
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    def exists(self, sha256: str, suffix: str) -> bool:
        return self.path_for(sha256, suffix).is_file()

    def all_files(self) -> Iterator[Path]:
        root = self._paths.originals
        if root.is_dir():
            yield from (p for p in root.glob("*/*") if p.is_file())
