"""User-tunable limits, as one typed dataclass passed explicitly."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """Bounds that keep hostile or huge inputs from harming the archive or the machine."""

    max_file_bytes: int = 200 * MB
    max_text_chars: int = 50 * MB
    # People, organisations and places are looked for in this many characters of a document's
    # text (about 1,500 pages): spaCy reads ~40,000 characters a second on one core, so a capped
    # 50-million-character text would hold the archive's writer for 20 minutes.
    max_extract_chars: int = 5_000_000
    pdf_timeout_s: float = 60.0
    pdf_memory_bytes: int = 1024 * MB
    zip_max_entry_bytes: int = 256 * MB
    zip_max_total_bytes: int = 1024 * MB
    zip_max_entries: int = 10_000
    zip_max_ratio: float = 100.0


@dataclass(frozen=True)
class Settings:
    limits: Limits = Limits()
    index_batch: int = 200
    # Bulk imports add index segments without merging until there are this many, then merge the
    # smaller half (see SearchIndex.add); ``ctviewer import`` merges them once at the end. Whoosh
    # writes each segment as one compound file, so 64 segments stay well within open-file limits.
    max_index_segments: int = 64
    # Processes that extract and analyse text during big imports; None means one per CPU (at most
    # 4): the importing process itself mostly writes and waits on fsync, so it needs no core of its own.
    import_workers: int | None = None
    writer_memory_mb: int = 128
