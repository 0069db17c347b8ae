"""Text files above ``preparing.STREAM_ABOVE`` are hashed, decoded and stored as streams: the
document must come out exactly as from a whole read, a file that changes meanwhile is refused,
and one large file is read in a worker process even in a small batch (the window keeps
running while its text is decoded and cleaned)."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from ctviewer import ingest
from ctviewer.importing import preparing
from ctviewer.importing.importer import Candidate, _Preparer
from ctviewer.library import Library
from ctviewer.settings import Settings

from ..entities.conftest import FakeExtractor

RUSSIAN = "Региональная антитеррористическая структура ШОС провела заседание в Ташкенте.\n"
FILES: dict[str, bytes] = {
    "utf8.txt": ("Joint Plan of Action for Central Asia.\n\n" + RUSSIAN * 40).encode("utf-8"),
    "bom16.txt": codecs.BOM_UTF16_LE + ("OSCE and UNOCT, 12 March 2021.\n" + RUSSIAN * 20).encode("utf-16-le"),
    "cp1251.txt": (RUSSIAN * 30).encode("cp1251"),
    "nuls.txt": b"Counter-terrorism\x00 cooperation in the region.\n" * 30,
    "cut.txt": RUSSIAN.encode("utf-8") * 10 + "Ж".encode()[:1],
    "statement.md": (
        b"---\ntitle: Joint Statement on Countering Terrorism\ndate: 2022-09-16\n"
        b"source_url: https://example.org/s\n---\n\n# Joint Statement\n\nThe *leaders* met in "
        b"[Samarkand](https://example.org) on\nFriday.  \nThey agreed.\n"
    ),
}


def _import(root: Path, folder: Path) -> dict[str, tuple[object, ...]]:
    library = Library.open(root, extractor=FakeExtractor())
    try:
        report = library.import_paths([folder], workers=0)  # in this process, where the patch holds
        out: dict[str, tuple[object, ...]] = {}
        for outcome in report.outcomes:
            assert outcome.status == "imported" and outcome.document_id is not None, outcome
            doc = library.document(outcome.document_id)
            s = doc.summary
            out[Path(outcome.path).name] = (
                doc.text,
                doc.raw_text,
                s.title,
                s.date,
                s.place,
                s.language,
                doc.encoding,
                s.warnings,
                doc.truncated,
                doc.extra,
            )
        originals = sorted(p.read_bytes() for p in library.archive.originals.all_files())
        assert originals == sorted(FILES.values())  # stored whole and byte for byte either way
        return out
    finally:
        library.close()


def test_streamed_and_whole_reads_give_the_same_documents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name, data in FILES.items():
        (folder / name).write_bytes(data)
    whole = _import(tmp_path / "whole", folder)
    monkeypatch.setattr(preparing, "STREAM_ABOVE", 0)
    calls: list[str] = []
    original_reader = ingest.read_document_file

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        calls.append(path.name)
        return original_reader(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(ingest, "read_document_file", counting)
    streamed = _import(tmp_path / "streamed", folder)
    assert sorted(calls) == sorted(FILES)  # every file really went the streamed way
    assert streamed == whole
    assert whole["cut.txt"][7] == ("the file ends mid-character",)
    assert whole["nuls.txt"][7] == ("NUL characters removed",)
    assert whole["statement.md"][2:4] == ("Joint Statement on Countering Terrorism", "2022-09-16")


def test_a_file_that_changes_while_it_is_streamed_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "growing.txt"
    path.write_text("Tashkent declaration on countering terrorism.\n" * 100, encoding="utf-8")
    monkeypatch.setattr(preparing, "STREAM_ABOVE", 0)
    original_reader = ingest.read_document_file

    def appending(path: Path, *args: object, **kwargs: object) -> object:
        extracted = original_reader(path, *args, **kwargs)  # type: ignore[arg-type]
        with path.open("a", encoding="utf-8") as handle:  # another program still writing it
            handle.write("One more line.\n")
        return extracted

    monkeypatch.setattr(ingest, "read_document_file", appending)
    library = Library.open(tmp_path / "archive", extractor=FakeExtractor())
    try:
        [outcome] = library.import_paths([path], workers=0).outcomes
        assert outcome.status == "failed"
        assert outcome.reason == "the file changed while it was being read; import it again"
        assert list(library.archive.originals.all_files()) == []  # nothing half-stored
        assert not any(p.name.startswith(".tmp-") for p in library.archive.paths.root.rglob("*"))
        assert library.document_count() == 0
        monkeypatch.setattr(ingest, "read_document_file", original_reader)
        [again] = library.import_paths([path], workers=0).outcomes  # once it has settled
        assert again.status == "imported"
    finally:
        library.close()


def test_one_large_file_is_read_in_a_worker_process(tmp_path: Path) -> None:
    small, large = tmp_path / "small.txt", tmp_path / "large.txt"
    small.write_text("A short note.\n", encoding="utf-8")
    with large.open("wb") as handle:
        handle.truncate(_Preparer.LARGE_FILE + 1)
    library = Library.open(tmp_path / "archive", extractor=FakeExtractor())
    try:
        archive, settings = library.archive, Settings()
        assert _Preparer(archive, settings, [Candidate(small)]).workers == 0
        assert _Preparer(archive, settings, [Candidate(small), Candidate(large)]).workers == 1
        assert _Preparer(archive, settings, [Candidate(large)], workers=0).workers == 0  # asked for none
        assert _Preparer(archive, settings, [Candidate(large, reason="unsupported")]).workers == 0
        # A big batch of small files keeps its pool (sized by the machine, at most 4 workers).
        assert _Preparer(archive, settings, [Candidate(small)] * 40, workers=3).workers == 3
        assert _Preparer(archive, settings, [Candidate(small)] * 39, workers=3).workers == 0
    finally:
        library.close()
