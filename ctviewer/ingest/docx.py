"""DOCX files: paragraphs and tables in document order, and the core properties.

A DOCX is a ZIP of XML parts. Before python-docx touches it, the archive's directory is
checked against the limits using the sizes it *declares* (nothing big is decompressed):
entry count, per-entry and total uncompressed size, compression ratio, and entries that
overlap each other (a trick for quadratic bombs). Python's zipfile stops decompressing an
entry at its declared size, so an entry that lies about its size is still bounded.

Then the prolog of every XML part (what comes before its first element) is read, within
those bounds, and a part with a DOCTYPE is refused: Word never writes one, while entity
bombs and external entities need one. Parts in UTF-16 or UTF-32 are checked the same way.
"""

from __future__ import annotations

import io
import itertools
import re
import zipfile

from ctviewer.errors import RejectedFile
from ctviewer.ingest.model import Draft
from ctviewer.settings import MB, Limits

_PROLOG_MAX = 64 * 1024  # a real part's prolog is an XML declaration and perhaps a comment
_SMALL_ENTRY = 1 * MB  # below this, a high ratio is ordinary XML, not a bomb
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse zip bombs and XML parts with DOCTYPEs without decompressing anything big."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise RejectedFile("not a DOCX (not a zip file)") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.zip_max_entries:
            raise RejectedFile(f"DOCX is a zip bomb ({len(infos):,} entries; the limit is {limits.zip_max_entries:,})")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > limits.zip_max_entry_bytes:
                raise RejectedFile(
                    f"DOCX is a zip bomb (declared uncompressed size {info.file_size / MB:,.0f} MB "
                    f"for one part; the limit is {limits.zip_max_entry_bytes / MB:,.0f} MB)"
                )
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _SMALL_ENTRY and ratio > limits.zip_max_ratio:
                raise RejectedFile(
                    f"DOCX is a zip bomb (compression ratio {ratio:,.0f}:1; the limit is {limits.zip_max_ratio:,.0f}:1)"
                )
        if total > limits.zip_max_total_bytes:
            raise RejectedFile(
                f"DOCX is a zip bomb (declared uncompressed size {total / MB:,.0f} MB in total; "
                f"the limit is {limits.zip_max_total_bytes / MB:,.0f} MB)"
            )
        _check_overlap(infos, len(data))
        names = {info.filename for info in infos}
        if "word/document.xml" not in names:
            raise RejectedFile("not a DOCX (no word/document.xml inside)")
        for info in infos:
            if info.filename.lower().endswith((".xml", ".rels")) and not info.is_dir():
                _check_prolog(archive, info)


def _check_overlap(infos: list[zipfile.ZipInfo], size: int) -> None:
    """Entries whose data overlap (the "better zip bomb" layout) or point outside the file."""
    spans = sorted(
        (info.header_offset, info.header_offset + 30 + len(info.filename) + info.compress_size) for info in infos
    )
    for (_, end), (next_start, _) in itertools.pairwise(spans):
        if next_start < end:
            raise RejectedFile("DOCX is a zip bomb (overlapping entries)")
    if spans and spans[-1][1] > size:
        raise RejectedFile("damaged DOCX (an entry points past the end of the file)")


def _check_prolog(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    try:
        with archive.open(info) as part:
            head = part.read(min(info.file_size, _PROLOG_MAX))
    except (zipfile.BadZipFile, OSError, EOFError, NotImplementedError, RuntimeError) as exc:
        raise RejectedFile(f"damaged DOCX (part {info.filename[:80]} cannot be read)") from exc
    if _has_doctype(head):
        raise RejectedFile(f"DOCX part {info.filename[:80]} has a DOCTYPE with entities (refused; possible XXE)")


def _has_doctype(head: bytes) -> bool:
    """A DOCTYPE (or entity declaration) before the first element of an XML part.

    UTF-16/32 text is ASCII with NULs in between for the characters that matter here, so
    dropping NULs lets one byte pattern cover every encoding an XML parser accepts by default.
    """
    text = head.replace(b"\x00", b"")
    if re.search(rb"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        return True
    root = re.search(rb"<[A-Za-z_]", text)
    # A prolog that fills the whole window without reaching an element hides something.
    return root is None and len(head) >= _PROLOG_MAX


def read_docx(data: bytes, limits: Limits) -> Draft:
    check_zip(data, limits)
    import docx

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises assorted errors on damaged or non-Word files
        raise RejectedFile(f"damaged DOCX ({type(exc).__name__}: {exc})"[:200]) from exc
    blocks = list(_blocks(document.element.body, document))
    text = "\n\n".join(blocks)
    draft = Draft(raw_text=text, file_type="docx", body=text, prewrapped=True)
    props = document.core_properties
    draft.title = props.title or None
    when = props.created or props.modified
    if when is not None:
        draft.meta_date = when.date().isoformat()
    if props.author:
        draft.extra["author"] = props.author[:300]
    if props.subject:
        draft.extra["subject"] = props.subject[:1000]
    return draft


def _blocks(container: object, parent: object) -> list[str]:
    """Paragraph and table texts in document order, including those inside content controls."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    out: list[str] = []
    for child in container.iterchildren():  # type: ignore[attr-defined]
        if child.tag == f"{_W}p":
            text = Paragraph(child, parent).text.strip()  # type: ignore[arg-type]
            if text:
                out.append(text)
        elif child.tag == f"{_W}tbl":
            out.extend(_table_rows(Table(child, parent)))  # type: ignore[arg-type]
        elif child.tag == f"{_W}sdt":  # a content control (cover pages, forms) wraps ordinary blocks
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                out.extend(_blocks(content, parent))
    return out


def _table_rows(table: object) -> list[str]:
    rows = []
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        for cell in row.cells:
            value = " ".join(cell.text.split())
            if value and (not cells or cells[-1] != value):  # merged cells repeat their text
                cells.append(value)
        if cells:
            rows.append(" | ".join(cells))
    return rows
