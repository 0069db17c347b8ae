"""Checksums of the index's files: damage that Whoosh reads without complaint is still found."""

from __future__ import annotations

import json
from pathlib import Path

from ctviewer.domain.search import IndexEntry
from ctviewer.search import SearchIndex
from ctviewer.search.checksums import MANIFEST, damaged

ENTRIES = [IndexEntry(i, f"Report {i}", f"terrorism financing report number {i} " * 40) for i in range(1, 41)]


def _manifest(folder: Path) -> dict[str, list[int]]:
    return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))


def test_every_segment_and_toc_is_listed_after_each_commit(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    SearchIndex.build(folder, ENTRIES[:20])
    index = SearchIndex.open(folder)
    try:
        index.add(ENTRIES[20:], merge=False)
        listed = set(_manifest(folder))
        on_disk = {p.name for p in folder.iterdir() if p.suffix in (".seg", ".toc")}
        assert listed == on_disk and len([n for n in listed if n.endswith(".seg")]) == 2
        index.optimize()  # the two segments become one: the merged-away files are forgotten
        listed = set(_manifest(folder))
        assert listed == {p.name for p in folder.iterdir() if p.suffix in (".seg", ".toc")}
        assert len([n for n in listed if n.endswith(".seg")]) == 1
        assert index.damaged_files() == []
    finally:
        index.close()


def test_a_changed_byte_is_found_even_where_searches_still_answer(tmp_path: Path) -> None:
    folder = tmp_path / "index"
    SearchIndex.build(folder, ENTRIES)
    segment = next(folder.glob("*.seg"))
    data = bytearray(segment.read_bytes())
    data[len(data) // 5] ^= 0xFF  # one flipped bit pattern inside the postings
    segment.write_bytes(bytes(data))
    assert damaged(folder) == [segment.name]
    truncated = next(folder.glob("*.toc"))
    truncated.write_bytes(truncated.read_bytes()[:-1])
    assert damaged(folder) == sorted([segment.name, truncated.name])


def test_a_file_written_after_the_last_refresh_is_not_reported(tmp_path: Path) -> None:
    """A crash between a commit and the refresh leaves new files unlisted (the dirty mark repairs
    the index anyway): unknown is not damaged."""
    folder = tmp_path / "index"
    SearchIndex.build(folder, ENTRIES)
    (folder / "MAIN_extra.seg").write_bytes(b"written by a commit whose refresh never ran")
    assert damaged(folder) == []
