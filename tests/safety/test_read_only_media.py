"""Archives on read-only media (RELIABILITY T7): a DVD, an ISO or a write-protected share.

SQLite reads a WAL database through a ``-shm`` file it creates beside it; where it cannot,
``mode=ro`` alone fails with "attempt to write a readonly database", which once made ctviewer
call a perfectly good archive damaged. The archive must open for reading and searching, write
nothing beside itself, refuse changes plainly, and still show changes left in a ``-wal`` file.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ctviewer.archive import folder as archive_module
from ctviewer.errors import ArchiveError
from ctviewer.library import Library
from ctviewer.paths import ArchivePaths

from ..entities.conftest import doc_id, open_fake
from .test_damaged_db import _killed_writer


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``root`` with its size and modification time."""
    return {
        str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def media(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Make ctviewer see ``root`` as read-only media (the folder is really writable here, so
    anything written beside the database would show up in the listing)."""

    def make(root: Path) -> None:
        real = os.access
        monkeypatch.setattr(
            archive_module.os,
            "access",
            lambda path, mode: False if Path(path) == root and mode == os.W_OK else real(path, mode),
        )

    return make


def test_read_only_media_open_search_and_write_nothing(tmp_path: Path, media: Callable[[Path], None]) -> None:
    root = tmp_path / "archive"
    open_fake(root).close()
    before = _snapshot(root)
    assert not any(name.endswith(("-wal", "-shm")) for name in before)  # a clean close leaves none
    media(root)
    library = Library.open(root)
    try:
        assert library.archive.read_only
        assert library.search("Tashkent").total == 3
        a = doc_id(library, "a.txt")
        assert "Voronkov" in library.document(a).text
        assert len(library.entities()) > 0
        with pytest.raises(ArchiveError, match="read-only"):
            library.annotate(a, quote="Tashkent", note="not on a DVD")
    finally:
        library.close()
    assert _snapshot(root) == before  # no -shm, no -wal, no lock file touched


def test_changes_left_in_a_wal_file_are_read_from_a_private_copy(tmp_path: Path, media: Callable[[Path], None]) -> None:
    root = tmp_path / "archive"
    open_fake(root).close()
    _killed_writer(root, "only in the wal")  # copied to the DVD while the app had it open
    db = ArchivePaths(root).db
    assert db.with_name(db.name + "-wal").stat().st_size > 0
    before = _snapshot(root)
    media(root)
    library = Library.open(root)
    try:
        copy = library.archive.db.path
        assert copy != db and copy.exists()
        assert [n.note for n in library.annotations()] == ["only in the wal"]  # not an older archive
    finally:
        library.close()
    assert not copy.parent.exists()  # the private copy is removed on close
    assert _snapshot(root) == before


def _drop_privileges() -> Callable[[], None] | None:
    """As root, permission bits do not stop writes: the check runs in a child as ``nobody``."""
    return None if os.geteuid() != 0 else lambda: (os.setgid(65534), os.setuid(65534))  # type: ignore[func-returns-value]


@pytest.fixture
def locked_folder(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "media" / "archive"
    open_fake(root).close()
    modes = {}
    for path in [root, *root.rglob("*")]:
        modes[path] = path.stat().st_mode
        path.chmod(
            path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH)
            | stat.S_IROTH
            | (stat.S_IXOTH if path.is_dir() else 0)
        )
    for parent in (tmp_path / "media", tmp_path, *tmp_path.parents):
        if parent.stat().st_mode & stat.S_IXOTH == 0:
            modes.setdefault(parent, parent.stat().st_mode)
            parent.chmod(parent.stat().st_mode | stat.S_IXOTH)
    yield root
    for path, mode in modes.items():
        path.chmod(mode)


def test_a_really_unwritable_folder(locked_folder: Path, tmp_path: Path) -> None:
    """The real thing: permission bits (as ``nobody`` when the tests run as root)."""
    warm = open_fake(tmp_path / "warm")  # import every module the child needs before privileges go
    warm.search("Tashkent")
    warm.documents()
    warm.close()
    before = _snapshot(locked_folder)
    read, write = os.pipe()
    drop = _drop_privileges()
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        result: dict[str, object] = {}
        try:
            if drop is not None:
                drop()
            result["writable"] = os.access(locked_folder, os.W_OK)
            library = Library.open(locked_folder)
            try:
                result["read_only"] = library.archive.read_only
                result["hits"] = library.search("Tashkent").total
                result["documents"] = len(library.documents())
            finally:
                library.close()
        except BaseException as exc:  # reported to the parent, which fails the test
            result["error"] = f"{type(exc).__name__}: {exc}"
        os.write(write, json.dumps(result).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        result = json.loads(pipe.read() or "{}")
    os.waitpid(pid, 0)
    assert result == {"writable": False, "read_only": True, "hits": 3, "documents": 3}
    assert _snapshot(locked_folder) == before
