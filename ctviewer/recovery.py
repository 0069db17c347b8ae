"""Putting an archive's database back: restore a backup, or salvage a damaged file.

Both work on a closed archive (they take the writer lock themselves, so no other process is
writing) and leave the index marked for a full rebuild, which the next open performs. The
database they replace is never lost: a readable one is backed up first, a damaged one is
moved into ``recovery/``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ctviewer.backups import RestoreReport, find_backup, move_aside, restore_backup, take_backup
from ctviewer.db import meta
from ctviewer.db.backup import verify_database
from ctviewer.db.salvage import SalvageReport, salvage_database
from ctviewer.errors import ArchiveError
from ctviewer.lock import WriterLock
from ctviewer.paths import ArchivePaths


def restore_archive(root: Path, backup_name: str | None = None) -> RestoreReport:
    """Restore the backup called ``backup_name`` (default: the newest good one) into ``root``."""
    paths = _existing(root)
    lock = WriterLock(paths.lock)
    lock.acquire(timeout=2.0)
    try:
        report = restore_backup(paths, find_backup(paths, backup_name))
        meta.mark_rebuild(paths.db)
    finally:
        lock.release()
    return report


@dataclass(frozen=True)
class SalvageOutcome:
    report: SalvageReport
    damaged_copy: Path  # where the damaged database was moved (recovery/...)
    safety_backup: Path | None  # a backup of it, when it was still readable enough to copy

    def as_json(self) -> dict[str, object]:
        return {"complete": self.report.complete, "damaged_copy": str(self.damaged_copy),
                "orphaned_annotations": self.report.orphaned_annotations,
                "tables": [t.as_json() for t in self.report.tables]}


def salvage_archive(root: Path) -> SalvageOutcome:
    """Copy every readable row of the archive's database into a new one that takes its place."""
    paths = _existing(root)
    if not paths.db.exists():
        raise ArchiveError(f"No archive database in {paths.root}.")
    lock = WriterLock(paths.lock)
    lock.acquire(timeout=2.0)
    try:
        safety = None
        if verify_database(paths.db) is None:  # a damaged file is kept in recovery/ instead
            safety = take_backup(paths, "before-salvage").path
        target = paths.db.with_name(paths.db.name + ".salvaged")
        report = salvage_database(paths.db, target)
        documents = report.table("documents")
        if documents.recovered == 0 and documents.expected != 0:
            target.unlink(missing_ok=True)
            raise ArchiveError(
                f"Nothing could be rescued from {paths.db} (its table of documents is unreadable). "
                "Nothing was changed; `ctviewer restore` puts back the latest backup."
            )
        problem = verify_database(target)
        if problem:  # never replace the archive with something worse
            target.unlink(missing_ok=True)
            raise ArchiveError(f"Salvage failed: the rescued database {problem}. Nothing was changed.")
        with open(target, "rb+") as handle:
            os.fsync(handle.fileno())
        damaged = move_aside(paths, "damaged")
        target.replace(paths.db)
        meta.mark_rebuild(paths.db)
    finally:
        lock.release()
    return SalvageOutcome(report, damaged, safety)


def _existing(root: Path) -> ArchivePaths:
    paths = ArchivePaths(root)
    if not paths.root.is_dir():
        raise ArchiveError(f"No archive at {paths.root}.")
    if not os.access(paths.root, os.W_OK):
        raise ArchiveError(f"The archive folder {paths.root} is read-only: nothing can be restored into it.")
    return paths
