"""The People / Organisations / Places panes: the lazy entity model and the pane around it."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument

from ctviewer.ui.context import UiContext
from ctviewer.ui.entities_model import EntityTableModel
from ctviewer.ui.entities_pane import EntitiesPane
from tests.entities.conftest import entity_named
from tests.ui.lifetime import add_pane

HOSTILE = "<b>x</b><img src=x>"


def _names(model: EntityTableModel) -> list[str]:
    return [model.index(r, EntityTableModel.NAME).data() for r in range(model.rowCount())]


def _row(model: EntityTableModel, name: str) -> int:
    return _names(model).index(name)


def test_models_pass_the_model_tester(ui_ctx: UiContext, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    for entity_type in ("person", "organisation", "place"):
        model = EntityTableModel(ui_ctx.library, entity_type)  # type: ignore[arg-type]
        qtmodeltester.check(model)
        model.sort(EntityTableModel.MENTIONS, Qt.SortOrder.DescendingOrder)
        model.set_filter("o")
        qtmodeltester.check(model)


def test_people_model_lists_voronkov_with_counts_and_roles(ui_ctx: UiContext) -> None:
    model = EntityTableModel(ui_ctx.library, "person")
    assert _names(model) == ["Natalia Gherman", "Vladimir Voronkov", "Zhang Ming"]  # by name
    row = _row(model, "Vladimir Voronkov")
    assert model.index(row, EntityTableModel.DOCUMENTS).data() == 3
    assert model.index(row, EntityTableModel.MENTIONS).data() == 4
    assert model.index(row, EntityTableModel.ROLES).data() == (
        "Under-Secretary-General, United Nations Office of Counter-Terrorism"
    )
    zhang = _row(model, "Zhang Ming")
    assert model.index(zhang, EntityTableModel.ROLES).data() == "Secretary-General, Shanghai Cooperation Organisation"
    assert model.index(row, 0).data(EntityTableModel.IdRole) == entity_named(ui_ctx.library, "Vladimir Voronkov")


def test_sorting_and_filtering_go_through_the_core(ui_ctx: UiContext) -> None:
    model = EntityTableModel(ui_ctx.library, "person")
    model.sort(EntityTableModel.MENTIONS, Qt.SortOrder.DescendingOrder)
    assert _names(model)[0] == "Vladimir Voronkov"
    model.sort(EntityTableModel.NAME, Qt.SortOrder.DescendingOrder)
    assert _names(model) == ["Zhang Ming", "Vladimir Voronkov", "Natalia Gherman"]
    orgs = EntityTableModel(ui_ctx.library, "organisation")
    orgs.set_filter("osce")  # an alias finds the entity shown under its long name
    assert _names(orgs) == ["Organization for Security and Co-operation in Europe"]
    orgs.set_filter("100%_")  # LIKE wildcards are literal
    assert orgs.rowCount() == 0


def test_rows_are_fetched_a_page_at_a_time(ui_ctx: UiContext, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    asked: list[list[int]] = []
    real = ui_ctx.library.entity_records
    monkeypatch.setattr(ui_ctx.library, "entity_records", lambda ids: asked.append(list(ids)) or real(ids))
    model = EntityTableModel(ui_ctx.library, "organisation")
    model.PAGE = 2
    assert asked == []  # ids only until a row is shown
    model.index(0, EntityTableModel.NAME).data()
    model.index(1, EntityTableModel.MENTIONS).data()
    assert len(asked) == 1 and len(asked[0]) == 2
    model.index(4, EntityTableModel.NAME).data()
    assert len(asked) == 2 and asked[1] == [model.entity_id(4)]


def test_pane_shows_entity_and_its_card(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = EntitiesPane(ui_ctx, "person")
    add_pane(qtbot, pane, ui_ctx)
    voronkov = entity_named(ui_ctx.library, "Vladimir Voronkov")
    pane.show_entity(voronkov)
    assert pane.selected_ids() == [voronkov] and pane.current_id() == voronkov
    assert pane.card.entity_id == voronkov and pane.card.name_label.text() == "Vladimir Voronkov"
    assert "3 people" in pane.status.text()


def test_filter_field_filters_and_show_entity_clears_a_hiding_filter(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = EntitiesPane(ui_ctx, "person")
    add_pane(qtbot, pane, ui_ctx)
    qtbot.keyClicks(pane.filter, "zhang")
    qtbot.waitUntil(lambda: pane.model.rowCount() == 1, timeout=3_000)
    assert _names(pane.model) == ["Zhang Ming"]
    assert pane.card.name_label.text() == "Zhang Ming"  # a single match is shown at once
    voronkov = entity_named(ui_ctx.library, "Vladimir Voronkov")
    pane.show_entity(voronkov)
    assert pane.filter.text() == "" and pane.model.rowCount() == 3
    assert pane.selected_ids() == [voronkov]


def test_keyboard_moves_through_the_list_and_the_card_follows(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = EntitiesPane(ui_ctx, "person")
    add_pane(qtbot, pane, ui_ctx)
    pane.show_entity(entity_named(ui_ctx.library, "Natalia Gherman"))
    qtbot.keyClick(pane.table, Qt.Key.Key_Down)
    assert pane.card.name_label.text() == "Vladimir Voronkov"


def test_related_entity_click_is_forwarded_by_the_pane(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = EntitiesPane(ui_ctx, "person")
    add_pane(qtbot, pane, ui_ctx)
    pane.show_entity(entity_named(ui_ctx.library, "Zhang Ming"))
    sco = entity_named(ui_ctx.library, "Shanghai Cooperation Organisation")
    related = pane.card.related
    item = next(
        related.topLevelItem(i)
        for i in range(related.topLevelItemCount())
        if related.topLevelItem(i).text(0) == "Shanghai Cooperation Organisation"
    )
    with qtbot.waitSignal(pane.entity_activated) as blocker:
        related.itemClicked.emit(item, 0)
    assert blocker.args == [sco]


def test_hostile_name_is_shown_literally_in_table_and_tooltip(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    gherman = entity_named(ui_ctx.library, "Natalia Gherman")
    ui_ctx.library.rename(gherman, HOSTILE)
    pane = EntitiesPane(ui_ctx, "person")
    add_pane(qtbot, pane, ui_ctx)
    row = pane.model.row_of(gherman)
    index = pane.model.index(row, EntityTableModel.NAME)
    assert index.data() == HOSTILE
    tooltip = index.data(Qt.ItemDataRole.ToolTipRole)
    assert "<img" not in tooltip
    rendered = QTextDocument()
    rendered.setHtml(tooltip)  # what a rich-text tooltip would display
    assert rendered.toPlainText().splitlines()[0] == HOSTILE
    pane.show_entity(gherman)
    assert pane.card.name_label.text() == HOSTILE
    assert pane.card.name_label.textFormat() == Qt.TextFormat.PlainText


def test_pane_reloads_after_extraction(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = EntitiesPane(ui_ctx, "person")
    add_pane(qtbot, pane, ui_ctx)
    zhang = entity_named(ui_ctx.library, "Zhang Ming")
    pane.show_entity(zhang)
    assert "Zhang Ming" in _names(pane.model)  # rows fetched (and cached)
    ui_ctx.library.rename(zhang, "Ming Zhang")  # written behind the pane's back
    assert "Zhang Ming" in _names(pane.model)
    ui_ctx.events.extraction_finished.emit()
    assert "Ming Zhang" in _names(pane.model)
    assert pane.selected_ids() == [zhang] and pane.card.name_label.text() == "Ming Zhang"
