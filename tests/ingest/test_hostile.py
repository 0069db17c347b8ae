"""Hostile and broken input: every case ends in a clear one-line refusal or a bounded, clean read."""

from __future__ import annotations

import io
import os
import socket
import struct
import threading
import time
import zipfile
from pathlib import Path

import docx
import pytest
from docx.oxml import OxmlElement

from ctviewer.errors import RejectedFile
from ctviewer.ingest import read_document
from ctviewer.paths import resources_dir
from ctviewer.settings import MB, Limits

LIMITS = Limits()
UN_PDF = resources_dir() / "sample" / "un-documents" / "S_2025_72.en.pdf"


def refused(name: str, data: bytes, limits: Limits = LIMITS) -> str:
    with pytest.raises(RejectedFile) as err:
        read_document(Path(name), data, limits)
    reason = str(err.value)
    assert "\n" not in reason and len(reason) < 300
    return reason


# -- disguised and binary files ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("notes.txt", UN_PDF.read_bytes()[:4000], "binary content, not text (looks like a PDF document)"),
        ("notes.md", b"\x7fELF\x02\x01\x01" + bytes(200), "binary content, not text (looks like a Linux program)"),
        ("page.html", b"\x89PNG\r\n\x1a\n" + bytes(300), "binary content, not HTML (looks like a PNG image)"),
        ("page.htm", b"\xff\xd8\xff\xe0" + bytes(300), "binary content, not HTML (looks like a JPEG image)"),
        ("scan.pdf", b"GIF89a" + bytes(300), "not a PDF file (looks like a GIF image)"),
        ("letter.docx", b"\x89PNG\r\n\x1a\n" + bytes(300), "not a DOCX (not a zip file)"),
        ("random.txt", os.urandom(20_000), "binary content, not text"),
        ("nuls.txt", b"abc\x00\x00\x00\x01\x02def\x00\x00" * 500, "binary content, not text"),
    ],
)
def test_disguised_binaries_are_refused(name: str, data: bytes, expected: str) -> None:
    assert refused(name, data).startswith(expected)


def test_corrupt_and_truncated_pdfs() -> None:
    assert refused("x.pdf", b"%PDF-1.7\n" + os.urandom(5000)).startswith("corrupt PDF")
    # Half a real PDF: either the fallback parser copes or the file is refused, never a crash.
    try:
        doc = read_document(Path("half.pdf"), UN_PDF.read_bytes()[: UN_PDF.stat().st_size // 2], LIMITS)
    except RejectedFile as err:
        assert "PDF" in str(err)
    else:
        assert doc.file_type == "pdf" and doc.pages


def test_pdf_text_limit_is_applied_in_the_child() -> None:
    doc = read_document(UN_PDF, UN_PDF.read_bytes(), Limits(max_text_chars=3000))
    assert doc.truncated and doc.pages == 15 and len(doc.raw_text) <= 3000 + 2 * 15
    assert "text truncated at 3,000 characters" in doc.warnings
    assert "no text layer (scanned?)" not in doc.warnings


# -- XML entities and outside resources --------------------------------------------------------
class Listener:
    """A loopback server that records whether anything connected to it."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.sock.settimeout(0.3)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run)
        self.thread.start()

    def _run(self) -> None:
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            self.connections += 1
            conn.close()

    def close(self) -> int:
        self._stop = True
        self.thread.join()
        self.sock.close()
        return self.connections


def test_utf16_html_cannot_hide_its_entities(tmp_path: Path) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-UTF16-31")
    page = f'<!DOCTYPE x [<!ENTITY a SYSTEM "file://{canary}">]><html><body><p>&a; text</p></body></html>'
    assert "entities" in refused("x.html", page.encode("utf-16"))
    assert "entities" in refused("x.htm", b"<!doctype html>\n<!ENTITY lol 'lol'>\n<p>&lol;</p>")


def test_html_with_outside_references_fetches_nothing() -> None:
    listener = Listener()
    base = f"http://127.0.0.1:{listener.port}"
    try:
        page = (
            f'<?xml version="1.0"?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "{base}/x.dtd">\n'
            f'<html xmlns:xi="http://www.w3.org/2001/XInclude"><head><title>Council briefing</title>'
            f'<link rel="stylesheet" href="{base}/s.css"/><script src="{base}/j.js"></script></head><body>'
            f'<xi:include href="{base}/inc.xml"/><img src="{base}/i.png"/><iframe src="{base}/f"></iframe>'
            + "<p>The Council was briefed on the situation in the region and on the work of the mission.</p>" * 5
            + "</body></html>"
        )
        doc = read_document(Path("x.html"), page.encode(), LIMITS)
    finally:
        connections = listener.close()
    assert connections == 0
    assert doc.title == "Council briefing" and "briefed on the situation" in doc.text


# -- DOCX zip bombs and tricks ------------------------------------------------------------------
def _docx_bytes(document: docx.document.Document | None = None) -> bytes:
    document = document or docx.Document()
    if not document.paragraphs:
        document.add_paragraph("The ministers met in Astana.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _replace_part(data: bytes, name: str, content: bytes, *, extra: int = 0) -> bytes:
    """The same DOCX with one part replaced and ``extra`` tiny parts added."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, content if info.filename == name else src.read(info))
        for i in range(extra):
            dst.writestr(f"customXml/item{i}.bin", b"x")
    return out.getvalue()


def test_ratio_bomb_is_refused_quickly() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_docx_bytes())) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info))
        dst.writestr("word/media/zeros.bin", bytes(50 * MB))
    started = time.monotonic()
    reason = refused("bomb.docx", out.getvalue())
    assert time.monotonic() - started < 1
    assert reason.startswith("DOCX is a zip bomb (compression ratio") and "the limit is 100:1" in reason


