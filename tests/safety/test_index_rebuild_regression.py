"""T9 (RELIABILITY.md): a damaged or missing search index is detected and rebuilt, and after the
rebuild a 200-query regression set returns the same top-10 ids, in the same order, with the same
scores, as the baseline snapshot.

The archive holds real documents (the bundled sample and the gold set: speeches, statements,
UN PDFs, library pages), their entities (fake extractor), annotations and entity corrections,
so a rebuild must restore every field from the database, not just the text. Each damage is
done to a fresh copy of the archive: a deleted segment, a truncated or garbage TOC (paperless
#5882), a deleted TOC, a truncated segment, the whole index folder gone, and a deleted segment
together with the GENERATION file. The damage must show in ``check`` before any repair; opening
the archive as the app and the CLI do (and ``ctviewer check --repair``) must rebuild it.

The baseline is taken on an index built by ``reindex``: that is what a repair produces. The
index merged by ``optimize`` that imports leave must rank exactly like it
(:func:`test_an_optimized_index_ranks_like_a_rebuilt_one`): Whoosh sums the stored, rounded
document lengths when it merges segments, so ctviewer's writers add rounded lengths too.
"""

from __future__ import annotations

import json
import random
import shutil
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from ctviewer import cli
from ctviewer.errors import IndexDamaged
from ctviewer.library import Library
from ctviewer.paths import ArchivePaths, resources_dir

from ..conftest import REPO, run_cli
from ..entities.conftest import FakeExtractor, entity_named
from .regression_queries import (
    MIX,
    TOP,
    Ranking,
    RegressionQuery,
    Snapshot,
    compare,
    differences,
    generate,
    snapshot,
)

SOURCES = (resources_dir() / "sample", REPO / "tests" / "gold" / "docs")
# The CLI prints scores rounded to 4 decimals.
CLI_SCORE_TOLERANCE = 6e-5


@dataclass(frozen=True)
class Built:
    root: Path  # the healthy archive (closed): copy it, never change it
    documents: int
    queries: tuple[RegressionQuery, ...]
    baseline: Snapshot  # on the index as ``reindex`` builds it
    optimized: Snapshot  # on the same archive's index merged by ``optimize``, before the reindex


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    base = tmp_path_factory.mktemp("t9")
    inbox = base / "in"
    for source in SOURCES:
        shutil.copytree(source, inbox / source.name)
    root = base / "archive"
    library = Library.open(root, extractor=FakeExtractor())
    try:
        # Inline (no worker processes): the baseline index is rebuilt below anyway, so the
        # workers' pre-analysed bodies would not reach it, and starting them costs a second or two.
        report = library.import_paths([inbox], workers=0)
        assert not report.of("failed"), [(o.path, o.reason) for o in report.of("failed")]
        assert len(report.of("imported")) >= 40  # a few sample files repeat gold ones: duplicates
        library.extract()
        _analyst_work(library)
    finally:
        library.close()
    library = Library.open(root, extractor=FakeExtractor())
    try:
        assert library.index.problem() is None  # the analyst's writes left nothing half-done
        queries = tuple(generate(library))
        library.optimize_index()
        assert library.index.problem() is None and library.index_segments() == 1
        optimized = snapshot(library, queries)
        library.reindex()
        assert library.check().ok and library.index_segments() == 1
        documents = library.document_count()
        assert library.index.index.doc_count() == documents
        baseline = snapshot(library, queries)
    finally:
        library.close()
    return Built(root, documents, queries, baseline, optimized)


def _analyst_work(library: Library) -> None:
    """Annotations (notes, tags) and entity corrections: fields a rebuild reads from the database."""
    docs = library.documents(sort="id")
    library.annotate(
        docs[3].id, start=0, end=40, note="check the border security remarks", tags=["border", "follow-up"]
    )
    library.annotate(docs[10].id, start=10, end=60, note="compare with the statement of 2019", tags=["follow-up"])
    library.annotate(docs[20].id, start=0, end=30, note="Samarkand: ask the mission", tags=["samarkand"])
    library.alias(entity_named(library, "Zhang Ming"), "Ming Zhang")
    library.rename(entity_named(library, "Natalia Gherman"), "Natalia Gherman UNRCCA")


