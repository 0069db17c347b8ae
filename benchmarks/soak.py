"""Soak run: hours of an analyst's day in minutes, watching for slow leaks (not a test).

    .venv/bin/python benchmarks/soak.py                   # 2,000 rounds on 600 + 400 speeches
    .venv/bin/python benchmarks/soak.py --rounds 300      # a quick run

One process, one Library, as the desktop app's write lane holds it. First 600 UN General
Debate speeches are imported; then each round does a mix of what an analyst does all day:
searches (with facets and snippets), annotation saves, edits and deletes (with restores), and
every 100 rounds an online backup of the database and an incremental import of 20 more
speeches. Measured after a warm-up of 10% of the rounds and again at the end:

* memory (RSS): drift between the two, target under 10%;
* open file handles: target flat;
* the SQLite WAL file: bounded (the journal size limit and checkpoints keep it in check);
* Whoosh index segments: bounded by the merge policy.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ungd import speech_files  # noqa: E402

from ctviewer.archive.backups import auto_backup, list_backups  # noqa: E402
from ctviewer.errors import KnownError  # noqa: E402
from ctviewer.library import Library  # noqa: E402

QUERIES = [
    "terrorism",
    "Afghanistan AND sanctions",
    '"Security Council"',
    "extrem*",
    "terorism~",
    "date:[1990 TO 2000]",
    "climate OR nuclear",
    "(Russia OR China) AND security",
    "title:statement",
    "refugees NOT Syria",
    "note:soak",
    "tag:soak",
    "annotated:yes AND peace",
]
WORDS = ["commitment", "claim", "follow up", "contradiction", "question", "priority", "soak"]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def open_files() -> int:
    return len(os.listdir("/proc/self/fd"))


def size_mb(path: Path) -> float:
    return path.stat().st_size / 1e6 if path.exists() else 0.0


def speeches(work: Path) -> list[Path]:
    return speech_files(work)


def state(library: Library, root: Path) -> dict[str, float]:
    return {
        "rss_mb": rss_mb(),
        "open_files": open_files(),
        "wal_mb": size_mb(root / "ctviewer.sqlite3-wal"),
        "segments": library.index_segments(),
    }


def one_round(library: Library, rng: random.Random, live: list[int], doc_ids: list[int]) -> None:
    library.search(rng.choice(QUERIES), limit=20, facets=True, snippets=True)
    library.search(rng.choice(QUERIES), limit=20, snippets=False)
    action = rng.random()
    if action < 0.4 or not live:
        doc = rng.choice(doc_ids)
        text = library.document(doc).text
        if len(text) > 200:
            start = rng.randrange(0, len(text) - 100)
            change = library.annotate(
                doc,
                start=start,
                end=start + rng.randint(20, 90),
                note=f"soak {rng.choice(WORDS)}",
                tags=[rng.choice(WORDS)],
            )
            live.extend(change.annotations)
    elif action < 0.75:
        library.edit_annotation(
            rng.choice(live), note=f"soak edited {rng.choice(WORDS)}", tags=[rng.choice(WORDS), "soak"]
        )
    elif action < 0.9:
        victim = live.pop(rng.randrange(len(live)))
        library.delete_annotation(victim)
        if rng.random() < 0.5:
            library.restore_annotation(victim)
            live.append(victim)
    else:
        library.annotations(limit=200)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one, removed afterwards)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ctviewer-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        files = speeches(work)
        rng = random.Random(2026)
        pool = rng.sample(files, 600 + 20 * (args.rounds // 100 + 1))
        root = work / "archive"
        shutil.rmtree(root, ignore_errors=True)
        library = Library.open(root)
        started = time.perf_counter()
        library.import_paths(pool[:600])
        print(f"imported 600 speeches in {time.perf_counter() - started:.1f} s", flush=True)
        doc_ids = [d.id for d in library.documents()]
        live: list[int] = []
        next_file = 600
        clock = datetime(2026, 1, 1, tzinfo=UTC)  # each backup round is "an hour later": rotation runs
        taken = 0
        baseline: dict[str, float] = {}
        warm_up = max(1, args.rounds // 10)
        errors = 0
        started = time.perf_counter()
        for i in range(1, args.rounds + 1):
            try:
                one_round(library, rng, live, doc_ids)
            except KnownError as exc:  # e.g. a generated range inside a word boundary rule
                errors += 1
                print(f"round {i}: {exc}")
            if i % 100 == 0:
                clock += timedelta(hours=1)
                taken += auto_backup(library.archive.paths, now=clock) is not None
                report = library.import_paths(pool[next_file : next_file + 20])
                next_file += 20
                doc_ids += [o.document_id for o in report.of("imported") if o.document_id is not None]
            if i == warm_up:
                baseline = state(library, root)
            if i % max(1, args.rounds // 10) == 0:
                now = state(library, root)
                print(
                    f"round {i:5d}: rss {now['rss_mb']:6.1f} MB  files {now['open_files']:3.0f}  "
                    f"wal {now['wal_mb']:5.1f} MB  segments {now['segments']:2.0f}  "
                    f"annotations {len(live)}  documents {len(doc_ids)}",
                    flush=True,
                )
        elapsed = time.perf_counter() - started
        end = state(library, root)
        library.close()
        drift = (end["rss_mb"] - baseline["rss_mb"]) / baseline["rss_mb"] * 100
        print(f"\n{args.rounds:,} rounds in {elapsed:.0f} s ({args.rounds / elapsed:.1f} rounds/s), {errors} refused")
        print(
            f"memory:        {baseline['rss_mb']:.1f} -> {end['rss_mb']:.1f} MB  drift {drift:+.1f}% (target under 10%)"
        )
        print(f"open files:    {baseline['open_files']:.0f} -> {end['open_files']:.0f} (target flat)")
        print(f"WAL file:      {baseline['wal_mb']:.1f} -> {end['wal_mb']:.1f} MB (target bounded)")
        print(f"index segments: {baseline['segments']:.0f} -> {end['segments']:.0f}")
        print(
            f"backups:       {taken} automatic backups taken, {len(list_backups(library.archive.paths))} "
            "kept after rotation"
        )
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
