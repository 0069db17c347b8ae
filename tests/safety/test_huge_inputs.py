"""Huge and pathological inputs: a 2 GB text file is refused from its size without being read,
a single enormous line is capped and marked truncated, and text made to hurt the analyzer and
the highlighter (a 1 MB "word", 100,000 distinct tokens) imports, searches and highlights."""

from __future__ import annotations

import random
import resource
import string
from dataclasses import replace
from pathlib import Path

from ctviewer.library import Library
from ctviewer.settings import MB, Limits, Settings

from ..entities.conftest import FakeExtractor


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
