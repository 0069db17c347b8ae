"""Runs in a child process: parse a PDF from stdin, print its pages and metadata as JSON.

The parent applies a wall-clock timeout; this process caps its own address space first,
so a parser bomb or a malformed xref loop costs a bounded amount of memory and time and
can never take the importer (or the desktop app) down with it.
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


def _pdfium(data: bytes) -> dict[str, object]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc)
        if "password" in message.lower():
            return {"error": "encrypted"}
        raise
    try:
        pages = []
        for index in range(len(pdf)):
            page = pdf[index]
            textpage = page.get_textpage()
            pages.append(textpage.get_text_bounded())
            textpage.close()
            page.close()
        meta = {k: v for k, v in pdf.get_metadata_dict(skip_empty=True).items() if isinstance(v, str)}
    finally:
        pdf.close()
    return {"pages": pages, "meta": meta, "engine": "pdfium"}


def _pypdf(data: bytes) -> dict[str, object]:
    import io

    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and not reader.decrypt(""):
        return {"error": "encrypted"}
    pages = [page.extract_text() or "" for page in reader.pages]
    info = reader.metadata or {}
    meta = {str(k).lstrip("/"): str(v) for k, v in info.items() if isinstance(v, str)}
    return {"pages": pages, "meta": meta, "engine": "pypdf"}


def main() -> None:
    limit = int(sys.argv[1]) if len(sys.argv) > 1 else 0
    if limit:
        _limit_memory(limit)
    data = sys.stdin.buffer.read()
    try:
        result = _pdfium(data)
    except MemoryError:
        result = {"error": "memory"}
    except Exception as first:  # pdfium refused it: the pure-Python parser sometimes copes
        try:
            result = _pypdf(data)
            result.setdefault("warnings", [f"read with the fallback parser ({type(first).__name__})"])
        except MemoryError:
            result = {"error": "memory"}
        except Exception as second:
            result = {"error": "corrupt", "detail": f"{first}; {type(second).__name__}: {second}"[:200]}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    main()
