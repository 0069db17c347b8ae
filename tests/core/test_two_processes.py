"""Two processes on one archive (RELIABILITY T5), as a user would run them: while one
``ctviewer import`` writes, other commands read and search alongside, and a second writer is
either told plainly that the archive is busy or (if it slips in between two phases of the
first) finds every file already there. Never a traceback, a lock error or a duplicate; the
archive checks clean afterwards."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ctviewer.library import Library
from ctviewer.paths import ArchivePaths

from ..conftest import REPO, run_cli

pytestmark = pytest.mark.slow  # three processes on one archive


def _holder_pid(root: Path) -> str:
    lock = ArchivePaths(root).lock
    return lock.read_text().strip() if lock.exists() else ""


def test_readers_work_beside_a_writer_and_a_second_writer_is_told(tmp_path: Path) -> None:
    source = tmp_path / "in"
    source.mkdir()
    for path in (REPO / "resources" / "sample").rglob("*"):
        if path.is_file():
            shutil.copy(path, source / path.name)
    expected = len(list(source.iterdir()))
    root = tmp_path / "archive"
    first = run_cli("import", str(source / "AFG_72_2017.txt"), archive=root)  # an archive to read from
    assert first.returncode == 0, first.stderr

    importer = subprocess.Popen(
        [sys.executable, "-m", "ctviewer", "--archive", str(root), "import", str(source)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not _holder_pid(root) and importer.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _holder_pid(root) == str(importer.pid), "the importer never took the writer lock"

    outputs: list[subprocess.CompletedProcess[str]] = []
    reader = Library.open(root, repair_index=False)
    try:
        # Readers alongside the writer: in this process and in other processes.
        assert reader.search("Afghanistan").total >= 1
        assert reader.document_count() >= 1
        searched = run_cli("search", "Afghanistan", "--json", archive=root)
        outputs.append(searched)
        assert searched.returncode == 0 and json.loads(searched.stdout)["total"] >= 1
        listed = run_cli("docs", "--json", archive=root)
        outputs.append(listed)
        assert listed.returncode == 0 and isinstance(json.loads(listed.stdout), list)
        # A second writer.
        second = run_cli("import", str(source), archive=root)
        outputs.append(second)
        if second.returncode == 2:
            assert "Another ctviewer process" in second.stderr and "is writing to this archive" in second.stderr
        else:  # it got the lock between the first one's import and extraction phases
            assert "imported   " not in second.stdout and "duplicate" in second.stdout
    finally:
        reader.close()
        out, err = importer.communicate(timeout=300)
    # If the second writer slipped in between the first one's import and extraction phases, the
    # first is the one told (its documents are committed; the second extracted them).
    assert importer.returncode == 0 or (importer.returncode == 2 and "is writing to this archive" in err), err
    for done in [*outputs, subprocess.CompletedProcess([], 0, out, err)]:
        assert "Traceback" not in done.stderr and "LockError" not in done.stderr

    check = run_cli("check", "--json", archive=root)
    assert check.returncode == 0, check.stdout + check.stderr
    docs = json.loads(run_cli("docs", "--json", archive=root).stdout)
    assert len(docs) == expected and len({d["sha256"] for d in docs}) == expected  # nothing twice
