"""A one-line progress bar for terminals (stderr); silent when stderr is not a terminal."""

from __future__ import annotations

import shutil
import sys
import time
from typing import TextIO


class TerminalProgress:
    """A ``progress(done, total, message)`` callback; ``finish()`` (or leaving a ``with`` block)
    clears its line before other output."""

    def __init__(self, label: str, stream: TextIO | None = None, min_interval: float = 0.1) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty()
        self._last = 0.0
        self._min_interval = min_interval
        self._started = time.monotonic()

    def __call__(self, done: int, total: int | None, message: str) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if now - self._last < self._min_interval and (total is None or done < total):
            return
        self._last = now
        width = shutil.get_terminal_size((80, 20)).columns
        if total:
            filled = int(20 * done / total)
            head = f"{self.label} [{'#' * filled}{'.' * (20 - filled)}] {done}/{total} "
        else:
            head = f"{self.label} {done} "
        tail = message[-max(0, width - len(head) - 1) :] if width > len(head) + 10 else ""
        self.stream.write("\r" + (head + tail).ljust(width - 1)[: width - 1])
        self.stream.flush()

    def finish(self) -> None:
        if self.enabled:
            width = shutil.get_terminal_size((80, 20)).columns
            self.stream.write("\r" + " " * (width - 1) + "\r")
            self.stream.flush()

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.finish()
