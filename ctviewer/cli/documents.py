"""Commands on documents: ``import``, ``docs``, ``show``, ``delete``, ``reindex``, ``reextract``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ctviewer.cli.entities import print_extraction
from ctviewer.cli.output import EXIT_FAILED, EXIT_OK, add_read_only, one_line, open_library, print_json

if TYPE_CHECKING:
    from ctviewer.cli.output import AddCommand


def register(add: AddCommand) -> None:
    """Add the document commands to the parser (``add`` is ``build_parser``'s helper)."""
    p = add("import", cmd_import, "import files and folders (recursively) into the archive")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--json", action="store_true", help="print the report as JSON")

    p.add_argument(
        "--defer-extraction",
        action="store_true",
        help="leave people/organisations/places for a later `ctviewer extract`",
    )

    p = add("docs", cmd_docs, "list the documents in the archive")
    p.add_argument("--json", action="store_true")
    p.add_argument("--sort", choices=["id", "title", "date", "imported_at"], default="id")
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--limit", type=int)
    add_read_only(p)

    p = add("show", cmd_show, "show a document's metadata and clean text")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.add_argument("--raw", action="store_true", help="show the text as extracted, before cleanup")
    add_read_only(p)

    p = add("delete", cmd_delete, "remove documents from the archive (a backup is taken first)")
    p.add_argument("ids", type=int, nargs="+", metavar="ID")
    p.add_argument("--json", action="store_true")

    add("reindex", cmd_reindex, "rebuild the search index from the database")

    p = add("reextract", cmd_reextract, "read documents' originals again; annotations are re-anchored")
    p.add_argument("ids", type=int, nargs="*", metavar="ID", help="documents (default: all)")
    p.add_argument(
        "--defer-extraction",
        action="store_true",
        help="leave people/organisations/places for a later `ctviewer extract`",
    )


def cmd_import(args: argparse.Namespace) -> int:
    from ctviewer.cli.progress import TerminalProgress
    from ctviewer.domain.imports import ImportOutcome

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

    extracted = None
    with open_library(args, create=True) as library, bar:
        report = library.import_paths([Path(p) for p in args.paths], progress=bar, on_outcome=show)
        bar.finish()
        if library.index_segments() > 8:  # a bulk import left many index segments: merge them once
            library.optimize_index()
        if not args.defer_extraction and not report.cancelled and library.pending_extraction():
            # Finish what this import (or an interrupted earlier one) left waiting for extraction.
            with TerminalProgress("extracting entities") as extracting:  # cleared before the summary
                extracted = library.extract(progress=extracting)
    if args.json:
        print_json(report.to_json())
    else:
        print(
            f"{len(report.of('imported'))} imported, {len(report.of('duplicate'))} duplicates, "
            f"{len(report.of('failed'))} failed",
            file=sys.stderr,
        )
        if extracted is not None:
            print_extraction(extracted)
    return EXIT_OK if report.ok else EXIT_FAILED


def cmd_docs(args: argparse.Namespace) -> int:
    with open_library(args, read_only=args.read_only) as library:
        docs = library.documents(sort=args.sort, descending=args.desc, limit=args.limit)
    if args.json:
        print_json(
            [
                {
                    "id": d.id,
                    "title": d.title,
                    "date": d.date,
                    "source_path": d.source_path,
                    "sha256": d.sha256,
                    "pages": d.pages,
                    "language": d.language,
                    "file_type": d.file_type,
                    "place": d.place,
                    "warnings": list(d.warnings),
                }
                for d in docs
            ]
        )
    else:
        for d in docs:
            print(f"{d.id:>6}  {d.date or '----------':<10}  {d.file_type:<4}  {one_line(d.title)[:90]}")
    return EXIT_OK


def cmd_show(args: argparse.Namespace) -> int:
    with open_library(args, read_only=args.read_only) as library:
        record = library.document(args.id)
    s = record.summary
    text = record.raw_text if args.raw else record.text
    if args.json:
        print_json(
            {
                "id": s.id,
                "title": s.title,
                "date": s.date,
                "place": s.place,
                "language": s.language,
                "pages": s.pages,
                "sha256": s.sha256,
                "source_path": s.source_path,
                "file_type": s.file_type,
                "size_bytes": s.size_bytes,
                "imported_at": s.imported_at,
                "encoding": record.encoding,
                "truncated": record.truncated,
                "warnings": list(s.warnings),
                "extra": dict(record.extra),
                "page_spans": [{"page": p.page, "start": p.start, "end": p.end} for p in record.page_spans],
                "text": text,
            }
        )
        return EXIT_OK
    print(f"Title:    {one_line(s.title)}")
    for label, value in (
        ("Date", s.date),
        ("Place", s.place),
        ("Language", s.language),
        ("Pages", s.pages),
        ("Type", s.file_type),
        ("Source", s.source_path),
        ("SHA-256", s.sha256),
        ("Imported", s.imported_at),
    ):
        if value is not None:
            print(f"{label + ':':<10}{value}")
    for warning in s.warnings:
        print(f"Warning:  {warning}")
    print()
    print(text)
    return EXIT_OK


def cmd_delete(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        deleted = library.delete_documents(args.ids)
        backup = library.backups()[0]
    if args.json:
        print_json({"deleted": args.ids, "backup": str(backup.path)})
    else:
        print(
            f"deleted {deleted} documents (a backup was taken first: {backup.path.name}); "
            "their annotations come back if the files are imported again"
        )
    return EXIT_OK


def cmd_reindex(args: argparse.Namespace) -> int:
    from ctviewer.cli.progress import TerminalProgress

    with open_library(args) as library, TerminalProgress("indexing") as bar:
        count = library.reindex(progress=bar)
    print(f"re-indexed {count} documents")
    return EXIT_OK


def cmd_reextract(args: argparse.Namespace) -> int:
    from ctviewer.cli.progress import TerminalProgress

    with open_library(args) as library:
        report = library.reextract(args.ids or None)
        if report.changed and not args.defer_extraction:
            with TerminalProgress("extracting entities") as extracting:
                library.extract(progress=extracting)
    print(
        f"{len(report.changed)} documents changed, {len(report.unchanged)} unchanged, {len(report.failed)} failed; "
        f"annotations: {report.count('kept')} kept, {report.count('moved')} moved, {report.count('fuzzy')} "
        f"re-attached approximately, {report.count('orphaned')} orphaned"
    )
    for doc_id, reason in report.failed:
        print(f"  #{doc_id}: {reason}", file=sys.stderr)
    return EXIT_FAILED if report.failed else EXIT_OK
