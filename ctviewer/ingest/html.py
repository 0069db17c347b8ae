"""HTML pages: the main text without navigation and boilerplate, plus title and date.

trafilatura finds the main content best; selectolax is a fast fallback for pages where
trafilatura finds nothing. Neither is ever given a URL, so nothing is fetched, and the
date comes from the page's own markup (htmldate without its extensive text search).

A document that declares entities in a DOCTYPE is refused before any parser sees it:
entity expansion ("billion laughs") and external entities (local files, network) are
classic attacks and no genuine web page needs them. The check runs on the raw bytes and
again on the decoded text, so a UTF-16 page cannot hide its DOCTYPE from it.

``raw_text`` is the extracted text before cleanup; the page itself is kept in the
archive's originals store.
"""

from __future__ import annotations

import re

from ctviewer.errors import RejectedFile
from ctviewer.ingest.encoding import decode
from ctviewer.ingest.model import Draft

# A DOCTYPE with an internal subset ("[") is where entities are declared. The bounded
# repeat keeps the scan linear on hostile input full of "<!DOCTYPE" without a ">".
_ENTITY_DECL = re.compile(r"<!ENTITY|<!DOCTYPE[^>\[]{0,2000}\[", re.IGNORECASE)
_ENTITY_DECL_BYTES = re.compile(rb"<!ENTITY|<!DOCTYPE[^>\[]{0,2000}\[", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]{0,500}?charset=["']?([A-Za-z0-9_:.-]{1,40})""", re.IGNORECASE)
_REFUSED = "HTML/XML uses external entities or a DOCTYPE with entities (refused)"
# trafilatura writes tables as Markdown: "| a | b |" rows and "|---|---|" rules.
_TABLE_RULE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+\s*$")


def read_html(data: bytes) -> Draft:
    if _ENTITY_DECL_BYTES.search(data):
        raise RejectedFile(_REFUSED)
    html_text, encoding, warnings = _decode_html(data)
    if _ENTITY_DECL.search(html_text):
        raise RejectedFile(_REFUSED)
    body, title, date = _trafilatura(html_text)
    if not body:
        body, fallback_title = _selectolax(html_text)
        title = title or fallback_title
    body = _tidy_tables(body or "")
    draft = Draft(raw_text=body, body=body, file_type="html", encoding=encoding, warnings=warnings, prewrapped=True)
    draft.title = title
    draft.meta_date = date
    draft.meta_date_trusted = bool(date)  # from the page's metadata: its publication date
    return draft


def _decode_html(data: bytes) -> tuple[str, str, list[str]]:
    declared = _CHARSET.search(data[:4096])
    if declared and not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            text = data.decode(name)
        except (LookupError, UnicodeDecodeError):
            pass
        else:
            if "\x00" in text:
                return text.replace("\x00", ""), name, ["NUL characters removed"]
            return text, name, []
    return decode(data)


def _trafilatura(html_text: str) -> tuple[str | None, str | None, str | None]:
    import logging

    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)
    try:
        doc = trafilatura.bare_extraction(
            html_text,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_precision=False,
            deduplicate=False,
            date_extraction_params={"extensive_search": False, "original_date": True},
        )
    except Exception:  # a parser crash on hostile markup falls back to selectolax
        return None, None, None
    if doc is None:
        return None, None, None
    data = doc.as_dict() if hasattr(doc, "as_dict") else dict(doc)
    text = data.get("text") or None
    title = data.get("title") or None
    date = data.get("date") or None
    return text, title, date


def _selectolax(html_text: str) -> tuple[str, str | None]:
    from selectolax.parser import HTMLParser

    tree = HTMLParser(html_text)
    title_node = tree.css_first("title")
    title = title_node.text(strip=True) if title_node else None
    for node in tree.css("script, style, noscript, nav, header, footer, aside, form, iframe, svg, template"):
        node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body
    text = root.text(separator="\n", strip=True) if root is not None else ""
    return text, title


def _tidy_tables(text: str) -> str:
    """Markdown table rows as plain "a | b | c" lines: no rule rows, no empty cells."""
    if "|" not in text:
        return text
    lines = []
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            if _TABLE_RULE.match(stripped):
                continue
            cells = [cell.strip() for cell in stripped[1:-1].split("|")]
            line = " | ".join(cell for cell in cells if cell)
            if not line:
                continue
        lines.append(line)
    return "\n".join(lines)
