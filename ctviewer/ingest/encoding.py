"""Decoding text files whose encoding nobody wrote down.

UTF-8 and byte-order marks first (cheap and certain), then UTF-16 without a BOM (NUL
patterns), then charset-normalizer among the legacy encodings this archive meets (Western
and Cyrillic Windows code pages, KOI8-R...). A bad byte never raises: the last resort
decodes UTF-8 with replacement characters and says so in a warning.
"""

from __future__ import annotations

import codecs

from ctviewer.errors import RejectedFile
from ctviewer.ingest.sniff import binary_kind, looks_binary

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Few candidates on purpose: with cp1250 among them, short French or German cp1252 text came
# back as Czech mojibake ("Ministčre"); Western and Cyrillic Windows pages, KOI8-R and
# Latin-1 are what this archive meets.
_CANDIDATES = ["cp1252", "cp1251", "koi8_r", "utf_16", "latin_1"]
_SAMPLE = 256 * 1024


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding name, warnings) for the bytes of a text file.

    Raises :class:`RejectedFile` for bytes that are clearly not text.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            text = data[len(bom):].decode(name, errors="replace")
            return _strip_nul(text, name, ["some bytes could not be decoded"] if "\ufffd" in text else [])
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return _strip_nul(data.decode(utf16, errors="replace"), utf16, [])
    kind = binary_kind(data)
    if kind is not None:
        raise RejectedFile(f"binary content, not text (looks like {kind})")
    if looks_binary(data):
        raise RejectedFile("binary content, not text (many control bytes)")
    try:
        return _strip_nul(data.decode("utf-8"), "utf-8", [])
    except UnicodeDecodeError as exc:
        if exc.start > len(data) - 4 and len(data) > 4:  # cut inside the last character
            return _strip_nul(data.decode("utf-8", errors="replace"), "utf-8", ["the file ends mid-character"])
    from charset_normalizer import from_bytes

    best = from_bytes(data[:_SAMPLE], cp_isolation=_CANDIDATES).best()
    if best is not None:
        text = data.decode(best.encoding, errors="replace")
        warnings = ["some bytes could not be decoded"] if "\ufffd" in text else []
        return _strip_nul(text, best.encoding, warnings)
    text = data.decode("utf-8", errors="replace")
    return _strip_nul(text, "utf-8", ["encoding not recognised; undecodable bytes were replaced"])


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text (mostly Latin or Cyrillic) has a NUL in every other byte."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0) / (len(sample) / 2)
    odd = sample[1::2].count(0) / (len(sample) / 2)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _strip_nul(text: str, encoding: str, warnings: list[str]) -> tuple[str, str, list[str]]:
    if "\x00" in text:
        text = text.replace("\x00", "")
        warnings = [*warnings, "NUL characters removed"]
    return text, encoding, warnings
