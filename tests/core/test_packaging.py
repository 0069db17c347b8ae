"""Packaging: every subpackage is declared, resources install with the package, layering holds."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_every_subpackage_is_listed_in_pyproject() -> None:
    declared = set(tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(REPO).parts) for p in (REPO / "ctviewer").rglob("__init__.py")} | {
        "ctviewer.resources"
    }
    assert found == declared


def test_resources_resolve_to_the_sample_documents() -> None:
    from ctviewer.paths import resources_dir

    assert (resources_dir() / "sample" / "seeds").is_dir()


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_never_imports_qt_and_whoosh_stays_in_search() -> None:
    for path in (REPO / "ctviewer").rglob("*.py"):
        rel = path.relative_to(REPO / "ctviewer")
        imported = _imports(path)
        if rel.parts[0] not in ("ui",) and rel.name != "app.py":
            assert "PySide6" not in imported, f"{rel} imports Qt"
        if rel.parts[0] != "search":
            assert "whoosh" not in imported, f"{rel} imports whoosh"
        if rel.parts[0] == "ui":
            assert not imported & {"sqlalchemy", "whoosh"}, f"{rel} reaches below the library"
