"""Decoding text files whose encoding nobody wrote down.

UTF-8 and byte-order marks first (cheap and certain), then UTF-16 without a BOM (NUL
patterns), then charset-normalizer among the legacy encodings this archive meets (Western
and Cyrillic Windows code pages, KOI8-R...). A bad byte never raises: the last resort
decodes UTF-8 with replacement characters and says so in a warning.

Decoding is incremental (:func:`decode_stream`): the encoding is chosen from the first
256 KB, and reading stops once ``max_chars`` characters are decoded, so a 200 MB file of one
line costs the capped text, never the whole file, in memory.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass, field
from typing import BinaryIO

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
_READ = 1024 * 1024  # bytes decoded per step


@dataclass
class Decoded:
    """A decoded text, the encoding it was read with and what went wrong on the way."""

    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)
    truncated: bool = False  # decoding stopped at ``max_chars`` with more of the file left


class _Undecodable(Exception):
    """A strict decode met a byte that is not in its encoding (not at the very end)."""

    def __init__(self, position: int) -> None:
        super().__init__(position)
        self.position = position  # about where in the file (bytes)


def decode(data: bytes) -> tuple[str, str, list[str]]:
    """(text, encoding name, warnings) for the bytes of a text file.

    Raises :class:`RejectedFile` for bytes that are clearly not text.
    """
    decoded = decode_stream(io.BytesIO(data))
    return decoded.text, decoded.encoding, decoded.warnings


def decode_stream(stream: BinaryIO, max_chars: int | None = None) -> Decoded:
    """Decode a seekable binary stream from its start, stopping after ``max_chars`` characters.

    Raises :class:`RejectedFile` for bytes that are clearly not text.
    """
    stream.seek(0)
    head = stream.read(_SAMPLE)
    for bom, name in _BOMS:
        if head.startswith(bom):
            decoded = _decode(stream, len(bom), name, "replace", max_chars)
            if "\ufffd" in decoded.text:
                decoded.warnings.insert(0, "some bytes could not be decoded")
            return decoded
    utf16 = _utf16_without_bom(head)
    if utf16 is not None:
        return _decode(stream, 0, utf16, "replace", max_chars)
    kind = binary_kind(head)
    if kind is not None:
        raise RejectedFile(f"binary content, not text (looks like {kind})")
    if looks_binary(head):
        raise RejectedFile("binary content, not text (many control bytes)")
    try:
        return _decode(stream, 0, "utf-8", "strict", max_chars)
    except _Undecodable as exc:
        sample = head
        if exc.position > len(head) - 1024:  # a plain-ASCII start says nothing: look where it failed
            stream.seek(max(0, exc.position - _SAMPLE // 2))
            sample = stream.read(_SAMPLE)
    from charset_normalizer import from_bytes

    best = from_bytes(sample, cp_isolation=_CANDIDATES).best()
    if best is not None:
        decoded = _decode(stream, 0, best.encoding, "replace", max_chars)
        if "\ufffd" in decoded.text:
            decoded.warnings.insert(0, "some bytes could not be decoded")
        return decoded
    decoded = _decode(stream, 0, "utf-8", "replace", max_chars)
    decoded.warnings.insert(0, "encoding not recognised; undecodable bytes were replaced")
    return decoded


def _decode(stream: BinaryIO, start: int, encoding: str, errors: str, max_chars: int | None) -> Decoded:
    """Decode from byte ``start`` in steps of ``_READ`` bytes, NULs removed, at most ``max_chars``."""
    stream.seek(start)
    decoder = codecs.getincrementaldecoder(encoding)(errors=errors)
    parts: list[str] = []
    count, nul, truncated, cut_mid_character = 0, False, False, False
    offset = start  # of ``chunk`` in the file
    while True:
        chunk = stream.read(_READ)
        try:
            piece = decoder.decode(chunk, final=not chunk)
        except UnicodeDecodeError as exc:
            if chunk:
                raise _Undecodable(offset + max(0, exc.start)) from None
            # Only the last character is cut short (a file cut off mid-character): keep the rest.
            piece, cut_mid_character = chunk.decode(encoding, errors="replace") + "\ufffd", True
        if "\x00" in piece:
            piece, nul = piece.replace("\x00", ""), True
        if max_chars is not None and count + len(piece) >= max_chars:
            kept = max_chars - count
            truncated = len(piece) > kept or bool(stream.read(1))
            parts.append(piece[:kept])
            break
        parts.append(piece)
        count += len(piece)
        offset += len(chunk)
        if not chunk:
            break
    warnings = []
    if cut_mid_character:
        warnings.append("the file ends mid-character")
    if nul:
        warnings.append("NUL characters removed")
    return Decoded("".join(parts), encoding, warnings, truncated)


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
