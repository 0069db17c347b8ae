"""Keeping the Whoosh index in step with the database.

The database commits first; the index follows. Before any index write the ``index_dirty``
mark is committed to the database, and it is cleared only after the index commit. On open,
a dirty mark, an index that will not open, or a document-count mismatch triggers repair:
reconcile the id sets (index what is missing, purge what the database no longer has), or
rebuild from scratch when the index is damaged.

A change to documents the index already holds (annotations, entity mentions, corrections)
cannot show in the id sets: its writer calls :meth:`IndexSync.mark_stale` inside its own
transaction, :meth:`IndexSync.add` clears the mark after the index commit, and repair
re-indexes whatever is still marked.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager

from ctviewer.archive.folder import Archive
from ctviewer.db import documents, meta
from ctviewer.db.documents import FieldsProvider
from ctviewer.db.engine import Session
from ctviewer.domain.progress import Cancelled, Progress
from ctviewer.errors import IndexDamaged
from ctviewer.search import Analysed, SearchIndex, read_generation, write_generation

# Problems only a full rebuild mends (the others: reconcile the id sets, re-index stale entries).
REBUILD_PROBLEMS = frozenset({"index-damaged", "index-rebuild", "index-generation"})


class IndexSync:
    def __init__(self, archive: Archive, *, fields: FieldsProvider | None = None, writer_memory_mb: int = 128):
        self.archive = archive
        self.fields = fields
        self._writer_memory_mb = writer_memory_mb
        self._index: SearchIndex | None = None
        self._dirty_depth = 0

    # -- opening --------------------------------------------------------------------------
    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self._index = SearchIndex.open(self.archive.paths.index, writer_memory_mb=self._writer_memory_mb)
        return self._index

    @property
    def is_open(self) -> bool:
        """Whether this object holds the index open (searchers, file handles)."""
        return self._index is not None

    def problem(self, *, thorough: bool = False) -> str | None:
        """Why the index needs repair, or None when it agrees with the database. ``thorough``
        also reads every index file against the checksums taken when it was written (damage
        Whoosh would not notice; as slow as reading the index once).

        An index opened only to answer this is closed again: a Library that never searches nor
        writes (the desktop app's GUI-thread Library) then holds no index at all, and the next
        search or write opens it again (about a millisecond).
        """
        with self.archive.db.read() as session:  # every mark in one read
            rebuild = meta.get(session, meta.INDEX_REBUILD) == "1"
            dirty = meta.get(session, meta.INDEX_DIRTY) == "1" or bool(meta.stale_ids(session))
            stored_generation = meta.get(session, meta.INDEX_GENERATION)
        if rebuild:
            return "index-rebuild"
        # Openable first: a damaged index with a pending dirty mark must be rebuilt, not
        # reconciled (reconciling reads the index it cannot open).
        opened_here = self._index is None
        try:
            indexed = self.index.doc_count()
            if thorough and self.index.damaged_files():
                return "index-damaged"
        except IndexDamaged:
            return "index-damaged"
        finally:
            if opened_here:
                self.close()
        if dirty:
            return "index-dirty"
        if stored_generation != read_generation(self.archive.paths.index):
            return "index-generation"
        with self.archive.db.read() as session:
            stored = documents.count(session)
        if indexed != stored:
            return "index-count-mismatch"
        return None

    def repair(
        self, progress: Progress | None = None, cancelled: Cancelled | None = None, *, thorough: bool = False
    ) -> str | None:
        """Repair the index if needed (caller holds the writer lock); returns what was wrong."""
        problem = self.problem(thorough=thorough)
        if problem is None:
            return None
        if problem in REBUILD_PROBLEMS:
            self.rebuild(progress, cancelled)
            return problem
        try:
            self.reconcile(progress)
        except IndexDamaged:  # found unreadable part-way (a damaged segment): build it afresh
            self.close()
            self.rebuild(progress, cancelled)
            return "index-damaged"
        return problem

    # -- writing --------------------------------------------------------------------------
    @contextmanager
    def dirty(self) -> Iterator[None]:
        """Mark the index dirty for the duration of index writes; cleared only on success
        (together with a new generation token, see :meth:`_stamp`)."""
        outer = self._dirty_depth == 0
        if outer:
            self.archive.set_index_dirty(True)
        self._dirty_depth += 1
        try:
            yield
        finally:
            self._dirty_depth -= 1
        if outer:
            self._stamp(clear_dirty=True)

    def _stamp(self, *, clear_dirty: bool = False, stale_done: Iterable[int] = ()) -> None:
        """After an index commit: record a new generation token in the database (in the same
        write that clears the dirty or stale marks) and then beside the index. A crash between
        the two leaves them different, which only costs a rebuild."""
        token = uuid.uuid4().hex
        with self.archive.db.write() as session:
            if clear_dirty:
                meta.remove(session, meta.INDEX_DIRTY)
            meta.remove_stale(session, stale_done)
            meta.put(session, meta.INDEX_GENERATION, token)
        write_generation(self.archive.paths.index, token)

    def add(
        self,
        ids: Sequence[int],
        *,
        merge: bool = True,
        merge_smallest: bool = False,
        analysed: Mapping[int, Analysed] | None = None,
    ) -> None:
        """Index (or re-index) these documents from the database (``merge``: see SearchIndex.add)."""
        if not ids:
            return
        with self.archive.db.read() as session:
            entries = list(documents.index_entries(session, ids, fields=self.fields))
            stale = meta.stale_ids(session) & set(ids)
        self.index.add(entries, merge=merge, merge_smallest=merge_smallest, analysed=analysed)
        if self._dirty_depth == 0:
            self._stamp(stale_done=stale)
        elif stale:
            with self.archive.db.write() as session:
                meta.remove_stale(session, stale)

    @staticmethod
    def mark_stale(session: Session, ids: Iterable[int]) -> None:
        """Record, in the caller's write transaction, that these documents' index entries are
        about to be out of date (cleared by :meth:`add` once they are re-indexed)."""
        meta.add_stale(session, ids)

    def stale(self) -> set[int]:
        with self.archive.db.read() as session:
            return meta.stale_ids(session)

    def segments(self) -> int:
        return self.index.segment_count()

    def optimize(self) -> None:
        """Merge the index into one segment (after bulk imports; the caller holds the writer lock)."""
        self.index.optimize()

    def remove(self, ids: Sequence[int]) -> None:
        if ids:
            self.index.delete(ids)
            if self._dirty_depth == 0:
                self._stamp()

    def reconcile(self, progress: Progress | None = None) -> tuple[int, int]:
        """Index what the database has and the index lacks; purge the reverse. (added, removed)"""
        with self.dirty():
            with self.archive.db.read() as session:
                stored = documents.all_ids(session)
            indexed = self.index.ids()
            missing = sorted(stored - indexed)
            extra = sorted(indexed - stored)
            self.remove(extra)
            # Documents changed while the index was not updated after them are re-indexed too.
            stale = self.stale()
            missing = sorted(set(missing) | (stale & stored))
            step = 200
            for start in range(0, len(missing), step):
                self.add(missing[start : start + step])
                if progress:
                    progress(min(start + step, len(missing)), len(missing), "re-indexing missing documents")
            if stale - stored:
                with self.archive.db.write() as session:
                    meta.remove_stale(session, stale - stored)
        return len(missing), len(extra)

    def rebuild(self, progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
        """Build a fresh index from the database (atomically swapped in). Returns documents indexed."""
        with self.dirty():
            if self._index is not None:
                self._index.close()
                self._index = None
            with self.archive.db.read() as session:
                total = documents.count(session)
                entries = documents.index_entries(session, fields=self.fields)
                SearchIndex.build(
                    self.archive.paths.index,
                    entries,
                    total=total,
                    progress=progress,
                    cancelled=cancelled,
                    writer_memory_mb=self._writer_memory_mb,
                )
            with self.archive.db.write() as session:  # every entry was written afresh
                meta.remove(session, meta.INDEX_STALE)
                meta.remove(session, meta.INDEX_REBUILD)
        return total

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None
