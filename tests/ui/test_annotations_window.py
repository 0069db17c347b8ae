"""The Annotations tab in the main window: Ctrl+5, opening an annotation in the reader, and
File > Export Annotications… / Import Annotations… (formats, scope, the import report)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import update

from ctviewer.db.models import Annotation
from ctviewer.domain.annotations import AnnotationImportReport
from ctviewer.ui import annotation_exchange
from ctviewer.ui.annotation_exchange import ExportAnnotationsDialog, import_report_text
from ctviewer.ui.context import UiContext
from ctviewer.ui.main_window import TAB_ANNOTATIONS, MainWindow
from tests.entities.conftest import doc_id, open_fake
from tests.ui.conftest import make_context
from tests.ui.lifetime import add_pane
from tests.ui.test_annotations_pane import annotate_three

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
WAIT_MS = 10_000


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


@pytest.fixture
def window(notes_ctx, qtbot, tmp_path: Path) -> Iterator[MainWindow]:  # type: ignore[no-untyped-def]
    ctx, _ids = notes_ctx
    w = MainWindow(
        ctx, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), sample_root=tmp_path / "sample"
    )
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    qtbot.waitUntil(lambda: not w.annotations.model.loading, timeout=WAIT_MS)
    yield w
    w.close()


def _menu_action(window: MainWindow, menu_title: str, text: str):  # type: ignore[no-untyped-def]
    menu = next(a.menu() for a in window.menuBar().actions() if a.text() == menu_title)
    return next(a for a in menu.actions() if a.text() == text)


def test_ctrl5_shows_the_annotations_tab(window: MainWindow) -> None:
    action = _menu_action(window, "&View", "&Annotations")
    assert action.shortcut().toString() == "Ctrl+5"
    action.trigger()
    assert window.tabs.currentIndex() == TAB_ANNOTATIONS and window.tabs.currentWidget() is window.annotations


def test_opening_an_annotation_shows_its_passage_in_the_reader(window: MainWindow, notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    window.show_tab(TAB_ANNOTATIONS)
    assert window.annotations.select_annotation(ids["zhang"])
    window.annotations.open_button.click()
    b = doc_id(ctx.library, "b.txt")
    assert window.reader.document_id == b and window.right.currentWidget() is window.reader
    assert window.reader.text_edit.textCursor().selectedText() == "Zhang Ming spoke"  # the whole passage
    text = ctx.library.document(b).text
    start = text.index("Zhang Ming spoke")
    assert window.reader.selection_range() == (start, start + len("Zhang Ming spoke"))


def test_reattach_an_orphan_to_what_is_selected_in_the_reader(window: MainWindow, notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    with ctx.library.archive.db.write() as session:  # as a re-extraction that lost the passage would
        session.execute(update(Annotation).where(Annotation.id == ids["gherman"]).values(orphaned=1))
    pane = window.annotations
    window.show_tab(TAB_ANNOTATIONS)
    pane.show_orphaned()
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=WAIT_MS)
    pane.select_annotation(ids["gherman"])
    pane.open_current()  # opens its document at the old place
    c = doc_id(ctx.library, "c.txt")
    assert window.reader.document_id == c
    text = ctx.library.document(c).text
    start = text.index("visited Jordan")
    window.reader.show_range(c, start, start + len("visited Jordan"))  # the analyst selects the passage
    with qtbot.waitSignal(ctx.events.annotations_changed, timeout=WAIT_MS):
        pane.reattach_button.click()
    record = ctx.library.annotation(ids["gherman"])
    assert not record.orphaned and record.quote == "visited Jordan"
    qtbot.waitUntil(lambda: pane.model.rowCount() == 0, timeout=WAIT_MS)


def test_reader_selection_range_counts_characters_not_utf16_units(ui_ctx: UiContext, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ctviewer.ui.reader_pane import ReaderPane
    from tests.ui.documents_factory import add_document

    text = "Flags \U0001f1fa\U0001f1f3 and \U0001f600 before the passage that matters."
    doc = add_document(ui_ctx.library.root, text, title="Emoji", name="e.txt")
    reader = ReaderPane(ui_ctx)
    add_pane(qtbot, reader, ui_ctx)
    start = text.index("the passage")
    reader.show_range(doc, start, start + len("the passage"))
    assert reader.text_edit.textCursor().selectedText() == "the passage"
    assert reader.selection_range() == (start, start + len("the passage"))


def test_export_of_the_pane_filter_in_each_format(
    window: MainWindow,
    notes_ctx,
    qtbot,
    tmp_path: Path,  # type: ignore[no-untyped-def]
    monkeypatch,
) -> None:
    ctx, _ids = notes_ctx
    pane = window.annotations
    pane.tag_combo.setCurrentIndex(pane.tag_combo.findData("claim"))  # 2 of the 3
    qtbot.waitUntil(lambda: pane.model.rowCount() == 2, timeout=WAIT_MS)
    chosen: dict[str, object] = {}

    def exec_dialog(dialog: ExportAnnotationsDialog) -> int:
        chosen["filtered_enabled"] = dialog.filtered_radio.isEnabled()
        chosen["default_filtered"] = dialog.filtered_radio.isChecked()
        dialog.format_combo.setCurrentIndex(int(chosen["format"]))  # type: ignore[call-overload]
        if chosen.get("all"):
            dialog.all_radio.setChecked(True)
        return int(ExportAnnotationsDialog.DialogCode.Accepted)

    monkeypatch.setattr(ExportAnnotationsDialog, "exec", exec_dialog)
    outputs = {}
    for index, name in enumerate(("briefing", "sheet", "exchange")):
        chosen["format"] = index
        target = tmp_path / name  # no suffix given: the format's is added
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, t=target, **_k: (str(t), ""))
        _menu_action(window, "&File", "&Export Annotations…").trigger()
        assert ctx.runner.wait_idle(WAIT_MS)
        outputs[name] = next(tmp_path.glob(f"{name}.*"))
    assert chosen["filtered_enabled"] and chosen["default_filtered"]
    assert [p.suffix for p in outputs.values()] == [".md", ".csv", ".jsonld"]
    markdown = outputs["briefing"].read_text(encoding="utf-8")
    assert "Zhang Ming spoke" in markdown and "Natalia Gherman visited Jordan" in markdown
    assert "Voronkov thanked Uzbekistan" not in markdown  # not tagged "claim": outside the filter
    rows = list(csv.DictReader(io.StringIO(outputs["sheet"].read_text(encoding="utf-8"))))
    assert len(rows) == 2
    collection = json.loads(outputs["exchange"].read_text(encoding="utf-8"))
    assert collection["type"] == "AnnotationCollection" and collection["total"] == 2
    quotes = {item["target"]["selector"][1]["exact"] for item in collection["first"]["items"]}
    assert quotes == {"Zhang Ming spoke", "Natalia Gherman visited Jordan"}
    assert "Exported 2 annotations to" in window.status.currentMessage()

    chosen.update(format=2, all=True)
    everything = tmp_path / "all.jsonld"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *_a, **_k: (str(everything), ""))
    _menu_action(window, "&File", "&Export Annotations…").trigger()
    assert ctx.runner.wait_idle(WAIT_MS)
    assert everything.read_text(encoding="utf-8").count("Zhang Ming spoke") >= 1
    assert "Voronkov thanked Uzbekistan" in everything.read_text(encoding="utf-8")


def test_import_shows_the_report_and_fills_the_pane(notes_ctx, qtbot, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ctx, _ids = notes_ctx
    exchange = tmp_path / "from-colleague.jsonld"
    exchange.write_text(ctx.library.export_annotations("w3c"), encoding="utf-8")
    # A second archive with the same documents and no annotations: the colleague's side.
    other_root = tmp_path / "other" / "archive"
    open_fake(other_root).close()
    other = make_context(other_root)
    try:
        w = MainWindow(
            other, QSettings(str(tmp_path / "s2.ini"), QSettings.Format.IniFormat), sample_root=tmp_path / "sample"
        )
        qtbot.addWidget(w)
        qtbot.waitUntil(lambda: not w.annotations.model.loading, timeout=WAIT_MS)
        assert w.annotations.model.rowCount() == 0
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(exchange), ""))
        _menu_action(w, "&File", "Import A&nnotations…").trigger()
        qtbot.waitUntil(lambda: w.last_annotation_import is not None, timeout=WAIT_MS)
        report_text = w.last_annotation_import.text.toPlainText()  # type: ignore[union-attr]
        assert report_text.startswith("Added: 3 annotations\nDuplicates (already in this archive, skipped): 0")
        qtbot.waitUntil(lambda: w.annotations.model.rowCount() == 3, timeout=WAIT_MS)
        w.last_annotation_import.close()  # type: ignore[union-attr]

        w.last_annotation_import = None
        _menu_action(w, "&File", "Import A&nnotations…").trigger()  # the same file again
        qtbot.waitUntil(lambda: w.last_annotation_import is not None, timeout=WAIT_MS)
        assert (
            "Added: 0 annotations\nDuplicates (already in this archive, skipped): 3"
            in w.last_annotation_import.text.toPlainText()
        )  # type: ignore[union-attr]
        assert other.library.annotation_count() == 3

        garbage = tmp_path / "not-annotations.json"
        garbage.write_text("[1, 2", encoding="utf-8")
        monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a, **_k: (str(garbage), ""))
        w.last_annotation_import = None
        w.status.clearMessage()
        _menu_action(w, "&File", "Import A&nnotations…").trigger()
        qtbot.waitUntil(lambda: bool(w.status.currentMessage()), timeout=WAIT_MS)
        assert w.status.currentMessage().startswith("The file is not valid JSON")  # a message, no traceback
        assert w.last_annotation_import is None and other.library.annotation_count() == 3
        w.close()
    finally:
        other.runner.shutdown()
        other.library.close()


def test_import_report_text_names_every_outcome() -> None:
    report = AnnotationImportReport(
        imported=(1, 2),
        duplicates=1,
        unmatched_documents=("ab" * 32,),
        unmatched=4,
        orphaned=1,
        invalid=("item 3: its type is not Annotation",),
    )
    text = import_report_text(report)
    assert "Added: 2 annotations" in text and "Duplicates (already in this archive, skipped): 1" in text
    assert "orphaned" in text and "Not imported: 4 on 1 document this archive does not hold" in text
    assert text.endswith("Problems (1 skipped):\n  - item 3: its type is not Annotation")
    assert annotation_exchange.FORMATS[2][1] == "w3c"


def test_del_in_the_pane_deletes_the_selected_annotations(window: MainWindow, notes_ctx, qtbot) -> None:  # type: ignore[no-untyped-def]
    ctx, ids = notes_ctx
    window.show_tab(TAB_ANNOTATIONS)
    pane = window.annotations
    pane.select_annotation(ids["zhang"])
    pane.table.setFocus()
    qtbot.keyClick(pane.table, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: pane.model.row_of(ids["zhang"]) is None, timeout=WAIT_MS)
    assert ctx.library.annotation(ids["zhang"]).deleted  # soft-deleted: restorable
    assert ctx.library.annotation_count() == 2 and pane.count_label.text() == "2 annotations"
