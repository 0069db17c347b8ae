"""The search pane: results off the GUI thread, stale queries dropped, facets, suggestions,
syntax errors, activation, and document text never read as markup."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QAbstractItemView

from ctviewer.domain.search import SearchHit
from ctviewer.ui.context import UiContext
from ctviewer.ui.facets_view import add_term, facet_term, field_terms, remove_term
from ctviewer.ui.search_model import ResultRow, SearchResultListModel
from ctviewer.ui.search_pane import SearchPane
from ctviewer.ui.snippet_delegate import result_html, snippet_html
from tests.entities.conftest import DOCS, doc_id, open_fake
from tests.ui.conftest import make_context
from tests.ui.lifetime import add_pane

WAIT_MS = 10_000
# The offscreen platform warns whenever a shown window's size hints change; not our warning.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def pane(ui_ctx: UiContext, qtbot) -> SearchPane:  # type: ignore[no-untyped-def]
    widget = SearchPane(ui_ctx)
    add_pane(qtbot, widget, ui_ctx)
    widget.resize(1000, 700)
    widget.show()
    return widget


def search(pane: SearchPane, qtbot, query: str) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS):
        pane.set_query(query)


def settle(qtbot, view: QAbstractItemView, rect_of: Callable[[], QRect]) -> QPoint:  # type: ignore[no-untyped-def]
    """Where to click: a view lays out its items lazily after being shown or filled."""
    qtbot.waitUntil(lambda: view.viewport().rect().contains(rect_of()) and not rect_of().isEmpty(), timeout=WAIT_MS)
    return rect_of().center()


def shown_ids(pane: SearchPane) -> list[int]:
    return [pane.model.row_at(r).id for r in range(pane.model.rowCount())]


# -- the model ------------------------------------------------------------------------------
def test_model_passes_qt_model_tester(qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = SearchResultListModel()
    hits = [
        SearchHit(id=i, score=10.0 - i, title=f"Doc {i}", date="2022-01-0" + str(i), snippet="a <mark>b</mark>")
        for i in range(1, 4)
    ]
    model.set_hits(hits, {1: "pdf"}, total=7)
    qtmodeltester.check(model)
    model.append_hits([SearchHit(id=9, score=1.0, title="Nine"), hits[0]], {}, total=7)
    qtmodeltester.check(model)
    assert [model.row_at(r).id for r in range(model.rowCount())] == [1, 2, 3, 9]  # no duplicate of 1
    assert model.total == 7 and model.has_more()
    assert model.data(model.index(0, 0), SearchResultListModel.FileTypeRole) == "pdf"
    assert model.data(model.index(0, 0)) == "Doc 1"
    model.clear()
    qtmodeltester.check(model)
    assert model.rowCount() == 0 and not model.has_more()


def test_model_from_a_real_search_passes_qt_model_tester(pane: SearchPane, qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    search(pane, qtbot, "Voronkov")
    qtmodeltester.check(pane.model)


# -- searching ------------------------------------------------------------------------------
def test_typing_a_name_finds_the_three_documents(pane: SearchPane, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane.focus_query()
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS) as finished:
        qtbot.keyClicks(pane.query_edit, "Voronkov")
    assert finished.args == ["Voronkov", 3]
    expected = {doc_id(ui_ctx.library, name) for name in DOCS}
    assert set(shown_ids(pane)) == expected
    assert pane.status_label.text().startswith("3 documents")
    assert pane.stack.currentIndex() == 1
    assert all(pane.model.row_at(r).file_type == "txt" for r in range(3))
    # Snippets follow in a second step, for the rows on screen (all three here).
    qtbot.waitUntil(lambda: all(pane.model.row_at(r).snippet is not None for r in range(3)), timeout=WAIT_MS)
    assert all("<mark>" in (pane.model.row_at(r).snippet or "") for r in range(3))


def test_quick_keystrokes_give_one_result_set_for_the_last_query(pane: SearchPane, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    finished: list[tuple[str, int]] = []
    pane.search_finished.connect(lambda q, n: finished.append((q, n)))
    pane.focus_query()
    for chunk in ("Uzbe", "kist", "an"):  # within the debounce: one search
        qtbot.keyClicks(pane.query_edit, chunk)
        qtbot.wait(30)
    qtbot.waitUntil(lambda: bool(finished), timeout=WAIT_MS)
    ui_ctx.runner.wait_idle()
    qtbot.wait(400)  # longer than the debounce: nothing else may arrive
    assert finished == [("Uzbekistan", 1)]


def test_queries_submitted_in_a_row_only_show_the_last(pane: SearchPane, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    finished: list[tuple[str, int]] = []
    pane.search_finished.connect(lambda q, n: finished.append((q, n)))
    pane.set_query("Tashkent")  # each Enter submits at once; the earlier tasks go stale
    pane.set_query("Gherman")
    pane.set_query("Uzbekistan")
    qtbot.waitUntil(lambda: bool(finished), timeout=WAIT_MS)
    ui_ctx.runner.wait_idle()
    qtbot.wait(300)
    assert finished == [("Uzbekistan", 1)]
    assert shown_ids(pane) == [doc_id(ui_ctx.library, "a.txt")]


def test_empty_query_shows_the_hint(pane: SearchPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    assert pane.stack.currentWidget() is pane.empty_label
    assert "person:voronkov" in pane.empty_label.text()
    search(pane, qtbot, "Voronkov")
    pane.set_query("   ")
    assert pane.stack.currentWidget() is pane.empty_label
    assert pane.model.rowCount() == 0 and pane.facets.isHidden()


def test_an_example_in_the_hint_runs(pane: SearchPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS) as finished:
        pane.empty_label.linkActivated.emit("example:0")
    assert finished.args == ["person:voronkov", 3]
    assert pane.query_edit.text() == "person:voronkov"


# -- facets ---------------------------------------------------------------------------------
def test_clicking_a_place_facet_narrows_and_its_chip_widens_again(pane: SearchPane, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    search(pane, qtbot, "Voronkov")
    assert set(pane.facets.values("place")) == {"Tashkent", "Uzbekistan", "Jordan"}
    assert pane.facets.values("year") == ["2023", "2022", "2021"]
    item = pane.facets.item_for("place", "Uzbekistan")
    assert item is not None
    tree = pane.facets.tree
    tree.scrollToItem(item)
    where = settle(qtbot, tree, lambda: tree.visualItemRect(item))
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=where)
    assert pane.query_edit.text() == 'Voronkov place:"Uzbekistan"'
    assert finished.args == ['Voronkov place:"Uzbekistan"', 1]
    assert shown_ids(pane) == [doc_id(ui_ctx.library, "a.txt")]
    chips = pane.facets.chip_buttons()
    assert [c.text() for c in chips] == ["✕  Places: Uzbekistan"]
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(chips[0], Qt.MouseButton.LeftButton)
    assert finished.args == ["Voronkov", 3]
    assert pane.facets.chip_buttons() == []


def test_enter_on_a_facet_value_toggles_it(pane: SearchPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    search(pane, qtbot, "Tashkent")
    item = pane.facets.item_for("year", "2022")
    assert item is not None
    pane.facets.tree.setCurrentItem(item)
    pane.facets.tree.setFocus()
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS) as finished:
        qtbot.keyClick(pane.facets.tree, Qt.Key.Key_Return)
    assert finished.args == ["Tashkent year:2022", 1]
    chosen = pane.facets.item_for("year", "2022")
    assert chosen is not None and chosen.text(0).startswith("✓")
    pane.facets.tree.setCurrentItem(chosen)
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS) as finished:
        qtbot.keyClick(pane.facets.tree, Qt.Key.Key_Return)
    assert finished.args == ["Tashkent", 3]


@pytest.mark.parametrize(
    ("facet", "value", "expected"),
    [
        ("person", "Vladimir Voronkov", 3),
        ("person", "Zhang Ming", 1),
        ("organisation", "Organization for Security and Co-operation in Europe", 3),
        ("organisation", "Shanghai Cooperation Organisation", 1),
        ("place", "Uzbekistan", 1),
        ("year", "2022", 1),
        ("type", "txt", 3),
    ],
)
def test_facet_terms_are_accepted_by_the_core(ui_ctx: UiContext, facet: str, value: str, expected: int) -> None:
    term = facet_term(facet, value)
    assert ui_ctx.library.search(term).total == expected
    assert ui_ctx.library.search(add_term("Tashkent", term)).total == min(expected, 3)
    # The pane recognises its own terms, so a chosen value shows as a chip.
    assert [(t.facet, t.value) for t in field_terms(add_term("Tashkent", term))] == [(facet, value)]


def test_facet_term_strings() -> None:
    assert facet_term("person", "Vladimir Voronkov") == 'person:"Vladimir Voronkov"'
    assert facet_term("organisation", 'The "Acme" Group') == 'org:"The Acme Group"'
    assert facet_term("year", "2022") == "year:2022"
    assert facet_term("type", "pdf") == "type:pdf"
    query = 'terror Place:tashkent org:"OSCE" year:2021'
    terms = field_terms(query)
    assert [(t.facet, t.value) for t in terms] == [("place", "tashkent"), ("organisation", "OSCE"), ("year", "2021")]
    assert remove_term(query, terms[1]) == "terror Place:tashkent year:2021"
    assert field_terms("xplace:foo title:bar") == []


# -- suggestions and errors ----------------------------------------------------------------
def test_a_misspelt_query_suggests_and_the_suggestion_runs(pane: SearchPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    search(pane, qtbot, "Voronkof")
    assert pane.model.rowCount() == 0
    assert pane.stack.currentWidget() is pane.no_results_label
    assert pane.suggestion_button.isVisible()
    assert pane.suggestion_button.text() == "Did you mean: voronkov?"
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS) as finished:
        qtbot.mouseClick(pane.suggestion_button, Qt.MouseButton.LeftButton)
    assert finished.args == ["voronkov", 3]
    assert pane.query_edit.text() == "voronkov"
    assert not pane.suggestion_button.isVisible()


def test_a_syntax_error_shows_a_plain_message(pane: SearchPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    search(pane, qtbot, "Voronkov")
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS) as finished:
        pane.set_query("a* OR")
    assert finished.args == ["a* OR", 0]
    assert pane.status_label.text() == "The query has a problem"
    assert pane.no_results_label.text().startswith("Can't search: a wildcard needs at least 2 letters before it: a*.")
    assert pane.model.rowCount() == 0
    assert pane.stack.currentWidget() is pane.no_results_label
    search(pane, qtbot, "Voronkov")  # and the pane goes on working
    assert pane.model.rowCount() == 3


# -- activation and keyboard ---------------------------------------------------------------
def test_enter_on_a_result_emits_its_id_and_the_query(pane: SearchPane, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    search(pane, qtbot, "Uzbekistan OR Gherman")
    assert pane.model.rowCount() == 2
    pane.focus_query()
    qtbot.keyClick(pane.query_edit, Qt.Key.Key_Down)  # into the results, first row current
    assert pane.results_view.hasFocus()
    qtbot.keyClick(pane.results_view, Qt.Key.Key_Down)
    second = pane.model.row_at(1).id
    assert pane.results_view.currentIndex().row() == 1
    with qtbot.waitSignal(pane.document_activated, timeout=WAIT_MS) as activated:
        qtbot.keyClick(pane.results_view, Qt.Key.Key_Return)
    assert activated.args == [second, "Uzbekistan OR Gherman"]


def test_double_click_on_a_result_emits_it(pane: SearchPane, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    search(pane, qtbot, "Gherman")
    view = pane.results_view
    center = settle(qtbot, view, lambda: view.visualRect(pane.model.index(0, 0)))
    with qtbot.waitSignal(pane.document_activated, timeout=WAIT_MS) as activated:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)  # a double click's first half
        qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    assert activated.args == [doc_id(ui_ctx.library, "c.txt"), "Gherman"]


def test_focus_query_selects_the_text(pane: SearchPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    search(pane, qtbot, "Voronkov")
    pane.results_view.setFocus()
    pane.focus_query()
    assert pane.query_edit.hasFocus()
    assert pane.query_edit.selectedText() == "Voronkov"


@pytest.mark.qt_log_ignore("This plugin does not support")  # offscreen: popups can't raise or grab
def test_syntax_help_lists_the_field_syntax(pane: SearchPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    qtbot.mouseClick(pane.help_button, Qt.MouseButton.LeftButton)
    popup = pane._help_popup
    assert popup is not None and popup.isVisible()
    text = popup.label.text()
    assert "person:voronkov" in text and "date:[2019 TO 2021]" in text and "samarkant~2" in text
    popup.close()


# -- more results ---------------------------------------------------------------------------
def test_more_fetches_the_next_page(
    pane: SearchPane, ui_ctx: UiContext, qtbot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(pane, "PAGE_SIZE", 2)
    search(pane, qtbot, "Tashkent")
    assert pane.model.rowCount() == 2 and pane.model.total == 3
    assert pane.more_button.isVisible()
    assert pane.status_label.text().startswith("Showing 2 of 3 documents")
    with qtbot.waitSignal(pane.model.rowsInserted, timeout=WAIT_MS):
        qtbot.mouseClick(pane.more_button, Qt.MouseButton.LeftButton)
    assert sorted(shown_ids(pane)) == sorted(doc_id(ui_ctx.library, n) for n in DOCS)
    assert not pane.more_button.isVisible()
    assert pane.status_label.text().startswith("3 documents")


# -- archive changes ------------------------------------------------------------------------
def test_results_follow_archive_changes(pane: SearchPane, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    search(pane, qtbot, "Voronkov")
    pane.results_view.setCurrentIndex(pane.model.index(2, 0))
    kept = pane.model.row_at(2).id
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS) as finished:
        ui_ctx.events.extraction_finished.emit()
    assert finished.args == ["Voronkov", 3]
    assert pane.model.doc_id(pane.results_view.currentIndex()) == kept


# -- untrusted text -------------------------------------------------------------------------
HOSTILE = "<img src=x><script>alert(1)</script>"


def test_result_html_escapes_title_and_snippet() -> None:
    row = ResultRow(
        id=1,
        title=HOSTILE,
        date="2022-01-01",
        file_type="html",
        score=3.2,
        snippet="a &lt;img src=x&gt; <mark>word</mark> &amp; <script>",
    )
    built = result_html(row, "#777777")
    assert "<img" not in built and "<script" not in built
    assert "&lt;img src=x&gt;&lt;script&gt;" in built
    assert "<b>word</b>" in built
    doc = QTextDocument()
    doc.setHtml(built)
    text = doc.toPlainText()
    assert HOSTILE in text  # shown literally
    assert "a <img src=x> word & <script>" in text
    assert snippet_html("<mark>&lt;b&gt;</mark>") == "<b>&lt;b&gt;</b>"


def test_hostile_document_renders_literally_through_the_pane(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    open_fake(root, {"x.txt": ("2020-01-01", f"{HOSTILE} Voronkov spoke in Tashkent.")}).close()
    ctx = make_context(root)
    try:
        widget = SearchPane(ctx)
        add_pane(qtbot, widget, ctx)
        widget.resize(900, 500)
        widget.show()
        with qtbot.waitSignal(widget.search_finished, timeout=WAIT_MS):
            widget.set_query("Voronkov")
        qtbot.waitUntil(lambda: widget.model.row_at(0).snippet is not None, timeout=WAIT_MS)
        row = widget.model.row_at(0)
        assert row.title.startswith(HOSTILE)
        built = result_html(row, "#777777")
        assert "<img" not in built and "<script" not in built
        doc = QTextDocument()
        doc.setHtml(built)
        shown = doc.toPlainText().splitlines()
        assert shown[0].startswith(HOSTILE)  # the title, literally
        assert "<script>alert(1)</script> Voronkov" in shown[2]  # the snippet, literally
        widget.results_view.viewport().grab()  # painting the row must not warn or fail
        # Three lines (title, meta, snippet) are laid out, so the row is taller than one line.
        line = widget.results_view.fontMetrics().height()
        assert widget.results_view.visualRect(widget.model.index(0, 0)).height() >= 3 * line
    finally:
        ctx.runner.shutdown()
        ctx.library.close()
