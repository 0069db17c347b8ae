"""Facet counts beside the search results, and the query terms they add.

Clicking a facet value narrows the search by adding its field term to the query text
(``place:"Tashkent"``, ``year:2022``, ``type:pdf``): the query field stays the one place that
says what is searched, so an analyst can read and edit it. Field terms already in the query
are listed at the top as removable chips, and their facet values are shown as active
(clicking one again removes it).

Values are shown whole where the column allows: :meth:`FacetsPane.preferred_width` is the
width that fits the longest value (within limits; the search pane widens its splitter to it),
longer ones are elided in the middle ("Organization fo…n in Europe") with the whole value in
the tooltip. File types are shown in capitals, as everywhere else in the window ("TXT").
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

# Facet name (as the core returns it) -> what the user sees and the field name typed.
FACETS: dict[str, tuple[str, str]] = {
    "person": ("People", "person"),
    "organisation": ("Organisations", "org"),
    "place": ("Places", "place"),
    "year": ("Years", "year"),
    "type": ("File types", "type"),
    "language": ("Languages", "lang"),
}
# Every spelling the core's parser accepts before the colon, by facet (see search/schema.py).
_FIELD_SPELLINGS: dict[str, str] = {
    "person": "person",
    "people": "person",
    "persons": "person",
    "org": "organisation",
    "orgs": "organisation",
    "organisation": "organisation",
    "organization": "organisation",
    "organisations": "organisation",
    "organizations": "organisation",
    "place": "place",
    "places": "place",
    "loc": "place",
    "location": "place",
    "year": "year",
    "type": "type",
    "filetype": "type",
    "file_type": "type",
    "lang": "language",
    "language": "language",
}
_FIELD_TERM = re.compile(
    r"(?<![\w:])(" + "|".join(sorted(_FIELD_SPELLINGS, key=len, reverse=True)) + r')\s*:\s*("[^"]*"|[^\s()"]+)',
    re.IGNORECASE,
)
_FacetKey = tuple[str, str]
_FacetRole = Qt.ItemDataRole.UserRole + 1
_ValueRole = Qt.ItemDataRole.UserRole + 2


@dataclass(frozen=True)
class FieldTerm:
    """A facet field term found in a query: its text as typed and where it is."""

    text: str
    start: int
    end: int
    facet: str
    value: str

    @property
    def key(self) -> _FacetKey:
        return (self.facet, self.value.casefold())

    @property
    def label(self) -> str:
        return f"{FACETS[self.facet][0]}: {self.value}"


def facet_term(facet: str, value: str) -> str:
    """The query term that narrows to one facet value: names are quoted as phrases (the
    parser has no escape for a quote inside a phrase, so quotes in a name become spaces)."""
    field = FACETS[facet][1]
    clean = " ".join(value.replace('"', " ").split())
    if facet in ("year", "type", "language") and re.fullmatch(r"[\w.-]+", clean):
        return f"{field}:{clean}"
    return f'{field}:"{clean}"'


def field_terms(query: str) -> list[FieldTerm]:
    """The facet field terms of ``query``, in order."""
    out = []
    for match in _FIELD_TERM.finditer(query):
        facet = _FIELD_SPELLINGS[match.group(1).lower()]
        value = " ".join(match.group(2).strip('"').split())
        if value:
            out.append(FieldTerm(match.group(0), match.start(), match.end(), facet, value))
    return out


def facet_label(facet: str, value: str) -> str:
    """A facet value as shown: file types in capitals ("TXT"), the rest as the core gives them."""
    return value.upper() if facet == "type" else value


def add_term(query: str, term: str) -> str:
    return f"{query.strip()} {term}".strip()


def remove_term(query: str, term: FieldTerm) -> str:
    return " ".join((query[: term.start] + " " + query[term.end :]).split())


class FacetsPane(QWidget):
    """Facet counts of the current results; emits the edited query when a value is (un)chosen."""

    query_edited = Signal(str)  # the query with a facet term added or removed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._query = ""
        self._chips_label = QLabel("Narrowed by")
        self._chips_label.setTextFormat(Qt.TextFormat.PlainText)
        self._chips = QVBoxLayout()
        self._chips.setSpacing(2)
        self.tree = QTreeWidget()
        self.tree.setColumnCount(2)
        self.tree.setHeaderHidden(True)
        self.tree.setRootIsDecorated(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)  # both ends of a name say most
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAccessibleName("Facets")
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.tree.itemClicked.connect(self._on_item_clicked)
        self.tree.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._chips_label)
        layout.addLayout(self._chips)
        layout.addWidget(self.tree, 1)
        layout.addStretch(0)  # takes the room only while the tree is hidden: chips stay on top
        self._chip_buttons: list[QToolButton] = []
        self._show_chips([])

    # -- filling --------------------------------------------------------------------------
    def set_facets(self, query: str, facets: Mapping[str, Sequence[tuple[str, int]]]) -> None:
        """Show ``facets`` (the core's counts) for the results of ``query``."""
        self._query = query
        terms = field_terms(query)
        self._show_chips(terms)
        active = {t.key for t in terms}
        scroll = self.tree.verticalScrollBar().value()
        self.tree.clear()
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for facet, (title, _field) in FACETS.items():
            values = list(facets.get(facet, ()))
            if not values:
                continue
            if facet == "year":
                values.sort(key=lambda kv: kv[0], reverse=True)  # years read best in order
            group = QTreeWidgetItem(self.tree, [title, ""])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            group.setFont(0, bold)
            for value, count in values:
                item = QTreeWidgetItem(group, [facet_label(facet, value), f"{count:,}"])
                item.setData(0, _FacetRole, facet)
                item.setData(0, _ValueRole, value)
                noun = "document" if count == 1 else "documents"
                item.setToolTip(0, f"{facet_label(facet, value)}: {count:,} {noun}")
                item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if (facet, value.casefold()) in active:
                    item.setText(0, f"✓ {facet_label(facet, value)}")  # chosen: clicking again removes it
                    item.setFont(0, bold)
            group.setExpanded(True)
        self.tree.setVisible(self.tree.topLevelItemCount() > 0)  # chips alone: no empty box under them
        self.tree.verticalScrollBar().setValue(scroll)

    def clear(self) -> None:
        self.set_facets("", {})

    def preferred_width(self, minimum: int = 180, maximum: int = 340) -> int:
        """The width that shows the longest value and its count unelided, within limits."""
        metrics = self.tree.fontMetrics()
        widest = max((metrics.horizontalAdvance(item.text(0)) for item in self._value_items()), default=0)
        counts = max((metrics.horizontalAdvance(item.text(1)) for item in self._value_items()), default=0)
        scrollbar = self.tree.verticalScrollBar().sizeHint().width()
        chrome = self.tree.indentation() + scrollbar + 2 * metrics.averageCharWidth() + 16  # gaps, frame
        return max(minimum, min(maximum, widest + counts + chrome))

    def has_content(self) -> bool:
        """Whether there is anything to show: facet values or chips to remove."""
        return bool(self._chip_buttons) or self.tree.topLevelItemCount() > 0

    def values(self, facet: str) -> list[str]:
        """The values shown for ``facet``, in order."""
        return [str(item.data(0, _ValueRole)) for item in self._value_items() if item.data(0, _FacetRole) == facet]

    def item_for(self, facet: str, value: str) -> QTreeWidgetItem | None:
        for item in self._value_items():
            if item.data(0, _FacetRole) == facet and item.data(0, _ValueRole) == value:
                return item
        return None

    def _value_items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            if group is not None:
                out.extend(c for j in range(group.childCount()) if (c := group.child(j)) is not None)
        return out

    def chip_buttons(self) -> list[QToolButton]:
        return list(self._chip_buttons)

    # -- choosing -------------------------------------------------------------------------
    def toggle(self, facet: str, value: str) -> None:
        """Add the value's term to the query, or remove it when the query already has it."""
        key = (facet, value.casefold())
        present = [t for t in field_terms(self._query) if t.key == key]
        if present:
            self.query_edited.emit(remove_term(self._query, present[0]))
        else:
            self.query_edited.emit(add_term(self._query, facet_term(facet, value)))

    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        facet, value = item.data(0, _FacetRole), item.data(0, _ValueRole)
        if facet and value is not None:
            self.toggle(str(facet), str(value))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Enter or Space on a value chooses it: the keyboard twin of a click.
        if watched is self.tree and event.type() == QEvent.Type.KeyPress:
            item = self.tree.currentItem()
            chosen = isinstance(event, QKeyEvent) and event.key() in (
                Qt.Key.Key_Return,
                Qt.Key.Key_Enter,
                Qt.Key.Key_Space,
            )
            if chosen and item is not None and item.data(0, _FacetRole):
                self._on_item_clicked(item)
                return True
        return super().eventFilter(watched, event)

    def _remove(self, term: FieldTerm, _checked: bool = False) -> None:
        self.query_edited.emit(remove_term(self._query, term))

    def _show_chips(self, terms: list[FieldTerm]) -> None:
        for button in self._chip_buttons:
            self._chips.removeWidget(button)
            button.deleteLater()
        self._chip_buttons = []
        for term in terms:
            button = QToolButton()
            # A button's text is never rich text, but "&" marks an accelerator: doubled, it shows.
            button.setText(f"✕  {term.label}".replace("&", "&&"))
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
            button.setAutoRaise(True)
            button.setAccessibleName(f"Remove {term.label}")
            button.clicked.connect(partial(self._remove, term))
            self._chips.addWidget(button)
            self._chip_buttons.append(button)
        self._chips_label.setVisible(bool(terms))
