"""Fixtures for extraction tests: the real model is loaded once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from ctviewer.extract.pipeline import Extractor

SEEDS = Path(__file__).resolve().parents[2] / "resources" / "sample" / "seeds"


@pytest.fixture(scope="session")
def extractor() -> Extractor:
    ex = Extractor()
    ex.nlp  # noqa: B018  (build the pipeline once, here)
    return ex


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))}
