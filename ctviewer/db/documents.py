"""Queries and writes for documents. Sessions in, frozen records out."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Literal, NamedTuple, Protocol

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from ctviewer.db.models import Document, DocumentText
from ctviewer.domain.documents import DocumentRecord, DocumentSummary, ExtractedText, PageSpan
from ctviewer.domain.search import IndexEntry

SortKey = Literal["id", "title", "date", "imported_at"]


class DocumentFields(NamedTuple):
    """What the entity and annotation layers add to one document's index entry: every name an
    entity is searchable by (display names and aliases), tags, and the display names alone (the
    facet values: one count per entity, not one per spelling)."""

    people: tuple[str, ...] = ()
    organisations: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    people_names: tuple[str, ...] = ()
    organisation_names: tuple[str, ...] = ()
    place_names: tuple[str, ...] = ()
    # Annotations: quoted passages and notes of the live annotations (never empty on an annotated
    # document: every annotation has a quote).
    notes: tuple[str, ...] = ()


EntityFields = dict[int, DocumentFields]


class FieldsProvider(Protocol):
    """People, organisations, places and tags per document id, for the search index."""

    def __call__(self, session: Session, ids: Sequence[int], /) -> EntityFields: ...


def _summary(doc: Document) -> DocumentSummary:
    return DocumentSummary(
        id=doc.id,
        title=doc.title,
        date=doc.date,
        source_path=doc.source_path,
        sha256=doc.sha256,
        pages=doc.pages,
        language=doc.language,
        file_type=doc.file_type,
        size_bytes=doc.size_bytes,
        imported_at=doc.imported_at,
        place=doc.place,
        warnings=tuple(json.loads(doc.warnings or "[]")),
    )


def find_by_sha256(session: Session, sha256: str) -> int | None:
    return session.scalar(select(Document.id).where(Document.sha256 == sha256))


def insert_document(
    session: Session,
    extracted: ExtractedText,
    *,
    sha256: str,
    size_bytes: int,
    source_path: str,
    original_name: str,
    imported_at: str,
    title: str,
) -> int:
    """Add a document and its text; returns the new id (flushes, does not commit)."""
    doc = Document(
        sha256=sha256,
        title=title,
        date=extracted.date,
        place=extracted.place,
        language=extracted.language,
        pages=extracted.pages,
        file_type=extracted.file_type,
        encoding=extracted.encoding,
        size_bytes=size_bytes,
        source_path=source_path,
        original_name=original_name,
        imported_at=imported_at,
        truncated=int(extracted.truncated),
        warnings=json.dumps(list(extracted.warnings)),
        extra=json.dumps(dict(extracted.extra)),
        extraction_state="pending",
    )
    session.add(doc)
    session.flush()
    session.add(
        DocumentText(
            document_id=doc.id,
            text=extracted.text,
            # "" stands for "the same as the clean text": most plain-text files need no
            # cleanup, and storing their text twice doubled the database.
            raw_text="" if extracted.raw_text == extracted.text else extracted.raw_text,
            page_spans=json.dumps([[s.page, s.start, s.end] for s in extracted.page_spans]),
        )
    )
    return doc.id


def count(session: Session) -> int:
    return session.scalar(select(func.count(Document.id))) or 0


def existing_ids(session: Session, ids: Sequence[int]) -> set[int]:
    found: set[int] = set()
    chunk = list(ids)
    for start in range(0, len(chunk), 500):
        found.update(session.scalars(select(Document.id).where(Document.id.in_(chunk[start : start + 500]))))
    return found


def all_ids(session: Session) -> set[int]:
    return set(session.scalars(select(Document.id)))


def originals(session: Session) -> list[tuple[int, str, str]]:
    """(id, sha256, source path) of every document: where its original must be."""
    return [
        (i, sha, src) for i, sha, src in session.execute(select(Document.id, Document.sha256, Document.source_path))
    ]


def list_summaries(
    session: Session, *, offset: int = 0, limit: int | None = None, sort: SortKey = "id", descending: bool = False
) -> list[DocumentSummary]:
    column = getattr(Document, sort)
    order = column.desc() if descending else column.asc()
    stmt = select(Document).order_by(order, Document.id).offset(offset)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [_summary(d) for d in session.scalars(stmt)]


def get_record(session: Session, doc_id: int) -> DocumentRecord | None:
    doc = session.get(Document, doc_id)
    if doc is None:
        return None
    text = session.get(DocumentText, doc_id)
    spans = json.loads(text.page_spans) if text else []
    return DocumentRecord(
        summary=_summary(doc),
        text=text.text if text else "",
        raw_text=(text.raw_text or text.text) if text else "",
        page_spans=tuple(PageSpan(page=p, start=s, end=e) for p, s, e in spans),
        encoding=doc.encoding,
        truncated=bool(doc.truncated),
        extra=tuple(sorted(json.loads(doc.extra or "{}").items())),
    )


def texts_for(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str | None, str]]:
    """{id: (title, date, clean text)} for the ids that exist (used for search snippets)."""
    if not ids:
        return {}
    rows = session.execute(
        select(Document.id, Document.title, Document.date, DocumentText.text)
        .join(DocumentText, DocumentText.document_id == Document.id)
        .where(Document.id.in_(list(ids)))
    )
    return {r.id: (r.title, r.date, r.text) for r in rows}


def titles_for(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, str | None, str]]:
    """{id: (title, date, "")} for the ids that exist: a page of search results without reading
    any document's text (snippets come later, for the rows on screen)."""
    if not ids:
        return {}
    rows = session.execute(select(Document.id, Document.title, Document.date).where(Document.id.in_(list(ids))))
    return {r.id: (r.title, r.date, "") for r in rows}


def index_entries(
    session: Session,
    ids: Sequence[int] | None = None,
    *,
    fields: FieldsProvider | None = None,
    batch: int = 200,
) -> Iterator[IndexEntry]:
    """Stream what the search index needs, batch by batch, from the database.

    ``fields`` fills people/organisations/places/tags (the entity and annotation layers
    provide it), so this module stays unaware of how those are stored.
    """
    id_list = sorted(all_ids(session) if ids is None else ids)
    for start in range(0, len(id_list), batch):
        chunk = id_list[start : start + batch]
        rows = session.execute(
            select(Document.id, Document.title, Document.date, Document.file_type, Document.language, DocumentText.text)
            .join(DocumentText, DocumentText.document_id == Document.id)
            .where(Document.id.in_(chunk))
            .order_by(Document.id)
        ).all()
        extra = fields(session, chunk) if fields is not None else {}
        for r in rows:
            f = extra.get(r.id, DocumentFields())
            yield IndexEntry(
                id=r.id,
                title=r.title,
                body=r.text,
                date=r.date,
                file_type=r.file_type,
                language=r.language,
                people=f.people,
                organisations=f.organisations,
                places=f.places,
                tags=f.tags,
                facet_people=f.people_names,
                facet_organisations=f.organisation_names,
                facet_places=f.place_names,
                notes=f.notes,
                annotated=bool(f.notes),
            )


def without_text(session: Session) -> list[int]:
    """Documents whose text row is missing (only a salvaged database can have them)."""
    return list(
        session.scalars(
            select(Document.id)
            .where(~select(DocumentText.document_id).where(DocumentText.document_id == Document.id).exists())
            .order_by(Document.id)
        )
    )


def delete_documents(session: Session, ids: Sequence[int]) -> int:
    """Delete documents; texts and mentions go with them (cascade), annotations wait for the
    same file to be imported again (``document_id`` set NULL, sha256 kept)."""
    result = session.execute(delete(Document).where(Document.id.in_(list(ids))))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def set_extraction_state(session: Session, ids: Sequence[int], state: str) -> None:
    session.execute(update(Document).where(Document.id.in_(list(ids))).values(extraction_state=state))


def pending_extraction(session: Session) -> list[int]:
    return list(
        session.scalars(select(Document.id).where(Document.extraction_state == "pending").order_by(Document.id))
    )


def set_all_pending(session: Session) -> None:
    """Every document waits for entity extraction again (re-extraction of the whole archive)."""
    session.execute(update(Document).values(extraction_state="pending"))


def pending_chars(session: Session, max_chars: int) -> int:
    """Characters the extraction of the pending documents will read (each text up to ``max_chars``)."""
    read_chars = func.min(func.length(DocumentText.text), max_chars)
    pending = select(Document.id).where(Document.extraction_state == "pending")
    return int(session.scalar(select(func.sum(read_chars)).where(DocumentText.document_id.in_(pending))) or 0)


def extraction_texts(session: Session, ids: Sequence[int], max_chars: int) -> list[tuple[int, str | None, str]]:
    """(id, date, the first ``max_chars`` characters of the clean text) of these documents, by id."""
    rows = session.execute(
        # SQLite's substr counts characters, as Python's slices do.
        select(Document.id, Document.date, func.substr(DocumentText.text, 1, max_chars))
        .join(DocumentText, DocumentText.document_id == Document.id)
        .where(Document.id.in_(list(ids)))
        .order_by(Document.id)
    )
    return [(doc_id, date, text) for doc_id, date, text in rows]


def get_row(session: Session, doc_id: int) -> Document | None:
    """The document's ORM row (for use inside this session only)."""
    return session.get(Document, doc_id)


def text_of(session: Session, doc_id: int) -> str | None:
    row = session.get(DocumentText, doc_id)
    return None if row is None else row.text


def replace_text(session: Session, doc_id: int, extracted: ExtractedText) -> tuple[bool, str | None]:
    """Store a re-read text of a document: (whether it changed, the text it had before; None when
    its text row was lost, as in a salvaged database). An unchanged text is left alone. A changed
    one waits for entity extraction again, with its page count updated."""
    row = session.get(DocumentText, doc_id)
    old_text: str | None
    if row is None:
        row = DocumentText(document_id=doc_id, text="", raw_text="", page_spans="[]")
        session.add(row)
        old_text = None
    elif row.text == extracted.text:
        return False, row.text
    else:
        old_text = row.text
    row.text = extracted.text
    row.raw_text = "" if extracted.raw_text == extracted.text else extracted.raw_text
    row.page_spans = json.dumps([[s.page, s.start, s.end] for s in extracted.page_spans])
    session.execute(
        update(Document).where(Document.id == doc_id).values(extraction_state="pending", pages=extracted.pages)
    )
    session.flush()
    return True, old_text
