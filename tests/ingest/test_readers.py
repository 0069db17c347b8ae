"""Each reader on real files from the corpus (bundled sample) and on hostile input."""

from __future__ import annotations

import io
import socket
import sys
import threading
import time
import zipfile
from pathlib import Path

import docx
import pytest

from ctviewer.errors import RejectedFile
from ctviewer.ingest import SUPPORTED_SUFFIXES, read_document
from ctviewer.paths import resources_dir
from ctviewer.settings import Limits

SAMPLE = resources_dir() / "sample"
LIMITS = Limits()


def read(path: Path, limits: Limits = LIMITS):
    return read_document(path, path.read_bytes(), limits)


def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"} == SUPPORTED_SUFFIXES


def test_seed_text_metadata_and_cleanup() -> None:
    doc = read(SAMPLE / "seeds" / "003_9814ee2388ec0144.txt")
    assert (doc.file_type, doc.date, doc.place, doc.language, doc.encoding) == (
        "txt",
        "2022-03-03",
        "Tashkent",
        "en",
        "utf-8",
    )
    assert "United Nations Global Counter-Terrorism Strategy" in doc.text
    assert "Counter-\nTerrorism" in doc.raw_text
    assert doc.title and doc.title.startswith("HIGH-LEVEL INTERNATIONAL CONFERENCE ON Regional Cooperation")


def test_markdown_front_matter() -> None:
    path = SAMPLE / "statements" / "2022-07-12-statement-by-president-biden-on-successful-counterterrorism-operation.md"
    doc = read(path)
    assert doc.file_type == "md" and doc.date == "2022-07-12"
    assert doc.title == "Statement by President Biden on Successful Counterterrorism Operation"
    assert "source_url" in dict(doc.extra)
    assert not doc.text.startswith("---") and "source_url" not in doc.text
    # Markdown's hard-wrapped lines come back as paragraphs.
    assert max(len(p) for p in doc.text.split("\n")) > 200


def test_html_main_text_without_navigation() -> None:
    doc = read(SAMPLE / "library-pages" / "scact1955_table_en.html")
    assert doc.file_type == "html" and doc.language == "en"
    assert "Security Council" in doc.text
    assert "Skip to main content" not in doc.text and "<" not in doc.text


def test_html_title_date_and_boilerplate() -> None:
    nav = "".join(f"<li><a href='/p{i}'>Menu item {i}</a></li>" for i in range(30))
    page = (
        f"<html><head><title>SCO RATS Council meeting</title><meta name='date' content='2023-04-12'></head>"
        f"<body><nav><ul>{nav}</ul></nav><article><h1>SCO RATS Council meeting</h1>"
        + "<p>The Council of the Regional Anti-Terrorist Structure met in Tashkent to review joint exercises "
        "and information exchange among member states.</p>"
        * 6
        + "</article><footer>Copyright 2023 · Privacy · Contact</footer></body></html>"
    )
    doc = read_document(Path("page.html"), page.encode(), LIMITS)
    assert doc.title == "SCO RATS Council meeting"
    assert doc.date == "2023-04-12"
    assert "Regional Anti-Terrorist Structure" in doc.text
    assert "Menu item" not in doc.text and "Privacy" not in doc.text


def test_pdf_pages_and_spans() -> None:
    doc = read(SAMPLE / "un-documents" / "S_2025_72.en.pdf")
    assert doc.file_type == "pdf" and doc.pages == 15 and len(doc.page_spans) == 15
    assert doc.date == "2025-01-31" and doc.language == "en"
    starts = [s.start for s in doc.page_spans]
    assert starts == sorted(starts) and doc.page_spans[-1].end <= len(doc.text)
    # Running heads ("25-00800", "2/15") are gone; body text is rejoined into paragraphs.
    assert "25-00800" not in doc.text[doc.page_spans[1].start :]
    assert (
        "Twentieth report of the Secretary-General on the threat posed by ISIL (Da’esh) to international peace "
        "and security"
    ) in doc.text
    page2 = doc.text[doc.page_spans[1].start : doc.page_spans[1].end]
    assert "II. Threat assessment" in page2


def test_scanned_pdf_gets_a_warning_not_silence() -> None:
    scan = next((SAMPLE / "un-documents").glob("*Note_Verbale*.pdf"))
    doc = read(scan)
    assert "no text layer (scanned?)" in doc.warnings and doc.pages == 1


