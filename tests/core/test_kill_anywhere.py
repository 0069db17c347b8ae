"""SIGKILL at random moments during an extraction run, a reindex and annotation saves.

(The bulk import has its own test: test_kill_import.py.) After every kill the archive must
open, pass ``check`` (SQLite integrity, foreign keys, index agreeing with the database, which
``Library.open`` repairs by itself), hold every document with exactly the mentions a clean
run gives it once its extraction is marked done, hold every annotation the killed process
acknowledged, and search must answer only with documents the database holds. A resumed
run must finish with no duplicate mentions or annotations.

Kill points are random but seeded; ``CTVIEWER_KILL_POINTS=50`` raises their number for a
long soak run (the default keeps the test fast).
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ctviewer.library import Library

from ..conftest import CORPUS, run_cli

pytestmark = pytest.mark.slow  # processes killed with SIGKILL at many points

WHITE_HOUSE = CORPUS / "other" / "whitehouse-briefing-room-md"
KILL_POINTS = int(os.environ.get("CTVIEWER_KILL_POINTS", "0"))


def _points(default: int) -> int:
    return KILL_POINTS or default


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, int]]:
    """An archive of 80 speeches with entities extracted, and each document's mention count."""
    if not WHITE_HOUSE.is_dir():
        pytest.skip("../shared/corpus is not beside the repository")
    base = tmp_path_factory.mktemp("kill-anywhere")
    inbox = base / "inbox"
    inbox.mkdir()
    for path in sorted(WHITE_HOUSE.rglob("*.md"))[:80]:
        shutil.copy(path, inbox / path.name)
    root = base / "archive"
    done = run_cli("import", str(inbox), archive=root)
    assert done.returncode == 0, done.stderr[-2000:]
    return root, _mention_counts(root)


def _copy(root: Path, target: Path) -> Path:
    shutil.copytree(root, target)
    return target


def _mention_counts(root: Path, *, done_only: bool = False) -> dict[int, int]:
    with sqlite3.connect(root / "ctviewer.sqlite3") as db:
        where = "WHERE d.extraction_state = 'done'" if done_only else ""
        rows = db.execute(
            f"SELECT d.id, COUNT(m.id) FROM documents d LEFT JOIN mentions m ON m.document_id = d.id "
            f"{where} GROUP BY d.id"
        ).fetchall()
    return dict(rows)


