"""The search pane: a query field, results with highlighted snippets, and facet counts.

Searches run on the runner's ``read`` lane, never on the GUI thread. Keystrokes are debounced
(``DEBOUNCE_MS``); each new query cancels the previous task and bumps a generation counter,
and results of any older generation are dropped, so the list only ever shows the last query.
Query mistakes (the core's ``KnownError``) come back as a plain message, never a traceback.

Results come in two steps, so they are on screen quickly: the search returns ids, titles,
dates, scores and facets without reading any document's text; then the snippets of the rows
on screen (and a few just below) are fetched by a second read-lane task, again whenever the
list scrolls or grows. A new query cancels that task too and drops its answer.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.search import SearchResult
from ctviewer.errors import IndexDamaged, KnownError
from ctviewer.ui import query_syntax
from ctviewer.ui.facets_view import FacetsPane
from ctviewer.ui.search_model import SearchResultListModel
from ctviewer.ui.snippet_delegate import SnippetDelegate

if TYPE_CHECKING:
    from ctviewer.library import Library
    from ctviewer.ui.context import UiContext
    from ctviewer.ui.tasks import Task, TaskContext

DEBOUNCE_MS = 200

EXAMPLES: tuple[str, ...] = (
    "person:voronkov",
    '"Joint Plan of Action"',
    "extrem* date:[2019 TO 2021]",
    "Syria OR Iraq",
)


def syntax_help_html() -> str:
    """The "?" popup: the query syntax table (ui/query_syntax.py), compact."""
    return f"<b>Query syntax</b><table cellspacing='4'>{query_syntax.rows_html()}</table>{query_syntax.note_html()}"


@dataclass(frozen=True)
class SearchOutcome:
    """What a background search hands back to the GUI thread."""

    query: str
    result: SearchResult | None
    file_types: dict[int, str] = field(default_factory=dict)
    elapsed_ms: int = 0
    error: str | None = None
    index_damaged: bool = False  # the error is the index's damage (a rebuild is due)


def run_search(library: Library, query: str, limit: int, facets: bool) -> SearchOutcome:
    """Search in a lane's thread (no snippets: see :func:`run_snippets`); query mistakes come
    back as ``error``, bugs are raised."""
    started = time.perf_counter()
    try:
        result = library.search(query, limit=limit, facets=facets, snippets=False)
    except IndexDamaged as exc:
        return SearchOutcome(query, None, error=str(exc), index_damaged=True)
    except KnownError as exc:
        return SearchOutcome(query, None, error=str(exc))
    rows = library.document_rows([hit.id for hit in result.hits])
    elapsed = int((time.perf_counter() - started) * 1000)
    return SearchOutcome(query, result, {i: r.file_type for i, r in rows.items()}, elapsed)


def run_snippets(library: Library, query: str, ids: list[int]) -> dict[int, str]:
    """Snippets of these hits in a lane's thread; every id gets one (empty when the document is
    gone or the query can no longer be parsed), so no row waits for ever."""
    try:
        found = library.snippets(query, ids)
    except KnownError:
        found = {}
    return {doc_id: found.get(doc_id, "") for doc_id in ids}


class _LinkButton(QPushButton):
    """A flat button drawn in the palette's link colour (light and dark themes alike)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        font = self.font()
        font.setUnderline(True)
        self.setFont(font)
        self._follow_link_colour()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._follow_link_colour()

    def _follow_link_colour(self) -> None:
        palette = self.palette()
        link = palette.color(QPalette.ColorRole.Link)
        if palette.color(QPalette.ColorRole.ButtonText) != link:  # also ends the PaletteChange loop
            palette.setColor(QPalette.ColorRole.ButtonText, link)
            self.setPalette(palette)


