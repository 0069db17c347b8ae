"""Frozen records of backups and recoveries: one backup file, and a restore or salvage the analyst
has not confirmed yet."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

AUTO = "auto"  # the reason of automatic backups
AUTO_INTERVAL = timedelta(minutes=30)  # automatic backups are taken at most this often


def now_utc() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _when(value: object) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else None


@dataclass(frozen=True)
class BackupInfo:
    """One backup file in an archive's ``backups/`` folder."""

    path: Path
    taken_at: datetime  # UTC
    reason: str
    size: int

    @property
    def automatic(self) -> bool:
        return self.reason == AUTO

    def as_json(self) -> dict[str, object]:
        return {
            "path": str(self.path),
            "name": self.path.name,
            "taken_at": self.taken_at.isoformat(),
            "reason": self.reason,
            "size": self.size,
        }


@dataclass(frozen=True)
class PendingRecovery:
    """A restore or salvage the analyst has not confirmed yet (stored in the database's meta)."""

    kind: str  # "restore" or "salvage"
    backup: str | None  # the backup put back (restore)
    backup_taken_at: datetime | None
    done_at: datetime
    undo_backup: str | None  # the database as it was just before, kept as a backup (to undo)

    def as_json(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "backup": self.backup,
            "backup_taken_at": self.backup_taken_at.isoformat() if self.backup_taken_at else None,
            "done_at": self.done_at.isoformat(),
            "undo_backup": self.undo_backup,
        }

    @classmethod
    def parse(cls, value: str) -> PendingRecovery:
        """Read the stored mark; a mark that cannot be read still means "not confirmed"."""
        try:
            data = json.loads(value)
            return cls(
                str(data["kind"]),
                data.get("backup"),
                _when(data.get("backup_taken_at")),
                _when(data["done_at"]) or now_utc(),
                data.get("undo_backup"),
            )
        except (ValueError, KeyError, TypeError):
            return cls("restore", None, None, now_utc(), None)


@dataclass(frozen=True)
class RestoreReport:
    restored: BackupInfo
    safety_backup: Path | None  # the current database, backed up first (when it was readable)
    damaged_copy: Path | None  # the current database, moved aside (when it was damaged)

    def as_json(self) -> dict[str, object]:
        return {
            "restored": self.restored.as_json(),
            "safety_backup": str(self.safety_backup) if self.safety_backup else None,
            "damaged_copy": str(self.damaged_copy) if self.damaged_copy else None,
        }


@dataclass
class TableSalvage:
    table: str
    expected: int | None  # rows the damaged file claims (None when even counting failed)
    recovered: int = 0
    unreadable_rows: int = 0  # single row ids whose page could not be read
    invalid_rows: int = 0  # rows read but refused by the schema (a damaged value)
    dropped: int = 0  # recovered rows removed because what they point at was lost
    error: str | None = None  # why the table could not be read at all

    @property
    def lost(self) -> int | None:
        if self.expected is None:
            return None
        return max(self.expected - self.recovered + self.dropped, 0)

    def as_json(self) -> dict[str, object]:
        return {
            "table": self.table,
            "expected": self.expected,
            "recovered": self.recovered - self.dropped,
            "lost": self.lost,
            "error": self.error,
        }


@dataclass
class SalvageReport:
    """Filled in table by table while a salvage runs (so not frozen)."""

    tables: list[TableSalvage] = field(default_factory=list)
    orphaned_annotations: int = 0

    def table(self, name: str) -> TableSalvage:
        return next(t for t in self.tables if t.table == name)

    @property
    def complete(self) -> bool:
        return all(t.error is None and t.lost == 0 for t in self.tables)


@dataclass(frozen=True)
class SalvageOutcome:
    report: SalvageReport
    damaged_copy: Path  # where the damaged database was moved (recovery/...)
    safety_backup: Path | None  # a backup of it, when it was still readable enough to copy

    def as_json(self) -> dict[str, object]:
        return {
            "complete": self.report.complete,
            "damaged_copy": str(self.damaged_copy),
            "orphaned_annotations": self.report.orphaned_annotations,
            "tables": [t.as_json() for t in self.report.tables],
        }
