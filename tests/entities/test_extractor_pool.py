"""The extraction worker processes give exactly what in-process extraction gives, a long
document's mentions included (they travel back in pickled slices, unpickled one at a time)."""

from __future__ import annotations

import pytest

from ctviewer.entities.workers import SLICE_MENTIONS, ExtractorPool
from ctviewer.extract.pipeline import Extractor
from ctviewer.paths import resources_dir

pytestmark = [pytest.mark.spacy, pytest.mark.slow]

SEEDS = resources_dir() / "sample" / "seeds"


def test_the_pool_returns_what_this_process_extracts() -> None:
    seeds = [p.read_text(encoding="utf-8") for p in sorted(SEEDS.iterdir()) if p.suffix == ".txt"]
    sentence = "Vladimir Voronkov met the OSCE Secretary General in Tashkent on Monday. "
    long_text = sentence * (SLICE_MENTIONS // 2 + 50)  # more mentions than one slice holds
    texts = [seeds[0], long_text, "No names here at all.", *seeds[1:]]
    expected = list(Extractor().extract_many(texts))
    assert len(expected[1]) > SLICE_MENTIONS
    pool = ExtractorPool(2, task_chars=20_000)  # the long text is a task of its own
    try:
        got = pool.submit(texts)()
    finally:
        pool.close()
    assert got == expected