def _query(root: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{root / 'ctviewer.sqlite3'}?mode=ro", uri=True, timeout=5) as db:
        return int(db.execute(sql).fetchone()[0])


def _pending(root: Path) -> int:
    return _query(root, "SELECT COUNT(*) FROM documents WHERE extraction_state = 'pending'")


def _index_dirty(root: Path) -> bool:
    return bool(_query(root, "SELECT COUNT(*) FROM meta WHERE key = 'index_dirty' AND value = '1'"))


def _run_and_kill(args: list[str], delay: float, ready: Callable[[], bool] | None = None) -> list[str]:
    """Start ``args``, SIGKILL it ``delay`` seconds after ``ready()`` holds (or after start);
    return the stdout lines it printed."""
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    lines: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        lines.extend(line.strip() for line in proc.stdout)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 120
    while ready is not None and not ready() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    reader.join(timeout=10)
    return lines


def _cli(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "ctviewer", "--archive", str(root), *args]


@contextmanager
def _healthy(root: Path) -> Iterator[Library]:
    """Open (which repairs the index), check, and check that search answers with held documents only."""
    library = Library.open(root)
    try:
        report = library.check()
        assert report.ok, report.problems
        held = {d.id for d in library.documents()}
        assert library.index.index.doc_count() == len(held)
        hits = library.search("president OR america OR state", limit=1000, snippets=False).hits
        assert hits and {h.id for h in hits} <= held
        yield library
    finally:
        library.close()


@pytest.mark.timeout(300)
def test_kill_during_extract_all(tmp_path: Path, extracted: tuple[Path, dict[int, int]]) -> None:
    base, clean = extracted
    root = _copy(base, tmp_path / "archive")
    total = len(clean)
    rng = random.Random(6001)
    unfinished = 0
    for point in range(_points(3)):
        # The first run is killed at a random moment; later ones once the re-extraction has marked
        # every document pending (its first commit), at a random moment in the batches after it.
        if point == 0:
            _run_and_kill(_cli(root, "extract", "--all"), rng.uniform(0.5, 6.0))
        else:
            _run_and_kill(_cli(root, "extract", "--all"), rng.uniform(0.0, 4.0), lambda: _pending(root) == total)
        unfinished += _pending(root) > 0
        with _healthy(root):
            pass
        # A document marked done holds exactly its mentions (one transaction per batch): never
        # half of them, never twice.
        for doc_id, count in _mention_counts(root, done_only=True).items():
            assert count == clean[doc_id], f"document #{doc_id}: {count} mentions, a clean run stores {clean[doc_id]}"
    assert unfinished, "no kill interrupted the extraction: the test proved nothing"
    resumed = run_cli("extract", archive=root)
    assert resumed.returncode == 0, resumed.stderr[-2000:]
    assert _mention_counts(root, done_only=True) == clean
    with _healthy(root) as library:
        assert library.search("person:trump", limit=5, snippets=False).hits


@pytest.mark.timeout(300)
def test_kill_during_reindex(tmp_path: Path, extracted: tuple[Path, dict[int, int]]) -> None:
    root = _copy(extracted[0], tmp_path / "archive")
    with sqlite3.connect(root / "ctviewer.sqlite3") as db:
        expected = db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
    rng = random.Random(6002)
    interrupted = 0
    for delay in [rng.uniform(0.0, 0.6) for _ in range(_points(4))]:
        _run_and_kill(_cli(root, "reindex"), delay, lambda: _index_dirty(root))  # once the rebuild has begun
        interrupted += _index_dirty(root)
        with _healthy(root) as library:
            assert library.index.index.doc_count() == expected
            assert library.search("person:trump", limit=5, snippets=False).hits  # entity fields rebuilt too
    assert interrupted, "no kill interrupted the rebuild: the test proved nothing"
    finished = run_cli("reindex", archive=root)
    assert finished.returncode == 0 and f"re-indexed {expected} documents" in finished.stdout


# Saves annotations one by one and edits the previous one, printing after each commit returns
# (what a UI acknowledges to the analyst). Notes carry a version number so that an edit that was
# committed but not yet printed when the kill came is recognised as newer, not as a loss.
_ANNOTATOR = r"""
import sys
from ctviewer.library import Library

library = Library.open(sys.argv[1])
docs = [d.id for d in library.documents()]
previous = None
first = library.annotation_count()  # numbering goes on across runs: each save has its own n
for n in range(first, first + 100000):
    doc_id = docs[n % len(docs)]
    text = library.document(doc_id).text
    start = (n * 37) % max(1, len(text) - 40)
    change = library.annotate(doc_id, start=start, end=start + 30, note=f"kill-note {n} v0", tags=["killtest"])
    new = change.annotations[0]
    print(f"saved {new} {doc_id} v0", flush=True)
    if previous is not None:
        library.edit_annotation(previous[0], note=f"kill-note {previous[1]} v1")
        print(f"edited {previous[0]} v1", flush=True)
    previous = (new, n)
"""


@pytest.mark.timeout(300)
def test_kill_during_annotation_saves(tmp_path: Path, extracted: tuple[Path, dict[int, int]]) -> None:
    root = _copy(extracted[0], tmp_path / "archive")
    rng = random.Random(6003)
    acknowledged: dict[int, tuple[int, int]] = {}  # annotation id -> (document, version at least)
    for delay in [rng.uniform(1.0, 4.0) for _ in range(_points(3))]:
        for line in _run_and_kill([sys.executable, "-c", _ANNOTATOR, str(root)], delay):
            kind, ann_id, *rest = line.split()
            if kind == "saved":
                acknowledged[int(ann_id)] = (int(rest[0]), 0)
            elif kind == "edited":
                acknowledged[int(ann_id)] = (acknowledged[int(ann_id)][0], 1)
        assert acknowledged, "the annotator was killed before its first save: raise the delays"
        with _healthy(root) as library:
            stored = {a.id: a for a in library.annotations()}
            for ann_id, (doc_id, version) in acknowledged.items():
                assert ann_id in stored, f"annotation {ann_id} was acknowledged but is missing"
                record = stored[ann_id]
                assert record.document_id == doc_id and record.tags == ("killtest",)
                assert int(record.note.rsplit(" v", 1)[1]) >= version, (ann_id, record.note, version)
                assert len(record.quote) == 30
            # No duplicates: one annotation per save (save number n carries "kill-note n").
            numbers = [a.note.split()[1] for a in stored.values()]
            assert len(numbers) == len(set(numbers))
            hits = library.search("tag:killtest", limit=1000, snippets=False).hits
            assert {h.id for h in hits} == {a.document_id for a in stored.values()}
