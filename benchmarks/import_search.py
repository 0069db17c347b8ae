"""Import and search benchmark on real UN General Debate speeches (not a test).

    .venv/bin/python benchmarks/import_search.py            # N = 2,000 and 10,000
    .venv/bin/python benchmarks/import_search.py --n 500    # a quick run

For each N it prints: import-to-searchable throughput (docs/s, MB/s) of the full pipeline
(read, sha256, extract, clean, metadata, SQLite, originals, Whoosh), the same texts indexed
by bare Whoosh (minimal schema, one writer, no pipeline) and the ratio of the two, database
and index sizes, search latency p50/p95 over a fixed mixed query set with and without
top-10 highlighting, and the wall time of the ``ctviewer search`` command.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ungd import sample, speech_files  # noqa: E402

from ctviewer.library import Library  # noqa: E402

QUERIES = [
    "terrorism",
    "Afghanistan",
    "sanctions",
    "climate",
    "nuclear",
    "Uzbekistan",
    "refugees",
    "pandemic",
    "terrorism AND Afghanistan",
    "climate AND security",
    "Syria OR Iraq",
    "peacekeeping OR mediation",
    "terrorism NOT Afghanistan",
    "sustainable development goals",
    '"Security Council reform"',
    '"weapons of mass destruction"',
    '"Central Asia"',
    '"rule of law"',
    "terror*",
    "extrem*",
    "nucle*",
    "migra*",
    "title:KAZ",
    "date:[2015 TO 2020] AND terrorism",
    "lang:en AND cyber*",
    "terorism~",
    "(Russia OR China) AND sanctions",
    "Kazakhstan AND nuclear AND disarmament",
]


def speeches(work: Path, n: int) -> list[Path]:
    return sample(speech_files(work), n)


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def bare_whoosh(files: list[Path], target: Path) -> float:
    from whoosh import fields, index

    schema = fields.Schema(id=fields.ID(stored=True, unique=True), body=fields.TEXT)
    target.mkdir(parents=True)
    started = time.perf_counter()
    ix = index.create_in(str(target), schema)
    writer = ix.writer(limitmb=128)
    for i, path in enumerate(files):
        writer.add_document(id=str(i), body=path.read_text(encoding="utf-8", errors="replace"))
    writer.commit()
    return time.perf_counter() - started


def percentile(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def run(n: int, work: Path) -> None:
    files = speeches(work, n)
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"\n=== N = {len(files):,} speeches, {mb:.1f} MB ===", flush=True)

    bare_s = bare_whoosh(files, work / f"bare-{n}")
    print(f"bare Whoosh indexing:      {bare_s:7.1f} s  {len(files) / bare_s:6.1f} docs/s")

    root = work / f"archive-{n}"
    library = Library.open(root)
    started = time.perf_counter()
    report = library.import_paths(files)
    pipeline_s = time.perf_counter() - started
    segments = library.index_segments()
    started = time.perf_counter()
    library.optimize_index()
    merge_s = time.perf_counter() - started
    assert len(report.of("imported")) + len(report.of("duplicate")) == len(files), report.of("failed")[:3]
    print(
        f"ctviewer import+index:     {pipeline_s:7.1f} s  {len(files) / pipeline_s:6.1f} docs/s  "
        f"{mb / pipeline_s:5.2f} MB/s  (duplicates {len(report.of('duplicate'))}, searchable throughout)"
    )
    print(f"throughput ratio vs bare:  {bare_s / pipeline_s:7.2f}x  (target >= 0.8x)")
    print(
        f"merging {segments} index segments afterwards: {merge_s:5.1f} s  "
        f"(ratio including it: {bare_s / (pipeline_s + merge_s):.2f}x)"
    )
    db = sum(p.stat().st_size for p in root.glob("ctviewer.sqlite3*"))
    print(f"database size:             {db / 1e6:7.1f} MB")
    print(
        f"index size:                {folder_size(root / 'index') / 1e6:7.1f} MB "
        f"(bare Whoosh {folder_size(work / f'bare-{n}') / 1e6:.1f} MB)"
    )
    print(f"originals size:            {folder_size(root / 'originals') / 1e6:7.1f} MB")

    for snippets in (False, True):
        timings: list[float] = []
        for _ in range(3):
            for q in QUERIES:
                t = time.perf_counter()
                library.search(q, limit=10, snippets=snippets)
                timings.append((time.perf_counter() - t) * 1000)
        label = "with top-10 highlighting" if snippets else "without highlighting   "
        print(
            f"search {label}: p50 {percentile(timings, 0.5):6.1f} ms  p95 {percentile(timings, 0.95):6.1f} ms  "
            f"max {max(timings):6.1f} ms  ({len(timings)} queries)"
        )
    library.close()

    walls = []
    for q in ("terrorism", '"Central Asia" AND security', "terror*"):
        for _ in range(2):
            t = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "ctviewer", "--archive", str(root), "search", q], check=True, capture_output=True
            )
            walls.append(time.perf_counter() - t)
    print(
        f"`ctviewer search` wall:    median {statistics.median(walls):.2f} s  max {max(walls):.2f} s  (target < 0.7 s)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, nargs="+", default=[2000, 10000])
    parser.add_argument("--work", type=Path, help="working folder (default: a temporary one, removed afterwards)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="ctviewer-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}; work folder {work}")
    try:
        for n in args.n:
            run(n, work)
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
