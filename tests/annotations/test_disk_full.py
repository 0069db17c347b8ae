"""A full disk while saving an annotation: the write rolls back with a plain "disk is full"
message (a KnownError), nothing half-written stays, and the archive works again once there is
room. SQLite's ``max_page_count`` makes the database file "full" at its present size: the
same SQLITE_FULL error a full disk gives."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from ctviewer.errors import KnownError, StorageError
from ctviewer.library import Library

from .conftest import doc_id


@contextmanager
def full_database(library: Library) -> Iterator[None]:
    """Every new connection of ``library`` may not grow the database file while inside."""
    engine = library.archive.db.engine
    full = {"on": True}

    def limit(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        cur = dbapi_conn.cursor()
        pages = cur.execute("PRAGMA page_count").fetchone()[0]
        cur.execute(f"PRAGMA max_page_count={pages if full['on'] else 2**31}")
        cur.close()

    event.listen(engine, "connect", limit)
    engine.dispose()  # pooled connections reconnect with the limit
    try:
        yield
    finally:
        full["on"] = False
        event.remove(engine, "connect", limit)
        engine.dispose()


def test_a_full_disk_refuses_the_annotation_with_a_plain_message(library: Library) -> None:
    a = doc_id(library, "a.txt")
    before = library.annotation_count()
    with full_database(library), pytest.raises(StorageError) as refused:
        library.annotate(a, quote="Voronkov thanked Uzbekistan", note="x" * 90_000, tags=["kept"])
    assert isinstance(refused.value, KnownError)
    assert str(refused.value).startswith("The disk is full")
    assert library.annotation_count() == before  # rolled back: no half annotation
    assert library.annotation_tags() == []
    # With room again the same save works and is found.
    change = library.annotate(a, quote="Voronkov thanked Uzbekistan", note="x" * 90_000, tags=["kept"])
    assert library.annotation(change.annotations[0]).tags == ("kept",)
    assert library.check().ok
