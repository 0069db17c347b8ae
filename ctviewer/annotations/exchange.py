"""Annotations out and in: Markdown (briefings), CSV, and W3C Web Annotation JSON-LD (exchange).

Export functions take plain records and return text. :func:`parse_w3c` turns a W3C document
(an ``AnnotationCollection``, an ``AnnotationPage``, a list or a single ``Annotation``) into
validated :class:`Incoming` values, refusing hostile input with a plain message: the size is
bounded, every field's type and length is checked, and a malformed annotation is skipped with
its reason instead of failing the whole file.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ctviewer.domain.annotations import CSS_COLORS, AnnotationRecord, ColorRecord
from ctviewer.errors import KnownError

W3C_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
MAX_IMPORT_BYTES = 50 * 1024 * 1024
MAX_IMPORT_ANNOTATIONS = 100_000
MAX_QUOTE_CHARS = 100_000
MAX_NOTE_CHARS = 100_000
MAX_CONTEXT_CHARS = 1_000
MAX_BODIES = 200
_SHA256 = re.compile(r"urn:sha256:([0-9a-f]{64})")

# Display colours of the palette (for the W3C CssStylesheet and Markdown readers).

PageOf = Callable[[int, int], int | None]  # (document id, offset) -> page number


class AnnotationImportError(KnownError):
    """A file that cannot be imported as W3C annotations (the message says why)."""


# -- Markdown -----------------------------------------------------------------------------------
def _md_escape_inline(text: str) -> str:
    return re.sub(r"([\\`*_\[\]<>#|])", r"\\\1", " ".join(text.split()))


def _citation(a: AnnotationRecord, page: int | None) -> str:
    parts = [f"*{_md_escape_inline(a.document_title or 'untitled document')}*"]
    if a.document_date:
        parts.append(a.document_date)
    if a.document_source:
        parts.append(_md_escape_inline(a.document_source.replace("\\", "/").rsplit("/", 1)[-1]))
    if page is not None:
        parts.append(f"p. {page}")
    return ", ".join(parts)


def to_markdown(records: Sequence[AnnotationRecord], colors: Sequence[ColorRecord], page_of: PageOf) -> str:
    """Grouped by document (in the order given): each quote as a blockquote with its citation,
    then the note, the tags and the colour's meaning."""
    labels = {c.name: c.label for c in colors}
    out = ["# Annotations", ""]
    groups: dict[tuple[int | None, str], list[AnnotationRecord]] = {}
    for a in records:
        groups.setdefault((a.document_id, a.document_sha256), []).append(a)
    for (doc_id, _sha), items in groups.items():
        first = items[0]
        heading = _md_escape_inline(first.document_title or "Document not in this archive")
        date = f" ({first.document_date})" if first.document_date else ""
        out += [f"## {heading}{date}", ""]
        if first.document_source:
            source = first.document_source.replace("`", "'")
            out += [f"Source: `{source}`", ""]
        for a in items:
            page = page_of(doc_id, a.start) if doc_id is not None and not a.orphaned else None
            out += ["> " + line if line.strip() else ">" for line in a.quote.splitlines() or [""]]
            out += [">", f"> — {_citation(a, page)}", ""]
            if a.orphaned:
                out += ["*Orphaned: this passage was not found in the document's current text.*", ""]
            if a.note:
                out += [a.note, ""]
            meta = [f"{labels.get(a.color, a.color)} ({a.color})"]
            if a.tags:
                meta.append("tags: " + ", ".join(f"`{t}`" for t in a.tags))
            if a.entities:
                meta.append("linked: " + ", ".join(_md_escape_inline(e.name) for e in a.entities))
            out += ["*" + " · ".join(meta) + "*", ""]
    return "\n".join(out).rstrip("\n") + "\n"


# -- CSV ------------------------------------------------------------------------------------------
CSV_COLUMNS = (
    "id",
    "uid",
    "document",
    "title",
    "date",
    "source",
    "page",
    "start",
    "end",
    "quote",
    "note",
    "tags",
    "color",
    "label",
    "entities",
    "orphaned",
    "created",
    "modified",
)


