"""Text encodings are detected; a bad byte never crashes a read; huge files are decoded as a
stream that stops at the text limit."""

from __future__ import annotations

import codecs
import io

import pytest

from ctviewer.errors import RejectedFile
from ctviewer.ingest.encoding import decode, decode_stream

RUSSIAN = "Шанхайская организация сотрудничества и Региональная антитеррористическая структура. " * 5
FRENCH = "Coopération régionale contre le terrorisme en Asie centrale : déclaration commune. " * 5


@pytest.mark.parametrize(
    ("data", "expected", "encoding"),
    [
        (RUSSIAN.encode("utf-8"), RUSSIAN, "utf-8"),
        (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), FRENCH, "utf-8"),
        (codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"), RUSSIAN, "utf-16-le"),
        (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), FRENCH, "utf-16-be"),
        (FRENCH.encode("utf-16-le"), FRENCH, "utf-16-le"),
        (RUSSIAN.encode("cp1251"), RUSSIAN, "cp1251"),
        (RUSSIAN.encode("koi8-r"), RUSSIAN, "koi8_r"),
        (FRENCH.encode("cp1252"), FRENCH, "cp125"),  # cp1250 and cp1252 agree on these letters
    ],
)
def test_encodings_are_recognised(data: bytes, expected: str, encoding: str) -> None:
    text, found, warnings = decode(data)
    assert text == expected
    assert found.replace("-", "_").startswith(encoding.replace("-", "_"))
    assert warnings == []


def test_nul_bytes_are_removed_with_a_warning() -> None:
    text, _, warnings = decode(b"Joint Plan\x00 of Action " * 20)
    assert "\x00" not in text and "Joint Plan of Action" in text
    assert "NUL characters removed" in warnings


def test_mixed_encodings_never_raise() -> None:
    data = ("Ташкент ".encode() + "Ташкент ".encode("cp1251") + "Genève".encode("cp1252")) * 30
    text, _, _ = decode(data)
    assert text  # whatever the guess, something readable comes back and nothing raises


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
        (b"PK\x03\x04" + b"\x00" * 100, "ZIP"),
        (bytes(range(32)) * 100, "control bytes"),
    ],
)
def test_binary_content_is_refused(data: bytes, kind: str) -> None:
    with pytest.raises(RejectedFile, match="binary content") as err:
        decode(data)
    assert kind in str(err.value)


class CountingStream(io.BytesIO):
    """A stream that remembers how many bytes were read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1, /) -> bytes:
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


# Bigger than the 1 MB decoding step, so characters of several bytes straddle step boundaries.
BIG = 3 * 1024 * 1024 + 7


@pytest.mark.parametrize(
    ("text", "prefix", "encoding"),
    [
        (RUSSIAN, b"", "utf-8"),  # two-byte characters
        ("\u4e0a\u6d77\u5408\u4f5c\u7ec4\u7ec7 " * 5, b"", "utf-8"),  # three-byte characters
        (RUSSIAN, codecs.BOM_UTF16_LE, "utf-16-le"),
        (FRENCH, codecs.BOM_UTF16_BE, "utf-16-be"),
        (RUSSIAN, b"", "cp1251"),
    ],
)
def test_a_stream_decodes_exactly_as_the_whole_bytes_do(text: str, prefix: str, encoding: str) -> None:
    body = (text * (BIG // len(text) + 1))[:BIG]
    data = prefix + body.encode(encoding)
    decoded = decode_stream(io.BytesIO(data))
    assert decoded.text == body
    assert decoded.encoding.replace("-", "_").startswith(encoding.replace("-", "_"))
    assert decoded.warnings == [] and not decoded.truncated
    assert decode(data) == (body, decoded.encoding, [])


def test_a_stream_stops_at_max_chars_and_leaves_the_rest_unread() -> None:
    body = (RUSSIAN * (BIG // len(RUSSIAN) + 1))[:BIG]
    stream = CountingStream(body.encode("utf-8"))  # about 6 MB
    decoded = decode_stream(stream, max_chars=1_000_000)
    assert decoded.text == body[:1_000_000]
    assert decoded.truncated
    # A million two-byte characters, plus at most one 1 MB step read ahead and a peek.
    assert stream.bytes_read <= 2_000_000 + 1024 * 1024 + 1
    exact = decode_stream(io.BytesIO(body.encode("utf-8")), max_chars=len(body))
    assert exact.text == body and not exact.truncated  # exactly the limit: nothing was cut


def test_nuls_across_a_stream_are_removed_and_counted_once() -> None:
    body = ("Joint Plan\x00 of Action. " * (BIG // 25)).encode("utf-8")
    decoded = decode_stream(io.BytesIO(body))
    assert "\x00" not in decoded.text and decoded.text.count("Joint Plan of Action.") == BIG // 25
    assert decoded.warnings == ["NUL characters removed"]


def test_a_bad_byte_beyond_the_first_step_falls_back_to_a_legacy_encoding() -> None:
    ascii_head = b"Regional Anti-Terrorist Structure. " * 60_000  # about 2 MB of plain ASCII
    data = ascii_head + "Gen\u00e8ve".encode("cp1252")
    decoded = decode_stream(io.BytesIO(data))
    assert decoded.text.endswith("Gen\u00e8ve") and len(decoded.text) == len(data)
    assert decoded.encoding != "utf-8"


def test_a_stream_cut_inside_its_last_character_keeps_the_rest() -> None:
    data = RUSSIAN.encode("utf-8") * 5000 + "\u0416".encode("utf-8")[:1]
    decoded = decode_stream(io.BytesIO(data))
    assert decoded.text == RUSSIAN * 5000 + "\ufffd"
    assert decoded.encoding == "utf-8"
    assert decoded.warnings == ["the file ends mid-character"]