class _SyntaxHelpPopup(QFrame):
    """The query syntax table in a popup under the "?" button (closes on click outside or Esc)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Popup)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.label = QLabel(syntax_help_html())
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.label)

    def fit(self, width: int = 620) -> None:
        """Size to show the whole table (a wrapped label's height depends on its width)."""
        margins = self._layout.contentsMargins()
        inner = width - margins.left() - margins.right()
        # heightForWidth comes up a line short on rich-text tables: one line of slack.
        height = self.label.heightForWidth(inner) + self.fontMetrics().height()
        self.resize(width, height + margins.top() + margins.bottom())


class SearchPane(QWidget):
    """Query field + results + facets. ``document_activated(doc id, query)`` opens a result."""

    document_activated = Signal(int, str)
    search_finished = Signal(str, int)  # the query whose results are now shown, and its total
    index_damaged = Signal()  # a search found the index damaged: the window rebuilds it

    PAGE_SIZE = 100
    SNIPPETS_AHEAD = 4  # rows below the visible ones whose snippets are fetched too

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self._generation = 0
        self._task: Task | None = None
        self._snippet_tasks: list[Task] = []  # queued or running, of this generation
        self._requested: set[int] = set()  # ids whose snippets were asked for (this generation)
        self._shown_query = ""

        self.query_edit = QLineEdit()
        self.query_edit.setPlaceholderText("Search the archive (Ctrl+K), e.g. person:voronkov date:2022")
        self.query_edit.setClearButtonEnabled(True)
        self.query_edit.setAccessibleName("Search query")
        self.query_edit.textEdited.connect(self._on_text_edited)
        self.query_edit.returnPressed.connect(self.run_now)
        self.query_edit.installEventFilter(self)
        self.help_button = QToolButton()
        self.help_button.setText("?")
        self.help_button.setToolTip("Query syntax (F1)")
        self.help_button.setAccessibleName("Query syntax help")
        self.help_button.clicked.connect(self.show_syntax_help)
        self._help_popup: _SyntaxHelpPopup | None = None

        self.status_label = QLabel()
        self.status_label.setTextFormat(Qt.TextFormat.PlainText)  # error messages quote the query
        self.suggestion_button = _LinkButton()
        self.suggestion_button.setVisible(False)
        self.suggestion_button.clicked.connect(self._on_suggestion_clicked)
        self._suggestion = ""

        self.model = SearchResultListModel(self)
        self.results_view = QListView()
        self.results_view.setModel(self.model)
        self.results_view.setItemDelegate(SnippetDelegate(self.results_view))
        self.results_view.setResizeMode(QListView.ResizeMode.Adjust)  # rows re-wrap on resize
        # Rows wrap to the width: never a horizontal scroll bar (one showed while the vertical
        # bar appeared after rows had been laid out a little wider).
        self.results_view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.results_view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.results_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.results_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.results_view.setAlternatingRowColors(True)
        self.results_view.setAccessibleName("Search results")
        self.results_view.activated.connect(self._on_result_activated)
        # Snippets follow what is on screen: after a scroll, a resize or new rows (batched by a
        # zero-delay timer, so one layout pass asks once).
        self._snippet_timer = QTimer(self)
        self._snippet_timer.setSingleShot(True)
        self._snippet_timer.setInterval(0)
        self._snippet_timer.timeout.connect(self.fetch_visible_snippets)
        self.results_view.verticalScrollBar().valueChanged.connect(self._schedule_snippets)
        self.model.rowsInserted.connect(self._schedule_snippets)
        self.model.modelReset.connect(self._schedule_snippets)
        self.results_view.viewport().installEventFilter(self)
        self.more_button = QPushButton(f"Show {self.PAGE_SIZE} more results")
        self.more_button.setVisible(False)
        self.more_button.clicked.connect(self.fetch_more)

        self.empty_label = QLabel(self._empty_html())
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)  # static text only
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.empty_label.setOpenExternalLinks(False)
        self.empty_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse | Qt.TextInteractionFlag.LinksAccessibleByKeyboard
        )
        self.empty_label.linkActivated.connect(self._on_example_clicked)
        self.no_results_label = QLabel()
        self.no_results_label.setTextFormat(Qt.TextFormat.PlainText)
        self.no_results_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_results_label.setWordWrap(True)

        results_page = QWidget()
        results_layout = QVBoxLayout(results_page)
        results_layout.setContentsMargins(0, 0, 0, 0)
        results_layout.addWidget(self.results_view, 1)
        results_layout.addWidget(self.more_button)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(results_page)
        self.stack.addWidget(self.no_results_label)

        self.facets = FacetsPane()
        self.facets.query_edited.connect(self.set_query)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.stack)
        splitter.addWidget(self.facets)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([800, 280])
        splitter.setChildrenCollapsible(False)
        self.splitter = splitter
        self._facets_sized_by_user = False  # once the user drags the splitter, it stays theirs
        splitter.splitterMoved.connect(self._on_splitter_moved)

        query_row = QHBoxLayout()
        query_row.addWidget(self.query_edit, 1)
        query_row.addWidget(self.help_button)
        status_row = QHBoxLayout()
        status_row.addWidget(self.status_label)
        status_row.addWidget(self.suggestion_button)
        status_row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(query_row)
        layout.addLayout(status_row)
        layout.addWidget(splitter, 1)
        for first, second in (
            (self.query_edit, self.help_button),
            (self.help_button, self.suggestion_button),
            (self.suggestion_button, self.results_view),
            (self.results_view, self.more_button),
            (self.more_button, self.facets.tree),
        ):
            QWidget.setTabOrder(first, second)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(DEBOUNCE_MS)
        self._debounce.timeout.connect(self.run_now)
        help_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F1), self)
        help_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        help_shortcut.activated.connect(self.show_syntax_help)

        # Results may change when documents or entities do: search again (debounced).
        ctx.events.documents_changed.connect(self._on_archive_changed)
        ctx.events.entities_changed.connect(self._on_archive_changed)
        ctx.events.extraction_finished.connect(self._on_archive_changed)
        self._show_empty()

    # -- public API -----------------------------------------------------------------------
    def focus_query(self) -> None:
        """Ctrl+K: put the cursor in the query field with its text selected."""
        self.query_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.query_edit.selectAll()

    def set_query(self, text: str) -> None:
        """Show ``text`` in the query field and search for it at once."""
        self.query_edit.setText(text)
        self.run_now()

    @property
    def query(self) -> str:
        """The query of the results on show (which the field may have moved on from)."""
        return self._shown_query

    def run_now(self) -> None:
        """Search for the field's text now (Enter, or the end of the debounce)."""
        self._debounce.stop()
        query = self.query_edit.text().strip()
        generation = self._start()
        if not query:
            self._show_empty()
            return
        self.status_label.setText("Searching…")
        self._task = self._ctx.runner.submit(
            "read",
            lambda library, _ctx: run_search(library, query, self.PAGE_SIZE, True),
            description=f"search: {query}",
            on_done=lambda out: self._on_results(generation, out),
        )

    def fetch_more(self) -> None:
        """Append the next page of results of the query on show."""
        if not self._shown_query or not self.model.has_more():
            return
        query, shown = self._shown_query, self.model.rowCount()
        generation = self._start()
        self.more_button.setEnabled(False)
        self.status_label.setText("Searching…")

        def more(library: Library, _ctx: TaskContext) -> SearchOutcome:
            return run_search(library, query, shown + self.PAGE_SIZE, False)

        self._task = self._ctx.runner.submit(
            "read",
            more,
            description=f"more results: {query}",
            on_done=lambda out: self._on_more(generation, shown, out),
        )

    def visible_rows(self) -> range:
        """Rows of the results list on screen (empty when the list is not shown)."""
        view = self.results_view
        count = self.model.rowCount()
        if not count or not view.isVisible():
            return range(0)
        area = view.viewport().rect()
        first = view.indexAt(area.topLeft() + QPoint(1, 1))
        last = view.indexAt(area.bottomLeft() + QPoint(1, -1))
        start = first.row() if first.isValid() else 0
        stop = last.row() + 1 if last.isValid() else count
        return range(start, max(start, stop))

    def snippets_pending(self) -> bool:
        """Whether a snippet request is queued or running."""
        return bool(self._snippet_tasks)

    def _schedule_snippets(self, *_args: object) -> None:
        # Not ``timer.start`` connected directly: given a signal's int, it would take it as the delay.
        self._snippet_timer.start()

    def fetch_visible_snippets(self) -> None:
        """Ask the read lane for the snippets of the rows on screen (and a few below) that
        have none yet. Results of an older query are dropped when they arrive."""
        self._snippet_timer.stop()
        if not self._shown_query:
            return
        shown = self.visible_rows()
        if not shown:
            return
        wanted = range(shown.start, min(self.model.rowCount(), shown.stop + self.SNIPPETS_AHEAD))
        ids = [i for i in self.model.missing_snippets(wanted) if i not in self._requested]
        if not ids:
            return
        self._requested.update(ids)
        query, generation = self._shown_query, self._generation

        def work(library: Library, _ctx: TaskContext) -> dict[int, str]:
            return run_snippets(library, query, ids)

        def done(snippets: dict[int, str]) -> None:
            if generation != self._generation:
                return  # a newer query replaced the rows these were for
            self.model.set_snippets(snippets)
            self._schedule_snippets()  # rows may have moved meanwhile (new heights, scrolling)

        def finished() -> None:  # after done, or after a failure (reported by the runner)
            if task in self._snippet_tasks:
                self._snippet_tasks.remove(task)

        task = self._ctx.runner.submit(
            "read", work, description=f"snippets: {query}", on_done=done, on_finished=finished
        )
        self._snippet_tasks.append(task)

    def show_syntax_help(self) -> None:
        if self._help_popup is None:
            self._help_popup = _SyntaxHelpPopup(self)
        self._help_popup.fit()
        self._help_popup.move(
            self.help_button.mapToGlobal(QPoint(self.help_button.width(), self.help_button.height()))
            - QPoint(self._help_popup.width(), 0)
        )
        self._help_popup.show()

    # -- running --------------------------------------------------------------------------
    def _start(self) -> int:
        """A new generation: whatever is running or queued is cancelled and its results dropped."""
        if self._task is not None:
            self._task.cancel()
            self._task = None
        for task in self._snippet_tasks:
            task.cancel()
        self._snippet_tasks.clear()
        self._requested.clear()
        self._generation += 1
        return self._generation

    def _on_text_edited(self, _text: str) -> None:
        self._debounce.start()

    def _on_archive_changed(self, *_args: object) -> None:
        if self._shown_query or self.query_edit.text().strip():
            self._debounce.start()

    def _on_results(self, generation: int, outcome: SearchOutcome) -> None:
        if generation != self._generation:
            return  # a newer query was typed meanwhile
        self._task = None
        self._show_suggestion(None)
        if outcome.error is not None or outcome.result is None:
            self._shown_query = ""
            self.model.clear()
            self.facets.clear()
            self.facets.setVisible(False)
            if outcome.index_damaged:
                self.status_label.setText("The search index is damaged")
                self.no_results_label.setText(
                    "Can't search: the search index is damaged. It is being rebuilt from the archive's "
                    "database (progress in the status bar); search again when it is done."
                )
                self.index_damaged.emit()
            else:
                self.status_label.setText("The query has a problem")  # the message itself wraps below
                self.no_results_label.setText(
                    f"Can't search: {outcome.error or 'unknown problem'}.\n\n"
                    "Fix the query to search. Press F1 or \u201c?\u201d for the syntax."
                )
            self.stack.setCurrentWidget(self.no_results_label)
            self.more_button.setVisible(False)
            self.search_finished.emit(outcome.query, 0)
            return
        result = outcome.result
        keep = self._current_doc_id() if outcome.query == self._shown_query else None
        self._shown_query = outcome.query
        self.model.set_hits(result.hits, outcome.file_types, result.total)
        self.facets.set_facets(outcome.query, result.facets)
        self.facets.setVisible(self.facets.has_content())
        self._fit_facets()
        self._show_status(outcome.elapsed_ms)
        self._show_suggestion(result.suggestion)
        if self.model.rowCount():
            self.stack.setCurrentIndex(1)
            self._select_doc(keep)
        else:
            self.no_results_label.setText(f"No documents match \u201c{outcome.query}\u201d.")
            self.stack.setCurrentWidget(self.no_results_label)
        self.search_finished.emit(outcome.query, result.total)

    def _on_more(self, generation: int, shown: int, outcome: SearchOutcome) -> None:
        if generation != self._generation:
            return
        self._task = None
        self.more_button.setEnabled(True)
        if outcome.result is None:
            self.status_label.setText(f"Can't load more results: {outcome.error or 'unknown problem'}.")
            return
        self.model.append_hits(outcome.result.hits[shown:], outcome.file_types, outcome.result.total)
        self._show_status(outcome.elapsed_ms)

    def _on_splitter_moved(self, *_args: object) -> None:
        self._facets_sized_by_user = True

    def _fit_facets(self) -> None:
        """Widen the facets column to show its values whole (at most 40% of the pane, and never
        against a width the user chose by dragging the splitter)."""
        if self._facets_sized_by_user or not self.facets.isVisible():
            return
        total = sum(self.splitter.sizes())
        wanted = min(self.facets.preferred_width(), int(total * 0.4))
        if total and self.splitter.sizes()[1] < wanted:
            self.splitter.setSizes([total - wanted, wanted])

    def _show_status(self, elapsed_ms: int) -> None:
        total, shown = self.model.total, self.model.rowCount()
        noun = "document" if total == 1 else "documents"
        count = f"{total:,} {noun}" if shown >= total else f"Showing {shown:,} of {total:,} {noun}"
        self.status_label.setText(f"{count} \u00b7 {elapsed_ms:,} ms")
        self.more_button.setVisible(self.model.has_more())
        self.more_button.setText(f"Show {min(self.PAGE_SIZE, total - shown):,} more results")

    def _show_suggestion(self, suggestion: str | None) -> None:
        self._suggestion = suggestion or ""
        # A button's "&" marks a keyboard accelerator: double it to show it.
        self.suggestion_button.setText(f"Did you mean: {self._suggestion.replace('&', '&&')}?")
        self.suggestion_button.setVisible(bool(suggestion))

    def _show_empty(self) -> None:
        self._shown_query = ""
        self.model.clear()
        self.facets.clear()
        self.facets.setVisible(False)
        self._show_suggestion(None)
        self.more_button.setVisible(False)
        self.status_label.setText("")
        self.stack.setCurrentWidget(self.empty_label)

    @staticmethod
    def _empty_html() -> str:
        links = "<br>".join(f'<a href="example:{i}"><code>{html.escape(q)}</code></a>' for i, q in enumerate(EXAMPLES))
        return (
            "<p>Type a query above to search every document.</p>"
            f"<p>For example:<br>{links}</p>"
            "<p>Press F1 or \u201c?\u201d for the full syntax.</p>"
        )

    # -- user actions ---------------------------------------------------------------------
    def _on_example_clicked(self, link: str) -> None:
        if link.startswith("example:"):
            self.set_query(EXAMPLES[int(link.split(":", 1)[1])])

    def _on_suggestion_clicked(self) -> None:
        if self._suggestion:
            self.set_query(self._suggestion)

    def _on_result_activated(self, index: QModelIndex) -> None:
        doc_id = self.model.doc_id(index)
        if doc_id is not None:
            self.document_activated.emit(doc_id, self._shown_query)

    def _current_doc_id(self) -> int | None:
        return self.model.doc_id(self.results_view.currentIndex())

    def _select_doc(self, doc_id: int | None) -> None:
        if doc_id is None:
            return
        for row in range(self.model.rowCount()):
            if self.model.row_at(row).id == doc_id:
                self.results_view.setCurrentIndex(self.model.index(row, 0))
                return

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.results_view.viewport() and event.type() in (QEvent.Type.Resize, QEvent.Type.Show):
            self._schedule_snippets()  # more (or other) rows may be on screen now
            return False
        # Down arrow in the query field moves into the results (then arrows move in the list).
        if (
            watched is self.query_edit
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount()
        ):
            self.results_view.setFocus(Qt.FocusReason.TabFocusReason)
            if not self.results_view.currentIndex().isValid():
                self.results_view.setCurrentIndex(self.model.index(0, 0))
            return True
        return super().eventFilter(watched, event)
