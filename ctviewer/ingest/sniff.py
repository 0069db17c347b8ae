"""Recognising what bytes really are, whatever the file is called."""

from __future__ import annotations

# Leading bytes of common binary formats, with a name a user understands.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or DOCX/XLSX)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"\x7fELF", "a Linux program"),
    (b"MZ", "a Windows program"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls)"),
    (b"SQLite format 3\x00", "an SQLite database"),
    (b"OggS", "an audio/video file"),
    (b"ID3", "an MP3 file"),
    (b"RIFF", "a RIFF media file"),
    (b"\x00\x00\x00\x18ftyp", "an MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "an MP4 video"),
    (b"{\\rtf", "an RTF document"),
)


def binary_kind(data: bytes) -> str | None:
    """What known binary format ``data`` starts with, or None."""
    head = data[:16]
    for signature, name in _SIGNATURES:
        if head.startswith(signature):
            return name
    return None


def looks_binary(data: bytes) -> bool:
    """Bytes that are not text in any encoding we read: NULs or control characters in the
    first 64 KB beyond what UTF-16/32 would explain (callers check for those first)."""
    sample = data[:65536]
    if not sample:
        return False
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return controls / len(sample) > 0.05
