"""Frozen records of the entity layer (people, organisations, places), shared by all layers.

No SQLAlchemy, Whoosh or Qt here, so the UI can
import them. Queries in ``ctviewer.db.entities`` build them; the library returns them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EntityType = Literal["person", "organisation", "place"]
ENTITY_TYPES: tuple[EntityType, ...] = ("person", "organisation", "place")
EntitySort = Literal["name", "mentions", "documents"]
CorrectionKind = Literal["merge", "split", "rename", "retype", "reject", "alias", "dismiss"]


@dataclass(frozen=True)
class EntitySummary:
    """One row of an entity list: counts only (no aliases, roles or documents)."""

    id: int
    type: EntityType
    name: str
    mentions: int
    documents: int


@dataclass(frozen=True)
class RoleSummary:
    """A title a person holds, with the organisation (resolved entity or the text as written)."""

    title: str
    organisation: str | None
    organisation_id: int | None = None


@dataclass(frozen=True)
class EntityRecord:
    """An entity with its aliases, the documents it is mentioned in and its distinct roles."""

    id: int
    type: EntityType
    name: str
    aliases: tuple[str, ...]
    documents: tuple[int, ...]
    mentions: int
    roles: tuple[RoleSummary, ...] = ()
    gazetteer_id: str | None = None


@dataclass(frozen=True)
class EntityDocument:
    """A document an entity is mentioned in, with how often."""

    id: int
    title: str
    date: str | None
    mentions: int


@dataclass(frozen=True)
class MentionRecord:
    """A mention with keyword-in-context: ``context`` is the text from ``context_start`` (the
    sentence, cut to a window around the mention when the sentence is long, at word
    boundaries). ``cut_left``/``cut_right`` say the sentence goes on beyond the context:
    :attr:`left` and :attr:`right` then show an ellipsis there."""

    id: int
    entity_id: int
    document_id: int
    start: int
    end: int
    text: str
    context: str
    context_start: int
    cut_left: bool = False
    cut_right: bool = False

    @property
    def left(self) -> str:
        return ("\u2026 " if self.cut_left else "") + self.context[: self.start - self.context_start]

    @property
    def keyword(self) -> str:
        return self.context[self.start - self.context_start : self.end - self.context_start]

    @property
    def right(self) -> str:
        return self.context[self.end - self.context_start :] + (" \u2026" if self.cut_right else "")


@dataclass(frozen=True)
class DocumentMention:
    """An entity's span in one document's text (what the reader highlights)."""

    id: int
    start: int
    end: int
    entity_id: int
    type: str
    name: str


@dataclass(frozen=True)
class DatedRole:
    """A role as one document states it (for "roles over time")."""

    title: str
    organisation: str | None
    organisation_id: int | None
    document_id: int
    date: str | None


@dataclass(frozen=True)
class Cooccurrence:
    """Another entity met together with the one asked about: ``count`` documents (or sentences)."""

    id: int
    type: EntityType
    name: str
    count: int


@dataclass(frozen=True)
class SuggestionRecord:
    """Two entities that may be the same, with the sentences behind the suggestion."""

    id: int
    a: int
    a_name: str
    b: int
    b_name: str
    type: EntityType
    score: float
    reason: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class EntityChange:
    """What a write changed, so each pane refreshes only what it shows."""

    entities: tuple[int, ...] = ()
    documents: tuple[int, ...] = ()
    created: int | None = None
    deleted: tuple[int, ...] = ()


@dataclass(frozen=True)
class ExtractionReport:
    """Outcome of an extraction run."""

    documents: int = 0
    mentions: int = 0
    entities_created: int = 0
    seconds: float = 0.0
    cancelled: bool = False
