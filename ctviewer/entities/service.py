"""The entity service (Qt-free): extraction of people, organisations and places into the archive.

``extract_pending`` works through the documents whose ``extraction_state`` is ``pending``, batch
by batch: extract mentions (spaCy, outside any transaction), resolve them against the entities the
archive already has and the analysts' decisions (the corrections log), then ONE transaction stores
the batch's mentions, new entities, aliases, roles and merge suggestions together with
``extraction_state='done'``. A crash between batches loses nothing: what is stored is complete,
the rest is still pending and the next run resumes there. The batch is then re-indexed so
``person:voronkov`` and ``org:osce`` find it.

``extract_all`` marks every document pending and runs the same loop; corrections are replayed
(pins and rejected names steer the resolver, splits are re-applied by position, names and types
re-asserted), so re-extraction never undoes a human decision.

The corrections themselves (merge, split, ...) live in :mod:`ctviewer.entities.editing`.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from ctviewer.archive.folder import Archive
from ctviewer.archive.index_sync import IndexSync
from ctviewer.clock import now_iso
from ctviewer.db import documents, entity_store
from ctviewer.db.engine import Session
from ctviewer.domain.entities import ExtractionReport
from ctviewer.domain.progress import Cancelled, Progress
from ctviewer.entities.corrections import Decisions, decisions_from
from ctviewer.entities.editing import EntityEditing
from ctviewer.extract.keys import name_key
from ctviewer.settings import Limits

if TYPE_CHECKING:
    from ctviewer.entities.workers import ExtractorPool
    from ctviewer.extract.gazetteer import Gazetteer
    from ctviewer.extract.model import Mention
    from ctviewer.extract.resolve import Resolution


# A batch is what one transaction stores: small enough that an interruption loses little work,
# big enough that spaCy's worker processes (started per batch) pay for themselves.
BATCH_DOCUMENTS = 64
BATCH_CHARS = 1_500_000
# Below this many characters pending, starting two worker processes (each loads the model, ~2 s)
# costs more than it saves: extract in this process instead.
POOL_MIN_CHARS = 400_000


class MentionExtractor(Protocol):
    """What the service needs from an extractor (the real one, or a fake in tests)."""

    @property
    def gazetteer(self) -> Gazetteer: ...

    def extract_many(self, texts: Iterable[str], n_process: int = 1) -> Iterator[list[Mention]]: ...


@dataclass(frozen=True)
class _Doc:
    id: int
    date: str | None
    text: str


class EntityService(EntityEditing):
    """Extraction and corrections for one archive (the caller never needs the writer lock: each
    method takes it)."""

    def __init__(
        self,
        archive: Archive,
        index: IndexSync,
        *,
        extractor: MentionExtractor | None = None,
        workers: int | None = None,
        batch_documents: int = BATCH_DOCUMENTS,
        max_chars: int = Limits.max_extract_chars,
    ) -> None:
        super().__init__(archive, index)
        self._extractor = extractor  # injected (tests); else the spaCy one, made on first use
        self._local: MentionExtractor | None = None
        # Extraction processes: None = one per core (at most 2) for big runs, this process for small ones.
        self.workers = workers
        self.batch_documents = batch_documents
        # Only this much of each text is read (mention offsets stay valid: it is a prefix).
        self.max_chars = max_chars

    @property
    def user_gazetteer(self) -> Path | None:
        """``gazetteer.yaml`` in the archive folder, if the analyst made one (extends the shipped one)."""
        path = self.archive.paths.gazetteer
        return path if path.is_file() else None

    @property
    def extractor(self) -> MentionExtractor:
        if self._extractor is not None:
            return self._extractor
        if self._local is None:
            from ctviewer.extract.pipeline import Extractor  # spaCy loads on first use only

            self._local = Extractor(self.user_gazetteer)
        return self._local

    @property
    def gazetteer(self) -> Gazetteer:
        if self._extractor is not None:
            return self._extractor.gazetteer
        from ctviewer.extract.gazetteer import load_gazetteer  # no spaCy needed to resolve

        return load_gazetteer(self.user_gazetteer)

    # -- extraction ----------------------------------------------------------------------------
    def extract_pending(self, progress: Progress | None = None, cancelled: Cancelled | None = None) -> ExtractionReport:
        """Extract every document still waiting for it; returns what was done."""
        with self.archive.writing():
            return self._run(progress, cancelled)

    def extract_all(self, progress: Progress | None = None, cancelled: Cancelled | None = None) -> ExtractionReport:
        """Re-extract the whole archive; the analysts' corrections are re-applied."""
        with self.archive.writing():
            with self.archive.db.write() as session:
                documents.set_all_pending(session)
                # Suggestions are recomputed; dismissed ones come back dismissed (corrections log).
                entity_store.clear_suggestions(session)
            return self._run(progress, cancelled)

    def _run(self, progress: Progress | None, cancelled: Cancelled | None) -> ExtractionReport:
        started = time.perf_counter()
        with self.archive.db.read() as session:
            pending = documents.pending_extraction(session)
            pending_chars = documents.pending_chars(session, self.max_chars)
        total, done, mentions, created = len(pending), 0, 0, 0
        was_cancelled = False
        if progress:
            progress(0, total, "extracting people, organisations and places")
        pool = self._pool(pending_chars) if total else None
        try:
            # One batch in flight ahead: workers extract batch k+1 while this process stores batch k.
            inflight: deque[tuple[list[_Doc], Callable[[], list[list[Mention]]]]] = deque()
            batches = self._batches(pending)
            while True:
                if cancelled is not None and cancelled():
                    was_cancelled = True
                    break
                while len(inflight) < (2 if pool else 1):
                    batch = next(batches, None)
                    if batch is None:
                        break
                    inflight.append((batch, self._submit(pool, batch)))
                if not inflight:
                    break
                batch, wait = inflight.popleft()
                results = wait()
                with self.archive.db.write() as session:
                    n_mentions, n_created = self._store(session, batch, results)
                with self.index.dirty():
                    self.index.add([d.id for d in batch])
                done += len(batch)
                mentions += n_mentions
                created += n_created
                if progress:
                    progress(done, total, "extracting people, organisations and places")
        finally:
            if pool is not None:
                pool.close()
        if not was_cancelled and total:
            with self.archive.db.write() as session:
                entity_store.delete_unused_entities(session)
        return ExtractionReport(done, mentions, created, time.perf_counter() - started, was_cancelled)

    def _pool(self, pending_chars: int) -> ExtractorPool | None:
        if self._extractor is not None:  # an injected extractor (tests) runs here
            return None
        workers = self.workers if self.workers is not None else min(2, os.cpu_count() or 1)
        if workers < 2 or pending_chars < POOL_MIN_CHARS:
            return None
        from ctviewer.entities.workers import ExtractorPool

        return ExtractorPool(workers, user_gazetteer=self.user_gazetteer)

    def _submit(self, pool: ExtractorPool | None, batch: list[_Doc]) -> Callable[[], list[list[Mention]]]:
        texts = [d.text for d in batch]
        if pool is not None:
            return pool.submit(texts)
        results = list(self.extractor.extract_many(texts))
        return lambda: results

    def _batches(self, ids: Sequence[int]) -> Iterator[list[_Doc]]:
        """Documents in batches bounded by count and characters (texts are read a batch at a time)."""
        step = self.batch_documents
        for start in range(0, len(ids), step):
            chunk = ids[start : start + step]
            with self.archive.db.read() as session:
                rows = documents.extraction_texts(session, chunk, self.max_chars)
            batch: list[_Doc] = []
            size = 0
            for doc_id, date, text in rows:
                if batch and size + len(text) > BATCH_CHARS:
                    yield batch
                    batch, size = [], 0
                batch.append(_Doc(doc_id, date, text))
                size += len(text)
            if batch:
                yield batch

    # -- storing one batch (one transaction) -----------------------------------------------------
    def _store(self, session: Session, batch: Sequence[_Doc], results: Sequence[list[Mention]]) -> tuple[int, int]:
        from ctviewer.extract.resolve import DocumentMentions, KnownEntity, Pins, Resolver

        now = now_iso()
        decisions = decisions_from(entity_store.load_corrections(session))
        stored = entity_store.load_entities(session)
        live = {e.id for e in stored}
        pins = Pins(
            aliases={k: i for k, i in decisions.pinned().items() if i in live},
            rejected=frozenset(decisions.rejected_keys),
        )
        existing = [KnownEntity(e.id, e.type, e.name, e.aliases, e.gazetteer_id) for e in stored]  # type: ignore[arg-type]
        docs = [DocumentMentions(d.id, d.text, tuple(ms)) for d, ms in zip(batch, results, strict=True)]
        resolution = Resolver(gazetteer=self.gazetteer, existing=existing, pins=pins).resolve(docs)

        ids, created = self._entity_ids(session, resolution, stored, now)
        doc_ids = [d.id for d in batch]
        entity_store.clear_documents(session, doc_ids)
        mention_rows = []
        by_doc = {int(d.doc_id): d for d in docs}
        for assigned in resolution.assignments:
            m = by_doc[int(assigned.doc_id)].mentions[assigned.index]
            mention_rows.append(
                {
                    "document_id": assigned.doc_id,
                    "entity_id": ids[assigned.entity],
                    "start": m.start,
                    "end": m.end,
                    "text": m.text,
                    "sentence_start": m.sentence_start,
                    "sentence_end": m.sentence_end,
                    "source": m.source,
                }
            )
        entity_store.insert_mentions(session, mention_rows)
        dates = {d.id: d.date for d in batch}
        gaz_ids = {e.gazetteer_id: e.id for e in stored if e.gazetteer_id}
        role_rows = []
        for r in resolution.roles:
            org_id = None
            if r.organisation is not None:
                org_id = ids.get(r.organisation) or _known_id(r.organisation, gaz_ids, live)
            m = by_doc[int(r.doc_id)].mentions[r.index]
            role_rows.append(
                {
                    "person_id": ids[r.person],
                    "title": r.title,
                    "organisation_id": org_id,
                    "organisation_text": r.organisation_text,
                    "document_id": r.doc_id,
                    "start": m.start,
                    "date": dates[int(r.doc_id)],
                }
            )
        entity_store.insert_roles(session, role_rows)
        for s in resolution.suggestions:
            a, b = ids.get(s.a), ids.get(s.b)
            if a is not None and b is not None and a != b:
                entity_store.add_suggestion(
                    session, a, b, s.score, s.reason, s.evidence, dismissed=decisions.is_dismissed(a, b)
                )
        reapply(session, decisions, doc_ids, now)
        documents.set_extraction_state(session, doc_ids, "done")
        self.index.mark_stale(session, doc_ids)  # re-indexed after the commit; a crash before that is repaired
        return len(mention_rows), created

    def _entity_ids(
        self, session: Session, resolution: Resolution, stored: Sequence[entity_store.StoredEntity], now: str
    ) -> tuple[dict[str, int], int]:
        """Database ids for the resolution's entity keys, creating the new ones; aliases are added."""
        gaz_ids = {e.gazetteer_id: e.id for e in stored if e.gazetteer_id}
        live = {e.id for e in stored}
        ids: dict[str, int] = {}
        new: list[Any] = []  # resolution entities to create, one per gazetteer entry
        new_gaz: dict[str, Any] = {}
        for e in resolution.entities:
            entity_id = _known_id(e.key, gaz_ids, live)
            if entity_id is None and e.existing_id is not None and int(e.existing_id) in live:
                entity_id = int(e.existing_id)
            if entity_id is not None:
                ids[e.key] = entity_id
            elif not (e.gazetteer_id and e.gazetteer_id in new_gaz):
                new.append(e)
                if e.gazetteer_id:
                    new_gaz[e.gazetteer_id] = e
        created_ids = entity_store.create_entities(
            session,
            [{"type": e.type, "name": e.name, "key": name_key(e.name), "gazetteer_id": e.gazetteer_id} for e in new],
            now,
        )
        gazetteer = self.gazetteer if new_gaz else None
        aliases: list[tuple[int, str, str, str]] = []
        for e, entity_id in zip(new, created_ids, strict=True):
            ids[e.key] = entity_id
            if e.gazetteer_id and gazetteer is not None:
                gaz_ids[e.gazetteer_id] = entity_id
                # Known acronyms become aliases at once, so org:osce finds a text that only
                # spells the name out.
                entry = gazetteer.entries.get(e.gazetteer_id)
                if entry is not None:
                    aliases += [(entity_id, a, name_key(a), "gazetteer") for a in entry.acronyms]
        for e in resolution.entities:
            if e.key not in ids:  # a second entity of a gazetteer entry created in this batch
                ids[e.key] = gaz_ids[e.gazetteer_id or ""]
            aliases += [(ids[e.key], n, name_key(n), "extracted") for n in (e.name, *e.aliases)]
        entity_store.add_alias_rows(session, aliases)
        return ids, len(created_ids)


