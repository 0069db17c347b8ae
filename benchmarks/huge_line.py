"""A single 200 MB line: hostile-file case "streamed, capped, marked truncated" (not a test).

    .venv/bin/python benchmarks/huge_line.py                # 199 MB, import only
    .venv/bin/python benchmarks/huge_line.py --mb 60        # a smaller line
    .venv/bin/python benchmarks/huge_line.py --extract      # then entity extraction (spaCy)
    .venv/bin/python benchmarks/huge_line.py --gui          # through the desktop app, offscreen

Writes one .txt file of ``--mb`` megabytes without a single line break (a repeated sentence
from the seed texts, as text pulled out of a broken PDF looks), then imports it into a fresh
archive with the default limits, as the app does (a file this large is read in a worker
process). Printed: the time; the peak RSS of this process above what it was after opening
the archive, and of the worker; the longest stretch a 5 ms heartbeat thread was kept from
running (the app imports on a thread while the window's event loop waits for the same
interpreter lock, so this is how long the window would freeze); the stored text's length
and whether it is marked truncated, and the size of the stored original (it must be the
whole file). With ``--extract``, the time entity
extraction takes (it reads the first ``Limits.max_extract_chars`` characters).

With ``--gui`` the file is imported as an analyst would: the desktop app's window (offscreen,
throw-away settings) imports it with the window's own import, entity extraction included, while
a 10 ms QTimer on the GUI thread records the longest gap between two of its ticks (RELIABILITY.md
T17: under 100 ms), for the import and the extraction phases separately.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ctviewer.library import Library  # noqa: E402
from ctviewer.settings import MB  # noqa: E402

SENTENCE = (
    "The Shanghai Cooperation Organisation Regional Anti-Terrorist Structure in Tashkent "
    "and the OSCE Secretariat agreed on closer cooperation against terrorism financing. "
)


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


class Heartbeat(threading.Thread):
    """Wakes every 5 ms and records the longest gap between two wake-ups."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.longest = 0.0
        self.stopped = threading.Event()

    def run(self) -> None:
        last = time.perf_counter()
        while not self.stopped.is_set():
            time.sleep(0.005)
            now = time.perf_counter()
            self.longest = max(self.longest, now - last - 0.005)
            last = now


def write_line(path: Path, size: int) -> None:
    block = (SENTENCE * (MB // len(SENTENCE) + 1)).encode("utf-8")[:MB]
    with path.open("wb") as handle:
        for _ in range(size // MB):
            handle.write(block)


def gui_import(line: Path, root: Path, work: Path) -> None:
    """Import ``line`` through the desktop app's window and print the GUI thread's longest stall."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QElapsedTimer, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from ctviewer.ui.app import ArchiveSession

    app = QApplication([])
    session = ArchiveSession(QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat))
    assert session.open(root, create=True)
    window = session.window
    assert window is not None
    clock = QElapsedTimer()
    clock.start()
    phase = ["import"]
    longest = {"import": 0, "extraction": 0}
    started = {"import": 0, "extraction": 0}
    last = [0]

    def tick() -> None:
        now = clock.elapsed()
        longest[phase[0]] = max(longest[phase[0]], now - last[0] - 10)
        last[0] = now

    def progressed(_done: int, _total: int, message: str) -> None:
        if phase[0] == "import" and message.startswith("Finding people"):
            phase[0] = "extraction"
            started["extraction"] = clock.elapsed()

    heartbeat = QTimer()
    heartbeat.setInterval(10)
    heartbeat.timeout.connect(tick)
    window.imports.progressed.connect(progressed)
    window.imports.finished.connect(lambda _result: app.quit())
    window.import_paths([line])
    last[0] = clock.elapsed()
    heartbeat.start()
    app.exec()
    ended = clock.elapsed()
    result = window.imports.last_result
    assert result is not None
    import_ms = (started["extraction"] or ended) - started["import"]
    print(f"desktop app: import {import_ms / 1000:.1f} s, longest GUI-thread gap {longest['import']} ms")
    if result.extraction is not None:
        print(
            f"desktop app: extraction {(ended - started['extraction']) / 1000:.1f} s "
            f"({result.extraction.mentions:,} mentions), longest GUI-thread gap {longest['extraction']} ms"
        )
    print(f"outcome: {[(o.status, o.reason, list(o.warnings)) for o in result.report.outcomes]}")
    session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=int, default=199, help="size of the line in MB (the file limit is 200)")
    parser.add_argument("--extract", action="store_true", help="also run entity extraction (spaCy)")
    parser.add_argument("--gui", action="store_true", help="import through the desktop app (offscreen)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the file and the archive")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ctv-huge-", dir=args.work))
    try:
        line = work / "line.txt"
        write_line(line, args.mb * MB)
        if args.gui:
            gui_import(line, work / "archive", work)
            return
        library = Library.open(work / "archive")
        base = peak_rss_mb()
        heartbeat = Heartbeat()
        heartbeat.start()
        started = time.perf_counter()
        report = library.import_paths([line])
        took = time.perf_counter() - started
        heartbeat.stopped.set()
        heartbeat.join()
        outcome = report.outcomes[0]
        print(f"file: {line.stat().st_size / MB:.0f} MB, one line; outcome {outcome.status} {outcome.reason or ''}")
        print(
            f"import: {took:.1f} s; peak RSS {peak_rss_mb():.0f} MB (+{peak_rss_mb() - base:.0f} MB over "
            f"{base:.0f} MB after opening); worker peak RSS {peak_rss_mb(resource.RUSAGE_CHILDREN):.0f} MB"
        )
        print(f"longest heartbeat gap during the import: {heartbeat.longest * 1000:.0f} ms")
        if outcome.document_id is not None:
            doc = library.document(outcome.document_id)
            original = next(library.archive.originals.all_files())
            print(
                f"stored text: {len(doc.text):,} characters; truncated={doc.truncated}; "
                f"warnings={list(outcome.warnings)}"
            )
            print(
                f"stored original: {original.stat().st_size / MB:.0f} MB "
                f"({'the whole file' if original.stat().st_size == line.stat().st_size else 'INCOMPLETE'})"
            )
            print(f"search 'Tashkent': {library.search('Tashkent').total} hit(s)")
        if args.extract:
            started = time.perf_counter()
            extraction = library.extract()
            print(f"extraction: {time.perf_counter() - started:.1f} s; {extraction}; peak RSS {peak_rss_mb():.0f} MB")
        library.close()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
