"""Readers on the real documents bundled in resources/sample and, when present, the shared corpus."""

from __future__ import annotations

import itertools
import random
import re
from pathlib import Path

import pytest

from ctviewer.domain.documents import ExtractedText
from ctviewer.ingest import read_document
from ctviewer.ingest.pdf import text_layer_warnings
from ctviewer.paths import resources_dir
from ctviewer.settings import Limits

SAMPLE = resources_dir() / "sample"
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
LIMITS = Limits()
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def read(path: Path) -> ExtractedText:
    return read_document(path, path.read_bytes(), LIMITS)


def test_seed_003_rejoined_with_the_original_kept() -> None:
    doc = read(SAMPLE / "seeds" / "003_9814ee2388ec0144.txt")
    assert "United Nations Global Counter-Terrorism Strategy" in doc.text
    assert "Global Counter-\nTerrorism Strategy" in doc.raw_text
    assert "within the\nFramework" in doc.raw_text and "within the Framework of the Joint Plan" in doc.text
    assert "\nExcellencies,\nLadies and gentlemen,\n" in doc.text  # salutations keep their lines
    assert (doc.date, doc.place, doc.language) == ("2022-03-03", "Tashkent", "en")


def test_un_report_pages_spans_and_cleanup() -> None:
    doc = read(SAMPLE / "un-documents" / "S_2025_72.en.pdf")
    assert doc.pages == 15 and [s.page for s in doc.page_spans] == list(range(1, 16))
    assert doc.page_spans[0].start == 0 and doc.page_spans[-1].end == len(doc.text)
    assert all(a.end <= b.start for a, b in itertools.pairwise(doc.page_spans))
    page2 = doc.text[doc.page_spans[1].start : doc.page_spans[1].end]
    page3 = doc.text[doc.page_spans[2].start : doc.page_spans[2].end]
    assert page2.startswith("Member States in countering the threat posed by Da’esh")
    assert "A. Overview and evolution of the threat" in page2 and "A. Overview" not in page3
    assert "highest-profile casualty" in page3  # pdfium's hyphen mark, resolved
    assert "Levant-Khorasan (ISIL-K)" in doc.text
    assert "25-00800" not in doc.text and "*2500800*" not in doc.text and "3/15" not in doc.text
    # A wrapped line that happened to end a sentence is still joined (Word's trailing space says so).
    assert "various regions in Africa. Islamic State West Africa Province" in page3
    assert "\n9. Da’esh continued its trend" in page3
    assert doc.title == "United Nations S/2025/72" and doc.date == "2025-01-31"


def test_un_resolution_keeps_its_paragraphs() -> None:
    doc = read(SAMPLE / "un-documents" / "S_RES_2769 (2025).en.pdf")
    assert doc.pages == 7 and doc.date == "2025-01-16"
    assert "an inclusive, Libyan-led and Libyan-owned political process" in doc.text
    assert "national unity of Libya,\nReaffirming its strong commitment" in doc.text
    assert "\n1. Expresses grave concern over continued violations of the arms embargo" in doc.text


def test_scanned_note_verbale() -> None:
    doc = read(next((SAMPLE / "un-documents").glob("*Note_Verbale*.pdf")))
    assert doc.warnings == ("no text layer (scanned?)",) and doc.pages == 1 and doc.file_type == "pdf"


def test_text_layer_warning_counts_pages() -> None:
    full = "A page with plenty of text on it for the test."
    assert text_layer_warnings([full, full]) == []
    assert text_layer_warnings([full, "", "  3  "]) == ["2 of 3 pages have no text layer"]
    assert text_layer_warnings([""] * 9 + [full]) == ["no text layer (scanned?)"]


def test_library_table_page() -> None:
    path = SAMPLE / "library-pages" / "scact1955_table_en.html"
    doc = read(path)
    assert doc.title == "Meetings conducted by the Security Council in 1955 (in reverse chronological order)"
    assert "S/PV.709 | 22 December | The Palestine question | --" in doc.text
    assert "|---" not in doc.text and "<" not in doc.raw_text  # raw_text is extracted text, not markup
    meetings = set(re.findall(r"S/PV\.\d+", path.read_text(encoding="utf-8-sig")))
    assert len(meetings) > 20 and set(re.findall(r"S/PV\.\d+", doc.text)) == meetings  # no row lost


def test_docx_statement() -> None:
    doc = read(next((SAMPLE / "statements").glob("*.docx")))
    assert doc.title == (
        "Statement of President Joe Biden on the Anniversary of the Terrorist Attack Outside Kabul Airport"
    )
    assert dict(doc.extra)["author"] == "The White House"
    assert "killed in a heinous terrorist attack at Abbey Gate outside the Kabul Airport" in doc.text


def _corpus(folder: str, pattern: str, count: int) -> list[Path]:
    files = sorted((CORPUS / folder).rglob(pattern)) if (CORPUS / folder).is_dir() else []
    return random.Random(7).sample(files, min(count, len(files)))


@pytest.mark.skipif(not CORPUS.is_dir(), reason="shared corpus not available")
@pytest.mark.parametrize(
    "path",
    _corpus("pdf/un-ods-2025", "*.pdf", 6) + _corpus("other", "*.md", 6) + _corpus("other", "*.html", 3),
    ids=lambda p: p.name[:40],
)
def test_corpus_documents_read_cleanly(path: Path) -> None:
    doc = read(path)
    assert doc.text.strip() and doc.title and doc.language
    assert not _CONTROL.search(doc.text) and "\u00ad" not in doc.text and "\x02" not in doc.text
    if doc.page_spans:
        assert doc.page_spans[-1].end == len(doc.text)
    if path.suffix == ".md":
        assert doc.date  # from the front matter
