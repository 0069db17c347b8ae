"""The Whoosh index of one archive: open, add, delete, rebuild, search.

This is the only module (with its siblings in ``ctviewer.search``) that touches Whoosh, so
the engine can be swapped. Callers pass plain :class:`IndexEntry` records in and get plain
:class:`SearchResult` records out.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Iterator as _Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import sorting
from whoosh.filedb.filestore import FileStorage
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length, length_to_byte

from ctviewer.domain.progress import Cancelled, Progress
from ctviewer.domain.search import IndexEntry, SearchHit, SearchResult
from ctviewer.errors import ArchiveBusyError, BuildCancelled, IndexDamaged, KnownError, StorageError
from ctviewer.search import checksums
from ctviewer.search import query as queries
from ctviewer.search.facets import CachedFieldFacet, FacetTables, forget_other_segments
from ctviewer.search.hits import targets
from ctviewer.search.preanalysis import Analysed, accepting_analysed
from ctviewer.search.schema import FACET_FIELDS, FACET_SEPARATOR, build_schema
from ctviewer.search.snippets import Snippeter

# Bumped whenever the schema, the analysis or what a field holds changes: an index of another
# version is rebuilt on open (3: facet fields hold entity display names only, not aliases;
# 4: annotation notes/quotes in ``note``, annotation tags in ``tags``, ``annotated``;
# 5: field-length totals add the stored, rounded lengths, see _quantised_lengths).
SCHEMA_VERSION = 5
MARKER = "ctviewer-index.json"
FACET_LIMIT = 25
WRITER_LOCK_WAIT = 5.0  # seconds to wait for Whoosh's write lock held by another live process
MAX_LIMIT = 10_000
# Fields whose query words are marked in snippets (notes: an annotation's words are the document's).
_SNIPPET_FIELDS = frozenset({"body", "title", "person", "organisation", "place", "note"})

Texts = Callable[[Sequence[int]], dict[int, tuple[str, str | None, str]]]


class SearchIndex:
    """One open Whoosh index. Not thread-safe: use one instance per thread."""

    def __init__(self, path: Path, ix: whoosh_index.Index, writer_memory_mb: int) -> None:
        self.path = path
        self._ix = ix
        self._writer_memory_mb = writer_memory_mb
        self._searcher: Searcher | None = None
        self._parser = queries.make_parser(ix.schema)
        self._snippeter = Snippeter(ix.schema["body"].analyzer)
        self._facet_tables: FacetTables = {}  # see ctviewer.search.facets

    # -- opening and building ---------------------------------------------------------------
    @classmethod
    def open(cls, path: Path, *, writer_memory_mb: int = 128, create: bool = True) -> SearchIndex:
        """Open the index at ``path``; create an empty one where none exists yet.

        Raises :class:`IndexDamaged` when files are there but do not form a usable index
        of this program's schema version.
        """
        path = Path(path)
        if not path.exists() or not any(path.iterdir()):
            if not create:
                raise IndexDamaged(f"no search index at {path}")
            path.mkdir(parents=True, exist_ok=True)
            ix = _create(path)
            return cls(path, ix, writer_memory_mb)
        if _marker_version(path) != SCHEMA_VERSION:
            raise IndexDamaged("the search index was made by another version of ctviewer")
        try:
            ix = _storage(path).open_index()
            with ix.reader() as reader:  # touches the TOC and every segment's files
                reader.doc_count()
        except Exception as exc:  # any failure to open means the files are unusable
            raise IndexDamaged(f"the search index cannot be opened ({type(exc).__name__})") from exc
        return cls(path, ix, writer_memory_mb)

    @classmethod
    def build(
        cls,
        path: Path,
        entries: Iterable[IndexEntry],
        *,
        total: int | None = None,
        progress: Progress | None = None,
        cancelled: Cancelled | None = None,
        writer_memory_mb: int = 128,
    ) -> int:
        """Build a complete index beside ``path`` and swap it in; the old one stays until then."""
        with _disk_space():
            return cls._build(Path(path), entries, total, progress, cancelled, writer_memory_mb)

    @classmethod
    def _build(
        cls,
        path: Path,
        entries: Iterable[IndexEntry],
        total: int | None,
        progress: Progress | None,
        cancelled: Cancelled | None,
        writer_memory_mb: int,
    ) -> int:
        parent = path.parent
        for stale in parent.glob(path.name + ".new-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in parent.glob(path.name + ".old-*"):
            shutil.rmtree(stale, ignore_errors=True)
        fresh = parent / f"{path.name}.new-{os.getpid()}"
        fresh.mkdir(parents=True)
        count = 0
        try:
            ix = _create(fresh)
            writer = _quantised_lengths(ix.writer(limitmb=writer_memory_mb))
            try:
                for entry in entries:
                    if cancelled is not None and cancelled():
                        raise BuildCancelled("rebuilding the search index was cancelled")
                    writer.add_document(**_fields(entry))
                    count += 1
                    if progress is not None and count % 100 == 0:
                        progress(count, total, "indexing")
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            ix.close()
            checksums.refresh(fresh)
            if path.exists():
                old = parent / f"{path.name}.old-{os.getpid()}"
                path.rename(old)
                fresh.rename(path)
                shutil.rmtree(old, ignore_errors=True)
            else:
                fresh.rename(path)
        finally:
            if fresh.exists():
                shutil.rmtree(fresh, ignore_errors=True)
        if progress is not None:
            progress(count, total, "indexing")
        return count

    # -- reading ------------------------------------------------------------------------------
    def searcher(self) -> Searcher:
        """The current searcher, refreshed when another writer has committed since."""
        try:
            if self._searcher is None:
                self._searcher = self._ix.searcher()
            elif not self._searcher.up_to_date():
                # Not ``refresh()``: it re-uses segment readers and then misses deletions
                # committed to those segments since.
                self._searcher.close()
                self._searcher = None
                self._searcher = self._ix.searcher()
        except Exception as exc:
            raise IndexDamaged(f"the search index cannot be read ({type(exc).__name__})") from exc
        return self._searcher

    def doc_count(self) -> int:
        return int(self.searcher().doc_count())

    def ids(self) -> set[int]:
        """Ids of every live (not deleted) document in the index."""
        reader = self.searcher().reader()
        return {int(fields["id"]) for _, fields in reader.iter_docs()}

    # -- writing ------------------------------------------------------------------------------
    def add(
        self,
        entries: Sequence[IndexEntry],
        *,
        merge: bool = True,
        merge_smallest: bool = False,
        analysed: Mapping[int, Analysed] | None = None,
    ) -> None:
        """Index these documents, replacing earlier versions with the same id.

        ``merge=False`` commits a new segment without merging: bulk imports use it, because
        Whoosh's merge policy rewrites the growing index again and again (measured: 54 s
        instead of 30 s for 3,000 speeches); :meth:`optimize` merges once afterwards.
        ``analysed``: bodies an import worker already analysed (by document id), used instead of
        analysing the entry's body again here. ``merge_smallest``: merge the smaller half of the
        segments into one instead (bulk imports, once segments pile up; see _merge_smallest_half).
        """
        if not entries:
            return
        with _disk_space():
            self._add(entries, merge=merge, merge_smallest=merge_smallest, analysed=analysed)

    def _add(
        self,
        entries: Sequence[IndexEntry],
        *,
        merge: bool,
        merge_smallest: bool,
        analysed: Mapping[int, Analysed] | None,
    ) -> None:
        writer = self._writer()
        try:
            with accepting_analysed(writer):
                for entry in entries:
                    values: dict[str, object] = dict(_fields(entry))
                    if analysed and entry.id in analysed:
                        values["body"] = analysed[entry.id]
                    writer.update_document(**values)
            if merge_smallest:
                writer.commit(mergetype=_merge_smallest_half)
            else:
                writer.commit(merge=merge)
        except BaseException:
            writer.cancel()
            raise
        checksums.refresh(self.path)

    def delete(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        with _disk_space():
            writer = self._writer()
            try:
                for doc_id in ids:
                    writer.delete_by_term("id", str(doc_id))
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            checksums.refresh(self.path)

    def optimize(self) -> None:
        """Merge all segments into one (faster queries after bulk imports)."""
        with _disk_space():
            writer = self._writer()
            try:
                writer.commit(optimize=True)
            except BaseException:
                writer.cancel()
                raise
            checksums.refresh(self.path)

    def _writer(self) -> Any:
        """Whoosh's writer, waiting a moment for its lock.

        Callers hold the archive's writer lock, so Whoosh's own lock (an ``flock`` on
        ``index/WRITELOCK``, released by the kernel when its owner dies: a killed process never
        leaves it held) can only be taken by a live process outside ctviewer's discipline. That
        owner is never overridden: after a bounded wait the write is refused plainly, and the
        caller's dirty mark makes the next open repair the index.
        """
        try:
            writer = self._ix.writer(limitmb=self._writer_memory_mb, timeout=WRITER_LOCK_WAIT, delay=0.1)
        except whoosh_index.LockError:
            raise ArchiveBusyError(
                "Another program is writing to this archive's search index; nothing was changed in it. "
                "Try again when it has finished."
            ) from None
        return _quantised_lengths(writer)

    def damaged_files(self) -> list[str]:
        """Index files whose contents changed since they were written (reads every file; see
        :mod:`ctviewer.search.checksums`)."""
        return checksums.damaged(self.path)

    def segment_count(self) -> int:
        return len(self._ix._segments())

    def segment_sizes(self) -> list[int]:
        """Documents per segment (deleted ones included), for tests and diagnostics."""
        return [seg.doc_count_all() for seg in self._ix._segments()]

    # -- searching ----------------------------------------------------------------------------
    def parse(self, text: str) -> wq.Query:
        return queries.parse(self._parser, text)

    def search(
        self,
        text: str,
        *,
        limit: int = 20,
        texts: Texts | None = None,
        facets: bool = False,
        snippets: bool = True,
        restrict_ids: Iterable[int] | None = None,
    ) -> SearchResult:
        """Run a query. ``texts`` supplies (title, date, text) per id from the database;
        hits the database no longer holds are dropped (the index may lag behind).
        ``snippets=False`` leaves every hit's snippet empty (see :meth:`snippets`)."""
        parsed = self.parse(text)
        limit = max(1, min(int(limit), MAX_LIMIT))
        searcher = self.searcher()
        with _engine_reads():
            bounded = queries.bound_expansions(
                parsed, searcher.reader(), searcher.schema, queries.clean_query_text(text)
            )
        # limit=None: one pass that scores and counts every match. With a limit, Whoosh
        # skips low-scoring blocks and then needs a second, unscored pass for the exact
        # total; on phrase queries over 10,000 speeches that doubled the time (270 vs 138 ms).
        kwargs: dict[str, object] = {"limit": None}
        if restrict_ids is not None:
            kwargs["filter"] = wq.Or([wq.Term("id", str(i)) for i in restrict_ids]) or wq.NullQuery
        if facets:
            forget_other_segments(self._facet_tables, searcher)
            kwargs["groupedby"] = {
                name: CachedFieldFacet(field, self._facet_tables) for name, field in FACET_FIELDS.items()
            }
            kwargs["maptype"] = sorting.Count
        with _engine_reads():
            results = searcher.search(bounded, **kwargs)
            total = len(results)
            found = [(int(hit["id"]), float(hit.score)) for hit in results[:limit]]
            facet_counts = _facet_counts(results) if facets else {}
        data = texts([i for i, _ in found]) if texts is not None else None
        terms, phrases = targets(bounded, _SNIPPET_FIELDS) if snippets else (frozenset(), frozenset())
        hits: list[SearchHit] = []
        for doc_id, score in found:
            if data is not None and doc_id not in data:
                total -= 1  # in the index, gone from the database: never shown
                continue
            title, date, body = data[doc_id] if data is not None else ("", None, "")
            snippet = self._snippeter.snippet(body, terms, phrases) if snippets else ""
            hits.append(SearchHit(id=doc_id, score=score, title=title, date=date, snippet=snippet))
        suggestion = self._suggest(searcher, parsed, text) if total == 0 else None
        return SearchResult(
            query=text, total=max(total, 0), hits=tuple(hits), suggestion=suggestion, facets=facet_counts
        )

    def snippets(self, text: str, bodies: Mapping[int, str]) -> dict[int, str]:
        """Highlighted snippets of these documents' texts for the query ``text``, marked exactly
        as :meth:`search` marks them (prefix and fuzzy terms expanded the same way).

        The desktop app asks for the results first (``snippets=False``) and for snippets only
        of the rows that come on screen: a snippet costs the document's text and an analysis
        of it, a results page holds a hundred hits, and a screen shows about eight.
        """
        searcher = self.searcher()
        parsed = self.parse(text)
        with _engine_reads():
            bounded = queries.bound_expansions(
                parsed, searcher.reader(), searcher.schema, queries.clean_query_text(text)
            )
        terms, phrases = targets(bounded, _SNIPPET_FIELDS)
        return {doc_id: self._snippeter.snippet(body, terms, phrases) for doc_id, body in bodies.items()}

    def _suggest(self, searcher: Searcher, parsed: wq.Query, text: str) -> str | None:
        try:
            correction = searcher.correct_query(parsed, text, prefix=1)
        except Exception:  # a suggestion is a nicety; never let it fail a search
            return None
        if correction.query != parsed and correction.string and correction.string != text:
            return str(correction.string)
        return None

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._ix.close()

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _storage(path: Path) -> FileStorage:
    """The index folder, read through ordinary file reads rather than memory maps.

    With ``mmap``, Whoosh wraps each mapped segment file in a ``BytesIO``, which copies it:
    every open index then held its whole postings file in private memory (about 145 MB for
    100,000 documents, once per thread that opened it). Plain reads leave the bytes in the
    shared page cache and measured the same query times.
    """
    return FileStorage(str(path), supports_mmap=False)