def test_docx_paragraphs_tables_and_properties(tmp_path: Path) -> None:
    document = docx.Document()
    document.core_properties.title = "Joint Statement of the SCO Foreign Ministers"
    document.core_properties.author = "SCO Secretariat"
    document.add_paragraph("The ministers met in Astana.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Member", "Represented by"
    table.cell(1, 0).text, table.cell(1, 1).text = "Kazakhstan", "Murat Nurtleu"
    document.add_paragraph("They adopted a programme on counter-terrorism cooperation.")
    buffer = io.BytesIO()
    document.save(buffer)
    doc = read_document(Path("statement.docx"), buffer.getvalue(), LIMITS)
    assert doc.title == "Joint Statement of the SCO Foreign Ministers"
    assert dict(doc.extra)["author"] == "SCO Secretariat"
    assert doc.text.split("\n\n") == [
        "The ministers met in Astana.",
        "Member | Represented by",
        "Kazakhstan | Murat Nurtleu",
        "They adopted a programme on counter-terrorism cooperation.",
    ]


def test_sample_docx() -> None:
    path = next((SAMPLE / "statements").glob("*.docx"))
    doc = read(path)
    assert doc.file_type == "docx" and doc.date == "2022-08-26" and "Kabul" in doc.text


# -- hostile and broken input ---------------------------------------------------------------
def test_empty_and_whitespace_files() -> None:
    for data in (b"", b"   \n\n\t "):
        with pytest.raises(RejectedFile, match="empty file"):
            read_document(Path("x.txt"), data, LIMITS)


def test_corrupt_encrypted_and_disguised_pdfs(tmp_path: Path) -> None:
    with pytest.raises(RejectedFile, match="corrupt PDF"):
        read_document(Path("c.pdf"), b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nnot a pdf at all" * 3, LIMITS)
    with pytest.raises(RejectedFile, match=r"not a PDF file.*PNG"):
        read_document(Path("c.pdf"), b"\x89PNG\r\n\x1a\n" + bytes(200), LIMITS)
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.encrypt("secret-password", algorithm="RC4-128")
    buffer = io.BytesIO()
    writer.write(buffer)
    with pytest.raises(RejectedFile, match="encrypted PDF"):
        read_document(Path("e.pdf"), buffer.getvalue(), LIMITS)


def test_pdf_parser_is_stopped_by_the_time_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # A child that never answers stands in for a parser caught in an xref loop.
    import ctviewer.ingest.pdf as pdf_module

    monkeypatch.setattr(
        pdf_module, "child_command", lambda _limits: [sys.executable, "-c", "import time\nwhile True: time.sleep(1)"]
    )
    started = time.monotonic()
    with pytest.raises(RejectedFile, match="took too long"):
        pdf_module._parse_in_child(b"%PDF-1.4", Limits(pdf_timeout_s=1.0))
    assert time.monotonic() - started < 10


def test_pdf_child_memory_is_capped() -> None:
    import ctviewer.ingest.pdf as pdf_module

    with pytest.raises(RejectedFile, match=r"memory|crashed"):
        pdf_module._parse_in_child(
            (SAMPLE / "un-documents" / "S_2025_72.en.pdf").read_bytes(), Limits(pdf_memory_bytes=30 * 1024 * 1024)
        )


def _zip(parts: dict[str, bytes], big: tuple[str, int] | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            zf.writestr(name, data)
        if big:
            with zf.open(big[0], "w", force_zip64=True) as entry:
                chunk = b"\0" * (1024 * 1024)
                for _ in range(big[1]):
                    entry.write(chunk)
    return buffer.getvalue()


def test_docx_zip_bomb_is_refused_from_declared_sizes() -> None:
    data = _zip({"[Content_Types].xml": b"<Types/>"}, big=("word/document.xml", 300))
    assert len(data) < 2 * 1024 * 1024
    with pytest.raises(RejectedFile, match="zip bomb"):
        read_document(Path("bomb.docx"), data, LIMITS)


def test_docx_with_entities_is_refused(tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-DOCX-55")
    document = (
        f'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY x SYSTEM "file://{canary}">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
    ).encode()
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": document})
    with pytest.raises(RejectedFile, match="DOCTYPE"):
        read_document(Path("xxe.docx"), data, LIMITS)


def test_not_a_docx() -> None:
    with pytest.raises(RejectedFile, match="not a DOCX"):
        read_document(Path("x.docx"), b"just some text pretending", LIMITS)


def test_html_entities_never_reach_files_or_network(tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-HTML-99")
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(0.5)
    port = listener.getsockname()[1]
    touched: list[bool] = []

    def accept() -> None:
        try:
            listener.accept()
            touched.append(True)
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    page = (
        f'<?xml version="1.0"?><!DOCTYPE html [<!ENTITY a SYSTEM "file://{canary}">'
        f'<!ENTITY b SYSTEM "http://127.0.0.1:{port}/x">]><html><body><p>&a; &b;</p></body></html>'
    )
    before = canary.stat().st_atime_ns
    with pytest.raises(RejectedFile, match="entities"):
        read_document(Path("x.html"), page.encode(), LIMITS)
    thread.join()
    listener.close()
    assert not touched and canary.stat().st_atime_ns == before


def test_markup_in_text_stays_text() -> None:
    doc = read_document(Path("x.txt"), b"Plain <script>alert(1)</script> and <img src=http://x/y.png> text.", LIMITS)
    assert "<script>alert(1)</script>" in doc.text


def test_text_over_the_limit_is_truncated_and_marked() -> None:
    doc = read_document(Path("big.txt"), b"word " * 50_000, Limits(max_text_chars=100_000))
    assert doc.truncated and len(doc.raw_text) == 100_000
    assert any("truncated" in w for w in doc.warnings)


def test_a_single_long_line_and_a_huge_word_are_handled() -> None:
    doc = read_document(Path("line.txt"), b"x" * 5_000_000 + b" end", LIMITS)
    assert doc.text.endswith("end") and len(doc.text) > 5_000_000


def test_nul_bytes_and_bad_bytes_in_text() -> None:
    doc = read_document(Path("n.txt"), b"Voronkov\x00 met \xff\xfe the OSCE " * 40, LIMITS)
    assert "Voronkov met" in doc.text and "\x00" not in doc.text


def test_unsupported_type() -> None:
    with pytest.raises(RejectedFile, match="unsupported"):
        read_document(Path("table.xlsx"), b"PK\x03\x04", LIMITS)
