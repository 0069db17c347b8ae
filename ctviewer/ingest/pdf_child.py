"""Runs in a child process: parse a PDF from stdin, print its pages and metadata as JSON.

The parent applies a wall-clock timeout; this process caps its own address space first,
so a parser bomb or a malformed xref loop costs a bounded amount of memory and time and
can never take the importer (or the desktop app) down with it. It imports nothing from
ctviewer, so it starts fast and runs the same however ctviewer was installed.

Usage: ``python -m ctviewer.ingest.pdf_child MEMORY_BYTES MAX_CHARS < file.pdf``
"""

from __future__ import annotations

import json
import sys


def _limit_memory(limit: int) -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):  # not available on this platform: the timeout still applies
        pass


def _pdfium(data: bytes, max_chars: int) -> dict[str, object]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            return {"error": "encrypted"}
        raise
    try:
        pages: list[str] = []
        used, truncated = 0, False
        for index in range(len(pdf)):
            if used >= max_chars:  # keep counting pages, stop reading text
                pages.append("")
                truncated = True
                continue
            page = pdf[index]
            textpage = page.get_textpage()
            text = textpage.get_text_bounded()
            textpage.close()
            page.close()
            pages.append(text[: max_chars - used])
            used += len(text)
        meta = {k: v for k, v in pdf.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)}
    finally:
        pdf.close()
    return {"pages": pages, "meta": meta, "engine": "pdfium", "truncated": truncated}


def _pypdf(data: bytes, max_chars: int) -> dict[str, object]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return {"error": "encrypted"}
    pages: list[str] = []
    used, truncated = 0, False
    for page in reader.pages:
        if used >= max_chars:
            pages.append("")
            truncated = True
            continue
        text = page.extract_text() or ""
        pages.append(text[: max_chars - used])
        used += len(text)
    info: dict[str, object] = dict(reader.metadata or {})
    meta = {str(k).lstrip("/"): str(v) for k, v in info.items() if isinstance(v, str)}
    return {"pages": pages, "meta": meta, "engine": "pypdf", "truncated": truncated}


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    max_chars = int(sys.argv[2]) if len(sys.argv) > 2 else 50 * 1024 * 1024
    data = sys.stdin.buffer.read()
    if limit:
        _limit_memory(limit)
    try:
        result = _pdfium(data, max_chars)
    except MemoryError:
        result = {"error": "memory"}
    except Exception as first:  # pdfium refused it: the pure-Python parser sometimes copes
        try:
            result = _pypdf(data, max_chars)
            if "error" not in result:
                result["warnings"] = [f"read with the fallback parser (pdfium: {str(first)[:80]})"]
        except MemoryError:
            result = {"error": "memory"}
        except Exception as second:
            result = {"error": "corrupt", "detail": f"{first}; {type(second).__name__}: {second}"[:200]}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
