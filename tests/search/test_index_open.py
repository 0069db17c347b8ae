"""When a Library holds the search index open, and what an open index costs: results without
text, snippets on request, the repair check on open (issue 4: memory and search latency)."""

from __future__ import annotations

from pathlib import Path

from ctviewer.library import Library
from ctviewer.search import SearchIndex
from tests.ui.documents_factory import add_documents

TEXTS = [
    (
        "Counter-terrorism in Central Asia",
        "a.txt",
        "2022-03-03",
        "The Joint Plan of Action on counter-terrorism in Central Asia was reviewed in Tashkent.",
    ),
    ("Climate statement", "b.txt", "2021-01-01", "Climate change threatens small island states."),
]


def make_archive(root: Path) -> None:
    Library.open(root).close()
    add_documents(root, TEXTS)
    Library.open(root).close()  # reconciles the index with the two documents


def test_opening_a_library_checks_the_index_but_does_not_keep_it_open(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    make_archive(root)
    library = Library.open(root)
    try:
        assert library.index.problem() is None  # the check still runs (and closes what it opened)
        assert not library.index.is_open
        library.documents()  # reading the database needs no index
        assert not library.index.is_open
        assert library.search("Tashkent").total == 1
        assert library.index.is_open  # a search opens it, and it stays open for the next one
    finally:
        library.close()
    assert not library.index.is_open


def test_the_repair_on_open_still_indexes_documents_the_index_lacks(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    make_archive(root)
    add_documents(root, [("Nuclear disarmament", "c.txt", None, "Nuclear disarmament talks resumed.")])
    library = Library.open(root)  # count mismatch: reconciled on open
    try:
        assert library.index.problem() is None
        assert library.search("disarmament").total == 1
    finally:
        library.close()


def test_the_index_is_read_without_memory_maps(tmp_path: Path) -> None:
    # Whoosh copies a memory-mapped segment file into a BytesIO: a whole postings file in
    # private memory per open index. Plain file reads leave it in the page cache.
    root = tmp_path / "archive"
    make_archive(root)
    with SearchIndex.open(root / "index") as index:
        assert index._ix.storage.supports_mmap is False
        reader = index.searcher().reader()
        postings = reader._terms._postfile  # the segment's postings file
        assert postings.is_real or type(postings.file).__name__ != "BytesIO"


def test_results_without_snippets_read_no_text_and_snippets_come_on_request(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    make_archive(root)
    library = Library.open(root)
    try:
        result = library.search('"central asia" OR climate', limit=10, snippets=False)
        assert {h.title for h in result.hits} == {t[0] for t in TEXTS}
        assert all(h.snippet == "" for h in result.hits)
        by_title = {h.title: h.id for h in result.hits}
        first = by_title["Counter-terrorism in Central Asia"]
        snippets = library.snippets('"central asia" OR climate', [first, 999])
        assert set(snippets) == {first}  # a document no longer there is left out
        assert "<mark>Central Asia</mark>" in snippets[first]  # the phrase, marked whole
        # The same marks as a search with snippets gives.
        full = {h.id: h.snippet for h in library.search('"central asia" OR climate', limit=10).hits}
        assert full[first] == snippets[first]
    finally:
        library.close()
