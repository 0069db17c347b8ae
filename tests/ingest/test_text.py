"""Plain text and Markdown: front matter, Markdown layout, and text left as it was written."""

from __future__ import annotations

from pathlib import Path

from ctviewer.ingest import read_document
from ctviewer.ingest.text import markdown_to_text
from ctviewer.settings import Limits

LIMITS = Limits()


def test_markdown_renders_like_a_reader_sees_it() -> None:
    source = (
        "# Joint **Statement**\n\nThe ministers met in\nAstana and agreed on a [programme](http://x/p).  \n"
        "A hard break came before this line.\n\n- first *item*\n  continued\n- second item\n\n"
        "Annex\n-----\n\n| Country | Delegate |\n|---|---|\n| Kazakhstan | M. Nurtleu |\n\n"
        '> quoted\n> words\n\n```\nkeep  this\n```\n**<span style="x">Shipping\nDisruption</span>**\n'
        "<!-- -->\n\n\\###\n"
    )
    text, heading = markdown_to_text(source)
    assert heading == "Joint Statement"
    assert text.split("\n") == [
        "Joint Statement",
        "",
        "The ministers met in Astana and agreed on a programme.",
        "A hard break came before this line.",
        "",
        "- first item continued",
        "- second item",
        "",
        "Annex",
        "",
        "Country | Delegate",
        "Kazakhstan | M. Nurtleu",
        "",
        "quoted words",
        "",
        "keep  this",
        "",
        "Shipping Disruption",
    ]


def test_white_house_markdown_with_front_matter() -> None:
    path = next((Path(__file__).parents[2] / "resources" / "sample" / "statements").glob("2022-08-26*.md"))
    doc = read_document(path, path.read_bytes(), LIMITS)
    assert doc.title == (
        "Statement of President Joe Biden on the Anniversary of the Terrorist Attack Outside Kabul Airport"
    )
    assert doc.date == "2022-08-26" and doc.language == "en"
    assert dict(doc.extra)["source"].startswith("https://bidenwhitehouse.archives.gov/")
    # Soft-wrapped source lines are one paragraph; the hard-broken list keeps one name per line.
    assert "One year ago, 13 proud and patriotic American service members, as well as more than 100" in doc.text
    assert "\nMarine Corps Sgt. Johanny Rosario;\nMarine Corps Sgt. Nicole L. Gee;\n" in doc.text
    assert "than themselves. They were heroes" in doc.text
    assert "###" not in doc.text and "title:" not in doc.text
    assert doc.raw_text.startswith("---\ndate: '2022-08-26'")


def test_front_matter_in_a_text_file_and_its_date_wins() -> None:
    data = (
        b"---\ntitle: SCO RATS Council meeting\ndate: 2023-04-12\nplace: Tashkent\nsource: rats.sco\n---\n"
        b"On 3 March 2022 the Council had met before. This text is long enough to be English prose.\n"
    )
    doc = read_document(Path("note.txt"), data, LIMITS)
    assert (doc.title, doc.date, doc.place) == ("SCO RATS Council meeting", "2023-04-12", "Tashkent")
    assert dict(doc.extra)["source"] == "rats.sco"
    assert doc.text.startswith("On 3 March 2022")


def test_broken_front_matter_is_text_with_a_warning() -> None:
    data = b"---\ntitle: [unclosed\n---\nBody text of the note.\n"
    doc = read_document(Path("note.md"), data, LIMITS)
    assert "front matter is not valid YAML (ignored)" in doc.warnings
    assert "Body text of the note." in doc.text


def test_plain_text_with_one_line_paragraphs_keeps_each_as_a_paragraph() -> None:
    # Each line of this press release is a paragraph: none is joined to the next, and the clean
    # text separates them with a blank line, as paragraphs are everywhere else (the reader
    # showed them run together). Nothing else changes but the no-break spaces.
    path = Path(__file__).parents[2] / "resources" / "sample" / "seeds" / "000_d05a966dbe788ff8.txt"
    doc = read_document(path, path.read_bytes(), LIMITS)
    lines = doc.raw_text.replace("\u00a0", " ").strip().split("\n")
    assert len(lines) == 7
    assert doc.text == "\n\n".join(lines)
    assert doc.date == "2022-03-03" and doc.language == "en"
