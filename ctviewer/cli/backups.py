"""Command-line commands for backups and recovery: ``backup``, ``backups``, ``restore``, ``salvage``,
``confirm-restore``.

``backups``, ``restore`` and ``salvage`` work on a *closed* archive (the functions at the bottom of
``ctviewer.library``): they must not open it first, since its database may be damaged.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from typing import TYPE_CHECKING

from ctviewer.cli.output import EXIT_FAILED, EXIT_OK, archive_dir, open_library, print_json

if TYPE_CHECKING:
    from ctviewer.cli.output import AddCommand
    from ctviewer.domain.backups import BackupInfo, SalvageReport


def register(add: AddCommand) -> None:
    """Add the backup and recovery commands to the parser (``add`` is ``build_parser``'s helper)."""
    p = add("backup", cmd_backup, "back up the archive's database now (into its backups/ folder)")
    p.add_argument("--json", action="store_true")
    p = add("backups", cmd_backups, "list the archive's backups, newest first")
    p.add_argument("--json", action="store_true")
    p = add(
        "restore",
        cmd_restore,
        "put a backup back in place of the database (the current one is backed up or kept first)",
    )
    p.add_argument(
        "backup",
        nargs="?",
        metavar="BACKUP",
        help="a name from `ctviewer backups` or a file (default: the newest good backup)",
    )
    p.add_argument("--json", action="store_true")
    p = add(
        "salvage",
        cmd_salvage,
        "rescue every readable row of a damaged database into a new one (the damaged file is kept)",
    )
    p.add_argument("--json", action="store_true")
    p = add("confirm-restore", cmd_confirm_restore, "accept a restored or salvaged archive: automatic backups resume")
    p.add_argument("--json", action="store_true")


def _local(when: datetime) -> str:
    return when.astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _size(n: int) -> str:
    return f"{n / 1_048_576:.1f} MB" if n >= 1_048_576 else f"{n / 1024:.0f} KB"


def _describe(info: BackupInfo) -> str:
    return f"{info.path.name}  ({_local(info.taken_at)}, {info.reason}, {_size(info.size)})"


def cmd_backup(args: argparse.Namespace) -> int:
    # Backup commands do not search: no index repair on opening (nor in confirm-restore).
    with open_library(args, repair_index=False) as library:
        info = library.backup()
    if args.json:
        print_json(info.as_json())
    else:
        print(f"backed up to {info.path}  ({_size(info.size)})")
    return EXIT_OK


_PAUSED = (
    "automatic backups are paused until you confirm the restored archive holds what you expected: "
    "`ctviewer confirm-restore`"
)


def cmd_backups(args: argparse.Namespace) -> int:
    from ctviewer.library import archive_backups, backups_folder, backups_paused

    root = archive_dir(args)  # listed without opening the archive: its database may be damaged
    backups = archive_backups(root)
    if args.json:
        print_json([b.as_json() for b in backups])
    elif not backups:
        print(f"no backups yet in {backups_folder(root)}")
    else:
        for info in backups:
            print(_describe(info))
    if not args.json and backups_paused(root):
        print(_PAUSED)
    return EXIT_OK


def _reopen(args: argparse.Namespace, quiet: bool, *, lost_texts: bool = False) -> tuple[int, list[int], list[int]]:
    """Open the restored or salvaged archive (migrating it if older) and rebuild its index;
    ``lost_texts``: first read texts a salvage could not rescue back from the originals.
    Returns (documents, texts restored, documents removed)."""
    from ctviewer.cli.progress import TerminalProgress

    with (
        open_library(args, repair_index=False) as library,
        TerminalProgress("rebuilding the search index") as bar,
    ):
        library.repair_index(progress=None if quiet else bar)
        restored, removed = library.restore_lost_texts() if lost_texts else ([], [])
        return library.document_count(), restored, removed


def cmd_restore(args: argparse.Namespace) -> int:
    from ctviewer.library import restore_archive

    report = restore_archive(archive_dir(args), args.backup)
    documents, _, _ = _reopen(args, args.json)
    if args.json:
        print_json({**report.as_json(), "documents": documents, "automatic_backups_paused": True})
        return EXIT_OK
    print(f"restored {_describe(report.restored)}")
    if report.safety_backup:
        print(f"the database as it was before is kept as {report.safety_backup.name} (`ctviewer restore` it to undo)")
    if report.damaged_copy:
        print(f"the damaged database was moved to {report.damaged_copy}")
    print(f"search index rebuilt: {documents} documents")
    print(_PAUSED)
    return EXIT_OK


def cmd_confirm_restore(args: argparse.Namespace) -> int:
    with open_library(args, repair_index=False) as library:
        confirmed = library.confirm_recovery()
    if args.json:
        print_json(
            {"confirmed": confirmed is not None, "recovery": confirmed.as_json() if confirmed is not None else None}
        )
    elif confirmed is None:
        print("nothing to confirm: no restore or salvage is waiting")
    else:
        what = (
            f"the restore of {confirmed.backup}"
            if confirmed.kind == "restore" and confirmed.backup
            else (f"the {confirmed.kind}")
        )
        print(f"confirmed {what}; automatic backups resume")
    return EXIT_OK


def cmd_salvage(args: argparse.Namespace) -> int:
    from ctviewer.library import salvage_archive

    outcome = salvage_archive(archive_dir(args))
    documents, restored, removed = _reopen(args, args.json, lost_texts=True)
    report = outcome.report
    if args.json:
        print_json(
            {
                **outcome.as_json(),
                "complete": _complete(report, removed),
                "documents": documents,
                "texts_reread": restored,
                "documents_removed": removed,
                "automatic_backups_paused": True,
            }
        )
    else:
        for table in report.tables:
            if table.error:
                print(f"{table.table}: not recovered ({table.error})")
            elif table.expected is None:
                print(f"{table.table}: {table.recovered - table.dropped} rows recovered (count unknown)")
            elif table.expected:
                lost = f", {table.lost} lost" if table.lost else ""
                print(f"{table.table}: {table.recovered - table.dropped} of {table.expected} rows recovered{lost}")
        if restored:
            print(f"{len(restored)} documents' texts were read again from their originals")
        if removed:
            print(
                f"{len(removed)} documents had neither text nor original and were removed "
                f"(ids {', '.join(map(str, removed[:10]))}); their annotations come back if the files are "
                "imported again"
            )
        if report.orphaned_annotations:
            print(f"{report.orphaned_annotations} annotations lost their document and are marked orphaned")
        print(f"the damaged database was moved to {outcome.damaged_copy}")
        print(
            "salvage complete: nothing was lost"
            if _complete(outcome.report, removed)
            else "salvage finished: some rows were lost"
        )
        print(f"search index rebuilt: {documents} documents")
        print(_PAUSED)
    return EXIT_OK if _complete(report, removed) else EXIT_FAILED


def _complete(report: SalvageReport, removed: list[int]) -> bool:
    """Nothing lost, counting texts read back from the originals as recovered."""
    return all(t.error is None and (not t.lost or (t.table == "document_texts" and not removed)) for t in report.tables)
