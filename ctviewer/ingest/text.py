"""Plain text and Markdown files.

Both may open with a YAML front matter block (``---`` ... ``---``), as the White House
statements in the corpus do; its title, date, place and source are taken and the block
is left out of the clean text. Markdown is turned into readable plain text the way a
renderer would lay it out: a single line break inside a paragraph is a space, two
trailing spaces or a backslash are a real break, headings lose their ``#`` marks, links
keep their words, and emphasis marks go. Plain text is left to the cleanup rules.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import BinaryIO

from ctviewer.ingest.encoding import decode_stream
from ctviewer.ingest.model import Draft

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_MAX = 64 * 1024

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_RULE = re.compile(r"^ {0,3}(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_BULLET = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+")
_QUOTE = re.compile(r"^[ \t]{0,3}(?:>[ \t]?)+")
_TABLE_RULE = re.compile(r"^\|?[ \t]*:?-{2,}:?[ \t]*(?:\|[ \t]*:?-{2,}:?[ \t]*)*\|?$")

# Bracket texts exclude "[" so that a run of brackets is scanned once, not once per bracket.
_IMAGE = re.compile(r"!\[([^\[\]\n]*)\]\([^()\n]*\)")
_LINK = re.compile(r"\[([^\[\]\n]+)\]\([^()\n]*\)")
_REF_LINK = re.compile(r"\[([^\[\]\n]+)\]\[[^\[\]\n]*\]")
_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]+)>")
_STRONG = re.compile(r"(\*\*|__)(?=\S)([^*_\n]+?)(?<=\S)\1")
_EMPHASIS = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])|(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])")
_CODE = re.compile(r"`([^`\n]+)`")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
# Raw HTML is allowed in Markdown (the White House files carry <span>, <img>, <!-- -->).
_HTML_TAG = re.compile(r"</?[A-Za-z][\w:-]*(?:\s[^<>]*)?/?>")
_END_MARK = re.compile(r"^(?:\\?#\s*){3}$")  # "###" closes a press release


def read_text(source: bytes | BinaryIO, *, markdown: bool, max_chars: int | None = None) -> Draft:
    """A draft from a text or Markdown file: its bytes, or a seekable stream decoded only up to
    ``max_chars`` characters (the rest of a huge file is never read; the draft says truncated)."""
    stream = io.BytesIO(source) if isinstance(source, bytes) else source
    decoded = decode_stream(stream, max_chars)
    text = decoded.text
    draft = Draft(
        raw_text=text,
        encoding=decoded.encoding,
        warnings=decoded.warnings,
        file_type="md" if markdown else "txt",
        truncated=decoded.truncated,
    )
    body = text
    match = _FRONT_MATTER.match(text[:_FRONT_MATTER_MAX].replace("\r\n", "\n")) if text.startswith("---") else None
    if match:
        body = text.replace("\r\n", "\n")[match.end() :]
        _apply_front_matter(draft, match.group(1))
    if markdown:
        body, heading = markdown_to_text(body)
        draft.title = draft.title or heading
        draft.prewrapped = True  # paragraphs are known: the hard-wrap guesses must not run
    draft.body = body
    return draft


def markdown_to_text(source: str) -> tuple[str, str | None]:
    """Readable plain text from Markdown, and the first heading (a title candidate)."""
    out: list[str] = []  # output lines; "" marks a paragraph break
    paragraph: list[str] = []
    hard_break = False
    fence: str | None = None
    heading: str | None = None

    def flush() -> None:
        nonlocal hard_break
        if paragraph:
            out.append(_inline("".join(paragraph)))
            paragraph.clear()
        hard_break = False

    def blank() -> None:
        flush()
        if out and out[-1] != "":
            out.append("")

    for raw in source.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if fence is not None:  # code is kept verbatim
            if raw.strip().startswith(fence):
                fence = None
                blank()
            else:
                out.append(raw.rstrip())
            continue
        fenced = _FENCE.match(raw)
        if fenced:
            blank()
            fence = fenced.group(1)
            continue
        line = _QUOTE.sub("", raw)
        stripped = line.strip()
        if not stripped:
            blank()
            continue
        if _END_MARK.match(stripped):
            blank()
            continue
        atx = _ATX.match(line)
        if atx:
            blank()
            title = _inline((atx.group(2) or "").strip())
            if title:  # "###" alone (the White House's end mark) is an empty heading
                out.append(title)
                out.append("")
                heading = heading or title
            continue
        if _SETEXT.match(line) and len(paragraph) == 1 and not _BULLET.match(paragraph[0]):
            title = _inline(paragraph[0])
            paragraph.clear()
            blank()
            out.extend([title, ""])
            heading = heading or title
            continue
        if _RULE.match(line):
            blank()
            continue
        if stripped.startswith("|"):
            flush()
            if not _TABLE_RULE.match(stripped):
                cells = [_inline(c.strip()) for c in stripped.strip("|").split("|")]
                out.append(" | ".join(c for c in cells if c))
            continue
        ends_with_break = raw.endswith("  ") or (raw.rstrip(" ").endswith("\\") and not raw.rstrip().endswith("\\\\"))
        content = stripped[:-1].rstrip() if stripped.endswith("\\") and ends_with_break else stripped
        if _BULLET.match(line):
            flush()
            paragraph.append(content)
        elif paragraph:
            paragraph.append(("\n" if hard_break else " ") + content)
        else:
            paragraph.append(content)
        hard_break = ends_with_break
    flush()
    while out and out[-1] == "":
        out.pop()
    return "\n".join(out), heading


def _inline(text: str) -> str:
    """Inline Markdown to plain words: links keep their text, emphasis, code marks and HTML tags go."""
    import html

    if "<" in text:
        text = _HTML_TAG.sub("", _drop_comments(text))
    if "&" in text:
        text = html.unescape(text)
    text = _IMAGE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    text = _REF_LINK.sub(r"\1", text)
    text = _AUTOLINK.sub(r"\1", text)
    text = _CODE.sub(r"\1", text)
    text = _STRONG.sub(r"\2", text)
    text = _EMPHASIS.sub(lambda m: m.group(1) or m.group(2) or "", text)
    return _ESCAPE.sub(r"\1", text).strip()


def _drop_comments(text: str) -> str:
    """Remove ``<!-- ... -->``; an unclosed comment runs to the end (as in HTML)."""
    pieces, pos = [], 0
    while (start := text.find("<!--", pos)) >= 0:
        pieces.append(text[pos:start])
        end = text.find("-->", start + 4)
        if end < 0:
            return "".join(pieces)
        pos = end + 3
    pieces.append(text[pos:])
    return "".join(pieces)


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
    if isinstance(title, (str, int, float)) and str(title).strip():
        draft.title = " ".join(str(title).split())
    for key in ("date", "published", "published_time", "created"):
        date = meta.get(key)
        if isinstance(date, (dt.date, dt.datetime)):
            draft.meta_date, draft.meta_date_trusted = date.isoformat()[:10], True
            break
        if isinstance(date, str) and date.strip():
            draft.meta_date, draft.meta_date_trusted = date.strip()[:10], True
            break
    for key in ("source_url", "source", "url", "author", "place", "location", "tags"):
        value = meta.get(key)
        if isinstance(value, (str, int, float)) and str(value).strip():
            draft.extra[key] = str(value).strip()[:1000]
        elif isinstance(value, list):
            draft.extra[key] = ", ".join(str(v) for v in value)[:1000]
    if "source" not in draft.extra:
        for key in ("source_url", "url"):
            if key in draft.extra:
                draft.extra["source"] = draft.extra[key]
                break
    place = meta.get("place") or meta.get("location")
    if isinstance(place, str) and place.strip():
        draft.place = place.strip()[:100]
