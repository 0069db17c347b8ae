"""Cleanup rules for PDF-extracted text, each on the smallest example that shows it."""

from __future__ import annotations

from ctviewer.ingest.cleanup import clean_pages, clean_text
from ctviewer.paths import resources_dir

SEED = resources_dir() / "sample" / "seeds" / "003_9814ee2388ec0144.txt"


def test_seed_header_is_rejoined_into_one_title_line() -> None:
    clean = clean_text(SEED.read_text(encoding="utf-8"))
    first = clean.split("\n")[0]
    assert first == ("HIGH-LEVEL INTERNATIONAL CONFERENCE ON Regional Cooperation among Central Asian States "
                     "within the Framework of the Joint Plan of Action (JPoA) for the Implementation of the "
                     "United Nations Global Counter-Terrorism Strategy")
    assert "\n3 March 2022, Tashkent\n" in clean
    assert "Opening remarks by Mr. Vladimir Voronkov, Under-Secretary-General, United Nations Office of" in clean


def test_hyphenation_rules() -> None:
    text = ("The implemen-\ntation of the Counter-\nTerrorism Strategy by member\nStates and their counter-\n"
            "terrorism units was reviewed in the\nmeeting of the committee itself.")
    clean = clean_text(text)
    assert "implementation" in clean
    assert "Counter-Terrorism Strategy" in clean
    assert "counter-terrorism units" in clean


def test_hyphen_kept_when_the_document_uses_the_hyphenated_form() -> None:
    text = "The well-being of all.\n\nWe promote the long term well-\nbeing of the population in the region and more."
    assert "well-being of the population" in clean_text(text)


def test_already_clean_paragraphs_are_left_alone() -> None:
    text = ("First paragraph is one long line that ends with a full stop.\n"
            "Second paragraph is also one line and ends properly.\n\n"
            "Excellencies,\nLadies and gentlemen,\n\n"
            "• first bullet\n• second bullet\n1. numbered\n2. numbered again")
    assert clean_text(text) == text


def test_characters_are_normalised() -> None:
    clean = clean_text("The ﬁnal ofﬁce\u00a0report  on coopera\u00adtion.")
    assert clean == "The final office report on cooperation."


def test_page_numbers_and_running_heads_are_dropped_and_spans_follow_pages() -> None:
    words = ["one", "two", "three", "four", "five"]
    pages = [f"S/2025/72 Security Council\nThe first line of page {w}.\nThe second line of page {w}.\n"
             f"The third line of page {w}.\n{n}/5 25-00800\n{n}" for n, w in enumerate(words, 1)]
    text, spans = clean_pages(pages)
    assert "Security Council" not in text and "25-00800" not in text
    assert [s.page for s in spans] == [1, 2, 3, 4, 5]
    for span, w in zip(spans, words, strict=True):
        assert text[span.start:span.end] == (f"The first line of page {w}.\nThe second line of page {w}.\n"
                                             f"The third line of page {w}.")


def test_explicit_page_markers_are_dropped_in_plain_text() -> None:
    clean = clean_text("Paragraph one ends here.\n\nPage 2 of 7\n\nParagraph two ends here.\n\n- 3 -\n")
    assert clean == "Paragraph one ends here.\n\nParagraph two ends here."


def test_form_feeds_are_page_breaks() -> None:
    pages = [f"Running head of the report\nThe text of page {w} starts.\nIt goes on.\nAnd ends on page {w}.\n"
             for w in ("one", "two", "three", "four")]
    clean = clean_text("\f".join(pages))
    assert "Running head" not in clean and clean.count("It goes on.") == 4


def test_a_single_huge_line_is_handled_in_linear_time() -> None:
    huge = "word " * 400_000
    assert clean_text(huge) == huge.strip()
