"""Backups: taken with the online API while writes go on, rotated, and restored exactly.

A restore must reproduce every annotation and every entity correction byte for byte (the
analyst's work tables are compared row by row), bring the index back in step, and keep the
database it replaced as a backup of its own.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ctviewer.archive import backups
from ctviewer.archive.backups import list_backups, rotate, take_backup
from ctviewer.archive.recovery import restore_archive
from ctviewer.errors import ArchiveError
from ctviewer.library import Library
from ctviewer.paths import ArchivePaths

from ..conftest import run_cli
from ..entities.conftest import doc_id, entity_named, open_fake

# The tables that hold the analyst's work and the entity layer it corrects.
WORK_TABLES = (
    "annotations",
    "annotation_tags",
    "annotation_entities",
    "annotation_colors",
    "entities",
    "entity_aliases",
    "corrections",
    "roles",
    "mentions",
    "documents",
)


def work_digest(db: Path) -> dict[str, tuple[int, str]]:
    """Per table: row count and a hash of every row in rowid order."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        out = {}
        for table in WORK_TABLES:
            rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()
            out[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
        return out
    finally:
        conn.close()


def analyst_work(library: Library) -> None:
    """Annotations (notes, tags, colours, linked entities, one deleted) and corrections of every kind."""
    a = doc_id(library, "a.txt")
    first = library.annotate(
        a,
        quote="Vladimir Voronkov met the OSCE",
        note="Who else **attended**?",
        tags=["meeting", "osce"],
        color="green",
    ).annotations[0]
    library.annotate(doc_id(library, "b.txt"), quote="Zhang Ming spoke", note="SCO position", tags=["sco"])
    gone = library.annotate(doc_id(library, "c.txt"), quote="Natalia Gherman", note="to delete").annotations[0]
    library.delete_annotation(gone)
    library.edit_annotation(first, note="Who else attended? Check the OSCE list.")
    library.rename_annotation_color("purple", "Follow up")
    library.merge(
        [
            entity_named(library, "Organization for Security and Co-operation in Europe"),
            entity_named(library, "Acme Group"),
        ]
    )
    library.rename(entity_named(library, "Vladimir Voronkov"), "Vladimir I. Voronkov")
    library.retype(entity_named(library, "Jordan"), "person")
    library.reject(entity_named(library, "Regional Cooperation"))
    library.alias(entity_named(library, "Zhang Ming"), "Ming Zhang")


def later_changes(library: Library) -> None:
    """What happens after the backup and must be undone by the restore."""
    notes = library.annotations()
    library.edit_annotation(notes[0].id, note="changed after the backup")
    library.annotate(doc_id(library, "c.txt"), quote="Acme Group", note="added after the backup")
    library.rename(entity_named(library, "Zhang Ming"), "Zhang M.")
    library.delete_documents([doc_id(library, "b.txt")])


def test_restore_reproduces_every_annotation_and_correction(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    library = open_fake(root)
    analyst_work(library)
    before = work_digest(library.archive.paths.db)
    assert before["annotations"][0] == 3 and before["corrections"][0] >= 5
    taken = library.backup()
    later_changes(library)
    assert work_digest(library.archive.paths.db) != before
    # The bulk delete took its own backup first.
    assert [b.reason for b in library.backups()][:2] == ["before-delete", "manual"]
    library.close()

    report = restore_archive(root, taken.path.name)
    assert report.restored.path == taken.path and report.safety_backup is not None
    library = Library.open(root)  # rebuilds the index (the restore marked it)
    try:
        assert work_digest(library.archive.paths.db) == before
        assert library.index.problem() is None and library.check().ok
        assert library.search("attended").total == 1
        assert library.search('"added after the backup"').total == 0
        assert library.search("Zhang").total == 1  # document b is back
        assert [c.label for c in library.annotation_colors() if c.name == "purple"] == ["Follow up"]
    finally:
        library.close()

    # The database the restore replaced was kept: restoring it undoes the restore.
    restore_archive(root, report.safety_backup.name)
    library = Library.open(root)
    try:
        notes = {a.note for a in library.annotations()}
        assert "added after the backup" in notes and "changed after the backup" in notes
        assert library.search("Zhang").total == 0
    finally:
        library.close()


def test_backup_during_writes_holds_a_consistent_prefix(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    library = open_fake(root)
    a = doc_id(library, "a.txt")
    stop = threading.Event()
    committed: list[int] = []

    def writer() -> None:
        while not stop.is_set() and len(committed) < 400:
            committed.append(library.annotate(a, start=0, end=8, note=f"note {len(committed)}").annotations[0])

    thread = threading.Thread(target=writer)
    thread.start()
    try:
        while len(committed) < 20:
            threading.Event().wait(0.01)
        acknowledged = len(committed)
        info = take_backup(library.archive.paths, "manual")
    finally:
        stop.set()
        thread.join()
        library.close()
    conn = sqlite3.connect(info.path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        ids = [r[0] for r in conn.execute("SELECT id FROM annotations ORDER BY id")]
        notes = [r[0] for r in conn.execute("SELECT note FROM annotations ORDER BY id")]
    finally:
        conn.close()
    assert len(ids) >= acknowledged  # every commit made before the backup started
    assert ids == committed[: len(ids)]  # and a prefix of the commits, nothing half-written
    assert notes == [f"note {i}" for i in range(len(ids))]


def _fake_auto_backups(paths: ArchivePaths, times: list[datetime]) -> None:
    """Auto backups taken at ``times`` (one real copy, duplicated under each time's name)."""
    model = take_backup(paths, "manual")
    for when in times:
        target = paths.root / "backups" / f"ctviewer-{when.strftime('%Y%m%d-%H%M%S')}-auto.sqlite3"
        shutil.copyfile(model.path, target)
    model.path.unlink()


def test_rotation_keeps_last_daily_weekly_monthly_and_never_reason_backups(tmp_path: Path) -> None:
    library = open_fake(tmp_path / "archive", extract=False)
    paths = library.archive.paths
    library.close()
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    times = [now - timedelta(hours=6 * i) for i in range(4 * 200)]  # every 6 h for 200 days
    _fake_auto_backups(paths, times)
    manual = take_backup(paths, "manual", now=now - timedelta(days=300))
    removed = rotate(paths, now=now)
    kept = list_backups(paths)
    autos = [b.taken_at for b in kept if b.automatic]
    assert manual.path.exists()  # taken for a reason: never rotated away
    assert len(removed) == len(times) - len(autos)
    assert autos[:3] == times[:3]  # the last three
    days = {(t.year, t.month, t.day) for t in autos}
    assert all((d.year, d.month, d.day) in days for d in (now - timedelta(days=i) for i in range(7)))
    weeks = {t.isocalendar()[:2] for t in autos}
    assert all((now - timedelta(weeks=i)).isocalendar()[:2] in weeks for i in range(4))
    months = {(t.year, t.month) for t in autos}
    assert months == {(2026, m) for m in (6, 7, 8, 9, 10, 11)}  # six months (May's tail rotated away)
    assert len(autos) <= backups.KEEP_LAST + backups.KEEP_DAILY + backups.KEEP_WEEKLY + backups.KEEP_MONTHLY
    # Every kept backup beyond the last three is the newest of its day (and so of its week/month).
    for t in autos[3:]:
        assert not any(o > t and (o.year, o.month, o.day) == (t.year, t.month, t.day) for o in times)


def test_rotation_never_deletes_the_last_good_backup(tmp_path: Path) -> None:
    library = open_fake(tmp_path / "archive", extract=False)
    paths = library.archive.paths
    library.close()
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    times = [now - timedelta(days=400)] + [now - timedelta(minutes=30 * i) for i in range(40)]
    _fake_auto_backups(paths, sorted(times, reverse=True))
    oldest = paths.root / "backups" / f"ctviewer-{times[0].strftime('%Y%m%d-%H%M%S')}-auto.sqlite3"
    for info in list_backups(paths):
        if info.path != oldest:
            info.path.write_bytes(b"\0" * 4096)  # every newer backup is damaged
    rotate(paths, now=now)
    assert oldest.exists()
    assert backups.latest_good_backup(paths) is not None


def test_auto_backup_is_skipped_when_too_soon_or_unchanged(tmp_path: Path) -> None:
    library = open_fake(tmp_path / "archive")
    paths = library.archive.paths
    start = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    try:
        first = backups.auto_backup(paths, now=start)
        assert first is not None
        assert backups.auto_backup(paths, now=start + timedelta(minutes=10)) is None  # too soon
        assert backups.auto_backup(paths, now=start + timedelta(hours=2)) is None  # nothing changed
        note = library.annotate(doc_id(library, "a.txt"), quote="Tashkent", note="x").annotations[0]
        second = backups.auto_backup(paths, now=start + timedelta(hours=3))
        assert second is not None
        library.edit_annotation(note, note="edited: same row count, new modified_at")
        assert backups.auto_backup(paths, now=start + timedelta(hours=4)) is not None
        library.rename(entity_named(library, "Zhang Ming"), "Zhang M.")
        assert backups.auto_backup(paths, now=start + timedelta(hours=5)) is not None
    finally:
        library.close()


def test_restore_refuses_a_damaged_backup_and_changes_nothing(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    library = open_fake(root)
    info = library.backup()
    library.close()
    before = work_digest(ArchivePaths(root).db)
    data = bytearray(info.path.read_bytes())
    data[0:100] = b"\0" * 100
    info.path.write_bytes(bytes(data))
    with pytest.raises(ArchiveError, match="nothing was changed"):
        restore_archive(root, info.path.name)
    assert work_digest(ArchivePaths(root).db) == before
    with pytest.raises(ArchiveError, match="No backup called"):
        restore_archive(root, "ctviewer-20000101-000000-manual.sqlite3")


def test_restore_while_another_process_writes_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    library = open_fake(root)
    library.backup()
    try:
        with library.archive.writing():
            done = run_cli("restore", archive=root)
        assert done.returncode == 2 and "Traceback" not in done.stderr
        assert "writing to this archive" in done.stderr
    finally:
        library.close()


def test_cli_backup_backups_restore(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    library = open_fake(root)
    library.annotate(doc_id(library, "a.txt"), quote="Tashkent", note="kept by the backup")
    library.close()
    made = run_cli("backup", "--json", archive=root)
    assert made.returncode == 0, made.stderr
    info = json.loads(made.stdout)
    assert set(info) >= {"path", "name", "taken_at", "reason", "size"} and info["reason"] == "manual"
    listed = json.loads(run_cli("backups", "--json", archive=root).stdout)
    assert [b["name"] for b in listed] == [info["name"]]

    library = Library.open(root)
    library.delete_annotation(library.annotations()[0].id)
    library.close()
    done = run_cli("restore", "--json", archive=root)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["restored"]["name"] == info["name"] and out["documents"] == 3
    assert out["automatic_backups_paused"] is True
    assert Path(out["safety_backup"]).is_file()
    notes = json.loads(run_cli("annotations", "--json", archive=root).stdout)
    assert [n["note"] for n in notes] == ["kept by the backup"]
    text = run_cli("backups", archive=root).stdout
    assert "before-restore" in text and "manual" in text


def test_after_a_restore_automatic_backups_wait_for_the_analyst(tmp_path: Path) -> None:
    """RELIABILITY T11: a restore (perhaps of the wrong backup) must not let automatic backups
    run and rotate older ones away before the analyst has confirmed it."""
    root = tmp_path / "archive"
    library = open_fake(root)
    paths = library.archive.paths
    good = library.backup()
    library.annotate(doc_id(library, "a.txt"), quote="Tashkent", note="after the backup")
    library.close()
    now = datetime.now(UTC)
    old = [now - timedelta(days=d) for d in range(1, 40)]  # 39 daily autos: rotation would thin them
    _fake_auto_backups(paths, old)
    restored = restore_archive(root, good.path.name)
    library = Library.open(root)
    try:
        pending = library.pending_recovery()
        assert pending is not None and pending.kind == "restore" and pending.backup == good.path.name
        assert restored.safety_backup is not None and pending.undo_backup == restored.safety_backup.name
        assert library.undo_backup(pending) is not None
        before = {b.path.name for b in list_backups(paths)}
        library.annotate(doc_id(library, "b.txt"), quote="Zhang Ming", note="a change worth backing up")
        assert backups.paused(paths)
        due = datetime.now(UTC) + timedelta(hours=1)  # past the interval since the before-restore backup
        assert backups.auto_backup(paths, now=due) is None  # due and changed, but paused
        assert library.auto_backup() is None
        assert {b.path.name for b in list_backups(paths)} == before  # nothing taken, nothing rotated
        manual = library.backup()  # an explicit backup is the analyst's own choice: never paused
        assert manual.path.exists()

        confirmed = library.confirm_recovery()
        assert confirmed is not None and confirmed.backup == good.path.name
        assert library.pending_recovery() is None and library.confirm_recovery() is None
        library.annotate(doc_id(library, "c.txt"), quote="Jordan", note="one more")
        assert backups.auto_backup(paths, now=due) is not None  # resumed: taken and rotated
        assert len([b for b in list_backups(paths) if b.automatic]) < len(old)
    finally:
        library.close()


def test_salvage_also_waits_for_confirmation_and_the_cli_confirms(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    open_fake(root).close()
    done = run_cli("salvage", "--json", archive=root)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["automatic_backups_paused"] is True
    assert "automatic backups are paused" in run_cli("backups", archive=root).stdout
    confirmed = run_cli("confirm-restore", "--json", archive=root)
    assert confirmed.returncode == 0, confirmed.stderr
    answer = json.loads(confirmed.stdout)
    assert answer["confirmed"] is True and answer["recovery"]["kind"] == "salvage"
    assert answer["recovery"]["undo_backup"].endswith("-before-salvage.sqlite3")
    assert "paused" not in run_cli("backups", archive=root).stdout
    again = run_cli("confirm-restore", archive=root)
    assert again.returncode == 0 and "nothing to confirm" in again.stdout


def test_a_damaged_pending_mark_still_pauses(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    library = open_fake(root, extract=False)
    paths = library.archive.paths
    library.close()
    from ctviewer.archive.recovery import pending_recovery
    from ctviewer.db import meta

    meta.put_direct(paths.db, {meta.RECOVERY_PENDING: "{not json"})
    pending = pending_recovery(paths)
    assert pending is not None and pending.undo_backup is None
    assert backups.auto_backup(paths) is None and list_backups(paths) == []
