"""Titles and roles next to person names."""

from __future__ import annotations

import pytest

from ctviewer.extract.pipeline import Extractor
from ctviewer.extract.roles import find_role


def _role(text: str, name: str, spans: list[tuple[int, int, str]] | None = None) -> tuple[str, str | None] | None:
    s = text.index(name)
    r = find_role(text, s, s + len(name), spans or [])
    return (r.title, r.org) if r else None


def test_org_before_title() -> None:
    assert _role("SCO Secretary-General Zhang Ming greeted", "Zhang Ming", [(0, 3, "organisation")]) == (
        "Secretary-General",
        "SCO",
    )


def test_title_of_country_before_name() -> None:
    assert _role("President of Uzbekistan Shavkat Mirziyoyev spoke", "Shavkat Mirziyoyev") == (
        "President",
        "Uzbekistan",
    )


def test_name_comma_title_of_org() -> None:
    text = "Natalia Gherman, Head of the UN Regional Centre for Preventive Diplomacy for Central Asia, also spoke."
    assert _role(text, "Natalia Gherman") == ("Head", "UN Regional Centre for Preventive Diplomacy for Central Asia")


def test_title_of_org_before_name() -> None:
    text = "Under-Secretary-General of the United Nations Office of Counter-Terrorism Vladimir Voronkov said"
    assert _role(text, "Vladimir Voronkov") == ("Under-Secretary-General", "United Nations Office of Counter-Terrorism")


def test_name_title_org_separated_by_commas() -> None:
    text = "Opening remarks by Mr. Vladimir Voronkov, Under-Secretary-General, United Nations Office of\n\nI hope"
    assert _role(text, "Vladimir Voronkov") == ("Under-Secretary-General", "United Nations Office of")


def test_compound_titles() -> None:
    text = "Minister of Foreign Affairs of Kazakhstan Mukhtar Tileuberdi arrived."
    assert _role(text, "Mukhtar Tileuberdi") == ("Minister of Foreign Affairs", "Kazakhstan")
    assert _role("Foreign Minister Bakhtiyor Saidov said", "Bakhtiyor Saidov") == ("Foreign Minister", None)


def test_no_role_across_another_person() -> None:
    text = "Head of the OSCE Centre Jane Roe and John Doe arrived"
    s = text.index("Jane Roe")
    spans = [(s, s + 8, "person")]
    t = text.index("John Doe")
    assert find_role(text, t, t + 8, spans) is None


@pytest.mark.slow
@pytest.mark.spacy
def test_roles_on_seed(extractor: Extractor, seed_texts: dict[str, str]) -> None:
    ms = extractor.extract(seed_texts["000_d05a966dbe788ff8"])
    roles = {m.text: (m.role, m.role_org) for m in ms if m.type == "person"}
    assert roles["Zhang Ming"] == ("Secretary-General", "SCO")
    assert roles["Shavkat Mirziyoyev"] == ("President", "Uzbekistan")
    assert roles["Natalia Gherman"] == ("Head", "UN Regional Centre for Preventive Diplomacy for Central Asia")
    assert roles["Vladimir Voronkov"] == ("Under-Secretary-General", "UN Counter-Terrorism Office")
    assert roles["Helga Maria Schmid"] == ("Secretary-General", "OSCE")
