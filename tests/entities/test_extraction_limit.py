"""Entities are looked for in the first ``Limits.max_extract_chars`` characters of a text only
(a 50-million-character document would otherwise keep spaCy busy for 20 minutes), and the
import says so; the whole text stays searchable."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ctviewer.library import Library
from ctviewer.settings import Limits, Settings

from .conftest import FakeExtractor

LIMIT = 300


class RecordingExtractor(FakeExtractor):
    """The fake extractor, remembering every text it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def extract(self, text: str) -> list:  # type: ignore[type-arg]
        self.texts.append(text)
        return super().extract(text)


def test_only_the_start_of_a_long_text_is_read_for_entities(tmp_path: Path) -> None:
    head = "Vladimir Voronkov met the OSCE in Tashkent. "
    filler = "The meeting discussed regional cooperation at length. " * 20
    tail = "Later the delegation travelled to Uzbekistan."
    path = tmp_path / "long.txt"
    path.write_text(head + filler + tail + "\n", encoding="utf-8")
    short = tmp_path / "short.txt"
    short.write_text("Voronkov thanked Uzbekistan.\n", encoding="utf-8")
    extractor = RecordingExtractor()
    settings = Settings(limits=replace(Limits(), max_extract_chars=LIMIT))
    library = Library.open(tmp_path / "archive", settings=settings, extractor=extractor)
    try:
        report = library.import_paths([path, short])
        long_outcome, short_outcome = report.outcomes
        assert (
            f"people, organisations and places are looked for in the first {LIMIT:,} characters only"
            in long_outcome.warnings
        )
        assert short_outcome.warnings == ()
        library.extract()
        text = library.document(long_outcome.document_id).text  # type: ignore[arg-type]
        assert len(text) > LIMIT
        assert sorted(extractor.texts) == sorted([text[:LIMIT], "Voronkov thanked Uzbekistan."])
        found = {text[m.start : m.end] for m in library.document_mentions(long_outcome.document_id)}  # type: ignore[arg-type]
        assert found == {"Vladimir Voronkov", "OSCE", "Tashkent"}  # not Uzbekistan, beyond the limit
        assert {d.id for d in library.search("Uzbekistan").hits} == {
            long_outcome.document_id,
            short_outcome.document_id,
        }
    finally:
        library.close()
