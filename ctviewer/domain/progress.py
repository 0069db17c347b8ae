"""The core's two callbacks for long work: ``progress(done, total, message)`` (``total`` None when
unknown) and ``cancelled()``. The CLI passes a terminal progress bar, the app a task's context,
tests plain functions."""

from __future__ import annotations

from collections.abc import Callable

Progress = Callable[[int, int | None, str], None]
Cancelled = Callable[[], bool]
