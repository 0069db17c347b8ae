"""The archive's single-writer lock (an ``fcntl.flock`` on ``.writer.lock``).

flock locks belong to the open file and vanish when the process dies, so a killed
writer never leaves a stale lock behind; the file itself is harmless. The owner's pid is
written into the file for messages only.
"""

from __future__ import annotations

import fcntl
import os
import time
from pathlib import Path

from ctviewer.errors import ArchiveBusyError


class WriterLock:
    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd: int | None = None

    @property
    def held(self) -> bool:
        return self._fd is not None

    def acquire(self, timeout: float = 0.0) -> None:
        """Take the lock, waiting up to ``timeout`` seconds; raise ArchiveBusyError if taken."""
        if self._fd is not None:
            return
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    owner = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
                    os.close(fd)
                    who = f" (process {owner})" if owner.isdigit() else ""
                    raise ArchiveBusyError(
                        f"Another ctviewer process{who} is writing to this archive; try again when it has finished."
                    ) from None
                time.sleep(0.05)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        os.ftruncate(fd, 0)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)
