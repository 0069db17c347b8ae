"""Bulk imports keep the index's segment count bounded by merging only the smaller half of the
segments (never the big ones, whose merge cost grows with the archive), and lose nothing."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ctviewer.library import Library
from ctviewer.settings import Settings

from ..entities.conftest import FakeExtractor


def test_piled_up_segments_merge_the_smaller_half_and_every_document_stays_found(tmp_path: Path) -> None:
    inbox = tmp_path / "in"
    inbox.mkdir()
    for i in range(40):
        (inbox / f"s{i:02d}.txt").write_text(f"Statement number{i} on Central Asia security.\n", encoding="utf-8")
    settings = replace(Settings(), index_batch=2, max_index_segments=6, import_workers=1)
    library = Library.open(tmp_path / "archive", settings=settings, extractor=FakeExtractor())
    seen: list[int] = []
    try:
        library.import_paths([inbox], on_outcome=lambda _o: seen.append(library.index.segments()))
        counts = library.index.index.segment_sizes()
        assert max(seen) <= 6 + 1  # bounded while importing (20 batches of 2 would make 20)
        assert len(counts) <= 6 and sum(counts) == 40
        assert sorted(counts)[-1] > 2, counts  # merged segments exist
        # ...but the big ones were left alone (Whoosh's own policy folds nearly all into one).
        assert max(counts) <= 20, counts
        assert library.search("Central").total == 40
        assert all(library.search(f"number{i}").total == 1 for i in range(40))
    finally:
        library.close()
