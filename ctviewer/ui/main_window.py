"""The main window: wiring only. Browsing panes (documents, people, organisations, places,
search) in tabs on the left, the reader (or the welcome panel while the archive is empty) on the
right; menus, shortcuts, drag and drop imports, the status bar, and saved window state.

Opening another archive is the application's job (it owns the Library and the task runner):
the window only emits ``archive_chosen``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QMainWindow,
    QMenu,
    QSplitter,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ctviewer.domain.annotations import AnnotationImportReport, AnnotationRecord
from ctviewer.errors import KnownError
from ctviewer.paths import sample_archive_dir
from ctviewer.ui.annotation_controller import AnnotationController
from ctviewer.ui.annotation_exchange import (
    ANNOTATIONS_FILE_FILTER,
    AnnotationImportReportDialog,
    ExportAnnotationsDialog,
    export_to_file,
    import_from_file,
)
from ctviewer.ui.annotations_pane import AnnotationsPane
from ctviewer.ui.archive_safety import ArchiveSafety, NoticeBanner
from ctviewer.ui.context import UiContext, stop_archive_work
from ctviewer.ui.documents_pane import DocumentsPane
from ctviewer.ui.entities_pane import EntitiesPane
from ctviewer.ui.help_dialog import HelpDialog, about_html, query_syntax_html, shortcuts_html
from ctviewer.ui.icons import icon
from ctviewer.ui.import_controller import ImportController
from ctviewer.ui.import_report_dialog import ImportReportDialog
from ctviewer.ui.reader_pane import ReaderPane
from ctviewer.ui.search_pane import SearchPane
from ctviewer.ui.status_bar import ArchiveStatusBar
from ctviewer.ui.welcome import WelcomePane

# QSettings keys.
GEOMETRY, SPLITTER, TAB, RECENT = "window/geometry", "window/splitter", "window/tab", "archives/recent"
READER_SPLITTER, READER_SIDE_LIST = "reader/splitter", "reader/annotations"
LAST_ARCHIVE = "archives/last"
MAX_RECENT = 8
IMPORT_FILTER = "Documents (*.pdf *.docx *.html *.htm *.md *.markdown *.txt);;All files (*)"
TAB_DOCUMENTS, TAB_PEOPLE, TAB_ORGANISATIONS, TAB_PLACES, TAB_ANNOTATIONS, TAB_SEARCH = range(6)
ENTITY_TABS = {"person": TAB_PEOPLE, "organisation": TAB_ORGANISATIONS, "place": TAB_PLACES}


class MainWindow(QMainWindow):
    """``settings`` is where window state and recent archives live (tests pass a temporary one)."""

    archive_chosen = Signal(object, bool)  # folder, create-if-missing: the app opens it

    def __init__(
        self, ctx: UiContext, settings: QSettings, parent: QWidget | None = None, *, sample_root: Path | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings
        self._sample_root = sample_root or sample_archive_dir()
        self.setObjectName("mainWindow")
        self.setWindowTitle(f"ctviewer: {ctx.library.root}")
        self.setAcceptDrops(True)

        self.documents = DocumentsPane(ctx)
        self.people = EntitiesPane(ctx, "person")
        self.organisations = EntitiesPane(ctx, "organisation")
        self.places = EntitiesPane(ctx, "place")
        self.annotations = AnnotationsPane(ctx)
        self.search = SearchPane(ctx)
        self.tabs = QTabWidget()
        self.tabs.setObjectName("browseTabs")
        for pane, title, icon_name in (
            (self.documents, "&Documents", "documents"),
            (self.people, "&People", "person"),
            (self.organisations, "&Organisations", "organisation"),
            (self.places, "P&laces", "place"),
            (self.annotations, "&Annotations", "annotation"),
            (self.search, "&Search", "search"),
        ):
            self.tabs.addTab(pane, icon(icon_name), title)
        self.reader = ReaderPane(ctx)
        self.welcome = WelcomePane()
        self.right = QStackedWidget()
        self.right.addWidget(self.reader)
        self.right.addWidget(self.welcome)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.addWidget(self.tabs)
        self.splitter.addWidget(self.right)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.notice = NoticeBanner()
        central = QWidget()
        central_layout = QVBoxLayout(central)
        central_layout.setContentsMargins(0, 0, 0, 0)
        central_layout.setSpacing(0)
        central_layout.addWidget(self.notice)
        central_layout.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.imports = ImportController(ctx, self)
        self.annotation_controller = AnnotationController(ctx, self)
        self.last_annotation_import: AnnotationImportReportDialog | None = None  # (tests read it)
        self.status = ArchiveStatusBar(ctx, self)
        self.setStatusBar(self.status)
        self.safety = ArchiveSafety(ctx, self.status, self.notice, self)
        self._build_menus()
        self._connect()
        self.safety.damage_found.connect(lambda _message: self._apply_write_state())
        self.search.index_damaged.connect(self.safety.repair_index)
        self._apply_write_state()
        self._show_welcome_if_empty()
        self.restore_state()

    # -- menus ----------------------------------------------------------------------------------
    def _action(
        self,
        menu: QMenu,
        text: str,
        slot: object,
        shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
    ) -> QAction:
        action = menu.addAction(text)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        self._action(file, "&Open Archive…", self.choose_archive, QKeySequence.StandardKey.Open)
        self._action(file, "&New Archive…", self.choose_new_archive, QKeySequence.StandardKey.New)
        self.recent_menu = file.addMenu("&Recent Archives")
        self.recent_menu.aboutToShow.connect(self._fill_recent)
        file.addSeparator()
        import_files = self._action(file, "&Import Files…", self.choose_import_files, "Ctrl+I")
        import_files.setIcon(icon("import"))
        import_folder = self._action(file, "Import &Folder…", self.choose_import_folder, "Ctrl+Shift+I")
        self._action(file, "&Last Import Report…", self.show_last_import_report)
        file.addSeparator()
        self._action(file, "&Export Annotations…", self.choose_export_annotations)
        import_notes = self._action(file, "Import A&nnotations…", self.choose_import_annotations)
        file.addSeparator()
        self.backup_action = self._action(file, "&Back Up Now", self.safety.back_up_now)
        self.restore_action = self._action(file, "Restore from Bac&kup…", self.safety.choose_restore)
        file.addSeparator()
        # Actions that change the archive: off when it is read-only or found damaged.
        self.write_actions = [import_files, import_folder, import_notes, self.backup_action]
        self._action(file, "&Quit", self.close, QKeySequence.StandardKey.Quit)

        edit = bar.addMenu("&Edit")
        stack = self.annotation_controller.undo_stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = stack.createRedoAction(self, "&Redo")
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        edit.addAction(self.undo_action)
        edit.addAction(self.redo_action)
        edit.addSeparator()
        edit.addAction(self.reader.annotate_action)
        edit.addAction(self.reader.highlight_action)
        edit.addSeparator()
        self.find_action = self._action(edit, "&Find in Document", self.find_in_document, "Ctrl+F")
        self.next_hit_action = self._action(edit, "&Next Hit", self.reader.next_hit, "F3")
        self.previous_hit_action = self._action(edit, "&Previous Hit", self.reader.previous_hit, "Shift+F3")

        view = bar.addMenu("&View")
        self.search_action = self._action(view, "&Search", self.focus_search, "Ctrl+K")
        self.search_action.setIcon(icon("search"))
        view.addSeparator()
        for index, (title, key) in enumerate(
            (
                ("&Documents", "Ctrl+1"),
                ("&People", "Ctrl+2"),
                ("&Organisations", "Ctrl+3"),
                ("P&laces", "Ctrl+4"),
                ("&Annotations", "Ctrl+5"),
            )
        ):
            self._action(view, title, lambda _checked=False, i=index: self.show_tab(i), key)

        help_ = bar.addMenu("&Help")
        self._action(help_, "&Keyboard Shortcuts", lambda: self._help("Keyboard shortcuts", shortcuts_html()))
        self._action(help_, "&Query Syntax", lambda: self._help("Query syntax", query_syntax_html()))
        self._action(help_, "&About ctviewer", lambda: self._help("About ctviewer", about_html()))

    def _fill_recent(self) -> None:
        self.recent_menu.clear()
        for folder in self.recent_archives():
            action = self.recent_menu.addAction(folder.replace("&", "&&"))
            action.triggered.connect(lambda _checked=False, f=folder: self.archive_chosen.emit(Path(f), False))
        if self.recent_menu.isEmpty():
            self.recent_menu.addAction("(none)").setEnabled(False)

    def _help(self, title: str, html_text: str) -> None:
        HelpDialog(title, html_text, self).exec()

    # -- signals between panes ------------------------------------------------------------------
    def _connect(self) -> None:
        self.documents.document_activated.connect(lambda doc_id: self.open_document(doc_id))
        self.search.document_activated.connect(lambda doc_id, q: self.open_document(doc_id, query=q))
        for pane in (self.people, self.organisations, self.places):
            pane.document_activated.connect(lambda doc_id, pos: self.open_document(doc_id, position=pos))
            pane.entity_activated.connect(self.show_entity)
        self.reader.entity_activated.connect(self.show_entity)
        self.annotations.annotation_activated.connect(self.open_annotation)
        self.annotations.delete_requested.connect(self.delete_annotations)
        self.annotations.edit_requested.connect(self.edit_annotation)
        self.reader.annotate_requested.connect(self.annotate_selection)
        self.reader.annotation_edit_requested.connect(self.edit_annotation)
        self.reader.annotation_delete_requested.connect(self.delete_annotations)
        self.annotation_controller.message.connect(lambda text: self.status.showMessage(text, 5000))
        self.annotations.set_reader_selection(self._reader_selection)

        self.welcome.sample_activated.connect(self.build_sample)
        self.welcome.import_files_activated.connect(self.choose_import_files)
        self.welcome.import_folder_activated.connect(self.choose_import_folder)
        self.welcome.open_archive_activated.connect(self.choose_archive)

        self.imports.started.connect(lambda text: self.status.track(text, self.imports.cancel))
        self.imports.progressed.connect(self.status.set_progress)
        self.imports.progressed.connect(lambda _d, _n, message: self._welcome_busy(message))
        self.imports.finished.connect(self._task_ended)
        self.imports.sample_built.connect(self._sample_built)
        events = self.ctx.events
        events.documents_changed.connect(self._documents_changed)
        events.extraction_finished.connect(self.status.refresh_counts)

    def open_document(self, doc_id: int, *, position: int = -1, query: str = "") -> None:
        self.right.setCurrentWidget(self.reader)
        self.reader.open_document(doc_id, position=position, query=query)

    def open_annotation(self, record: AnnotationRecord) -> None:
        """Open an annotation's document in the reader at its passage."""
        if record.document_id is not None:
            self.right.setCurrentWidget(self.reader)
            self.reader.show_range(record.document_id, record.start, record.end)

    def _reader_selection(self) -> tuple[int, int, int] | None:
        """(document id, start, end) of the passage selected in the reader, for re-attaching."""
        doc_id, selected = self.reader.document_id, self.reader.selection_range()
        return (doc_id, *selected) if doc_id is not None and selected is not None else None

    def delete_annotations(self, ids: list[int]) -> None:
        """Delete (soft) on the write lane through the undo stack: Ctrl+Z restores them."""
        n = len(ids)
        self.annotation_controller.delete(ids, f"Delete {n} annotation{'s' * (n != 1)}")

    def annotate_selection(self, quick: bool = False) -> None:
        """Annotate the reader's selected passage: the editor, or (``quick``) a plain highlight."""
        passage = self.reader.selected_passage()
        if passage is None:
            return
        doc_id, start, end, quote = passage
        if quick:
            self.annotation_controller.highlight(doc_id, start, end, quote)
        else:
            self.annotation_controller.new_annotation(
                self, doc_id, start, end, quote=quote, document_title=self.reader.document_title
            )

    def edit_annotation(self, record: AnnotationRecord) -> None:
        try:  # the newest version: the row in a pane may be older than the last edit
            record = self.ctx.library.annotation(record.id)
        except KnownError as exc:
            self.status.showMessage(str(exc), 5000)
            return
        self.annotation_controller.edit_annotation(self, record)

    def show_entity(self, entity_id: int) -> None:
        """Route an entity to the pane of its type (it may have been merged or rejected meanwhile)."""
        try:
            type_ = self.ctx.library.entity(entity_id).type
        except KnownError as exc:
            self.status.showMessage(str(exc), 5000)
            return
        index = ENTITY_TABS.get(type_)
        if index is None:
            return
        self.tabs.setCurrentIndex(index)
        pane = self.tabs.widget(index)
        assert isinstance(pane, EntitiesPane)
        pane.show_entity(entity_id)

    def show_tab(self, index: int) -> None:
        self.tabs.setCurrentIndex(index)
        self.tabs.currentWidget().setFocus(Qt.FocusReason.ShortcutFocusReason)

    def focus_search(self) -> None:
        self.tabs.setCurrentWidget(self.search)
        self.search.focus_query()

    def find_in_document(self) -> None:
        if self.reader.document_id is not None:
            self.right.setCurrentWidget(self.reader)
            self.reader.show_find()

    # -- archive contents -----------------------------------------------------------------------
    def _show_welcome_if_empty(self) -> None:
        empty = self.ctx.library.document_count() == 0
        self.right.setCurrentWidget(self.welcome if empty else self.reader)

    def _documents_changed(self, _ids: list[int]) -> None:
        self.status.refresh_counts()
        if self.right.currentWidget() is self.welcome and self.ctx.library.document_count():
            self.right.setCurrentWidget(self.reader)

    def _welcome_busy(self, message: str) -> None:
        if self.right.currentWidget() is self.welcome:
            self.welcome.set_busy(message)

    def _task_ended(self, _result: object = None) -> None:
        self.status.untrack()
        self.status.refresh_counts()
        self.welcome.set_busy("")

    # -- imports and archives -------------------------------------------------------------------
    def import_paths(self, paths: list[Path]) -> bool:
        if self.imports.is_running:
            self.status.showMessage("An import is already running; wait for it or cancel it.", 5000)
            return False
        return self.imports.start(paths)

    def choose_import_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, "Import files", "", IMPORT_FILTER)
        if files:
            self.import_paths([Path(f) for f in files])

    def choose_import_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder (with its subfolders)")
        if folder:
            self.import_paths([Path(folder)])

    def show_last_import_report(self) -> None:
        library = self.ctx.library
        runs = library.import_runs(limit=50)
        if not runs:
            self.status.showMessage("No import has been run in this archive yet.", 5000)
            return
        dialog = ImportReportDialog(
            library.import_report(runs[0].id),
            self,
            runs=runs,
            load_run=lambda run_id: library.import_report(run_id),
        )
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()

    def choose_export_annotations(self) -> None:
        """Format and scope (the Annotations pane's filter or all), then a file name; written in the
        background, the outcome in the status bar."""
        pane_filter = self.annotations.current_filter()
        total = self.ctx.library.annotation_count()
        if total == 0:
            self.status.showMessage("There are no annotations to export yet.", 5000)
            return
        dialog = ExportAnnotationsDialog(
            filtered=self.ctx.library.annotation_count(pane_filter), total=total, parent=self
        )
        if dialog.exec() != ExportAnnotationsDialog.DialogCode.Accepted:
            return
        format, suffix, pattern = dialog.format
        name, _ = QFileDialog.getSaveFileName(self, "Export annotations", f"annotations{suffix}", pattern)
        if name:
            path = Path(name) if Path(name).suffix else Path(name + suffix)
            export_to_file(
                self.ctx,
                path,
                format,
                pane_filter if dialog.use_filter else None,
                lambda message: self.status.showMessage(message, 8000),
            )

    def choose_import_annotations(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self, "Import annotations (W3C Web Annotation JSON)", "", ANNOTATIONS_FILE_FILTER
        )
        if name:
            self.import_annotations(Path(name))

    def import_annotations(self, path: Path) -> None:
        def done(result: AnnotationImportReport | str) -> None:
            if isinstance(result, str):
                self.status.showMessage(result, 8000)
                return
            dialog = AnnotationImportReportDialog(result, path, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            dialog.show()
            self.last_annotation_import = dialog

        import_from_file(self.ctx, path, done)

    def build_sample(self) -> None:
        self.imports.build_sample(self._sample_root)

    def _sample_built(self, root: Path) -> None:
        self._task_ended()
        self.archive_chosen.emit(root, True)

    def choose_archive(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Open an archive folder")
        if folder:
            self.archive_chosen.emit(Path(folder), False)

    def choose_new_archive(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Choose an empty folder for the new archive")
        if folder:
            self.archive_chosen.emit(Path(folder), True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_paths(paths)

    # -- saved state ----------------------------------------------------------------------------
    def recent_archives(self) -> list[str]:
        value = self.settings.value(RECENT, [])
        # IniFormat gives a one-item list back as a plain string.
        items = [value] if isinstance(value, str) else list(value) if isinstance(value, list) else []
        return [str(v) for v in items if v]

    def restore_state(self) -> None:
        geometry = self.settings.value(GEOMETRY)
        if not (isinstance(geometry, QByteArray) and self.restoreGeometry(geometry)):
            self.resize(1280, 800)
        splitter = self.settings.value(SPLITTER)
        if not (isinstance(splitter, QByteArray) and self.splitter.restoreState(splitter)):
            left = self.width() * 3 // 5  # the entity panes' table and card need room too
            self.splitter.setSizes([left, self.width() - left])
        reader_split = self.settings.value(READER_SPLITTER)
        if not (isinstance(reader_split, QByteArray) and self.reader.text_split.restoreState(reader_split)):
            self.reader.text_split.setSizes([800, 220])
        side = self.settings.value(READER_SIDE_LIST, True)
        self.reader.side_button.setChecked(side not in (False, "false", "0", 0))
        tab = self.settings.value(TAB, TAB_DOCUMENTS)  # IniFormat gives str, native formats int
        index = int(tab) if isinstance(tab, int | str) and str(tab).isdigit() else TAB_DOCUMENTS
        if 0 <= index < self.tabs.count():
            self.tabs.setCurrentIndex(index)

    def save_state(self) -> None:
        root = str(self.ctx.library.root)
        recent = [root] + [r for r in self.recent_archives() if r != root]
        self.settings.setValue(GEOMETRY, self.saveGeometry())
        self.settings.setValue(SPLITTER, self.splitter.saveState())
        self.settings.setValue(TAB, self.tabs.currentIndex())
        self.settings.setValue(READER_SPLITTER, self.reader.text_split.saveState())
        self.settings.setValue(READER_SIDE_LIST, self.reader.side_button.isChecked())
        self.settings.setValue(LAST_ARCHIVE, root)
        self.settings.setValue(RECENT, recent[:MAX_RECENT])
        self.settings.sync()

    def _apply_write_state(self) -> None:
        """Switch off what would change an archive that is read-only or damaged."""
        writable = self.safety.writable
        for action in self.write_actions:
            action.setEnabled(writable)
        self.reader.set_annotating_allowed(writable)
        self.restore_action.setEnabled(not self.ctx.library.read_only)
        self.welcome.setEnabled(writable)

    def shut_down(self) -> None:
        """Nothing of this window runs once it closed or its archive was switched: its lane work
        ends (an import stops after the file being stored; what was imported stays) and every
        timer in it stops. Idempotent."""
        stop_archive_work(self.ctx, self)

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        self.shut_down()
        super().closeEvent(event)
