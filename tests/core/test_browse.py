"""Library's browsing methods (and ctviewer.db.listing behind them): the queries behind the app's lazy
documents table, import history and the reader's search-hit spans."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ctviewer.domain.documents import DocumentFilter
from ctviewer.errors import QuerySyntaxError
from ctviewer.library import Library
from tests.entities.conftest import DOCS, doc_id, open_fake

EXTRA = {
    "toys.txt": ("2021-12-31", "The toy report: toys, a Bay of toys and keys; 50% off_the shelf."),
    "undated.txt": (None, "Spying notes without a date. The key witness denied everything."),
}


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    root = tmp_path_factory.mktemp("browse") / "archive"
    lib = open_fake(root, {**DOCS, **EXTRA})  # type: ignore[dict-item]
    yield lib
    lib.close()


def ids(library: Library, *names: str) -> list[int]:
    return [doc_id(library, n) for n in names]


def test_default_order_is_import_order(library: Library) -> None:
    assert library.document_ids() == ids(library, "a.txt", "b.txt", "c.txt", "toys.txt", "undated.txt")
    assert library.document_ids(descending=True) == ids(library, "undated.txt", "toys.txt", "c.txt", "b.txt", "a.txt")


def test_sort_by_date_puts_undated_last_both_ways(library: Library) -> None:
    assert library.document_ids(sort="date") == ids(library, "a.txt", "toys.txt", "b.txt", "c.txt", "undated.txt")
    assert library.document_ids(sort="date", descending=True) == ids(
        library, "c.txt", "b.txt", "toys.txt", "a.txt", "undated.txt"
    )


def test_sort_by_source_and_title_ignores_case(library: Library) -> None:
    assert library.document_ids(sort="source") == ids(library, "a.txt", "b.txt", "c.txt", "toys.txt", "undated.txt")
    titles = [library.document_rows([i])[i].title for i in library.document_ids(sort="title")]
    assert titles == sorted(titles, key=str.lower)


def test_sort_by_entity_counts(library: Library) -> None:
    rows = library.document_rows(library.document_ids())
    for sort, kind in (("people", "person"), ("organisations", "organisation"), ("places", "place")):
        order = library.document_ids(sort=sort)  # type: ignore[arg-type]
        counts = [rows[i].entities.get(kind, 0) for i in order]
        assert counts == sorted(counts), sort
        assert library.document_ids(sort=sort, descending=True)[0] == order[-1]  # type: ignore[arg-type]
    # documents without any entity are sorted as 0, not dropped by the join
    assert set(library.document_ids(sort="people")) == set(rows)
    assert rows[doc_id(library, "toys.txt")].people == 0


def test_text_filter_matches_title_or_file_name_case_insensitively(library: Library) -> None:
    assert library.document_ids(filter=DocumentFilter(text="ZHANG")) == ids(library, "b.txt")
    assert library.document_ids(filter=DocumentFilter(text="undated.t")) == ids(library, "undated.txt")
    # LIKE wildcards are taken literally
    assert library.document_ids(filter=DocumentFilter(text="50%")) == ids(library, "toys.txt")
    assert library.document_ids(filter=DocumentFilter(text="e_s")) == []  # "_" would match "the shelf"
    assert library.document_ids(filter=DocumentFilter(text="off_the")) == ids(library, "toys.txt")
    assert library.document_ids(filter=DocumentFilter(text="  ")) == library.document_ids()


def test_date_range_includes_whole_periods(library: Library) -> None:
    in_2021 = DocumentFilter(date_from="2021", date_to="2021")
    assert library.document_ids(filter=in_2021) == ids(library, "a.txt", "toys.txt")
    assert library.document_ids(filter=DocumentFilter(date_to="2021-05")) == ids(library, "a.txt")
    assert library.document_ids(filter=DocumentFilter(date_from="2022-03-03")) == ids(library, "b.txt", "c.txt")


def test_file_type_filter_and_file_types(library: Library) -> None:
    assert library.file_types() == ["txt"]
    assert len(library.document_ids(filter=DocumentFilter(file_types=("txt",)))) == 5
    assert library.document_ids(filter=DocumentFilter(file_types=("pdf",))) == []


def test_document_rows_values_counts_and_missing_ids(library: Library) -> None:
    a, b = ids(library, "a.txt", "b.txt")
    rows = library.document_rows([b, a, 99_999])
    assert set(rows) == {a, b}
    row = rows[a]
    assert (row.id, row.date, row.file_type, row.source, row.pages) == (a, "2021-05-01", "txt", "a.txt", None)
    assert row.title.startswith("Vladimir Voronkov met the OSCE")
    # a.txt: Voronkov (one person), OSCE + Regional Cooperation, Tashkent + Uzbekistan
    assert (row.people, row.organisations, row.places) == (1, 2, 2)
    assert row.size_bytes > 0 and row.imported_at


def test_document_rows_chunks_long_id_lists(library: Library) -> None:
    every = library.document_ids()
    rows = library.document_rows(every * 300)  # 1,500 ids: several IN (...) chunks
    assert set(rows) == set(every)


def test_import_runs_and_report(library: Library) -> None:
    runs = library.import_runs()
    assert len(runs) == 1
    run = runs[0]
    assert (run.imported, run.duplicates, run.failed, run.cancelled) == (5, 0, 0, False)
    report = library.import_report(run.id)
    assert [Path(o.path).name for o in report.outcomes] == [*DOCS, *EXTRA]
    assert report.ok and not report.cancelled
    assert library.import_report(run.id + 100).outcomes == ()


def spans_text(library: Library, name: str, query: str) -> list[str]:
    text = library.document(doc_id(library, name)).text
    return [text[a:b] for a, b in library.hit_spans(query, text)]


def test_hit_spans_find_stemmed_words_with_offsets(library: Library) -> None:
    text = library.document(doc_id(library, "a.txt")).text
    spans = library.hit_spans("voronkov", text)
    assert spans == [
        (text.index("Voronkov"), text.index("Voronkov") + 8),
        (text.rindex("Voronkov"), text.rindex("Voronkov") + 8),
    ]
    assert spans_text(library, "toys.txt", "toys") == ["toy", "toys", "toys"]


def test_hit_spans_stems_ending_in_i_match_words_with_y(library: Library) -> None:
    # "toy" stems to "toi" and "key" to "kei": the text says "toy"/"key"
    assert spans_text(library, "toys.txt", "toy") == ["toy", "toys", "toys"]
    assert spans_text(library, "toys.txt", "bay") == ["Bay"]
    assert spans_text(library, "undated.txt", "keys") == ["key"]
    assert spans_text(library, "undated.txt", "deny") == ["denied"]


def test_hit_spans_follow_prefixes_phrases_and_fields(library: Library) -> None:
    assert spans_text(library, "a.txt", "cooperat*") == ["Cooperation"]
    assert spans_text(library, "b.txt", '"zhang ming"') == ["Zhang Ming"]  # a phrase is one hit
    assert spans_text(library, "b.txt", "person:zhang") == ["Zhang"]
    assert spans_text(library, "undated.txt", "spy") == ["Spying"]


def test_hit_spans_skip_excluded_and_non_text_terms(library: Library) -> None:
    assert spans_text(library, "a.txt", "voronkov NOT osce") == ["Voronkov", "Voronkov"]
    assert spans_text(library, "a.txt", "voronkov -tashkent") == ["Voronkov", "Voronkov"]
    assert spans_text(library, "a.txt", "type:txt date:2021") == []


def test_hit_spans_limit_and_bad_queries(library: Library) -> None:
    text = "Tashkent " * 100
    assert len(library.hit_spans("tashkent", text)) == 100
    assert len(library.hit_spans("tashkent", text, limit=7)) == 7
    with pytest.raises(QuerySyntaxError):
        library.hit_spans("a*", text)
