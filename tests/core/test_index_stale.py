"""A crash after a database commit but before the index follows: the next open re-indexes the
documents the write touched, although the index still holds the same document ids.

The crash is simulated by making the index write fail right after the commit (what SIGKILL at
that moment leaves behind); test_kill_anywhere.py does it with real kills.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from ctviewer.archive.index_sync import IndexSync
from ctviewer.library import Library

from ..entities.conftest import FakeExtractor, doc_id, entity_named, open_fake


class Crash(Exception):
    pass


def _crash_on_index_write(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(self: IndexSync, ids: object, *, merge: bool = True) -> None:
        raise Crash

    monkeypatch.setattr(IndexSync, "add", crash)


def _reopen(root: Path) -> Library:
    return Library.open(root, extractor=FakeExtractor())


def _ids(library: Library, query: str) -> set[int]:
    return {h.id for h in library.search(query, limit=100, snippets=False).hits}


@pytest.mark.parametrize(
    "write",
    [
        pytest.param(
            lambda lib, d: lib.annotate(d, quote="Tashkent", note="zebracanary", tags=["zebratag"]), id="annotate"
        ),
        pytest.param(
            lambda lib, d: lib.edit_annotation(lib.annotations()[0].id, note="zebracanary", tags=["zebratag"]),
            id="edit-annotation",
        ),
    ],
)
def test_annotation_write_interrupted_before_the_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, write: Callable[[Library, int], object]
) -> None:
    root = tmp_path / "archive"
    library = open_fake(root)
    target = doc_id(library, "c.txt")
    library.annotate(target, quote="OSCE", note="first")
    with monkeypatch.context() as patch:
        _crash_on_index_write(patch)
        with pytest.raises(Crash):
            write(library, target)
    library.close()
    assert _ids(library, "note:zebracanary") == set()  # the index really lags behind (closed handle reopens)

    library = _reopen(root)  # repairs on open
    try:
        assert library.check().ok
        assert _ids(library, "note:zebracanary") == {target}
        assert _ids(library, "tag:zebratag") == {target}
        assert library.index.stale() == set()
    finally:
        library.close()


def test_deleted_annotation_interrupted_before_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "archive"
    library = open_fake(root)
    target = doc_id(library, "a.txt")
    change = library.annotate(target, quote="Tashkent", note="zebracanary")
    assert _ids(library, "note:zebracanary") == {target}
    with monkeypatch.context() as patch:
        _crash_on_index_write(patch)
        with pytest.raises(Crash):
            library.delete_annotation(change.annotations[0])
    library.close()
    library = _reopen(root)
    try:
        assert _ids(library, "note:zebracanary") == set()  # never a hit for a note that is gone
    finally:
        library.close()


def test_entity_rename_interrupted_before_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "archive"
    library = open_fake(root)
    gherman = entity_named(library, "Natalia Gherman")
    with monkeypatch.context() as patch:
        _crash_on_index_write(patch)
        with pytest.raises(Crash):
            library.rename(gherman, "Natalia Zebrowska")
    library.close()
    library = _reopen(root)
    try:
        assert _ids(library, "person:zebrowska") == {doc_id(library, "c.txt")}
    finally:
        library.close()


def test_extraction_batch_interrupted_before_the_index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "archive"
    library = open_fake(root, extract=False)
    with monkeypatch.context() as patch:
        _crash_on_index_write(patch)
        with pytest.raises(Crash):
            library.extract()
    library.close()
    library = _reopen(root)
    try:
        assert library.pending_extraction() == 0  # the batch was committed...
        assert _ids(library, "person:voronkov") == {doc_id(library, n) for n in ("a.txt", "b.txt", "c.txt")}
    finally:
        library.close()
