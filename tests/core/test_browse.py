"""ctviewer.browse (and ctviewer.db.listing behind it): the queries behind the app's lazy
documents table, import history and the reader's search-hit spans."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ctviewer import browse
from ctviewer.browse import DocumentFilter
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
    assert browse.document_ids(library) == ids(library, "a.txt", "b.txt", "c.txt", "toys.txt", "undated.txt")
    assert browse.document_ids(library, descending=True) == ids(
        library, "undated.txt", "toys.txt", "c.txt", "b.txt", "a.txt"
    )


def test_sort_by_date_puts_undated_last_both_ways(library: Library) -> None:
    assert browse.document_ids(library, sort="date") == ids(
        library, "a.txt", "toys.txt", "b.txt", "c.txt", "undated.txt"
    )
    assert browse.document_ids(library, sort="date", descending=True) == ids(
        library, "c.txt", "b.txt", "toys.txt", "a.txt", "undated.txt"
    )


def test_sort_by_source_and_title_ignores_case(library: Library) -> None:
    assert browse.document_ids(library, sort="source") == ids(
        library, "a.txt", "b.txt", "c.txt", "toys.txt", "undated.txt"
    )
    titles = [browse.document_rows(library, [i])[i].title for i in browse.document_ids(library, sort="title")]
    assert titles == sorted(titles, key=str.lower)


def test_sort_by_entity_counts(library: Library) -> None:
    rows = browse.document_rows(library, browse.document_ids(library))
    for sort, kind in (("people", "person"), ("organisations", "organisation"), ("places", "place")):
        order = browse.document_ids(library, sort=sort)  # type: ignore[arg-type]
        counts = [rows[i].entities.get(kind, 0) for i in order]
        assert counts == sorted(counts), sort
        assert browse.document_ids(library, sort=sort, descending=True)[0] == order[-1]  # type: ignore[arg-type]
    # documents without any entity are sorted as 0, not dropped by the join
    assert set(browse.document_ids(library, sort="people")) == set(rows)
    assert rows[doc_id(library, "toys.txt")].people == 0


def test_text_filter_matches_title_or_file_name_case_insensitively(library: Library) -> None:
    assert browse.document_ids(library, filter=DocumentFilter(text="ZHANG")) == ids(library, "b.txt")
    assert browse.document_ids(library, filter=DocumentFilter(text="undated.t")) == ids(library, "undated.txt")
    # LIKE wildcards are taken literally
    assert browse.document_ids(library, filter=DocumentFilter(text="50%")) == ids(library, "toys.txt")
    assert browse.document_ids(library, filter=DocumentFilter(text="e_s")) == []  # "_" would match "the shelf"
    assert browse.document_ids(library, filter=DocumentFilter(text="off_the")) == ids(library, "toys.txt")
    assert browse.document_ids(library, filter=DocumentFilter(text="  ")) == browse.document_ids(library)


def test_date_range_includes_whole_periods(library: Library) -> None:
    in_2021 = DocumentFilter(date_from="2021", date_to="2021")
    assert browse.document_ids(library, filter=in_2021) == ids(library, "a.txt", "toys.txt")
    assert browse.document_ids(library, filter=DocumentFilter(date_to="2021-05")) == ids(library, "a.txt")
    assert browse.document_ids(library, filter=DocumentFilter(date_from="2022-03-03")) == ids(library, "b.txt", "c.txt")


def test_file_type_filter_and_file_types(library: Library) -> None:
    assert browse.file_types(library) == ["txt"]
    assert len(browse.document_ids(library, filter=DocumentFilter(file_types=("txt",)))) == 5
    assert browse.document_ids(library, filter=DocumentFilter(file_types=("pdf",))) == []


def test_document_rows_values_counts_and_missing_ids(library: Library) -> None:
    a, b = ids(library, "a.txt", "b.txt")
    rows = browse.document_rows(library, [b, a, 99_999])
    assert set(rows) == {a, b}
    row = rows[a]
    assert (row.id, row.date, row.file_type, row.source, row.pages) == (a, "2021-05-01", "txt", "a.txt", None)
    assert row.title.startswith("Vladimir Voronkov met the OSCE")
    # a.txt: Voronkov (one person), OSCE + Regional Cooperation, Tashkent + Uzbekistan
    assert (row.people, row.organisations, row.places) == (1, 2, 2)
    assert row.size_bytes > 0 and row.imported_at


def test_document_rows_chunks_long_id_lists(library: Library) -> None:
    every = browse.document_ids(library)
    rows = browse.document_rows(library, every * 300)  # 1,500 ids: several IN (...) chunks
    assert set(rows) == set(every)


def test_import_runs_and_report(library: Library) -> None:
    runs = browse.import_runs(library)
    assert len(runs) == 1
    run = runs[0]
    assert (run.imported, run.duplicates, run.failed, run.cancelled) == (5, 0, 0, False)
    report = browse.import_report(library, run.id)
    assert [Path(o.path).name for o in report.outcomes] == [*DOCS, *EXTRA]
    assert report.ok and not report.cancelled
    assert browse.import_report(library, run.id + 100).outcomes == ()


def spans_text(library: Library, name: str, query: str) -> list[str]:
    text = library.document(doc_id(library, name)).text
    return [text[a:b] for a, b in browse.hit_spans(library, query, text)]


def test_hit_spans_find_stemmed_words_with_offsets(library: Library) -> None:
    text = library.document(doc_id(library, "a.txt")).text
    spans = browse.hit_spans(library, "voronkov", text)
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
    assert len(browse.hit_spans(library, "tashkent", text)) == 100
    assert len(browse.hit_spans(library, "tashkent", text, limit=7)) == 7
    with pytest.raises(QuerySyntaxError):
        browse.hit_spans(library, "a*", text)
