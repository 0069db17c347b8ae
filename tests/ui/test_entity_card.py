"""The entity card: aliases, roles, keyword-in-context lines, documents and related entities,
and what a click on each of them emits."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from ctviewer.ui.context import UiContext
from ctviewer.ui.entity_card import EntityCard
from tests.entities.conftest import doc_id, entity_named

HOSTILE = "<b>x</b><img src=x>"


def _items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    return [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]


def _card(ui_ctx: UiContext, qtbot, name: str) -> EntityCard:  # type: ignore[no-untyped-def]
    card = EntityCard(ui_ctx)
    qtbot.addWidget(card)
    card.resize(900, 600)
    card.show_entity(entity_named(ui_ctx.library, name))
    return card


def test_card_shows_aliases_roles_and_kwic_lines(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    card = _card(ui_ctx, qtbot, "Vladimir Voronkov")
    assert card.name_label.text() == "Vladimir Voronkov"
    assert "4 mentions in 3 documents" in card.summary_label.text()
    assert card.aliases_label.text() == "Also: Voronkov"
    assert "Under-Secretary-General" in card.roles_label.text()
    lines = [(i.text(0), i.text(1), i.text(2)) for i in _items(card.mentions)]
    assert len(lines) == 4
    assert lines[0] == ("", "Vladimir Voronkov", "met the OSCE in Tashkent.")
    assert ("", "Voronkov", "thanked Uzbekistan.") in lines
    assert lines[2][0].endswith("Co-operation in Europe hosted")
    assert _items(card.mentions)[0].font(1).bold()
    roles = [(i.text(0), i.text(1)) for i in _items(card.roles)]
    assert ("2021-05-01", "Under-Secretary-General") in roles and card.tabs.isTabVisible(3)
    assert [i.text(0) for i in _items(card.documents)] == ["2021-05-01", "2022-03-03", "2023-07-09"]


def test_clicking_a_mention_opens_its_document_at_its_start(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    card = _card(ui_ctx, qtbot, "Vladimir Voronkov")
    a = doc_id(ui_ctx.library, "a.txt")
    start = ui_ctx.library.document(a).text.index("Voronkov thanked")
    item = next(i for i in _items(card.mentions) if i.text(2) == "thanked Uzbekistan.")
    rect = card.mentions.visualItemRect(item)
    with qtbot.waitSignal(card.document_activated) as blocker:
        qtbot.mouseClick(card.mentions.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [a, start]


def test_enter_on_a_mention_opens_it_too(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    card = _card(ui_ctx, qtbot, "Vladimir Voronkov")
    c = doc_id(ui_ctx.library, "c.txt")
    card.mentions.setCurrentItem(_items(card.mentions)[3])
    with qtbot.waitSignal(card.document_activated) as blocker:
        card.mentions.itemClicked.disconnect()  # only the keyboard path may emit here
        qtbot.keyClick(card.mentions, Qt.Key.Key_Return)
    assert blocker.args == [c, ui_ctx.library.document(c).text.index("Vladimir Voronkov")]


def test_clicking_a_document_opens_it_at_the_top(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    card = _card(ui_ctx, qtbot, "Tashkent")
    b = doc_id(ui_ctx.library, "b.txt")
    item = next(i for i in _items(card.documents) if i.text(0) == "2022-03-03")
    with qtbot.waitSignal(card.document_activated) as blocker:
        card.documents.itemClicked.emit(item, 1)
    assert blocker.args == [b, -1]
    assert not card.tabs.isTabVisible(3)  # places have no roles


def test_related_lists_people_and_organisations_by_count_and_click_moves(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    card = _card(ui_ctx, qtbot, "Vladimir Voronkov")
    related = [(i.text(0), i.text(2)) for i in _items(card.related)]
    assert related[0] == ("Organization for Security and Co-operation in Europe", "3")
    assert "Tashkent" not in [name for name, _ in related]  # places are left out
    osce = entity_named(ui_ctx.library, "Organization for Security and Co-operation in Europe")
    rect = card.related.visualItemRect(_items(card.related)[0])
    card.tabs.setCurrentIndex(2)
    with qtbot.waitSignal(card.entity_activated) as blocker:
        qtbot.mouseClick(card.related.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert blocker.args == [osce]


def test_mentions_are_loaded_a_page_at_a_time(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    card = EntityCard(ui_ctx)
    qtbot.addWidget(card)
    card.MENTIONS_PAGE = 3
    card.show_entity(entity_named(ui_ctx.library, "Vladimir Voronkov"))
    assert card.mentions.topLevelItemCount() == 3 and not card.more_button.isHidden()
    assert card.mentions_status.text() == "3 of 4 mentions"
    card.more_button.click()
    assert card.mentions.topLevelItemCount() == 4 and card.more_button.isHidden()
    everything = ui_ctx.library.entity_mentions(entity_named(ui_ctx.library, "Vladimir Voronkov"))
    assert [m.id for m in card.loaded_mentions()] == [m.id for m in everything]  # no gap, no repeat


def test_missing_entity_shows_the_empty_state(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    card = EntityCard(ui_ctx)
    qtbot.addWidget(card)
    card.show_entity(entity_named(ui_ctx.library, "Zhang Ming"))
    assert card.entity_id is not None
    card.show_entity(99_999)
    assert card.entity_id is None and card.mentions.topLevelItemCount() == 0
    assert "no longer exists" in card._empty.text()


def test_hostile_names_stay_literal_in_card_and_tooltips(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    gherman = entity_named(ui_ctx.library, "Natalia Gherman")
    ui_ctx.library.rename(gherman, HOSTILE)
    card = _card(ui_ctx, qtbot, HOSTILE)
    assert card.name_label.text() == HOSTILE and card.name_label.textFormat() == Qt.TextFormat.PlainText
    assert card.aliases_label.textFormat() == Qt.TextFormat.PlainText
    assert "Natalia Gherman" in card.aliases_label.text()  # the old name stays an alias
    # Seen from another entity of the same document, in the related list and its tooltip.
    card.show_entity(entity_named(ui_ctx.library, "Acme Group"))
    item = next(i for i in _items(card.related) if i.text(0) == HOSTILE)
    rendered = QTextDocument()
    rendered.setHtml(item.toolTip(0))
    assert rendered.toPlainText() == HOSTILE


def test_card_lists_linked_annotations_before_mentions_and_opens_them(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    library = ui_ctx.library
    a = doc_id(library, "a.txt")
    card = _card(ui_ctx, qtbot, "Vladimir Voronkov")
    assert card.annotations.isHidden() and card.annotations_label.isHidden()  # none yet: no empty box
    voronkov = entity_named(library, "Vladimir Voronkov")
    change = library.annotate(a, quote="Voronkov thanked Uzbekistan", note=HOSTILE, color="green", entities=[voronkov])
    library.annotate(a, quote="Regional Cooperation", note="not linked", entities=[])
    ui_ctx.events.annotations_changed.emit(change)  # the card follows annotation changes
    items = _items(card.annotations)
    assert [(i.text(0), i.text(1)) for i in items] == [("Voronkov thanked Uzbekistan", HOSTILE)]
    assert items[0].text(2).startswith("2021-05-01 · ")
    assert card.annotations_label.text() == "Your annotations (1)"
    layout = card.annotations.parentWidget().layout()
    assert layout.indexOf(card.annotations) < layout.indexOf(card.tabs)  # above the mentions
    rendered = QTextDocument()
    rendered.setHtml(items[0].toolTip(1))
    assert rendered.toPlainText() == HOSTILE  # the note's markup shown literally, not interpreted
    start = library.document(a).text.index("Voronkov thanked")
    with qtbot.waitSignal(card.document_activated) as opened:
        card.annotations.itemClicked.emit(items[0], 0)
    assert opened.args == [a, start]
    library.delete_annotation(change.annotations[0])
    ui_ctx.events.annotations_changed.emit(None)
    assert card.annotations.topLevelItemCount() == 0 and card.annotations.isHidden()
