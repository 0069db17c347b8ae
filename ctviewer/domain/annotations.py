"""Frozen records of the annotation layer, shared by all layers (no SQLAlchemy, Whoosh or Qt).

Queries in ``ctviewer.db.annotations`` build them; the library returns them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

AnnotationSort = Literal["created", "document_date"]
# The palette's colours as CSS (the app paints them, W3C export names them).
CSS_COLORS = {"yellow": "#fff59d", "green": "#a5d6a7", "blue": "#90caf9", "red": "#ef9a9a", "purple": "#ce93d8"}
AnchorMethod = Literal["kept", "moved", "fuzzy", "orphaned"]


@dataclass(frozen=True)
class LinkedEntity:
    id: int
    name: str
    type: str


@dataclass(frozen=True)
class AnnotationRecord:
    """One annotation with its document's citation data (title, date, source) when it has one."""

    id: int
    uid: str
    document_id: int | None
    document_sha256: str
    start: int
    end: int
    quote: str
    prefix: str
    suffix: str
    note: str
    color: str
    tags: tuple[str, ...]
    entities: tuple[LinkedEntity, ...]
    orphaned: bool
    created_at: str
    modified_at: str
    deleted_at: str | None = None
    document_title: str | None = None
    document_date: str | None = None
    document_source: str | None = None

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


@dataclass(frozen=True)
class AnnotationFilter:
    """What the Annotations pane (or ``ctviewer annotations``) shows. Empty fields filter nothing.

    ``text``: every word must occur in the note or the quote (case-insensitive).
    ``created_from``/``created_to`` and ``date_from``/``date_to`` (document date) are ISO prefixes,
    both ends included (``2022`` or ``2022-03``)."""

    document_id: int | None = None
    tag: str | None = None
    color: str | None = None
    entity_id: int | None = None
    orphaned: bool | None = None
    text: str | None = None
    created_from: str | None = None
    created_to: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    deleted: bool = False  # True: only soft-deleted ones (a trash view)


@dataclass(frozen=True)
class AnnotationChange:
    """What a write changed: annotations created/edited, soft-deleted, and the documents touched."""

    annotations: tuple[int, ...] = ()
    documents: tuple[int, ...] = ()
    deleted: tuple[int, ...] = ()
    orphaned: tuple[int, ...] = ()


@dataclass(frozen=True)
class ColorRecord:
    name: str
    label: str


@dataclass(frozen=True)
class TagCount:
    tag: str
    count: int


@dataclass(frozen=True)
class ReanchorOutcome:
    annotation_id: int
    method: AnchorMethod


@dataclass(frozen=True)
class ReextractReport:
    """``Library.reextract``: documents whose text changed, stayed, or could not be read again, and
    what happened to their annotations."""

    changed: tuple[int, ...] = ()
    unchanged: tuple[int, ...] = ()
    failed: tuple[tuple[int, str], ...] = ()
    annotations: tuple[ReanchorOutcome, ...] = ()

    def count(self, method: AnchorMethod) -> int:
        return sum(1 for a in self.annotations if a.method == method)


@dataclass(frozen=True)
class AnnotationImportReport:
    imported: tuple[int, ...] = ()
    duplicates: int = 0
    unmatched_documents: tuple[str, ...] = ()  # sha256 of documents this archive does not hold
    unmatched: int = 0  # annotations on those documents (not imported)
    orphaned: int = 0  # imported, but their passage was not found in the text
    invalid: tuple[str, ...] = ()  # one reason per annotation that was skipped

    def to_json(self) -> dict[str, object]:
        return {
            "imported": list(self.imported),
            "duplicates": self.duplicates,
            "unmatched_documents": list(self.unmatched_documents),
            "unmatched": self.unmatched,
            "orphaned": self.orphaned,
            "invalid": list(self.invalid),
        }
