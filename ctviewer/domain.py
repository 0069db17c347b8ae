"""Small frozen records shared by every layer.

Nothing here imports SQLAlchemy, Whoosh or Qt: these are the plain values that cross
layer boundaries (ORM objects never leave a session).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

FileType = Literal["txt", "md", "html", "pdf", "docx"]
EntityType = Literal["person", "organisation", "place"]
ENTITY_TYPES: tuple[EntityType, ...] = ("person", "organisation", "place")


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


ImportStatus = Literal["imported", "duplicate", "failed"]


@dataclass(frozen=True)
class ImportOutcome:
    """What happened to one file of an import."""

    path: str
    status: ImportStatus
    document_id: int | None = None
    reason: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportReport:
    """Outcomes of one import run, in the order files were met."""

    outcomes: tuple[ImportOutcome, ...] = ()
    cancelled: bool = False

    def of(self, status: ImportStatus) -> list[ImportOutcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def ok(self) -> bool:
        return not self.of("failed")

    def to_json(self) -> dict[str, list[dict[str, object]]]:
        return {
            "imported": [{"path": o.path, "id": o.document_id} for o in self.of("imported")],
            "duplicates": [{"path": o.path, "id": o.document_id} for o in self.of("duplicate")],
            "failed": [{"path": o.path, "reason": o.reason} for o in self.of("failed")],
        }


@dataclass(frozen=True)
class IndexEntry:
    """What the search index stores for one document (built from the database)."""

    id: int
    title: str
    body: str
    date: str | None = None
    file_type: str = ""
    language: str | None = None
    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    # Facet values (display names only); None = the searchable names above.
    facet_people: tuple[str, ...] | None = None
    facet_organisations: tuple[str, ...] | None = None
    facet_places: tuple[str, ...] | None = None
    # Annotations (notes and quotes of live annotations; whether the document has any).
    notes: tuple[str, ...] = ()
    annotated: bool = False


@dataclass(frozen=True)
class SearchHit:
    id: int
    score: float
    title: str = ""
    date: str | None = None
    snippet: str = ""


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    hits: tuple[SearchHit, ...] = ()
    suggestion: str | None = None
    facets: dict[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Problem:
    """One finding of ``check``: what is wrong and whether ``--repair`` can fix it."""

    code: str
    message: str
    repairable: bool = False


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[Problem, ...] = ()
    repaired: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems
