"""Search results first, snippets later: only the rows on screen (and a few below) get their
snippets fetched, scrolling fetches more, and a new query drops the old query's requests."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from ctviewer.library import Library
from ctviewer.ui import search_pane as search_pane_module
from ctviewer.ui.context import UiContext
from ctviewer.ui.search_model import ResultRow, SearchResultListModel
from ctviewer.ui.search_pane import SearchPane
from ctviewer.ui.snippet_delegate import meta_text
from tests.ui.conftest import make_context
from tests.ui.documents_factory import add_documents
from tests.ui.lifetime import add_pane

WAIT_MS = 10_000
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
DOCS = 60


@pytest.fixture
def big_ctx(qtbot, tmp_path: Path) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    Library.open(root).close()
    add_documents(
        root,
        [
            (
                f"Report {n:02d}",
                f"r{n}.txt",
                "2020-01-01",
                f"Paragraph {n}. " + "Filler words here. " * n + "The security council met on sanctions.",
            )
            for n in range(DOCS)
        ],
    )
    ctx = make_context(root)
    yield ctx
    ctx.runner.shutdown()
    ctx.library.close()


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, list[int]]]:
    """Every snippet request that reached the read lane: (query, ids)."""
    seen: list[tuple[str, list[int]]] = []
    real = search_pane_module.run_snippets

    def spy(library: Library, query: str, ids: list[int]) -> dict[int, str]:
        seen.append((query, list(ids)))
        return real(library, query, ids)

    monkeypatch.setattr(search_pane_module, "run_snippets", spy)
    return seen


def small_pane(ctx: UiContext, qtbot) -> SearchPane:  # type: ignore[no-untyped-def]
    pane = SearchPane(ctx)
    add_pane(qtbot, pane, ctx)
    pane.resize(700, 360)
    pane.show()
    qtbot.waitExposed(pane)
    return pane


def search_and_settle(pane: SearchPane, ctx: UiContext, qtbot, query: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS):
        pane.set_query(query)
    qtbot.waitUntil(
        lambda: not pane.snippets_pending() and not pane.model.missing_snippets(pane.visible_rows()), timeout=WAIT_MS
    )


def test_results_arrive_without_snippets_then_only_visible_rows_get_them(
    big_ctx: UiContext,
    qtbot,  # type: ignore[no-untyped-def]
    calls: list,
) -> None:
    pane = small_pane(big_ctx, qtbot)
    rows_when_shown: list[ResultRow] = []
    pane.search_finished.connect(lambda *_: rows_when_shown.extend(pane.model.rows()))
    search_and_settle(pane, big_ctx, qtbot, "security")
    assert pane.model.rowCount() == DOCS
    assert rows_when_shown and all(r.snippet is None for r in rows_when_shown)  # results came first
    visible = pane.visible_rows()
    assert 0 < len(visible) < 15
    fetched = {r for r in range(DOCS) if pane.model.row_at(r).snippet is not None}
    assert set(visible) <= fetched
    assert max(fetched) < visible.stop + SearchPane.SNIPPETS_AHEAD  # nothing far below the screen
    assert "<mark>security</mark>" in (pane.model.row_at(visible.start).snippet or "")
    assert all(query == "security" for query, _ in calls)

    pane.results_view.scrollToBottom()  # scrolling asks for the rows that come on screen
    qtbot.waitUntil(lambda: pane.model.row_at(DOCS - 1).snippet is not None, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: not pane.snippets_pending(), timeout=WAIT_MS)
    assert pane.visible_rows().start > 30
    assert pane.model.row_at(30).snippet is None  # rows scrolled past in one jump were never fetched
    requested = [i for _, ids in calls for i in ids]
    assert len(requested) == len(set(requested))  # no row asked for twice


def test_a_new_query_drops_the_pending_snippet_requests(big_ctx: UiContext, qtbot, calls: list) -> None:  # type: ignore[no-untyped-def]
    pane = small_pane(big_ctx, qtbot)
    search_and_settle(pane, big_ctx, qtbot, "security")
    release = threading.Event()
    big_ctx.runner.submit("read", lambda _library, _ctx: release.wait(WAIT_MS / 1000))  # holds the lane
    pane.results_view.scrollToBottom()
    qtbot.waitUntil(pane.snippets_pending, timeout=WAIT_MS)  # queued behind the blocker
    calls.clear()
    pane.set_query("sanctions")  # the old rows go; their queued snippet request must not run
    release.set()
    qtbot.waitUntil(lambda: pane.query == "sanctions", timeout=WAIT_MS)
    qtbot.waitUntil(
        lambda: not pane.snippets_pending() and not pane.model.missing_snippets(pane.visible_rows()), timeout=WAIT_MS
    )
    big_ctx.runner.wait_idle()
    assert calls and all(query == "sanctions" for query, _ in calls)
    first = pane.model.row_at(pane.visible_rows().start).snippet or ""
    assert "<mark>sanctions</mark>" in first and "<mark>security</mark>" not in first


def test_placeholder_rows_are_drawn_and_the_model_fills_snippets_in(qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    from ctviewer.domain.search import SearchHit

    model = SearchResultListModel()
    model.set_hits([SearchHit(id=i, score=8.0 / i, title=f"Doc {i}") for i in (1, 2, 4)], {1: "txt"}, total=3)
    qtmodeltester.check(model)
    assert model.missing_snippets(range(10)) == [1, 2, 4]
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.row()))
    model.set_snippets({2: "a <mark>b</mark>", 99: "not shown"})
    assert changed == [1] and model.missing_snippets(range(3)) == [1, 4]
    assert model.row_at(1).snippet == "a <mark>b</mark>"
    qtmodeltester.check(model)
    # Relevance: a share of the best score, the raw score in the tooltip.
    assert [round(model.row_at(r).relevance, 2) for r in range(3)] == [1.0, 0.5, 0.25]
    assert meta_text(model.row_at(0)) == "undated · TXT · relevance 100%"
    tooltip = model.data(model.index(1, 0), 0x0003)  # Qt.ToolTipRole
    assert "50%" in tooltip and "4.00" in tooltip
