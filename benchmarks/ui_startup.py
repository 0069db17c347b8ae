"""Desktop app start-up, search and memory benchmark on large archives (issue 4; not a test).

    .venv/bin/python benchmarks/ui_startup.py              # build or reuse the archives, measure all
    .venv/bin/python benchmarks/ui_startup.py --rebuild    # build the archives again first
    .venv/bin/python benchmarks/ui_startup.py --only startup search

It measures, each figure in a fresh child process that starts the app through
``ctviewer.cli.main(["--archive", DIR])``, exactly as ``ctviewer --archive DIR`` does
(offscreen, with a throw-away settings folder so the user's window state is neither read nor
written; a 2 ms timer watches for the window):

(i)   start-up: process launch to a usable window on a 10,000-document archive (the window shown
      and the documents table painted with its first rows), target < 1.5 s; and that spaCy was
      not imported on the way;
(ii)  search: time from ``SearchPane.set_query`` to the results on screen (search on the read
      lane with facets and highlighted snippets, the list model filled, the results list
      painted by its delegate), p50/p95 over a fixed mixed query set, target p95 < 200 ms; the
      snippets of the rows on screen follow in a second read-lane request, timed too (query to
      snippets painted); and opening the first hit in the reader until its hit spans are found;
(iii) memory: resident set size (VmRSS from /proc/self/status) with a 100,000-document archive
      open, the documents table shown and scrolled from top to bottom, target < 500 MB; then
      after a search (the read lane's Library opens the index).

Archives are cached under ``/tmp/bench/ui-archives`` (``--cache``):

* ``docs-10000``: 10,000 UN General Debate speeches (a fixed random sample of the corpus) imported
  through ``Library.import_paths``, the real pipeline (entity extraction left pending), then the
  index merged into one segment. About 4 minutes on 2 cores.
* ``docs-100000``: about 100,000 small documents (each speech cut into ~1,000-character parts,
  titled "<country> <year> part <k>") written straight into the database (as
  ``tests/ui/documents_factory.py`` does: no originals, no extraction), then
  ``Library.reindex()`` builds the full index.

The speeches come from ``/tmp/bench/ungd/TXT`` (or are unpacked from
``../shared/corpus/ungd.tar.gz``). The machine's load average is printed before each section:
other work running at the same time inflates the figures.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

TARBALL = REPO.parent / "shared" / "corpus" / "ungd.tar.gz"
SPEECH_DIRS = (Path("/tmp/bench/ungd/TXT"), Path("/tmp/ungd-lead/ungd/TXT"))
DEFAULT_CACHE = Path("/tmp/bench/ui-archives")
BUILT_MARK = "ui-bench-built.json"
SMALL_DOCS, LARGE_DOCS = 10_000, 100_000
PART_CHARS = 1_000
RESULT_PREFIX = "UI-BENCH-RESULT "

# Words, phrases, prefixes, fuzzy terms, fields, ranges and entity fields, as analysts type them.
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
    "person:guterres",
    "org:osce",
    "place:tashkent",
]


# -- the archives -------------------------------------------------------------------------------
def speech_files() -> list[Path]:
    for folder in SPEECH_DIRS:
        if folder.is_dir():
            files = sorted(folder.rglob("*.txt"))
            if files:
                return files
    target = Path("/tmp/ungd-lead")
    print(f"unpacking {TARBALL} into {target} ...", flush=True)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(TARBALL) as tar:
        tar.extractall(target, filter="data")
    return sorted((target / "ungd" / "TXT").rglob("*.txt"))


def is_built(root: Path) -> bool:
    return (root / BUILT_MARK).is_file()


def mark_built(root: Path, how: str, started: float) -> None:
    (root / BUILT_MARK).write_text(
        json.dumps(
            {
                "how": how,
                "build_seconds": round(time.perf_counter() - started, 1),
                "built_at": time.strftime("%Y-%m-%d %H:%M:%S"),
            }
        )
    )


def build_imported(root: Path) -> None:
    """10,000 speeches through the real import pipeline."""
    from ctviewer.library import Library

    files = sorted(random.Random(2026).sample(speech_files(), SMALL_DOCS))
    started = time.perf_counter()
    library = Library.open(root)
    try:
        report = library.import_paths(files)
        library.optimize_index()
        count = library.document_count()
    finally:
        library.close()
    how = (
        f"{count:,} UNGD speeches imported with Library.import_paths (full pipeline, extraction pending; "
        f"{len(report.of('duplicate'))} duplicates, {len(report.of('failed'))} failed), index optimised"
    )
    mark_built(root, how, started)


def speech_parts(files: list[Path], wanted: int) -> Iterator[tuple[str, str | None, str]]:
    """(title, date, text) of ~PART_CHARS-character parts of the speeches, cycling through them."""
    made = 0
    while True:
        for path in files:
            country, _session, year = [*path.stem.split("_"), "", "", ""][:3]
            text = path.read_text(encoding="utf-8", errors="replace")
            lines = [line.strip() for line in text.splitlines() if line.strip()]  # hard-wrapped
            part: list[str] = []
            size, k = 0, 0
            for line in lines:
                part.append(line)
                size += len(line) + 1
                if size >= PART_CHARS:
                    k += 1
                    yield f"{country} {year} part {k}", year if year.isdigit() else None, " ".join(part)
                    made += 1
                    if made >= wanted:
                        return
                    part, size = [], 0


def build_direct(root: Path) -> None:
    """~100,000 small documents written straight into the database, then a full reindex."""
    from ctviewer.db import documents
    from ctviewer.domain.documents import ExtractedText
    from ctviewer.library import Library

    started = time.perf_counter()
    library = Library.open(root)
    try:
        batch: list[tuple[str, str | None, str]] = []

        def flush() -> None:
            with library.archive.db.write() as session:
                for title, date, text in batch:
                    digest = hashlib.sha256(f"{title}\n{text}".encode()).hexdigest()
                    extracted = ExtractedText(text=text, raw_text=text, file_type="txt", date=date, language="en")
                    documents.insert_document(
                        session,
                        extracted,
                        sha256=digest,
                        size_bytes=len(text.encode()),
                        source_path=f"/bench/{title.replace(' ', '_')}.txt",
                        original_name=f"{title.replace(' ', '_')}.txt",
                        imported_at="2026-01-01T00:00:00+00:00",
                        title=title,
                    )
            batch.clear()

        for n, row in enumerate(speech_parts(speech_files(), LARGE_DOCS), 1):
            batch.append(row)
            if len(batch) == 5_000:
                flush()
                print(f"  {n:,} documents written", flush=True)
        if batch:
            flush()
        inserted = time.perf_counter() - started
        indexed = library.reindex()
        count = library.document_count()
    finally:
        library.close()
    how = (
        f"{count:,} parts of UNGD speeches (~{PART_CHARS:,} characters each) inserted directly through "
        f"ctviewer.db.documents.insert_document in {inserted:.0f} s (no originals, no entities), "
        f"then Library.reindex() indexed {indexed:,} documents"
    )
    mark_built(root, how, started)


def ensure_archive(root: Path, build: Callable[[Path], None], rebuild: bool) -> str:
    if rebuild or not is_built(root):
        if root.exists():
            shutil.rmtree(root)
        root.parent.mkdir(parents=True, exist_ok=True)
        print(f"building {root} ...", flush=True)
        build(root)
    info = json.loads((root / BUILT_MARK).read_text())
    return f"{info['how']} (built {info['built_at']} in {info['build_seconds']:.0f} s)"


# -- measuring (parent side) --------------------------------------------------------------------
def load_note() -> str:
    one, five, fifteen = os.getloadavg()
    cpus = os.cpu_count() or 1
    note = f"load average {one:.2f} / {five:.2f} / {fifteen:.2f} on {cpus} CPUs"
    if one > 0.75 * cpus:
        note += "  ** HIGH: other work is running, figures are inflated **"
    return note


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def run_child(mode: str, root: Path, *extra: str) -> dict[str, Any]:
    """Run this file as ``--child MODE`` in a fresh process; returns its result line."""
    with tempfile.TemporaryDirectory(prefix="ctviewer-ui-bench-") as home:
        env = dict(
            os.environ,
            QT_QPA_PLATFORM="offscreen",
            XDG_CONFIG_HOME=home,
            XDG_DATA_HOME=home,
            XDG_CACHE_HOME=home,
            QT_LOGGING_RULES="qt.qpa.*=false",
        )
        env.pop("CTVIEWER_ARCHIVE", None)  # the archive is given on the command line
        env["UI_BENCH_T0"] = repr(time.time())
        proc = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(root), *extra],
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    raise RuntimeError(f"child {mode} failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-4000:]}")


def measure_startup(root: Path, runs: int) -> None:
    print(f"\n(i) start-up to a usable window, {root.name}  [{load_note()}]", flush=True)
    results = [run_child("startup", root) for _ in range(runs)]
    for n, r in enumerate(results, 1):
        print(
            f"  run {n}: {r['usable_s']:.3f} s to the first rows painted  (interpreter + CLI imports "
            f"{r['imported_s']:.3f} s, window shown {r['shown_s']:.3f} s; {r['rows']:,} rows; "
            f"spacy imported: {r['spacy']}, RSS {r['rss_mb']:.0f} MB)"
        )
    usable = [r["usable_s"] for r in results]
    verdict = "OK" if statistics.median(usable) < 1.5 else "OVER TARGET"
    print(
        f"  => median {statistics.median(usable):.3f} s, worst {max(usable):.3f} s over {runs} launches "
        f"(target < 1.5 s: {verdict}); spaCy imported in any run: {any(r['spacy'] for r in results)}"
    )


def measure_search(root: Path, passes: int) -> None:
    print(
        f"\n(ii) query to results on screen in the search pane, {root.name}, {len(QUERIES)} queries x {passes} "
        f"passes  [{load_note()}]",
        flush=True,
    )
    r = run_child("search", root, str(passes))
    timings: list[float] = r["timings_ms"]
    cold = timings[: len(QUERIES)]
    print(
        f"  first pass (each query new):  p50 {percentile(cold, 0.5):6.1f} ms  p95 {percentile(cold, 0.95):6.1f} ms"
        f"  max {max(cold):6.1f} ms"
    )
    verdict = "OK" if percentile(timings, 0.95) < 200 else "OVER TARGET"
    print(
        f"  all {len(timings)} searches:          p50 {percentile(timings, 0.5):6.1f} ms  "
        f"p95 {percentile(timings, 0.95):6.1f} ms  max {max(timings):6.1f} ms  (target p95 < 200 ms: {verdict})"
    )
    core = [t for t in r["core_ms"] if t == t]  # NaN: no status figure (a refused query)
    if core:
        print(
            f"  of which the search on the read lane (library.search with facets for up to "
            f"{r['page_size']} hits, no snippets, plus their rows): p50 {percentile(core, 0.5):6.1f} ms  "
            f"p95 {percentile(core, 0.95):6.1f} ms"
        )
    snippets: list[float] = r["snippets_ms"]
    if snippets:
        print(
            f"  query to the snippets of the rows on screen painted (second request): "
            f"p50 {percentile(snippets, 0.5):6.1f} ms  p95 {percentile(snippets, 0.95):6.1f} ms"
        )
    slow = sorted(zip(r["queries"], timings, strict=True), key=lambda qt: -qt[1])[:3]
    print("  slowest: " + ", ".join(f"{q!r} {t:.0f} ms" for q, t in slow))
    opened: list[float] = r["reader_ms"]
    if opened:
        print(
            f"  reader opened at the first hit (hit spans found): p50 {percentile(opened, 0.5):6.1f} ms  "
            f"p95 {percentile(opened, 0.95):6.1f} ms  ({len(opened)} documents)"
        )


def measure_memory(root: Path, runs: int) -> None:
    print(f"\n(iii) resident memory with {root.name} open  [{load_note()}]", flush=True)
    results = [run_child("memory", root) for _ in range(runs)]
    for n, r in enumerate(results, 1):
        print(
            f"  run {n}: {r['rows']:,} rows; usable after {r['usable_s']:.3f} s; VmRSS {r['rss_usable_mb']:.0f} MB "
            f"when usable, {r['rss_mb']:.0f} MB after scrolling the whole table ({r['pages']} pages of rows "
            f"read, {r['cached_rows']:,} rows cached); of which RssAnon {r['anon_mb']:.0f} MB, RssFile "
            f"{r['file_mb']:.0f} MB (mapped index and libraries); peak VmHWM {r['hwm_mb']:.0f} MB; "
            f"{r['searched_mb']:.0f} MB after a search ({r['searched_total']:,} hits)"
        )
    worst = max(max(r["rss_mb"], r["searched_mb"]) for r in results)
    verdict = "OK" if worst < 500 else "OVER"
    print(f"  => VmRSS after scrolling and searching: worst {worst:.0f} MB (target < 500 MB: {verdict})")


# -- the child processes ------------------------------------------------------------------------
def memory_mb(field: str) -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def child(mode: str, root: Path, extra: list[str]) -> None:
    """Start the app as ``ctviewer --archive DIR`` does (``ctviewer.cli.main``, which calls
    ``ctviewer.ui.app.run``); a timer watches for the usable window, then measures ``mode`` and
    quits the app."""
    t0 = float(os.environ["UI_BENCH_T0"])
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from ctviewer import cli

    imported = time.time() - t0
    qapp = QApplication(sys.argv[:1])  # run() reuses it (and would create it just the same)
    result: dict[str, Any] = {"imported_s": imported}
    state: dict[str, Any] = {}

    def window() -> Any:
        session = state.get("window")
        if session is None:
            from ctviewer.ui.main_window import MainWindow

            found = [w for w in qapp.topLevelWidgets() if isinstance(w, MainWindow) and w.isVisible()]
            if found:
                state["window"] = found[0]
                result["shown_s"] = time.time() - t0
        return state.get("window")

    def poll() -> None:
        win = window()
        if win is None or win.documents.model.rowCount() == 0 or not win.documents.model.pages_fetched:
            return
        timer.stop()
        result["usable_s"] = time.time() - t0
        result["rows"] = win.documents.model.rowCount()
        result["spacy"] = "spacy" in sys.modules
        result["rss_mb"] = memory_mb("VmRSS")
        try:
            if mode == "search":
                result.update(search_timings(qapp, win, int(extra[0]) if extra else 2))
            elif mode == "memory":
                result.update(scroll_and_measure(qapp, win))
        finally:
            print(RESULT_PREFIX + json.dumps(result), flush=True)
            qapp.quit()

    timer = QTimer()
    timer.setInterval(2)
    timer.timeout.connect(poll)
    timer.start()
    sys.exit(cli.main(["--archive", str(root)]))


def wait_until(qapp: Any, done: Callable[[], bool], timeout_s: float = 60.0) -> None:
    from PySide6.QtCore import QEventLoop

    deadline = time.perf_counter() + timeout_s
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("gave up waiting")
        qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
        time.sleep(0.001)


def search_timings(qapp: Any, win: Any, passes: int) -> dict[str, Any]:
    """Each query: set_query, wait for search_finished, paint the results list (the snippet
    delegate draws the highlighted snippets); then open the first hit in the reader."""
    from PySide6.QtCore import QEventLoop, QTimer

    pane = win.search
    win.focus_search()
    qapp.processEvents()
    timings: list[float] = []
    queries: list[str] = []
    reader_ms: list[float] = []
    core_ms: list[float] = []
    snippets_ms: list[float] = []
    for n in range(passes):
        for query in QUERIES:
            loop = QEventLoop()
            pane.search_finished.connect(loop.quit)
            guard = QTimer()
            guard.setSingleShot(True)
            guard.timeout.connect(loop.quit)
            guard.start(60_000)
            started = time.perf_counter()
            pane.set_query(query)
            loop.exec()
            pane.results_view.viewport().repaint()  # synchronous: the delegate paints every visible row
            timings.append((time.perf_counter() - started) * 1000)
            if pane.model.rowCount():  # the second request: snippets of the rows on screen
                wait_until(
                    qapp, lambda: not pane.snippets_pending() and not pane.model.missing_snippets(pane.visible_rows())
                )
                pane.results_view.viewport().repaint()
                snippets_ms.append((time.perf_counter() - started) * 1000)
            queries.append(query)
            core = re.search(r"([\d,]+) ms", pane.status_label.text())  # run_search's own time, read lane
            core_ms.append(float(core.group(1).replace(",", "")) if core else float("nan"))
            guard.stop()
            pane.search_finished.disconnect(loop.quit)
            if n == 0 and pane.model.rowCount():
                doc_id = pane.model.doc_id(pane.model.index(0, 0))
                started = time.perf_counter()
                win.open_document(doc_id, query=query)
                wait_until(qapp, lambda: win.reader._hit_task is None)  # hit spans found on the read lane
                win.reader.text_edit.viewport().repaint()
                reader_ms.append((time.perf_counter() - started) * 1000)
                qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
    return {
        "timings_ms": timings,
        "queries": queries,
        "reader_ms": reader_ms,
        "core_ms": core_ms,
        "snippets_ms": snippets_ms,
        "page_size": pane.PAGE_SIZE,
    }


def scroll_and_measure(qapp: Any, win: Any) -> dict[str, Any]:
    """Scroll the documents table from top to bottom a screen at a time (every 50th screen
    painted, the model reading the rows it shows), then back to the middle."""
    from PySide6.QtCore import QEventLoop

    win.show_tab(0)
    table = win.documents.table
    model = win.documents.model
    rss_usable = memory_mb("VmRSS")
    bar = table.verticalScrollBar()
    step = max(1, bar.pageStep())
    for n, value in enumerate(range(0, bar.maximum() + step, step)):
        bar.setValue(value)
        if n % 50 == 0:
            table.viewport().repaint()
            qapp.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 5)
    bar.setValue(bar.maximum())
    table.viewport().repaint()
    bar.setValue(bar.maximum() // 2)
    table.viewport().repaint()
    qapp.processEvents()
    scrolled = {
        "rss_usable_mb": rss_usable,
        "rss_mb": memory_mb("VmRSS"),
        "hwm_mb": memory_mb("VmHWM"),
        "anon_mb": memory_mb("RssAnon"),
        "file_mb": memory_mb("RssFile"),
        "pages": len(model.pages_fetched),
        "cached_rows": model.cached_rows(),
    }
    pane = win.search
    win.focus_search()
    finished: list[int] = []
    pane.search_finished.connect(lambda _q, total: finished.append(total))
    pane.set_query("security council")
    wait_until(qapp, lambda: bool(finished) and not pane.snippets_pending())
    pane.results_view.viewport().repaint()
    return {**scrolled, "searched_mb": memory_mb("VmRSS"), "searched_total": finished[0]}


# -- main ---------------------------------------------------------------------------------------
def main() -> None:
    if len(sys.argv) > 3 and sys.argv[1] == "--child":
        child(sys.argv[2], Path(sys.argv[3]), sys.argv[4:])
        return
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where the archives are kept")
    parser.add_argument("--rebuild", action="store_true", help="build the archives again")
    parser.add_argument(
        "--only", nargs="+", choices=("build", "startup", "search", "memory"), default=["startup", "search", "memory"]
    )
    parser.add_argument("--runs", type=int, default=5, help="launches for the start-up figure")
    parser.add_argument("--passes", type=int, default=3, help="passes over the query set")
    args = parser.parse_args()

    import PySide6

    print(
        f"machine: {os.cpu_count()} CPUs, Python {sys.version.split()[0]}, PySide6 {PySide6.__version__}; {load_note()}"
    )
    small, large = args.cache / f"docs-{SMALL_DOCS}", args.cache / f"docs-{LARGE_DOCS}"
    wants = set(args.only)
    if wants & {"build", "startup", "search"}:
        print(f"archive {small}: {ensure_archive(small, build_imported, args.rebuild)}", flush=True)
    if wants & {"build", "memory"}:
        print(f"archive {large}: {ensure_archive(large, build_direct, args.rebuild)}", flush=True)
    if "startup" in wants:
        measure_startup(small, args.runs)
    if "search" in wants:
        measure_search(small, args.passes)
    if "memory" in wants:
        measure_startup(large, 2)
        measure_memory(large, 2)


if __name__ == "__main__":
    main()
