"""The command line: ``ctviewer [--archive DIR] COMMAND ...``; with no command, the desktop app.

A composition root like ``app.py``: it parses arguments, opens the library and prints.
Command modules are imported lazily so that quick commands (``search``) never pay for
the readers, spaCy or Qt.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ctviewer import __version__
from ctviewer.cli.output import (
    EXIT_ERROR,
    EXIT_FAILED,
    EXIT_OK,
    one_line,
    open_library,
    print_json,
    terminal_snippet,
)
from ctviewer.errors import DamagedArchiveError, KnownError

if TYPE_CHECKING:
    from ctviewer.domain.annotations import AnnotationRecord
    from ctviewer.domain.entities import EntityChange, EntityRecord, ExtractionReport
    from ctviewer.library import Library


# -- commands -----------------------------------------------------------------------------
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
            extracted = library.extract(progress=TerminalProgress("extracting entities"))
    if args.json:
        print_json(report.to_json())
    else:
        print(
            f"{len(report.of('imported'))} imported, {len(report.of('duplicate'))} duplicates, "
            f"{len(report.of('failed'))} failed",
            file=sys.stderr,
        )
        if extracted is not None:
            _print_extraction(extracted)
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


def cmd_search(args: argparse.Namespace) -> int:
    with open_library(args, read_only=args.read_only) as library:
        result = library.search(args.query, limit=args.limit, facets=args.facets)
    if args.json:
        out: dict[str, object] = {
            "query": result.query,
            "total": result.total,
            "hits": [
                {"id": h.id, "title": h.title, "date": h.date, "score": round(h.score, 4), "snippet": h.snippet}
                for h in result.hits
            ],
        }
        if result.suggestion:
            out["suggestion"] = result.suggestion
        if args.facets:
            out["facets"] = {
                name: [{"value": v, "count": c} for v, c in pairs] for name, pairs in result.facets.items()
            }
        print_json(out)
        return EXIT_OK
    print(f"{result.total} documents match {result.query!r}")
    if result.suggestion:
        print(f"Did you mean: {result.suggestion}")
    bold = sys.stdout.isatty()
    for rank, hit in enumerate(result.hits, 1):
        print(f"\n{rank:>3}. #{hit.id}  {hit.date or ''}  {one_line(hit.title)}  (score {hit.score:.2f})")
        print("     " + terminal_snippet(hit.snippet, bold))
    for name, pairs in result.facets.items():
        if pairs:
            print(f"\n{name}: " + ", ".join(f"{one_line(v)} ({c})" for v, c in pairs[:10]))
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


# -- people, organisations and places ----------------------------------------------------------
def _print_extraction(report: ExtractionReport) -> None:
    state = "cancelled after" if report.cancelled else "extracted entities from"
    print(
        f"{state} {report.documents} documents: {report.mentions} mentions, {report.entities_created} new "
        f"entities ({report.seconds:.1f} s)",
        file=sys.stderr,
    )


def cmd_extract(args: argparse.Namespace) -> int:
    from ctviewer.cli.progress import TerminalProgress

    with open_library(args) as library, TerminalProgress("extracting entities") as bar:
        report = library.extract(all=args.all, progress=bar)
    if args.json:
        print_json(
            {
                "documents": report.documents,
                "mentions": report.mentions,
                "entities_created": report.entities_created,
                "seconds": round(report.seconds, 3),
            }
        )
    else:
        _print_extraction(report)
    return EXIT_OK


def _entity_json(e: EntityRecord) -> dict[str, object]:
    return {
        "id": e.id,
        "type": e.type,
        "name": e.name,
        "aliases": list(e.aliases),
        "documents": list(e.documents),
        "mentions": e.mentions,
        "roles": [{"title": r.title, "organisation": r.organisation} for r in e.roles],
    }


def cmd_entities(args: argparse.Namespace) -> int:
    with open_library(args, read_only=args.read_only) as library:
        summaries = library.entities(
            args.type, sort=args.sort, descending=args.desc, limit=args.limit, offset=args.offset
        )
        records = library.entity_records([e.id for e in summaries]) if args.json else []
    if args.json:
        print_json([_entity_json(e) for e in records])
    else:
        for e in summaries:
            print(f"{e.id:>6}  {e.type:<12}  {e.mentions:>5} mentions  {e.documents:>4} docs  {one_line(e.name)}")
    return EXIT_OK


def cmd_entity(args: argparse.Namespace) -> int:
    with open_library(args, read_only=args.read_only) as library:
        record = library.entity(args.id)
        mentions = library.entity_mentions(args.id, limit=args.limit)
        together = library.cooccurring(args.id)
        roles = library.roles_over_time(args.id) if record.type == "person" else []
    if args.json:
        out = _entity_json(record)
        out["mentions"] = [
            {"document": m.document_id, "start": m.start, "end": m.end, "text": m.text, "context": one_line(m.context)}
            for m in mentions
        ]
        out["cooccurring"] = [{"id": c.id, "name": c.name, "count": c.count} for c in together]
        print_json(out)
        return EXIT_OK
    print(
        f"#{record.id}  {one_line(record.name)}  ({record.type}, {record.mentions} mentions in "
        f"{len(record.documents)} documents)"
    )
    if record.aliases:
        print("Also:     " + "; ".join(one_line(a) for a in record.aliases))
    for r in roles:
        print(
            f"Role:     {r.date or '----------'}  {r.title}"
            + (f", {r.organisation}" if r.organisation else "")
            + f"  (document {r.document_id})"
        )
    if together:
        print("With:     " + ", ".join(f"{one_line(c.name)} #{c.id} ({c.count})" for c in together[:15]))
    print()
    for m in mentions:
        left, right = one_line(m.left)[-60:], one_line(m.right)[:60]
        print(f"m{m.id:<7} {m.document_id}:{m.start:<7} {left:>60} [{one_line(m.keyword)}] {right}")
    return EXIT_OK


def _report_change(args: argparse.Namespace, library: Library, change: EntityChange, message: str) -> int:
    entity_id = change.created if change.created is not None else (change.entities[0] if change.entities else None)
    if getattr(args, "json", False):
        records = library.entity_records([entity_id]) if entity_id is not None else []
        print_json(_entity_json(records[0]) if records else {"deleted": list(change.deleted)})
    else:
        print(message)
    return EXIT_OK


def cmd_merge(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        change = library.merge(args.ids)
        name = library.entity(change.entities[0]).name
        return _report_change(
            args, library, change, f"merged {', '.join(map(str, change.deleted))} into #{change.entities[0]} {name}"
        )


def cmd_rename(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        change = library.rename(args.id, args.name)
        return _report_change(args, library, change, f"#{args.id} is now called {library.entity(args.id).name}")


def cmd_retype(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        change = library.retype(args.id, args.type)
        return _report_change(args, library, change, f"#{args.id} is now a {args.type}")


def cmd_reject(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        change = library.reject(args.id)
        return _report_change(
            args, library, change, f"#{args.id} rejected (not an entity); {len(change.documents)} documents updated"
        )


def cmd_alias(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        change = library.alias(args.id, args.name)
        return _report_change(args, library, change, f"#{args.id} is also called {args.name}")


def cmd_split(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        mention_ids = []
        for item in args.mentions:
            if re.fullmatch(r"\d+:\d+", item):  # DOCUMENT:START, as `entity ID --json` shows them
                doc, start = item.split(":")
                mention_ids.append(library.mention_at(args.id, int(doc), int(start)))
            elif item.isdigit():
                mention_ids.append(int(item))
            else:
                raise KnownError(f"{item!r} is not a mention id or DOCUMENT:START.")
        change = library.split(args.id, mention_ids, args.name)
        new = library.entity(change.created or 0)
        return _report_change(
            args, library, change, f"split {len(mention_ids)} mentions of #{args.id} into #{new.id} {new.name}"
        )


def cmd_suggestions(args: argparse.Namespace) -> int:
    with open_library(args, read_only=args.read_only) as library:
        found = library.suggestions()
    if args.json:
        print_json(
            [
                {
                    "id": s.id,
                    "type": s.type,
                    "a": {"id": s.a, "name": s.a_name},
                    "b": {"id": s.b, "name": s.b_name},
                    "score": round(s.score, 1),
                    "reason": s.reason,
                    "evidence": [one_line(e) for e in s.evidence],
                }
                for s in found
            ]
        )
    else:
        for s in found:
            print(
                f"{s.id:>5}  {s.score:5.1f}  #{s.a} {one_line(s.a_name)}  ~  #{s.b} {one_line(s.b_name)}  ({s.reason})"
            )
        if found:
            print("\nmerge with `ctviewer merge A B`, or dismiss with `ctviewer dismiss SUGGESTION`")
    return EXIT_OK


def cmd_dismiss(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        library.dismiss_suggestion(args.id)
    print(f"suggestion {args.id} dismissed")
    return EXIT_OK


# -- annotations --------------------------------------------------------------------------------
def _annotation_json(a: AnnotationRecord) -> dict[str, object]:
    return {
        "id": a.id,
        "document": a.document_id,
        "quote": a.quote,
        "start": a.start,
        "end": a.end,
        "note": a.note,
        "tags": list(a.tags),
        "color": a.color,
        "entities": [{"id": e.id, "name": e.name, "type": e.type} for e in a.entities],
        "orphaned": a.orphaned,
        "created": a.created_at,
        "modified": a.modified_at,
    }


def cmd_annotate(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        change = library.annotate(
            args.doc_id,
            quote=args.quote,
            occurrence=args.occurrence,
            note=args.note or "",
            tags=args.tag or (),
            color=args.color,
        )
    print(change.annotations[0])
    return EXIT_OK


def cmd_annotations(args: argparse.Namespace) -> int:
    from ctviewer.domain.annotations import AnnotationFilter

    with open_library(args, read_only=args.read_only) as library:
        found = library.annotations(
            AnnotationFilter(
                document_id=args.doc,
                tag=args.tag,
                color=args.color,
                entity_id=args.entity,
                orphaned=True if args.orphaned else None,
                text=args.search,
                deleted=args.deleted,
            ),
            sort=args.sort,
            descending=args.desc,
        )
    if args.json:
        print_json([_annotation_json(a) for a in found])
        return EXIT_OK
    for a in found:
        flags = " [orphaned]" if a.orphaned else ""
        tags = " #" + " #".join(a.tags) if a.tags else ""
        print(
            f"{a.id:>5}  doc {a.document_id if a.document_id is not None else '-':<5} {a.color:<7} "
            f'"{one_line(a.quote)[:80]}"{tags}{flags}'
        )
        if a.note:
            print(f"       {one_line(a.note)[:100]}")
    return EXIT_OK


def cmd_edit_annotation(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        library.edit_annotation(
            args.id,
            note=args.note,
            tags=[] if args.no_tags else args.tag,
            color=args.color,
            entities=[] if args.no_entities else args.entity,
        )
    print(f"annotation {args.id} saved")
    return EXIT_OK


def cmd_delete_annotation(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        library.delete_annotation(args.id)
    print(f"annotation {args.id} deleted (undo with `ctviewer restore-annotation {args.id}`)")
    return EXIT_OK


def cmd_restore_annotation(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        library.restore_annotation(args.id)
    print(f"annotation {args.id} restored")
    return EXIT_OK


def cmd_reattach(args: argparse.Namespace) -> int:
    with open_library(args) as library:
        library.reattach_annotation(args.id, args.start, args.end)
        quote = library.annotation(args.id).quote
    print(f'annotation {args.id} attached to "{one_line(quote)[:80]}"')
    return EXIT_OK


def cmd_export_annotations(args: argparse.Namespace) -> int:
    from ctviewer.domain.annotations import AnnotationFilter

    with open_library(args) as library:
        text = library.export_annotations(args.format, AnnotationFilter(document_id=args.doc, tag=args.tag))
    if args.output:
        Path(args.output).write_text(text, encoding="utf-8", newline="")
    else:
        sys.stdout.write(text)
    return EXIT_OK


def cmd_import_annotations(args: argparse.Namespace) -> int:
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        raise KnownError(f"cannot read {args.file}: {exc.strerror or exc}") from exc
    with open_library(args) as library:
        report = library.import_annotations(data)
    if args.json:
        print_json(report.to_json())
    else:
        print(
            f"imported {len(report.imported)}, duplicates {report.duplicates}, on documents not in this archive "
            f"{report.unmatched} ({len(report.unmatched_documents)} documents), orphaned {report.orphaned}, "
            f"invalid {len(report.invalid)}"
        )
        for reason in report.invalid[:20]:
            print(f"  skipped {reason}", file=sys.stderr)
    return EXIT_OK


def cmd_reextract(args: argparse.Namespace) -> int:
    from ctviewer.cli.progress import TerminalProgress

    with open_library(args) as library:
        report = library.reextract(args.ids or None)
        if report.changed and not args.defer_extraction:
            library.extract(progress=TerminalProgress("extracting entities"))
    print(
        f"{len(report.changed)} documents changed, {len(report.unchanged)} unchanged, {len(report.failed)} failed; "
        f"annotations: {report.count('kept')} kept, {report.count('moved')} moved, {report.count('fuzzy')} "
        f"re-attached approximately, {report.count('orphaned')} orphaned"
    )
    for doc_id, reason in report.failed:
        print(f"  #{doc_id}: {reason}", file=sys.stderr)
    return EXIT_FAILED if report.failed else EXIT_OK


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

    def add(name: str, func: Callable[[argparse.Namespace], int], help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_)
        p.set_defaults(func=func)
        return p

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

    p = add("show", cmd_show, "show a document's metadata and clean text")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true")
    p.add_argument("--raw", action="store_true", help="show the text as extracted, before cleanup")

    p = add("search", cmd_search, "search the archive (see README for the query syntax)")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--facets",
        action="store_true",
        help="also count matches by person, organisation, place, year, type and language",
    )

    p = add("delete", cmd_delete, "remove documents from the archive (a backup is taken first)")
    p.add_argument("ids", type=int, nargs="+", metavar="ID")
    p.add_argument("--json", action="store_true")

    add("reindex", cmd_reindex, "rebuild the search index from the database")

    p = add("check", cmd_check, "check the archive's health")
    p.add_argument("--json", action="store_true")
    p.add_argument("--repair", action="store_true", help="fix what can be fixed (e.g. re-index)")

    p = add("sample", cmd_sample, "build (or reuse) the sample archive from the bundled documents")
    p.add_argument("--json", action="store_true")
    p.add_argument("--open", action="store_true", help="then open it in the desktop app")

    types = ["person", "organisation", "place"]
    p = add("entities", cmd_entities, "list people, organisations and places")
    p.add_argument("--type", choices=types)
    p.add_argument("--sort", choices=["name", "mentions", "documents"], default="name")
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--limit", type=int)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true")

    p = add("entity", cmd_entity, "show one entity: aliases, roles, mentions in context, co-occurring entities")
    p.add_argument("id", type=int)
    p.add_argument("--limit", type=int, help="show at most this many mentions")
    p.add_argument("--json", action="store_true")

    p = add("merge", cmd_merge, "merge entities into the first one given")
    p.add_argument("ids", type=int, nargs="+", metavar="ID")
    p = add("rename", cmd_rename, "set an entity's display name")
    p.add_argument("id", type=int)
    p.add_argument("name")
    p = add("retype", cmd_retype, "change an entity's type")
    p.add_argument("id", type=int)
    p.add_argument("type", choices=types)
    p = add("reject", cmd_reject, "mark an entity as not an entity (never extracted again)")
    p.add_argument("id", type=int)
    p = add("alias", cmd_alias, "add another name for an entity")
    p.add_argument("id", type=int)
    p.add_argument("name")
    p = add("split", cmd_split, "move some mentions of an entity to a new entity")
    p.add_argument("id", type=int)
    p.add_argument(
        "--mentions",
        nargs="+",
        required=True,
        metavar="M",
        help="mention ids, or DOCUMENT:START as `entity ID --json` lists them",
    )
    p.add_argument("--name", help="name of the new entity (default: its most frequent mention)")
    for name in ("merge", "rename", "retype", "reject", "alias", "split"):
        sub.choices[name].add_argument("--json", action="store_true", help="print the resulting entity as JSON")

    p = add("suggestions", cmd_suggestions, "list possible duplicates (similar names) to merge or dismiss")
    p.add_argument("--json", action="store_true")
    p = add("dismiss", cmd_dismiss, "dismiss a merge suggestion (the two are different)")
    p.add_argument("id", type=int, metavar="SUGGESTION")

    p = add("extract", cmd_extract, "extract people, organisations and places from documents still waiting")
    p.add_argument("--all", action="store_true", help="re-extract the whole archive (corrections are kept)")
    p.add_argument("--json", action="store_true")

    p = add("annotate", cmd_annotate, "annotate a passage of a document (prints the new annotation's id)")
    p.add_argument("doc_id", type=int, metavar="DOC_ID")
    p.add_argument("--quote", required=True, help="the passage, exactly as the document's clean text has it")
    p.add_argument("--note", help="a note (plain text or Markdown)")
    p.add_argument("--tag", action="append", metavar="T", help="a tag (repeat for several)")
    p.add_argument("--color", metavar="NAME", help="yellow (default), green, blue, red or purple")
    p.add_argument("--occurrence", type=int, metavar="N", help="which occurrence of the quote (1 = the first)")

    p = add("annotations", cmd_annotations, "list annotations")
    p.add_argument("--doc", type=int, metavar="ID")
    p.add_argument("--tag", metavar="T")
    p.add_argument("--color", metavar="NAME")
    p.add_argument("--entity", type=int, metavar="ID", help="annotations linked to this entity")
    p.add_argument("--orphaned", action="store_true", help="only those whose passage was not found again")
    p.add_argument("--search", metavar="TEXT", help="words in the note or the quote")
    p.add_argument("--deleted", action="store_true", help="list deleted annotations instead")
    p.add_argument("--sort", choices=["created", "document_date"], default="created")
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--json", action="store_true")

    p = add("edit-annotation", cmd_edit_annotation, "change an annotation's note, tags, colour or entities")
    p.add_argument("id", type=int)
    p.add_argument("--note")
    p.add_argument("--tag", action="append", metavar="T", help="replace the tags (repeat for several)")
    p.add_argument("--no-tags", action="store_true", help="remove all tags")
    p.add_argument("--color", metavar="NAME")
    p.add_argument("--entity", type=int, action="append", metavar="ID", help="replace the linked entities")
    p.add_argument("--no-entities", action="store_true", help="unlink all entities")
    p = add("delete-annotation", cmd_delete_annotation, "delete an annotation (restore-annotation undoes it)")
    p.add_argument("id", type=int)
    p = add("restore-annotation", cmd_restore_annotation, "bring back a deleted annotation")
    p.add_argument("id", type=int)
    p = add("reattach", cmd_reattach, "anchor an orphaned annotation on characters START-END of its document")
    p.add_argument("id", type=int)
    p.add_argument("start", type=int)
    p.add_argument("end", type=int)

    p = add("export-annotations", cmd_export_annotations, "export annotations as Markdown, CSV or W3C JSON-LD")
    p.add_argument("--format", choices=["md", "csv", "w3c"], required=True)
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of standard output")
    p.add_argument("--doc", type=int, metavar="ID")
    p.add_argument("--tag", metavar="T")
    p = add("import-annotations", cmd_import_annotations, "import W3C Web Annotation JSON (duplicates skipped)")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true")

    p = add("reextract", cmd_reextract, "read documents' originals again; annotations are re-anchored")
    p.add_argument("ids", type=int, nargs="*", metavar="ID", help="documents (default: all)")
    p.add_argument(
        "--defer-extraction",
        action="store_true",
        help="leave people/organisations/places for a later `ctviewer extract`",
    )

    from ctviewer.cli import backups as cli_backups

    cli_backups.register(add)

    for name in ("docs", "show", "search", "entities", "entity", "suggestions", "annotations"):
        sub.choices[name].add_argument("--read-only", action="store_true", help=argparse.SUPPRESS)
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
