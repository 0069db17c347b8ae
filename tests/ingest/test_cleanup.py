"""Cleanup rules for PDF-extracted text, each on the smallest example that shows it."""

from __future__ import annotations

import itertools

import pytest

from ctviewer.ingest.cleanup import clean_pages, clean_text
from ctviewer.paths import resources_dir

SEED = resources_dir() / "sample" / "seeds" / "003_9814ee2388ec0144.txt"


def test_seed_header_is_rejoined_into_one_title_line() -> None:
    clean = clean_text(SEED.read_text(encoding="utf-8"))
    first = clean.split("\n")[0]
    assert first == (
        "HIGH-LEVEL INTERNATIONAL CONFERENCE ON Regional Cooperation among Central Asian States "
        "within the Framework of the Joint Plan of Action (JPoA) for the Implementation of the "
        "United Nations Global Counter-Terrorism Strategy"
    )
    assert "\n3 March 2022, Tashkent\n" in clean
    assert "Opening remarks by Mr. Vladimir Voronkov, Under-Secretary-General, United Nations Office of" in clean


def test_hyphenation_rules() -> None:
    text = (
        "The implemen-\ntation of the Counter-\nTerrorism Strategy by member\nStates and their counter-\n"
        "terrorism units was reviewed in the\nmeeting of the committee itself."
    )
    clean = clean_text(text)
    assert "implementation" in clean
    assert "Counter-Terrorism Strategy" in clean
    assert "counter-terrorism units" in clean


def test_hyphen_kept_when_the_document_uses_the_hyphenated_form() -> None:
    text = "The well-being of all.\n\nWe promote the long term well-\nbeing of the population in the region and more."
    assert "well-being of the population" in clean_text(text)


def test_already_clean_paragraphs_are_left_alone() -> None:
    text = (
        "First paragraph is one long line that ends with a full stop.\n"
        "Second paragraph is also one line and ends properly.\n\n"
        "Excellencies,\nLadies and gentlemen,\n\n"
        "• first bullet\n• second bullet\n1. numbered\n2. numbered again"
    )
    assert clean_text(text) == text


def test_characters_are_normalised() -> None:
    clean = clean_text("The ﬁnal ofﬁce\u00a0report  on coopera\u00adtion.")
    assert clean == "The final office report on cooperation."


def test_page_numbers_and_running_heads_are_dropped_and_spans_follow_pages() -> None:
    words = ["one", "two", "three", "four", "five"]
    pages = [
        f"S/2025/72 Security Council\nThe first line of page {w}.\nThe second line of page {w}.\n"
        f"The third line of page {w}.\n{n}/5 25-00800\n{n}"
        for n, w in enumerate(words, 1)
    ]
    text, spans = clean_pages(pages)
    assert "Security Council" not in text and "25-00800" not in text
    assert [s.page for s in spans] == [1, 2, 3, 4, 5]
    for span, w in zip(spans, words, strict=True):
        assert text[span.start : span.end] == (
            f"The first line of page {w}.\nThe second line of page {w}.\nThe third line of page {w}."
        )


def test_explicit_page_markers_are_dropped_in_plain_text() -> None:
    clean = clean_text("Paragraph one ends here.\n\nPage 2 of 7\n\nParagraph two ends here.\n\n- 3 -\n")
    assert clean == "Paragraph one ends here.\n\nParagraph two ends here."


def test_form_feeds_are_page_breaks() -> None:
    pages = [
        f"Running head of the report\nThe text of page {w} starts.\nIt goes on.\nAnd ends on page {w}.\n"
        for w in ("one", "two", "three", "four")
    ]
    clean = clean_text("\f".join(pages))
    assert "Running head" not in clean and clean.count("It goes on.") == 4


def test_a_single_huge_line_is_handled_in_linear_time() -> None:
    huge = "word " * 400_000
    assert clean_text(huge) == huge.strip()


# -- PDF text layers (pdfium output) ---------------------------------------------------------
def _word_page(*lines: str) -> str:
    """A page as pdfium returns a Word-made PDF: CRLF line ends, a space before each soft wrap."""
    return "\r\n".join(lines)


def test_pdfium_hyphen_marks_become_hyphens_or_disappear() -> None:
    page = _word_page(
        "Islamic State in Iraq and the Levant\x02Khorasan (ISIL-K) continued to pose the predominant ",
        "threat in the region. The killing of the minister marked the highest\x02profile casualty ",
        "among the de facto authorities. The implemen\x02tation of the plan was reviewed again.",
    )
    text, _ = clean_pages([page], pdf=True)
    assert "Levant-Khorasan (ISIL-K)" in text
    assert "implementation of the plan" in text
    assert "\x02" not in text


def test_word_trailing_space_decides_wraps_in_pdfs() -> None:
    page = _word_page(
        "1. In adopting its resolution 2253 (2015), the Security Council expressed its ",
        "determination to address the threat posed to international peace and security. ",
        "It further requested that the latest report be annexed to the present report.",
        "2. The present report is the twentieth such report and it was prepared by the ",
        "Office of Counter-Terrorism.",
        "Reaffirming its strong commitment to the sovereignty, independence, territorial ",
        "integrity and national unity of Libya, ",
        "Reaffirming its strong commitment to an inclusive, Libyan-led political process, ",
        "facilitated by the United Nations and supported by the international community,",
    )
    text, _ = clean_pages([page], pdf=True)
    assert text.split("\n") == [
        "1. In adopting its resolution 2253 (2015), the Security Council expressed its determination to address "
        "the threat posed to international peace and security. It further requested that the latest report be "
        "annexed to the present report.",
        "",  # paragraphs that end a sentence are set apart by a blank line
        "2. The present report is the twentieth such report and it was prepared by the Office of Counter-Terrorism.",
        "",
        "Reaffirming its strong commitment to the sovereignty, independence, territorial integrity and national "
        "unity of Libya,",
        "Reaffirming its strong commitment to an inclusive, Libyan-led political process, facilitated by the "
        "United Nations and supported by the international community,",
    ]


