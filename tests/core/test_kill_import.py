"""SIGKILL in the middle of a large import, at random moments, then open, check and resume.

Every document the killed process reported as imported must be there (row, text and
original), ``check`` must pass after the automatic index repair, search must never return
a document the database does not hold, and a resumed import must add no duplicates.
"""

from __future__ import annotations

import hashlib
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ctviewer.library import Library

from ..conftest import CORPUS

pytestmark = pytest.mark.slow  # an import killed with SIGKILL, then resumed

WHITE_HOUSE = CORPUS / "other" / "whitehouse-briefing-room-md"
LINE = re.compile(r"^imported\s+#(\d+)\s+(.+)$")


@pytest.fixture(scope="module")
def inbox(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not WHITE_HOUSE.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    folder = tmp_path_factory.mktemp("inbox")
    for path in sorted(WHITE_HOUSE.rglob("*.md"))[:150]:
        shutil.copy(path, folder / path.name)
    return folder


def _import_and_kill(root: Path, inbox: Path, delay: float) -> list[tuple[int, str]]:
    """Start an import, SIGKILL it after ``delay`` seconds; return what it reported imported."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "ctviewer", "--archive", str(root), "import", str(inbox)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    reported: list[tuple[int, str]] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            match = LINE.match(line.strip())
            if match:
                reported.append((int(match.group(1)), match.group(2).strip()))

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    reader.join(timeout=10)
    return reported


def test_kill_during_import_loses_nothing_reported_and_resumes_cleanly(tmp_path: Path, inbox: Path) -> None:
    root = tmp_path / "archive"
    rng = random.Random(20261122)
    reported_all: dict[int, str] = {}
    for delay in [rng.uniform(0.8, 5.0) for _ in range(5)]:
        reported = _import_and_kill(root, inbox, delay)
        reported_all.update(dict(reported))
        library = Library.open(root)  # repairs a dirty or lagging index on open
        try:
            report = library.check()
            assert report.ok, report.problems
            stored = {d.id: d for d in library.documents()}
            for doc_id, path in reported_all.items():
                assert doc_id in stored, f"reported imported but missing: #{doc_id} {path}"
                digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
                assert stored[doc_id].sha256 == digest
                assert library.document(doc_id).text.strip()
                assert library.original_path(doc_id).read_bytes() == Path(path).read_bytes()
            # Search answers only with documents the database holds.
            hits = library.search("president OR america", limit=1000).hits
            assert {h.id for h in hits} <= set(stored)
        finally:
            library.close()

    finish = subprocess.run(
        [sys.executable, "-m", "ctviewer", "--archive", str(root), "import", str(inbox)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert finish.returncode == 0, finish.stderr[-2000:]
    library = Library.open(root)
    try:
        unique = {hashlib.sha256(p.read_bytes()).hexdigest() for p in inbox.iterdir()}
        docs = library.documents()
        assert len(docs) == len(unique) == len({d.sha256 for d in docs})
        assert library.check().ok
        assert library.index.index.doc_count() == len(docs)
    finally:
        library.close()