# -- damage ------------------------------------------------------------------------------------------
def _toc(index: Path) -> Path:
    """The TOC Whoosh reads: the highest-numbered ``_MAIN_<n>.toc``."""
    return max(index.glob("_MAIN_*.toc"), key=lambda p: int(p.stem.rsplit("_", 1)[1]))


def _segment(index: Path, rng: random.Random) -> Path:
    return rng.choice(sorted(index.glob("*.seg")))


def _delete_segment(index: Path, rng: random.Random) -> str:
    seg = _segment(index, rng)
    seg.unlink()
    return seg.name


def _truncate_toc(index: Path, rng: random.Random) -> str:
    toc = _toc(index)
    data = toc.read_bytes()
    toc.write_bytes(data[: rng.randrange(len(data))])
    return toc.name


def _garbage_toc(index: Path, rng: random.Random) -> str:
    toc = _toc(index)
    toc.write_bytes(rng.randbytes(toc.stat().st_size))
    return toc.name


def _delete_toc(index: Path, rng: random.Random) -> str:
    toc = _toc(index)
    toc.unlink()
    return toc.name


def _truncate_segment(index: Path, rng: random.Random) -> str:
    seg = _segment(index, rng)
    data = seg.read_bytes()
    seg.write_bytes(data[: rng.randrange(len(data) // 10, len(data))])
    return seg.name


def _delete_index(index: Path, rng: random.Random) -> str:
    shutil.rmtree(index)
    return index.name


def _delete_segment_and_generation(index: Path, rng: random.Random) -> str:
    generation = index / "GENERATION"
    assert generation.is_file()  # the case is about losing it too
    generation.unlink()
    return _delete_segment(index, rng) + " and GENERATION"


# Damage -> the problem ``check`` must report before repair. An index that cannot be opened is
# reported as damaged first; a missing index folder opens as an empty index whose GENERATION
# file no longer matches the database's token.
DAMAGES: dict[str, tuple[Callable[[Path, random.Random], str], str]] = {
    "segment-deleted": (_delete_segment, "index-damaged"),
    "toc-truncated": (_truncate_toc, "index-damaged"),
    "toc-garbage": (_garbage_toc, "index-damaged"),
    "index-folder-deleted": (_delete_index, "index-generation"),
    "segment-and-generation-deleted": (_delete_segment_and_generation, "index-damaged"),
    "toc-deleted": (_delete_toc, "index-damaged"),
    "segment-truncated": (_truncate_segment, "index-damaged"),
}


def _damaged_copy(built: Built, target: Path, damage: str) -> str:
    shutil.copytree(built.root, target)
    damage_fn, _ = DAMAGES[damage]
    return damage_fn(ArchivePaths(target).index, random.Random(f"T9 {damage}"))


def _assert_rebuilt_and_ranking_as_before(library: Library, built: Built) -> None:
    assert library.index.problem() is None
    assert library.index.index.doc_count() == library.document_count() == built.documents
    assert library.index.index.ids() == {d.id for d in library.documents()}
    assert library.check().ok
    changed = compare(built.baseline, snapshot(library, built.queries))
    assert not changed, f"{len(changed)} of {len(built.queries)} queries rank differently: {changed}"


# -- the regression set --------------------------------------------------------------------------------
def test_the_regression_set_is_meaningful(built: Built) -> None:
    queries, baseline = built.queries, built.baseline
    assert len(queries) == 200 == len({q.text for q in queries})
    assert Counter(q.kind for q in queries) == Counter(MIX)
    with_hits = [q for q in queries if baseline[q.text].total]
    assert len(with_hits) >= 190, [q.text for q in queries if not baseline[q.text].total]
    kinds_with_hits = Counter(q.kind for q in with_hits)
    assert all(kinds_with_hits[kind] >= count // 2 for kind, count in MIX.items()), kinds_with_hits
    # Rankings, not just matches: most queries order several documents by distinct scores.
    ranked = [q for q in with_hits if len({round(s, 6) for _, s in baseline[q.text].hits[:TOP]}) >= 3]
    assert len(ranked) >= 100
    # Facet counts are part of the snapshot for a quarter of the queries.
    assert sum(1 for q in queries if q.facets and baseline[q.text].facets) >= 45
    # The set depends only on the archive's content (same seed, same queries).
    library = Library.open(built.root, read_only=True)
    try:
        assert tuple(generate(library)) == queries
    finally:
        library.close()


def test_the_rebuilt_baseline_matches_what_the_imported_index_matched(built: Built) -> None:
    # The baseline comes from a rebuild, as does every repair, so a rebuild that lost a field
    # (entities, notes, tags) would agree with itself. Matching does not depend on scoring: for
    # every query, the index built by import, extraction, annotation and optimize must match
    # the same documents with the same facet counts. (Their order: see the xfail test below.)
    for query in built.queries:
        imported, rebuilt = built.optimized[query.text], built.baseline[query.text]
        assert rebuilt.total == imported.total, query.text
        assert {doc for doc, _ in rebuilt.hits} == {doc for doc, _ in imported.hits}, query.text
        assert rebuilt.facets == imported.facets, query.text


def test_the_comparison_catches_changed_rankings() -> None:
    base = Ranking(5, ((1, 3.0), (2, 2.0), (3, 1.5), (4, 1.5), (5, 1.0)))
    assert differences(base, base) == []
    # Tied documents may come in either order; nothing else may move.
    assert differences(base, replace(base, hits=((1, 3.0), (2, 2.0), (4, 1.5), (3, 1.5), (5, 1.0)))) == []
    assert differences(base, replace(base, hits=((2, 2.0), (1, 3.0), (3, 1.5), (4, 1.5), (5, 1.0))))
    assert differences(base, replace(base, hits=((1, 3.0), (2, 2.0), (3, 1.5), (5, 1.5), (4, 1.0))))
    assert differences(base, replace(base, hits=((1, 3.0), (2, 2.1), (3, 1.5), (4, 1.5), (5, 1.0))))
    assert differences(base, replace(base, total=6))
    assert differences(base, replace(base, hits=base.hits[:4]))
    assert differences(base, replace(base, facets=(("year", (("2021", 1),)),)))
    # A tie that straddles the cut may be filled by any of its members, and by nothing else.
    assert differences(base, replace(base, hits=((1, 3.0), (2, 2.0), (4, 1.5))), top=3) == []
    assert differences(base, replace(base, hits=((1, 3.0), (2, 2.0), (5, 1.5))), top=3)


def test_the_comparison_catches_a_real_ranking_change(built: Built, tmp_path: Path) -> None:
    # One document fewer: every query that found it must be reported (its total and its hits
    # change). Whoosh keeps a deleted document in the segment's statistics, so the other
    # queries' scores may legitimately stay as they were.
    shutil.copytree(built.root, tmp_path / "archive")
    library = Library.open(tmp_path / "archive")
    try:
        gone = library.documents(sort="id")[-1].id
        library.delete_documents([gone])
        changed = compare(built.baseline, snapshot(library, built.queries))
    finally:
        library.close()
    found_it = {text for text, ranking in built.baseline.items() if gone in dict(ranking.hits)}
    assert len(found_it) >= 30
    assert found_it <= set(changed)


# -- damage, detection, rebuild ----------------------------------------------------------------------
@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_index_is_detected_rebuilt_and_ranks_as_before(damage: str, built: Built, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    what = _damaged_copy(built, root, damage)
    expected = DAMAGES[damage][1]

    library = Library.open(root, repair_index=False)
    try:
        assert library.index.problem() == expected, what
        assert [p.code for p in library.check().problems] == [expected], what
    finally:
        library.close()

    library = Library.open(root)  # the app's and every command's open: repairs what it finds
    try:
        _assert_rebuilt_and_ranking_as_before(library, built)
    finally:
        library.close()


def _cli_search(capsys: pytest.CaptureFixture[str], root: Path, query: RegressionQuery) -> Ranking:
    """``ctviewer search --json`` (in-process, so that a traceback fails the test): its top 10."""
    capsys.readouterr()
    code = cli.main(["--archive", str(root), "search", query.text, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    answer = json.loads(out.out)
    return Ranking(answer["total"], tuple((hit["id"], hit["score"]) for hit in answer["hits"]))


def test_cli_check_reports_a_truncated_toc_and_repair_restores_the_rankings(
    built: Built,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    root = tmp_path / "archive"
    _damaged_copy(built, root, "toc-truncated")

    proc = run_cli("check", "--json", archive=root)
    assert proc.returncode == 1, proc.stderr
    report = json.loads(proc.stdout)
    assert not report["ok"] and [(p["code"], p["repairable"]) for p in report["problems"]] == [("index-damaged", True)]

    proc = run_cli("check", "--repair", "--json", archive=root)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["ok"] and report["repaired"] == ["search index repaired (index-damaged)"], report

    # The repair was complete: opening finds nothing left to do.
    library = Library.open(root, repair_index=False)
    try:
        _assert_rebuilt_and_ranking_as_before(library, built)
    finally:
        library.close()
    # And the CLI's search contract gives the baseline's top 10 (scores as printed, rounded).
    for query in built.queries[::10]:
        expected = replace(built.baseline[query.text], facets=())
        found = differences(expected, _cli_search(capsys, root, query), score_tolerance=CLI_SCORE_TOLERANCE)
        assert not found, (query.text, found)


# -- known problems: these fail today; remove the marker when one passes ------------------------------
def test_an_optimized_index_ranks_like_a_rebuilt_one(built: Built) -> None:
    # What a user has before the damage is an index merged after the import; what the repair
    # gives back is a rebuilt one. Before the writers added rounded lengths, scores differed on
    # 187 of 200 queries (median 0.5%, up to 7%) and two queries' top 10 changed.
    changed = compare(built.optimized, built.baseline)
    assert not changed, f"{len(changed)} of {len(built.queries)} queries rank differently: {changed}"


def test_damaged_index_with_an_interrupted_write_pending_is_rebuilt(built: Built, tmp_path: Path) -> None:
    root = tmp_path / "archive"
    _damaged_copy(built, root, "segment-deleted")
    library = Library.open(root, repair_index=False)
    try:
        library.archive.set_index_dirty(True)  # as an index write that never finished leaves it
    finally:
        library.close()
    library = Library.open(root)
    try:
        _assert_rebuilt_and_ranking_as_before(library, built)
    finally:
        library.close()


@pytest.mark.parametrize("fraction", [0.2, 0.4, 0.5, 0.6, 0.8])
def test_damage_inside_a_segment_is_never_a_traceback(fraction: float, built: Built, tmp_path: Path) -> None:
    """A zeroed page in the middle of a segment passes the open (only the TOC is read then).
    Whoosh then fails in many ways on the queries that touch it; every one must reach the user as
    the index's damage (never a traceback) and mark it for a rebuild. Some such damage changes
    results without any error (Whoosh keeps no checksums): ctviewer's own checksums of the index
    files make ``check`` find every such page, and its repair restores every ranking."""
    root = tmp_path / "archive"
    shutil.copytree(built.root, root)
    segment = max(ArchivePaths(root).index.glob("*.seg"), key=lambda p: p.stat().st_size)
    data = bytearray(segment.read_bytes())
    start = int(len(data) * fraction) // 4096 * 4096
    data[start : start + 4096] = bytes(4096)
    segment.write_bytes(bytes(data))
    library = Library.open(root)
    failed = 0
    try:
        for query in built.queries:
            try:
                library.search(query.text, limit=TOP, facets=True, snippets=True)
            except IndexDamaged as exc:
                assert "the search index is damaged" in str(exc) and "rebuilt" in str(exc)
                failed += 1
        # A search that failed marked the index for a rebuild; one that did not fail may still
        # have read changed bytes: the checksums find the damage either way.
        assert library.index.problem() == ("index-rebuild" if failed else None)
        found = [p for p in library.check().problems if p.code.startswith("index-")]
        assert [(p.code, p.repairable) for p in found] == [("index-rebuild" if failed else "index-damaged", True)]
        repaired = library.check(repair=True)
        assert repaired.ok and repaired.repaired
    finally:
        library.close()
    library = Library.open(root)
    try:
        _assert_rebuilt_and_ranking_as_before(library, built)
    finally:
        library.close()
