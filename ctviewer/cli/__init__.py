"""The command line: ``ctviewer [--archive DIR] COMMAND ...``; with no command, the desktop app.

A composition root like ``ui/app.py``: it builds the parser from the command modules, one per
noun, and runs the chosen command. To add a command, write its ``cmd_*`` function and add it with
its arguments in a module's ``register(add)`` (or write a new module and register it in
:func:`build_parser`). Every command module is imported to build the parser, so they import only the standard library
and ``cli.output`` at module level; the core (``ctviewer.library``), the readers, spaCy and Qt
are imported inside the commands that need them, and quick commands (``search``) never pay for them.
"""

# No ``from __future__ import annotations`` here: it would bind ``annotations`` in this package's
# namespace, where ``from ctviewer.cli import annotations`` must find the command module.
import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from ctviewer import __version__
from ctviewer.cli import annotations, backups, documents, entities, maintenance, search
from ctviewer.cli.output import EXIT_ERROR, EXIT_OK, Command
from ctviewer.errors import KnownError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctviewer",
        description="Offline archive viewer for security and counter-terrorism documents.",
    )
    parser.add_argument("--version", action="version", version=f"ctviewer {__version__}")
    parser.add_argument(
        "--archive", metavar="DIR", help="archive folder (default: $CTVIEWER_ARCHIVE or the user data folder)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Command, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    # One line per command module, in the order ``ctviewer --help`` lists their commands.
    documents.register(add)
    search.register(add)
    maintenance.register(add)
    entities.register(add)
    annotations.register(add)
    backups.register(add)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        # No command: the desktop app (Qt is imported only now, so commands stay quick).
        from ctviewer.cli.desktop import run_app

        return run_app(Path(args.archive) if args.archive else None)
    try:
        return int(args.func(args))
    except KnownError as exc:
        print(f"ctviewer: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("ctviewer: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK


if __name__ == "__main__":
    raise SystemExit(main())
