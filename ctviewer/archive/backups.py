"""Backups of an archive's database: taking, listing, rotating and restoring them.

Backups live in ``<archive>/backups/`` as plain SQLite files named
``ctviewer-YYYYmmdd-HHMMSS-<reason>.sqlite3`` (UTC), written with SQLite's online backup API.

* Automatic backups (reason ``auto``) are taken at most every :data:`AUTO_INTERVAL` and only
  when the database changed since the newest backup; they are rotated Anki-style: the last
  :data:`KEEP_LAST`, plus the newest of each of the last :data:`KEEP_DAILY` days,
  :data:`KEEP_WEEKLY` weeks and :data:`KEEP_MONTHLY` months.
* Backups taken for a reason (``manual``, ``pre-migration-vN``, ``before-restore``,
  ``before-delete``, ``before-salvage``) are never rotated away.
* The newest backup that passes an integrity check is never deleted by rotation.
* After a restore or salvage, automatic backups pause until the analyst confirms the result.

Restoring validates the backup, backs up the current database first (or, if it is damaged,
moves it into ``recovery/``), copies the backup in and marks the index for a rebuild, since
the index must follow the database it was restored from.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from ctviewer.db import meta
from ctviewer.db.backup import backup_database, backup_name, change_signature, copy_into_live, verify_database
from ctviewer.domain.backups import AUTO, AUTO_INTERVAL, BackupInfo, RestoreReport
from ctviewer.errors import ArchiveError
from ctviewer.paths import ArchivePaths

KEEP_LAST = 3
KEEP_DAILY = 7
KEEP_WEEKLY = 4
KEEP_MONTHLY = 6

_NAME = re.compile(r"^ctviewer-(\d{8}-\d{6})(?:\.(\d+))?-([a-z0-9-]+)\.sqlite3$")


def backups_dir(paths: ArchivePaths) -> Path:
    return paths.root / "backups"


def recovery_dir(paths: ArchivePaths) -> Path:
    return paths.root / "recovery"


def list_backups(paths: ArchivePaths) -> list[BackupInfo]:
    """The archive's backups, newest first (files with other names are left alone)."""
    folder = backups_dir(paths)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if not match or not path.is_file():
            continue
        taken = datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
        stat = path.stat()
        # Within one second, the file written last is the newer one.
        found.append(
            (taken, int(match.group(2) or 0), stat.st_mtime_ns, BackupInfo(path, taken, match.group(3), stat.st_size))
        )
    found.sort(key=lambda item: item[:3], reverse=True)
    return [info for *_, info in found]


def take_backup(paths: ArchivePaths, reason: str = "manual", *, now: datetime | None = None) -> BackupInfo:
    """Back up the live database now (online API); returns the new backup."""
    if not re.fullmatch(r"[a-z0-9-]+", reason):
        raise ValueError(f"bad backup reason {reason!r}")
    when = (now or datetime.now(UTC)).replace(microsecond=0)
    folder = backups_dir(paths)
    target = folder / backup_name(reason, when)
    serial = 0
    while target.exists():  # two backups in the same second keep both
        serial += 1
        target = folder / backup_name(reason, when).replace(f"-{reason}.", f".{serial}-{reason}.", 1)
    try:
        backup_database(paths.db, target)
    except OSError as exc:
        raise ArchiveError(f"The backup could not be written to {folder}: {exc.strerror or exc}.") from exc
    return BackupInfo(target, when, reason, target.stat().st_size)


def auto_backup(
    paths: ArchivePaths, *, now: datetime | None = None, interval: timedelta | None = None
) -> BackupInfo | None:
    """Take an automatic backup if one is due and the database changed; then rotate.

    Returns the new backup, or None when skipped (too soon, nothing changed, or paused because
    a restore or salvage has not been confirmed yet: see :mod:`ctviewer.archive.recovery`).
    """
    if paused(paths):
        return None
    now = now or datetime.now(UTC)
    interval = AUTO_INTERVAL if interval is None else interval  # read at call time (tests shorten it)
    existing = list_backups(paths)
    if existing and now - existing[0].taken_at < interval:
        return None
    if existing:
        current = change_signature(paths.db)
        if current is not None and current == change_signature(existing[0].path):
            return None
    info = take_backup(paths, AUTO, now=now)
    rotate(paths, now=now)
    return info


def paused(paths: ArchivePaths) -> bool:
    """True while automatic backups wait for the analyst to confirm a restore or salvage."""
    return meta.get_direct(paths.db, meta.RECOVERY_PENDING) is not None


