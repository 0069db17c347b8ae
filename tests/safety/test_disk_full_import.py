"""A full disk during an import or a reindex: the write is refused with a plain "disk is full"
message, nothing half-written stays (every document is whole or absent, the database passes its
integrity check), and once there is room again the same import completes with no duplicates.
(SQLite's ``max_page_count`` makes the database "full" at its present size: SQLITE_FULL, the
error a full disk gives; see tests/annotations/test_disk_full.py.)"""

from __future__ import annotations

import errno
from pathlib import Path

import pytest
from whoosh.filedb.structfile import StructFile

from ctviewer.errors import StorageError
from ctviewer.library import Library

from ..annotations.test_disk_full import full_database
from ..entities.conftest import FakeExtractor


def _inbox(folder: Path, n: int, first: int = 0) -> list[Path]:
    folder.mkdir(parents=True)
    paths = []
    for i in range(first, first + n):
        path = folder / f"statement-{i:02d}.txt"
        # Big enough that each document needs new pages.
        path.write_text(
            f"Statement {i} on counter-terrorism cooperation in Central Asia.\n\n"
            + f"Paragraph {i} of the text. " * 2000,
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def test_import_on_a_full_disk_refuses_cleanly_and_completes_later(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "archive", extractor=FakeExtractor())
    try:
        first = library.import_paths(_inbox(tmp_path / "first", 2))
        assert len(first.of("imported")) == 2
        paths = _inbox(tmp_path / "in", 6, first=10)
        with full_database(library):
            try:
                report = library.import_paths(paths)
            except StorageError as exc:  # the whole batch refused at once
                assert str(exc).startswith("The disk is full")
                imported_now: list[str] = []
            else:
                failed = report.of("failed")
                assert failed and all("disk is full" in o.reason.lower() for o in failed)
                imported_now = [o.path for o in report.of("imported")]
        # Whole documents or none. The index's dirty mark could not be cleared on a full disk, so
        # it stays: the next open (here: check --repair) brings the index back in step.
        assert library.document_count() == 2 + len(imported_now)
        report = library.check()
        assert {p.code for p in report.problems} <= {"index-dirty"}, report.problems
        assert library.check(repair=True).ok
        for doc in library.documents():
            assert library.document(doc.id).text.startswith("Statement")
        # With room again the same folder imports; what was already in is a duplicate.
        again = library.import_paths(paths)
        assert len(again.of("imported")) == 6 - len(imported_now), again.outcomes
        assert len(again.of("duplicates")) == len(imported_now)
        assert library.document_count() == 8 and library.check().ok
        assert library.search("Statement").total == 8
    finally:
        library.close()


def test_reindex_on_a_full_disk_is_refused_and_the_old_index_keeps_working(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    library = Library.open(tmp_path / "archive", extractor=FakeExtractor())
    try:
        library.import_paths(_inbox(tmp_path / "in", 3))
        real_write = StructFile.write
        calls = {"n": 0}

        def write(self: StructFile, data: bytes) -> None:
            calls["n"] += 1
            if calls["n"] > 20:  # part-way through the new index's files
                raise OSError(errno.ENOSPC, "No space left on device")
            real_write(self, data)

        monkeypatch.setattr(StructFile, "write", write)
        with pytest.raises(StorageError, match="disk is full"):
            library.reindex()
        monkeypatch.setattr(StructFile, "write", real_write)
        assert calls["n"] > 20
        assert library.search("Statement").total == 3  # the old index was never replaced
        assert not list((tmp_path / "archive").glob("index.new-*"))  # the half-built one is gone
        assert [p.code for p in library.check().problems] == ["index-dirty"]
    finally:
        library.close()
    library = Library.open(tmp_path / "archive")  # with room again, opening repairs the index
    try:
        assert library.check().ok and library.search("Statement").total == 3
    finally:
        library.close()
