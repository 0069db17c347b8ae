"""The single-writer lock and the content-addressed originals store."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from ctviewer.archive.lock import WriterLock
from ctviewer.archive.originals import OriginalStore
from ctviewer.errors import ArchiveBusyError
from ctviewer.paths import ArchivePaths


def test_second_holder_is_refused_with_clear_message(tmp_path: Path) -> None:
    first, second = WriterLock(tmp_path / "l"), WriterLock(tmp_path / "l")
    first.acquire()
    with pytest.raises(ArchiveBusyError, match="Another ctviewer process"):
        second.acquire(timeout=0.1)
    first.release()
    second.acquire()
    second.release()


@pytest.mark.slow
def test_lock_of_a_killed_process_is_not_stale(tmp_path: Path) -> None:
    lock_path = tmp_path / "l"
    code = (
        "import os, sys; from ctviewer.archive.lock import WriterLock; "
        f"WriterLock(__import__('pathlib').Path({str(lock_path)!r})).acquire(); "
        "print('held', flush=True); os.kill(os.getpid(), 9)"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "held" in proc.stdout and proc.returncode == -9
    assert lock_path.exists()  # the file stays behind ...
    lock = WriterLock(lock_path)
    lock.acquire(timeout=0)  # ... but the lock died with its owner
    lock.release()


def test_originals_are_content_addressed(tmp_path: Path) -> None:
    store = OriginalStore(ArchivePaths(tmp_path))
    data = b"%PDF-1.4 example"
    sha = hashlib.sha256(data).hexdigest()
    path = store.put(sha, ".PDF", data)
    assert path == tmp_path / "originals" / sha[:2] / f"{sha}.pdf"
    assert path.read_bytes() == data
    assert store.put(sha, ".pdf", data) == path
    assert list(store.all_files()) == [path]
    assert not list(path.parent.glob(".tmp-*"))
