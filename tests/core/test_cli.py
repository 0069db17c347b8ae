"""Every CLI command as a user runs it (a subprocess), with its JSON contract and exit codes."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ctviewer.paths import resources_dir

from ..conftest import run_cli

SAMPLE = resources_dir() / "sample"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """An archive holding the seeds and the UN PDFs, imported through the CLI."""
    root = tmp_path_factory.mktemp("cli") / "archive"
    proc = run_cli("import", str(SAMPLE / "seeds"), str(SAMPLE / "un-documents"), "--json", archive=root)
    assert proc.returncode == 0, proc.stderr
    return root, json.loads(proc.stdout)


def test_import_json_contract(imported: tuple[Path, dict]) -> None:
    _, report = imported
    assert set(report) == {"imported", "duplicates", "failed"}
    assert len(report["imported"]) == 2 + 4 and report["duplicates"] == [] and report["failed"] == []
    for item in report["imported"]:
        assert set(item) == {"path", "id"} and isinstance(item["id"], int) and Path(item["path"]).exists()


def test_import_text_report_and_duplicates(imported: tuple[Path, dict]) -> None:
    root, _ = imported
    proc = run_cli("import", str(SAMPLE / "seeds"), archive=root)
    assert proc.returncode == 0
    lines = proc.stdout.splitlines()
    assert len(lines) == 2 and all(line.startswith("duplicate") for line in lines)
    assert "0 imported, 2 duplicates, 0 failed" in proc.stderr
    as_json = json.loads(run_cli("import", str(SAMPLE / "seeds"), "--json", archive=root).stdout)
    assert {d["id"] for d in as_json["duplicates"]} == {d["id"] for d in _docs(root) if "seeds" in d["source_path"]}


def test_import_exit_code_is_1_when_a_file_fails_and_the_rest_imports(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "broken.pdf").write_bytes(b"%PDF-1.7\n this is not really a pdf")
    shutil.copy(SAMPLE / "seeds" / "003_9814ee2388ec0144.txt", folder)
    proc = run_cli("import", str(folder), "--json", archive=tmp_path / "archive")
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    assert [Path(f["path"]).name for f in report["failed"]] == ["broken.pdf"]
    assert report["failed"][0]["reason"] and "\n" not in report["failed"][0]["reason"]
    assert len(report["imported"]) == 1


def _docs(root: Path) -> list[dict]:
    proc = run_cli("docs", "--json", archive=root)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_docs_json_contract(imported: tuple[Path, dict]) -> None:
    root, report = imported
    docs = _docs(root)
    assert {d["id"] for d in docs} == {i["id"] for i in report["imported"]}
    for d in docs:
        assert {"id", "title", "date", "source_path", "sha256", "pages", "language"} <= set(d)
        assert len(d["sha256"]) == 64 and d["title"]
    speech = next(d for d in docs if d["source_path"].endswith("003_9814ee2388ec0144.txt"))
    assert speech["date"] == "2022-03-03" and speech["language"] == "en"
    pdf = next(d for d in docs if d["source_path"].endswith("S_2025_72.en.pdf"))
    assert pdf["pages"] and pdf["pages"] > 1


def test_docs_sorting_and_limit(imported: tuple[Path, dict]) -> None:
    root, _ = imported
    proc = run_cli("docs", "--json", "--sort", "date", "--desc", "--limit", "3", archive=root)
    dates = [d["date"] or "" for d in json.loads(proc.stdout)]
    assert len(dates) == 3 and dates == sorted(dates, reverse=True)


def test_show_json_and_text(imported: tuple[Path, dict]) -> None:
    root, _ = imported
    doc = next(d for d in _docs(root) if d["source_path"].endswith("S_2025_72.en.pdf"))
    shown = json.loads(run_cli("show", str(doc["id"]), "--json", archive=root).stdout)
    assert shown["id"] == doc["id"] and shown["sha256"] == doc["sha256"] and shown["text"]
    assert shown["page_spans"][0]["page"] == 1 and shown["page_spans"][-1]["end"] <= len(shown["text"])
    text = run_cli("show", str(doc["id"]), archive=root)
    assert text.returncode == 0 and text.stdout.startswith("Title:") and shown["text"][:200] in text.stdout


def test_show_raw_keeps_the_original_line_breaks(imported: tuple[Path, dict]) -> None:
    root, _ = imported
    doc = next(d for d in _docs(root) if d["source_path"].endswith("003_9814ee2388ec0144.txt"))
    clean = json.loads(run_cli("show", str(doc["id"]), "--json", archive=root).stdout)["text"]
    raw = json.loads(run_cli("show", str(doc["id"]), "--json", "--raw", archive=root).stdout)["text"]
    assert "Counter-\nTerrorism" in raw and "Counter-\nTerrorism" not in clean


def test_show_unknown_id_is_a_plain_error(imported: tuple[Path, dict]) -> None:
    root, _ = imported
    proc = run_cli("show", "99999", archive=root)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "99999" in proc.stderr


def test_search_json_contract(imported: tuple[Path, dict]) -> None:
    root, _ = imported
    proc = run_cli("search", "Voronkov", "--json", archive=root)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    assert set(result) >= {"query", "total", "hits"} and result["query"] == "Voronkov"
    assert result["total"] == 2 == len(result["hits"])
    for hit in result["hits"]:
        assert set(hit) == {"id", "title", "date", "score", "snippet"}
        assert "<mark>Voronkov</mark>" in hit["snippet"] and hit["score"] > 0


def test_search_limit_facets_and_text_output(imported: tuple[Path, dict]) -> None:
    root, _ = imported
    limited = json.loads(run_cli("search", "security", "--limit", "1", "--json", "--facets", archive=root).stdout)
    assert len(limited["hits"]) == 1 and limited["total"] >= 2
    assert {"year", "type"} <= set(limited["facets"])
    assert sum(f["count"] for f in limited["facets"]["type"]) == limited["total"]
    text = run_cli("search", "Voronkov", archive=root)
    assert "2 documents match" in text.stdout and "[Voronkov]" in text.stdout


def test_search_syntax_error_and_suggestion(imported: tuple[Path, dict]) -> None:
    root, _ = imported
    bad = run_cli("search", "a*", archive=root)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr and "wildcard" in bad.stderr
    fixed = json.loads(run_cli("search", "Voronkv", "--json", archive=root).stdout)
    assert fixed["total"] == 0 and fixed["suggestion"].lower() == "voronkov"


def test_reindex_and_check(imported: tuple[Path, dict]) -> None:
    root, report = imported
    proc = run_cli("reindex", archive=root)
    assert proc.returncode == 0 and f"re-indexed {len(report['imported'])} documents" in proc.stdout
    check = run_cli("check", "--json", archive=root)
    assert check.returncode == 0 and json.loads(check.stdout)["ok"] is True
    assert json.loads(check.stdout)["problems"] == []


def test_check_finds_and_repairs_a_missing_index_and_original(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    seeds = tmp_path / "seeds"
    shutil.copytree(SAMPLE / "seeds", seeds)
    assert run_cli("import", str(seeds), archive=root).returncode == 0
    shutil.rmtree(root / "index")
    for source in seeds.iterdir():  # both originals gone from the archive
        sha = hashlib.sha256(source.read_bytes()).hexdigest()
        next((root / "originals").rglob(sha + "*")).unlink()
    proc = run_cli("check", "--json", archive=root)
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    codes = {p["code"] for p in result["problems"]}
    assert result["ok"] is False and "originals-missing" in codes and any(c.startswith("index") for c in codes)
    # One source file changed since the import: its original cannot be restored from it.
    changed = next(p for p in seeds.iterdir() if p.name.startswith("003"))
    changed.write_text(changed.read_text(encoding="utf-8") + "\nedited", encoding="utf-8")
    repaired = json.loads(run_cli("check", "--json", "--repair", archive=root).stdout)
    assert any("index" in line for line in repaired["repaired"])
    assert "restored 1 original files from their source paths" in repaired["repaired"]
    assert [p["code"] for p in repaired["problems"]] == ["originals-missing"]  # the edited one cannot be
    assert json.loads(run_cli("search", "Voronkov", "--json", archive=root).stdout)["total"] == 2


def test_archive_from_environment_variable(imported: tuple[Path, dict]) -> None:
    root, report = imported
    env = {**os.environ, "CTVIEWER_ARCHIVE": str(root)}
    proc = subprocess.run(
        [sys.executable, "-m", "ctviewer", "docs", "--json"], env=env, capture_output=True, text=True, check=False
    )
    assert len(json.loads(proc.stdout)) == len(report["imported"])


def test_read_commands_on_a_missing_archive_create_nothing(tmp_path: Path) -> None:
    root = tmp_path / "nowhere"
    for args in (("docs",), ("search", "x"), ("show", "1"), ("check",)):
        proc = run_cli(*args, archive=root)
        assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stderr.startswith("ctviewer:")
    assert not root.exists()


def test_sample_builds_once_and_is_reused(tmp_path: Path) -> None:
    root = tmp_path / "sample"
    first = json.loads(run_cli("sample", "--json", archive=root).stdout)
    files = [p for p in SAMPLE.rglob("*") if p.is_file()]
    assert first["documents"] == len(files) == first["imported"] and first["failed"] == []
    assert first["entities"] > 50  # people, organisations and places were extracted too
    voronkov = json.loads(run_cli("entities", "--type", "person", "--json", archive=root).stdout)
    assert any(e["name"] == "Vladimir Voronkov" and len(e["documents"]) >= 2 for e in voronkov)
    again = json.loads(run_cli("sample", "--json", archive=root).stdout)
    assert again["documents"] == len(files) and again["imported"] == 0 and again["duplicates"] == len(files)
    assert again["entities"] == first["entities"]


def test_search_command_stays_light(imported: tuple[Path, dict]) -> None:
    """`ctviewer search` must not import spaCy, Qt or the document readers."""
    root, _ = imported
    code = (
        "import sys\nfrom ctviewer.cli import main\n"
        f"main(['--archive', {str(root)!r}, 'search', 'Voronkov', '--json'])\n"
        "heavy = {'spacy', 'PySide6', 'pypdfium2', 'pypdf', 'trafilatura', 'docx', 'lxml', 'py3langid'}\n"
        "print('LOADED', sorted(m for m in heavy if m in sys.modules))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert "LOADED []" in proc.stdout, proc.stdout[-300:] + proc.stderr[-2000:]


def test_help_lists_every_command() -> None:
    proc = run_cli("--help")
    for command in ("import", "docs", "show", "search", "reindex", "check", "sample"):
        assert command in proc.stdout
    assert run_cli("--version").stdout.startswith("ctviewer ")
