"""PDF files: the text layer page by page, parsed in a bounded child process.

PDF parsers are large C and Python code bases fed with hostile input (xref loops,
decompression bombs, fuzzed files). Parsing runs in a separate Python process with an
address-space cap (``Limits.pdf_memory_bytes``) and a wall-clock timeout
(``Limits.pdf_timeout_s``): a bad file costs a bounded amount of time and memory and is
reported with a one-line reason, and the importer goes on with the next file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from ctviewer.errors import RejectedFile
from ctviewer.ingest.metadata import valid_date
from ctviewer.ingest.model import Draft
from ctviewer.settings import Limits

# A page with fewer visible characters than this has no real text layer.
_MIN_PAGE_CHARS = 20
_NO_TEXT_LAYER = "no text layer (scanned?)"
_PACKAGE_ROOT = Path(__file__).resolve().parents[2]  # the folder holding the ctviewer package


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
    draft = Draft(
        raw_text="\n\n".join(pages),
        file_type="pdf",
        pages=pages,
        warnings=[str(w) for w in result.get("warnings", [])],
        truncated=bool(result.get("truncated")),
    )
    draft.title = meta.get("Title") or None
    draft.meta_date = _pdf_date(meta.get("CreationDate"))
    if meta.get("Author"):
        draft.extra["author"] = meta["Author"][:300]
    if meta.get("Subject"):
        draft.extra["subject"] = meta["Subject"][:1000]
    if not draft.truncated:
        draft.warnings.extend(text_layer_warnings(pages))
    return draft


def text_layer_warnings(pages: list[str]) -> list[str]:
    """ "no text layer (scanned?)" when (almost) no page has text; a count when only some lack it."""
    empty = sum(1 for page in pages if len("".join(page.split())) < _MIN_PAGE_CHARS)
    if empty == 0:
        return []
    if empty >= 0.9 * len(pages):
        return [_NO_TEXT_LAYER]
    return [f"{empty} of {len(pages)} pages have no text layer"]


def child_command(limits: Limits) -> list[str]:
    return [sys.executable, "-m", "ctviewer.ingest.pdf_child", str(limits.pdf_memory_bytes), str(limits.max_text_chars)]


def _child_env() -> dict[str, str]:
    # The child must find this ctviewer (and only it) whatever the current folder is.
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(_PACKAGE_ROOT), *filter(None, [env.get("PYTHONPATH")])])
    return env


def _parse_in_child(data: bytes, limits: Limits) -> dict[str, Any]:
    try:
        proc = subprocess.run(
            child_command(limits),
            input=data,
            capture_output=True,
            timeout=limits.pdf_timeout_s,
            check=False,
            cwd=str(_PACKAGE_ROOT),
            env=_child_env(),
        )
    except subprocess.TimeoutExpired as exc:  # run() has already killed the child
        raise RejectedFile(f"PDF parser took too long (over {limits.pdf_timeout_s:g} s); file refused") from exc
    except OSError as exc:
        raise RejectedFile(f"could not start the PDF parser ({exc.strerror or exc})") from exc
    if proc.returncode != 0:
        if proc.returncode < 0 or b"MemoryError" in proc.stderr or b"std::bad_alloc" in proc.stderr:
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
