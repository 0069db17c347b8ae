"""``ctviewer check``: is the archive healthy, and can what is wrong be repaired?

Checked: SQLite integrity and foreign keys, every document's original present, and the
index agreeing with the database (dirty mark, damage, id sets). ``repair`` fixes what it
safely can: the index (reconcile or rebuild) and originals left unreferenced by an
interrupted import. Nothing that only the database holds is ever deleted here.
"""

from __future__ import annotations

from pathlib import Path

from ctviewer.archive.folder import Archive
from ctviewer.archive.index_sync import REBUILD_PROBLEMS, IndexSync
from ctviewer.db import documents
from ctviewer.db.engine import integrity_problems
from ctviewer.domain.checks import CheckReport, Problem
from ctviewer.errors import ArchiveBusyError, IndexDamaged


def _database_problems(archive: Archive) -> list[Problem]:
    problems: list[Problem] = []
    with archive.db.read() as session:
        integrity, broken_keys = integrity_problems(session)
    if integrity:
        problems.append(Problem("db-integrity", "database integrity check failed: " + "; ".join(integrity[:5])))
    if broken_keys:
        problems.append(Problem("db-foreign-keys", f"{broken_keys} rows break foreign keys"))
    return problems


def _original_problems(archive: Archive) -> tuple[list[Problem], list[Path], list[tuple[str, Path]]]:
    """(problems, unreferenced files, missing originals as (sha256, source path))."""
    store = archive.originals
    with archive.db.read() as session:
        rows = documents.originals(session)
    expected: set[Path] = set()
    missing: list[int] = []
    sources: list[tuple[str, Path]] = []
    for doc_id, sha256, source_path in rows:
        path = store.path_for(sha256, Path(source_path).suffix)
        expected.add(path)
        if not path.is_file():
            missing.append(doc_id)
            sources.append((sha256, Path(source_path)))
    problems = []
    if missing:
        shown = ", ".join(str(i) for i in missing[:10])
        problems.append(
            Problem(
                "originals-missing",
                f"{len(missing)} documents have no original file (ids {shown}); "
                "--repair restores those whose source file is still unchanged",
                repairable=True,
            )
        )
    unreferenced = [p for p in store.all_files() if p not in expected and not p.name.startswith(".tmp-")]
    unreferenced += [p for p in store.all_files() if p.name.startswith(".tmp-")]
    return problems, unreferenced, sources


def _restore_originals(archive: Archive, sources: list[tuple[str, Path]]) -> int:
    """Copy back missing originals from their source paths, when the bytes still match."""
    restored = 0
    for sha256, source in sources:
        try:
            handle = source.open("rb")
        except OSError:
            continue
        with handle:  # copied only when the bytes still hash to what was imported
            if archive.originals.put_stream(sha256, source.suffix.lower(), handle) is not None:
                restored += 1
    return restored


def _index_problems(archive: Archive, sync: IndexSync) -> list[Problem]:
    try:
        problem = sync.problem(thorough=True)
        if problem is None:
            with archive.db.read() as session:
                stored = documents.all_ids(session)
            if sync.index.ids() != stored:
                problem = "index-ids-mismatch"
    except IndexDamaged:
        problem = "index-damaged"
    messages = {
        "index-dirty": "the search index was not finished after the last write (interrupted?)",
        "index-damaged": "the search index is damaged (files missing, unreadable or changed since they were written)",
        "index-rebuild": "the search index must be rebuilt (the database was restored or salvaged)",
        "index-generation": "the search index and the database were last written at different times "
        "(recent database changes lost, e.g. a deleted -wal file, or an old copy put back)",
        "index-count-mismatch": "the search index and the database hold different numbers of documents",
        "index-ids-mismatch": "the search index and the database hold different documents",
    }
    return [Problem(problem, messages[problem], repairable=True)] if problem else []


def check_archive(archive: Archive, index: IndexSync, *, repair: bool = False) -> CheckReport:
    """What is wrong with ``archive`` and its ``index``; ``repair``: fix what can safely be fixed."""
    problems = _database_problems(archive)
    if problems and problems[0].code == "db-integrity":
        # The other checks would read the damage (and a repair would act on it): stop here.
        return CheckReport(
            problems=tuple(problems),
            repaired=(),
            notes=(
                "`ctviewer restore` puts back the latest backup; `ctviewer salvage` rescues every "
                "readable row into a new database (either keeps the damaged file in recovery/)",
            ),
        )
    original_problems, unreferenced, missing_sources = _original_problems(archive)
    problems += original_problems
    index_problems = _index_problems(archive, index)
    notes = []
    if unreferenced:
        notes.append(
            f"{len(unreferenced)} original files are not referenced by any document "
            "(left by deleted documents, kept for their backups, or by an interrupted import; "
            "--repair removes them)"
        )
    repaired: list[str] = []
    if repair and (index_problems or unreferenced or missing_sources) and not archive.read_only:
        try:
            with archive.writing():
                if index_problems:
                    if index_problems[0].code in REBUILD_PROBLEMS:
                        index.rebuild()
                    else:
                        index.reconcile()
                    repaired.append(f"search index repaired ({index_problems[0].code})")
                    index_problems = _index_problems(archive, index)
                for path in unreferenced:
                    path.unlink(missing_ok=True)
                if unreferenced:
                    repaired.append(f"removed {len(unreferenced)} unreferenced original files")
                    notes = []
                if missing_sources:
                    restored = _restore_originals(archive, missing_sources)
                    if restored:
                        repaired.append(f"restored {restored} original files from their source paths")
                    original_problems = _original_problems(archive)[0]
        except ArchiveBusyError as exc:
            notes.append(f"not repaired: {exc}")
    problems = [p for p in problems if p.code != "originals-missing"] + original_problems
    return CheckReport(problems=tuple(problems + index_problems), repaired=tuple(repaired), notes=tuple(notes))
