"""Frozen records of documents: what a reader extracts, a row of the documents list, a whole document."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FileType = Literal["txt", "md", "html", "pdf", "docx"]
# The columns the documents list sorts on.
DocumentSort = Literal[
    "id",
    "title",
    "date",
    "file_type",
    "pages",
    "imported_at",
    "size_bytes",
    "source",
    "people",
    "organisations",
    "places",
    "annotations",
]


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


@dataclass(frozen=True)
class DocumentFilter:
    """What the documents table shows: a text filter on title/file name, types, a date range and
    whether the analyst annotated them (None: either way)."""

    text: str = ""
    file_types: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None
    annotated: bool | None = None


@dataclass(frozen=True)
class DocumentRow:
    """One row of the documents table (no text)."""

    id: int
    title: str
    date: str | None
    file_type: str
    pages: int | None
    language: str | None
    source: str
    size_bytes: int
    imported_at: str
    entities: dict[str, int] = field(default_factory=dict)
    annotations: int = 0

    @property
    def people(self) -> int:
        return self.entities.get("person", 0)

    @property
    def organisations(self) -> int:
        return self.entities.get("organisation", 0)

    @property
    def places(self) -> int:
        return self.entities.get("place", 0)
