"""Putting an archive's database back: restore a backup, or salvage a damaged file.

Both work on a closed archive (they take the writer lock themselves, so no other process is
writing) and leave the index marked for a full rebuild, which the next open performs. The
database they replace is never lost: a readable one is backed up first, a damaged one is
moved into ``recovery/``.

Both also leave the archive *pending confirmation*: automatic backups (and so their rotation)
stay paused until the analyst confirms the archive holds what they expected
(``Library.confirm_recovery``: the app's notice, ``ctviewer confirm-restore``). A wrong backup
restored by mistake therefore cannot start pushing older automatic backups out of rotation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ctviewer.archive.backups import find_backup, list_backups, move_aside, restore_backup, take_backup
from ctviewer.archive.lock import WriterLock
from ctviewer.db import meta
from ctviewer.db.backup import verify_database
from ctviewer.db.salvage import salvage_database
from ctviewer.domain.backups import BackupInfo, PendingRecovery, RestoreReport, SalvageOutcome, now_utc
from ctviewer.errors import ArchiveError
from ctviewer.paths import ArchivePaths


def restore_archive(root: Path, backup_name: str | None = None) -> RestoreReport:
    """Restore the backup called ``backup_name`` (default: the newest good one) into ``root``."""
    paths = _existing(root)
    lock = WriterLock(paths.lock)
    lock.acquire(timeout=2.0)
    try:
        report = restore_backup(paths, find_backup(paths, backup_name))
        pending = PendingRecovery(
            "restore",
            report.restored.path.name,
            report.restored.taken_at,
            now_utc(),
            report.safety_backup.name if report.safety_backup else None,
        )
        _mark(paths, pending)
    finally:
        lock.release()
    return report


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
        _mark(paths, PendingRecovery("salvage", None, None, now_utc(), safety.name if safety else None))
    finally:
        lock.release()
    return SalvageOutcome(report, damaged, safety)


def undo_backup(paths: ArchivePaths, pending: PendingRecovery) -> BackupInfo | None:
    """The backup that undoes ``pending`` (the database as it was just before), if it still exists."""
    return next((b for b in list_backups(paths) if b.path.name == pending.undo_backup), None)


def pending_recovery(paths: ArchivePaths) -> PendingRecovery | None:
    """The unconfirmed restore or salvage of this archive, if any."""
    value = meta.get_direct(paths.db, meta.RECOVERY_PENDING) if paths.db.exists() else None
    return PendingRecovery.parse(value) if value is not None else None


def _mark(paths: ArchivePaths, pending: PendingRecovery) -> None:
    meta.put_direct(paths.db, {meta.INDEX_REBUILD: "1", meta.RECOVERY_PENDING: json.dumps(pending.as_json())})


def _existing(root: Path) -> ArchivePaths:
    paths = ArchivePaths(root)
    if not paths.root.is_dir():
        raise ArchiveError(f"No archive at {paths.root}.")
    if not os.access(paths.root, os.W_OK):
        raise ArchiveError(f"The archive folder {paths.root} is read-only: nothing can be restored into it.")
    return paths
