"""The entity card: everything the archive knows about one person, organisation or place.

Name, type, aliases and roles at the top, then the analyst's own annotations linked to it (before
anything the machine found); below, tabs with keyword-in-context lines of its
mentions (loaded a page at a time), the documents that mention it, the entities met with it
and (for people) the roles documents give them over time. Every string here comes from
documents, so it is shown through plain-text widgets only (labels forced to PlainText, item
views drawing plain text, escaped tooltips).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.annotations import AnnotationFilter
from ctviewer.domain.entities import EntityRecord, MentionRecord
from ctviewer.ui.annotations_model import color_swatch as annotation_swatch
from ctviewer.ui.annotations_model import one_line
from ctviewer.ui.context import UiContext
from ctviewer.ui.entities_model import rich_tooltip, role_text

TYPE_LABELS = {"person": "Person", "organisation": "Organisation", "place": "Place"}
DATA = Qt.ItemDataRole.UserRole + 1  # what a clicked row leads to (doc id, (doc, start), entity id)


class _ElideLeftDelegate(QStyledItemDelegate):
    """The left context of a KWIC line is cut on its left, so the words next to the mention stay."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft


def _plain_label(text: str = "", *, wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _tree(headers: list[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(headers)
    tree.setRootIsDecorated(False)
    tree.setUniformRowHeights(True)
    tree.setAlternatingRowColors(True)
    tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    tree.setAllColumnsShowFocus(True)
    return tree


class EntityCard(QWidget):
    """Shows one entity; emits what the analyst clicks so the window can route it."""

    document_activated = Signal(int, int)  # doc id, character position (-1: top of the document)
    entity_activated = Signal(int)  # a co-occurring entity was clicked

    MENTIONS_PAGE = 200
    RELATED_LIMIT = 50
    ANNOTATIONS_LIMIT = 200  # the Annotations pane (filtered by this entity) lists them all

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._record: EntityRecord | None = None
        self._mentions_loaded = 0

        self._stack = QStackedWidget()
        self._empty = _plain_label("Select an entry in the list to see its card.")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setEnabled(False)  # the palette's disabled text: a quiet hint in light and dark
        self._stack.addWidget(self._empty)
        self._stack.addWidget(self._build_card())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self._stack)
        ctx.events.annotations_changed.connect(self._annotations_changed)

    def _build_card(self) -> QWidget:
        page = QWidget()
        self.name_label = _plain_label()
        font = QFont(self.name_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.name_label.setFont(font)
        self.summary_label = _plain_label()
        self.aliases_label = _plain_label()
        self.roles_label = _plain_label()

        # The analyst's annotations linked to this entity come first: they are what someone judged
        # worth keeping, before the raw mentions the extractor found.
        self.annotations_label = _plain_label(wrap=False)
        bold_label = QFont(self.annotations_label.font())
        bold_label.setBold(True)
        self.annotations_label.setFont(bold_label)
        self.annotations = _tree(["Quote", "Note", "Document"])
        self.annotations.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.annotations.header().setStretchLastSection(True)
        self.annotations_label.hide()  # shown once an entity with annotations is
        self.annotations.hide()

        # Keyword in context: the mention in a column of its own, its sentence around it.
        self.mentions = _tree(["Before", "Mention", "After", "Document"])
        self.mentions.setItemDelegateForColumn(0, _ElideLeftDelegate(self.mentions))
        self.mentions.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.mentions.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.more_button = QPushButton("More mentions…")
        self.more_button.clicked.connect(self.load_more_mentions)
        mentions_page = QWidget()
        mentions_layout = QVBoxLayout(mentions_page)
        mentions_layout.setContentsMargins(0, 0, 0, 0)
        mentions_layout.addWidget(self.mentions)
        more_row = QHBoxLayout()
        self.mentions_status = _plain_label(wrap=False)
        more_row.addWidget(self.mentions_status, 1)
        more_row.addWidget(self.more_button)
        mentions_layout.addLayout(more_row)

        self.documents = _tree(["Date", "Title", "Mentions"])
        self.related = _tree(["Name", "Type", "Shared documents"])
        related_header = self.related.header()
        related_header.setStretchLastSection(False)
        related_header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            related_header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.roles = _tree(["Date", "Role", "Organisation"])

        self.tabs = QTabWidget()
        self.tabs.addTab(mentions_page, "Mentions")
        self.tabs.addTab(self.documents, "Documents")
        self.tabs.addTab(self.related, "Related")
        self.tabs.addTab(self.roles, "Roles")

        # A click opens; Enter does the same for keyboard users (arrow keys move without opening).
        # Not the views' `activated`: a double-click would emit it after the click had opened.
        for tree in (self.annotations, self.mentions, self.documents, self.related, self.roles):
            tree.itemClicked.connect(self._on_item_clicked)
            tree.installEventFilter(self)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 6)
        for label in (self.name_label, self.summary_label, self.aliases_label, self.roles_label):
            layout.addWidget(label)
        layout.addWidget(self.annotations_label)
        layout.addWidget(self.annotations)
        layout.addWidget(self.tabs, 1)
        return page

    # -- public API ---------------------------------------------------------------------------
    @property
    def entity_id(self) -> int | None:
        return self._record.id if self._record is not None else None

    def show_entity(self, entity_id: int | None) -> None:
        """Load and show an entity (quick reads on the GUI thread's Library); None clears."""
        records = self._ctx.library.entity_records([entity_id]) if entity_id is not None else []
        if not records:
            self.clear("This entry no longer exists." if entity_id is not None else "")
            return
        record = self._record = records[0]
        self._stack.setCurrentIndex(1)
        self.name_label.setText(record.name)
        kind = TYPE_LABELS.get(record.type, record.type)
        docs = len(record.documents)
        self.summary_label.setText(
            f"{kind} · {record.mentions} mention{'s' * (record.mentions != 1)} in {docs} document{'s' * (docs != 1)}"
        )
        self.aliases_label.setText("Also: " + ", ".join(record.aliases) if record.aliases else "No other names.")
        self.roles_label.setText("Roles: " + "; ".join(role_text(r) for r in record.roles) if record.roles else "")
        self.roles_label.setVisible(bool(record.roles))
        self._fill_annotations()
        self._fill_mentions(reset=True)
        self._fill_documents()
        self._fill_related()
        self._fill_roles()

    def clear(self, message: str = "") -> None:
        self._record = None
        self._empty.setText(message or "Select an entry in the list to see its card.")
        self._stack.setCurrentIndex(0)
        for tree in (self.annotations, self.mentions, self.documents, self.related, self.roles):
            tree.clear()

    def load_more_mentions(self) -> None:
        self._fill_mentions(reset=False)

    def loaded_mentions(self) -> list[MentionRecord]:
        """The mentions listed so far, in order (the split dialog offers the same ones)."""
        items = (self.mentions.topLevelItem(i) for i in range(self.mentions.topLevelItemCount()))
        return [item.data(0, DATA)[2] for item in items if item is not None]

    # -- filling ------------------------------------------------------------------------------
    def _titles(self, doc_ids: set[int]) -> dict[int, str]:
        if self._record is None:
            return {}
        # entity_documents is one grouped query for all of them; fine for a card.
        return {
            d.id: (f"{d.date} · " if d.date else "") + d.title
            for d in self._ctx.library.entity_documents(self._record.id)
            if d.id in doc_ids
        }

    def _annotations_changed(self, _change: object) -> None:
        if self._record is not None:
            self._fill_annotations()

    def _fill_annotations(self) -> None:
        assert self._record is not None
        self.annotations.clear()
        library = self._ctx.library
        linked = AnnotationFilter(entity_id=self._record.id)
        total = library.annotation_count(linked)
        found = library.annotations(linked, sort="document_date", limit=self.ANNOTATIONS_LIMIT) if total else []
        for a in found:
            title = a.document_title or "(document no longer in the archive)"
            document = f"{a.document_date} · {title}" if a.document_date else title
            item = QTreeWidgetItem([one_line(a.quote), one_line(a.note), document])
            item.setIcon(0, annotation_swatch(a.color))
            item.setData(0, DATA, ("annotation", a.document_id, a.start))
            item.setToolTip(0, rich_tooltip(a.quote))
            item.setToolTip(1, rich_tooltip(a.note))
            item.setToolTip(2, rich_tooltip(document))
            self.annotations.addTopLevelItem(item)
        if found:
            self.annotations.setColumnWidth(0, 300)
            self.annotations.setColumnWidth(1, 200)
        # As tall as its rows (up to six; it scrolls beyond), so the mentions keep their room.
        rows = max(1, min(len(found), 6))
        row_height = self.annotations.sizeHintForRow(0) if found else self.fontMetrics().height()
        self.annotations.setFixedHeight(
            self.annotations.header().sizeHint().height()
            + rows * max(row_height, 1)
            + 2 * self.annotations.frameWidth()
            + 2
        )
        shown = f"{len(found)} of {total}" if total > len(found) else str(total)
        self.annotations_label.setText(f"Your annotations ({shown})")
        self.annotations_label.setVisible(bool(found))
        self.annotations.setVisible(bool(found))

    def _fill_mentions(self, *, reset: bool) -> None:
        record = self._record
        if record is None:
            return
        if reset:
            self.mentions.clear()
            self._mentions_loaded = 0
        page = self._ctx.library.entity_mentions(record.id, offset=self._mentions_loaded, limit=self.MENTIONS_PAGE)
        self._mentions_loaded += len(page)
        titles = self._titles({m.document_id for m in page})
        bold = QFont(self.mentions.font())
        bold.setBold(True)
        items = []
        for m in page:
            left, right = " ".join(m.left.split()), " ".join(m.right.split())
            title = titles.get(m.document_id, f"Document {m.document_id}")
            item = QTreeWidgetItem([left, m.keyword or m.text, right, title])
            item.setFont(1, bold)
            item.setTextAlignment(0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            item.setData(0, DATA, ("mention", m.document_id, m))
            item.setToolTip(3, rich_tooltip(title))
            for column in (0, 1, 2):
                item.setToolTip(column, rich_tooltip(f"{left} [{m.keyword or m.text}] {right}"))
            items.append(item)
        self.mentions.addTopLevelItems(items)
        if reset:
            self.mentions.setColumnWidth(0, 240)
            self.mentions.setColumnWidth(2, 240)
        more = self._mentions_loaded < record.mentions and bool(page)
        self.more_button.setVisible(more)
        self.mentions_status.setText(f"{self._mentions_loaded} of {record.mentions} mentions")
        self.tabs.setTabText(0, f"Mentions ({record.mentions})")

    def _fill_documents(self) -> None:
        assert self._record is not None
        self.documents.clear()
        docs = self._ctx.library.entity_documents(self._record.id)
        for d in docs:
            item = QTreeWidgetItem([d.date or "", d.title, str(d.mentions)])
            item.setData(0, DATA, ("document", d.id, -1))
            item.setToolTip(1, rich_tooltip(d.title))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.documents.addTopLevelItem(item)
        self.documents.resizeColumnToContents(0)
        self.documents.setColumnWidth(1, 360)
        self.tabs.setTabText(1, f"Documents ({len(docs)})")

    def _fill_related(self) -> None:
        assert self._record is not None
        self.related.clear()
        # People and organisations, as the analysts asked; places co-occur with nearly everything.
        found = [
            c
            for c in self._ctx.library.cooccurring(self._record.id, limit=self.RELATED_LIMIT * 3)
            if c.type in ("person", "organisation")
        ][: self.RELATED_LIMIT]
        for c in found:
            item = QTreeWidgetItem([c.name, TYPE_LABELS.get(c.type, c.type), str(c.count)])
            item.setData(0, DATA, ("entity", c.id, c.type))
            item.setToolTip(0, rich_tooltip(c.name))
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.related.addTopLevelItem(item)
        self.tabs.setTabText(2, f"Related ({len(found)})")

    def _fill_roles(self) -> None:
        assert self._record is not None
        self.roles.clear()
        is_person = self._record.type == "person"
        self.tabs.setTabVisible(3, is_person)
        if not is_person:
            return
        for r in self._ctx.library.roles_over_time(self._record.id):
            item = QTreeWidgetItem([r.date or "undated", r.title, r.organisation or ""])
            item.setData(0, DATA, ("document", r.document_id, -1))
            item.setToolTip(2, rich_tooltip(r.organisation or ""))
            self.roles.addTopLevelItem(item)
        self.roles.resizeColumnToContents(0)
        self.roles.setColumnWidth(1, 240)

    # -- clicks -------------------------------------------------------------------------------
    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            isinstance(watched, QTreeWidget)
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
        ):
            self._open_current(watched)
            return True
        return super().eventFilter(watched, event)

    def _open_current(self, tree: QTreeWidget) -> None:
        item = tree.currentItem()
        if item is not None:
            self._on_item_clicked(item, 0)

    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        data = item.data(0, DATA)
        if not data:
            return
        kind = data[0]
        if kind == "annotation":
            if data[1] is not None:  # an annotation whose document went away has nowhere to open
                self.document_activated.emit(data[1], data[2])
        elif kind == "mention":
            self.document_activated.emit(data[1], data[2].start)
        elif kind == "document":
            self.document_activated.emit(data[1], data[2])
        elif kind == "entity":
            self.entity_activated.emit(data[1])
