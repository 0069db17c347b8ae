"""The reader: one document's clean text with its people, organisations and places
highlighted, the analyst's annotations over them (and listed beside the text), search hits to
step through, a find bar, page markers and a citation to copy.

Opening is cheap whatever the size: the text goes into a QPlainTextEdit (which lays out only
what is shown), highlights are ExtraSelections computed for the region on screen only (and
recomputed as it scrolls), and the query's hit spans are found on the read lane.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import QPoint, QSize, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QDesktopServices,
    QGuiApplication,
    QIcon,
    QKeySequence,
    QPixmap,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.annotations import AnnotationChange, AnnotationRecord
from ctviewer.domain.documents import DocumentRecord
from ctviewer.domain.entities import DocumentMention
from ctviewer.errors import KnownError, NotFoundError
from ctviewer.ui.context import UiContext
from ctviewer.ui.find_bar import FindBar
from ctviewer.ui.icons import icon
from ctviewer.ui.reader_annotations import ReaderAnnotationList, annotation_tooltip
from ctviewer.ui.reader_highlights import (
    ANNOTATION_COLOURS,
    ENTITY_KINDS,
    KIND_COLOURS,
    KIND_LABELS,
    OffsetMap,
    SpanList,
    annotation_bar_colour,
    breakable,
    build_selections,
    mention_spans,
    plain_spans,
    plain_tooltip,
)
from ctviewer.ui.reader_text import ReaderTextEdit
from ctviewer.ui.tasks import Task

EMPTY_TEXT = "Open a document from the list or from search results."
# Highlights are built for the characters on screen plus this margin either side, so small
# scrolls need no rebuild.
WINDOW_MARGIN = 20_000


class ReaderPane(QWidget):
    """Shows one document. ``entity_activated(entity_id)`` when a highlighted name is clicked
    (or Enter is pressed on it). Annotation requests go to whoever saves them (the window's
    annotation controller): ``annotate_requested(quick)`` for the selected passage (``quick``: a
    highlight without the editor), ``annotation_edit_requested(record)``,
    ``annotation_delete_requested(ids)``."""

    entity_activated = Signal(int)
    annotate_requested = Signal(bool)
    annotation_edit_requested = Signal(object)
    annotation_delete_requested = Signal(list)

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._record: DocumentRecord | None = None
        self._offsets = OffsetMap("")
        self._mentions = SpanList()
        self._hits = SpanList()
        self._query = ""
        self._hit_task: Task | None = None
        self._window: tuple[int, int] | None = None  # character range the highlights cover
        self._annotations = SpanList()  # anchored annotations, payload AnnotationRecord

        # header
        self.title_label = self._plain_label(word_wrap=True)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.title_label.setFont(font)
        self.meta_label = self._plain_label()
        self.page_label = self._plain_label()
        meta_row = QHBoxLayout()
        meta_row.addWidget(self.meta_label, 1)
        meta_row.addWidget(self.page_label)

        # toolbar: entity toggles, hits, actions
        self.kind_boxes: dict[str, QCheckBox] = {}
        tools = QHBoxLayout()
        for kind in ENTITY_KINDS:
            box = QCheckBox(KIND_LABELS[kind], self)
            box.setChecked(True)
            box.setIcon(self._swatch(KIND_COLOURS[kind]))
            box.toggled.connect(self._invalidate_highlights)
            self.kind_boxes[kind] = box
            tools.addWidget(box)
        tools.addStretch(1)
        self.previous_hit_button = self._tool_button("◀", "Previous hit (Shift+F3)", self.previous_hit)
        self.hit_label = self._plain_label()
        self.next_hit_button = self._tool_button("▶", "Next hit (F3)", self.next_hit)
        tools.addWidget(self.previous_hit_button)
        tools.addWidget(self.hit_label)
        tools.addWidget(self.next_hit_button)
        # Actions the window also puts in its Edit menu (their shortcuts work from anywhere).
        self._annotating_allowed = True
        self.annotate_action = QAction(icon("annotation"), "&Annotate Selection…", self)
        self.annotate_action.setShortcut(QKeySequence("Ctrl+M"))
        self.annotate_action.setToolTip("Annotate the selected passage: colour, note, tags, links (Ctrl+M)")
        self.annotate_action.triggered.connect(lambda: self._request_annotation(quick=False))
        self.highlight_action = QAction("&Highlight Selection", self)
        self.highlight_action.setShortcut(QKeySequence("Ctrl+Shift+M"))
        self.highlight_action.setToolTip("Highlight the selected passage in the default colour, no note (Ctrl+Shift+M)")
        self.highlight_action.triggered.connect(lambda: self._request_annotation(quick=True))
        for action in (self.annotate_action, self.highlight_action):
            # Only while the reader has focus: the entity panes use Ctrl+M for Merge.
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.addAction(action)
        self.annotate_button = QToolButton(self)
        self.annotate_button.setDefaultAction(self.annotate_action)
        self.annotate_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.annotate_button.setText("Annotate")
        self.side_button = QToolButton(self)
        self.side_button.setText("Annotations")
        self.side_button.setCheckable(True)
        self.side_button.setChecked(True)
        self.side_button.setToolTip("Show this document's annotations beside the text (when it has any)")
        tools.addWidget(self.annotate_button)
        tools.addWidget(self.side_button)
        self.open_button = QPushButton(icon("open-original"), "Open original", self)
        self.open_button.clicked.connect(self.open_original)
        self.cite_button = QPushButton(icon("citation"), "Copy citation", self)
        self.cite_button.clicked.connect(self.copy_citation)
        tools.addWidget(self.open_button)
        tools.addWidget(self.cite_button)

        # find bar (Ctrl+F: the window's Find action calls show_find)
        self.find_bar = FindBar(self)
        self.find_edit = self.find_bar.edit
        self.find_label = self.find_bar.label
        self.find_bar.matches_changed.connect(self._on_find_matches)
        self.find_bar.next_requested.connect(self.next_find)
        self.find_bar.previous_requested.connect(self.previous_find)
        self.find_bar.closed.connect(self._on_find_closed)

        # text, or the empty state
        self.text_edit = ReaderTextEdit(self)
        self.text_edit.tooltip_for = self._tooltip_for
        self.text_edit.position_activated.connect(self._on_position_activated)
        self.text_edit.cursorPositionChanged.connect(self._on_cursor_moved)
        self.text_edit.verticalScrollBar().valueChanged.connect(self._schedule_highlights)
        self.text_edit.selectionChanged.connect(self._update_annotate_actions)
        self.text_edit.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.text_edit.customContextMenuRequested.connect(self._context_menu)
        self.annotation_list = ReaderAnnotationList(self)
        self.annotation_list.annotation_clicked.connect(self.show_annotation)
        self.annotation_list.edit_requested.connect(self.annotation_edit_requested)
        self.annotation_list.delete_requested.connect(self.annotation_delete_requested)
        self.side_button.toggled.connect(self._update_side_list)
        self.text_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.text_split.setObjectName("readerSplitter")
        self.text_split.addWidget(self.text_edit)
        self.text_split.addWidget(self.annotation_list)
        self.text_split.setStretchFactor(0, 4)
        self.text_split.setStretchFactor(1, 1)
        self.text_split.setChildrenCollapsible(False)
        self.empty_label = self._plain_label()
        self.empty_label.setText(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setEnabled(False)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(self.text_split)
        self.status_label = self._plain_label()

        self.header = QWidget(self)
        header_layout = QVBoxLayout(self.header)
        header_layout.setContentsMargins(0, 0, 0, 0)
        header_layout.addWidget(self.title_label)
        header_layout.addLayout(meta_row)
        header_layout.addLayout(tools)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header)
        layout.addWidget(self.find_bar)
        layout.addWidget(self.stack, 1)
        layout.addWidget(self.status_label)

        self._highlight_timer = QTimer(self)
        self._highlight_timer.setSingleShot(True)
        self._highlight_timer.setInterval(0)
        self._highlight_timer.timeout.connect(self._refresh_highlights)

        ctx.events.entities_changed.connect(self._reload_mentions)
        ctx.events.extraction_finished.connect(self._reload_mentions)
        ctx.events.documents_changed.connect(self._on_documents_changed)
        ctx.events.annotations_changed.connect(self._on_annotations_changed)
        self._show_empty(EMPTY_TEXT)
        self._update_annotate_actions()

    # -- public API --------------------------------------------------------------------------
    @property
    def document_id(self) -> int | None:
        return self._record.id if self._record is not None else None

    @property
    def hit_count(self) -> int:
        return len(self._hits)

    def open_document(self, doc_id: int, *, position: int = -1, query: str = "") -> None:
        """Show ``doc_id``; select the mention or word at character ``position`` if given, else
        the query's first hit once the hits are found (on the read lane)."""
        if self._hit_task is not None:
            self._hit_task.cancel()
            self._hit_task = None
        try:
            record = self._ctx.library.document(doc_id)
            mentions = self._ctx.library.document_mentions(doc_id)
        except NotFoundError:
            self._record = None
            self._show_empty("This document is no longer in the archive.")
            return
        self._record = record
        self._offsets = OffsetMap(record.text)
        self._mentions = mention_spans(mentions)
        self._hits = SpanList()
        self.find_bar.set_text(record.text)
        self._query = query.strip()
        self._window = None
        self.text_edit.setExtraSelections([])
        self.text_edit.setPlainText(breakable(record.text))
        self.text_edit.set_page_breaks(record.page_spans, self._offsets.to_qt)
        self._load_annotations()
        self.stack.setCurrentWidget(self.text_split)
        self._fill_header(record)
        self.status_label.setText("")
        self._update_hit_label()
        if position >= 0:
            self._select_at(position)
        if self._query:
            self._find_hits(record.id, record.text, self._query, jump=position < 0)
        if self.find_bar.active:
            self.find_bar.run()
        self._schedule_highlights()

    # Added by the Annotations pane's work (helper B) for opening and re-attaching annotations;
    # the reader's own annotation work may build on them.
    def selection_range(self) -> tuple[int, int] | None:
        """The selected passage as core character offsets ``[start, end)``, or None."""
        if self._record is None:
            return None
        cursor = self.text_edit.textCursor()
        if not cursor.hasSelection():
            return None
        start = self._offsets.from_qt(cursor.selectionStart())
        end = self._offsets.from_qt(cursor.selectionEnd())
        return (start, end) if start < end else None

    def show_range(self, doc_id: int, start: int, end: int) -> None:
        """Open ``doc_id`` (unless it is open) and select ``[start, end)``, scrolled into view."""
        if self.document_id != doc_id:
            self.open_document(doc_id)
        if self._record is None or self._record.id != doc_id:
            return  # no longer in the archive: open_document showed why
        length = len(self._record.text)
        self._select(max(0, min(start, length)), max(0, min(end, length)))

    def selected_passage(self) -> tuple[int, int, int, str] | None:
        """(document id, start, end, quote) of the selection, None without one (or only spaces)."""
        selected = self.selection_range()
        if self._record is None or selected is None:
            return None
        start, end = selected
        quote = self._record.text[start:end]
        if not quote.strip():
            return None
        return self._record.id, start, end, quote

    @property
    def document_title(self) -> str:
        return self._record.summary.title if self._record is not None else ""

    @property
    def annotations(self) -> list[AnnotationRecord]:
        """The open document's annotations as the side list shows them (orphaned ones last)."""
        return self.annotation_list.records

    def show_annotation(self, record: AnnotationRecord) -> None:
        """Select an annotation's passage in the text (an orphaned one has none to show)."""
        if record.orphaned or record.document_id != self.document_id:
            self.status_label.setText(
                "This annotation's passage is not in the current text (orphaned); "
                "re-attach it from the Annotations pane."
                if record.orphaned
                else ""
            )
            return
        self._select(record.start, record.end)
        self.annotation_list.select(record.id)

    def annotation_at(self, offset: int) -> AnnotationRecord | None:
        i = self._annotations.at(offset)
        if i is None:
            return None
        record = self._annotations.payloads[i]
        assert isinstance(record, AnnotationRecord)
        return record

    def show_find(self) -> None:
        """Show the find bar with its text selected (Ctrl+F)."""
        self.find_bar.open()

    def hide_find(self) -> None:
        self.find_bar.dismiss()

    def next_hit(self) -> None:
        """F3: the next find match while the find bar is in use, else the next search hit."""
        if self.find_bar.active:
            self.next_find()
        else:
            self._step(self._hits, forward=True)
            self._update_hit_label()

    def previous_hit(self) -> None:
        if self.find_bar.active:
            self.previous_find()
        else:
            self._step(self._hits, forward=False)
            self._update_hit_label()

    def next_find(self) -> None:
        self._step(self.find_bar.matches, forward=True)
        self._update_find_label()

    def previous_find(self) -> None:
        self._step(self.find_bar.matches, forward=False)
        self._update_find_label()

    def citation(self) -> str:
        """Title, date, source file and the page(s) of the selection or cursor."""
        if self._record is None:
            return ""
        summary = self._record.summary
        parts = [f"\u201c{summary.title}\u201d", summary.date or "n.d.", Path(summary.source_path).name]
        cursor = self.text_edit.textCursor()
        first = self._record.page_at(self._offsets.from_qt(cursor.selectionStart()))
        last_offset = max(cursor.selectionStart(), cursor.selectionEnd() - 1)
        last = self._record.page_at(self._offsets.from_qt(last_offset))
        if first is not None:
            parts.append(f"p. {first}" if last in (None, first) else f"pp. {first}\u2013{last}")
        return ", ".join(parts)

    def copy_citation(self) -> None:
        text = self.citation()
        if text:
            QGuiApplication.clipboard().setText(text)
            self.status_label.setText("Citation copied.")

    def open_original(self) -> None:
        if self._record is None:
            return
        try:
            path = self._ctx.library.original_path(self._record.id)
        except KnownError as exc:
            self.status_label.setText(f"The original file cannot be opened: {exc}")
            return
        if not path.is_file():
            self.status_label.setText("The original file is missing from the archive (ctviewer check --repair).")
            return
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            self.status_label.setText("No application is set up to open this kind of file.")

    def highlighted(self) -> list[tuple[int, int, str]]:
        """(start, end, kind) of the highlights now applied, in character offsets (tests, debugging)."""
        colours = {KIND_COLOURS[k].rgba(): k for k in (*ENTITY_KINDS, "hit")}
        colours.update({c.rgba(): f"annotation:{name}" for name, c in ANNOTATION_COLOURS.items()})
        out = []
        for selection in self.text_edit.extraSelections():
            kind = colours.get(selection.format.background().color().rgba(), "?")
            start = self._offsets.from_qt(selection.cursor.selectionStart())
            out.append((start, self._offsets.from_qt(selection.cursor.selectionEnd()), kind))
        return out

    # -- hits and find ------------------------------------------------------------------------
    def _find_hits(self, doc_id: int, text: str, query: str, *, jump: bool) -> None:
        def work(library: Any, _task: Any) -> list[tuple[int, int]]:
            try:
                return library.hit_spans(query, text)
            except KnownError:  # a query the search refused: nothing to highlight
                return []

        def done(spans: list[tuple[int, int]]) -> None:
            self._hit_task = None
            if self.document_id != doc_id:
                return
            self._hits = plain_spans(spans)
            if jump and spans:
                self._select(*spans[0])
            self._update_hit_label()
            self._invalidate_highlights()

        self.hit_label.setText("finding hits…")
        self._hit_task = self._ctx.runner.submit("read", work, description="Finding hits", on_done=done)

    def _run_find(self) -> None:
        self.find_bar.run()

    def _on_find_matches(self) -> None:
        matches = self.find_bar.matches
        if len(matches):
            # Start from the top of what is on screen, as editors do.
            first, _ = self.text_edit.visible_range()
            i = matches.next_after(self._offsets.from_qt(first) - 1)
            if i is not None:
                self._select(*matches.span(i))
        self._update_find_label()
        self._invalidate_highlights()

    def _on_find_closed(self) -> None:
        self._invalidate_highlights()
        self.text_edit.setFocus()

    def _step(self, spans: SpanList, *, forward: bool) -> None:
        cursor = self.text_edit.textCursor()
        here = self._offsets.from_qt(cursor.selectionStart())
        i = spans.next_after(here) if forward else spans.previous_before(here)
        if i is not None:
            self._select(*spans.span(i))

    def _current_index(self, spans: SpanList) -> int | None:
        cursor = self.text_edit.textCursor()
        start = self._offsets.from_qt(cursor.selectionStart())
        end = self._offsets.from_qt(cursor.selectionEnd())
        i = spans.at(start)
        return i if i is not None and spans.span(i) == (start, end) else None

    def _update_hit_label(self) -> None:
        total = len(self._hits)
        enabled = total > 0
        self.previous_hit_button.setEnabled(enabled)
        self.next_hit_button.setEnabled(enabled)
        if not self._query:
            self.hit_label.setText("")
            return
        current = self._current_index(self._hits)
        if total == 0:
            self.hit_label.setText("no hits")
        elif current is None:
            self.hit_label.setText(f"{total:,} hit{'s' if total != 1 else ''}")
        else:
            self.hit_label.setText(f"hit {current + 1:,} of {total:,}")

    def _update_find_label(self) -> None:
        self.find_bar.show_position(self._current_index(self.find_bar.matches))

    # -- selection and highlights ----------------------------------------------------------------
    def _select(self, start: int, end: int) -> None:
        cursor = self.text_edit.textCursor()
        cursor.setPosition(self._offsets.to_qt(start))
        cursor.setPosition(self._offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.text_edit.setTextCursor(cursor)
        self.text_edit.centerCursor()
        self._schedule_highlights()

    def _select_at(self, position: int) -> None:
        """Select the mention at ``position``, else the word there, else put the cursor there."""
        assert self._record is not None
        position = min(position, len(self._record.text))
        i = self._mentions.at(position)
        if i is not None:
            self._select(*self._mentions.span(i))
            return
        match = re.compile(r"\w+").match(self._record.text, position)
        self._select(position, match.end() if match else position)

    def _invalidate_highlights(self, *_args: object) -> None:
        self._window = None
        self._schedule_highlights()

    def _schedule_highlights(self, *_args: object) -> None:
        self._highlight_timer.start()
        self._update_page_label()

    def _refresh_highlights(self) -> None:
        if self._record is None:
            return
        first, last = self.text_edit.visible_range()
        start, end = self._offsets.from_qt(first), self._offsets.from_qt(last)
        if self._window is not None and self._window[0] <= start and end <= self._window[1]:
            return  # still inside the region already highlighted
        window = (max(0, start - WINDOW_MARGIN), end + WINDOW_MARGIN)
        kinds = [kind for kind, box in self.kind_boxes.items() if box.isChecked()]
        selections = build_selections(
            self.text_edit.document(),
            self._offsets,
            window,
            self._mentions,
            kinds,
            [self._hits, self.find_bar.matches],
            annotations=self._annotations,
        )
        self.text_edit.setExtraSelections(selections)
        self._window = window

    def _reload_mentions(self, *_args: object) -> None:
        if self._record is None:
            return
        try:
            self._mentions = mention_spans(self._ctx.library.document_mentions(self._record.id))
        except NotFoundError:
            return
        self._invalidate_highlights()

    def _on_documents_changed(self, ids: list[int]) -> None:
        doc_id = self.document_id
        if doc_id is not None and (not ids or doc_id in ids):
            position = self._offsets.from_qt(self.text_edit.textCursor().selectionStart())
            self.open_document(doc_id, position=position, query=self._query)

    # -- annotations -----------------------------------------------------------------------------
    def _load_annotations(self) -> None:
        """The open document's annotations (a quick read: one document's rows)."""
        if self._record is None:
            return
        records = self._ctx.library.document_annotations(self._record.id)
        self._annotations = SpanList((r.start, r.end, r) for r in records if not r.orphaned)
        self.annotation_list.set_records(records, self._ctx.library.annotation_colors())
        to_qt = self._offsets.to_qt
        self.text_edit.set_margin_marks(
            [(to_qt(r.start), to_qt(r.end), annotation_bar_colour(r.color)) for r in records if not r.orphaned]
        )
        self._update_side_list()

    def _update_side_list(self, *_args: object) -> None:
        """The list takes room from the text only when the document has annotations to show."""
        count = len(self.annotation_list.records)
        self.side_button.setText(f"Annotations ({count})" if count else "Annotations")
        self.annotation_list.setVisible(self.side_button.isChecked() and count > 0)

    def _on_annotations_changed(self, change: AnnotationChange | None) -> None:
        doc_id = self.document_id
        if doc_id is None or (change is not None and doc_id not in change.documents):
            return
        self._load_annotations()
        self._invalidate_highlights()

    def _request_annotation(self, *, quick: bool) -> None:
        if self.selected_passage() is None:
            self.status_label.setText("Select the passage to annotate first.")
            return
        self.annotate_requested.emit(quick)

    def set_annotating_allowed(self, allowed: bool) -> None:
        """Off for a read-only or damaged archive: the actions stay off whatever is selected."""
        self._annotating_allowed = allowed
        self._update_annotate_actions()

    def _update_annotate_actions(self) -> None:
        has = self._annotating_allowed and self._record is not None and self.text_edit.textCursor().hasSelection()
        self.annotate_action.setEnabled(has)
        self.highlight_action.setEnabled(has)

    def _context_menu(self, point: QPoint) -> None:
        menu = self.text_edit.createStandardContextMenu(point)
        menu.addSeparator()
        menu.addAction(self.annotate_action)
        menu.addAction(self.highlight_action)
        qt_position = self.text_edit.position_at(point)
        record = self.annotation_at(self._offsets.from_qt(qt_position)) if qt_position is not None else None
        if record is not None:
            menu.addSeparator()
            menu.addAction("&Edit Annotation…", lambda: self.annotation_edit_requested.emit(record))
            menu.addAction("&Delete Annotation", lambda: self.annotation_delete_requested.emit([record.id]))
        menu.addSeparator()
        menu.addAction(icon("citation"), "Copy &Citation", self.copy_citation)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        menu.popup(self.text_edit.viewport().mapToGlobal(point))

    def _on_cursor_moved(self) -> None:
        self._update_page_label()
        self._update_hit_label()
        self._update_find_label()

    # -- entities under the pointer -------------------------------------------------------------
    def _mention_at_qt(self, qt_position: int) -> DocumentMention | None:
        i = self._mentions.at(self._offsets.from_qt(qt_position))
        if i is None:
            return None
        mention = self._mentions.payloads[i]
        assert isinstance(mention, DocumentMention)
        return mention if self.kind_boxes[mention.type].isChecked() else None

    def _tooltip_for(self, qt_position: int) -> str | None:
        record = self.annotation_at(self._offsets.from_qt(qt_position))
        if record is not None:
            return annotation_tooltip(record, self.annotation_list.color_labels)
        mention = self._mention_at_qt(qt_position)
        if mention is None:
            return None
        return plain_tooltip(f"{mention.name} ({mention.type})")

    def _on_position_activated(self, qt_position: int) -> None:
        record = self.annotation_at(self._offsets.from_qt(qt_position))
        if record is not None and self.annotation_list.isVisible():
            self.annotation_list.select(record.id)  # and the click may open an entity card too
        mention = self._mention_at_qt(qt_position)
        if mention is not None:
            self.entity_activated.emit(mention.entity_id)

    # -- header -----------------------------------------------------------------------------
    def _fill_header(self, record: DocumentRecord) -> None:
        summary = record.summary
        self.title_label.setText(summary.title)
        parts = [summary.date or "undated", Path(summary.source_path).name, summary.file_type.upper()]
        if summary.pages:
            parts.append(f"{summary.pages} page{'s' if summary.pages != 1 else ''}")
        if record.truncated:
            parts.append("text truncated")
        if summary.warnings:
            count = len(summary.warnings)
            parts.append(f"{count} import warning{'s' if count != 1 else ''}")
        self.meta_label.setText(" \u00b7 ".join(parts))
        self.meta_label.setToolTip(_warnings_tooltip(summary.warnings))
        self.header.setVisible(True)
        self._update_page_label()

    def _update_page_label(self) -> None:
        record = self._record
        if record is None or not record.page_spans:
            self.page_label.setText("")
            return
        # The cursor's page while the cursor is on screen, else the page at the top of the view.
        position = self.text_edit.textCursor().position()
        if not self.text_edit.viewport().rect().contains(self.text_edit.cursorRect().center()):
            position = self.text_edit.visible_range()[0]
        page = record.page_at(self._offsets.from_qt(position))
        total = record.summary.pages or max(s.page for s in record.page_spans)
        self.page_label.setText(f"page {page} of {total}" if page is not None else "")

    def _show_empty(self, message: str) -> None:
        self.empty_label.setText(message)
        self.stack.setCurrentWidget(self.empty_label)
        self.text_edit.setExtraSelections([])
        self.text_edit.clear()
        self.find_bar.set_text("")
        self._annotations = SpanList()
        self.annotation_list.set_records([], [])
        self.text_edit.set_margin_marks([])
        self._update_side_list()
        self.title_label.setText("")
        self.meta_label.setText("")
        self.meta_label.setToolTip("")
        self.page_label.setText("")
        self.hit_label.setText("")
        self.header.setVisible(False)  # nothing to toggle, cite or open yet

    # -- small builders -----------------------------------------------------------------------
    def _plain_label(self, *, word_wrap: bool = False) -> QLabel:
        label = QLabel(self)
        label.setTextFormat(Qt.TextFormat.PlainText)  # document text is never markup
        label.setWordWrap(word_wrap)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        return label

    def _tool_button(self, text: str, tip: str, slot: Any) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        button.setToolTip(tip)
        button.setAutoRaise(True)
        button.clicked.connect(slot)
        return button

    @staticmethod
    def _swatch(colour: QColor) -> QIcon:
        pixmap = QPixmap(QSize(12, 12))
        pixmap.fill(QColor(colour.red(), colour.green(), colour.blue()))
        return QIcon(pixmap)


def _warnings_tooltip(warnings: tuple[str, ...]) -> str:
    """The import's warnings about a document, as an escaped rich-text list (they may quote the file)."""
    if not warnings:
        return ""
    items = "".join(f"<li>{html.escape(w)}</li>" for w in warnings)
    return f"<b>Import warnings</b><ul>{items}</ul>"
