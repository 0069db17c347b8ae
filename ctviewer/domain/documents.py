"""Frozen records of documents: what a reader extracts, a row of the documents list, a whole document."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

FileType = Literal["txt", "md", "html", "pdf", "docx"]


@dataclass(frozen=True)
class PageSpan:
    """Characters ``[start, end)`` of a document's clean text come from ``page`` (1-based)."""

    page: int
    start: int
    end: int


@dataclass(frozen=True)
class ExtractedText:
    """What a reader gives back for one file: clean text plus the metadata found in it."""

    text: str
    raw_text: str
    file_type: FileType
    title: str | None = None
    date: str | None = None
    place: str | None = None
    language: str | None = None
    pages: int | None = None
    page_spans: tuple[PageSpan, ...] = ()
    encoding: str | None = None
    warnings: tuple[str, ...] = ()
    truncated: bool = False
    extra: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class DocumentSummary:
    """One row of the documents list (no text)."""

    id: int
    title: str
    date: str | None
    source_path: str
    sha256: str
    pages: int | None
    language: str | None
    file_type: str
    size_bytes: int
    imported_at: str
    place: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class DocumentRecord:
    """A document with its clean and original text."""

    summary: DocumentSummary
    text: str
    raw_text: str
    page_spans: tuple[PageSpan, ...] = ()
    encoding: str | None = None
    truncated: bool = False
    extra: tuple[tuple[str, str], ...] = ()

    @property
    def id(self) -> int:
        return self.summary.id

    def page_at(self, offset: int) -> int | None:
        """The page number holding character ``offset`` of the clean text, if known."""
        for span in self.page_spans:
            if span.start <= offset < span.end:
                return span.page
        return None
