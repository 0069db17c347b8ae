"""Plain text and Markdown files."""

from __future__ import annotations

import datetime as dt
import re

from ctviewer.ingest.encoding import decode
from ctviewer.ingest.model import Draft

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*\n", re.DOTALL)
_MD_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
_MD_HARD_BREAK = re.compile(r"(?: {2,}|\\)$", re.MULTILINE)
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|])")
_FRONT_MATTER_MAX = 64 * 1024


def read_text(data: bytes, *, markdown: bool) -> Draft:
    text, encoding, warnings = decode(data)
    draft = Draft(raw_text=text, encoding=encoding, warnings=list(warnings), file_type="md" if markdown else "txt")
    body = text
    match = _FRONT_MATTER.match(text[:_FRONT_MATTER_MAX]) if text.startswith("---") else None
    if match:
        body = text[match.end():]
        _apply_front_matter(draft, match.group(1))
    if markdown:
        body = _MD_ESCAPE.sub(r"\1", _MD_HARD_BREAK.sub("", body))
        if draft.title is None:
            heading = _MD_HEADING.search(body[:5000])
            if heading:
                draft.title = heading.group(1)
    draft.body = body
    return draft


def _apply_front_matter(draft: Draft, block: str) -> None:
    import yaml

    try:
        meta = yaml.safe_load(block)
    except yaml.YAMLError:
        draft.warnings.append("front matter is not valid YAML (ignored)")
        return
    if not isinstance(meta, dict):
        return
    title = meta.get("title")
    if isinstance(title, str):
        draft.title = title
    date = meta.get("date") or meta.get("published")
    if isinstance(date, (dt.date, dt.datetime)):
        draft.meta_date = date.isoformat()[:10]
    elif isinstance(date, str):
        draft.meta_date = date.strip()[:10]
    for key in ("source_url", "source", "url", "author", "place", "location", "tags"):
        value = meta.get(key)
        if isinstance(value, (str, int, float)) and str(value).strip():
            draft.extra[key] = str(value).strip()[:1000]
        elif isinstance(value, list):
            draft.extra[key] = ", ".join(str(v) for v in value)[:1000]
    place = meta.get("place") or meta.get("location")
    if isinstance(place, str) and place.strip():
        draft.place = place.strip()[:100]
