"""Readers: bytes of a file in, clean text and metadata out (:class:`ExtractedText`).

Cheap to import: the heavy parsers (pdfium, trafilatura, python-docx, the language
identifier) are loaded only when a file of their kind is read.
"""

from __future__ import annotations

from pathlib import Path

from ctviewer.domain import ExtractedText, FileType
from ctviewer.errors import RejectedFile
from ctviewer.ingest import cleanup, metadata
from ctviewer.ingest.model import Draft
from ctviewer.settings import Limits

SUPPORTED_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".pdf", ".docx"})


def read_document(path: Path, data: bytes, limits: Limits) -> ExtractedText:
    """Read one file. Raises :class:`RejectedFile` with a one-line reason for bad input."""
    if not data.strip():
        raise RejectedFile("empty file")
    suffix = path.suffix.lower()
    draft = _read(suffix, data, limits)
    return finish(draft, path, limits)


def _read(suffix: str, data: bytes, limits: Limits) -> Draft:
    if suffix in (".txt", ".text", ".md", ".markdown"):
        from ctviewer.ingest.text import read_text

        return read_text(data, markdown=suffix in (".md", ".markdown"))
    if suffix in (".html", ".htm", ".xhtml"):
        from ctviewer.ingest.sniff import binary_kind

        kind = binary_kind(data)
        if kind:
            raise RejectedFile(f"binary content, not HTML (looks like {kind})")
        from ctviewer.ingest.html import read_html

        return read_html(data)
    if suffix == ".pdf":
        from ctviewer.ingest.pdf import read_pdf

        return read_pdf(data, limits)
    if suffix == ".docx":
        from ctviewer.ingest.docx import read_docx

        return read_docx(data, limits)
    raise RejectedFile(f"unsupported file type ({suffix or 'no extension'})")


def finish(draft: Draft, path: Path, limits: Limits) -> ExtractedText:
    """Cap, clean and describe a reader's draft."""
    warnings = list(draft.warnings)
    truncated = False
    raw = draft.raw_text
    if len(raw) > limits.max_text_chars:
        raw, truncated = raw[: limits.max_text_chars], True
        warnings.append(f"text truncated at {limits.max_text_chars:,} characters")
    page_spans: tuple = ()
    if draft.pages is not None:
        pages = _cap_pages(draft.pages, limits.max_text_chars)
        text, page_spans = cleanup.clean_pages(pages)
    else:
        body = draft.body if draft.body is not None else raw
        body = body[: limits.max_text_chars]
        # Paragraphs already known (HTML, DOCX): only characters and blank lines are cleaned.
        text = _collapse_blank_lines(cleanup.normalise_chars(body)) if draft.prewrapped else cleanup.clean_text(body)
    if not text.strip() and "no text layer (scanned?)" not in warnings:
        if draft.file_type == "pdf":
            warnings.append("no text layer (scanned?)")
        else:
            raise RejectedFile("no text found in the file")
    date, date_span = metadata.find_date(text)
    place = draft.place or metadata.find_place(text, date_span)
    if date is None and draft.meta_date:
        date = _iso_prefix(draft.meta_date)
    title = metadata.meaningful_title(draft.title, path.stem) or metadata.title_from_text(text)
    return ExtractedText(
        text=text, raw_text=raw, file_type=_file_type(draft.file_type), title=title, date=date, place=place,
        language=metadata.detect_language(text), pages=len(draft.pages) if draft.pages is not None else None,
        page_spans=page_spans, encoding=draft.encoding, warnings=tuple(dict.fromkeys(warnings)),
        truncated=truncated, extra=tuple(sorted(draft.extra.items())),
    )


def _file_type(name: str) -> FileType:
    return name if name in ("txt", "md", "html", "pdf", "docx") else "txt"  # type: ignore[return-value]


def _cap_pages(pages: list[str], limit: int) -> list[str]:
    out, used = [], 0
    for page in pages:
        if used >= limit:
            break
        out.append(page[: limit - used])
        used += len(page)
    return out


def _collapse_blank_lines(text: str) -> str:
    import re

    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _iso_prefix(value: str) -> str | None:
    import re

    m = re.match(r"(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if not m:
        return None
    return metadata.valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
