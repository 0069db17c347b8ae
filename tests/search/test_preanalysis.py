"""Bodies analysed in an import worker index exactly as bodies analysed by the writer: same
terms, postings, positions and field lengths, so the same hits and scores; and the schema
stored with the index is Whoosh's own, untouched by the substitution."""

from __future__ import annotations

import pickle
from pathlib import Path

from whoosh import fields

from ctviewer.domain.search import IndexEntry
from ctviewer.search import SearchIndex, analyse_body

from ..conftest import CORPUS

SEEDS = sorted((CORPUS / "seeds").glob("*.txt"))


def _entries() -> list[IndexEntry]:
    texts = [p.read_text(encoding="utf-8") for p in SEEDS]
    texts.append("Counter-terrorism cooperation: the SCO's RATS met in Tashkent; terrorists, terrorism, 2022.")
    return [IndexEntry(i + 1, f"Document {i + 1}", text, "2022-03-03", "txt", "en") for i, text in enumerate(texts)]


def _postings(index: SearchIndex) -> dict[tuple[bytes, int], tuple[int, list[int]]]:
    """(term, document id) -> (frequency, positions) of every body term, and the field lengths."""
    searcher = index.searcher()
    reader = searcher.reader()
    out: dict[tuple[bytes, int], tuple[int, list[int]]] = {}
    for term in reader.lexicon("body"):
        postings = reader.postings("body", term)
        for docnum, positions in postings.items_as("positions"):
            doc_id = int(reader.stored_fields(docnum)["id"])
            out[(term, doc_id)] = (reader.doc_field_length(docnum, "body"), list(positions))
    return out


def test_worker_analysis_indexes_the_same_terms_positions_and_lengths(tmp_path: Path) -> None:
    entries = _entries()
    with SearchIndex.open(tmp_path / "plain") as plain, SearchIndex.open(tmp_path / "analysed") as analysed:
        plain.add(entries)
        # The worker's result crosses a process boundary: pickled and back.
        bodies = {e.id: pickle.loads(pickle.dumps(analyse_body(e.body))) for e in entries}
        analysed.add(entries, analysed=bodies)
        expected = _postings(plain)
        assert len(expected) > 250
        assert _postings(analysed) == expected
        for query in ('"Central Asia"', "terrorists", "cooperation AND Tashkent", "counter*"):
            a, b = plain.search(query, limit=10), analysed.search(query, limit=10)
            assert [(h.id, round(h.score, 9)) for h in a.hits] == [(h.id, round(h.score, 9)) for h in b.hits]
            assert a.total > 0


def test_the_stored_schema_is_whooshs_own(tmp_path: Path) -> None:
    entries = _entries()
    with SearchIndex.open(tmp_path / "index") as index:
        index.add(entries[:1], analysed={entries[0].id: analyse_body(entries[0].body)})
    with SearchIndex.open(tmp_path / "index") as reopened:
        body = reopened.searcher().schema["body"]
        assert type(body) is fields.TEXT and "index" not in vars(body)  # no proxy was stored
        # Plain text still goes through the analyser after an analysed add.
        reopened.add(entries[1:2])
        assert reopened.search("Voronkov", limit=5).total >= 1
