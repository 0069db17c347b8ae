"""Readers: bytes of a file in, clean text and metadata out (:class:`ExtractedText`).

``read_document`` picks the reader by file suffix, after checking that the bytes are what
the name says (a PNG called ``notes.txt`` is refused as binary, a PDF called ``page.html``
too). Each reader fills a :class:`~ctviewer.ingest.model.Draft`; :func:`finish` caps its
length, cleans it (:mod:`.cleanup`) and finds the document's own date, place, title and
language (:mod:`.metadata`).

``read_document_file`` reads from disk instead: text and Markdown files are then decoded
as a stream up to the text limit, so a huge file never has to fit in memory.

Cheap to import: the heavy parsers (pdfium, trafilatura, python-docx, the language
identifier) are loaded only when a file of their kind is read.
"""

from __future__ import annotations

import re
from pathlib import Path

from ctviewer.domain.documents import ExtractedText, FileType, PageSpan
from ctviewer.errors import RejectedFile
from ctviewer.ingest import cleanup, metadata
from ctviewer.ingest.model import Draft
from ctviewer.settings import MB, Limits

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"})

_NO_TEXT_LAYER = "no text layer (scanned?)"
_PEEK = 64 * 1024  # enough to tell an empty (or all-blank) small file from a text


TEXT_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".markdown"})


def read_document(path: Path, data: bytes, limits: Limits) -> ExtractedText:
    """Read one file. Raises :class:`RejectedFile` with a one-line reason for bad input."""
    if not data.strip():
        raise RejectedFile("empty file")
    suffix = path.suffix.lower()
    draft = _read(suffix, data, limits)
    return finish(draft, path, limits)


def read_document_file(path: Path, limits: Limits, *, name: Path | None = None) -> ExtractedText:
    """Read one file from disk; ``name`` (default ``path``) gives the reader and the fallback title.

    Text and Markdown are decoded as a stream and stop at ``limits.max_text_chars``; other
    kinds are read whole (up to ``limits.max_file_bytes``: their parsers need every byte).
    Raises :class:`RejectedFile` for bad input and :class:`OSError` when the file cannot be read.
    """
    name = name or path
    suffix = name.suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        return read_document(name, read_capped(path, limits.max_file_bytes), limits)
    from ctviewer.ingest.text import read_text

    with path.open("rb") as handle:
        if not handle.read(_PEEK).strip() and not handle.read(1):
            raise RejectedFile("empty file")
        draft = read_text(handle, markdown=suffix != ".txt", max_chars=limits.max_text_chars)
    return finish(draft, name, limits)


def read_capped(path: Path, limit: int) -> bytes:
    """The bytes of ``path``, refused once they pass ``limit`` (however large it claimed to be)."""
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise RejectedFile(f"file too large (over the {limit // MB} MB limit)")
    return data


def _read(suffix: str, data: bytes, limits: Limits) -> Draft:
    if suffix in TEXT_SUFFIXES:
        from ctviewer.ingest.text import read_text

        return read_text(data, markdown=suffix != ".txt")  # decode() refuses binary content
    if suffix in (".html", ".htm"):
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
    truncated = draft.truncated
    raw = draft.raw_text
    if len(raw) > limits.max_text_chars:
        raw, truncated = raw[: limits.max_text_chars], True
    page_spans: tuple[PageSpan, ...] = ()
    if draft.pages is not None:
        pages = _cap_pages(draft.pages, limits.max_text_chars)
        truncated = truncated or len(pages) < len(draft.pages) or sum(map(len, pages)) < sum(map(len, draft.pages))
        text, page_spans = cleanup.clean_pages(pages, pdf=draft.file_type == "pdf")
    else:
        body = draft.body if draft.body is not None else draft.raw_text
        if len(body) > limits.max_text_chars:
            body, truncated = body[: limits.max_text_chars], True
        # Paragraphs already known (HTML, DOCX, Markdown): only characters and blank lines are cleaned.
        text = _collapse_blank_lines(cleanup.normalise_chars(body)) if draft.prewrapped else cleanup.clean_text(body)
    if truncated:
        warnings.append(f"text truncated at {limits.max_text_chars:,} characters")
    if len(text) > limits.max_extract_chars:
        warnings.append(
            f"people, organisations and places are looked for in the first {limits.max_extract_chars:,} characters only"
        )
    if not text.strip():
        if draft.file_type == "pdf":
            if _NO_TEXT_LAYER not in warnings:
                warnings.append(_NO_TEXT_LAYER)
        else:
            raise RejectedFile("no text found in the file")
    date, date_span = metadata.find_date(text)
    meta_date = _iso_prefix(draft.meta_date) if draft.meta_date else None
    if meta_date and (draft.meta_date_trusted or date is None):
        date = meta_date
    if date is None:
        date = metadata.date_from_name(path.stem)  # only a year, and only when nothing better is known
    place = draft.place or metadata.find_place(text, date_span)
    title = metadata.meaningful_title(draft.title, path.stem) or metadata.title_from_text(text)
    return ExtractedText(
        text=text,
        raw_text=raw,
        file_type=_file_type(draft.file_type),
        title=title,
        date=date,
        place=place,
        language=metadata.detect_language(text),
        pages=len(draft.pages) if draft.pages is not None else None,
        page_spans=page_spans,
        encoding=draft.encoding,
        warnings=tuple(dict.fromkeys(warnings)),
        truncated=truncated,
        extra=tuple(sorted(draft.extra.items())),
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
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _iso_prefix(value: str) -> str | None:
    m = re.match(r"\s*(\d{4})-(\d{2})(?:-(\d{2}))?", value)
    if not m:
        return None
    return metadata.valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)) if m.group(3) else None)
