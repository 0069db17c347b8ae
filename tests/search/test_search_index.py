"""The Whoosh index on its own: query syntax, snippets, facets, suggestions, bounds, rebuild."""

from __future__ import annotations

import contextlib
import gc
import random
import time
from pathlib import Path

import pytest

from ctviewer.domain.search import IndexEntry
from ctviewer.errors import BuildCancelled, IndexDamaged, QuerySyntaxError
from ctviewer.search import SearchIndex

DOCS = [
    IndexEntry(
        1,
        "Voronkov visits Tashkent",
        "Under-Secretary-General Vladimir Voronkov met the OSCE in Tashkent to discuss the Joint Plan "
        "of Action. Counter-terrorism cooperation <script>alert(1)</script> was the theme.",
        "2022-03-03",
        "txt",
        "en",
        ("Vladimir Voronkov",),
        ("OSCE", "UNOCT"),
        ("Tashkent",),
        ("priority",),
    ),
    IndexEntry(
        2,
        "SCO summit in Samarkand",
        "The Shanghai Cooperation Organisation met in Samarkand to discuss terrorism, separatism and extremism.",
        "2021-09-17",
        "pdf",
        "en",
        ("Zhang Ming",),
        ("SCO",),
        ("Samarkand",),
        (),
    ),
    IndexEntry(
        3,
        "Statement by the President",
        "The President spoke about cybersecurity, trade and energy.",
        "2019-05",
        "md",
        "en",
        (),
        (),
        ("Washington",),
        (),
    ),
    IndexEntry(4, "Заявление", "Совместный план действий по борьбе с терроризмом.", None, "docx", "ru"),
]


def texts(ids):
    return {d.id: (d.title, d.date, d.body) for d in DOCS if d.id in ids}


@pytest.fixture
def index(tmp_path: Path):
    ix = SearchIndex.open(tmp_path / "index")
    ix.add(DOCS)
    yield ix
    ix.close()


def ids(ix: SearchIndex, q: str) -> list[int]:
    return sorted(h.id for h in ix.search(q, texts=texts).hits)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("voronkov", [1]),
        ("Voronkov AND tashkent", [1]),
        ("voronkov samarkand", []),  # AND is the default
        ("voronkov OR samarkand", [1, 2]),
        ("cooperation NOT osce", [2]),
        ("cooperation -osce", [2]),
        ('"plan of action"', [1]),
        ('"action plan"', []),
        ("terror*", [1, 2]),
        ("terrorist*", []),
        ("extremis*", [2]),
        ("cooperat*", [1, 2]),  # "cooperation" is indexed as the stem "cooper"
        ("samarkant~", [2]),
        ("cybersecurty~2", [3]),
        ("title:samarkand", [2]),
        ("title:terrorism", []),
        ("person:voronkov", [1]),
        ("person:zhang", [2]),
        ("org:osce", [1]),
        ("organisation:sco", [2]),
        ("place:washington", [3]),
        ("tag:priority", [1]),
        ("type:PDF", [2]),
        ("lang:ru", [4]),
        ("терроризмом", [4]),
        ("date:2022", [1]),
        ("date:2022-03-03", [1]),
        ("date:[2019 TO 2021]", [2, 3]),
        ("date:[2021-10 TO 2023]", [1]),
        ("date:>2021", [1]),
        ("date:<2021", [3]),
        ("year:2019", [3]),
        ("(voronkov OR zhang) AND date:2021", [2]),
    ],
)
def test_query_syntax(index: SearchIndex, query: str, expected: list[int]) -> None:
    assert ids(index, query) == expected


def test_hits_carry_scores_titles_dates_and_escaped_snippets(index: SearchIndex) -> None:
    result = index.search("cooperation", texts=texts)
    assert result.total == 2
    assert [h.score for h in result.hits] == sorted((h.score for h in result.hits), reverse=True)
    hit = next(h for h in result.hits if h.id == 1)
    assert hit.title == "Voronkov visits Tashkent" and hit.date == "2022-03-03"
    assert "<mark>cooperation</mark>" in hit.snippet
    assert "<script>" not in hit.snippet and "&lt;script&gt;" in hit.snippet


def test_snippet_marks_stemmed_variants_and_phrases(index: SearchIndex) -> None:
    snippet = index.search('"joint plan"', texts=texts).hits[0].snippet
    assert "<mark>Joint Plan</mark>" in snippet  # a phrase is marked whole, as the reader highlights it
    # Its words alone are not marked, unless the query asks for them alone as well.
    plans = index.search('"joint plan" OR action', texts=texts).hits[0].snippet
    assert "<mark>Joint Plan</mark> of <mark>Action</mark>" in plans
    assert "<mark>discuss</mark>" in index.search("discussing", texts=texts).hits[0].snippet


def test_snippet_of_a_title_only_match_is_the_opening(index: SearchIndex) -> None:
    hit = index.search("title:statement", texts=texts).hits[0]
    assert hit.snippet.startswith("The President spoke")


def test_hits_missing_from_the_database_are_dropped(index: SearchIndex) -> None:
    result = index.search("cooperation", texts=lambda ids: {k: v for k, v in texts(ids).items() if k != 1})
    assert [h.id for h in result.hits] == [2] and result.total == 1


def test_facets_count_entities_years_and_types(index: SearchIndex) -> None:
    result = index.search("date:[2019 TO 2023]", texts=texts, facets=True)
    assert dict(result.facets["year"]) == {"2022": 1, "2021": 1, "2019": 1}
    assert dict(result.facets["organisation"]) == {"OSCE": 1, "UNOCT": 1, "SCO": 1}
    assert dict(result.facets["person"]) == {"Vladimir Voronkov": 1, "Zhang Ming": 1}
    assert dict(result.facets["type"]) == {"txt": 1, "pdf": 1, "md": 1}


