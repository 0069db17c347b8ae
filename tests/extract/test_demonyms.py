"""Nationality words and common words are never people (the small model tags some as PERSON)."""

from __future__ import annotations

import pytest

from ctviewer.extract.gazetteer import demonym_forms, load_gazetteer
from ctviewer.extract.mentions import _is_junk_person


@pytest.mark.parametrize(
    "place, demonym",
    [
        ("Uganda", "ugandan"),
        ("Tajikistan", "tajik"),
        ("Sri Lanka", "sri lankan"),
        ("Niger", "nigerien"),
        ("China", "chinese"),
        ("Pakistan", "pakistani"),
        ("Kazakhstan", "kazakh"),
        ("Russia", "russian"),
    ],
)
def test_demonyms_are_derived_from_place_names(place: str, demonym: str) -> None:
    assert demonym in demonym_forms(place)


@pytest.mark.parametrize("surface", ["Ugandan", "Tajik", "Sri Lankan", "Uzbek", "State", "Resolutions"])
def test_nationalities_and_common_words_are_not_people(surface: str) -> None:
    assert _is_junk_person(surface, load_gazetteer())


@pytest.mark.parametrize(
    "surface",
    [
        "Vladimir Voronkov",
        "Putin",
        "Xi Jinping",
        "Jordan Peterson",
        "Guterres",
        "Natalia Gherman",
        "Shavkat Mirziyoyev",
        "Zhang Ming",
    ],
)
def test_real_names_are_kept(surface: str) -> None:
    assert not _is_junk_person(surface, load_gazetteer())
