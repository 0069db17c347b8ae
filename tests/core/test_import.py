"""Importing real documents through the library: storage, duplicates, bad input, index sync."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ctviewer.library import Library
from ctviewer.paths import resources_dir
from ctviewer.settings import Settings

from .bad_files import make_bad_files

SAMPLE = resources_dir() / "sample"


@pytest.fixture(scope="module")
def sample_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    root = tmp_path_factory.mktemp("sample") / "archive"
    library = Library.open(root)
    report = library.import_paths([SAMPLE])
    assert report.ok, report.of("failed")
    yield library
    library.close()


def test_every_sample_file_is_imported_with_metadata(sample_library: Library) -> None:
    files = sorted(p for p in SAMPLE.rglob("*") if p.is_file())
    docs = sample_library.documents()
    assert len(docs) == len(files)
    assert {d.file_type for d in docs} == {"txt", "md", "html", "pdf", "docx"}
    for doc in docs:
        assert len(doc.sha256) == 64
        assert doc.title.strip()
        assert sample_library.original_path(doc.id).read_bytes() == Path(doc.source_path).read_bytes()


def test_seed_metadata_and_cleanup(sample_library: Library) -> None:
    by_name = {Path(d.source_path).name: d for d in sample_library.documents()}
    speech = by_name["003_9814ee2388ec0144.txt"]
    assert speech.date == "2022-03-03"
    assert speech.place == "Tashkent"
    assert speech.language == "en"
    record = sample_library.document(speech.id)
    assert "United Nations Global Counter-Terrorism Strategy" in record.text
    assert "Counter-\nTerrorism" in record.raw_text  # the original stays available


def test_pdf_pages_are_kept_per_character_range(sample_library: Library) -> None:
    pdf = next(d for d in sample_library.documents() if Path(d.source_path).name == "S_2025_72.en.pdf")
    record = sample_library.document(pdf.id)
    assert pdf.pages and pdf.pages > 3
    assert len(record.page_spans) == pdf.pages
    assert record.page_at(0) == 1
    last = record.page_spans[-1]
    assert record.page_at(last.start) == pdf.pages


def test_scanned_pdf_is_imported_with_a_warning(sample_library: Library) -> None:
    scan = next(d for d in sample_library.documents() if "Note_Verbale" in d.source_path)
    assert any("no text layer (scanned?)" in w for w in scan.warnings)


def test_reimport_reports_duplicates_and_stores_nothing_twice(sample_library: Library) -> None:
    before = sample_library.document_count()
    report = sample_library.import_paths([SAMPLE / "seeds"])
    assert [o.status for o in report.outcomes] == ["duplicate", "duplicate"]
    ids = {Path(d.source_path).name: d.id for d in sample_library.documents()}
    assert {o.document_id for o in report.outcomes} == {ids[Path(o.path).name] for o in report.outcomes}
    assert sample_library.document_count() == before


def test_search_finds_imported_documents(sample_library: Library) -> None:
    result = sample_library.search("Voronkov")
    names = {Path(sample_library.document(h.id).summary.source_path).name for h in result.hits}
    assert "003_9814ee2388ec0144.txt" in names
    hit = result.hits[0]
    assert "<mark>" in hit.snippet and hit.title


def test_bad_files_fail_with_reasons_and_the_rest_imports(tmp_path: Path) -> None:
    canary = tmp_path / "canary-secret.txt"
    canary.write_text("CANARY-7f3a9 private content")
    bad = make_bad_files(tmp_path / "in", canary)
    good = tmp_path / "in" / "good.txt"
    shutil.copy(SAMPLE / "seeds" / "000_d05a966dbe788ff8.txt", good)
    big = tmp_path / "in" / "big.txt"
    big.write_text("word " * 300_000)
    library = Library.open(
        tmp_path / "archive", settings=Settings(limits=Settings().limits.__class__(max_file_bytes=1_000_000))
    )
    try:
        report = library.import_paths([tmp_path / "in", bad["unsupported"], tmp_path / "missing.txt"])
        reasons = {Path(o.path).name: o.reason for o in report.of("failed")}
        assert "corrupt.pdf" in reasons and "pdf" in reasons["corrupt.pdf"].lower()
        assert "binary" in reasons["picture.txt"]
        assert "empty" in reasons["empty.txt"]
        assert "bomb.docx" in reasons
        assert "too large" in reasons["big.txt"]
        assert "unsupported" in reasons["table.xlsx"]
        assert "no such file" in reasons["missing.txt"]
        assert all(r and "\n" not in r for r in reasons.values())
        imported = [Path(o.path).name for o in report.of("imported")]
        assert "good.txt" in imported
        # the XXE file is either rejected or imported without the entity's content
        for doc in library.documents():
            assert "CANARY-7f3a9" not in library.document(doc.id).text
        assert library.search("CANARY").total == 0
        assert not report.ok
        assert library.check().ok
    finally:
        library.close()


def test_path_vanishing_mid_import_is_reported(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("a.txt", "b.txt", "c.txt"):
        (folder / name).write_text(f"Document {name} about regional counter-terrorism cooperation.")
    library = Library.open(tmp_path / "archive")

    def progress(done: int, _total: int | None, _message: str) -> None:
        if done == 1:
            (folder / "c.txt").unlink(missing_ok=True)

    try:
        report = library.import_paths([folder], progress=progress)
    finally:
        library.close()
    assert [o.status for o in report.outcomes] == ["imported", "imported", "failed"]
    assert "vanished" in (report.outcomes[2].reason or "")


def test_unreadable_file_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("text")
    real_open = Path.open

    def guarded(self: Path, *args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        if self == secret:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", guarded)
    library = Library.open(tmp_path / "archive")
    try:
        report = library.import_paths([secret])
    finally:
        library.close()
    assert report.of("failed")[0].reason == "permission denied (cannot read the file)"


def test_dirty_or_missing_index_is_repaired_on_open(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "archive")
    library.import_paths([SAMPLE / "seeds"])
    library.close()
    shutil.rmtree(tmp_path / "archive" / "index")
    library = Library.open(tmp_path / "archive")
    try:
        # Both seeds name him; the rebuilt index finds both.
        assert library.search("Voronkov").total == 2
        assert library.check().ok
    finally:
        library.close()


def test_index_drift_never_returns_deleted_documents(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "archive")
    library.import_paths([SAMPLE / "seeds"])
    doomed = next(h.id for h in library.search("Voronkov").hits)
    with library.archive.db.write() as session:
        session.connection().exec_driver_sql(f"DELETE FROM documents WHERE id = {doomed}")
    assert all(h.id != doomed for h in library.search("Voronkov").hits)
    report = library.check()
    assert not report.ok and report.problems[0].repairable
    repaired = library.check(repair=True)
    assert repaired.repaired and repaired.ok
    assert library.index.index.ids() == {d.id for d in library.documents()}
    library.close()


def test_import_runs_are_recorded(tmp_path: Path) -> None:
    library = Library.open(tmp_path / "archive")
    library.import_paths([SAMPLE / "seeds", tmp_path / "nope.txt"])
    with library.archive.db.read() as session:
        rows = (
            session.connection().exec_driver_sql("SELECT status, reason, warnings FROM import_items ORDER BY id").all()
        )
    library.close()
    assert [r[0] for r in rows] == ["imported", "imported", "failed"]
    assert json.loads(rows[0][2]) == []


def test_text_needing_no_cleanup_is_stored_once(tmp_path: Path) -> None:
    from sqlalchemy import text as sql

    clean = tmp_path / "clean.txt"
    clean.write_text("A paragraph that needs no cleanup at all.\n\nAnother one, also fine.", encoding="utf-8")
    library = Library.open(tmp_path / "archive")
    try:
        report = library.import_paths([clean, SAMPLE / "seeds" / "003_9814ee2388ec0144.txt"])
        clean_id, seed_id = (o.document_id for o in report.outcomes)
        with library.archive.db.read() as session:
            stored = dict(session.execute(sql("SELECT document_id, raw_text FROM document_texts")).all())
        assert stored[clean_id] == "" and "Counter-\nTerrorism" in stored[seed_id]
        record = library.document(clean_id)
        assert record.raw_text == record.text == clean.read_text(encoding="utf-8")
    finally:
        library.close()
