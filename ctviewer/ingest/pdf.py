"""PDF files: the text layer page by page (parsed in a bounded child process)."""

from __future__ import annotations

import json
import subprocess
import sys

from ctviewer.errors import RejectedFile
from ctviewer.ingest.metadata import valid_date
from ctviewer.ingest.model import Draft
from ctviewer.settings import Limits

# Fewer characters than this per page on average means no real text layer.
_MIN_CHARS_PER_PAGE = 20


def read_pdf(data: bytes, limits: Limits) -> Draft:
    if b"%PDF-" not in data[:1024]:
        from ctviewer.ingest.sniff import binary_kind

        kind = binary_kind(data)
        raise RejectedFile("not a PDF file" + (f" (looks like {kind})" if kind else ""))
    result = _parse_in_child(data, limits)
    error = result.get("error")
    if error == "encrypted":
        raise RejectedFile("encrypted PDF (password protected)")
    if error == "memory":
        raise RejectedFile("PDF parser needed too much memory (over the limit); file refused")
    if error:
        raise RejectedFile(f"corrupt PDF ({result.get('detail') or error})"[:200])
    pages = [str(p) for p in result.get("pages", [])]
    if not pages:
        raise RejectedFile("corrupt PDF (no pages)")
    meta = result.get("meta") or {}
    draft = Draft(raw_text="\n\n".join(pages), file_type="pdf", pages=pages,
                  warnings=[str(w) for w in result.get("warnings", [])])
    draft.title = meta.get("Title") or None
    draft.meta_date = _pdf_date(meta.get("CreationDate"))
    if meta.get("Author"):
        draft.extra["author"] = meta["Author"][:300]
    if meta.get("Subject"):
        draft.extra["subject"] = meta["Subject"][:1000]
    if sum(len(p.strip()) for p in pages) < _MIN_CHARS_PER_PAGE * len(pages):
        draft.warnings.append("no text layer (scanned?)")
    return draft


def child_command(limits: Limits) -> list[str]:
    return [sys.executable, "-m", "ctviewer.ingest.pdf_child", str(limits.pdf_memory_bytes)]


def _parse_in_child(data: bytes, limits: Limits) -> dict:
    try:
        proc = subprocess.run(child_command(limits), input=data, capture_output=True, timeout=limits.pdf_timeout_s,
                              check=False)
    except subprocess.TimeoutExpired as exc:
        raise RejectedFile(f"PDF parser took too long (over {limits.pdf_timeout_s:g} s); file refused") from exc
    if proc.returncode != 0:
        if proc.returncode < 0 or b"MemoryError" in proc.stderr:
            raise RejectedFile("PDF parser crashed or needed too much memory; file refused")
        raise RejectedFile("corrupt PDF (the parser failed)")
    try:
        result = json.loads(proc.stdout)
    except ValueError as exc:
        raise RejectedFile("corrupt PDF (the parser failed)") from exc
    return result if isinstance(result, dict) else {"error": "corrupt"}


def _pdf_date(value: str | None) -> str | None:
    """PDF dates look like ``D:20250130120000+01'00'``."""
    if not value:
        return None
    digits = value[2:] if value.startswith("D:") else value
    try:
        year, month = int(digits[:4]), int(digits[4:6])
        day = int(digits[6:8]) if len(digits) >= 8 else None
    except ValueError:
        return None
    return valid_date(year, month, day)
