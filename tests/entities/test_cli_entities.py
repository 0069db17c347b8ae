"""The entity commands as a user runs them (subprocesses): JSON contract, corrections, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ctviewer.paths import resources_dir

from ..conftest import run_cli

pytestmark = [pytest.mark.spacy, pytest.mark.slow]

SEEDS = resources_dir() / "sample" / "seeds"
ENTITY_KEYS = {"id", "type", "name", "aliases", "documents", "mentions", "roles"}


def _json(*args: str, archive: Path) -> object:
    proc = run_cli(*args, "--json", archive=archive)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds imported (and so extracted) through the CLI."""
    root = tmp_path_factory.mktemp("cli-entities") / "archive"
    proc = run_cli("import", str(SEEDS), archive=root)
    assert proc.returncode == 0, proc.stderr
    assert "extracted entities from 2 documents" in proc.stderr
    return root


def _by_name(archive: Path, type_: str | None = None) -> dict[str, dict]:
    args = ("entities", "--type", type_) if type_ else ("entities",)
    return {e["name"]: e for e in _json(*args, archive=archive)}  # type: ignore[union-attr]


def test_entities_json_contract(archive: Path) -> None:
    everything = _json("entities", archive=archive)
    assert isinstance(everything, list) and everything
    for e in everything:
        assert set(e) == ENTITY_KEYS
        assert e["type"] in {"person", "organisation", "place"} and isinstance(e["mentions"], int)
        assert all(isinstance(d, int) for d in e["documents"]) and all(isinstance(a, str) for a in e["aliases"])
        assert all(set(r) == {"title", "organisation"} for r in e["roles"])
    people = _by_name(archive, "person")
    assert {e["type"] for e in people.values()} == {"person"}
    voronkov = people["Vladimir Voronkov"]
    assert len(voronkov["documents"]) == 2
    assert {
        "title": "Under-Secretary-General",
        "organisation": "United Nations Office of Counter-Terrorism",
    } in voronkov["roles"]
    text = run_cli("entities", "--type", "person", archive=archive)
    assert text.returncode == 0 and "Vladimir Voronkov" in text.stdout


def test_entity_json_contract(archive: Path) -> None:
    voronkov = _by_name(archive, "person")["Vladimir Voronkov"]
    shown = _json("entity", str(voronkov["id"]), archive=archive)
    assert isinstance(shown, dict) and set(shown) == ENTITY_KEYS | {"cooccurring"}
    assert len(shown["mentions"]) >= 2
    for m in shown["mentions"]:
        assert set(m) == {"document", "start", "end", "text", "context"}
        assert "Voronkov" in m["text"] and m["text"] in m["context"]
    assert shown["cooccurring"] and all(set(c) == {"id", "name", "count"} for c in shown["cooccurring"])
    text = run_cli("entity", str(voronkov["id"]), archive=archive)
    assert text.returncode == 0 and "[Vladimir Voronkov]" in text.stdout


def test_unknown_ids_are_plain_errors(archive: Path) -> None:
    for args in (
        ("entity", "99999"),
        ("rename", "99999", "x"),
        ("merge", "99999", "99998"),
        ("reject", "99999"),
        ("retype", "99999", "place"),
        ("alias", "99999", "x"),
        ("split", "99999", "--mentions", "1"),
        ("dismiss", "99999"),
    ):
        proc = run_cli(*args, archive=archive)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr and "99999" in proc.stderr


def test_corrections_through_the_cli_survive_extract_all(archive: Path) -> None:
    people = _by_name(archive, "person")
    orgs = _by_name(archive, "organisation")
    zhang, mirziyoyev = people["Zhang Ming"]["id"], people["Shavkat Mirziyoyev"]["id"]
    merged = _json("merge", str(zhang), str(mirziyoyev), archive=archive)
    assert merged["id"] == zhang and "Shavkat Mirziyoyev" in merged["aliases"]  # type: ignore[index]
    assert run_cli("rename", str(zhang), "Zhang M.", archive=archive).returncode == 0
    un = orgs["United Nations"]["id"]
    assert run_cli("reject", str(un), archive=archive).returncode == 0
    assert (
        run_cli("alias", str(orgs["Shanghai Cooperation Organisation"]["id"]), "ShOS", archive=archive).returncode == 0
    )
    guterres = people["Antonio Guterres"]
    assert run_cli("retype", str(guterres["id"]), "organisation", archive=archive).returncode == 0
    voronkov = people["Vladimir Voronkov"]
    first = _json("entity", str(voronkov["id"]), archive=archive)["mentions"][0]  # type: ignore[index]
    split = _json(
        "split",
        str(voronkov["id"]),
        "--mentions",
        f"{first['document']}:{first['start']}",
        "--name",
        "Voronkov (press release)",
        archive=archive,
    )
    assert split["name"] == "Voronkov (press release)" and split["documents"] == [first["document"]]  # type: ignore[index]
    assert isinstance(_json("suggestions", archive=archive), list)
    before = _json("entities", archive=archive)

    proc = run_cli("extract", "--all", archive=archive)
    assert proc.returncode == 0, proc.stderr
    assert _json("entities", archive=archive) == before
    after = {e["name"]: e for e in before}  # type: ignore[union-attr]
    assert "United Nations" not in after and after["Zhang M."]["type"] == "person"
    assert after["Antonio Guterres"]["type"] == "organisation"
    assert run_cli("extract", archive=archive).returncode == 0  # nothing pending: a no-op


def test_import_can_defer_extraction(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    proc = run_cli("import", str(SEEDS), "--defer-extraction", archive=root)
    assert proc.returncode == 0 and "extracted" not in proc.stderr
    assert _json("entities", archive=root) == []
    assert json.loads(run_cli("search", "person:voronkov", "--json", archive=root).stdout)["total"] == 0
    done = _json("extract", archive=root)
    assert done["documents"] == 2 and done["mentions"] > 0  # type: ignore[index]
    assert json.loads(run_cli("search", "person:voronkov", "--json", archive=root).stdout)["total"] == 2
