"""The one Qt-free API that both the desktop app and the command line use.

Everything returns plain records from ``ctviewer.domain``; progress is reported through
``progress(done, total, message)`` callbacks and cancellation through ``cancelled()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ctviewer.archive import Archive
from ctviewer.db import documents
from ctviewer.domain import CheckReport, DocumentRecord, DocumentSummary, ImportReport, SearchResult
from ctviewer.errors import ArchiveBusyError, NotFoundError
from ctviewer.indexing import IndexSync
from ctviewer.settings import Settings

if TYPE_CHECKING:
    from ctviewer.importer import OutcomeSink

Progress = Callable[[int, int | None, str], None]
Cancelled = Callable[[], bool]


class Library:
    """An open archive with its index. Create with :meth:`open`, finish with :meth:`close`."""

    def __init__(self, archive: Archive, settings: Settings) -> None:
        self.archive = archive
        self.settings = settings
        self.index = IndexSync(archive, writer_memory_mb=settings.writer_memory_mb)

    @classmethod
    def open(
        cls,
        root: Path,
        *,
        settings: Settings | None = None,
        read_only: bool = False,
        repair_index: bool = True,
        create: bool = True,
    ) -> Library:
        archive = Archive.open(root, read_only=read_only, create=create)
        library = cls(archive, settings or Settings())
        if repair_index and not archive.read_only and library.index.problem() is not None:
            # Repair needs the writer lock; if another process is writing, it repairs instead.
            try:
                with archive.writing(timeout=0):
                    library.index.repair()
            except ArchiveBusyError:
                pass
        return library

    @property
    def root(self) -> Path:
        return self.archive.paths.root

    # -- import -------------------------------------------------------------------------------
    def import_paths(
        self,
        paths: Sequence[Path],
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        on_outcome: OutcomeSink | None = None,
    ) -> ImportReport:
        with self.archive.writing():
            self.index.repair()
            from ctviewer.importer import Importer  # the readers stay off quick commands' start-up

            report, _run = Importer(self.archive, self.index, self.settings).run(
                paths, progress=progress, cancelled=cancelled, on_outcome=on_outcome
            )
        return report

    # -- reading ------------------------------------------------------------------------------
    def document_count(self) -> int:
        with self.archive.db.read() as session:
            return documents.count(session)

    def documents(
        self, *, offset: int = 0, limit: int | None = None, sort: documents.SortKey = "id", descending: bool = False
    ) -> list[DocumentSummary]:
        with self.archive.db.read() as session:
            return documents.list_summaries(session, offset=offset, limit=limit, sort=sort, descending=descending)

    def document(self, doc_id: int) -> DocumentRecord:
        with self.archive.db.read() as session:
            record = documents.get_record(session, doc_id)
        if record is None:
            raise NotFoundError(f"No document with id {doc_id}.")
        return record

    def original_path(self, doc_id: int) -> Path:
        summary = self.document(doc_id).summary
        return self.archive.originals.path_for(summary.sha256, Path(summary.source_path).suffix)

    # -- search -------------------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 20, facets: bool = False, snippets: bool = True) -> SearchResult:
        def texts(ids: Sequence[int]) -> dict[int, tuple[str, str | None, str]]:
            with self.archive.db.read() as session:
                return documents.texts_for(session, ids)

        return self.index.index.search(query, limit=limit, texts=texts, facets=facets, snippets=snippets)

    # -- maintenance --------------------------------------------------------------------------
    def reindex(self, *, progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
        with self.archive.writing():
            return self.index.rebuild(progress, cancelled)

    def check(self, *, repair: bool = False) -> CheckReport:
        from ctviewer.checks import check_archive

        return check_archive(self, repair=repair)

    def close(self) -> None:
        self.index.close()
        self.archive.close()
