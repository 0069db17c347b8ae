"""Commands on people, organisations and places: ``entities``, ``entity``, the corrections (``merge``,
``rename``, ``retype``, ``reject``, ``alias``, ``split``), merge ``suggestions`` and ``dismiss``,
and ``extract``."""

from __future__ import annotations

import argparse
import re
import sys
from typing import TYPE_CHECKING

from ctviewer.cli.output import EXIT_OK, add_read_only, one_line, open_library, print_json
from ctviewer.errors import KnownError

if TYPE_CHECKING:
    from ctviewer.cli.output import AddCommand
    from ctviewer.domain.entities import EntityChange, EntityRecord, ExtractionReport
    from ctviewer.library import Library

_TYPES = ["person", "organisation", "place"]
_CHANGE_JSON = "print the resulting entity as JSON"  # --json of the corrections


def register(add: AddCommand) -> None:
    """Add the entity commands to the parser (``add`` is ``build_parser``'s helper)."""
    p = add("entities", cmd_entities, "list people, organisations and places")
    p.add_argument("--type", choices=_TYPES)
    p.add_argument("--sort", choices=["name", "mentions", "documents"], default="name")
    p.add_argument("--desc", action="store_true", help="sort descending")
    p.add_argument("--limit", type=int)
    p.add_argument("--offset", type=int, default=0)
    p.add_argument("--json", action="store_true")
    add_read_only(p)

    p = add("entity", cmd_entity, "show one entity: aliases, roles, mentions in context, co-occurring entities")
    p.add_argument("id", type=int)
    p.add_argument("--limit", type=int, help="show at most this many mentions")
    p.add_argument("--json", action="store_true")
    add_read_only(p)

    p = add("merge", cmd_merge, "merge entities into the first one given")
    p.add_argument("ids", type=int, nargs="+", metavar="ID")
    p.add_argument("--json", action="store_true", help=_CHANGE_JSON)
    p = add("rename", cmd_rename, "set an entity's display name")
    p.add_argument("id", type=int)
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help=_CHANGE_JSON)
    p = add("retype", cmd_retype, "change an entity's type")
    p.add_argument("id", type=int)
    p.add_argument("type", choices=_TYPES)
    p.add_argument("--json", action="store_true", help=_CHANGE_JSON)
    p = add("reject", cmd_reject, "mark an entity as not an entity (never extracted again)")
    p.add_argument("id", type=int)
    p.add_argument("--json", action="store_true", help=_CHANGE_JSON)
    p = add("alias", cmd_alias, "add another name for an entity")
    p.add_argument("id", type=int)
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help=_CHANGE_JSON)
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
    p.add_argument("--json", action="store_true", help=_CHANGE_JSON)

    p = add("suggestions", cmd_suggestions, "list possible duplicates (similar names) to merge or dismiss")
    p.add_argument("--json", action="store_true")
    add_read_only(p)
    p = add("dismiss", cmd_dismiss, "dismiss a merge suggestion (the two are different)")
    p.add_argument("id", type=int, metavar="SUGGESTION")

    p = add("extract", cmd_extract, "extract people, organisations and places from documents still waiting")
    p.add_argument("--all", action="store_true", help="re-extract the whole archive (corrections are kept)")
    p.add_argument("--json", action="store_true")


def print_extraction(report: ExtractionReport) -> None:
    """The one-line summary of an extraction run, on stderr (``import`` prints it too)."""
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
        print_extraction(report)
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
