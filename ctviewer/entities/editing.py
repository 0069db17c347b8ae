"""Analysts' corrections to entities: merge, split, rename, retype, reject, alias, dismiss.

Each correction is ONE durable transaction (``synchronous=FULL``: an analyst's decision survives a
power cut) holding both the change and its own row in the append-only ``corrections`` log, which
extraction replays (see :mod:`ctviewer.entities.corrections`). The documents whose entity fields
changed are re-indexed afterwards. Every method returns what changed.
"""

from __future__ import annotations

import getpass
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from ctviewer.archive.folder import Archive
from ctviewer.archive.index_sync import IndexSync
from ctviewer.clock import now_iso
from ctviewer.db import entities as queries
from ctviewer.db import entity_store
from ctviewer.db.engine import Session
from ctviewer.domain.entities import ENTITY_TYPES, EntityChange
from ctviewer.errors import KnownError, NotFoundError
from ctviewer.extract.keys import name_key


class CorrectionError(KnownError):
    """A correction that cannot be made as asked (the message says why)."""


def current_user() -> str:
    """Who made a correction: the operating-system user name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in the environment or the password database
        return "unknown"


class EntityEditing:
    def __init__(self, archive: Archive, index: IndexSync) -> None:
        self.archive = archive
        self.index = index

    @contextmanager
    def _correction(self) -> Iterator[tuple[Session, str]]:
        with self.archive.writing(), self.archive.db.write(durable=True) as session:
            yield session, now_iso()

    def _log(self, session: Session, kind: str, payload: dict[str, Any], now: str) -> None:
        entity_store.append_correction(session, kind, payload, who=current_user(), now=now)

    def _reindex(self, doc_ids: set[int]) -> None:
        if doc_ids:
            with self.archive.writing(), self.index.dirty():
                ids = sorted(doc_ids)
                for start in range(0, len(ids), 200):
                    self.index.add(ids[start : start + 200])

    @staticmethod
    def _entity(session: Session, entity_id: int) -> entity_store.StoredEntity:
        e = entity_store.get_entity(session, entity_id)
        if e is None or e.rejected:
            raise NotFoundError(f"No entity with id {entity_id}.")
        return e

    # -- corrections ---------------------------------------------------------------------------
    def merge(self, ids: Sequence[int]) -> EntityChange:
        """Merge entities into the first one; the others' names become its aliases."""
        ids = list(dict.fromkeys(ids))
        if len(ids) < 2:
            raise CorrectionError("Merging needs at least two different entities.")
        with self._correction() as (session, now):
            entities = [self._entity(session, i) for i in ids]
            docs = entity_store.documents_of(session, ids)
            self.index.mark_stale(session, docs)
            names = sorted({n for e in entities for n in (e.name, *e.aliases)})
            self._log(session, "merge", {"into": ids[0], "entities": ids[1:], "names": names}, now)
            entity_store.merge_into(session, ids[0], ids[1:], now)
        self._reindex(docs)
        return EntityChange(entities=(ids[0],), documents=tuple(sorted(docs)), deleted=tuple(ids[1:]))

    def split(self, entity_id: int, mention_ids: Sequence[int], name: str | None = None) -> EntityChange:
        """Move these mentions of an entity to a new entity of the same type; returns it as ``created``."""
        if not mention_ids:
            raise CorrectionError("Name the mentions to split off.")
        with self._correction() as (session, now):
            entity = self._entity(session, entity_id)
            rows = queries.mentions_by_id(session, mention_ids)
            found = {r[0] for r in rows}
            wrong = [m for m in mention_ids if m not in found] + [r[0] for r in rows if r[1] != entity_id]
            if wrong:
                raise NotFoundError(f"Entity {entity_id} has no mention with id {wrong[0]}.")
            moved_texts = [r[5] for r in rows]
            new_name = (name or "").strip() or max(Counter(moved_texts), key=lambda t: (moved_texts.count(t), len(t)))
            new_id = entity_store.create_entity(
                session, type_=entity.type, name=new_name, key=name_key(new_name), now=now, analyst=True
            )
            moves = [(r[2], r[3], r[4]) for r in rows]
            docs = {r[2] for r in rows}
            self.index.mark_stale(session, docs)
            entity_store.move_mentions(session, moves, new_id)
            remaining = {name_key(t) for t in entity_store.mention_texts(session, entity_id)}
            entity_store.prune_aliases(session, entity_id, remaining | {name_key(entity.name)})
            entity_store.add_aliases(session, new_id, [(t, name_key(t)) for t in moved_texts])
            only_new = sorted({t for t in moved_texts if name_key(t) not in remaining})
            self._log(
                session,
                "split",
                {
                    "from": entity_id,
                    "into": new_id,
                    "name": new_name,
                    "type": entity.type,
                    "mentions": [[r[2], r[3], r[4], r[5]] for r in rows],
                    "names": only_new,
                },
                now,
            )
            entity_store.update_entity(session, entity_id, now, analyst=1)
        self._reindex(docs)
        return EntityChange(entities=(entity_id, new_id), documents=tuple(sorted(docs)), created=new_id)

    def rename(self, entity_id: int, name: str) -> EntityChange:
        """Set the display name (the old one stays an alias)."""
        name = " ".join(name.split())
        if not name:
            raise CorrectionError("An entity needs a name.")
        with self._correction() as (session, now):
            entity = self._entity(session, entity_id)
            self._log(session, "rename", {"id": entity_id, "name": name, "old": entity.name}, now)
            entity_store.add_aliases(
                session, entity_id, [(entity.name, name_key(entity.name)), (name, name_key(name))], source="analyst"
            )
            entity_store.update_entity(session, entity_id, now, name=name, key=name_key(name), analyst=1)
            docs = entity_store.documents_of(session, [entity_id])
            self.index.mark_stale(session, docs)
        self._reindex(docs)
        return EntityChange(entities=(entity_id,), documents=tuple(sorted(docs)))

    def retype(self, entity_id: int, type_: str) -> EntityChange:
        if type_ not in ENTITY_TYPES:
            raise CorrectionError(f"Unknown entity type {type_!r} (use one of {', '.join(ENTITY_TYPES)}).")
        with self._correction() as (session, now):
            entity = self._entity(session, entity_id)
            self._log(session, "retype", {"id": entity_id, "type": type_, "old": entity.type}, now)
            entity_store.update_entity(session, entity_id, now, type=type_, analyst=1)
            docs = entity_store.documents_of(session, [entity_id])
            self.index.mark_stale(session, docs)
        self._reindex(docs)
        return EntityChange(entities=(entity_id,), documents=tuple(sorted(docs)))

    def reject(self, entity_id: int) -> EntityChange:
        """Not an entity: its mentions go, and its names are never extracted again."""
        with self._correction() as (session, now):
            entity = self._entity(session, entity_id)
            docs = entity_store.documents_of(session, [entity_id])
            self.index.mark_stale(session, docs)
            self._log(
                session, "reject", {"id": entity_id, "type": entity.type, "names": [entity.name, *entity.aliases]}, now
            )
            entity_store.reject_entity(session, entity_id, now)
        self._reindex(docs)
        return EntityChange(documents=tuple(sorted(docs)), deleted=(entity_id,))

    def alias(self, entity_id: int, name: str) -> EntityChange:
        """Another name for an entity (found as that entity from the next extraction on)."""
        name = " ".join(name.split())
        if not name_key(name):
            raise CorrectionError("An alias needs letters or digits.")
        with self._correction() as (session, now):
            self._entity(session, entity_id)
            self._log(session, "alias", {"id": entity_id, "name": name}, now)
            entity_store.add_aliases(session, entity_id, [(name, name_key(name))], source="analyst")
            entity_store.update_entity(session, entity_id, now, analyst=1)
            docs = entity_store.documents_of(session, [entity_id])
            self.index.mark_stale(session, docs)
        self._reindex(docs)
        return EntityChange(entities=(entity_id,), documents=tuple(sorted(docs)))

    def dismiss_suggestion(self, suggestion_id: int) -> EntityChange:
        """The two entities of a merge suggestion are different: do not suggest them again."""
        with self._correction() as (session, now):
            pair = entity_store.suggestion_pair(session, suggestion_id)
            if pair is None:
                raise NotFoundError(f"No merge suggestion with id {suggestion_id}.")
            self._log(session, "dismiss", {"a": pair[0], "b": pair[1], "suggestion": suggestion_id}, now)
            entity_store.dismiss_suggestion(session, *pair)
            for entity_id in pair:
                entity_store.update_entity(session, entity_id, now, analyst=1)
        return EntityChange(entities=pair)
