"""Corrections through the entity panes: merge, rename, change type, reject, alias, split and
merge suggestions, each run on the write lane and refreshing every pane that shows it."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

import tests.entities.conftest as fakes
from ctviewer.domain.entities import EntityChange
from ctviewer.ui import correction_dialogs
from ctviewer.ui.context import UiContext
from ctviewer.ui.entities_model import EntityTableModel
from ctviewer.ui.entities_pane import EntitiesPane
from ctviewer.ui.suggestions_dialog import SuggestionsDialog
from tests.entities.conftest import entity_named, open_fake
from tests.ui.conftest import make_context
from tests.ui.lifetime import add_pane


def _names(pane: EntitiesPane) -> list[str]:
    m = pane.model
    return [m.index(r, EntityTableModel.NAME).data() for r in range(m.rowCount())]


def _pane(ui_ctx: UiContext, qtbot, entity_type: str = "person") -> EntitiesPane:  # type: ignore[no-untyped-def]
    pane = EntitiesPane(ui_ctx, entity_type)
    add_pane(qtbot, pane, ui_ctx)
    return pane


def _settle(ui_ctx: UiContext) -> None:
    assert ui_ctx.runner.wait_idle(20_000)


@pytest.fixture
def changes(ui_ctx: UiContext) -> list[object]:
    seen: list[object] = []
    ui_ctx.events.entities_changed.connect(seen.append)
    ui_ctx.events.documents_changed.connect(seen.append)
    return seen


def test_merge_selected_through_the_action(ui_ctx: UiContext, qtbot, monkeypatch, changes) -> None:  # type: ignore[no-untyped-def]
    pane = _pane(ui_ctx, qtbot)
    voronkov = entity_named(ui_ctx.library, "Vladimir Voronkov")
    zhang = entity_named(ui_ctx.library, "Zhang Ming")
    pane.select_entities([zhang, voronkov])
    assert pane.merge_action.isEnabled()
    offered: list[list[str]] = []

    def choose(_parent, _title, _label, choices, current=0):  # type: ignore[no-untyped-def]
        offered.append(list(choices))
        return 0  # the proposed survivor: most mentions first

    monkeypatch.setattr(correction_dialogs, "ask_choice", choose)
    pane.merge_action.trigger()
    assert not pane.merge_action.isEnabled()  # no second correction while one runs
    _settle(ui_ctx)
    assert offered == [["Vladimir Voronkov  (4 mentions)", "Zhang Ming  (1 mentions)"]]
    assert _names(pane) == ["Natalia Gherman", "Vladimir Voronkov"]
    assert pane.selected_ids() == [voronkov]  # the merged entity is selected
    assert "Zhang Ming" in pane.card.aliases_label.text()
    change = next(c for c in changes if isinstance(c, EntityChange))
    assert change.deleted == (zhang,)
    assert any(isinstance(c, list) and c for c in changes)  # documents_changed too


def test_every_pane_refreshes_and_keeps_its_selection(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    people, orgs = _pane(ui_ctx, qtbot), _pane(ui_ctx, qtbot, "organisation")
    acme = entity_named(ui_ctx.library, "Acme Group")
    orgs.show_entity(acme)
    sco = entity_named(ui_ctx.library, "Shanghai Cooperation Organisation")
    zhang = entity_named(ui_ctx.library, "Zhang Ming")
    people.retype_entity(zhang, "organisation")
    _settle(ui_ctx)
    assert "Zhang Ming" not in _names(people) and "Zhang Ming" in _names(orgs)
    assert orgs.selected_ids() == [acme] and orgs.card.entity_id == acme
    assert sco in [orgs.model.entity_id(r) for r in range(orgs.model.rowCount())]


def test_rename_through_the_action(ui_ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pane = _pane(ui_ctx, qtbot)
    zhang = entity_named(ui_ctx.library, "Zhang Ming")
    pane.show_entity(zhang)
    monkeypatch.setattr(correction_dialogs, "ask_text", lambda *args, **kw: "Ming Zhang")
    pane.rename_action.trigger()
    _settle(ui_ctx)
    assert "Ming Zhang" in _names(pane) and "Zhang Ming" not in _names(pane)
    assert pane.selected_ids() == [zhang] and pane.card.name_label.text() == "Ming Zhang"
    assert pane.card.aliases_label.text() == "Also: Zhang Ming"


def test_change_type_through_the_action(ui_ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    places = _pane(ui_ctx, qtbot, "place")
    jordan = entity_named(ui_ctx.library, "Jordan")
    places.show_entity(jordan)
    asked: list[list[str]] = []
    monkeypatch.setattr(
        correction_dialogs, "ask_choice", lambda _p, _t, _l, choices, current=0: asked.append(list(choices)) or 0
    )
    places.retype_action.trigger()
    _settle(ui_ctx)
    assert asked == [["Person", "Organisation"]]
    assert "Jordan" not in _names(places)
    assert places.card.entity_id is None  # nothing selected any more: the empty card
    assert ui_ctx.library.entity(jordan).type == "person"


def test_reject_asks_first_and_removes_the_row(ui_ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pane = _pane(ui_ctx, qtbot, "organisation")
    pane.show_entity(entity_named(ui_ctx.library, "Regional Cooperation"))
    answers = iter([False, True])
    questions: list[str] = []
    monkeypatch.setattr(correction_dialogs, "confirm", lambda _p, _t, text, _a: questions.append(text) or next(answers))
    pane.reject_action.trigger()  # cancelled
    _settle(ui_ctx)
    assert "Regional Cooperation" in _names(pane)
    pane.reject_action.trigger()
    _settle(ui_ctx)
    assert "Regional Cooperation" not in _names(pane)
    assert "“Regional Cooperation” is not a real organisation?" in questions[0]


def test_add_alias_through_the_action(ui_ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pane = _pane(ui_ctx, qtbot, "organisation")
    pane.show_entity(entity_named(ui_ctx.library, "Acme Group"))
    monkeypatch.setattr(correction_dialogs, "ask_text", lambda *args, **kw: "Acme Holdings")
    pane.alias_action.trigger()
    _settle(ui_ctx)
    assert pane.card.aliases_label.text() == "Also: Acme Holdings"
    pane.filter.setText("holdings")
    pane._apply_filter()
    assert _names(pane) == ["Acme Group"]


def test_split_through_the_dialog(ui_ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    pane = _pane(ui_ctx, qtbot)
    voronkov = entity_named(ui_ctx.library, "Vladimir Voronkov")
    pane.show_entity(voronkov)
    last = ui_ctx.library.entity_mentions(voronkov)[-1]
    shown: list[int] = []

    def run(dialog: correction_dialogs.SplitDialog) -> int:
        shown.append(dialog.list.count())
        dialog.set_checked([last.id])
        assert dialog.split_button.isEnabled()
        dialog.name.setText("Vladimir Voronkov (UNOCT)")
        return 1

    monkeypatch.setattr(correction_dialogs.SplitDialog, "exec", run)
    pane.split_action.trigger()
    _settle(ui_ctx)
    assert shown == [4]
    assert "Vladimir Voronkov (UNOCT)" in _names(pane)
    assert pane.selected_ids() == [voronkov] and pane.card.mentions.topLevelItemCount() == 3


def test_split_dialog_refuses_all_or_nothing(qtbot, ui_ctx: UiContext) -> None:  # type: ignore[no-untyped-def]
    mentions = ui_ctx.library.entity_mentions(entity_named(ui_ctx.library, "Vladimir Voronkov"))
    dialog = correction_dialogs.SplitDialog("Vladimir Voronkov", mentions, {})
    qtbot.addWidget(dialog)
    assert not dialog.split_button.isEnabled()
    dialog.set_checked([m.id for m in mentions])
    assert not dialog.split_button.isEnabled()
    dialog.list.item(0).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.split_button.isEnabled() and len(dialog.checked_mentions()) == 3


def test_a_refused_correction_is_a_plain_message(ui_ctx: UiContext, qtbot, monkeypatch, changes) -> None:  # type: ignore[no-untyped-def]
    pane = _pane(ui_ctx, qtbot)
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(correction_dialogs, "show_error", lambda _p, title, message: shown.append((title, message)))
    pane.rename_entity(entity_named(ui_ctx.library, "Zhang Ming"), "   ")
    _settle(ui_ctx)
    assert shown == [("Rename", "An entity needs a name.")]
    assert changes == [] and "Zhang Ming" in _names(pane)
    assert pane.rename_action.isEnabled() is False  # nothing selected; the pane is idle again
    pane.show_entity(entity_named(ui_ctx.library, "Zhang Ming"))
    assert pane.rename_action.isEnabled()


# -- merge suggestions -----------------------------------------------------------------------------
@pytest.fixture
def similar_ctx(qtbot, tmp_path: Path, monkeypatch) -> Iterator[UiContext]:  # type: ignore[no-untyped-def]
    """An archive where "Natalia Gherman" and "Natalia Germann" are suggested for merging."""
    monkeypatch.setitem(fakes.NAMES, "Natalia Germann", "person")
    monkeypatch.setattr(
        fakes,
        "_PATTERN",
        re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(fakes.NAMES, key=len, reverse=True)) + r")\b"),
    )
    docs = {"x.txt": ("2020-01-01", "Natalia Gherman spoke."), "y.txt": ("2020-02-02", "Natalia Germann replied.")}
    root = tmp_path / "archive"
    open_fake(root, docs).close()
    ctx = make_context(root)
    yield ctx
    ctx.runner.shutdown()
    ctx.library.close()


def test_suggestions_dialog_lists_and_merges(similar_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    pane = _pane(similar_ctx, qtbot)
    assert len(_names(pane)) == 2
    dialog = SuggestionsDialog(similar_ctx, "person", pane)
    qtbot.addWidget(dialog)
    (s,) = dialog.suggestions()
    row = dialog.list.topLevelItem(0)
    assert {row.text(0), row.text(1)} == {"Natalia Gherman", "Natalia Germann"} and row.text(3) == "similar names"
    assert "Natalia Gherman spoke." in dialog.evidence.toPlainText()
    assert SuggestionsDialog(similar_ctx, "place").suggestions() == []  # one type per pane
    dialog.merge_current()
    _settle(similar_ctx)
    assert dialog.suggestions() == [] and not dialog.empty.isHidden()
    assert not dialog.merge_button.isEnabled()
    assert _names(pane) == [s.a_name]


def test_suggestions_dialog_dismisses(similar_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    dialog = SuggestionsDialog(similar_ctx, None)
    qtbot.addWidget(dialog)
    assert len(dialog.suggestions()) == 1
    dialog.dismiss_current()
    _settle(similar_ctx)
    assert dialog.suggestions() == [] and similar_ctx.library.suggestions() == []
    assert len(similar_ctx.library.entities("person")) == 2  # nothing merged
