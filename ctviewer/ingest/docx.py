"""DOCX files: paragraphs and tables in document order, and the core properties.

A DOCX is a ZIP of XML parts. Before python-docx touches it, the archive's directory is
checked against the limits using the sizes it *declares* (nothing is decompressed), and
every XML part is scanned, within those bounds, for DOCTYPE declarations: Word never
writes them, while entity bombs and external entities need them.
"""

from __future__ import annotations

import io
import re
import zipfile

from ctviewer.errors import RejectedFile
from ctviewer.ingest.model import Draft
from ctviewer.settings import MB, Limits

_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse zip bombs and XML parts with DOCTYPEs without decompressing anything big."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise RejectedFile("not a DOCX file (not a valid ZIP archive)") from exc
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.zip_max_entries:
            raise RejectedFile(f"DOCX has too many parts ({len(infos):,}); possible zip bomb")
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > limits.zip_max_entry_bytes:
                raise RejectedFile(f"DOCX is a zip bomb (a part declares {info.file_size / MB:,.0f} MB uncompressed)")
            if info.compress_size and info.file_size / info.compress_size > limits.zip_max_ratio and \
                    info.file_size > 10 * MB:
                raise RejectedFile("DOCX is a zip bomb (compression ratio "
                                   f"{info.file_size / info.compress_size:,.0f}:1)")
        if total > limits.zip_max_total_bytes:
            raise RejectedFile(f"DOCX is a zip bomb (declares {total / MB:,.0f} MB uncompressed)")
        if "word/document.xml" not in archive.namelist():
            raise RejectedFile("not a DOCX file (no word/document.xml inside)")
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    head = part.read(min(info.file_size, 1 * MB))
                if _DOCTYPE.search(head):
                    raise RejectedFile(f"DOCX part {info.filename} declares a DOCTYPE (possible XXE; refused)")


def read_docx(data: bytes, limits: Limits) -> Draft:
    check_zip(data, limits)
    import docx
    from docx.table import Table

    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises assorted errors on damaged files
        raise RejectedFile(f"damaged DOCX ({type(exc).__name__})") from exc
    blocks: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            blocks.extend(_table_rows(block))
        else:
            text = block.text.strip()
            if text:
                blocks.append(text)
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
