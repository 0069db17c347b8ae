"""The one Qt-free API that both the desktop app and the command line use.

Everything returns plain records from ``ctviewer.domain``; progress is reported through
``progress(done, total, message)`` callbacks and cancellation through ``cancelled()``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ctviewer.archive import Archive
from ctviewer.db import documents
from ctviewer.db import entities as entity_queries
from ctviewer.domain import CheckReport, DocumentRecord, DocumentSummary, EntityType, ImportReport, SearchResult
from ctviewer.entities_records import (
    Cooccurrence,
    DatedRole,
    DocumentMention,
    EntityChange,
    EntityDocument,
    EntityRecord,
    EntitySort,
    EntitySummary,
    ExtractionReport,
    MentionRecord,
    SuggestionRecord,
)
from ctviewer.errors import ArchiveBusyError, NotFoundError
from ctviewer.indexing import IndexSync
from ctviewer.settings import Settings

if TYPE_CHECKING:
    from ctviewer.entities import EntityService, MentionExtractor
    from ctviewer.importer import OutcomeSink

Progress = Callable[[int, int | None, str], None]
Cancelled = Callable[[], bool]


class Library:
    """An open archive with its index. Create with :meth:`open`, finish with :meth:`close`."""

    def __init__(self, archive: Archive, settings: Settings, *, extractor: MentionExtractor | None = None) -> None:
        self.archive = archive
        self.settings = settings
        # The entity layer fills the index's person/organisation/place fields.
        self.index = IndexSync(archive, fields=entity_queries.index_fields, writer_memory_mb=settings.writer_memory_mb)
        self._extractor = extractor
        self._entities: EntityService | None = None

    @classmethod
    def open(
        cls,
        root: Path,
        *,
        settings: Settings | None = None,
        read_only: bool = False,
        repair_index: bool = True,
        create: bool = True,
        extractor: MentionExtractor | None = None,
    ) -> Library:
        """Open (or create) the archive at ``root``; ``extractor`` replaces the spaCy one (tests)."""
        archive = Archive.open(root, read_only=read_only, create=create)
        library = cls(archive, settings or Settings(), extractor=extractor)
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

    # -- people, organisations and places --------------------------------------------------------
    @property
    def entity_service(self) -> EntityService:
        if self._entities is None:
            from ctviewer.entities import EntityService  # extraction code stays off quick commands

            self._entities = EntityService(self.archive, self.index, extractor=self._extractor)
        return self._entities

    def extract(
        self, *, all: bool = False, progress: Progress | None = None, cancelled: Cancelled | None = None
    ) -> ExtractionReport:
        """Extract entities from the documents still waiting for it, or (``all``) re-extract the
        whole archive with the analysts' corrections re-applied."""
        service = self.entity_service
        if all:
            return service.extract_all(progress, cancelled)
        return service.extract_pending(progress, cancelled)

    def pending_extraction(self) -> int:
        with self.archive.db.read() as session:
            return len(documents.pending_extraction(session))

    def entity_count(self, type_: EntityType | None = None) -> int:
        with self.archive.db.read() as session:
            return entity_queries.count_entities(session, type_)

    def entities(
        self,
        type_: EntityType | None = None,
        *,
        offset: int = 0,
        limit: int | None = None,
        sort: EntitySort = "name",
        descending: bool = False,
    ) -> list[EntitySummary]:
        with self.archive.db.read() as session:
            return entity_queries.list_entities(session, type_, offset=offset, limit=limit, sort=sort,
                                                descending=descending)

    def entity_records(self, ids: Sequence[int]) -> list[EntityRecord]:
        with self.archive.db.read() as session:
            return entity_queries.entity_records(session, ids)

    def entity(self, entity_id: int) -> EntityRecord:
        records = self.entity_records([entity_id])
        if not records:
            raise NotFoundError(f"No entity with id {entity_id}.")
        return records[0]

    def entity_documents(self, entity_id: int) -> list[EntityDocument]:
        self.entity(entity_id)
        with self.archive.db.read() as session:
            return entity_queries.entity_documents(session, entity_id)

    def entity_mentions(
        self, entity_id: int, *, document_id: int | None = None, offset: int = 0, limit: int | None = None
    ) -> list[MentionRecord]:
        self.entity(entity_id)
        with self.archive.db.read() as session:
            return entity_queries.entity_mentions(session, entity_id, document_id=document_id, offset=offset,
                                                  limit=limit)

    def document_mentions(self, doc_id: int) -> list[DocumentMention]:
        """The people, organisations and places of one document, as spans of its text."""
        with self.archive.db.read() as session:
            return entity_queries.document_mentions(session, doc_id)

    def mention_at(self, entity_id: int, document_id: int, start: int) -> int:
        """The id of an entity's mention given as document and start offset."""
        with self.archive.db.read() as session:
            found = entity_queries.mention_at(session, entity_id, document_id, start)
        if found is None:
            raise NotFoundError(f"Entity {entity_id} has no mention at {document_id}:{start}.")
        return found

    def roles_over_time(self, person_id: int) -> list[DatedRole]:
        self.entity(person_id)
        with self.archive.db.read() as session:
            return entity_queries.roles_over_time(session, person_id)

    def cooccurring(
        self, entity_id: int, *, scope: Literal["document", "sentence"] = "document", limit: int | None = 50
    ) -> list[Cooccurrence]:
        self.entity(entity_id)
        with self.archive.db.read() as session:
            return entity_queries.cooccurring(session, entity_id, scope=scope, limit=limit)

    def suggestions(self) -> list[SuggestionRecord]:
        with self.archive.db.read() as session:
            return entity_queries.suggestions(session)

    def merge(self, ids: Sequence[int]) -> EntityChange:
        return self.entity_service.merge(ids)

    def split(self, entity_id: int, mention_ids: Sequence[int], name: str | None = None) -> EntityChange:
        return self.entity_service.split(entity_id, mention_ids, name)

    def rename(self, entity_id: int, name: str) -> EntityChange:
        return self.entity_service.rename(entity_id, name)

    def retype(self, entity_id: int, type_: str) -> EntityChange:
        return self.entity_service.retype(entity_id, type_)

    def reject(self, entity_id: int) -> EntityChange:
        return self.entity_service.reject(entity_id)

    def alias(self, entity_id: int, name: str) -> EntityChange:
        return self.entity_service.alias(entity_id, name)

    def dismiss_suggestion(self, suggestion_id: int) -> EntityChange:
        return self.entity_service.dismiss_suggestion(suggestion_id)

    # -- maintenance --------------------------------------------------------------------------
    def reindex(self, *, progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
        with self.archive.writing():
            return self.index.rebuild(progress, cancelled)

    def index_segments(self) -> int:
        return self.index.segments()

    def optimize_index(self) -> None:
        """Merge the index's segments into one (after bulk imports: faster queries)."""
        with self.archive.writing():
            self.index.optimize()

    def check(self, *, repair: bool = False) -> CheckReport:
        from ctviewer.checks import check_archive

        return check_archive(self, repair=repair)

    def close(self) -> None:
        self.index.close()
        self.archive.close()
