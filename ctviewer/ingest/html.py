"""HTML pages: the main text without navigation and boilerplate, plus title and date.

trafilatura finds the main content best; selectolax is a fast fallback for pages where
trafilatura finds nothing. Neither is ever given a URL, so nothing is fetched. A document
that declares entities in a DOCTYPE is refused before any parser sees it: entity
expansion ("billion laughs") and external entities (local files, network) are classic
attacks and no genuine web page needs them.
"""

from __future__ import annotations

import re

from ctviewer.errors import RejectedFile
from ctviewer.ingest.encoding import decode
from ctviewer.ingest.model import Draft

_ENTITY_DECL = re.compile(rb"<!ENTITY|<!DOCTYPE[^>]*\[", re.IGNORECASE)
_CHARSET = re.compile(rb"""<meta[^>]+charset=["']?([A-Za-z0-9_-]+)""", re.IGNORECASE)


def read_html(data: bytes) -> Draft:
    if _ENTITY_DECL.search(data):
        raise RejectedFile("HTML/XML declares entities in a DOCTYPE (possible XXE or entity bomb; refused)")
    html_text, encoding, warnings = _decode_html(data)
    draft = Draft(raw_text=html_text, file_type="html", encoding=encoding, warnings=warnings, prewrapped=True)
    body, title, date = _trafilatura(html_text)
    if not body:
        body, fallback_title = _selectolax(html_text)
        title = title or fallback_title
    draft.body = body or ""
    draft.title = title
    draft.meta_date = date
    return draft


def _decode_html(data: bytes) -> tuple[str, str, list[str]]:
    declared = _CHARSET.search(data[:4096])
    if declared:
        name = declared.group(1).decode("ascii", "replace").lower()
        try:
            return data.decode(name), name, []
        except (LookupError, UnicodeDecodeError):
            pass
    text, encoding, warnings = decode(data)
    return text, encoding, list(warnings)


def _trafilatura(html_text: str) -> tuple[str | None, str | None, str | None]:
    import logging

    import trafilatura

    logging.getLogger("trafilatura").setLevel(logging.ERROR)
    logging.getLogger("htmldate").setLevel(logging.ERROR)
    try:
        doc = trafilatura.bare_extraction(
            html_text, with_metadata=True, include_comments=False, include_tables=True, favor_precision=False,
            deduplicate=False, date_extraction_params={"extensive_search": False, "original_date": True},
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
