"""Text encodings are detected; a bad byte never crashes a read."""

from __future__ import annotations

import codecs

import pytest

from ctviewer.errors import RejectedFile
from ctviewer.ingest.encoding import decode

RUSSIAN = "Шанхайская организация сотрудничества и Региональная антитеррористическая структура. " * 5
FRENCH = "Coopération régionale contre le terrorisme en Asie centrale : déclaration commune. " * 5


@pytest.mark.parametrize(("data", "expected", "encoding"), [
    (RUSSIAN.encode("utf-8"), RUSSIAN, "utf-8"),
    (codecs.BOM_UTF8 + FRENCH.encode("utf-8"), FRENCH, "utf-8"),
    (codecs.BOM_UTF16_LE + RUSSIAN.encode("utf-16-le"), RUSSIAN, "utf-16-le"),
    (codecs.BOM_UTF16_BE + FRENCH.encode("utf-16-be"), FRENCH, "utf-16-be"),
    (FRENCH.encode("utf-16-le"), FRENCH, "utf-16-le"),
    (RUSSIAN.encode("cp1251"), RUSSIAN, "cp1251"),
    (RUSSIAN.encode("koi8-r"), RUSSIAN, "koi8_r"),
    (FRENCH.encode("cp1252"), FRENCH, "cp125"),  # cp1250 and cp1252 agree on these letters
])
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


@pytest.mark.parametrize(("data", "kind"), [
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "PNG image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"PK\x03\x04" + b"\x00" * 100, "ZIP"),
    (bytes(range(32)) * 100, "control bytes"),
])
def test_binary_content_is_refused(data: bytes, kind: str) -> None:
    with pytest.raises(RejectedFile, match="binary content") as err:
        decode(data)
    assert kind in str(err.value)
