"""The annotation commands as a user runs them (subprocesses): output contract and exit codes."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from ..conftest import run_cli
from .conftest import doc_id, open_fake

KEYS = {
    "id",
    "document",
    "quote",
    "start",
    "end",
    "note",
    "tags",
    "color",
    "entities",
    "orphaned",
    "created",
    "modified",
}


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, dict[str, int]]:
    root = tmp_path / "archive"
    library = open_fake(root)
    ids = {name: doc_id(library, name) for name in ("a.txt", "b.txt", "c.txt")}
    library.close()
    return root, ids


def test_annotate_list_export_import(archive: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    root, ids = archive
    proc = run_cli(
        "annotate",
        str(ids["a.txt"]),
        "--quote",
        "met the OSCE in Tashkent",
        "--note",
        "Key meeting",
        "--tag",
        "priority",
        "--tag",
        "meeting",
        "--color",
        "blue",
        archive=root,
    )
    assert proc.returncode == 0, proc.stderr
    new_id = int(proc.stdout.strip())

    listed = run_cli("annotations", "--json", archive=root)
    assert listed.returncode == 0, listed.stderr
    items = json.loads(listed.stdout)
    assert len(items) == 1 and set(items[0]) == KEYS
    item = items[0]
    assert item["id"] == new_id and item["document"] == ids["a.txt"] and item["quote"] == "met the OSCE in Tashkent"
    assert item["tags"] == ["meeting", "priority"] and item["color"] == "blue" and item["orphaned"] is False
    assert isinstance(item["start"], int) and item["end"] - item["start"] == len(item["quote"])
    assert {e["name"] for e in item["entities"]} >= {"Tashkent"} and item["created"] and item["modified"]

    assert json.loads(run_cli("annotations", "--doc", str(ids["b.txt"]), "--json", archive=root).stdout) == []
    assert len(json.loads(run_cli("annotations", "--tag", "priority", "--json", archive=root).stdout)) == 1
    assert json.loads(run_cli("annotations", "--tag", "nope", "--json", archive=root).stdout) == []

    search = run_cli("search", "note:meeting AND tag:priority", "--json", archive=root)
    assert search.returncode == 0, search.stderr
    assert [h["id"] for h in json.loads(search.stdout)["hits"]] == [ids["a.txt"]]

    md = run_cli("export-annotations", "--format", "md", archive=root)
    assert md.returncode == 0 and "> met the OSCE in Tashkent" in md.stdout
    out = tmp_path / "notes.csv"
    assert run_cli("export-annotations", "--format", "csv", "-o", str(out), archive=root).returncode == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))
    assert rows[0]["note"] == "Key meeting"
    w3c = tmp_path / "notes.jsonld"
    assert run_cli("export-annotations", "--format", "w3c", "-o", str(w3c), archive=root).returncode == 0

    again = run_cli("import-annotations", str(w3c), "--json", archive=root)
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["duplicates"] == 1 and json.loads(again.stdout)["imported"] == []


def test_exit_codes_and_plain_messages(archive: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    root, ids = archive
    missing = run_cli("annotate", str(ids["c.txt"]), "--quote", "not in there", archive=root)
    assert missing.returncode == 2 and "not in the document" in missing.stderr and "Traceback" not in missing.stderr
    ambiguous = run_cli("annotate", str(ids["a.txt"]), "--quote", "Voronkov", archive=root)
    assert ambiguous.returncode == 2 and "--occurrence" in ambiguous.stderr
    second = run_cli("annotate", str(ids["a.txt"]), "--quote", "Voronkov", "--occurrence", "2", archive=root)
    assert second.returncode == 0, second.stderr
    bad_colour = run_cli("annotate", str(ids["a.txt"]), "--quote", "Uzbekistan", "--color", "pink", archive=root)
    assert bad_colour.returncode == 2 and "Unknown colour" in bad_colour.stderr
    hostile = tmp_path / "hostile.json"
    hostile.write_text('{"type": "AnnotationCollection", "first": {"items": 7}}', encoding="utf-8")
    proc = run_cli("import-annotations", str(hostile), archive=root)
    assert proc.returncode == 2 and "no list of items" in proc.stderr and "Traceback" not in proc.stderr

    ann = second.stdout.strip()
    assert run_cli("delete-annotation", ann, archive=root).returncode == 0
    assert json.loads(run_cli("annotations", "--json", archive=root).stdout) == []
    assert run_cli("restore-annotation", ann, archive=root).returncode == 0
    assert [a["id"] for a in json.loads(run_cli("annotations", "--json", archive=root).stdout)] == [int(ann)]
    assert run_cli("delete-annotation", "9999", archive=root).returncode == 2
