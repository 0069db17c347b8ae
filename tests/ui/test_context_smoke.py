"""The UI test fixture itself: the runner's read lane sees the archive the GUI thread sees."""

from __future__ import annotations

from ctviewer.ui.context import UiContext


def test_read_lane_searches_the_same_archive(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    results: list[int] = []
    ui_ctx.runner.submit("read", lambda lib, ctx: len(lib.search("person:voronkov").hits), on_done=results.append)
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    assert results == [3]
    assert ui_ctx.library.document_count() == 3
