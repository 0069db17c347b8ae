"""Visible details of the search pane and the reader found on screenshots: facet values shown
whole (or elided in the middle with a tooltip), file types in capitals, and search hits that
win over an entity's colour."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from ctviewer.domain.entities import DocumentMention
from ctviewer.ui.context import UiContext
from ctviewer.ui.facets_view import FacetsPane, facet_label
from ctviewer.ui.reader_highlights import (
    KIND_COLOURS,
    OffsetMap,
    build_selections,
    char_format,
    mention_spans,
    plain_spans,
)
from ctviewer.ui.search_pane import SearchPane
from tests.ui.lifetime import add_pane

WAIT_MS = 10_000
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support propagateSizeHints")
LONG = "Organization for Security and Co-operation in Europe"


def test_facet_values_show_file_types_in_capitals_with_tooltips(qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = FacetsPane()
    qtbot.addWidget(pane)
    pane.set_facets("x", {"type": (("txt", 3), ("pdf", 1)), "organisation": ((LONG, 2),)})
    item = pane.item_for("type", "txt")
    assert item is not None and item.text(0) == "TXT" and facet_label("type", "pdf") == "PDF"
    assert pane.values("type") == ["txt", "pdf"]  # the query term keeps the indexed value
    org = pane.item_for("organisation", LONG)
    assert org is not None and org.toolTip(0) == f"{LONG}: 2 documents"
    assert pane.tree.textElideMode() == Qt.TextElideMode.ElideMiddle
    width = pane.tree.fontMetrics().horizontalAdvance(LONG)
    assert pane.preferred_width() > width or pane.preferred_width() == 340  # whole, or at the limit


def test_the_pane_widens_its_facets_column_unless_the_user_sized_it(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = SearchPane(ui_ctx)
    add_pane(qtbot, pane, ui_ctx)
    pane.resize(900, 600)
    pane.show()
    pane.splitter.setSizes([760, 140])  # narrower than the names need
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS):
        pane.set_query("Voronkov")
    facets_width = pane.splitter.sizes()[1]
    assert facets_width > 140 and facets_width >= min(pane.facets.preferred_width(), int(0.4 * 900)) - 10
    pane.splitter.splitterMoved.emit(500, 1)  # as a drag does
    pane.splitter.setSizes([800, 100])
    with qtbot.waitSignal(pane.search_finished, timeout=WAIT_MS):
        pane.set_query("Tashkent")
    assert pane.splitter.sizes()[1] < 140  # the user's choice stays


def test_a_hit_on_an_entity_paints_over_it_opaquely_and_keeps_the_underline(qtbot) -> None:  # type: ignore[no-untyped-def]
    text = "Opening remarks by Vladimir Voronkov in Tashkent."
    document = QTextDocument(text)
    start = text.index("Vladimir")
    mention = DocumentMention(
        id=1, start=start, end=start + len("Vladimir Voronkov"), entity_id=1, type="person", name="Vladimir Voronkov"
    )
    hit = (text.index("Voronkov"), text.index("Voronkov") + 8)
    selections = build_selections(
        document, OffsetMap(text), (0, len(text)), mention_spans([mention]), ["person"], [plain_spans([hit])]
    )
    assert [s.format.background().color().rgba() for s in selections] == [
        KIND_COLOURS["person"].rgba(),
        KIND_COLOURS["hit"].rgba(),
    ]
    hit_format = char_format("hit")
    assert hit_format.background().color().alpha() == 255  # covers the entity's tint: no mixed colour
    assert not hit_format.hasProperty(hit_format.Property.TextUnderlineStyle)  # the entity's underline stays
    assert char_format("person").underlineStyle() != hit_format.UnderlineStyle.NoUnderline


def test_secondary_text_is_readable_and_follows_the_palette(qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QWidget

    from ctviewer.ui.secondary_label import SecondaryLabel, secondary_colour

    parent = QWidget()
    qtbot.addWidget(parent)
    label = SecondaryLabel("80 people", parent)
    assert label.isEnabled()  # not a disabled control's grey
    colour = label.palette().color(QPalette.ColorRole.WindowText)
    text = parent.palette().color(QPalette.ColorRole.WindowText)
    window = parent.palette().color(QPalette.ColorRole.Window)
    assert colour == secondary_colour(parent.palette())
    assert abs(colour.lightness() - text.lightness()) < abs(colour.lightness() - window.lightness())  # nearer text
    dark = QPalette(parent.palette())
    dark.setColor(QPalette.ColorRole.WindowText, QColor(235, 235, 235))
    dark.setColor(QPalette.ColorRole.Window, QColor(30, 30, 30))
    parent.setPalette(dark)
    assert label.palette().color(QPalette.ColorRole.WindowText).lightness() > 140  # light on dark


def test_people_table_gives_roles_the_room_names_leave(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    from ctviewer.ui.entities_model import EntityTableModel
    from ctviewer.ui.entities_pane import EntitiesPane

    people = EntitiesPane(ui_ctx, "person")
    places = EntitiesPane(ui_ctx, "place")
    for pane in (people, places):
        add_pane(qtbot, pane, ui_ctx)
        pane.resize(700, 600)
        pane.show()
    header = people.table.horizontalHeader()
    assert header.sectionSize(EntityTableModel.ROLES) > header.sectionSize(EntityTableModel.NAME)
    assert header.sectionSize(EntityTableModel.ROLES) > 260  # was a fixed 220 px behind a stretched name
    assert places.table.isColumnHidden(EntityTableModel.ROLES)
    assert places.table.horizontalHeader().sectionSize(EntityTableModel.NAME) > 300