def _create(path: Path) -> whoosh_index.Index:
    ix = _storage(path).create_index(build_schema())
    (path / MARKER).write_text(json.dumps({"schema_version": SCHEMA_VERSION}), encoding="utf-8")
    return ix


GENERATION = "GENERATION"


@contextmanager
def _engine_reads() -> _Iterator[None]:
    """Whoosh reading a damaged segment fails in many ways (zlib and struct errors, "Block tag
    error", TermNotFound for a term its own lexicon listed...): any failure of the engine's
    reads is the index's damage, reported as :class:`IndexDamaged`, never a traceback. Opening
    the index only reads its table of contents, so this is where such damage first shows."""
    try:
        yield
    except KnownError:
        raise
    except Exception as exc:
        detail = " ".join(f"{type(exc).__name__}: {exc}".split())[:200]
        raise IndexDamaged(f"the search index is damaged ({detail})") from exc


def _quantised_lengths(writer: Any) -> Any:
    """Make ``writer`` add each document's field length to the segment's totals as Whoosh
    stores it (one byte, rounded: 1,000 tokens are kept as 1,032), not exactly.

    Merging segments re-adds the stored, rounded lengths, so without this an index merged after
    an import had other BM25 average lengths than the same documents built afresh, and a repair
    (a rebuild) moved documents in the ranking (measured: 2 of 200 queries' top 10). With it,
    built, merged and rebuilt indexes score identically. Patched on this writer instance only.
    """
    per_doc = writer.perdocwriter
    add_field = per_doc.add_field

    def add_rounded(fieldname: str, fieldobj: Any, value: Any, length: int) -> None:
        add_field(fieldname, fieldobj, value, byte_to_length(length_to_byte(length)) if length else length)

    per_doc.add_field = add_rounded
    return writer


