"""The documents table's Qt model: document ids in display order, rows fetched a page at a time.

Sorting and filtering are done by the core (``Library.document_ids``) on the read lane, so a
100,000-document archive never blocks the window; the model then holds just the id list and reads
rows (``Library.document_rows``) a page at a time (see :mod:`ctviewer.ui.lazy_table_model`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from PySide6.QtCore import QObject, Qt

from ctviewer.domain.documents import DocumentFilter, DocumentRow, DocumentSort
from ctviewer.ui.context import UiContext
from ctviewer.ui.lazy_table_model import IdsQuery, LazyIdTableModel

if TYPE_CHECKING:
    from ctviewer.library import Library


class DocumentTableModel(LazyIdTableModel[DocumentRow, DocumentFilter, DocumentSort]):
    """Columns: title, date, source file, type, pages, people, organisations, places, annotations."""

    TITLE, DATE, SOURCE, TYPE, PAGES, PEOPLE, ORGANISATIONS, PLACES, ANNOTATIONS = range(9)
    # Count columns carry short headers (the full name is the header's tooltip) so the title, the
    # column people read, keeps its room on the left of a laptop screen.
    HEADERS = ("Title", "Date", "Source", "Type", "Pages", "People", "Orgs", "Places", "Annotations")
    HEADER_TIPS = (
        "Title",
        "Date",
        "Source file",
        "File type",
        "Pages",
        "People mentioned",
        "Organisations mentioned",
        "Places mentioned",
        "Your annotations",
    )
    SORT_KEYS: ClassVar[Mapping[int, DocumentSort]] = {
        TITLE: "title",
        DATE: "date",
        SOURCE: "source",
        TYPE: "file_type",
        PAGES: "pages",
        PEOPLE: "people",
        ORGANISATIONS: "organisations",
        PLACES: "places",
        ANNOTATIONS: "annotations",
    }
    RIGHT_ALIGNED = frozenset(range(PAGES, ANNOTATIONS + 1))
    # No tooltips: titles are untrusted, and a tooltip would guess at rich text.
    LISTING = "Listing documents"

    def __init__(self, ctx: UiContext, parent: QObject | None = None) -> None:
        super().__init__(ctx.library, ctx.runner, sort="id", descending=False, filter=DocumentFilter(), parent=parent)

    def document_id(self, row: int) -> int | None:
        return self.id_at(row)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the core for the ids in this order, even the order already shown: the view's own
        sort when the pane enables sorting is what first fills the table."""
        self._sort, self._descending = self._sort_key(column), order == Qt.SortOrder.DescendingOrder
        self._request_ids()

    # -- the base's hooks ------------------------------------------------------------------------
    def _sort_key(self, column: int) -> DocumentSort:
        return self.SORT_KEYS.get(column, "id")  # no sort column: the archive's own order

    def _ids_query(self) -> IdsQuery:
        sort, descending, filter = self._sort, self._descending, self._filter

        def query(library: Library) -> list[int]:
            return library.document_ids(sort=sort, descending=descending, filter=filter)

        return query

    def _fetch_rows(self, ids: list[int]) -> Mapping[int, DocumentRow]:
        return self._library.document_rows(ids)

    def _cell(self, row: DocumentRow | None, column: int, role: int) -> Any:
        if row is None:  # deleted since the id list was read: blank until the next reload
            return None
        if column == self.TITLE:
            return row.title
        if column == self.DATE:
            return row.date or ""
        if column == self.SOURCE:
            return row.source
        if column == self.TYPE:
            return row.file_type.upper()
        if column == self.PAGES:
            return "" if row.pages is None else row.pages
        if column == self.PEOPLE:
            return row.people
        if column == self.ORGANISATIONS:
            return row.organisations
        if column == self.PLACES:
            return row.places
        if column == self.ANNOTATIONS:
            return row.annotations
        return None