def _known_id(key: str, gaz_ids: dict[str, int], live: set[int]) -> int | None:
    """The stored entity a resolver key names, if any (``id:7`` or ``gaz:osce``)."""
    if key.startswith("id:"):
        try:
            value = int(key[3:])
        except ValueError:
            return None
        return value if value in live else None
    if key.startswith("gaz:"):
        return gaz_ids.get(key[4:])
    return None


def reapply(session: Session, decisions: Decisions, doc_ids: Sequence[int], now: str) -> None:
    """Re-apply what the resolver cannot: splits (by position) in these documents, and the names,
    types and aliases analysts gave (idempotent; cheap for a log of any realistic size)."""
    for split in decisions.splits:
        target = decisions.live(split.into)
        moves = [m for m in split.moves if m[0] in set(doc_ids)]
        if not moves or target in decisions.rejected_ids:
            continue
        if entity_store.get_entity(session, target) is None:
            entity_store.create_entity(
                session,
                type_=decisions.types.get(target, split.type),
                name=decisions.names.get(target, split.name),
                key=name_key(decisions.names.get(target, split.name)),
                now=now,
                analyst=True,
                entity_id=target,
            )
        entity_store.move_mentions(session, moves, target)
    for entity_id, name in decisions.names.items():
        target = decisions.live(entity_id)
        if target == entity_id:
            _assert(session, entity_id, now, name=name, key=name_key(name))
    for entity_id, typ in decisions.types.items():
        if decisions.live(entity_id) == entity_id:
            _assert(session, entity_id, now, type=typ)
    for entity_id, names in decisions.aliases.items():
        target = decisions.live(entity_id)
        if entity_store.get_entity(session, target) is not None:
            entity_store.add_aliases(session, target, [(n, name_key(n)) for n in names], source="analyst")


def _assert(session: Session, entity_id: int, now: str, **values: Any) -> None:
    current = entity_store.get_entity(session, entity_id)
    if current is None:
        return
    if any(getattr(current, "type" if k == "type" else "name", None) != v for k, v in values.items() if k != "key"):
        entity_store.update_entity(session, entity_id, now, **values)