def _merge_smallest_half(writer: Any, segments: list[Any]) -> list[Any]:
    """Whoosh merge policy for bulk imports: merge the smaller half of the segments into one.

    Whoosh's MERGE_SMALL (fibonacci thresholds) merges *every* segment once there are a few
    dozen, the big ones included, so each merge costs more as the archive grows (measured on
    10,000 speeches: two such merges took 77 of 188 s). Merging only the small half keeps the
    segment count bounded while each merge's work stays bounded by the small segments.
    """
    from whoosh.reading import SegmentReader

    ordered = sorted(segments, key=lambda seg: seg.doc_count_all())
    small, kept = ordered[: len(ordered) // 2], ordered[len(ordered) // 2 :]
    for seg in small:
        reader = SegmentReader(writer.storage, writer.schema, seg)
        writer.add_reader(reader)
        reader.close()
    return kept


@contextmanager
def _disk_space() -> _Iterator[None]:
    """A full disk while Whoosh writes becomes the plain StorageError the database gives; the
    half-written segment is discarded by the writer's cancel, the database is untouched."""
    try:
        yield
    except OSError as exc:
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            raise StorageError(
                "The disk is full: the search index could not be written. Free some "
                "space; the index is brought up to date when the archive is next opened."
            ) from exc
        raise


def read_generation(path: Path) -> str | None:
    """The generation token last written beside the index at ``path`` (None when there is none)."""
    try:
        return (Path(path) / GENERATION).read_text(encoding="ascii").strip() or None
    except (OSError, UnicodeDecodeError):
        return None


def write_generation(path: Path, token: str) -> None:
    """Record ``token`` beside the index (written aside, then renamed: never half a token)."""
    tmp = Path(path) / (GENERATION + ".tmp")
    tmp.write_text(token, encoding="ascii")
    tmp.replace(Path(path) / GENERATION)


def _marker_version(path: Path) -> int | None:
    try:
        return int(json.loads((path / MARKER).read_text(encoding="utf-8"))["schema_version"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _or(facet: tuple[str, ...] | None, names: tuple[str, ...]) -> tuple[str, ...]:
    return names if facet is None else facet


def _fields(entry: IndexEntry) -> dict[str, str]:
    out = {
        "id": str(entry.id),
        "title": entry.title or "",
        "body": entry.body or "",
        "file_type": entry.file_type or "",
        "person": FACET_SEPARATOR.join(entry.people),
        "organisation": FACET_SEPARATOR.join(entry.organisations),
        "place": FACET_SEPARATOR.join(entry.places),
        "person_facet": FACET_SEPARATOR.join(_or(entry.facet_people, entry.people)),
        "organisation_facet": FACET_SEPARATOR.join(_or(entry.facet_organisations, entry.organisations)),
        "place_facet": FACET_SEPARATOR.join(_or(entry.facet_places, entry.places)),
        "tags": ",".join(t.replace(",", " ") for t in entry.tags),
        "note": FACET_SEPARATOR.join(entry.notes),
        "annotated": "yes" if entry.annotated else "",
    }
    if entry.date:
        out["date"] = entry.date
        out["year"] = entry.date[:4]
    if entry.language:
        out["language"] = entry.language
    return {k: v for k, v in out.items() if v != "" or k in ("id", "title", "body")}


def _facet_counts(results: object) -> dict[str, tuple[tuple[str, int], ...]]:
    out: dict[str, tuple[tuple[str, int], ...]] = {}
    for name in FACET_FIELDS:
        try:
            groups = results.groups(name)  # type: ignore[attr-defined]
        except (KeyError, ValueError):
            continue
        pairs = [
            (k.decode("utf-8") if isinstance(k, bytes) else str(k), int(v))
            for k, v in groups.items()
            if k not in (None, "", b"")
        ]
        pairs.sort(key=lambda kv: (-kv[1], kv[0]))
        out[name] = tuple(pairs[:FACET_LIMIT])
    return out
