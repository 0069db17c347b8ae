"""The one Qt-free API that both the desktop app and the command line use.

Everything returns plain records from ``ctviewer.domain``; progress is reported through
``progress(done, total, message)`` callbacks and cancellation through ``cancelled()``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from ctviewer.archive import backups, recovery
from ctviewer.archive.folder import Archive
from ctviewer.archive.index_sync import IndexSync
from ctviewer.db import annotations as annotation_queries
from ctviewer.db import documents, entity_listing, listing, meta
from ctviewer.db import entities as entity_queries
from ctviewer.domain.annotations import (
    AnnotationChange,
    AnnotationFilter,
    AnnotationImportReport,
    AnnotationRecord,
    AnnotationSort,
    ColorRecord,
    LinkedEntity,
    ReextractReport,
    TagCount,
)
from ctviewer.domain.backups import BackupInfo, PendingRecovery, RestoreReport, SalvageOutcome
from ctviewer.domain.checks import CheckReport
from ctviewer.domain.documents import DocumentFilter, DocumentRecord, DocumentRow, DocumentSort, DocumentSummary
from ctviewer.domain.entities import (
    Cooccurrence,
    DatedRole,
    DocumentMention,
    EntityChange,
    EntityDocument,
    EntityRecord,
    EntitySort,
    EntitySummary,
    EntityType,
    ExtractionReport,
    MentionRecord,
    SuggestionRecord,
)
from ctviewer.domain.imports import ImportOutcome, ImportReport, ImportRunSummary
from ctviewer.domain.progress import Cancelled, Progress
from ctviewer.domain.search import SearchResult
from ctviewer.errors import ArchiveBusyError, ArchiveError, IndexDamaged, NotFoundError
from ctviewer.paths import ArchivePaths
from ctviewer.settings import Settings

if TYPE_CHECKING:
    from ctviewer.annotations.service import AnnotationService
    from ctviewer.entities.service import EntityService, MentionExtractor
    from ctviewer.importing.importer import OutcomeSink

ExportFormat = Literal["md", "csv", "w3c"]
# A document can name a query word tens of thousands of times; the reader only needs enough
# hits to navigate, and every extra one costs memory in the view.
MAX_HITS = 20_000


class Library:
    """An open archive with its index. Create with :meth:`open`, finish with :meth:`close`."""

    def __init__(self, archive: Archive, settings: Settings, *, extractor: MentionExtractor | None = None) -> None:
        self.archive = archive
        self.settings = settings
        # The entity layer fills the index's person/organisation/place fields; annotations add
        # notes, quotes, tags and the ``annotated`` mark.
        fields = annotation_queries.with_annotation_fields(entity_queries.index_fields)
        self.index = IndexSync(archive, fields=fields, writer_memory_mb=settings.writer_memory_mb)
        self._extractor = extractor
        self._entities: EntityService | None = None
        self._annotations: AnnotationService | None = None

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
        try:
            if repair_index and not archive.read_only:
                # Repair needs the writer lock; if another process is writing, it repairs instead.
                with suppress(ArchiveBusyError):
                    library.repair_index(wait=0)
        except BaseException:
            library.close()  # e.g. a damaged database found here: release the lock and files
            raise
        return library

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @property
    def root(self) -> Path:
        return self.archive.paths.root

    @property
    def read_only(self) -> bool:
        """The archive cannot be changed (an unwritable folder or medium): reading and searching only."""
        return self.archive.read_only

    # -- import -------------------------------------------------------------------------------
    def import_paths(
        self,
        paths: Sequence[Path],
        *,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        on_outcome: OutcomeSink | None = None,
        workers: int | None = None,
    ) -> ImportReport:
        """Import files and folders (see :mod:`ctviewer.importing.importer`); ``workers``: processes that
        read the files (default: the settings', one per CPU)."""
        with self.archive.writing():
            self.index.repair()
            from ctviewer.importing.importer import Importer  # the readers stay off quick commands' start-up

            report, _run = Importer(self.archive, self.index, self.settings).run(
                paths, progress=progress, cancelled=cancelled, on_outcome=on_outcome, workers=workers
            )
            # Annotations kept from a document that was removed come back with it (same sha256).
            new_ids = [o.document_id for o in report.of("imported") if o.document_id is not None]
            if new_ids:
                self.annotation_service.adopt(new_ids)
            self.archive.checkpoint()  # imports write the most WAL: trim it while no one else writes
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
        """Ranked hits with titles and dates; ``snippets=False`` reads no document text and leaves
        the snippets empty (ask :meth:`snippets` for the hits on screen)."""

        def texts(ids: Sequence[int]) -> dict[int, tuple[str, str | None, str]]:
            with self.archive.db.read() as session:
                return documents.texts_for(session, ids) if snippets else documents.titles_for(session, ids)

        with self._damage_marked():
            return self.index.index.search(query, limit=limit, texts=texts, facets=facets, snippets=snippets)

    def snippets(self, query: str, ids: Sequence[int]) -> dict[int, str]:
        """Highlighted snippets (escaped text, ``<mark>`` around matches) of these documents for
        ``query``; ids no longer in the archive are left out."""
        with self.archive.db.read() as session:
            data = documents.texts_for(session, ids)
        with self._damage_marked():
            return self.index.index.snippets(query, {doc_id: body for doc_id, (_t, _d, body) in data.items()})

    @contextmanager
    def _damage_marked(self) -> Iterator[None]:
        """A search that finds the index damaged marks it for a rebuild (the next open, or
        ``check --repair``, builds it afresh from the database) and says so."""
        try:
            yield
        except IndexDamaged as exc:
            if self.archive.read_only:
                raise
            with self.archive.db.write() as session:
                meta.put(session, meta.INDEX_REBUILD, "1")
            raise IndexDamaged(
                f"{exc}; it will be rebuilt from the database when the archive is next "
                "opened (or now: `ctviewer check --repair`)"
            ) from exc

    # -- browsing (the app's lazy tables hold ids in display order and read rows a page at a time) --
    def document_ids(
        self, *, sort: DocumentSort = "id", descending: bool = False, filter: DocumentFilter | None = None
    ) -> list[int]:
        """Ids of the documents passing ``filter``, in display order."""
        f = filter or DocumentFilter()
        with self.archive.db.read() as session:
            return listing.document_ids(
                session,
                sort=sort,
                descending=descending,
                text=f.text,
                file_types=f.file_types,
                date_from=f.date_from,
                date_to=f.date_to,
                annotated=f.annotated,
            )

    def document_rows(self, ids: Sequence[int]) -> dict[int, DocumentRow]:
        """Rows for ``ids`` (missing ids, e.g. deleted meanwhile, are absent from the result)."""
        with self.archive.db.read() as session:
            rows = listing.document_rows(session, ids)
        return {doc_id: DocumentRow(id=doc_id, **values) for doc_id, values in rows.items()}

    def file_types(self) -> list[str]:
        with self.archive.db.read() as session:
            return listing.file_types(session)

    def entity_ids(
        self, type_: EntityType | None = None, *, sort: EntitySort = "name", descending: bool = False, text: str = ""
    ) -> list[int]:
        """Ids of the entities of ``type_`` whose name or an alias contains ``text``, in display order."""
        with self.archive.db.read() as session:
            return entity_listing.entity_ids(session, type_, sort=sort, descending=descending, text=text)

    def annotation_ids(
        self, filter: AnnotationFilter | None = None, *, sort: AnnotationSort = "created", descending: bool = False
    ) -> list[int]:
        """Ids of the annotations passing ``filter``, in display order."""
        with self.archive.db.read() as session:
            return annotation_queries.list_ids(session, filter or AnnotationFilter(), sort=sort, descending=descending)

    def annotation_rows(self, ids: Sequence[int]) -> dict[int, AnnotationRecord]:
        """Records for ``ids`` (missing ids, e.g. purged meanwhile, are absent from the result)."""
        with self.archive.db.read() as session:
            return {r.id: r for r in annotation_queries.records(session, ids)}

    def annotated_documents(self) -> list[tuple[int, str, str | None]]:
        """(id, title, date) of the documents the analyst annotated (the Annotations pane's filter)."""
        with self.archive.db.read() as session:
            return listing.annotated_documents(session)

    def annotation_entities(self) -> list[tuple[int, str, str]]:
        """(id, name, type) of the entities linked to annotations (the Annotations pane's filter)."""
        with self.archive.db.read() as session:
            return listing.annotation_entities(session)

    def import_runs(self, limit: int = 100) -> list[ImportRunSummary]:
        """The latest import runs, newest first."""
        with self.archive.db.read() as session:
            runs = listing.import_runs(session, limit)
        return [
            ImportRunSummary(
                id=r["id"],
                started_at=r["started_at"],
                finished_at=r["finished_at"],
                cancelled=r["cancelled"],
                imported=r["counts"].get("imported", 0),
                duplicates=r["counts"].get("duplicate", 0),
                failed=r["counts"].get("failed", 0),
            )
            for r in runs
        ]

    def import_report(self, run_id: int) -> ImportReport:
        """The stored report of one import run (the same record an import returns)."""
        with self.archive.db.read() as session:
            items = listing.import_items(session, run_id)
            run = listing.import_run(session, run_id)
        outcomes = [
            ImportOutcome(
                path=item["path"],
                status=item["status"],
                document_id=item["document_id"],
                reason=item["reason"],
                warnings=item["warnings"],
            )
            for item in items
        ]
        return ImportReport(outcomes=tuple(outcomes), cancelled=bool(run and run["cancelled"]))

    def hit_spans(self, query: str, text: str, *, limit: int = MAX_HITS) -> list[tuple[int, int]]:
        """Character spans ``[start, end)`` of ``text`` holding words the query searches for, as the
        search matched them (prefix/fuzzy terms expanded the same way; excluded words are not hits).
        Raises :class:`~ctviewer.errors.QuerySyntaxError` for a query the search would refuse too."""
        # Imported here: Whoosh stays off the app's start-up path until the first search.
        from ctviewer.search.hits import hit_spans as find

        return find(self.index.index, query, text, limit=limit)

    # -- people, organisations and places --------------------------------------------------------
    @property
    def entity_service(self) -> EntityService:
        if self._entities is None:
            from ctviewer.entities.service import EntityService  # extraction code stays off quick commands

            self._entities = EntityService(
                self.archive, self.index, extractor=self._extractor, max_chars=self.settings.limits.max_extract_chars
            )
        return self._entities

    def extract(
        self, *, all: bool = False, progress: Progress | None = None, cancelled: Cancelled | None = None
    ) -> ExtractionReport:
        """Extract entities from the documents still waiting for it, or (``all``) re-extract the
        whole archive with the analysts' corrections re-applied."""
        service = self.entity_service
        try:
            if all:
                return service.extract_all(progress, cancelled)
            return service.extract_pending(progress, cancelled)
        finally:
            self.archive.checkpoint()

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
            return entity_queries.list_entities(
                session, type_, offset=offset, limit=limit, sort=sort, descending=descending
            )

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
            return entity_queries.entity_mentions(
                session, entity_id, document_id=document_id, offset=offset, limit=limit
            )

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

    # -- passage annotations --------------------------------------------------------------------
    @property
    def annotation_service(self) -> AnnotationService:
        if self._annotations is None:
            from ctviewer.annotations.service import AnnotationService

            self._annotations = AnnotationService(self.archive, self.index, self.settings)
        return self._annotations

    def annotate(
        self,
        doc_id: int,
        *,
        start: int | None = None,
        end: int | None = None,
        quote: str | None = None,
        occurrence: int | None = None,
        note: str = "",
        tags: Sequence[str] = (),
        color: str | None = None,
        entities: Sequence[int] | None = None,
    ) -> AnnotationChange:
        """Annotate a passage given as ``start``/``end`` or as a ``quote`` (``occurrence``: which one,
        1-based, when it occurs several times). One durable commit; ``entities=None`` links the
        entities mentioned inside the passage. Raises ``AnchorError`` (a KnownError) when the quote
        is not in the document or is ambiguous."""
        return self.annotation_service.create(
            doc_id,
            start=start,
            end=end,
            quote=quote,
            occurrence=occurrence,
            note=note,
            tags=tags,
            color=color,
            entities=entities,
        )

    def edit_annotation(
        self,
        annotation_id: int,
        *,
        note: str | None = None,
        tags: Sequence[str] | None = None,
        color: str | None = None,
        entities: Sequence[int] | None = None,
    ) -> AnnotationChange:
        return self.annotation_service.edit(annotation_id, note=note, tags=tags, color=color, entities=entities)

    def delete_annotation(self, annotation_id: int) -> AnnotationChange:
        """Soft delete (undo with :meth:`restore_annotation`)."""
        return self.annotation_service.delete(annotation_id)

    def restore_annotation(self, annotation_id: int) -> AnnotationChange:
        return self.annotation_service.restore(annotation_id)

    def reattach_annotation(self, annotation_id: int, start: int, end: int) -> AnnotationChange:
        """Anchor an orphaned annotation by hand on ``[start, end)`` of its document's text."""
        return self.annotation_service.reattach(annotation_id, start, end)

    def annotation(self, annotation_id: int) -> AnnotationRecord:
        return self.annotation_service.get(annotation_id)

    def annotations(
        self,
        filter: AnnotationFilter | None = None,
        *,
        sort: AnnotationSort = "created",
        descending: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[AnnotationRecord]:
        """Live annotations (``filter.deleted``: the deleted ones) matching ``filter``."""
        return self.annotation_service.list_annotations(
            filter, sort=sort, descending=descending, offset=offset, limit=limit
        )

    def annotation_count(self, filter: AnnotationFilter | None = None) -> int:
        with self.archive.db.read() as session:
            return annotation_queries.count(session, filter or AnnotationFilter())

    def document_annotations(self, doc_id: int) -> list[AnnotationRecord]:
        """One document's live annotations in text order (the reader's side list)."""
        return self.annotations(AnnotationFilter(document_id=doc_id), sort="document_date")

    def search_annotations(self, text: str, *, limit: int | None = None) -> list[AnnotationRecord]:
        """Annotations whose note or quote holds every word of ``text`` (case-insensitive substring
        match in SQLite: exact per annotation, unlike the index, which ranks documents)."""
        return self.annotations(AnnotationFilter(text=text), sort="created", descending=True, limit=limit)

    def annotation_entity_suggestions(self, doc_id: int, start: int, end: int) -> list[LinkedEntity]:
        """The entities mentioned inside ``[start, end)`` (to pre-fill an annotation's links)."""
        return self.annotation_service.suggest_entities(doc_id, start, end)

    def annotation_tags(self, prefix: str = "") -> list[TagCount]:
        with self.archive.db.read() as session:
            return annotation_queries.tag_counts(session, prefix)

    def annotation_colors(self) -> list[ColorRecord]:
        with self.archive.db.read() as session:
            return annotation_queries.colors(session)

    def rename_annotation_color(self, name: str, label: str) -> None:
        self.annotation_service.rename_color(name, label)

    def export_annotations(self, format: ExportFormat, filter: AnnotationFilter | None = None) -> str:
        """Markdown (briefings, by document), CSV, or W3C Web Annotation JSON-LD (exchange)."""
        from ctviewer.annotations import exchange

        records = self.annotations(filter, sort="document_date")
        if format == "w3c":
            return exchange.to_w3c(records)
        pages: dict[int, DocumentRecord] = {}

        def page_of(doc_id: int, offset: int) -> int | None:
            if doc_id not in pages:
                pages[doc_id] = self.document(doc_id)
            return pages[doc_id].page_at(offset)

        colors = self.annotation_colors()
        if format == "md":
            return exchange.to_markdown(records, colors, page_of)
        if format == "csv":
            return exchange.to_csv(records, colors, page_of)
        raise ValueError(f"unknown export format {format!r}")

    def import_annotations(self, data: bytes) -> AnnotationImportReport:
        """Import W3C Web Annotation JSON (as :meth:`export_annotations` writes it)."""
        return self.annotation_service.import_w3c(data)

    def reextract(self, doc_ids: Sequence[int] | None = None) -> ReextractReport:
        """Read the stored originals again with the current readers (all documents, or these);
        changed texts are replaced, their annotations re-anchored (never dropped: those not found
        are marked orphaned) and the documents wait for entity extraction again."""
        return self.annotation_service.reextract(doc_ids)

    def delete_documents(self, doc_ids: Sequence[int]) -> int:
        """Remove documents from the archive (a backup is taken first). Their annotations are
        kept and come back if the same file is imported again. Returns how many were deleted."""
        ids = list(dict.fromkeys(doc_ids))
        if not ids:
            return 0
        with self.archive.writing():
            with self.archive.db.read() as session:
                missing = set(ids) - documents.existing_ids(session, ids)
            if missing:
                raise NotFoundError(f"No document with id {min(missing)}.")
            self.archive.backup("before-delete")
            with self.index.dirty():
                with self.archive.db.write(durable=True) as session:
                    deleted = documents.delete_documents(session, ids)
                self.index.remove(ids)
            self.archive.checkpoint()
        return deleted

    def restore_lost_texts(self) -> tuple[list[int], list[int]]:
        """After a salvage: read lost texts back from the originals; documents with neither are
        removed (their annotations wait for a re-import). Returns (restored ids, removed ids)."""
        with self.archive.db.read() as session:
            lost = documents.without_text(session)
        if not lost:
            return [], []
        self.reextract(lost)
        with self.archive.db.read() as session:
            still = documents.without_text(session)
        if still:
            self.delete_documents(still)
        return [i for i in lost if i not in still], still

    # -- maintenance --------------------------------------------------------------------------
    def verify(self, *, thorough: bool = True) -> None:
        """Raise DamagedArchiveError when SQLite finds the database damaged (``thorough``:
        ``integrity_check``, else ``quick_check``; both read every page)."""
        self.archive.verify(thorough=thorough)

    def repair_index(
        self,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        *,
        wait: float | None = None,
        thorough: bool = False,
    ) -> str | None:
        """Bring the index back in step with the database when it is behind, damaged, or from
        another database; returns what was wrong (None: nothing was). The database is verified
        first: a damaged one must not drive the repair (it would purge the index of every
        document SQLite can no longer read). The repair takes the writer lock, waiting ``wait``
        seconds for another writer (None: the usual wait) before ArchiveBusyError. ``thorough``
        also reads every index file against its checksum (damage no read would report)."""
        if self.index.problem(thorough=thorough) is None:
            return None
        self.archive.verify()
        with self.archive.writing(timeout=2.0 if wait is None else wait):
            return self.index.repair(progress, cancelled, thorough=thorough)

    def reindex(self, *, progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
        with self.archive.writing():
            return self.index.rebuild(progress, cancelled)

    def index_segments(self) -> int:
        return self.index.segments()

    def optimize_index(self) -> None:
        """Merge the index's segments into one (after bulk imports: faster queries)."""
        with self.archive.writing():
            self.index.optimize()

    # -- backups --------------------------------------------------------------------------------
    def backup(self, reason: str = "manual") -> BackupInfo:
        """Back up the database now (online backup API) into the archive's backups/ folder."""
        return self.archive.backup(reason)

    def auto_backup(self) -> BackupInfo | None:
        """The periodic automatic backup: taken when due and changed, then rotated (else None)."""
        if self.archive.read_only:
            return None
        return backups.auto_backup(self.archive.paths)

    def backups(self) -> list[BackupInfo]:
        return backups.list_backups(self.archive.paths)

    def pending_recovery(self) -> PendingRecovery | None:
        """The restore or salvage not yet confirmed (automatic backups wait for it), if any."""
        return recovery.pending_recovery(self.archive.paths)

    def undo_backup(self, pending: PendingRecovery) -> BackupInfo | None:
        """The backup that undoes ``pending`` (the database as it was just before), if it still exists."""
        return recovery.undo_backup(self.archive.paths, pending)

    def confirm_recovery(self) -> PendingRecovery | None:
        """Accept the restored or salvaged database: automatic backups resume."""
        if self.archive.read_only:
            raise ArchiveError("This archive is open read-only; changes are disabled.")
        pending = self.pending_recovery()
        if pending is not None:
            with self.archive.writing(), self.archive.db.write() as session:
                meta.remove(session, meta.RECOVERY_PENDING)
        return pending

    def check(self, *, repair: bool = False) -> CheckReport:
        from ctviewer.archive.checks import check_archive

        return check_archive(self.archive, self.index, repair=repair)

    def close(self) -> None:
        self.index.close()
        self.archive.close()


# -- a closed archive ----------------------------------------------------------------------------
# Restore and salvage replace the database, and its backups are listed without opening it (it may
# be damaged), so these work on an archive folder no Library holds open.
def restore_archive(root: Path, backup_name: str | None = None) -> RestoreReport:
    """Put back the backup called ``backup_name`` (default: the newest good one); the index is
    rebuilt at the next open (:meth:`Library.repair_index`)."""
    return recovery.restore_archive(root, backup_name)


def salvage_archive(root: Path) -> SalvageOutcome:
    """Copy every readable row of a damaged database into a new one that takes its place."""
    return recovery.salvage_archive(root)


def archive_backups(root: Path) -> list[BackupInfo]:
    """The backups of the archive at ``root``, newest first."""
    return backups.list_backups(_existing_paths(root))


def latest_good_backup(root: Path) -> BackupInfo | None:
    """The newest backup of the archive at ``root`` that passes an integrity check."""
    return backups.latest_good_backup(ArchivePaths(root))


def backups_folder(root: Path) -> Path:
    return backups.backups_dir(ArchivePaths(root))


def backups_paused(root: Path) -> bool:
    """True while automatic backups wait for the analyst to confirm a restore or salvage."""
    return backups.paused(_existing_paths(root))


def _existing_paths(root: Path) -> ArchivePaths:
    paths = ArchivePaths(root)
    if not paths.root.is_dir():
        raise ArchiveError(f"No archive at {paths.root}.")
    return paths
