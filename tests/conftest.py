"""Shared fixtures. Every test runs with outbound network connections blocked, in this
process and in any Python subprocess it starts (tests/netblock/sitecustomize.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
REPO = TESTS.parent
NETBLOCK = TESTS / "netblock"
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = CORPUS / "seeds"

sys.path.insert(0, str(NETBLOCK))
import sitecustomize  # noqa: E402,F401  (installs the network guard in this process)

os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(NETBLOCK), *(p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p)]
)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the user's real data folder out of tests (platformdirs follows XDG_DATA_HOME)."""
    home = tmp_path_factory.mktemp("xdg")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("CTVIEWER_ARCHIVE", raising=False)


@pytest.fixture
def archive_dir(tmp_path: Path) -> Path:
    return tmp_path / "archive"


def run_cli(*args: str, archive: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """Run ``python -m ctviewer`` as a user would, in a subprocess."""
    cmd = [sys.executable, "-m", "ctviewer"]
    if archive is not None:
        cmd += ["--archive", str(archive)]
    return subprocess.run([*cmd, *args], capture_output=True, text=True, timeout=timeout, check=False)


@pytest.fixture
def seeds_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder holding copies of the two seed documents (from the repo's sample set)."""
    target = tmp_path / "seeds"
    target.mkdir()
    for src in (REPO / "resources" / "sample" / "seeds").glob("*.txt"):
        (target / src.name).write_bytes(src.read_bytes())
    yield target
