"""The GUI thread's Library never holds the search index open (issue 4, memory): searches and
hit spans run on the read lane, whose Library opens it; the window's own reads (tables, cards,
the reader) need only the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from ctviewer.ui.context import UiContext
from tests.entities.conftest import doc_id, entity_named

WAIT_MS = 10_000
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_using_the_window_leaves_the_gui_library_without_an_index(ui_ctx: UiContext, qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from ctviewer.ui.main_window import MainWindow

    window = MainWindow(
        ui_ctx, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), sample_root=tmp_path / "sample"
    )
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    library = ui_ctx.library
    assert not library.index.is_open  # opened for the repair check on open, then closed

    window.show_entity(entity_named(library, "Vladimir Voronkov"))  # the card reads mentions, documents
    with qtbot.waitSignal(window.search.search_finished, timeout=WAIT_MS):
        window.search.set_query("Voronkov")
    window.open_document(doc_id(library, "a.txt"), query="Voronkov")  # hits found on the read lane
    qtbot.waitUntil(lambda: not ui_ctx.runner.active(), timeout=WAIT_MS)
    assert window.search.model.rowCount() == 3
    assert not library.index.is_open
    window.close()
