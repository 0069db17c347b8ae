"""Run by tests/safety/test_huge_inputs.py in a fresh process (so peak memory is its own):
import one file with a 2,000,000-character text limit and print what it cost, as JSON.

    python -m tests.safety.huge_line_child FILE ARCHIVE WORKERS
"""

from __future__ import annotations

import json
import resource
import sys
from dataclasses import replace
from pathlib import Path

from ctviewer.library import Library
from ctviewer.settings import Limits, Settings
from tests.entities.conftest import FakeExtractor

TEXT_LIMIT = 2_000_000


def _peak_mb(who: int) -> int:
    return resource.getrusage(who).ru_maxrss // 1024


def main() -> None:
    path, root, workers = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    settings = Settings(limits=replace(Limits(), max_text_chars=TEXT_LIMIT))
    library = Library.open(root, settings=settings, extractor=FakeExtractor())
    try:
        # The language identifier's model (about 110 MB, loaded once per process) is not the file's cost.
        from ctviewer.ingest.metadata import detect_language

        if workers == 0:
            detect_language("The Regional Anti-Terrorist Structure met in Tashkent on Monday.")
        base = _peak_mb(resource.RUSAGE_SELF)
        report = library.import_paths([path], workers=workers)
        [outcome] = report.outcomes
        doc = library.document(outcome.document_id) if outcome.document_id is not None else None
        originals = [p.stat().st_size for p in library.archive.originals.all_files()]
        print(
            json.dumps(
                {
                    "status": outcome.status,
                    "reason": outcome.reason,
                    "warnings": list(outcome.warnings),
                    "text_chars": len(doc.text) if doc else None,
                    "truncated": doc.truncated if doc else None,
                    "originals": originals,
                    "hits": library.search("Tashkent").total,
                    "self_growth_mb": _peak_mb(resource.RUSAGE_SELF) - base,
                    "worker_peak_mb": _peak_mb(resource.RUSAGE_CHILDREN),
                }
            )
        )
    finally:
        library.close()


if __name__ == "__main__":
    main()
