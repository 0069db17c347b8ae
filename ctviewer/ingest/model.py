"""A mutable draft that readers fill in; ``ctviewer.ingest`` turns it into ExtractedText."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Draft:
    raw_text: str
    file_type: str
    body: str | None = None  # text to clean (defaults to raw_text)
    pages: list[str] | None = None  # per-page texts, for PDFs
    title: str | None = None
    meta_date: str | None = None  # a date from file metadata (ISO prefix)
    # True when the metadata date is the publication date (front matter, HTML meta tags), so it
    # beats a date found in the text; PDF/DOCX creation dates only fill in when the text has none.
    meta_date_trusted: bool = False
    place: str | None = None
    encoding: str | None = None
    warnings: list[str] = field(default_factory=list)
    extra: dict[str, str] = field(default_factory=dict)
    truncated: bool = False  # the reader already stopped at the text limit
    prewrapped: bool = False  # text already in paragraphs (HTML, DOCX): no hard-wrap joining
