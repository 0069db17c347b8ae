"""The document's own date, place, title and language."""

from __future__ import annotations

import pytest

from ctviewer.ingest.metadata import (
    date_from_name,
    detect_language,
    find_date,
    find_place,
    meaningful_title,
    title_from_text,
)


@pytest.mark.parametrize(
    ("text", "date", "place"),
    [
        ("CONFERENCE\n\n3 March 2022, Tashkent\n\nOpening remarks", "2022-03-03", "Tashkent"),
        ("TASHKENT, 3 March 2022 – The conference opened.", "2022-03-03", "Tashkent"),
        ("New York, 23 September 2022\n\nStatement", "2022-09-23", "New York"),
        ("On 3 March 2022, the conference opened in Tashkent.", "2022-03-03", None),
        ("Released March 3, 2022 by the office", "2022-03-03", None),
        ("Dated 12.05.2021", "2021-05-12", None),
        ("Ref 2023-11-30 memo", "2023-11-30", None),
        ("Report\nSeptember 2019\nText", "2019-09", None),
        ("Meeting on 3/4/2022", None, None),  # ambiguous: month or day first?
        ("Founded 1 January 1900", None, None),  # outside 1945..next year
        ("31 February 2022", None, None),  # not a date
    ],
)
def test_dates_and_places(text: str, date: str | None, place: str | None) -> None:
    found, span = find_date(text)
    assert found == date
    assert find_place(text, span) == place


def test_date_far_down_the_text_is_not_the_document_date() -> None:
    assert find_date("x " * 2000 + "3 March 2022")[0] is None


def test_titles() -> None:
    assert meaningful_title("Microsoft Word - draft7.doc") is None
    assert meaningful_title("report.pdf") is None
    assert meaningful_title("S_2025_72", "S_2025_72") is None
    assert meaningful_title("  Joint   Plan of Action ") == "Joint Plan of Action"
    assert title_from_text("\n\n# Statement by the SCO\n\nBody") == "Statement by the SCO"
    assert title_from_text("x" * 400) is None
    # The opening words of a speech are not its title.
    assert title_from_text("On behalf of my delegation,\nI congratulate you.") is None
    assert title_from_text("I am honoured to\naddress this body.") is None


def test_a_year_in_the_file_name_is_the_fallback_date() -> None:
    assert date_from_name("AFG_76_2021") == "2021"
    assert date_from_name("report-1995-final") == "1995"
    assert date_from_name("S_2019_2020") is None  # two years: which one?
    assert date_from_name("20210315_minutes") is None  # part of a longer number
    assert date_from_name("N2512345") is None
    assert date_from_name("plan_1850") is None  # before the United Nations


def test_language() -> None:
    assert detect_language("The Security Council met to discuss counter-terrorism cooperation in Central Asia.") == "en"
    russian = "Совет Безопасности обсудил сотрудничество в борьбе с терроризмом в Центральной Азии."
    assert detect_language(russian) == "ru"
    assert detect_language("ok 12") is None
