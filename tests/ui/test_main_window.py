"""The main window: it opens on an archive with the real panes, routes keys and signals between
them, and restores its state from (a temporary) QSettings."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPoint, QSettings, Qt, QUrl
from PySide6.QtGui import QDropEvent
from PySide6.QtWidgets import QApplication

from ctviewer.ui.context import UiContext
from ctviewer.ui.main_window import MainWindow
from ctviewer.ui.refcount_guard import pin_singletons
from tests.entities.conftest import entity_named
from tests.ui.conftest import make_context

pin_singletons()  # PySide6 6.12 on Python 3.11 leaks references to None (see the module)
# The offscreen platform warns whenever a top-level window with a layout is shown.
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window_class() -> type:
    return MainWindow


@pytest.fixture
def window(ui_ctx: UiContext, settings: QSettings, window_class: type, qtbot, tmp_path: Path):  # type: ignore[no-untyped-def]
    w = window_class(ui_ctx, settings, sample_root=tmp_path / "sample")
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    yield w
    w.close()


def test_window_opens_on_the_archive_with_the_real_panes(window, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ctviewer.ui import reader_pane
    from ctviewer.ui.annotations_pane import AnnotationsPane
    from ctviewer.ui.documents_pane import DocumentsPane
    from ctviewer.ui.entities_pane import EntitiesPane
    from ctviewer.ui.search_pane import SearchPane

    tabs = [window.tabs.widget(i) for i in range(window.tabs.count())]
    assert [type(t) for t in tabs] == [
        DocumentsPane,
        EntitiesPane,
        EntitiesPane,
        EntitiesPane,
        AnnotationsPane,
        SearchPane,
    ]
    assert [t.entity_type for t in tabs[1:4]] == ["person", "organisation", "place"]
    assert isinstance(window.right.currentWidget(), reader_pane.ReaderPane)  # documents exist: no welcome panel
    assert window.status.documents_label.text() == "3 documents"
    qtbot.waitUntil(lambda: window.status.size_label.text().endswith("on disk"), timeout=10_000)
    assert window.status.size_label.text().startswith(" · ")  # "3 documents · 12.0 KB on disk"
    menus = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert menus == ["File", "Edit", "View", "Help"]


def test_ctrl_k_focuses_the_search_field(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    window.tabs.setCurrentIndex(0)
    window.search.query_edit.setText("Voronkov")
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is window.search.query_edit, timeout=5_000)
    assert window.tabs.currentWidget() is window.search
    assert window.search.query_edit.selectedText() == "Voronkov"


def test_ctrl_number_switches_panes(window, qtbot) -> None:  # type: ignore[no-untyped-def]
    window.activateWindow()
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.organisations
    qtbot.keyClick(window.tabs.currentWidget(), Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.documents


def test_entity_activated_routes_to_the_pane_of_its_type(window, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    osce = entity_named(ui_ctx.library, "Organization for Security and Co-operation in Europe")
    window.reader.entity_activated.emit(osce)  # as a click on a highlighted name does
    assert window.tabs.currentWidget() is window.organisations
    qtbot.waitUntil(lambda: window.organisations.current_id() == osce, timeout=5_000)
    person = entity_named(ui_ctx.library, "Vladimir Voronkov")
    window.organisations.entity_activated.emit(person)  # a co-occurrence link to a person
    assert window.tabs.currentWidget() is window.people
    qtbot.waitUntil(lambda: window.people.current_id() == person, timeout=5_000)


def test_document_activated_opens_the_reader(window, ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    doc = ui_ctx.library.documents()[1].id
    window.documents.document_activated.emit(doc)
    qtbot.waitUntil(lambda: window.reader.document_id == doc, timeout=5_000)


def test_state_is_saved_and_restored(
    ui_ctx: UiContext,
    settings: QSettings,
    window_class: type,
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    first = window_class(ui_ctx, settings)
    qtbot.addWidget(first)
    first.resize(700, 500)  # within the offscreen screen (800x600): restoreGeometry clamps
    first.show()
    qtbot.waitExposed(first)
    first.tabs.setCurrentIndex(3)
    first.splitter.setSizes([250, 450])
    sizes = first.splitter.sizes()
    first.close()
    assert settings.value("archives/last") == str(ui_ctx.library.root)

    assert ui_ctx.runner.is_shut_down  # the window took its lanes with it

    # As the next start does: settings read again, the archive opened again.
    reread = QSettings(settings.fileName(), QSettings.Format.IniFormat)
    ctx = make_context(ui_ctx.library.root)
    try:
        second = window_class(ctx, reread)
        qtbot.addWidget(second)
        second.show()
        qtbot.waitExposed(second)
        assert second.tabs.currentIndex() == 3
        assert (second.width(), second.height()) == (700, 500)
        assert second.splitter.sizes() == sizes
        assert second.recent_archives() == [str(ui_ctx.library.root)]
        second.close()
    finally:
        ctx.runner.shutdown()
        ctx.library.close()


def test_empty_archive_shows_the_welcome_panel_until_documents_arrive(
    settings: QSettings,
    window_class: type,  # type: ignore[no-untyped-def]
    qtbot,
    tmp_path: Path,
) -> None:
    ctx = make_context(tmp_path / "empty")
    try:
        w = window_class(ctx, settings, sample_root=tmp_path / "sample")
        qtbot.addWidget(w)
        assert w.right.currentWidget() is w.welcome
        assert w.status.documents_label.text() == "0 documents"
        folder = tmp_path / "in"
        folder.mkdir()
        (folder / "note.txt").write_text("Vladimir Voronkov visited Tashkent.\n", encoding="utf-8")
        # Dropping a folder on the window imports it.
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(str(folder))])
        drop = QDropEvent(
            QPoint(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        )
        with qtbot.waitSignal(w.imports.finished, timeout=60_000):
            w.dropEvent(drop)
            assert w.imports.is_running
        assert w.right.currentWidget() is w.reader
        assert w.status.documents_label.text() == "1 document"
        w.imports.report_dialog.close()
        w.close()
    finally:
        ctx.runner.shutdown()
        ctx.library.close()


def test_build_the_sample_archive_from_the_welcome_panel(
    settings: QSettings,
    window_class: type,
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from ctviewer.library import Library
    from tests.entities.conftest import FakeExtractor

    ctx = make_context(tmp_path / "empty")
    try:
        w = window_class(ctx, settings, sample_root=tmp_path / "sample")
        w.imports._open_library = lambda root: Library.open(root, extractor=FakeExtractor())
        qtbot.addWidget(w)
        with qtbot.waitSignal(w.archive_chosen, timeout=120_000) as chosen:
            w.welcome.sample_button.click()
        assert chosen.args == [tmp_path / "sample", True]
        sample = Library.open(tmp_path / "sample", create=False)
        try:
            assert sample.document_count() >= 10 and sample.pending_extraction() == 0
        finally:
            sample.close()
        w.close()
    finally:
        ctx.runner.shutdown()
        ctx.library.close()
