"""The command line's one door to the desktop app.

Qt is imported only here and only when the app starts, so commands stay quick; the layer
contract (pyproject.toml) allows this one import from ``cli`` into ``ui``.
"""

from __future__ import annotations

from pathlib import Path


def run_app(archive: Path | None) -> int:
    """Start the desktop app on ``archive`` (None: the usual one); returns its exit code."""
    from ctviewer.ui.app import run

    return run(archive)
