"""The Annotations pane and its lazy model: filters (tag, colour, document, entity, dates), text
search, sort orders, the Orphaned view with re-attach, opening in the reader, deletion requests,
empty states, and refresh on annotation changes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import update

from ctviewer.db.models import Annotation
from ctviewer.domain.annotations import AnnotationFilter, AnnotationRecord
from ctviewer.library import Library
from ctviewer.ui.annotations_model import AnnotationTableModel
from ctviewer.ui.annotations_pane import EMPTY_TEXT, NO_MATCH_TEXT, NO_ORPHANS_TEXT, AnnotationsPane
from ctviewer.ui.context import UiContext
from tests.entities.conftest import doc_id, entity_named, open_fake
from tests.ui.conftest import make_context
from tests.ui.lifetime import add_pane

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
M = AnnotationTableModel
WAIT_MS = 10_000


def _set(library: Library, annotation_id: int, **values: object) -> None:
    """Change stored fields directly (creation times, the orphaned mark) to build test cases."""
    with library.archive.db.write() as session:
        session.execute(update(Annotation).where(Annotation.id == annotation_id).values(**values))


def annotate_three(library: Library) -> dict[str, int]:
    """Three annotations on the three test documents, created on three different days."""
    a, b, c = (doc_id(library, n) for n in ("a.txt", "b.txt", "c.txt"))
    ids = {
        "thanks": library.annotate(
            a, quote="Voronkov thanked Uzbekistan", note="Gratitude to the host", tags=["commitment"], color="green"
        ).annotations[0],
        "zhang": library.annotate(
            b, quote="Zhang Ming spoke", note="SCO line\non Tashkent", tags=["claim", "sco"], color="blue"
        ).annotations[0],
        "gherman": library.annotate(c, quote="Natalia Gherman visited Jordan", tags=["claim"]).annotations[0],
    }
    for key, day in (("thanks", "2024-01-10"), ("zhang", "2024-02-20"), ("gherman", "2024-03-30")):
        _set(library, ids[key], created_at=f"{day}T09:00:00+00:00")
    return ids


@pytest.fixture
def notes_ctx(qtbot, tmp_path: Path) -> Iterator[tuple[UiContext, dict[str, int]]]:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    library = open_fake(root)
    ids = annotate_three(library)
    library.close()
    ctx = make_context(root)
    yield ctx, ids
    ctx.runner.shutdown()
    ctx.library.close()


def make_pane(ctx: UiContext, qtbot) -> AnnotationsPane:  # type: ignore[no-untyped-def]
    pane = AnnotationsPane(ctx)
    add_pane(qtbot, pane, ctx)
    pane.resize(1100, 500)
    qtbot.waitUntil(lambda: not pane.model.loading, timeout=WAIT_MS)
    return pane


def settle(pane: AnnotationsPane, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane._apply_filter()  # skip the typing pause
    qtbot.waitUntil(lambda: not pane.model.loading, timeout=WAIT_MS)


def shown(pane: AnnotationsPane) -> list[int]:
    return [pane.model.annotation_id(row) or 0 for row in range(pane.model.rowCount())]


def test_model_passes_the_model_tester(notes_ctx, qtmodeltester, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, _ids = notes_ctx
    model = AnnotationTableModel(ctx)
    with qtbot.waitSignal(model.ids_loaded, timeout=WAIT_MS):
        model.reload()
    assert model.rowCount() == 3
    qtmodeltester.check(model)


def test_rows_show_colour_quote_note_tags_entities_document_and_created(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    pane = make_pane(ctx, qtbot)
    assert shown(pane) == [ids["gherman"], ids["zhang"], ids["thanks"]]  # newest first
    row = pane.model.row_of(ids["zhang"])
    assert row is not None
    cells = [pane.model.data(pane.model.index(row, c)) for c in range(M.CREATED + 1)]
    assert cells[M.COLOR] == "Claim"  # the colour's meaning; the swatch shows the colour
    assert cells[M.QUOTE] == "Zhang Ming spoke"
    assert cells[M.NOTE] == "SCO line on Tashkent"  # one line in a cell
    assert cells[M.TAGS] == "claim, sco"
    assert cells[M.ENTITIES] == "Zhang Ming"
    assert cells[M.DOCUMENT].startswith("2022-03-03 · ")
    assert cells[M.CREATED] == "2024-02-20 09:00"
    assert pane.model.data(pane.model.index(row, M.COLOR), Qt.ItemDataRole.DecorationRole) is not None
    assert pane.model.data(pane.model.index(row, M.QUOTE), Qt.ItemDataRole.ToolTipRole) is None
    assert pane.count_label.text() == "3 annotations"


def test_filters_by_tag_colour_document_and_entity(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    pane = make_pane(ctx, qtbot)
    pane.tag_combo.setCurrentIndex(pane.tag_combo.findData("claim"))
    settle(pane, qtbot)
    assert set(shown(pane)) == {ids["zhang"], ids["gherman"]}
    assert pane.count_label.text() == "2 of 3 annotations"
    pane.colour_combo.setCurrentIndex(pane.colour_combo.findData("blue"))
    settle(pane, qtbot)
    assert shown(pane) == [ids["zhang"]]
    pane.tag_combo.setCurrentIndex(0)
    pane.colour_combo.setCurrentIndex(0)
    pane.document_combo.setCurrentIndex(pane.document_combo.findData(doc_id(ctx.library, "a.txt")))
    settle(pane, qtbot)
    assert shown(pane) == [ids["thanks"]]
    assert [pane.document_combo.itemText(i)[:10] for i in range(1, 4)] == ["2021-05-01", "2022-03-03", "2023-07-09"]
    pane.document_combo.setCurrentIndex(0)
    pane.entity_combo.setCurrentIndex(pane.entity_combo.findData(entity_named(ctx.library, "Natalia Gherman")))
    settle(pane, qtbot)
    assert shown(pane) == [ids["gherman"]]


def test_filters_by_document_date_and_creation_date(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    pane = make_pane(ctx, qtbot)
    pane.date_from_edit.setText("2022")
    settle(pane, qtbot)
    assert set(shown(pane)) == {ids["zhang"], ids["gherman"]}
    pane.date_to_edit.setText("2022-12")
    settle(pane, qtbot)
    assert shown(pane) == [ids["zhang"]]
    pane.date_from_edit.clear()
    pane.date_to_edit.clear()
    pane.created_from_edit.setText("2024-02")
    pane.created_to_edit.setText("2024-02-20")  # the end day is included
    settle(pane, qtbot)
    assert shown(pane) == [ids["zhang"]]
    pane.created_to_edit.setText("2024-02-1")  # incomplete: ignored until complete
    settle(pane, qtbot)
    assert set(shown(pane)) == {ids["zhang"], ids["gherman"]}


def test_search_over_notes_and_quotes(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    pane = make_pane(ctx, qtbot)
    qtbot.keyClicks(pane.search_edit, "gratitude")  # a word of a note
    qtbot.waitUntil(lambda: shown(pane) == [ids["thanks"]], timeout=WAIT_MS)
    pane.search_edit.setText("jordan natalia")  # every word, in any order, of the quote
    settle(pane, qtbot)
    assert shown(pane) == [ids["gherman"]]
    pane.search_edit.setText("nothing like this")
    settle(pane, qtbot)
    assert shown(pane) == []
    assert pane.stack.currentWidget() is pane.empty_label and pane.empty_label.text() == NO_MATCH_TEXT


def test_sort_by_document_date_or_creation(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    _set(ctx.library, ids["thanks"], created_at="2025-01-01T00:00:00+00:00")  # newest now, oldest document
    pane = make_pane(ctx, qtbot)
    assert shown(pane) == [ids["thanks"], ids["gherman"], ids["zhang"]]
    pane.sort_combo.setCurrentIndex(2)  # document date
    qtbot.waitUntil(lambda: shown(pane) == [ids["thanks"], ids["zhang"], ids["gherman"]], timeout=WAIT_MS)
    assert pane.table.horizontalHeader().sortIndicatorSection() == M.DOCUMENT
    pane.table.sortByColumn(M.CREATED, Qt.SortOrder.AscendingOrder)  # a header click
    qtbot.waitUntil(lambda: shown(pane) == [ids["zhang"], ids["gherman"], ids["thanks"]], timeout=WAIT_MS)
    assert pane.sort_combo.currentText() == "Oldest first"


def test_enter_opens_the_annotation_and_del_asks_to_delete(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    pane = make_pane(ctx, qtbot)
    pane.show()
    pane.table.setFocus()
    pane.select_annotation(ids["zhang"])
    with qtbot.waitSignal(pane.annotation_activated, timeout=WAIT_MS) as opened:
        qtbot.keyClick(pane.table, Qt.Key.Key_Return)
    record = opened.args[0]
    assert isinstance(record, AnnotationRecord) and record.id == ids["zhang"]
    assert record.document_id == doc_id(ctx.library, "b.txt") and record.quote == "Zhang Ming spoke"
    with qtbot.waitSignal(pane.delete_requested, timeout=WAIT_MS) as deleting:
        qtbot.keyClick(pane.table, Qt.Key.Key_Delete)
    assert deleting.args == [[ids["zhang"]]]


def test_pane_follows_annotation_changes_and_keeps_the_selection(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    pane = make_pane(ctx, qtbot)
    pane.select_annotation(ids["thanks"])
    change = ctx.library.delete_annotation(ids["zhang"])
    ctx.events.annotations_changed.emit(change)
    qtbot.waitUntil(lambda: ids["zhang"] not in shown(pane), timeout=WAIT_MS)
    assert pane.selected_ids() == [ids["thanks"]]
    assert pane.count_label.text() == "2 annotations"
    assert pane.tag_combo.findData("sco") == -1  # its only tag went with it
    ctx.events.annotations_changed.emit(ctx.library.restore_annotation(ids["zhang"]))
    qtbot.waitUntil(lambda: ids["zhang"] in shown(pane), timeout=WAIT_MS)


def test_orphaned_view_and_reattach_to_the_reader_selection(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    pane = make_pane(ctx, qtbot)
    pane.show_orphaned()
    settle(pane, qtbot)
    assert shown(pane) == [] and pane.empty_label.text() == NO_ORPHANS_TEXT
    assert pane.reattach_button.isVisible() or not pane.isVisible()
    _set(ctx.library, ids["thanks"], orphaned=1)
    ctx.events.annotations_changed.emit(None)
    qtbot.waitUntil(lambda: shown(pane) == [ids["thanks"]], timeout=WAIT_MS)
    assert pane.model.data(pane.model.index(0, M.QUOTE)) == "[orphaned] Voronkov thanked Uzbekistan"
    pane.select_annotation(ids["thanks"])
    assert pane.reattach_button.isEnabled()

    a = doc_id(ctx.library, "a.txt")
    text = ctx.library.document(a).text
    pane.reattach_current()  # nothing selected in the reader: the pane says what to do
    assert "select the passage" in pane.status_label.text()
    start = text.index("Uzbekistan")
    pane.set_reader_selection(lambda: (a, start, start + len("Uzbekistan")))
    with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
        pane.reattach_current()
    record = ctx.library.annotation(ids["thanks"])
    assert not record.orphaned and (record.start, record.end) == (start, start + len("Uzbekistan"))
    assert record.quote == "Uzbekistan" and record.note == "Gratitude to the host"
    qtbot.waitUntil(lambda: shown(pane) == [], timeout=WAIT_MS)
    assert ctx.library.annotation_count(AnnotationFilter(orphaned=True)) == 0


def test_reattach_refuses_a_selection_in_another_document(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    _set(ctx.library, ids["thanks"], orphaned=1)
    pane = make_pane(ctx, qtbot)
    pane.show_orphaned()
    settle(pane, qtbot)
    pane.select_annotation(ids["thanks"])
    pane.set_reader_selection(lambda: (doc_id(ctx.library, "b.txt"), 0, 10))
    pane.reattach_current()
    assert ctx.library.annotation(ids["thanks"]).orphaned
    assert "Open the annotation's document" in pane.status_label.text()


def test_empty_archive_says_how_to_annotate(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = make_pane(ui_ctx, qtbot)
    assert pane.model.rowCount() == 0
    assert pane.stack.currentWidget() is pane.empty_label and pane.empty_label.text() == EMPTY_TEXT
    assert pane.count_label.text() == "0 annotations"


def test_an_edit_refreshes_cells_without_resetting_the_view(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    pane = make_pane(ctx, qtbot)
    pane.select_annotation(ids["zhang"])
    resets: list[bool] = []
    pane.model.modelReset.connect(lambda: resets.append(True))
    change = ctx.library.edit_annotation(ids["zhang"], note="Revised reading", tags=["claim", "revised"])
    with qtbot.waitSignal(pane.model.dataChanged, timeout=WAIT_MS):
        ctx.events.annotations_changed.emit(change)
    qtbot.waitUntil(lambda: not pane.model.loading, timeout=WAIT_MS)
    row = pane.model.row_of(ids["zhang"])
    assert row is not None
    assert pane.model.data(pane.model.index(row, M.NOTE)) == "Revised reading"
    assert pane.model.data(pane.model.index(row, M.TAGS)) == "claim, revised"
    assert resets == [] and pane.selected_ids() == [ids["zhang"]]
    assert pane.tag_combo.findData("revised") > 0  # the new tag is offered as a filter


def test_entity_changes_refresh_the_linked_entities(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    pane = make_pane(ctx, qtbot)
    zhang = entity_named(ctx.library, "Zhang Ming")
    change = ctx.library.rename(zhang, "Zhang Ming (SCO)")
    ctx.events.entities_changed.emit(change)
    row = pane.model.row_of(ids["zhang"])
    assert row is not None
    qtbot.waitUntil(lambda: pane.model.data(pane.model.index(row, M.ENTITIES)) == "Zhang Ming (SCO)", timeout=WAIT_MS)
    assert pane.entity_combo.findText("Zhang Ming (SCO)") > 0
    qtbot.waitUntil(lambda: not pane.model.loading, timeout=WAIT_MS)


def test_many_annotations_are_read_a_page_at_a_time(notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, _ids = notes_ctx
    library = ctx.library
    a = doc_id(library, "a.txt")
    sha = library.annotation(1).document_sha256  # annotation 1 is on a.txt
    with library.archive.db.write() as session:  # 1,000 annotations at once (no per-save durability)
        session.execute(
            Annotation.__table__.insert(),
            [
                {
                    "uid": f"bulk-{i}",
                    "document_id": a,
                    "document_sha256": sha,
                    "start": 0,
                    "end": 8,
                    "quote": "Vladimir",
                    "prefix": "",
                    "suffix": "",
                    "note": f"bulk note {i}",
                    "color": "yellow",
                    "orphaned": 0,
                    "created_at": f"2025-01-01T00:{i // 60:02d}:{i % 60:02d}+00:00",
                    "modified_at": "2025-01-01T00:00:00+00:00",
                }
                for i in range(1000)
            ],
        )
    pane = make_pane(ctx, qtbot)
    pane.show()
    qtbot.waitExposed(pane)
    assert pane.model.rowCount() == 1003
    qtbot.waitUntil(lambda: bool(pane.model.pages_fetched), timeout=WAIT_MS)  # the first paint
    assert pane.model.pages_fetched == [0]  # only the rows on screen were read
    assert pane.model.data(pane.model.index(0, M.NOTE)) == "bulk note 999"  # newest first
    pane.table.scrollToBottom()
    qtbot.wait(10)
    assert pane.model.pages_fetched[-1] == 1002 // M.PAGE_SIZE
    assert not {1, 2, 3} & set(pane.model.pages_fetched)  # the pages scrolled past were never read
