"""The document's own date, place, title and language."""

from __future__ import annotations

import pytest

from ctviewer.ingest.metadata import detect_language, find_date, find_place, meaningful_title, title_from_text


@pytest.mark.parametrize(("text", "date", "place"), [
    ("CONFERENCE\n\n3 March 2022, Tashkent\n\nOpening remarks", "2022-03-03", "Tashkent"),
    ("TASHKENT, 3 March 2022 – The conference opened.", "2022-03-03", "Tashkent"),
    ("New York, 23 September 2022\n\nStatement", "2022-09-23", "New York"),
    ("On 3 March 2022, the conference opened in Tashkent.", "2022-03-03", None),
    ("Released March 3, 2022 by the office", "2022-03-03", None),
    ("Dated 12.05.2021", "2021-05-12", None),
    ("Ref 2023-11-30 memo", "2023-11-30", None),
    ("Report\nSeptember 2019\nText", "2019-09", None),
    ("Meeting on 3/4/2022", None, None),           # ambiguous: month or day first?
    ("Founded 1 January 1900", None, None),         # outside 1945..next year
    ("31 February 2022", None, None),               # not a date
])
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


def test_language() -> None:
    assert detect_language("The Security Council met to discuss counter-terrorism cooperation in Central Asia.") == "en"
    russian = "Совет Безопасности обсудил сотрудничество в борьбе с терроризмом в Центральной Азии."
    assert detect_language(russian) == "ru"
    assert detect_language("ok 12") is None
