"""Huge and pathological inputs: a 2 GB text file is refused from its size without being read,
a single enormous line is streamed, capped and marked truncated in bounded memory (its
original kept whole), and text made to hurt the analyzer and the highlighter (a 1 MB "word",
100,000 distinct tokens) imports, searches and highlights."""

from __future__ import annotations

import json
import random
import resource
import string
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from ctviewer.library import Library
from ctviewer.settings import MB, Limits, Settings

from ..conftest import REPO
from ..entities.conftest import FakeExtractor
from .huge_line_child import TEXT_LIMIT

pytestmark = pytest.mark.slow  # files of 120 MB to 2 GB, pathological text


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def test_a_2_gb_text_file_is_refused_from_its_size_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "in" / "dump.txt"
    huge.parent.mkdir()
    with open(huge, "wb") as handle:  # sparse: 2 GB long, no disk used
        handle.truncate(2 * 1024 * MB)
    (tmp_path / "in" / "note.txt").write_text("A short statement on the OSCE.\n", encoding="utf-8")
    before = _peak_rss_mb()
    library = Library.open(tmp_path / "archive", extractor=FakeExtractor())
    try:
        report = library.import_paths([tmp_path / "in"])
    finally:
        library.close()
    failed = report.of("failed")
    assert [Path(o.path).name for o in failed] == ["dump.txt"]
    assert "limit" in (failed[0].reason or "") and "\n" not in (failed[0].reason or "")
    assert len(report.of("imported")) == 1  # the rest of the batch still imports
    assert _peak_rss_mb() - before < 200  # it was never read into memory


def test_a_single_enormous_line_is_capped_and_marked_truncated(tmp_path: Path) -> None:
    line = tmp_path / "line.txt"
    word = "counterterrorism cooperation "
    line.write_text(word * (40 * MB // len(word)), encoding="utf-8")  # 40 MB, no line break
    settings = Settings(limits=replace(Limits(), max_text_chars=5 * MB))
    library = Library.open(tmp_path / "archive", settings=settings, extractor=FakeExtractor())
    try:
        report = library.import_paths([line])
        [outcome] = report.of("imported")
        assert outcome.document_id is not None
        doc = library.document(outcome.document_id)
        assert len(doc.text) <= 5 * MB
        assert any("truncated" in w for w in outcome.warnings)
        assert library.search("cooperation").total == 1
    finally:
        library.close()


@pytest.mark.parametrize("workers", [0, 2], ids=["in-process", "worker"])
def test_a_120_mb_line_is_streamed_with_memory_bounded_by_the_text_limit(tmp_path: Path, workers: int) -> None:
    line = tmp_path / "line.txt"
    sentence = b"The Regional Anti-Terrorist Structure met in Tashkent. "
    block = sentence * (MB // len(sentence))
    with line.open("wb") as handle:  # 120 MB without a line break
        for _ in range(120):
            handle.write(block)
    run = subprocess.run(
        [sys.executable, "-m", "tests.safety.huge_line_child", str(line), str(tmp_path / "archive"), str(workers)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["status"] == "imported", result
    assert result["truncated"] is True and 0 < result["text_chars"] <= TEXT_LIMIT
    assert f"text truncated at {TEXT_LIMIT:,} characters" in result["warnings"]
    assert result["originals"] == [line.stat().st_size]  # the original is kept whole
    assert result["hits"] == 1
    # Reading the file whole cost this process 360 MB more; streamed, the text limit bounds it.
    assert result["self_growth_mb"] < 100, result
    if workers:  # the worker's own peak includes its start-up and the language model (~170 MB)
        assert 0 < result["worker_peak_mb"] < 300, result


def test_pathological_text_for_the_analyzer_and_highlighter(tmp_path: Path) -> None:
    rng = random.Random(7)
    tokens = {"".join(rng.choices(string.ascii_lowercase, k=9)) for _ in range(110_000)}
    distinct = " ".join(sorted(tokens)[:100_000])
    monster = "x" * MB  # a one-megabyte "word"
    path = tmp_path / "hostile.txt"
    path.write_text(f"Tashkent declaration.\n\n{distinct}\n\n{monster}\n\nTashkent again.\n", encoding="utf-8")
    library = Library.open(tmp_path / "archive", extractor=FakeExtractor())
    try:
        report = library.import_paths([path])
        assert len(report.of("imported")) == 1, report.outcomes
        result = library.search("Tashkent")
        assert result.total == 1
        assert "Tashkent" in result.hits[0].snippet
        near, far = sorted(tokens)[5_000], sorted(tokens)[90_000]
        assert library.search(near).total == 1 and library.search(far).total == 1
        # Snippets scan a bounded start of the text (snippets.SCAN_CHARS): a hit there is shown,
        # one beyond it falls back to the opening lines instead of costing unbounded time.
        assert near in library.snippets(near, [result.hits[0].id])[result.hits[0].id]
        assert library.snippets(far, [result.hits[0].id])[result.hits[0].id].startswith("Tashkent declaration")
        assert library.check().ok
    finally:
        library.close()