def test_footnotes_keep_their_numbers_and_their_own_block() -> None:
    page = _word_page(
        "United Nations S/2025/72",
        "25-00800 (E) 070225 ",
        "*2500800*",
        "3. The threat posed by Da’esh remained undiminished in the region and the United ",
        "Nations continued to support ",
        "__________________",
        "1 Listed as Al-Qaida in Iraq (QDe.115).",
        "2",
        "In line with General Assembly resolution 75/291.",
        "3 See S/2016/92 and S/2016/501.",
    )
    text, _ = clean_pages([page], pdf=True)
    assert "25-00800" not in text and "*2500800*" not in text and "_____" not in text
    assert "Nations continued to support\n\n1 Listed as Al-Qaida" in text
    assert "\n2\n" in text  # a footnote number, not a page number


def test_page_spans_are_exact_and_in_order() -> None:
    pages = [f"Page {w} text begins here and goes on.\nSecond line of page {w}." for w in ("one", "two", "three")]
    text, spans = clean_pages(pages, pdf=True)
    assert [(s.page, text[s.start : s.end].split()[1]) for s in spans] == [(1, "one"), (2, "two"), (3, "three")]
    assert spans[0].start == 0 and spans[-1].end == len(text)
    assert all(a.end + 2 == b.start for a, b in itertools.pairwise(spans))


# -- plain text must not be damaged ----------------------------------------------------------
def test_list_of_titles_of_similar_length_is_not_glued() -> None:
    text = (
        "Security Council Report on Afghanistan\nGeneral Assembly Debate on Terrorism\n"
        "Regional Centre Annual Activity Review\nJoint Plan of Action Progress Update"
    )
    assert clean_text(text) == text


def test_hard_wrapped_plain_text_is_joined() -> None:
    text = (
        "The Regional Anti-Terrorist Structure of the Shanghai\nCooperation Organisation held its meeting in\n"
        "Tashkent, where the delegations discussed joint border\noperations and the exchange of information\n"
        "between the competent authorities of member States.\n\nA second paragraph."
    )
    assert clean_text(text) == (
        "The Regional Anti-Terrorist Structure of the Shanghai Cooperation Organisation held its meeting in "
        "Tashkent, where the delegations discussed joint border operations and the exchange of information "
        "between the competent authorities of member States.\n\nA second paragraph."
    )


def test_a_short_first_line_that_runs_on_is_joined() -> None:
    # A UN General Debate speech (GRD_65_2010.txt): the first line is short but the sentence
    # visibly goes on in lower case; a heading followed by a capital stays apart.
    speech = (
        "I am honoured to \naddress this body. I do so at a time when the world \ncontinues to face "
        "multiple challenges, foremost of \nwhich for small island developing States such as \nGrenada is "
        "the fragile economic, financial and \necological situation."
    )
    assert clean_text(speech).startswith(
        "I am honoured to address this body. I do so at a time when the world continues to face multiple challenges"
    )
    heading = (
        "Introduction\nThe Council met on the situation in the region, and members heard a briefing\n"
        "by the Special Envoy on the work of the mission."
    )
    assert clean_text(heading).startswith("Introduction\nThe Council met")


@pytest.mark.parametrize(
    ("broken", "expected"),
    [
        ("inter-\nnational", "international"),  # a syllable break, not a compound
        ("Libyan-\nowned", "Libyan-owned"),  # a known second half
        ("capacity-\nbuilding", "capacity-building"),
        ("cross-\nings", "crossings"),  # a strong prefix, but an inflection follows
        ("UN-\nled", "UN-led"),
        ("Af-\nghanistan", "Afghanistan"),
    ],
)
def test_line_end_hyphens(broken: str, expected: str) -> None:
    text = f"The report covered the long and detailed review of the {broken} process in the region today."
    assert expected in clean_text(text)
    assert expected in clean_pages([text], pdf=True)[0]


def test_document_evidence_decides_hyphens() -> None:
    # The joined form appears elsewhere: the break was a syllable break.
    assert "peacebuilding efforts" in clean_text(
        "Support for peacebuilding grew steadily across the region. The peace-\nbuilding efforts continued."
    )
    # The hyphenated form appears elsewhere: the hyphen is real.
    assert "whole-of-government" in clean_text(
        "A whole-of-government approach is needed across all agencies "
        "now. The whole-of-\ngovernment response was praised."
    )


def test_control_characters_are_removed() -> None:
    assert clean_text("Tash\x01kent\x7f is\x1b the capital.") == "Tashkent is the capital."


def test_one_paragraph_per_line_gets_blank_lines_but_short_lines_stay_together() -> None:
    speech = (
        "Excellencies,\nLadies and gentlemen,\n"
        "I hope the discussions today and tomorrow will address these themes and include examples of good "
        "practices.\n"
        "I am convinced this will help inform the global counter-terrorism response over the next few years.\n"
        "• Afghanistan\n• Iraq\n"
        "Thank you."
    )
    assert clean_text(speech).split("\n") == [
        "Excellencies,",
        "Ladies and gentlemen,",
        "I hope the discussions today and tomorrow will address these themes and include examples of good practices.",
        "",
        "I am convinced this will help inform the global counter-terrorism response over the next few years.",
        "• Afghanistan",
        "• Iraq",
        "Thank you.",
    ]
    assert clean_text(clean_text(speech)) == clean_text(speech)  # cleaning clean text changes nothing
