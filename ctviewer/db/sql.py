"""Small helpers every query module uses: id lists cut to SQLite's parameter limit, and LIKE
patterns that match text literally."""

from __future__ import annotations

from collections.abc import Iterable

# Ids per ``IN (...)``: well under SQLite's default limit of 999 host parameters per statement
# (older builds), with room for the query's other parameters.
CHUNK = 500


def chunks(ids: Iterable[int], size: int = CHUNK) -> list[list[int]]:
    """``ids`` cut into lists of at most ``size``, in order."""
    items = list(ids)
    return [items[i : i + size] for i in range(0, len(items), size)]


def like_escape(text: str) -> str:
    """``text`` with LIKE's wildcards escaped (use with ``escape="\\\\"``): "50%" matches itself only."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_pattern(text: str) -> str:
    """A LIKE pattern matching any text that contains ``text`` literally."""
    return f"%{like_escape(text)}%"