def rotate(paths: ArchivePaths, *, now: datetime | None = None) -> list[Path]:
    """Delete automatic backups the rotation no longer keeps; returns what was deleted."""
    now = now or datetime.now(UTC)
    backups = list_backups(paths)
    autos = [b for b in backups if b.automatic]
    keep: set[Path] = {b.path for b in autos[:KEEP_LAST]}
    periods_kept: tuple[tuple[Callable[[datetime], tuple[int, ...]], int], ...] = (
        (_day, KEEP_DAILY),
        (_week, KEEP_WEEKLY),
        (_month, KEEP_MONTHLY),
    )
    for key, count in periods_kept:
        newest_per_period: dict[tuple[int, ...], BackupInfo] = {}
        for info in autos:  # newest first, so the first one seen per period is its newest
            newest_per_period.setdefault(key(info.taken_at), info)
        periods = sorted(newest_per_period, reverse=True)[:count]
        keep.update(newest_per_period[p].path for p in periods)
    last_good = latest_good_backup(paths, backups)
    if last_good is not None:
        keep.add(last_good.path)
    removed = []
    for info in autos:
        if info.path not in keep:
            info.path.unlink(missing_ok=True)
            removed.append(info.path)
    return removed


def latest_good_backup(paths: ArchivePaths, backups: list[BackupInfo] | None = None) -> BackupInfo | None:
    """The newest backup that passes an integrity check, or None."""
    for info in backups if backups is not None else list_backups(paths):
        if verify_database(info.path) is None:
            return info
    return None


def _day(when: datetime) -> tuple[int, int, int]:
    return (when.year, when.month, when.day)


def _week(when: datetime) -> tuple[int, int]:
    iso = when.isocalendar()
    return (iso.year, iso.week)


def _month(when: datetime) -> tuple[int, int]:
    return (when.year, when.month)


def find_backup(paths: ArchivePaths, name: str | None) -> BackupInfo:
    """The backup named ``name`` (a file name or path), or the newest good one."""
    backups = list_backups(paths)
    if name is None:
        good = latest_good_backup(paths, backups)
        if good is None:
            raise ArchiveError(f"The archive has no usable backup in {backups_dir(paths)}.")
        return good
    wanted = Path(name).name
    for info in backups:
        if info.path.name == wanted:
            return info
    candidate = Path(name).expanduser()
    if candidate.is_file():
        return BackupInfo(
            candidate.absolute(),
            datetime.fromtimestamp(candidate.stat().st_mtime, UTC),
            "external",
            candidate.stat().st_size,
        )
    raise ArchiveError(f"No backup called {name!r} (see `ctviewer backups`).")


def restore_backup(paths: ArchivePaths, backup: BackupInfo) -> RestoreReport:
    """Put ``backup``'s contents in place of the live database.

    The caller holds the writer lock (or the archive is not open) and rebuilds the index
    afterwards. The live database is never lost: a readable one is backed up first, a damaged
    one is moved into ``recovery/``.
    """
    problem = verify_database(backup.path)
    if problem:
        raise ArchiveError(f"The backup {backup.path.name} {problem}; nothing was changed.")
    if paths.db.exists() and verify_database(paths.db) is None:
        safety = take_backup(paths, "before-restore").path
        copy_into_live(backup.path, paths.db)
        return RestoreReport(backup, safety, None)
    damaged = move_aside(paths, "damaged") if paths.db.exists() else None
    tmp = paths.db.with_name(paths.db.name + ".restoring")
    shutil.copyfile(backup.path, tmp)  # the backup is a closed file: a plain copy is safe
    with open(tmp, "rb+") as handle:
        os.fsync(handle.fileno())
    tmp.replace(paths.db)
    return RestoreReport(backup, None, damaged)


def move_aside(paths: ArchivePaths, why: str) -> Path:
    """Move the database (with its -wal and -shm) into ``recovery/<stamp>-<why>/``; returns the folder."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    folder = recovery_dir(paths) / f"{stamp}-{why}"
    serial = 0
    while folder.exists():
        serial += 1
        folder = recovery_dir(paths) / f"{stamp}.{serial}-{why}"
    folder.mkdir(parents=True)
    for suffix in ("", "-wal", "-shm"):
        source = paths.db.with_name(paths.db.name + suffix)
        if source.exists():
            source.replace(folder / source.name)
    return folder
