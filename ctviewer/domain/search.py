"""Frozen records of the search index: what it stores for a document, and what a search returns."""

from __future__ import annotations

from dataclasses import dataclass, field


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
