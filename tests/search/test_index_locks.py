"""Whoosh's write lock (RELIABILITY T4): a lock left by a killed process is no obstacle, and a
lock held by a live process is never broken: the write waits a bounded time and is refused
with a plain message, the owner's work is intact, and the archive repairs the index later."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ctviewer.errors import ArchiveBusyError
from ctviewer.library import Library
from ctviewer.paths import ArchivePaths
from ctviewer.search import index as index_module

from ..entities.conftest import open_fake

# A process that takes Whoosh's writer on the index, adds one document, says so, then either
# waits for a line on stdin and commits, or kills itself while holding the lock.
_OWNER = """
import os, sys
from whoosh import index
ix = index.open_dir(sys.argv[1])
writer = ix.writer()
writer.update_document(id="999", body="written by the lock owner")
print("held", flush=True)
if sys.argv[2] == "die":
    os.kill(os.getpid(), 9)
sys.stdin.readline()
writer.commit()
print("committed", flush=True)
"""


@pytest.fixture
def library(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Library]:
    monkeypatch.setattr(index_module, "WRITER_LOCK_WAIT", 0.5)
    lib = open_fake(tmp_path / "archive")
    yield lib
    lib.close()


def _owner(library: Library, mode: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", _OWNER, str(ArchivePaths(library.root).index), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_live_owner_is_never_overridden(library: Library) -> None:
    owner = _owner(library, "wait")
    try:
        started = time.monotonic()
        busy = "Another program is writing to this archive's search index"
        with pytest.raises(ArchiveBusyError, match=busy), library.archive.writing():
            library.index.add([1])
        assert time.monotonic() - started < 5  # a bounded wait, not the whole timeout of a hung writer
        assert (ArchivePaths(library.root).index / "MAIN_WRITELOCK").exists()
        with pytest.raises(ArchiveBusyError), library.archive.writing():
            library.index.optimize()
    finally:
        assert owner.stdin is not None and owner.stdout is not None
        owner.stdin.write("\n")
        owner.stdin.flush()
        assert owner.stdout.readline().strip() == "committed"  # its work survived our attempts
        owner.wait(10)
    assert 999 in library.index.index.ids()  # the owner's commit landed (a search hides it: not in the database)
    assert library.search("owner").total == 0
    with library.archive.writing():
        library.index.add([1])  # the lock is free again: our write goes through
    assert library.search("Tashkent").total == 3
    assert not library.check().ok  # the foreign document is found ...
    library.check(repair=True)
    assert 999 not in library.index.index.ids() and library.check().ok  # ... and purged


@pytest.mark.slow
def test_a_lock_left_by_a_killed_process_is_no_obstacle(library: Library) -> None:
    owner = _owner(library, "die")
    assert owner.wait(10) == -9
    assert (ArchivePaths(library.root).index / "MAIN_WRITELOCK").exists()  # the file stays ...
    started = time.monotonic()
    with library.archive.writing():
        library.index.add([1])  # ... but the kernel released the lock with its owner
    assert time.monotonic() - started < 0.5
    assert 999 not in library.index.index.ids()  # the killed writer's uncommitted document never shows
    assert library.search("Tashkent").total == 3
    assert library.check().ok