def _csv_safe(value: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection): quote it.
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def to_csv(records: Sequence[AnnotationRecord], colors: Sequence[ColorRecord], page_of: PageOf) -> str:
    """One row per annotation, RFC 4180 (quoted where needed, CRLF line ends)."""
    labels = {c.name: c.label for c in colors}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for a in records:
        page = page_of(a.document_id, a.start) if a.document_id is not None and not a.orphaned else None
        writer.writerow(
            [
                a.id,
                a.uid,
                a.document_id if a.document_id is not None else "",
                _csv_safe(a.document_title or ""),
                a.document_date or "",
                _csv_safe(a.document_source or ""),
                page if page is not None else "",
                a.start,
                a.end,
                _csv_safe(a.quote),
                _csv_safe(a.note),
                "; ".join(a.tags),
                a.color,
                labels.get(a.color, ""),
                "; ".join(e.name for e in a.entities),
                "yes" if a.orphaned else "no",
                a.created_at,
                a.modified_at,
            ]
        )
    return buffer.getvalue()


# -- W3C Web Annotation ---------------------------------------------------------------------------
def annotation_to_w3c(a: AnnotationRecord) -> dict[str, Any]:
    body: list[dict[str, Any]] = []
    if a.note:
        body.append({"type": "TextualBody", "purpose": "commenting", "value": a.note, "format": "text/markdown"})
    body += [{"type": "TextualBody", "purpose": "tagging", "value": t} for t in a.tags]
    body += [
        {"type": "TextualBody", "purpose": "identifying", "value": e.name, "format": "text/plain"} for e in a.entities
    ]
    item: dict[str, Any] = {
        "id": f"urn:uuid:{a.uid}",
        "type": "Annotation",
        "motivation": "commenting" if a.note else "highlighting",
        "created": a.created_at,
        "modified": a.modified_at,
        "target": {
            "source": f"urn:sha256:{a.document_sha256}",
            "styleClass": a.color,
            "selector": [
                {"type": "TextPositionSelector", "start": a.start, "end": a.end},
                {"type": "TextQuoteSelector", "exact": a.quote, "prefix": a.prefix, "suffix": a.suffix},
            ],
        },
    }
    if body:
        item["body"] = body
    if a.color in CSS_COLORS:
        item["stylesheet"] = {
            "type": "CssStylesheet",
            "value": f".{a.color} {{ background-color: {CSS_COLORS[a.color]}; }}",
        }
    return item


def to_w3c(records: Sequence[AnnotationRecord], *, label: str = "ctviewer annotations") -> str:
    items = [annotation_to_w3c(a) for a in records]
    collection = {
        "@context": W3C_CONTEXT,
        "id": f"urn:uuid:{uuid.uuid4()}",
        "type": "AnnotationCollection",
        "label": label,
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }
    return json.dumps(collection, ensure_ascii=False, indent=2) + "\n"


@dataclass(frozen=True)
class Incoming:
    """One validated annotation from a W3C file."""

    uid: str
    sha256: str
    start: int | None
    end: int | None
    quote: str
    prefix: str = ""
    suffix: str = ""
    note: str = ""
    tags: tuple[str, ...] = ()
    entity_names: tuple[str, ...] = ()
    color: str | None = None
    created: str | None = None
    modified: str | None = None


@dataclass
class Parsed:
    items: list[Incoming] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


def _str(value: Any, what: str, limit: int, *, required: bool = False) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what} is not text")
    if len(value) > limit:
        raise ValueError(f"{what} is too long")
    return value


def _int(value: Any, what: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10**12:
        raise ValueError(f"{what} is not a non-negative integer")
    return value


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _iso(value: Any) -> str | None:
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]{1,30})?", value):
        return value
    return None


