"""The ``search`` command: ranked documents with snippets, suggestions and facets.

The quick command: it must not pay for the readers, spaCy or Qt (tests/core/test_cli.py checks).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from ctviewer.cli.output import EXIT_OK, add_read_only, one_line, open_library, print_json, terminal_snippet

if TYPE_CHECKING:
    from ctviewer.cli.output import AddCommand


def register(add: AddCommand) -> None:
    """Add the search command to the parser (``add`` is ``build_parser``'s helper)."""
    p = add("search", cmd_search, "search the archive (see README for the query syntax)")
    p.add_argument("query")
    p.add_argument("--limit", type=int, default=10)
    p.add_argument("--json", action="store_true")
    p.add_argument(
        "--facets",
        action="store_true",
        help="also count matches by person, organisation, place, year, type and language",
    )
    add_read_only(p)


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
