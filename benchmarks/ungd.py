"""The UN General Debate speeches the benchmarks import: unpacked once from the shared tarball."""

from __future__ import annotations

import random
import tarfile
from pathlib import Path

TARBALL = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "ungd.tar.gz"


def speech_files(work: Path, source: Path | None = None) -> list[Path]:
    """Every speech (.txt), sorted: from ``source`` when it exists, else unpacked into ``work/ungd``."""
    root = source
    if root is None or not root.exists():
        root = work / "ungd"
        if not root.exists():
            print(f"unpacking {TARBALL} ...", flush=True)
            with tarfile.open(TARBALL) as tar:
                tar.extractall(root, filter="data")
    return sorted(root.rglob("*.txt"))


def sample(files: list[Path], count: int) -> list[Path]:
    """A fixed random sample of ``count`` files (the same on every run), sorted."""
    return sorted(random.Random(2026).sample(files, min(count, len(files))))