def test_suggestion_for_an_unknown_word(index: SearchIndex) -> None:
    result = index.search("voronkv", texts=texts)
    assert result.total == 0 and result.suggestion == "voronkov"
    assert index.search("voronkov", texts=texts).suggestion is None


@pytest.mark.parametrize("bad", ["a*", "*", "t?", "x~", "", "   ", "((", "x" * 1001])
def test_unusable_queries_get_a_plain_message(index: SearchIndex, bad: str) -> None:
    with pytest.raises(QuerySyntaxError) as err:
        index.search(bad, texts=texts)
    assert "\n" not in str(err.value) and len(str(err.value)) < 200


def test_fuzzy_distance_is_capped(index: SearchIndex) -> None:
    parsed = index.parse("samarkand~9")
    assert all(getattr(leaf, "maxdist", 2) <= 2 for leaf in parsed.leaves())


@pytest.mark.slow
def test_a_thousand_hostile_queries_never_raise_anything_but_syntax_errors(index: SearchIndex) -> None:
    rng = random.Random(7)
    pieces = [
        '"',
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "*",
        "?",
        "~",
        "~9",
        "^",
        ":",
        "AND",
        "OR",
        "NOT",
        "-",
        "+",
        "title:",
        "date:[",
        " TO ",
        "voronkov",
        "terror",
        "a",
        "\x00",
        "\x1b",
        "é",
        "ß",
        "\\",
        "/",
        "'",
        "'",
        "x" * 300,
        "person:",
        "org:osce",
        "date:>",
        "<",
        ">",
        "=",
        "!",
        "&&",
        "||",
    ]
    started = time.monotonic()
    for _ in range(1000):
        q = "".join(rng.choice(pieces) + rng.choice(["", " "]) for _ in range(rng.randint(1, 12)))
        with contextlib.suppress(QuerySyntaxError):
            index.search(q, texts=texts, facets=rng.random() < 0.1)
    assert time.monotonic() - started < 120  # bounded: a guard against runaway expansion, not a benchmark


def test_delete_and_ids(index: SearchIndex) -> None:
    assert index.ids() == {1, 2, 3, 4} and index.doc_count() == 4
    index.delete([1, 3])
    assert index.ids() == {2, 4} and index.doc_count() == 2
    assert ids(index, "voronkov") == []


def test_re_adding_replaces_instead_of_duplicating(index: SearchIndex) -> None:
    index.add([IndexEntry(1, "Renamed", "Nothing about the old words.")])
    assert index.doc_count() == 4
    assert ids(index, "voronkov") == [] and ids(index, "renamed") == [1]


def test_rebuild_swaps_atomically_and_cancel_keeps_the_old_index(tmp_path: Path) -> None:
    path = tmp_path / "index"
    SearchIndex.build(path, DOCS, total=len(DOCS))
    with SearchIndex.open(path) as ix:
        assert ix.ids() == {1, 2, 3, 4}
    calls = iter(range(100))
    with pytest.raises(BuildCancelled):
        SearchIndex.build(path, DOCS[:2], cancelled=lambda: next(calls) >= 1)
    with SearchIndex.open(path) as ix:
        assert ix.ids() == {1, 2, 3, 4}
    assert [p.name for p in tmp_path.iterdir()] == ["index"]


def test_damaged_index_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "index"
    SearchIndex.build(path, DOCS)
    for segment in path.glob("*.seg"):
        segment.write_bytes(b"garbage")
    with pytest.raises(IndexDamaged):
        SearchIndex.open(path).doc_count()


def test_index_of_another_schema_version_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "index"
    SearchIndex.build(path, DOCS)
    (path / "ctviewer-index.json").write_text('{"schema_version": 999}')
    with pytest.raises(IndexDamaged):
        SearchIndex.open(path)


@pytest.mark.slow
def test_pathological_text_is_indexed_and_highlighted_quickly(tmp_path: Path) -> None:
    huge_word = "x" * 1_000_000
    many_tokens = " ".join(f"tok{i}" for i in range(100_000))
    docs = [IndexEntry(1, "huge", huge_word + " needle"), IndexEntry(2, "many", many_tokens + " needle")]
    with SearchIndex.open(tmp_path / "index") as ix:
        started = time.monotonic()
        ix.add(docs)
        result = ix.search("needle", texts=lambda ids: {d.id: (d.title, None, d.body) for d in docs if d.id in ids})
        assert result.total == 2
        assert all(len(h.snippet) < 1000 for h in result.hits)
        assert time.monotonic() - started < 60


def test_no_file_handles_leak_across_searches(index: SearchIndex) -> None:
    psutil = pytest.importorskip("psutil")
    proc = psutil.Process()
    index.search("voronkov", texts=texts)
    before = proc.num_fds()
    for _ in range(200):
        index.search("voronkov OR samarkand", texts=texts)
    assert proc.num_fds() == before
    for i in range(20):  # each write replaces the searcher; the old one's files must be closed
        index.add([IndexEntry(10 + i, "new", "samarkand again")])
        index.search("samarkand", texts=texts)
    index.optimize()
    index.search("samarkand", texts=texts)
    gc.collect()  # Whoosh's closed readers sit in reference cycles until the collector runs
    assert proc.num_fds() <= before + 2
