"""Damaged databases: 50 corrupted copies (flipped bytes, truncated tails, zeroed pages, a
deleted or foreign -wal) must never crash a command nor give silently wrong answers, and must
be recoverable by restore (exactly) or salvage (every readable row, the damaged file kept).

Commands run in-process through ``cli.main`` so that any exception other than a clear
one-line message fails the test (a user would have seen a traceback).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from ctviewer import cli
from ctviewer.library import Library
from ctviewer.paths import ArchivePaths

from ..entities.conftest import doc_id, open_fake
from .test_backups import analyst_work

PAGE = 4096


def _cli(capsys: pytest.CaptureFixture[str], root: Path, *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(["--archive", str(root), *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _answer(name: str, out: str) -> object:
    """A command's JSON answer, searches reduced to what must not change (a rebuilt index
    scores slightly differently from one built incrementally)."""
    value = json.loads(out)
    if name == "search":
        return value["total"], sorted(hit["id"] for hit in value["hits"])
    return value


@pytest.fixture(scope="module")
def healthy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """An archive with annotations and corrections, a backup of it, and its answers as JSON."""
    root = tmp_path_factory.mktemp("damaged") / "archive"
    library = open_fake(root)
    analyst_work(library)
    library.backup()
    library.close()
    answers = {}
    for name, args in _QUESTIONS.items():
        done = subprocess.run(
            [sys.executable, "-m", "ctviewer", "--archive", str(root), *args],
            capture_output=True,
            text=True,
            check=True,
        )
        answers[name] = _answer(name, done.stdout)
    return root, answers


_QUESTIONS = {
    "docs": ("docs", "--json"),
    "annotations": ("annotations", "--json"),
    "entities": ("entities", "--json"),
    "search": ("search", "Tashkent", "--json"),
}


def _ids(name: str, answer: object) -> object:
    if name == "search":
        return answer
    assert isinstance(answer, list)
    return [row["id"] for row in answer]


def _flip(data: bytearray, rng: random.Random) -> str:
    for _ in range(rng.randint(1, 40)):
        data[rng.randrange(100, len(data))] ^= 1 << rng.randrange(8)
    return "flipped bytes"


def _truncate(data: bytearray, rng: random.Random) -> str:
    del data[rng.randrange(PAGE, len(data)) :]
    return "truncated tail"


def _zero_page(data: bytearray, rng: random.Random) -> str:
    page = rng.randrange(0, len(data) // PAGE)
    data[page * PAGE : (page + 1) * PAGE] = bytes(PAGE)
    return f"zeroed page {page + 1}"


CORRUPTIONS: list[Callable[[bytearray, random.Random], str]] = [_flip, _truncate, _zero_page]


def _damage(source: Path, target: Path, seed: int) -> str:
    shutil.copytree(source, target)
    db = ArchivePaths(target).db
    rng = random.Random(seed)
    data = bytearray(db.read_bytes())
    how = CORRUPTIONS[seed % len(CORRUPTIONS)](data, rng) if seed else _zero_page_one(data)
    db.write_bytes(bytes(data))
    return how


def _zero_page_one(data: bytearray) -> str:
    data[:PAGE] = bytes(PAGE)
    return "zeroed page 1"


@pytest.mark.parametrize("seed", range(int(os.environ.get("CTVIEWER_DAMAGE_SEEDS", "45"))))
def test_damaged_copy_is_detected_never_wrong_and_recoverable(
    seed: int,
    healthy: tuple[Path, dict[str, object]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, answers = healthy
    root = tmp_path / "archive"
    how = _damage(source, root, seed)

    code, out, err = _cli(capsys, root, "check", "--json")
    assert code in (0, 1), (how, err)
    report = json.loads(out)
    if report["ok"]:
        # Nothing SQLite can see is wrong: every answer holds the same documents, annotations and
        # entities. (SQLite keeps no checksums, so a flipped bit inside a stored value, e.g. one
        # letter of a title, reads back as that value; only a backup can undo that.)
        for name, args in _QUESTIONS.items():
            code, out, err = _cli(capsys, root, *args)
            assert code == 0 and _ids(name, _answer(name, out)) == _ids(name, answers[name]), (how, name)
        return
    # Detected. Every command answers or stops with a clear one-line message, never a traceback.
    # (Answers are not compared here: SQLite keeps no checksums, so a command that does not read
    # every page cannot tell a flipped bit in a value; `check` and the app's background check do.)
    for args in _QUESTIONS.values():
        code, out, err = _cli(capsys, root, *args)
        assert code == 0 or (code == 2 and err.startswith("ctviewer: ") and err.count("\n") == 1), (how, err)

    # Salvage rescues what it can (or refuses, changing nothing) and keeps the damaged file.
    original = ArchivePaths(root).db.read_bytes()
    code, out, err = _cli(capsys, root, "salvage", "--json")
    if code == 2:
        assert "Nothing was changed" in err, (how, err)
        assert ArchivePaths(root).db.read_bytes() == original
    else:
        result = json.loads(out)
        kept = Path(result["damaged_copy"]) / "ctviewer.sqlite3"
        assert kept.read_bytes() == original
        code, out, err = _cli(capsys, root, "check", "--json")
        # A healthy database with an index in step. (A value the damage changed but SQLite could
        # still read stays changed: a damaged sha256 shows up as a missing original.)
        assert {p["code"] for p in json.loads(out)["problems"]} <= {"originals-missing"}, (how, out)
        if result["complete"]:  # every row rescued (values as SQLite could read them)
            for name in ("docs", "annotations"):
                code, out, err = _cli(capsys, root, *_QUESTIONS[name])
                assert [r["id"] for r in json.loads(out)] == [r["id"] for r in answers[name]], (how, name)

    # Restore puts back exactly the backed-up archive, whatever state it is in now.
    code, out, err = _cli(capsys, root, "restore", "--json")
    assert code == 0, (how, err)
    for name, args in _QUESTIONS.items():
        code, out, err = _cli(capsys, root, *args)
        assert code == 0 and _answer(name, out) == answers[name], (how, name)


def test_zeroed_first_page_is_refused_at_open_with_a_clear_message(
    healthy: tuple[Path, dict[str, object]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "archive"
    _damage(healthy[0], root, 0)
    code, _out, err = _cli(capsys, root, "docs")
    assert code == 2
    assert "is damaged" in err and "ctviewer restore" in err and "ctviewer salvage" in err
    code, _out, err = _cli(capsys, root, "salvage")
    assert code == 2 and "Nothing could be rescued" in err  # nothing readable: the archive is left alone


def _killed_writer(root: Path, note: str) -> None:
    """A process that saves an annotation (durable commit + index update) and is then SIGKILLed,
    so the commit lives only in the -wal file."""
    script = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from ctviewer.library import Library\n"
        "lib = Library.open(Path(sys.argv[1]))\n"
        "doc = lib.documents()[0].id\n"
        "lib.annotate(doc, start=0, end=10, note=sys.argv[2])\n"
        "os.kill(os.getpid(), signal.SIGKILL)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(root), note], capture_output=True, text=True)
    assert done.returncode == -signal.SIGKILL, done.stderr


@pytest.mark.slow
def test_deleted_wal_after_a_kill_is_detected_and_the_index_never_serves_lost_writes(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    open_fake(root).close()
    _killed_writer(root, "zanzibar lost with the wal")
    wal = ArchivePaths(root).db.with_name("ctviewer.sqlite3-wal")
    assert wal.exists() and wal.stat().st_size > 0
    wal.unlink()
    ArchivePaths(root).db.with_name("ctviewer.sqlite3-shm").unlink(missing_ok=True)

    library = Library.open(root, repair_index=False)
    try:
        assert library.index.problem() == "index-generation"
        report = library.check()
        assert not report.ok and [p.code for p in report.problems] == ["index-generation"]
    finally:
        library.close()
    library = Library.open(root)  # repairs: rebuilds the index from the database
    try:
        assert library.annotations() == []
        assert library.search("zanzibar").total == 0
        assert library.check().ok
    finally:
        library.close()


def test_foreign_wal_is_never_a_crash(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    ours, theirs = tmp_path / "ours", tmp_path / "theirs"
    open_fake(ours).close()
    other = open_fake(theirs, extract=False)
    other.close()
    _killed_writer(theirs, "from another archive")
    foreign = ArchivePaths(theirs).db.with_name("ctviewer.sqlite3-wal")
    shutil.copy(foreign, ArchivePaths(ours).db.with_name("ctviewer.sqlite3-wal"))
    for args in (("check", "--json"), ("docs", "--json"), ("annotations", "--json"), ("search", "Tashkent")):
        code, _out, err = _cli(capsys, ours, *args)
        assert code in (0, 1, 2), (args, err)
        assert code != 2 or err.startswith("ctviewer: ")


def test_backup_of_a_damaged_database_is_refused_before_restore_overwrites_anything(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "archive"
    library = open_fake(root)
    good = library.backup()
    library.annotate(doc_id(library, "a.txt"), quote="Tashkent", note="after the backup")
    library.close()
    db = ArchivePaths(root).db
    data = bytearray(db.read_bytes())
    data[:PAGE] = bytes(PAGE)
    db.write_bytes(bytes(data))
    code, out, err = _cli(capsys, root, "restore", "--json")
    assert code == 0, err
    result = json.loads(out)
    assert result["restored"]["name"] == good.path.name and result["safety_backup"] is None
    moved = Path(result["damaged_copy"]) / "ctviewer.sqlite3"
    assert moved.read_bytes() == bytes(data)  # the damaged file is kept, byte for byte
    assert good.path.exists()  # and the backup itself is untouched
    assert os.path.getsize(good.path) == good.size
