"""Annotating in the reader, end to end: select a passage, Ctrl+M, write a note and tags, save;
see it highlighted and listed beside the text, in the Annotations pane and in search; edit it;
delete it and bring it back with Ctrl+Z. Also: a refused save keeps the editor's text."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QToolButton

from ctviewer.library import Library
from ctviewer.ui.annotation_dialog import AnnotationDialog, split_tags
from ctviewer.ui.context import UiContext
from ctviewer.ui.main_window import TAB_ANNOTATIONS, MainWindow
from ctviewer.ui.tasks import Lane
from tests.annotations.test_disk_full import full_database
from tests.entities.conftest import FakeExtractor, doc_id, open_fake
from tests.ui.conftest import make_context

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
WAIT_MS = 10_000
PASSAGE = "Vladimir Voronkov met the OSCE in Tashkent"
NOTE = "Agreed to <b>share</b> lists & follow up\nsecond line"


@pytest.fixture
def ctx(qtbot, tmp_path: Path) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    root = tmp_path / "archive"
    open_fake(root).close()
    context = make_context(root)
    yield context
    context.runner.shutdown()
    context.library.close()


@pytest.fixture
def window(ctx: UiContext, qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    w = MainWindow(
        ctx, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), sample_root=tmp_path / "sample"
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def select_text(window: MainWindow, doc: int, passage: str) -> tuple[int, int]:
    """Open ``doc`` and select ``passage`` in the reader as a drag would."""
    window.open_document(doc)
    text = window.ctx.library.document(doc).text
    start = text.index(passage)
    cursor = window.reader.text_edit.textCursor()
    cursor.setPosition(start)
    cursor.setPosition(start + len(passage), QTextCursor.MoveMode.KeepAnchor)
    window.reader.text_edit.setTextCursor(cursor)
    window.reader.text_edit.setFocus()
    return start, start + len(passage)


def open_editor(window: MainWindow, qtbot) -> AnnotationDialog:  # type: ignore[no-untyped-def]
    window.reader.text_edit.setFocus()  # the shortcut works while the reader has focus
    qtbot.keyClick(window.reader.text_edit, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    dialog = window.annotation_controller.editor
    assert dialog is not None and dialog.isVisible()
    return dialog


def colour_button(dialog: AnnotationDialog, name: str) -> QToolButton:
    button = next(b for b in dialog.color_group.buttons() if b.property("color_name") == name)
    assert isinstance(button, QToolButton)
    return button


def annotation_marks(window: MainWindow) -> list[tuple[int, int, str]]:
    window.reader._refresh_highlights()
    return [h for h in window.reader.highlighted() if h[2].startswith("annotation:")]


def test_select_annotate_find_search_delete_and_undo(window: MainWindow, ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    a = doc_id(ctx.library, "a.txt")
    assert not window.reader.annotate_action.isEnabled()  # nothing selected yet
    start, end = select_text(window, a, PASSAGE)
    assert window.reader.annotate_action.isEnabled()
    assert not window.reader.annotation_list.isVisible()  # no room taken while there is nothing to list

    dialog = open_editor(window, qtbot)
    assert dialog.quote_view.toPlainText() == PASSAGE
    suggested = {dialog.entity_list.item(i).text() for i in range(dialog.entity_list.count())}
    osce = "Organization for Security and Co-operation in Europe"  # the acronym resolved to its entity
    assert suggested == {"Vladimir Voronkov (person)", f"{osce} (organisation)", "Tashkent (place)"}
    assert len(dialog.linked_entities()) == 3  # the passage's entities, ticked
    dialog.entity_list.item(2).setCheckState(Qt.CheckState.Unchecked)  # not the place
    colour_button(dialog, "green").click()
    dialog.note_edit.setPlainText(NOTE)
    qtbot.keyClicks(dialog.tags_edit, "bilateral, follow-up")
    with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
        qtbot.keyClick(dialog.note_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)

    # Saved, durable, as typed.
    [record] = ctx.library.document_annotations(a)
    assert (record.start, record.end, record.quote) == (start, end, PASSAGE)
    assert record.note == NOTE and record.tags == ("bilateral", "follow-up") and record.color == "green"
    assert {e.name for e in record.entities} == {"Vladimir Voronkov", osce}

    # The reader paints it (over the entity tints) and lists it; the tooltip shows markup literally.
    assert annotation_marks(window) == [(start, end, "annotation:green")]
    kinds = {h[2] for h in window.reader.highlighted()}
    assert {"person", "organisation", "annotation:green"} <= kinds
    assert [r.id for r in window.reader.annotations] == [record.id]
    assert window.reader.annotation_list.isVisible() and window.reader.side_button.text() == "Annotations (1)"
    item = window.reader.annotation_list.list.item(0)
    assert "Agreed to <b>share</b> lists" in item.text()
    tooltip = item.toolTip()
    assert "&lt;b&gt;share&lt;/b&gt;" in tooltip and "<b>share" not in tooltip
    assert "Commitment" in tooltip  # the green colour's meaning
    assert window.reader._tooltip_for(start + 3) == tooltip

    # Clicking it in the side list selects the passage.
    window.reader.text_edit.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.mouseClick(
        window.reader.annotation_list.list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=window.reader.annotation_list.list.visualItemRect(item).center(),
    )
    assert window.reader.selection_range() == (start, end)

    # The Annotations pane shows it.
    window.show_tab(TAB_ANNOTATIONS)
    pane = window.annotations
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1 and not pane.model.loading, timeout=WAIT_MS)
    assert pane.model.record(0).id == record.id

    # Search finds the document by the note and by the tag.
    for query in ("note:lists", "tag:bilateral"):
        with qtbot.waitSignal(window.search.search_finished, timeout=WAIT_MS) as searched:
            window.search.set_query(query)
        assert searched.args[1] == 1, query
        assert window.search.results_view.model().doc_id(window.search.results_view.model().index(0, 0)) == a

    # Delete from the side list (Del), then Ctrl+Z brings the same annotation back.
    window.reader.annotation_list.list.setCurrentItem(window.reader.annotation_list.list.item(0))
    window.reader.annotation_list.list.setFocus()
    with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
        qtbot.keyClick(window.reader.annotation_list.list, Qt.Key.Key_Delete)
    assert ctx.library.annotation(record.id).deleted
    assert annotation_marks(window) == [] and window.reader.annotations == []
    assert not window.reader.annotation_list.isVisible()
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0 and not pane.model.loading, timeout=WAIT_MS)
    assert window.undo_action.text() == "&Undo Delete 1 annotation"

    window.activateWindow()  # what the window manager does once the editor has closed
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window, timeout=WAIT_MS)
    window.reader.text_edit.setFocus()
    with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
        qtbot.keyClick(window.reader.text_edit, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    restored = ctx.library.annotation(record.id)
    assert not restored.deleted and restored.note == NOTE and restored.tags == record.tags
    assert annotation_marks(window) == [(start, end, "annotation:green")]
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1 and not pane.model.loading, timeout=WAIT_MS)

    # Undo once more: the annotation itself is undone; redo brings it back.
    with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
        window.undo_action.trigger()
    assert ctx.library.annotation(record.id).deleted
    with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
        window.redo_action.trigger()
    assert not ctx.library.annotation(record.id).deleted


def test_editing_from_the_pane_and_undoing_the_edit(window: MainWindow, ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    b = doc_id(ctx.library, "b.txt")
    change = ctx.library.annotate(b, quote="Zhang Ming spoke", note="first", tags=["sco"], color="blue")
    ctx.events.annotations_changed.emit(change)
    pane = window.annotations
    window.show_tab(TAB_ANNOTATIONS)
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1 and not pane.model.loading, timeout=WAIT_MS)
    pane.table.selectRow(0)
    pane.table.setFocus()
    qtbot.keyClick(pane.table, Qt.Key.Key_F2)
    dialog = window.annotation_controller.editor
    assert dialog is not None and dialog.isVisible() and dialog.record is not None
    assert dialog.note_edit.toPlainText() == "first" and dialog.tags_edit.text() == "sco"
    assert colour_button(dialog, "blue").isChecked()
    dialog.note_edit.setPlainText("second thoughts")
    dialog.tags_edit.setText("sco, regional")
    colour_button(dialog, "red").click()
    with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
        dialog.save_button.click()
    edited = ctx.library.annotation(change.annotations[0])
    # (tags are kept sorted)
    assert (edited.note, edited.tags, edited.color) == ("second thoughts", ("regional", "sco"), "red")
    qtbot.waitUntil(lambda: not pane.model.loading and pane.model.record(0).note == "second thoughts", timeout=WAIT_MS)

    with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
        window.undo_action.trigger()
    back = ctx.library.annotation(change.annotations[0])
    assert (back.note, back.tags, back.color) == ("first", ("sco",), "blue")


def test_quick_highlight_links_the_passage_entities(window: MainWindow, ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    c = doc_id(ctx.library, "c.txt")
    start, end = select_text(window, c, "Natalia Gherman visited Jordan")
    with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
        qtbot.keyClick(
            window.reader.text_edit,
            Qt.Key.Key_M,
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
        )
    [record] = ctx.library.document_annotations(c)
    assert (record.start, record.end, record.note, record.color) == (start, end, "", "yellow")
    assert {e.name for e in record.entities} == {"Natalia Gherman", "Jordan"}
    assert annotation_marks(window) == [(start, end, "annotation:yellow")]


def test_renaming_a_colour_from_the_editor(window: MainWindow, ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    a = doc_id(ctx.library, "a.txt")
    select_text(window, a, "Voronkov thanked Uzbekistan")
    dialog = open_editor(window, qtbot)
    colour_button(dialog, "purple").click()
    monkeypatch.setattr(
        "ctviewer.ui.annotation_dialog.QInputDialog.getText", lambda *_args, **_kwargs: ("Open <i>question</i>", True)
    )
    with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
        dialog.rename_button.click()
    assert colour_button(dialog, "purple").text() == "Open <i>question</i>"
    assert {c.name: c.label for c in ctx.library.annotation_colors()}["purple"] == "Open <i>question</i>"
    dialog.reject()


def test_a_refused_save_keeps_the_editor_and_its_text(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """Disk full on the write lane: the editor stays open with the note, nothing is saved."""
    root = tmp_path / "archive"
    open_fake(root).close()
    fake = FakeExtractor()
    lanes: dict[str, Library] = {}
    ctx = make_context(root, extractor=fake)
    base_opener = ctx.runner._workers["write"]._opener

    def opener(lane: Lane) -> Library:
        library = base_opener(lane)
        lanes[lane] = library
        return library

    ctx.runner._workers["write"]._opener = opener
    w = MainWindow(
        ctx, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), sample_root=tmp_path / "sample"
    )
    qtbot.addWidget(w)
    w.show()
    try:
        # Open the write lane's Library, then make its database "full".
        ctx.runner.submit("write", lambda library, _task: None)
        assert ctx.runner.wait_idle()
        a = doc_id(ctx.library, "a.txt")
        select_text(w, a, PASSAGE)
        dialog = open_editor(w, qtbot)
        note = "A long note that must survive. " * 3_000
        dialog.note_edit.setPlainText(note)
        dialog.tags_edit.setText("kept")
        with full_database(lanes["write"]):
            dialog.save_button.click()
            qtbot.waitUntil(lambda: dialog.error_label.isVisible(), timeout=WAIT_MS)
        assert dialog.isVisible() and dialog.save_button.isEnabled()
        assert dialog.error_label.text().startswith("Not saved: The disk is full")
        assert dialog.note_edit.toPlainText() == note and dialog.tags_edit.text() == "kept"
        assert ctx.library.annotation_count() == 0
        assert w.annotation_controller.undo_stack.count() == 0  # nothing to undo: nothing was saved

        # With room again, the same editor saves.
        with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
            dialog.save_button.click()
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=WAIT_MS)
        assert [r.note for r in ctx.library.document_annotations(a)] == [note.strip()]
    finally:
        w.close()
        ctx.runner.shutdown()
        ctx.library.close()


def test_split_tags() -> None:
    assert split_tags(" a, b ,, A , c  d ") == ("a", "b", "c d")


def test_ctrl_m_annotates_only_in_the_reader(window: MainWindow, ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Ctrl+M is Merge in the entity panes: the reader's Annotate must not make it ambiguous
    (Qt would warn and run neither)."""
    a = doc_id(ctx.library, "a.txt")
    select_text(window, a, PASSAGE)
    window.show_tab(1)  # People
    qtbot.waitUntil(lambda: window.people.model.rowCount() >= 2, timeout=WAIT_MS)
    window.people.table.selectAll()  # Merge is enabled with two or more selected
    assert window.people.merge_action.isEnabled()
    merged = []
    monkeypatch.setattr("ctviewer.ui.correction_dialogs.ask_choice", lambda *_args: merged.append(True))
    window.people.table.setFocus()
    qtbot.keyClick(window.people.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert merged == [True] and window.annotation_controller.editor is None
    dialog = open_editor(window, qtbot)  # with the reader focused, the same keys annotate
    assert dialog.quote_view.toPlainText() == PASSAGE
    dialog.reject()
