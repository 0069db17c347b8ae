"""Every annotation write the desktop app makes, with undo.

One controller per window owns a ``QUndoStack`` (Edit > Undo / Redo, Ctrl+Z / Ctrl+Shift+Z).
Writes run on the write lane, which runs tasks in order, so an undo queued right after a save
runs after it. A create or edit is pushed on the stack only once the database has committed
it: the editor stays open with the analyst's text until then, and if the save fails (disk
full, read-only archive) it stays open with the reason, so nothing typed is lost. A delete is
soft in the core (``deleted_at``), so undo restores the very same annotation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from ctviewer.domain.annotations import AnnotationChange, AnnotationRecord, LinkedEntity
from ctviewer.errors import KnownError
from ctviewer.ui.annotation_dialog import AnnotationDialog, AnnotationDraft
from ctviewer.ui.context import UiContext

if TYPE_CHECKING:
    from ctviewer.library import Library

Write = Callable[["Library"], AnnotationChange]
QUOTE_IN_LABEL = 40  # characters of the quote in "Undo Annotate “…”"


def short_quote(quote: str, limit: int = QUOTE_IN_LABEL) -> str:
    flat = " ".join(quote.split())
    return f"\u201c{flat if len(flat) <= limit else flat[: limit - 1] + '…'}\u201d"


def merge_changes(changes: Sequence[AnnotationChange]) -> AnnotationChange:
    return AnnotationChange(
        annotations=tuple(i for c in changes for i in c.annotations),
        documents=tuple(sorted({d for c in changes for d in c.documents})),
        deleted=tuple(i for c in changes for i in c.deleted),
        orphaned=tuple(i for c in changes for i in c.orphaned),
    )


class _WriteCommand(QUndoCommand):
    """An undoable write: ``forward`` and ``backward`` run on the write lane. ``done`` says the
    forward write already happened (a save the editor waited for), so pushing does not repeat it."""

    def __init__(
        self, controller: AnnotationController, text: str, forward: Write, backward: Write, *, done: bool
    ) -> None:
        super().__init__(text)
        self._controller = controller
        self._forward, self._backward = forward, backward
        self._skip_redo = done

    def redo(self) -> None:
        if self._skip_redo:
            self._skip_redo = False
            return
        self._controller.run(self._forward, f"Redo: {self.text()}")

    def undo(self) -> None:
        self._controller.run(self._backward, f"Undo: {self.text()}")


class AnnotationController(QObject):
    """Saves, edits, deletes and restores annotations; every change reaches the panes through
    ``ctx.events.annotations_changed``. ``message(text)``: a line for the status bar."""

    message = Signal(str)

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ctx = ctx
        self.undo_stack = QUndoStack(self)
        self.editor: AnnotationDialog | None = None  # the editor opened last (tests drive it)

    # -- writes the editor waits for -------------------------------------------------------------
    def create(
        self,
        doc_id: int,
        start: int,
        end: int,
        quote: str,
        draft: AnnotationDraft,
        *,
        on_saved: Callable[[int], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
    ) -> None:
        """Annotate ``[start, end)`` of ``doc_id``. ``on_saved(annotation_id)`` once committed,
        ``on_failed(reason)`` if the archive refused it (nothing was saved)."""

        def work(library: Library, _task: Any) -> AnnotationChange:
            return library.annotate(
                doc_id,
                start=start,
                end=end,
                note=draft.note,
                tags=draft.tags,
                color=draft.color,
                entities=draft.entities,
            )

        def saved(change: AnnotationChange) -> None:
            new_id = change.annotations[0]
            self.undo_stack.push(
                _WriteCommand(
                    self,
                    f"Annotate {short_quote(quote)}",
                    lambda library: library.restore_annotation(new_id),
                    lambda library: library.delete_annotation(new_id),
                    done=True,
                )
            )
            self._changed(change, "Annotation saved.")
            if on_saved is not None:
                on_saved(new_id)

        self._submit(work, "Saving an annotation", saved, on_failed)

    def edit(
        self,
        before: AnnotationRecord,
        draft: AnnotationDraft,
        *,
        on_saved: Callable[[int], None] | None = None,
        on_failed: Callable[[str], None] | None = None,
    ) -> None:
        """Change an annotation's note, tags, colour and links to ``draft`` (undo puts back ``before``)."""
        annotation_id = before.id
        old = AnnotationDraft(
            note=before.note, tags=before.tags, color=before.color, entities=tuple(e.id for e in before.entities)
        )

        def apply(values: AnnotationDraft) -> Write:
            return lambda library: library.edit_annotation(
                annotation_id, note=values.note, tags=values.tags, color=values.color, entities=values.entities
            )

        def saved(change: AnnotationChange) -> None:
            self.undo_stack.push(
                _WriteCommand(self, f"Edit {short_quote(before.quote)}", apply(draft), apply(old), done=True)
            )
            self._changed(change, "Annotation saved.")
            if on_saved is not None:
                on_saved(annotation_id)

        self._submit(lambda library, _task: apply(draft)(library), "Saving an annotation", saved, on_failed)

    # -- the editor -------------------------------------------------------------------------------
    def new_annotation(
        self, parent: QWidget, doc_id: int, start: int, end: int, *, quote: str, document_title: str
    ) -> AnnotationDialog:
        """Open the editor for ``[start, end)`` (the passage's entities ticked); it saves through
        :meth:`create` and closes once the annotation is committed."""
        suggestions = self._ctx.library.annotation_entity_suggestions(doc_id, start, end)
        dialog = AnnotationDialog(
            self._ctx, quote=quote, document_title=document_title, suggestions=suggestions, parent=parent
        )
        dialog.save_requested.connect(
            lambda draft: self.create(doc_id, start, end, quote, draft, on_saved=dialog.saved, on_failed=dialog.failed)
        )
        return self._show(dialog)

    def edit_annotation(self, parent: QWidget, record: AnnotationRecord) -> AnnotationDialog:
        """Open the editor on an existing annotation (Save edits it, Delete deletes it)."""
        suggestions: list[LinkedEntity] = []
        if record.document_id is not None and not record.orphaned:
            suggestions = self._ctx.library.annotation_entity_suggestions(record.document_id, record.start, record.end)
        title = record.document_title or "(document no longer in the archive)"
        dialog = AnnotationDialog(
            self._ctx, quote=record.quote, document_title=title, suggestions=suggestions, record=record, parent=parent
        )
        dialog.save_requested.connect(
            lambda draft: self.edit(record, draft, on_saved=dialog.saved, on_failed=dialog.failed)
        )
        dialog.delete_requested.connect(lambda annotation_id: self.delete([annotation_id]))
        return self._show(dialog)

    def highlight(self, doc_id: int, start: int, end: int, quote: str, color: str | None = None) -> None:
        """Save a highlight at once (no editor): the default colour, the passage's entities linked."""
        self.create(doc_id, start, end, quote, AnnotationDraft(color=color))

    def _show(self, dialog: AnnotationDialog) -> AnnotationDialog:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.editor = dialog
        dialog.open()  # window-modal, without a nested event loop
        return dialog

    # -- writes pushed at once ------------------------------------------------------------------
    def delete(self, ids: Sequence[int], label: str = "") -> None:
        """Soft-delete these annotations (Ctrl+Z restores them)."""
        ids = tuple(ids)
        if not ids:
            return

        def forward(library: Library) -> AnnotationChange:
            return merge_changes([library.delete_annotation(i) for i in ids])

        def backward(library: Library) -> AnnotationChange:
            return merge_changes([library.restore_annotation(i) for i in ids])

        text = label or (f"Delete {len(ids)} annotations" if len(ids) > 1 else "Delete annotation")
        self.undo_stack.push(_WriteCommand(self, text, forward, backward, done=False))

    def run(self, write: Write, description: str) -> None:
        """Run an undo or redo step; the outcome is reported on the status bar."""

        def failed(reason: str) -> None:
            self.message.emit(f"{description} failed: {reason}")

        self._submit(
            lambda library, _task: write(library),
            description,
            lambda change: self._changed(change, f"{description}."),
            failed,
        )

    # -- plumbing --------------------------------------------------------------------------------
    def _submit(
        self,
        work: Callable[[Library, Any], AnnotationChange],
        description: str,
        on_done: Callable[[AnnotationChange], None],
        on_failed: Callable[[str], None] | None,
    ) -> None:
        def error(exc: BaseException, details: str) -> None:
            if not isinstance(exc, KnownError):
                self._ctx.runner.report_error(exc, details)  # a bug: the crash dialog
                return
            if on_failed is not None:
                on_failed(str(exc))
            else:
                self.message.emit(str(exc))

        self._ctx.runner.submit("write", work, description=description, on_done=on_done, on_error=error)

    def _changed(self, change: AnnotationChange, text: str) -> None:
        self._ctx.events.annotations_changed.emit(change)
        self.message.emit(text)
