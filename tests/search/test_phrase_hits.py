"""Hit spans for phrases: one hit per occurrence of the phrase, not one per word (what the
reader highlights and counts as "hit 1 of N")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ctviewer.domain.search import IndexEntry
from ctviewer.search import SearchIndex
from ctviewer.search.hits import hit_spans

TEXT = (
    "The Global Counter-Terrorism Strategy was adopted in 2006. Counter terrorism strategy reviews "
    "follow; the strategy on counter terrorism is separate. The rule of law and the Rule\nof Law "
    "matter; a rule, of course, is not law. Central Asia, central banks and Asia."
)


@pytest.fixture
def index(tmp_path: Path) -> Iterator[SearchIndex]:
    ix = SearchIndex.open(tmp_path / "index")
    ix.add([IndexEntry(1, "t", TEXT)])
    yield ix
    ix.close()


def hits(index: SearchIndex, query: str) -> list[str]:
    return [TEXT[a:b] for a, b in hit_spans(index, query, TEXT, limit=100)]


def test_a_phrase_is_one_hit_per_occurrence(index: SearchIndex) -> None:
    # "Counter-Terrorism" is two tokens; the words in another order are not the phrase.
    assert hits(index, '"counter terrorism strategy"') == ["Counter-Terrorism Strategy", "Counter terrorism strategy"]
    assert hits(index, '"central asia"') == ["Central Asia"]


def test_stop_words_inside_a_phrase_and_line_breaks(index: SearchIndex) -> None:
    assert hits(index, '"rule of law"') == ["rule of law", "Rule\nof Law"]


def test_words_asked_for_alone_are_hits_beside_the_phrase(index: SearchIndex) -> None:
    assert hits(index, '"central asia" OR banks') == ["Central Asia", "banks"]
    # A word that is also inside a phrase hit is not counted twice there.
    assert hits(index, '"central asia" OR central') == ["Central Asia", "central"]
    assert hits(index, "central asia") == ["Central", "Asia", "central", "Asia"]  # words, not a phrase


def test_negated_phrases_are_no_hits(index: SearchIndex) -> None:
    assert hits(index, 'banks NOT "central asia"') == ["banks"]


def test_snippets_mark_phrases_whole_and_not_their_words_elsewhere(index: SearchIndex) -> None:
    snippet = index.snippets('"central asia"', {1: TEXT})[1]
    assert "<mark>Central Asia</mark>" in snippet
    assert snippet.count("<mark>") == 1  # "central banks" and the last "Asia" are not the phrase
    escaped = index.snippets('"central asia"', {1: "A <b>Central Asia</b> & more."})[1]
    assert "&lt;b&gt;<mark>Central Asia</mark>&lt;/b&gt; &amp; more" in escaped  # escaped around the marks