def test_too_many_entries() -> None:
    data = _replace_part(_docx_bytes(), "", b"", extra=60)
    reason = refused("many.docx", data, Limits(zip_max_entries=50))
    assert reason.startswith("DOCX is a zip bomb (") and reason.endswith("entries; the limit is 50)")


def test_total_declared_size_limit() -> None:
    reason = refused("big.docx", _docx_bytes(), Limits(zip_max_total_bytes=10_000))
    assert reason.startswith("DOCX is a zip bomb (declared uncompressed size") and "in total" in reason


def test_overlapping_entries_are_refused() -> None:
    # Two central-directory records pointing at the same local entry (the "better zip bomb" layout).
    data = _docx_bytes()
    start = data.rindex(b"PK\x01\x02", 0, data.rindex(b"PK\x05\x06"))
    end_record = data.rindex(b"PK\x05\x06")
    record = data[start:end_record]
    name_len = struct.unpack("<H", record[28:30])[0]
    dup = bytearray(record)
    dup[46 : 46 + name_len] = b"x" * name_len  # another name, same data offset
    eocd = bytearray(data[end_record:])
    count = struct.unpack("<H", eocd[10:12])[0] + 1
    eocd[8:12] = struct.pack("<HH", count, count)
    eocd[12:16] = struct.pack("<I", struct.unpack("<I", eocd[12:16])[0] + len(dup))
    forged = data[:end_record] + bytes(dup) + bytes(eocd)
    assert refused("overlap.docx", forged) == "DOCX is a zip bomb (overlapping entries)"


def test_entry_that_lies_about_its_size_is_still_bounded() -> None:
    data = bytearray(_replace_part(_docx_bytes(), "word/document.xml", bytes(20 * MB)))
    name = b"word/document.xml"
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := data.find(signature, pos)) >= 0:
            name_at = pos + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + len(name)] == name:
                data[pos + size_at : pos + size_at + 4] = struct.pack("<I", 1000)  # claims 1 kB
            pos += 4
    started = time.monotonic()
    reason = refused("liar.docx", bytes(data))
    assert time.monotonic() - started < 2
    assert reason.startswith(("damaged DOCX", "DOCX part"))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_docx_doctype_is_refused_in_any_encoding(tmp_path: Path, encoding: str) -> None:
    canary = tmp_path / "canary.txt"
    canary.write_text("CANARY-DOCX-77")
    xml = (
        f'<?xml version="1.0" encoding="{encoding}"?><!-- {"padding " * 2000} -->'
        f'<!DOCTYPE w [<!ENTITY x SYSTEM "file://{canary}"><!ENTITY l "lol">]>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        "<w:body><w:p><w:r><w:t>&x;&l;</w:t></w:r></w:p></w:body></w:document>"
    )
    data = _replace_part(_docx_bytes(), "word/document.xml", xml.encode(encoding))
    reason = refused("xxe.docx", data)
    assert reason == "DOCX part word/document.xml has a DOCTYPE with entities (refused; possible XXE)"


def test_zip_that_is_not_a_word_document() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    assert refused("sheet.docx", out.getvalue()) == "not a DOCX (no word/document.xml inside)"


def test_docx_content_controls_are_read_in_order() -> None:
    document = docx.Document()
    document.add_paragraph("First paragraph.")
    inside = document.add_paragraph("Inside a content control.")
    document.add_paragraph("Last paragraph.")
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    inside._p.addprevious(sdt)
    content.append(inside._p)
    sdt.append(content)
    doc = read_document(Path("cc.docx"), _docx_bytes(document), LIMITS)
    assert doc.text.split("\n\n") == ["First paragraph.", "Inside a content control.", "Last paragraph."]


# -- pathological text --------------------------------------------------------------------------
@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("word.txt", b"x" * (1 * MB)),
        ("hyphens.txt", b"a-" * (512 * 1024)),
        ("wrapped.txt", b"abcdefghij-\n" * 100_000),
        ("spaces.md", b"a" + b" " * MB + b"b\n" + b"*" * 100_000 + b"\n" + b"[" * 100_000),
        ("word.html", b"<html><body><p>" + b"y" * MB + b"</p></body></html>"),
    ],
)
def test_pathological_text_is_handled_quickly(name: str, data: bytes) -> None:
    started = time.monotonic()
    doc = read_document(Path(name), data, LIMITS)
    assert time.monotonic() - started < 20
    assert doc.text


def test_mixed_and_unknown_encodings_never_raise() -> None:
    data = "東京で会議が開かれた。".encode("shift_jis") * 50 + "Zürich".encode("latin-1") + b"\xff\xfe\x00"
    doc = read_document(Path("mixed.txt"), data, LIMITS)
    assert doc.text and doc.encoding
    doc = read_document(Path("accents.txt"), "Le Ministère des Affaires étrangères à Zürich.".encode("cp1252"), LIMITS)
    assert "Ministère" in doc.text and "Zürich" in doc.text
