"""The documents pane and its lazy table model: sorting, filtering, paging, empty states,
activation and selection kept across reloads."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QAbstractItemView

from ctviewer.domain.documents import DocumentFilter
from ctviewer.library import Library
from ctviewer.ui.context import UiContext
from ctviewer.ui.documents_model import DocumentTableModel
from ctviewer.ui.documents_pane import EMPTY_ARCHIVE_TEXT, NO_MATCH_TEXT, DocumentsPane
from tests.entities.conftest import open_fake
from tests.ui.conftest import make_context
from tests.ui.documents_factory import add_documents
from tests.ui.lifetime import add_pane

# The offscreen platform says so whenever a top-level widget is shown; it is not our warning.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
M = DocumentTableModel
WAIT_MS = 10_000


def loaded_model(ctx: UiContext, qtbot) -> DocumentTableModel:  # type: ignore[no-untyped-def]
    model = DocumentTableModel(ctx)
    with qtbot.waitSignal(model.ids_loaded, timeout=WAIT_MS):
        model.reload()
    return model


def make_pane(ctx: UiContext, qtbot) -> DocumentsPane:  # type: ignore[no-untyped-def]
    pane = DocumentsPane(ctx)
    add_pane(qtbot, pane, ctx)
    qtbot.waitUntil(lambda: not pane.model.loading, timeout=WAIT_MS)
    return pane


def column(model: DocumentTableModel, col: int) -> list[object]:
    return [model.data(model.index(row, col)) for row in range(model.rowCount())]


def titles(model: DocumentTableModel) -> list[str]:
    return [str(t)[:12] for t in column(model, M.TITLE)]


@pytest.fixture
def big_ctx(qtbot, tmp_path: Path) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    """1,000 documents with titles "Report 0000".. and dates spread over 2000-2019."""
    root = tmp_path / "big"
    rows = [(f"Report {i:04d}", f"r{i:04d}.txt", f"{2000 + i % 20}-01-01", f"Text of report {i}.") for i in range(1000)]
    add_documents(root, rows)
    ctx = make_context(root)
    yield ctx
    ctx.runner.shutdown()
    ctx.library.close()


# -- the model ---------------------------------------------------------------------------------
def test_model_passes_qtmodeltester(ui_ctx: UiContext, qtbot, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    model = loaded_model(ui_ctx, qtbot)
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_model_rows_show_the_documents(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = loaded_model(ui_ctx, qtbot)
    assert column(model, M.SOURCE) == ["a.txt", "b.txt", "c.txt"]
    assert column(model, M.DATE) == ["2021-05-01", "2022-03-03", "2023-07-09"]
    assert column(model, M.TYPE) == ["TXT"] * 3
    assert column(model, M.PAGES) == [""] * 3
    assert str(model.data(model.index(0, M.TITLE))).startswith("Vladimir Voronkov met the OSCE")
    # a.txt: Voronkov; OSCE + Regional Cooperation; Tashkent + Uzbekistan
    assert [model.data(model.index(0, c)) for c in (M.PEOPLE, M.ORGANISATIONS, M.PLACES)] == [1, 2, 2]
    assert model.data(model.index(1, 0), M.IdRole) == model.document_id(1)
    assert model.headerData(M.TITLE, Qt.Orientation.Horizontal) == "Title"
    assert model.data(model.index(0, M.TITLE), Qt.ItemDataRole.ToolTipRole) is None  # no rich-text guess


def test_model_sorts_through_the_core(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = loaded_model(ui_ctx, qtbot)
    with qtbot.waitSignal(model.ids_loaded, timeout=WAIT_MS):
        model.sort(M.DATE, Qt.SortOrder.DescendingOrder)
    assert column(model, M.SOURCE) == ["c.txt", "b.txt", "a.txt"]
    with qtbot.waitSignal(model.ids_loaded, timeout=WAIT_MS):
        model.sort(M.PEOPLE, Qt.SortOrder.AscendingOrder)
    assert column(model, M.PEOPLE) == sorted(column(model, M.PEOPLE))  # type: ignore[type-var]
    assert column(model, M.SOURCE)[0] == "a.txt"


def test_model_filters_through_the_core(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = loaded_model(ui_ctx, qtbot)
    with qtbot.waitSignal(model.ids_loaded, timeout=WAIT_MS):
        model.set_filter(DocumentFilter(text="zhang"))
    assert column(model, M.SOURCE) == ["b.txt"]
    with qtbot.waitSignal(model.ids_loaded, timeout=WAIT_MS):
        model.set_filter(DocumentFilter(date_from="2022"))
    assert column(model, M.SOURCE) == ["b.txt", "c.txt"]


def test_a_stale_id_query_is_dropped(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    model = loaded_model(ui_ctx, qtbot)
    model.set_filter(DocumentFilter(text="zhang"))
    with qtbot.waitSignal(model.ids_loaded, timeout=WAIT_MS):
        model.set_filter(DocumentFilter(text="natalia"))
    ui_ctx.runner.wait_idle()
    assert column(model, M.SOURCE) == ["c.txt"]


def test_model_fetches_only_the_pages_asked_for(big_ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[int] = []
    real = Library.document_rows

    def counting(library, ids):  # type: ignore[no-untyped-def]
        asked.append(len(ids))
        return real(library, ids)

    monkeypatch.setattr(Library, "document_rows", counting)
    model = loaded_model(big_ctx, qtbot)
    assert model.rowCount() == 1000
    assert asked == []  # the id list alone: no row read yet
    assert model.data(model.index(450, M.TITLE)) == "Report 0450"
    assert model.data(model.index(401, M.SOURCE)) == "r0401.txt"  # same page, no new read
    assert model.pages_fetched == [2] and asked == [M.PAGE_SIZE]
    assert model.data(model.index(999, M.DATE)) == "2019-01-01"
    assert model.pages_fetched == [2, 4]
    assert model.cached_rows() == 2 * M.PAGE_SIZE


def test_model_cache_stays_bounded(big_ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(DocumentTableModel, "MAX_PAGES", 2)
    monkeypatch.setattr(DocumentTableModel, "PAGE_SIZE", 100)
    model = loaded_model(big_ctx, qtbot)
    for row in (0, 150, 250, 350, 50):
        model.data(model.index(row, M.TITLE))
    assert model.pages_fetched == [0, 1, 2, 3, 0]  # page 0 was evicted, so read again
    assert model.cached_rows() == 200


def test_view_over_1000_documents_reads_only_visible_pages(big_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(big_ctx, qtbot)
    pane.resize(900, 500)
    pane.show()
    qtbot.waitExposed(pane)
    qtbot.wait(50)
    assert pane.model.rowCount() == 1000
    assert set(pane.model.pages_fetched) == {0}
    pane.table.scrollToBottom()
    qtbot.wait(50)
    assert set(pane.model.pages_fetched) == {0, 4}
    assert pane.count_label.text() == "1,000 documents"


def test_sorting_by_header_keeps_the_selection(big_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(big_ctx, qtbot)
    assert pane.select_document(pane.model.document_id(3) or 0)
    chosen = pane.selected_ids()
    with qtbot.waitSignal(pane.model.ids_loaded, timeout=WAIT_MS):
        pane.table.sortByColumn(M.TITLE, Qt.SortOrder.DescendingOrder)
    assert pane.model.data(pane.model.index(0, M.TITLE)) == "Report 0999"
    assert pane.selected_ids() == chosen
    assert pane.model.row_of(chosen[0]) == 996


# -- the pane ----------------------------------------------------------------------------------
def test_typing_filters_after_a_pause_with_one_query(ui_ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(ui_ctx, qtbot)
    queries: list[str] = []
    real = Library.document_ids

    def counting(library, **kwargs):  # type: ignore[no-untyped-def]
        queries.append(kwargs["filter"].text)
        return real(library, **kwargs)

    monkeypatch.setattr(Library, "document_ids", counting)
    with qtbot.waitSignal(pane.model.ids_loaded, timeout=WAIT_MS):
        qtbot.keyClicks(pane.filter_edit, "natalia")
    assert queries == ["natalia"]
    assert column(pane.model, M.SOURCE) == ["c.txt"]
    assert pane.count_label.text() == "1 of 3 documents"


def test_date_and_type_filters(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(ui_ctx, qtbot)
    assert [pane.type_combo.itemText(i) for i in range(pane.type_combo.count())] == ["All types", "TXT"]
    with qtbot.waitSignal(pane.model.ids_loaded, timeout=WAIT_MS):
        pane.date_from_edit.setText("2022")
        pane.date_to_edit.setText("2022-12")
    assert column(pane.model, M.SOURCE) == ["b.txt"]
    pane.date_to_edit.setText("20")  # incomplete: ignored rather than matching nothing
    assert pane.current_filter().date_to is None
    pane.date_from_edit.setText("")
    with qtbot.waitSignal(pane.model.ids_loaded, timeout=WAIT_MS):
        pane.type_combo.setCurrentIndex(1)
    assert pane.current_filter().file_types == ("txt",)
    assert pane.model.rowCount() == 3


def test_no_match_and_empty_archive_states(ui_ctx: UiContext, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(ui_ctx, qtbot)
    assert pane.stack.currentWidget() is pane.table
    with qtbot.waitSignal(pane.model.ids_loaded, timeout=WAIT_MS):
        pane.filter_edit.setText("no such title anywhere")
    assert pane.stack.currentWidget() is pane.empty_label
    assert pane.empty_label.text() == NO_MATCH_TEXT
    assert pane.count_label.text() == "0 of 3 documents"

    empty = make_context(tmp_path / "empty")
    try:
        empty_pane = make_pane(empty, qtbot)
        assert empty_pane.stack.currentWidget() is empty_pane.empty_label
        assert empty_pane.empty_label.text() == EMPTY_ARCHIVE_TEXT
        assert empty_pane.empty_label.textFormat() == Qt.TextFormat.PlainText
        assert not empty_pane.filter_edit.isEnabled()
        assert pane.filter_edit.isEnabled()
    finally:
        empty.runner.shutdown()
        empty.library.close()


def test_enter_and_double_click_activate_the_document(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(ui_ctx, qtbot)
    pane.show()
    qtbot.waitExposed(pane)
    second = pane.model.document_id(1)
    pane.table.setFocus()
    pane.select_document(pane.model.document_id(0) or 0)
    qtbot.keyClick(pane.table, Qt.Key.Key_Down)
    with qtbot.waitSignal(pane.document_activated, timeout=1000) as signal:
        qtbot.keyClick(pane.table, Qt.Key.Key_Return)
    assert signal.args == [second]
    third = pane.model.document_id(2)
    rect = pane.table.visualRect(pane.model.index(2, M.TITLE))
    qtbot.mouseClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a real double
    with qtbot.waitSignal(pane.document_activated, timeout=1000) as signal:  # click starts so
        qtbot.mouseDClick(pane.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert signal.args == [third]
    assert pane.table.selectionBehavior() == QAbstractItemView.SelectionBehavior.SelectRows
    assert not pane.model.index(0, 0).flags() & Qt.ItemFlag.ItemIsEditable
    assert pane.model.data(QModelIndex()) is None


def test_new_documents_appear_and_the_selection_is_kept(ui_ctx: UiContext, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(ui_ctx, qtbot)
    chosen = pane.model.document_id(1) or 0
    pane.select_document(chosen)
    new_id = add_documents(ui_ctx.library.root, [("A newer note", "new.txt", "2024-01-01", "Hello.")])[0]
    with qtbot.waitSignal(pane.model.ids_loaded, timeout=WAIT_MS):
        ui_ctx.events.documents_changed.emit([new_id])
    assert pane.model.rowCount() == 4
    assert pane.model.row_of(new_id) == 3
    assert pane.selected_ids() == [chosen]
    assert pane.count_label.text() == "4 documents"


def test_extraction_refreshes_entity_counts(tmp_path: Path, qtbot) -> None:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    open_fake(root, extract=False).close()
    ctx = make_context(root)
    try:
        pane = make_pane(ctx, qtbot)
        assert column(pane.model, M.PEOPLE) == [0, 0, 0]
        ctx.library.extract()
        with qtbot.waitSignal(pane.model.ids_loaded, timeout=WAIT_MS):
            ctx.events.extraction_finished.emit()
        assert column(pane.model, M.PEOPLE) == [1, 2, 2]
    finally:
        ctx.runner.shutdown()
        ctx.library.close()


def test_annotations_column_sorts_and_the_has_annotations_filter(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    library = ui_ctx.library
    b, c = (next(d.id for d in library.documents() if d.source_path.endswith(n)) for n in ("/b.txt", "/c.txt"))
    library.annotate(c, quote="Natalia Gherman visited Jordan")
    library.annotate(c, quote="The Acme Group")
    deleted = library.annotate(b, quote="Zhang Ming spoke").annotations[0]
    library.annotate(b, quote="hosted Vladimir Voronkov")
    library.delete_annotation(deleted)  # deleted ones are not counted
    pane = make_pane(ui_ctx, qtbot)
    assert pane.model.headerData(M.ANNOTATIONS, Qt.Orientation.Horizontal) == "Annotations"
    assert (
        pane.model.headerData(M.ANNOTATIONS, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        == "Your annotations"
    )
    assert column(pane.model, M.ANNOTATIONS) == [0, 1, 2]
    with qtbot.waitSignal(pane.model.ids_loaded, timeout=WAIT_MS):
        pane.table.sortByColumn(M.ANNOTATIONS, Qt.SortOrder.DescendingOrder)
    assert column(pane.model, M.SOURCE) == ["c.txt", "b.txt", "a.txt"]
    with qtbot.waitSignal(pane.model.ids_loaded, timeout=WAIT_MS):
        pane.annotated_combo.setCurrentIndex(pane.annotated_combo.findText("Annotated"))
    assert pane.current_filter().annotated is True
    assert column(pane.model, M.SOURCE) == ["c.txt", "b.txt"]
    assert pane.count_label.text() == "2 of 3 documents"
    with qtbot.waitSignal(pane.model.ids_loaded, timeout=WAIT_MS):
        pane.annotated_combo.setCurrentIndex(pane.annotated_combo.findText("Not annotated"))
    assert column(pane.model, M.SOURCE) == ["a.txt"]
    # A new annotation reaches the pane through the archive events: the list and counts follow.
    a = next(d.id for d in library.documents() if d.source_path.endswith("/a.txt"))
    with qtbot.waitSignal(pane.model.ids_loaded, timeout=WAIT_MS):
        ui_ctx.events.annotations_changed.emit(library.annotate(a, quote="Voronkov thanked Uzbekistan"))
    assert column(pane.model, M.SOURCE) == []


def test_title_takes_the_room_and_source_stays_modest(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(ui_ctx, qtbot)
    pane.resize(760, 400)  # the left side of the default 1280-pixel window
    pane.show()
    qtbot.waitExposed(pane)
    widths = [pane.table.columnWidth(c) for c in range(M.ANNOTATIONS + 1)]
    assert widths[M.TITLE] == max(widths)
    assert widths[M.TITLE] >= 1.7 * widths[M.SOURCE]
    header = pane.table.horizontalHeader()
    for c in (M.PAGES, M.PEOPLE, M.ORGANISATIONS, M.PLACES, M.ANNOTATIONS):  # headers readable in full
        assert widths[c] >= header.fontMetrics().horizontalAdvance(M.HEADERS[c])
