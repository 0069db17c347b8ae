"""Passage annotations: create, edit, delete/restore, re-anchor, list, and re-extract documents.

Every write is ONE durable transaction (``db.write(durable=True)``: ``synchronous=FULL``, so an
annotation the UI showed as saved survives a power cut), taken in the archive's single writer lane.
The documents whose annotations changed are re-indexed after the commit, under the index-dirty
mark (as the entity layer does), so notes, quotes and tags are searchable. Every method returns
what changed.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ctviewer.annotations.anchoring import Anchor, AnchorError, anchor_at, anchor_quote, reanchor
from ctviewer.archive.folder import Archive
from ctviewer.archive.index_sync import IndexSync
from ctviewer.clock import now_iso
from ctviewer.db import annotations as queries
from ctviewer.db import documents, entity_store
from ctviewer.db.engine import Session
from ctviewer.db.models import Annotation, Document
from ctviewer.domain.annotations import (
    AnnotationChange,
    AnnotationFilter,
    AnnotationImportReport,
    AnnotationRecord,
    AnnotationSort,
    LinkedEntity,
    ReanchorOutcome,
    ReextractReport,
)
from ctviewer.errors import KnownError, NotFoundError
from ctviewer.settings import Settings

MAX_NOTE_CHARS = 100_000
MAX_TAG_CHARS = 100
MAX_TAGS = 50
MAX_LABEL_CHARS = 60

log = logging.getLogger(__name__)


class AnnotationError(KnownError):
    """An annotation that cannot be made or changed as asked (the message says why)."""


def clean_tags(tags: Sequence[str]) -> list[str]:
    """Tags trimmed, inner white space collapsed, commas refused, duplicates dropped, order kept."""
    out: list[str] = []
    for tag in tags:
        if not isinstance(tag, str):
            raise AnnotationError("A tag must be text.")
        t = " ".join(tag.split())
        if not t:
            continue
        if "," in t:
            raise AnnotationError(f"A tag cannot contain a comma ({t!r}); give several tags instead.")
        if len(t) > MAX_TAG_CHARS:
            raise AnnotationError(f"A tag is at most {MAX_TAG_CHARS} characters long.")
        if t not in out:
            out.append(t)
    if len(out) > MAX_TAGS:
        raise AnnotationError(f"An annotation has at most {MAX_TAGS} tags.")
    return out


def _check_note(note: str) -> str:
    if not isinstance(note, str):
        raise AnnotationError("A note must be text.")
    if len(note) > MAX_NOTE_CHARS:
        raise AnnotationError(f"The note is too long ({len(note):,} characters; at most {MAX_NOTE_CHARS:,}).")
    return note.strip("\n")


def _anchor_of(row: Annotation) -> Anchor:
    return Anchor(row.start, row.end, row.quote, row.prefix, row.suffix)


def apply_anchor(session: Session, row: Annotation, new_text: str, old_text: str | None, now: str) -> ReanchorOutcome:
    """Re-anchor one annotation row on ``new_text`` (never deletes it; orphans are flagged)."""
    result = reanchor(new_text, _anchor_of(row), old_text)
    a = result.anchor
    values: dict[str, object] = {"orphaned": int(result.orphaned)}
    if not result.orphaned:
        values.update(start=a.start, end=a.end, quote=a.quote, prefix=a.prefix, suffix=a.suffix)
    changed = any(getattr(row, k) != v for k, v in values.items())
    if changed:
        queries.update_annotation(session, row.id, modified_at=now, **values)
    return ReanchorOutcome(row.id, result.method)


class AnnotationService:
    def __init__(self, archive: Archive, index: IndexSync, settings: Settings) -> None:
        self.archive = archive
        self.index = index
        self.settings = settings

    # -- plumbing ---------------------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[tuple[Session, str]]:
        """One durable transaction in the writer lane. The documents of the annotations it
        touched (every write stamps ``modified_at``) are marked stale in the same transaction, so a
        crash before :meth:`_reindex` is repaired on the next open."""
        with self.archive.writing(), self.archive.db.write(durable=True) as session:
            now = now_iso()
            yield session, now
            self.index.mark_stale(session, queries.documents_modified_at(session, now))

    def _reindex(self, doc_ids: Sequence[int | None]) -> None:
        # Also whatever is still marked stale: _write marks every document with an annotation
        # stamped this second, which may include one an earlier write (same second) re-indexed.
        ids = sorted({d for d in doc_ids if d is not None} | self.index.stale())
        if not ids:
            return
        try:
            with self.archive.writing(), self.index.dirty():
                for start in range(0, len(ids), 200):
                    self.index.add(ids[start : start + 200])
        except OSError:
            # The annotation itself is committed (durably): reporting failure now would make the
            # analyst save it twice. The documents stay marked stale and the index dirty, so the
            # next open re-indexes them; until then a search may miss the new note.
            log.warning("index update after an annotation write failed; repaired on next open", exc_info=True)

    @staticmethod
    def _row(session: Session, annotation_id: int) -> Annotation:
        row = queries.get_row(session, annotation_id)
        if row is None:
            raise NotFoundError(f"No annotation with id {annotation_id}.")
        return row

    @staticmethod
    def _text(session: Session, doc_id: int) -> tuple[Document, str]:
        doc = documents.get_row(session, doc_id)
        text = documents.text_of(session, doc_id)
        if doc is None or text is None:
            raise NotFoundError(f"No document with id {doc_id}.")
        return doc, text

    @staticmethod
    def _color(session: Session, color: str | None) -> str:
        if color is None:
            return "yellow"
        if not queries.color_exists(session, color):
            names = ", ".join(c.name for c in queries.colors(session))
            raise AnnotationError(f"Unknown colour {color!r} (use one of {names}).")
        return color

    @staticmethod
    def _entities(session: Session, entity_ids: Sequence[int]) -> list[int]:
        ids = list(dict.fromkeys(entity_ids))
        missing = [i for i in ids if i not in queries.live_entity_ids(session, ids)]
        if missing:
            raise NotFoundError(f"No entity with id {missing[0]}.")
        return ids

    # -- writes -------------------------------------------------------------------------------------
    def create(
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
        """Annotate ``[start, end)`` of a document, or the ``occurrence``-th (1-based) place it says
        ``quote``. ``entities`` None links the entities mentioned inside the passage."""
        note = _check_note(note)
        tag_list = clean_tags(tags)
        with self._write() as (session, now):
            doc, text = self._text(session, doc_id)
            if quote is not None:
                if start is not None or end is not None:
                    raise AnnotationError("Give either a range or a quote, not both.")
                anchor = anchor_quote(text, quote, occurrence)
            elif start is not None and end is not None:
                anchor = anchor_at(text, start, end)
            else:
                raise AnnotationError("Give the passage as a range (start and end) or as a quote.")
            color = self._color(session, color)
            if entities is None:
                linked = [e.id for e in queries.entities_in_range(session, doc_id, anchor.start, anchor.end)]
            else:
                linked = self._entities(session, entities)
            new_id = queries.insert_annotation(
                session,
                dict(
                    uid=str(uuid.uuid4()),
                    document_id=doc_id,
                    document_sha256=doc.sha256,
                    start=anchor.start,
                    end=anchor.end,
                    quote=anchor.quote,
                    prefix=anchor.prefix,
                    suffix=anchor.suffix,
                    note=note,
                    color=color,
                    orphaned=0,
                    created_at=now,
                    modified_at=now,
                ),
            )
            queries.set_tags(session, new_id, tag_list)
            queries.set_entities(session, new_id, linked)
        self._reindex([doc_id])
        return AnnotationChange(annotations=(new_id,), documents=(doc_id,))

    def edit(
        self,
        annotation_id: int,
        *,
        note: str | None = None,
        tags: Sequence[str] | None = None,
        color: str | None = None,
        entities: Sequence[int] | None = None,
    ) -> AnnotationChange:
        """Change what is given (None leaves a field as it is; ``tags=[]`` removes all tags)."""
        clean_note = _check_note(note) if note is not None else None
        tag_list = clean_tags(tags) if tags is not None else None
        with self._write() as (session, now):
            row = self._row(session, annotation_id)
            values: dict[str, object] = {"modified_at": now}
            if clean_note is not None:
                values["note"] = clean_note
            if color is not None:
                values["color"] = self._color(session, color)
            if tag_list is not None:
                queries.set_tags(session, annotation_id, tag_list)
            if entities is not None:
                queries.set_entities(session, annotation_id, self._entities(session, entities))
            queries.update_annotation(session, annotation_id, **values)
            doc_id = row.document_id
        self._reindex([doc_id])
        return AnnotationChange(annotations=(annotation_id,), documents=(doc_id,) if doc_id else ())

    def delete(self, annotation_id: int) -> AnnotationChange:
        """Soft delete: hidden everywhere, kept in the database; :meth:`restore` undoes it."""
        with self._write() as (session, now):
            row = self._row(session, annotation_id)
            if row.deleted_at is None:
                queries.update_annotation(session, annotation_id, deleted_at=now, modified_at=now)
            doc_id = row.document_id
        self._reindex([doc_id])
        return AnnotationChange(documents=(doc_id,) if doc_id else (), deleted=(annotation_id,))

    def restore(self, annotation_id: int) -> AnnotationChange:
        with self._write() as (session, now):
            row = self._row(session, annotation_id)
            if row.deleted_at is not None:
                queries.update_annotation(session, annotation_id, deleted_at=None, modified_at=now)
            doc_id = row.document_id
        self._reindex([doc_id])
        return AnnotationChange(annotations=(annotation_id,), documents=(doc_id,) if doc_id else ())

    def reattach(self, annotation_id: int, start: int, end: int) -> AnnotationChange:
        """Anchor an (orphaned) annotation by hand on ``[start, end)`` of its document's current text."""
        with self._write() as (session, now):
            row = self._row(session, annotation_id)
            if row.document_id is None:
                raise AnnotationError(f"Annotation {annotation_id} has no document in this archive.")
            _, text = self._text(session, row.document_id)
            a = anchor_at(text, start, end)
            queries.update_annotation(
                session,
                annotation_id,
                start=a.start,
                end=a.end,
                quote=a.quote,
                prefix=a.prefix,
                suffix=a.suffix,
                orphaned=0,
                modified_at=now,
            )
            doc_id = row.document_id
        self._reindex([doc_id])
        return AnnotationChange(annotations=(annotation_id,), documents=(doc_id,))

    def rename_color(self, name: str, label: str) -> None:
        label = " ".join(label.split())
        if not label or len(label) > MAX_LABEL_CHARS:
            raise AnnotationError(f"A colour's label has 1 to {MAX_LABEL_CHARS} characters.")
        with self._write() as (session, _now):
            self._color(session, name)
            queries.rename_color(session, name, label)

    # -- text changes -----------------------------------------------------------------------------
    def adopt(self, doc_ids: Sequence[int]) -> AnnotationChange:
        """Re-attach annotations left without a document (it was removed) to these documents when
        they have the same sha256 (the document came back), re-anchored on the current text."""
        with self.archive.db.read() as session:
            if not queries.any_waiting(session):
                return AnnotationChange()
        touched: list[int] = []
        adopted: list[int] = []
        orphaned: list[int] = []
        with self._write() as (session, now):
            for doc_id in doc_ids:
                doc, text = self._text(session, doc_id)
                for row in queries.waiting_for(session, doc.sha256):
                    queries.update_annotation(session, row.id, document_id=doc_id, modified_at=now)
                    outcome = apply_anchor(session, row, text, None, now)
                    adopted.append(row.id)
                    if outcome.method == "orphaned":
                        orphaned.append(row.id)
                    touched.append(doc_id)
        self._reindex(touched)
        return AnnotationChange(
            annotations=tuple(adopted), documents=tuple(sorted(set(touched))), orphaned=tuple(orphaned)
        )

    def reextract(self, doc_ids: Sequence[int] | None = None) -> ReextractReport:
        """Read the stored originals again with the current readers; where the clean text changed,
        replace it, re-anchor the document's annotations (none is ever dropped), forget its entity
        mentions (their offsets are stale) and mark it pending for extraction, then re-index it."""
        from ctviewer import ingest  # the readers stay off quick commands' start-up

        with self.archive.db.read() as session:
            ids = sorted(documents.all_ids(session)) if doc_ids is None else list(dict.fromkeys(doc_ids))
        changed: list[int] = []
        unchanged: list[int] = []
        failed: list[tuple[int, str]] = []
        outcomes: list[ReanchorOutcome] = []
        with self.archive.writing():
            for doc_id in ids:
                with self.archive.db.read() as session:
                    doc = documents.get_row(session, doc_id)
                    if doc is None:
                        failed.append((doc_id, "no such document"))
                        continue
                    sha256, source, name = doc.sha256, doc.source_path, doc.original_name
                path = self.archive.originals.path_for(sha256, Path(source).suffix)
                try:
                    extracted = ingest.read_document_file(path, self.settings.limits, name=Path(name or source))
                except OSError as exc:
                    failed.append((doc_id, f"original missing or unreadable ({exc.strerror or exc})"))
                    continue
                except KnownError as exc:
                    failed.append((doc_id, str(exc)))
                    continue
                with self._write() as (session, now):
                    # A lost text (a salvaged database) is read back from the original (old_text None).
                    changed_text, old_text = documents.replace_text(session, doc_id, extracted)
                    if not changed_text:
                        unchanged.append(doc_id)
                        continue
                    for row in queries.rows_of_document(session, doc_id):
                        outcomes.append(apply_anchor(session, row, extracted.text, old_text, now))
                    entity_store.clear_documents(session, [doc_id])
                    self.index.mark_stale(session, [doc_id])  # new text, with or without annotations
                    changed.append(doc_id)
            self._reindex(changed)
        return ReextractReport(
            changed=tuple(changed), unchanged=tuple(unchanged), failed=tuple(failed), annotations=tuple(outcomes)
        )

    # -- exchange -----------------------------------------------------------------------------------
    def import_w3c(self, data: bytes) -> AnnotationImportReport:
        """Import W3C Web Annotation JSON: documents matched by sha256, passages re-anchored by the
        selectors, duplicates (same uid, or same document, range and note) recognised and skipped.
        One durable transaction for the whole file."""
        from ctviewer.annotations.exchange import parse_w3c

        parsed = parse_w3c(data)
        imported: list[int] = []
        invalid = list(parsed.invalid)
        duplicates = unmatched = orphans = 0
        missing_docs: dict[str, None] = {}
        touched: set[int] = set()
        with self._write() as (session, now):
            texts: dict[int, str] = {}
            for item in parsed.items:
                if queries.id_by_uid(session, item.uid) is not None:
                    duplicates += 1
                    continue
                doc_id = documents.find_by_sha256(session, item.sha256)
                if doc_id is None:
                    unmatched += 1
                    missing_docs.setdefault(item.sha256)
                    continue
                if doc_id not in texts:
                    texts[doc_id] = self._text(session, doc_id)[1]
                text = texts[doc_id]
                try:
                    tags = clean_tags(item.tags)
                except AnnotationError as exc:
                    invalid.append(f"annotation {item.uid}: {exc}")
                    continue
                quote = item.quote
                start = item.start if item.start is not None else 0
                end = item.end if item.end is not None else start + len(quote)
                if not quote:
                    if not 0 <= start < end <= len(text):
                        invalid.append(f"annotation {item.uid}: its position is outside the document")
                        continue
                    quote = text[start:end]
                result = reanchor(text, Anchor(start, end, quote, item.prefix, item.suffix))
                a = result.anchor
                if queries.same_passage(session, doc_id, a.start, a.end, item.note) is not None:
                    duplicates += 1
                    continue
                color = item.color if item.color and queries.color_exists(session, item.color) else "yellow"
                linked = [e for e in (queries.entity_by_name(session, n) for n in item.entity_names) if e is not None]
                new_id = queries.insert_annotation(
                    session,
                    dict(
                        uid=item.uid,
                        document_id=doc_id,
                        document_sha256=item.sha256,
                        start=a.start,
                        end=a.end,
                        quote=a.quote,
                        prefix=a.prefix,
                        suffix=a.suffix,
                        note=item.note,
                        color=color,
                        orphaned=int(result.orphaned),
                        created_at=item.created or now,
                        modified_at=item.modified or now,
                    ),
                )
                queries.set_tags(session, new_id, tags)
                queries.set_entities(session, new_id, list(dict.fromkeys(linked)))
                imported.append(new_id)
                orphans += int(result.orphaned)
                touched.add(doc_id)
        self._reindex(sorted(touched))
        return AnnotationImportReport(
            imported=tuple(imported),
            duplicates=duplicates,
            unmatched_documents=tuple(missing_docs),
            unmatched=unmatched,
            orphaned=orphans,
            invalid=tuple(invalid),
        )

    # -- reading ------------------------------------------------------------------------------------
    def list_annotations(
        self,
        f: AnnotationFilter | None = None,
        *,
        sort: AnnotationSort = "created",
        descending: bool = False,
        offset: int = 0,
        limit: int | None = None,
    ) -> list[AnnotationRecord]:
        with self.archive.db.read() as session:
            ids = queries.list_ids(
                session, f or AnnotationFilter(), sort=sort, descending=descending, offset=offset, limit=limit
            )
            return queries.records(session, ids)

    def get(self, annotation_id: int) -> AnnotationRecord:
        with self.archive.db.read() as session:
            found = queries.records(session, [annotation_id])
        if not found:
            raise NotFoundError(f"No annotation with id {annotation_id}.")
        return found[0]

    def suggest_entities(self, doc_id: int, start: int, end: int) -> list[LinkedEntity]:
        with self.archive.db.read() as session:
            return queries.entities_in_range(session, doc_id, start, end)


__all__ = ["AnchorError", "AnnotationError", "AnnotationService", "apply_anchor", "clean_tags"]
