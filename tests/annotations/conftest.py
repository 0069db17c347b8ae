"""Fixtures for annotations: the entity layer's fake-extractor archive, and a way to change a
document's stored original (as if a reader now extracted a different text)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ctviewer.library import Library

from ..entities.conftest import DOCS, doc_id, open_fake

__all__ = ["DOCS", "doc_id", "open_fake", "rewrite_original"]


def rewrite_original(library: Library, document: int, text: str) -> None:
    """Replace a document's stored original, so that ``reextract`` reads ``text`` from it."""
    library.original_path(document).write_text(text + "\n", encoding="utf-8")


@pytest.fixture
def library(tmp_path: Path) -> Iterator[Library]:
    lib = open_fake(tmp_path / "archive")
    yield lib
    lib.close()
