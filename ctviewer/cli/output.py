"""What every command shares: exit codes, the archive it works on, JSON and one-line text output.

Kept light (no core imports at module level): every command module imports it, and the parser
is built before any command runs, so whatever this module imports, ``ctviewer search`` pays for.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ctviewer.library import Library

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2

Command = Callable[[argparse.Namespace], int]
# ``add(name, command, help)`` from build_parser: adds a subcommand and returns its parser, to
# which the command module adds its arguments.
AddCommand = Callable[[str, Command, str], argparse.ArgumentParser]


# -- the archive a command works on ------------------------------------------------------------------
def archive_dir(args: argparse.Namespace) -> Path:
    """``--archive`` if given, else ``$CTVIEWER_ARCHIVE`` or the user data folder."""
    from ctviewer.paths import default_archive_dir

    return Path(args.archive).expanduser() if args.archive else default_archive_dir()


def open_library(
    args: argparse.Namespace, *, read_only: bool = False, create: bool = False, repair_index: bool = True
) -> Library:
    """Open the archive for a command (use it as ``with open_library(args) as library:``).
    Only commands that write (import) ``create`` a missing one; ``repair_index=False`` for those
    that do not search (and so must work on an archive whose index is damaged)."""
    from ctviewer.library import Library

    return Library.open(archive_dir(args), read_only=read_only, create=create, repair_index=repair_index)


def add_read_only(parser: argparse.ArgumentParser) -> None:
    """The hidden ``--read-only`` flag of the commands that only read: open the archive as on
    read-only media (no writer lock, nothing written)."""
    parser.add_argument("--read-only", action="store_true", help=argparse.SUPPRESS)


# -- printing ------------------------------------------------------------------------------------
def print_json(value: object) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) made one space."""
    return " ".join(text.split())


def terminal_snippet(snippet: str, bold: bool) -> str:
    """A search snippet's HTML as one line of terminal text, its ``<mark>``-ed words in bold (or
    in brackets when stdout is not a terminal)."""
    import html

    on, off = ("\033[1m", "\033[0m") if bold else ("[", "]")
    marked = snippet.replace("<mark>", "\x01").replace("</mark>", "\x02")
    plain = html.unescape(re.sub(r"<[^>]*>", "", marked))
    plain = "".join(ch for ch in plain if ch in "\x01\x02" or ch.isprintable() or ch == " ")
    return one_line(plain.replace("\x01", on).replace("\x02", off))
