"""Frozen records of an import run: one outcome per file, and the report of the run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

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
class ImportRunSummary:
    id: int
    started_at: str
    finished_at: str | None
    cancelled: bool
    imported: int
    duplicates: int
    failed: int
