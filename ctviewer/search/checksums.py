"""Checksums of the index's files, so damage inside them is found rather than searched.

Whoosh keeps no checksums: a damaged page in the middle of a segment can pass every read and
quietly change rankings (a zeroed 4 KB page at 20% of a segment changed the top 10 of 61 of 200
regression queries without any error). Whoosh never rewrites a file once written (each commit
writes new segment files and a new table of contents, and deletes what it no longer needs), so
a manifest of CRC-32s computed when each file is written describes it for its whole life.

``refresh`` runs after every commit (only files new since the last refresh are read, while they
are still in the page cache); ``damaged`` reads every listed file again and is what ``ctviewer
check`` and the app's background check ask. A file written after the last refresh (a crash in
between: the index is then marked dirty anyway) is simply not checked yet.
"""

from __future__ import annotations

import json
import os
import zlib
from pathlib import Path

MANIFEST = "ctviewer-checksums.json"
_BLOCK = 1 << 20
# Files beside the index that are not Whoosh's (or are rewritten in place): never checksummed.
_SKIP_SUFFIXES = (".tmp", "WRITELOCK", ".json")
_SKIP_NAMES = frozenset({"GENERATION", MANIFEST})


def _crc(path: Path) -> int:
    crc = 0
    with path.open("rb") as handle:
        while block := handle.read(_BLOCK):
            crc = zlib.crc32(block, crc)
    return crc


def _indexed_files(folder: Path) -> list[Path]:
    return [
        p for p in folder.iterdir() if p.is_file() and p.name not in _SKIP_NAMES and not p.name.endswith(_SKIP_SUFFIXES)
    ]


def _load(folder: Path) -> dict[str, list[int]]:
    try:
        data = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {str(k): [int(v[0]), int(v[1])] for k, v in data.items() if isinstance(v, list) and len(v) == 2}


def refresh(folder: Path) -> None:
    """Add the (size, CRC-32) of files written since the last refresh; forget deleted files."""
    folder = Path(folder)
    known = _load(folder)
    current: dict[str, list[int]] = {}
    for path in _indexed_files(folder):
        entry = known.get(path.name)
        if entry is None:
            try:
                entry = [path.stat().st_size, _crc(path)]
            except FileNotFoundError:  # deleted by a merge meanwhile
                continue
        current[path.name] = entry
    tmp = folder / (MANIFEST + ".tmp")
    tmp.write_text(json.dumps(current, sort_keys=True), encoding="utf-8")
    os.replace(tmp, folder / MANIFEST)


def damaged(folder: Path) -> list[str]:
    """Names of the index files whose size or CRC-32 no longer match what was written."""
    folder = Path(folder)
    found = []
    for name, (size, crc) in sorted(_load(folder).items()):
        path = folder / name
        try:
            if path.stat().st_size != size or _crc(path) != crc:
                found.append(name)
        except FileNotFoundError:  # merged away since: Whoosh no longer reads it
            continue
    return found
