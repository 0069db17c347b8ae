"""Commands on the archive as a whole: ``check`` (health, with ``--repair``) and ``sample`` (build the
sample archive, optionally opening it in the desktop app)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ctviewer.cli.output import EXIT_FAILED, EXIT_OK, open_library, print_json
from ctviewer.errors import DamagedArchiveError

if TYPE_CHECKING:
    from ctviewer.cli.output import AddCommand


def register(add: AddCommand) -> None:
    """Add the archive-wide commands to the parser (``add`` is ``build_parser``'s helper)."""
    p = add("check", cmd_check, "check the archive's health")
    p.add_argument("--json", action="store_true")
    p.add_argument("--repair", action="store_true", help="fix what can be fixed (e.g. re-index)")

    p = add("sample", cmd_sample, "build (or reuse) the sample archive from the bundled documents")
    p.add_argument("--json", action="store_true")
    p.add_argument("--open", action="store_true", help="then open it in the desktop app")


def cmd_check(args: argparse.Namespace) -> int:
    from ctviewer.domain.checks import CheckReport, Problem

    try:
        with open_library(args, repair_index=False) as library:
            report = library.check(repair=args.repair)
    except DamagedArchiveError as exc:  # damage SQLite reports before the checks can
        report = CheckReport(problems=(Problem("db-damaged", str(exc)),))
    if args.json:
        print_json(
            {
                "ok": report.ok,
                "problems": [
                    {"code": p.code, "message": p.message, "repairable": p.repairable} for p in report.problems
                ],
                "repaired": list(report.repaired),
                "notes": list(report.notes),
            }
        )
    else:
        for line in report.repaired:
            print(f"repaired: {line}")
        for p in report.problems:
            print(f"PROBLEM: {p.message}" + ("  (ctviewer check --repair fixes this)" if p.repairable else ""))
        for note in report.notes:
            print(f"note: {note}")
        print("archive is healthy" if report.ok else "archive has problems")
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_sample(args: argparse.Namespace) -> int:
    from ctviewer.cli.progress import TerminalProgress
    from ctviewer.paths import sample_archive_dir
    from ctviewer.sample import build_sample

    root = Path(args.archive).expanduser() if args.archive else sample_archive_dir()
    with TerminalProgress("building the sample archive") as bar:
        summary = build_sample(root, progress=bar)
    if args.json:
        print_json(summary)
    else:
        print(
            f"sample archive: {summary['archive']} ({summary['documents']} documents, "
            f"{summary['entities']} people, organisations and places)"
        )
        if not args.open:
            print(f"try:  ctviewer --archive '{summary['archive']}' search 'Voronkov'")
    if args.open:
        from ctviewer.cli.desktop import run_app

        return run_app(Path(str(summary["archive"])))  # the desktop app, on the sample archive
    return EXIT_OK
