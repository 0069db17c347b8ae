"""Packaging: every subpackage is declared and resources install with the package (the layering is
import-linter's contract in pyproject.toml, checked by tests/test_lint.py)."""

from __future__ import annotations

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
