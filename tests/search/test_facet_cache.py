"""Facet tables are kept per index segment between searches (ctviewer.search.facets): the
counts must still follow every change to the index."""

from __future__ import annotations

from pathlib import Path

from ctviewer.domain.search import IndexEntry
from ctviewer.search import SearchIndex


def entry(doc_id: int, people: tuple[str, ...], year: str = "2021") -> IndexEntry:
    return IndexEntry(doc_id, f"Doc {doc_id}", "security council meeting", f"{year}-01-01", "txt", "en", people)


def people(index: SearchIndex) -> dict[str, int]:
    return dict(index.search("security", facets=True).facets["person"])


def test_counts_follow_additions_updates_and_deletions(tmp_path: Path) -> None:
    with SearchIndex.open(tmp_path / "index") as index:
        index.add([entry(1, ("Vladimir Voronkov",)), entry(2, ("Vladimir Voronkov", "Natalia Gherman"))])
        assert people(index) == {"Vladimir Voronkov": 2, "Natalia Gherman": 1}
        assert people(index) == {"Vladimir Voronkov": 2, "Natalia Gherman": 1}  # from the kept tables
        assert index._facet_tables  # kept between searches

        index.add([entry(3, ("Zhang Ming",))], merge=False)  # a new segment
        assert people(index) == {"Vladimir Voronkov": 2, "Natalia Gherman": 1, "Zhang Ming": 1}
        index.add([entry(1, ("Zhang Ming",))], merge=False)  # replaced: the old version is deleted
        assert people(index) == {"Vladimir Voronkov": 1, "Natalia Gherman": 1, "Zhang Ming": 2}
        index.delete([2])
        assert people(index) == {"Zhang Ming": 2}
        index.optimize()  # one new segment: the old tables go
        assert people(index) == {"Zhang Ming": 2}
        live = {str(s.segment_id()) for s in index._ix._segments()}
        assert {segment for segment, _field in index._facet_tables} <= live


def test_another_writer_s_changes_are_counted(tmp_path: Path) -> None:
    reader = SearchIndex.open(tmp_path / "index")
    writer = SearchIndex.open(tmp_path / "index")
    try:
        writer.add([entry(1, ("Antonio Guterres",), "2019")])
        assert people(reader) == {"Antonio Guterres": 1}
        writer.add([entry(1, ("Helga Schmid",), "2020"), entry(2, ("Helga Schmid",), "2020")])
        result = reader.search("security", facets=True)
        assert dict(result.facets["person"]) == {"Helga Schmid": 2}
        assert dict(result.facets["year"]) == {"2020": 2}
    finally:
        reader.close()
        writer.close()
