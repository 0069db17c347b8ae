"""Makers of hostile and broken input files for import tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4


def make_bad_files(folder: Path, canary: Path) -> dict[str, Path]:
    """Write one file per bad-input case; returns {case: path}."""
    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}

    def put(name: str, data: bytes) -> Path:
        path = folder / name
        path.write_bytes(data)
        return path

    files["corrupt-pdf"] = put("corrupt.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\nthis is not a pdf" * 3)
    files["binary-as-txt"] = put("picture.txt", PNG_HEADER)
    files["empty"] = put("empty.txt", b"")
    bomb = folder / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("word/document.xml", "w", force_zip64=True) as entry:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):
                entry.write(chunk)
    files["zip-bomb-docx"] = bomb
    xxe = (
        f'<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY canary SYSTEM "file://{canary}">]>\n'
        "<html><head><title>XXE test</title></head><body><p>Before &canary; after. "
        "This page tries to read a local file through an external entity.</p></body></html>"
    )
    files["xxe-html"] = put("xxe.html", xxe.encode())
    files["unsupported"] = put("table.xlsx", b"PK\x03\x04 not really")
    return files
