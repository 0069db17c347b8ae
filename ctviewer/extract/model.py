"""The plain records extraction produces (no spaCy types cross this boundary)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ctviewer.domain.entities import EntityType

MentionSource = Literal["ner", "gazetteer", "propagated", "role"]


@dataclass(frozen=True)
class Mention:
    """One occurrence of a person, organisation or place in a document.

    ``start``/``end`` are character offsets into the document text as given to the extractor
    (``text == clean(document[start:end])``: whitespace and line-break damage inside the span is
    normalised in ``text`` but the offsets always point at the original characters).
    """

    type: EntityType
    start: int
    end: int
    text: str
    sentence_start: int
    sentence_end: int
    role: str | None = None
    role_org: str | None = None
    source: MentionSource = "ner"
    gazetteer_id: str | None = None
