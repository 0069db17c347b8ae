"""Work around a PySide6 6.12 reference-count bug on CPython 3.10/3.11.

PySide6 6.12's bindings return ``None`` from every void method (``setText``, ``show``,
``processEvents``...) without taking a reference: harmless on CPython 3.12+, where ``None``
is immortal, but on 3.11 each call drops one reference to ``None`` and after a few thousand
calls the interpreter aborts with "Fatal Python error: none_dealloc". Until the bindings are
fixed (or the project requires Python 3.12), the app and the UI tests make ``None``, ``True``
and ``False`` effectively immortal, as 3.12 does.

pyproject.toml keeps PySide6 below 6.12 (6.11.3 does not leak), so this guard only acts when
someone runs ctviewer with 6.12 anyway.
"""

from __future__ import annotations

import ctypes
import sys

# Far more references than any session can lose, far below the counter's overflow.
_PINNED_REFERENCES = 1 << 40
_pinned = False


def pin_singletons() -> None:
    """Give None/True/False enough extra references to survive the leak (once per process)."""
    global _pinned
    if _pinned or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    import PySide6

    if tuple(PySide6.__version_info__[:2]) != (6, 12):
        return
    for obj in (None, True, False):
        # ob_refcnt is the first field of every CPython object (non-debug builds).
        ctypes.c_ssize_t.from_address(id(obj)).value += _PINNED_REFERENCES
    _pinned = True
