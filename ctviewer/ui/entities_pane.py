"""The People, Organisations and Places panes: a filterable entity table, the entity card, and
the analysts' corrections (merge, rename, change type, reject, add alias, split, suggestions).

Corrections run on the write lane (``correction_dialogs.run_correction``) and announce their
EntityChange on ``ctx.events``; every entity pane refreshes on it, keeping the selection where
the entities still exist (after a merge: the merged entity).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMenu,
    QSplitter,
    QTableView,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.entities import ENTITY_TYPES, EntityChange, EntityRecord, EntityType
from ctviewer.ui import correction_dialogs
from ctviewer.ui.context import UiContext
from ctviewer.ui.entities_model import EntityTableModel
from ctviewer.ui.entity_card import TYPE_LABELS, EntityCard
from ctviewer.ui.icons import icon
from ctviewer.ui.secondary_label import SecondaryLabel
from ctviewer.ui.suggestions_dialog import SuggestionsDialog

if TYPE_CHECKING:
    from ctviewer.library import Library
    from ctviewer.ui.tasks import Task

NAME_CHARS = 24  # the People table's name column, in average characters (most names fit)
PLURALS = {"person": "people", "organisation": "organisations", "place": "places"}
FILTER_DELAY_MS = 200  # one id query per pause in typing, not per keystroke
SPLIT_LIMIT = 1_000  # mentions offered by the split dialog (the card pages through all of them)


class EntitiesPane(QWidget):
    """Entities of one type (table + card) with the corrections that apply to them."""

    document_activated = Signal(int, int)  # doc id, character position of the mention (or -1)
    entity_activated = Signal(int)  # a co-occurring entity was clicked (may be of another type)

    def __init__(self, ctx: UiContext, entity_type: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        if entity_type not in ENTITY_TYPES:
            raise ValueError(f"unknown entity type {entity_type!r}")
        self._ctx = ctx
        self._type: EntityType = entity_type  # narrowed by the check above
        self._busy = 0  # corrections submitted from this pane and not finished yet
        self._select_after: list[int] | None = None

        self.model = EntityTableModel(ctx.library, self._type, self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(f"Filter {PLURALS[self._type]} by name or alias…")
        self.filter.setClearButtonEnabled(True)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.filter.textChanged.connect(lambda _text: self._filter_timer.start())
        self.filter.returnPressed.connect(self._apply_filter)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(EntityTableModel.NAME, Qt.SortOrder.AscendingOrder)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table for the card (documented order)
        header = self.table.horizontalHeader()
        # The counts stay narrow so they show beside the name even when the pane is half a laptop
        # screen wide. People: names are short and roles long ("Under-Secretary-General, United
        # Nations Office of Counter-Terrorism"), so the name gets a fixed share and the roles take
        # what is left; organisations and places have no roles and the name takes it all.
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, title in ((EntityTableModel.DOCUMENTS, "Documents"), (EntityTableModel.MENTIONS, "Mentions")):
            # wide enough for the header's title with its sort arrow (headers may be bold)
            header.resizeSection(column, header.fontMetrics().horizontalAdvance(title) * 6 // 5 + 28)
        if self._type == "person":
            header.resizeSection(EntityTableModel.NAME, header.fontMetrics().averageCharWidth() * NAME_CHARS)
            header.setSectionResizeMode(EntityTableModel.ROLES, QHeaderView.ResizeMode.Stretch)
        else:
            header.setSectionResizeMode(EntityTableModel.NAME, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        # Only people hold roles; the column would stay empty for organisations and places.
        self.table.setColumnHidden(EntityTableModel.ROLES, self._type != "person")
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_menu)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.selectionModel().currentRowChanged.connect(lambda *_: self._show_current())

        self.status = SecondaryLabel()  # quieter than the list, still readable (not a disabled grey)

        self.card = EntityCard(ctx)
        self.card.document_activated.connect(self.document_activated)
        self.card.entity_activated.connect(self.entity_activated)

        self._build_actions()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(self.status)
        # The card sits under the list: both then get the pane's full width (names, counts and
        # roles side by side above; keyword-in-context lines below), which a side-by-side split
        # of a half-screen pane could not give either of them.
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.card)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([320, 480])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.toolbar)  # full width: all corrections visible, none behind a »
        layout.addWidget(self.splitter, 1)
        self.setTabOrder(self.filter, self.table)
        self.setTabOrder(self.table, self.card)

        ctx.events.entities_changed.connect(self._on_entities_changed)
        ctx.events.extraction_finished.connect(lambda: self.refresh(None))
        self._update_status()
        self._update_actions()

    def _build_actions(self) -> None:
        def action(
            text: str,
            slot: Callable[[], object],
            shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
            tip: str = "",
        ) -> QAction:
            act = QAction(text, self)
            act.triggered.connect(lambda _checked=False: slot())
            if shortcut is not None:
                act.setShortcut(QKeySequence(shortcut))
                act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            if tip:
                act.setToolTip(tip)
            self.addAction(act)  # shortcuts work anywhere inside the pane
            return act

        self.merge_action = action(
            "Merge selected", self.merge_selected, "Ctrl+M", "Merge the selected entries into one (Ctrl+M)"
        )
        self.merge_action.setIcon(icon("merge"))
        self.rename_action = action("Rename…", self.rename_current, "F2", "Give this entry another name (F2)")
        self.retype_action = action(
            "Change type…", self.retype_current, None, "It is not a " + TYPE_LABELS[self._type].lower()
        )
        self.alias_action = action("Add alias…", self.alias_current, None, "Another name it goes by")
        self.split_action = action(
            "Split…", self.split_current, None, "Some of its mentions are someone or something else"
        )
        self.reject_action = action(
            "Reject",
            self.reject_current,
            QKeySequence.StandardKey.Delete,
            "Not a real entity: remove it and never extract it again (Del)",
        )
        self.suggestions_action = action(
            "Merge suggestions…", self.review_suggestions, None, "Review entries that may be the same"
        )
        self.toolbar = QToolBar()
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for act in (
            self.merge_action,
            self.rename_action,
            self.retype_action,
            self.alias_action,
            self.split_action,
            self.reject_action,
        ):
            self.toolbar.addAction(act)
        self.toolbar.addSeparator()
        self.toolbar.addAction(self.suggestions_action)

    # -- public API ---------------------------------------------------------------------------
    @property
    def entity_type(self) -> EntityType:
        return self._type

    def show_entity(self, entity_id: int) -> None:
        """Select ``entity_id`` (clearing a filter that hides it), scroll to it, show its card."""
        row = self.model.row_of(entity_id)
        if row < 0 and self.model.filter_text:
            self.filter.blockSignals(True)
            self.filter.clear()
            self.filter.blockSignals(False)
            self._filter_timer.stop()
            self.model.set_filter("")
            row = self.model.row_of(entity_id)
        if row < 0:
            self.card.show_entity(entity_id)  # e.g. of another type: the card still tells what it is
            return
        self.select_entities([entity_id])
        self.table.scrollTo(self.model.index(row, 0), QAbstractItemView.ScrollHint.PositionAtCenter)

    def selected_ids(self) -> list[int]:
        """Selected entity ids, in display order."""
        rows = sorted(index.row() for index in self.table.selectionModel().selectedRows())
        return [i for i in (self.model.entity_id(r) for r in rows) if i is not None]

    def current_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.model.entity_id(index.row()) if index.isValid() else None

    def refresh(self, change: EntityChange | None = None) -> None:
        """Reload the rows, keeping the selection where its entities still exist."""
        before = self.selected_ids()
        current = self.current_id()
        wanted = self._select_after if self._select_after is not None else before
        self._select_after = None
        if change is not None and any(i in change.deleted for i in wanted):
            # Merged away: the survivor takes their place.
            wanted = [*wanted, *change.entities]
        self.model.reload()
        keep = [i for i in dict.fromkeys(wanted) if self.model.row_of(i) >= 0]
        if current in keep:  # the current row stays current (and first) where it can
            keep.remove(current)
            keep.insert(0, current)
        self.select_entities(keep)
        if not keep:
            self.card.clear()
        self._update_status()

    # -- corrections (values given: the actions below ask for them) ---------------------------
    def merge_entities(self, ids: Sequence[int]) -> Task:
        """Merge ``ids`` into the first one (its name stays, the others' become aliases)."""
        ids = list(ids)
        return self._correct(lambda lib: lib.merge(ids), "Merge", select=ids[:1])

    def rename_entity(self, entity_id: int, name: str) -> Task:
        return self._correct(lambda lib: lib.rename(entity_id, name), "Rename", select=[entity_id])

    def retype_entity(self, entity_id: int, type_: EntityType) -> Task:
        return self._correct(lambda lib: lib.retype(entity_id, type_), "Change type")

    def alias_entity(self, entity_id: int, name: str) -> Task:
        return self._correct(lambda lib: lib.alias(entity_id, name), "Add alias", select=[entity_id])

    def reject_entity(self, entity_id: int) -> Task:
        return self._correct(lambda lib: lib.reject(entity_id), "Reject")

    def split_entity(self, entity_id: int, mention_ids: Sequence[int], name: str | None = None) -> Task:
        mentions = list(mention_ids)
        return self._correct(lambda lib: lib.split(entity_id, mentions, name), "Split", select=[entity_id])

    # -- actions (ask, then correct) ----------------------------------------------------------
    def merge_selected(self) -> None:
        ids = self.selected_ids()
        if len(ids) < 2:
            return
        records = {r.id: r for r in self._ctx.library.entity_records(ids)}
        ids = [i for i in ids if i in records]
        # The entry with most mentions is the likeliest canonical name; the analyst can pick another.
        ids.sort(key=lambda i: -records[i].mentions)
        names = [f"{records[i].name}  ({records[i].mentions} mentions)" for i in ids]
        choice = correction_dialogs.ask_choice(
            self, "Merge", f"Merge {len(ids)} entries into one. Keep the name:", names
        )
        if choice is None:
            return
        self.merge_entities([ids[choice], *(i for k, i in enumerate(ids) if k != choice)])

    def rename_current(self) -> None:
        entity_id = self.current_id()
        record = self._record(entity_id)
        if entity_id is None or record is None:
            return
        name = correction_dialogs.ask_text(self, "Rename", "New name (the old one stays an alias):", record.name)
        if name is not None and name != record.name:
            self.rename_entity(entity_id, name)

    def retype_current(self) -> None:
        entity_id = self.current_id()
        if entity_id is None:
            return
        types = [t for t in ENTITY_TYPES if t != self._type]
        choice = correction_dialogs.ask_choice(
            self, "Change type", "This entry is really a:", [TYPE_LABELS[t] for t in types]
        )
        if choice is not None:
            self.retype_entity(entity_id, types[choice])

    def alias_current(self) -> None:
        entity_id = self.current_id()
        if entity_id is None:
            return
        name = correction_dialogs.ask_text(self, "Add alias", "Another name for this entry:")
        if name is not None:
            self.alias_entity(entity_id, name)

    def reject_current(self) -> None:
        entity_id = self.current_id()
        record = self._record(entity_id)
        if entity_id is None or record is None:
            return
        text = (
            f"“{record.name}” is not a real {TYPE_LABELS[self._type].lower()}?\n\n"
            f"Its {record.mentions} mentions are removed and its names are never extracted again."
        )
        if correction_dialogs.confirm(self, "Reject", text, "Reject"):
            self.reject_entity(entity_id)

    def split_current(self) -> None:
        entity_id = self.current_id()
        record = self._record(entity_id)
        if entity_id is None or record is None:
            return
        if record.mentions < 2:
            correction_dialogs.show_error(
                self, "Split", "An entry with a single mention cannot be split; rename it instead."
            )
            return
        mentions = self._ctx.library.entity_mentions(entity_id, limit=SPLIT_LIMIT)
        titles = {d.id: d.title for d in self._ctx.library.entity_documents(entity_id)}
        dialog = correction_dialogs.SplitDialog(record.name, mentions, titles, self, total=record.mentions)
        if dialog.exec() and dialog.checked_mentions():
            self.split_entity(entity_id, dialog.checked_mentions(), dialog.new_name())

    def review_suggestions(self) -> None:
        SuggestionsDialog(self._ctx, self._type, self).exec()

    # -- internals ----------------------------------------------------------------------------
    def _record(self, entity_id: int | None) -> EntityRecord | None:
        if entity_id is None:
            return None
        records = self._ctx.library.entity_records([entity_id])
        return records[0] if records else None

    def _correct(
        self, fn: Callable[[Library], EntityChange], description: str, *, select: Sequence[int] | None = None
    ) -> Task:
        self._busy += 1
        self._update_actions()

        def done(_change: EntityChange) -> None:
            # Runs before the change is announced, so this pane's refresh selects it.
            if select is not None:
                self._select_after = list(select)

        def finished() -> None:
            self._busy -= 1
            self._update_actions()

        return correction_dialogs.run_correction(
            self._ctx, self, fn, description=description, on_done=done, on_finished=finished
        )

    def _on_entities_changed(self, change: object) -> None:
        self.refresh(change if isinstance(change, EntityChange) else None)

    def _apply_filter(self) -> None:
        self._filter_timer.stop()
        current = self.current_id()
        self.model.set_filter(self.filter.text())
        if current is not None and self.model.row_of(current) >= 0:
            self.select_entities([current])
        elif self.model.rowCount() == 1:
            self.select_entities([self.model.entity_id(0) or 0])
        self._update_status()

    def select_entities(self, ids: Sequence[int]) -> None:
        """Select these entities (those shown); the first becomes current and gets the card."""
        selection = QItemSelection()
        rows = [r for r in (self.model.row_of(i) for i in ids) if r >= 0]
        last = self.model.columnCount() - 1
        for row in rows:
            selection.select(self.model.index(row, 0), self.model.index(row, last))
        sm = self.table.selectionModel()
        flags = QItemSelectionModel.SelectionFlag
        sm.select(selection, flags.ClearAndSelect)
        if rows:
            sm.setCurrentIndex(self.model.index(rows[0], 0), flags.NoUpdate)
        self._show_current()
        self._update_actions()

    def _show_current(self) -> None:
        entity_id = self.current_id()
        if entity_id is not None and self.table.selectionModel().isRowSelected(self.table.currentIndex().row()):
            self.card.show_entity(entity_id)
        elif not self.selected_ids():
            self.card.clear()

    def _on_selection_changed(self, *_args: object) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        n = len(self.selected_ids())
        idle = self._busy == 0
        self.merge_action.setEnabled(idle and n >= 2)
        for act in (self.rename_action, self.retype_action, self.alias_action, self.split_action, self.reject_action):
            act.setEnabled(idle and n >= 1 and self.current_id() is not None)
        self.suggestions_action.setEnabled(idle)

    def _update_status(self) -> None:
        n = self.model.rowCount()
        what = PLURALS[self._type]
        if n == 0:
            self.status.setText(
                f"No {what} match the filter."
                if self.model.filter_text
                else f"No {what} yet: import documents to find them."
            )
        else:
            self.status.setText(f"{n:,} {what}" + (" (filtered)" if self.model.filter_text else ""))

    def _show_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for act in (
            self.merge_action,
            self.rename_action,
            self.retype_action,
            self.alias_action,
            self.split_action,
            self.reject_action,
        ):
            menu.addAction(act)
        menu.addSeparator()
        menu.addAction(self.suggestions_action)
        menu.exec(self.table.viewport().mapToGlobal(pos))