def _one(item: Any) -> Incoming:
    if not isinstance(item, dict):
        raise ValueError("not a JSON object")
    if item.get("type") != "Annotation":
        raise ValueError("its type is not Annotation")
    raw_id = _str(item.get("id"), "id", 200, required=True)
    try:
        uid = str(uuid.UUID(raw_id.removeprefix("urn:uuid:")))
    except ValueError:
        # A foreign id (an http IRI): a stable name-based UUID still recognises duplicates.
        uid = str(uuid.uuid5(uuid.NAMESPACE_URL, raw_id))
    targets = [t for t in _as_list(item.get("target")) if isinstance(t, dict)]
    if not targets:
        raise ValueError("it has no target object")
    target = targets[0]
    source = _str(target.get("source"), "target source", 200, required=True).lower()
    m = _SHA256.fullmatch(source)
    if not m:
        raise ValueError("its target source is not urn:sha256:<64 hex digits>")
    start = end = None
    quote = prefix = suffix = ""
    selectors = _as_list(target.get("selector"))
    if len(selectors) > 10:
        raise ValueError("too many selectors")
    for sel in selectors:
        if not isinstance(sel, dict):
            raise ValueError("a selector is not an object")
        if sel.get("type") == "TextPositionSelector":
            start, end = _int(sel.get("start"), "start"), _int(sel.get("end"), "end")
        elif sel.get("type") == "TextQuoteSelector":
            quote = _str(sel.get("exact"), "exact quote", MAX_QUOTE_CHARS, required=True)
            prefix = _str(sel.get("prefix"), "prefix", MAX_CONTEXT_CHARS)
            suffix = _str(sel.get("suffix"), "suffix", MAX_CONTEXT_CHARS)
    if not quote.strip() and (start is None or end is None):
        raise ValueError("it has neither a quote nor a position")
    if start is not None and end is not None and end <= start:
        raise ValueError("its position ends before it starts")
    note_parts: list[str] = []
    tags: list[str] = []
    names: list[str] = []
    bodies = _as_list(item.get("body"))
    if len(bodies) > MAX_BODIES:
        raise ValueError("too many bodies")
    for body in bodies:
        if not isinstance(body, dict):
            continue  # an IRI body: nothing we can show
        value = _str(body.get("value"), "body value", MAX_NOTE_CHARS)
        purpose = body.get("purpose")
        if purpose == "tagging":
            tags.append(value)
        elif purpose == "identifying":
            names.append(value)
        elif body.get("type") == "TextualBody" and value:
            note_parts.append(value)
    note = "\n\n".join(note_parts)
    if len(note) > MAX_NOTE_CHARS:
        raise ValueError("its note is too long")
    color = target.get("styleClass")
    return Incoming(
        uid=uid,
        sha256=m.group(1),
        start=start,
        end=end,
        quote=quote,
        prefix=prefix,
        suffix=suffix,
        note=note,
        tags=tuple(tags),
        entity_names=tuple(names),
        color=color if isinstance(color, str) else None,
        created=_iso(item.get("created")),
        modified=_iso(item.get("modified")),
    )


def _items(data: Any) -> list[Any]:
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise AnnotationImportError("The file is not W3C annotations (expected an object or a list).")
    kind = data.get("type")
    if kind == "Annotation":
        return [data]
    if kind == "AnnotationPage":
        items = data.get("items")
    elif kind == "AnnotationCollection":
        first = data.get("first")
        items = first.get("items") if isinstance(first, dict) else data.get("items")
    else:
        raise AnnotationImportError(
            "The file is not W3C annotations (no Annotation, AnnotationPage or AnnotationCollection type)."
        )
    if not isinstance(items, list):
        raise AnnotationImportError("The annotation collection has no list of items.")
    return items


def parse_w3c(data: bytes) -> Parsed:
    """Validate a W3C Web Annotation file. Raises :class:`AnnotationImportError` for a file that is
    not usable at all; annotations that are malformed are skipped and listed in ``invalid``."""
    if len(data) > MAX_IMPORT_BYTES:
        raise AnnotationImportError(
            f"The file is too large ({len(data) // (1024 * 1024)} MB; at most {MAX_IMPORT_BYTES // (1024 * 1024)} MB)."
        )
    try:
        decoded = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise AnnotationImportError("The file is not UTF-8 text.") from exc
    except RecursionError as exc:
        raise AnnotationImportError("The file's JSON is nested too deeply.") from exc
    except ValueError as exc:
        raise AnnotationImportError(f"The file is not valid JSON ({exc}).") from exc
    items = _items(decoded)
    if len(items) > MAX_IMPORT_ANNOTATIONS:
        raise AnnotationImportError(
            f"The file holds {len(items):,} annotations; at most {MAX_IMPORT_ANNOTATIONS:,} are imported at once."
        )
    parsed = Parsed()
    for n, item in enumerate(items, 1):
        try:
            parsed.items.append(_one(item))
        except (ValueError, TypeError) as exc:
            parsed.invalid.append(f"annotation {n}: {exc}")
    return parsed
