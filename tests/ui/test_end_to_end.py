"""One analyst's path through the whole window: import the seed documents, search "Voronkov",
open the first result, go from the reader to the person's card, then follow a co-occurrence."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from ctviewer.sample import sample_documents_dir
from ctviewer.ui.main_window import MainWindow
from ctviewer.ui.refcount_guard import pin_singletons
from tests.ui.conftest import make_context

pin_singletons()  # PySide6 6.12 on Python 3.11 leaks references to None (see the module)
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")


def test_import_search_read_and_follow_entities(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ctx = make_context(tmp_path / "archive")  # the fake extractor finds Voronkov, OSCE, Tashkent...
    try:
        window = MainWindow(
            ctx, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), sample_root=tmp_path / "sample"
        )
        qtbot.addWidget(window)
        window.show()
        qtbot.waitExposed(window)
        assert window.right.currentWidget() is window.welcome

        with qtbot.waitSignal(window.imports.finished, timeout=120_000) as imported:
            assert window.import_paths([sample_documents_dir() / "seeds"])
        report = imported.args[0].report
        assert len(report.of("imported")) == 2 and report.ok
        window.imports.report_dialog.close()
        assert window.right.currentWidget() is window.reader

        window.focus_search()
        with qtbot.waitSignal(window.search.search_finished, timeout=30_000) as searched:
            window.search.set_query("Voronkov")
        assert searched.args[0] == "Voronkov" and searched.args[1] == 2
        first = window.search.results_view.model().index(0, 0)
        window.search.results_view.setCurrentIndex(first)
        qtbot.keyClick(window.search.results_view, Qt.Key.Key_Return)
        qtbot.waitUntil(lambda: window.reader.document_id is not None, timeout=10_000)
        opened = window.reader.document_id
        text = ctx.library.document(opened).text
        assert "Voronkov" in text

        people = {m.entity_id for m in ctx.library.document_mentions(opened) if m.type == "person"}
        voronkov = next(e.id for e in ctx.library.entities("person") if "Voronkov" in e.name)
        assert voronkov in people  # what the reader highlights as a person
        window.reader.entity_activated.emit(voronkov)  # a click on the highlighted name
        assert window.tabs.currentWidget() is window.people
        qtbot.waitUntil(lambda: window.people.current_id() == voronkov, timeout=10_000)

        together = ctx.library.cooccurring(voronkov)
        assert together
        other = together[0].id
        window.people.entity_activated.emit(other)  # the card's co-occurrence link
        pane = {"person": window.people, "organisation": window.organisations, "place": window.places}[
            ctx.library.entity(other).type
        ]
        assert window.tabs.currentWidget() is pane
        qtbot.waitUntil(lambda: pane.current_id() == other, timeout=10_000)
        window.close()
    finally:
        ctx.runner.shutdown()
        ctx.library.close()
