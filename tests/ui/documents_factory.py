"""Documents written straight into an archive's database: a 1,000-document archive in a
fraction of a second, and documents with shapes the import pipeline makes rarely (PDF pages,
hostile markup). The index catches up when a Library next opens the archive (it reconciles)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from ctviewer.db import documents
from ctviewer.domain.documents import ExtractedText, PageSpan
from ctviewer.library import Library
from ctviewer.ui.refcount_guard import pin_singletons

pin_singletons()  # PySide6 6.12 on Python 3.11 (see refcount_guard)


def add_document(
    root: Path,
    text: str,
    *,
    title: str,
    name: str,
    date: str | None = None,
    file_type: str = "txt",
    pages: Sequence[str] = (),
) -> int:
    """One document; with ``pages`` the text is their concatenation and page spans are stored."""
    spans: list[PageSpan] = []
    if pages:
        offset = 0
        for number, page in enumerate(pages, 1):
            spans.append(PageSpan(number, offset, offset + len(page)))
            offset += len(page)
        text = "".join(pages)
    return add_documents(
        root, [(title, name, date, text)], file_type=file_type, page_spans=tuple(spans), pages=len(pages) or None
    )[0]


def add_documents(
    root: Path,
    rows: Sequence[tuple[str, str, str | None, str]],
    *,
    file_type: str = "txt",
    page_spans: tuple[PageSpan, ...] = (),
    pages: int | None = None,
) -> list[int]:
    """Documents given as (title, file name, date, text), in one transaction."""
    library = Library.open(root, repair_index=False)
    try:
        ids = []
        with library.archive.db.write() as session:
            for title, name, date, text in rows:
                extracted = ExtractedText(
                    text=text,
                    raw_text=text,
                    file_type=file_type,  # type: ignore[arg-type]
                    date=date,
                    pages=pages,
                    page_spans=page_spans,
                )
                digest = hashlib.sha256(f"{name}\n{text}".encode()).hexdigest()
                ids.append(
                    documents.insert_document(
                        session,
                        extracted,
                        sha256=digest,
                        size_bytes=len(text.encode()),
                        source_path=f"/in/{name}",
                        original_name=name,
                        imported_at="2026-01-01T00:00:00+00:00",
                        title=title,
                    )
                )
        return ids
    finally:
        library.close()
