"""Timestamps in one format (UTC, ISO 8601, seconds)."""

from __future__ import annotations

from datetime import UTC, datetime


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()
