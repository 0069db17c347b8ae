"""The command line: ``ctviewer [--archive DIR] COMMAND ...``.

A composition root like ``app.py``: it parses arguments, opens the library and prints.
Command modules are imported lazily so that quick commands (``search``) never pay for
the readers, spaCy or Qt.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ctviewer import __version__
from ctviewer.errors import KnownError

if TYPE_CHECKING:
    from ctviewer.library import Library

EXIT_OK, EXIT_FAILED, EXIT_ERROR = 0, 1, 2


def _archive_dir(args: argparse.Namespace) -> Path:
    from ctviewer.paths import default_archive_dir

    return Path(args.archive).expanduser() if args.archive else default_archive_dir()


def _open(args: argparse.Namespace, *, read_only: bool = False, create: bool = False) -> Library:
    """Open the archive; only commands that write (import) create a missing one."""
    from ctviewer.library import Library

    return Library.open(_archive_dir(args), read_only=read_only, create=create)


def _print_json(value: object) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


# -- commands -----------------------------------------------------------------------------
def cmd_import(args: argparse.Namespace) -> int:
    from ctviewer.domain import ImportOutcome
    from ctviewer.progress import TerminalProgress

    library = _open(args, create=True)
    bar = TerminalProgress("importing")

    def show(outcome: ImportOutcome) -> None:
        if args.json:
            return
        bar.finish()
        if outcome.status == "failed":
            line = f"failed     {outcome.path}: {outcome.reason}"
        else:
            line = f"{outcome.status:<10} #{outcome.document_id:<6} {outcome.path}"
            if outcome.warnings:
                line += "  (" + "; ".join(outcome.warnings) + ")"
        print(line, flush=True)

    try:
        report = library.import_paths([Path(p) for p in args.paths], progress=bar, on_outcome=show)
    finally:
        bar.finish()
        library.close()
    if args.json:
        _print_json(report.to_json())
    else:
        print(
            f"{len(report.of('imported'))} imported, {len(report.of('duplicate'))} duplicates, "
            f"{len(report.of('failed'))} failed",
            file=sys.stderr,
        )
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_docs(args: argparse.Namespace) -> int:
    library = _open(args, read_only=args.read_only)
    try:
        docs = library.documents(sort=args.sort, descending=args.desc, limit=args.limit)
    finally:
        library.close()
    if args.json:
        _print_json([
            {"id": d.id, "title": d.title, "date": d.date, "source_path": d.source_path, "sha256": d.sha256,
             "pages": d.pages, "language": d.language, "file_type": d.file_type, "place": d.place,
             "warnings": list(d.warnings)}
            for d in docs
        ])
    else:
        for d in docs:
            print(f"{d.id:>6}  {d.date or '----------':<10}  {d.file_type:<4}  {_one_line(d.title)[:90]}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    library = _open(args, read_only=args.read_only)
    try:
        record = library.document(args.id)
    finally:
        library.close()
    s = record.summary
    text = record.raw_text if args.raw else record.text
    if args.json:
        _print_json({
            "id": s.id, "title": s.title, "date": s.date, "place": s.place, "language": s.language,
            "pages": s.pages, "sha256": s.sha256, "source_path": s.source_path, "file_type": s.file_type,
            "size_bytes": s.size_bytes, "imported_at": s.imported_at, "encoding": record.encoding,
            "truncated": record.truncated, "warnings": list(s.warnings), "extra": dict(record.extra),
            "page_spans": [{"page": p.page, "start": p.start, "end": p.end} for p in record.page_spans],
            "text": text,
        })
        return EXIT_OK
    print(f"Title:    {_one_line(s.title)}")
    for label, value in (("Date", s.date), ("Place", s.place), ("Language", s.language), ("Pages", s.pages),
                         ("Type", s.file_type), ("Source", s.source_path), ("SHA-256", s.sha256),
                         ("Imported", s.imported_at)):
        if value is not None:
            print(f"{label + ':':<10}{value}")
    for warning in s.warnings:
        print(f"Warning:  {warning}")
    print()
    print(text)
    return EXIT_OK


def cmd_search(args: argparse.Namespace) -> int:
    library = _open(args, read_only=args.read_only)
    try:
        result = library.search(args.query, limit=args.limit, facets=args.facets)
    finally:
        library.close()
    if args.json:
        out: dict[str, object] = {
            "query": result.query, "total": result.total,
            "hits": [{"id": h.id, "title": h.title, "date": h.date, "score": round(h.score, 4),
                      "snippet": h.snippet} for h in result.hits],
        }
        if result.suggestion:
            out["suggestion"] = result.suggestion
        if args.facets:
            out["facets"] = {name: [{"value": v, "count": c} for v, c in pairs]
                             for name, pairs in result.facets.items()}
        _print_json(out)
        return EXIT_OK
    print(f"{result.total} documents match {result.query!r}")
    if result.suggestion:
        print(f"Did you mean: {result.suggestion}")
    bold = sys.stdout.isatty()
    for rank, hit in enumerate(result.hits, 1):
        print(f"\n{rank:>3}. #{hit.id}  {hit.date or ''}  {_one_line(hit.title)}  (score {hit.score:.2f})")
        print("     " + _terminal_snippet(hit.snippet, bold))
    for name, pairs in result.facets.items():
        if pairs:
            print(f"\n{name}: " + ", ".join(f"{_one_line(v)} ({c})" for v, c in pairs[:10]))
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace) -> int:
    from ctviewer.progress import TerminalProgress

    library = _open(args)
    bar = TerminalProgress("indexing")
    try:
        count = library.reindex(progress=bar)
    finally:
        bar.finish()
        library.close()
    print(f"re-indexed {count} documents")
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from ctviewer.library import Library

    library = Library.open(_archive_dir(args), repair_index=False, create=False)
    try:
        report = library.check(repair=args.repair)
    finally:
        library.close()
    if args.json:
        _print_json({
            "ok": report.ok,
            "problems": [{"code": p.code, "message": p.message, "repairable": p.repairable}
                         for p in report.problems],
            "repaired": list(report.repaired),
            "notes": list(report.notes),
        })
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
    from ctviewer.paths import sample_archive_dir
    from ctviewer.sample import build_sample

    root = Path(args.archive).expanduser() if args.archive else sample_archive_dir()
    summary = build_sample(root)
    if args.json:
        _print_json(summary)
    else:
        print(f"sample archive: {summary['archive']} ({summary['documents']} documents)")
        print(f"try:  ctviewer --archive '{summary['archive']}' search 'Voronkov'")
    return EXIT_OK


# -- helpers ------------------------------------------------------------------------------
def _one_line(text: str) -> str:
    return " ".join(text.split())


def _terminal_snippet(snippet: str, bold: bool) -> str:
    import html

    on, off = ("\033[1m", "\033[0m") if bold else ("[", "]")
    marked = snippet.replace("<mark>", "\x01").replace("</mark>", "\x02")
    plain = html.unescape(re.sub(r"<[^>]*>", "", marked))
    plain = "".join(ch for ch in plain if ch in "\x01\x02" or ch.isprintable() or ch == " ")
    return _one_line(plain.replace("\x01", on).replace("\x02", off))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ctviewer",
        description="Offline archive viewer for security and counter-terrorism documents.",
    )
    parser.add_argument("--version", action="version", version=f"ctviewer {__version__}")
    parser.add_argument("--archive", metavar="DIR",
                        help="archive folder (default: $CTVIEWER_ARCHIVE or the user data folder)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

    p = add("import", cmd_import, "import files and folders (recursively) into the archive")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    p = add("docs", cmd_docs, "list the documents in the archive")
    p.add_argument("--json", action="store_true")
    p.add_argument("--sort", choices=["id", "title", "date", "imported_at"], default="id")
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--limit", type=int)

    p = add("show", cmd_show, "show a document's metadata and clean text")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.add_argument("--raw", action="store_true", help="show the text as extracted, before cleanup")

    p = add("search", cmd_search, "search the archive (see README for the query syntax)")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.add_argument("--facets", action="store_true", help="also count matches by person, organisation, place, "
                   "year, type and language")

    add("reindex", cmd_reindex, "rebuild the search index from the database")

    p = add("check", cmd_check, "check the archive's health")
    p.add_argument("--json", action="store_true")
    p.add_argument("--repair", action="store_true", help="fix what can be fixed (e.g. re-index)")

    p = add("sample", cmd_sample, "build (or reuse) the sample archive from the bundled documents")
    p.add_argument("--json", action="store_true")

    for name in ("docs", "show", "search"):
        sub.choices[name].add_argument("--read-only", action="store_true", help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return EXIT_OK
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
