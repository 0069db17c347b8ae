"""Commands on annotations: ``annotate``, ``annotations``, ``edit-annotation``, ``delete-annotation``,
``restore-annotation``, ``reattach``, ``export-annotations``, ``import-annotations``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from ctviewer.cli.output import EXIT_OK, add_read_only, one_line, open_library, print_json
from ctviewer.errors import KnownError

if TYPE_CHECKING:
    from ctviewer.cli.output import AddCommand
    from ctviewer.domain.annotations import AnnotationRecord


def register(add: AddCommand) -> None:
    """Add the annotation commands to the parser (``add`` is ``build_parser``'s helper)."""
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
    add_read_only(p)

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
