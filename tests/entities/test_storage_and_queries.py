"""Storing extraction results and the queries the panes use, with the fake extractor (fast)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from ctviewer.library import Library

from .conftest import DOCS, FakeExtractor, doc_id, entity_named, open_fake


def test_pending_documents_are_extracted_once_and_marked_done(tmp_path: Path) -> None:
    library = open_fake(tmp_path / "archive", extract=False)
    try:
        assert library.pending_extraction() == len(DOCS)
        report = library.extract()
        assert report.documents == len(DOCS) and report.mentions > 0 and not report.cancelled
        assert library.pending_extraction() == 0
        fake = library.entity_service.extractor
        assert isinstance(fake, FakeExtractor) and fake.calls == len(DOCS)
        assert library.extract().documents == 0 and fake.calls == len(DOCS)  # nothing left to do
    finally:
        library.close()


def test_cancelled_extraction_keeps_finished_batches_and_resumes(tmp_path: Path) -> None:
    library = open_fake(tmp_path / "archive", extract=False)
    try:
        library.entity_service.batch_documents = 1
        calls = iter([False, True])
        report = library.extract(cancelled=lambda: next(calls, True))
        assert report.cancelled and report.documents == 1
        assert library.pending_extraction() == len(DOCS) - 1
        assert library.extract().documents == len(DOCS) - 1 and library.pending_extraction() == 0
    finally:
        library.close()


def test_a_failed_batch_stores_nothing_of_it(tmp_path: Path) -> None:
    library = open_fake(tmp_path / "archive", extract=False)
    try:
        service = library.entity_service
        real = service._store

        def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
            real(*args, **kwargs)
            raise RuntimeError("crash after writing, before commit")

        service._store = broken  # type: ignore[method-assign]
        with pytest.raises(RuntimeError, match="crash after writing"):
            library.extract()
        assert library.pending_extraction() == len(DOCS) and library.entities() == []
        del service._store
        assert library.extract().documents == len(DOCS)
    finally:
        library.close()


def test_cross_document_entities_with_counts_and_paging(fake_library: Library) -> None:
    voronkov = fake_library.entity(entity_named(fake_library, "Vladimir Voronkov"))
    assert voronkov.type == "person" and voronkov.mentions == 4 and len(voronkov.documents) == 3
    assert "Voronkov" in voronkov.aliases  # the surname-only reference in a.txt
    osce = fake_library.entity(entity_named(fake_library, "Organization for Security and Co-operation in Europe"))
    assert osce.gazetteer_id == "osce" and "OSCE" in osce.aliases and len(osce.documents) == 3
    people = fake_library.entities("person", sort="mentions", descending=True)
    assert people[0].name == "Vladimir Voronkov" and {e.type for e in people} == {"person"}
    assert fake_library.entity_count("person") == len(people)
    everything = fake_library.entities(sort="name")
    names = [e.name.lower() for e in everything]
    assert names == sorted(names)
    page = fake_library.entities(sort="name", offset=2, limit=3)
    assert [e.id for e in page] == [e.id for e in everything[2:5]]
    by_docs = fake_library.entities(sort="documents", descending=True)
    assert [e.documents for e in by_docs] == sorted((e.documents for e in by_docs), reverse=True)


def test_entity_documents_and_keyword_in_context(fake_library: Library) -> None:
    voronkov = entity_named(fake_library, "Vladimir Voronkov")
    docs = fake_library.entity_documents(voronkov)
    assert [d.date for d in docs] == ["2021-05-01", "2022-03-03", "2023-07-09"]
    assert docs[0].mentions == 2
    mentions = fake_library.entity_mentions(voronkov)
    assert len(mentions) == 4
    first = mentions[0]
    assert first.keyword == first.text == "Vladimir Voronkov"
    assert first.context == "Vladimir Voronkov met the OSCE in Tashkent."
    surname = mentions[1]
    assert surname.text == "Voronkov" and surname.left == " " and surname.right == " thanked Uzbekistan."
    text = fake_library.document(surname.document_id).text
    assert text[surname.start : surname.end] == "Voronkov"
    only_c = fake_library.entity_mentions(voronkov, document_id=doc_id(fake_library, "c.txt"))
    assert len(only_c) == 1 and "UN Office of Counter-Terrorism" in only_c[0].context


def test_roles_over_time(fake_library: Library) -> None:
    roles = fake_library.roles_over_time(entity_named(fake_library, "Vladimir Voronkov"))
    assert [r.date for r in roles] == ["2021-05-01", "2022-03-03", "2023-07-09"]
    assert {r.title for r in roles} == {"Under-Secretary-General"}
    assert {r.organisation for r in roles} == {"United Nations Office of Counter-Terrorism"}
    assert len({r.organisation_id for r in roles}) == 1 and roles[0].organisation_id is not None


def test_cooccurrence_by_document_and_by_sentence(fake_library: Library) -> None:
    voronkov = entity_named(fake_library, "Vladimir Voronkov")
    by_doc = {c.name: c.count for c in fake_library.cooccurring(voronkov)}
    assert by_doc["Tashkent"] == 3 and by_doc["Organization for Security and Co-operation in Europe"] == 3
    assert by_doc["Zhang Ming"] == 1 and "Vladimir Voronkov" not in by_doc
    by_sentence = {c.name: c.count for c in fake_library.cooccurring(voronkov, scope="sentence")}
    # a.txt: with the OSCE and Tashkent; b.txt: with the OSCE; c.txt: with UNOCT.
    assert by_sentence["Organization for Security and Co-operation in Europe"] == 2
    assert by_sentence["Tashkent"] == 1 and "Zhang Ming" not in by_sentence
    assert by_sentence["United Nations Office of Counter-Terrorism"] == 1


def test_entity_fields_feed_the_search_index(fake_library: Library) -> None:
    a, b, c = (doc_id(fake_library, n) for n in ("a.txt", "b.txt", "c.txt"))
    assert {h.id for h in fake_library.search("person:voronkov").hits} == {a, b, c}
    assert {h.id for h in fake_library.search("org:osce").hits} == {a, b, c}  # b only spells it out
    assert {h.id for h in fake_library.search("org:unoct").hits} == {c}  # gazetteer acronym
    assert {h.id for h in fake_library.search("place:tashkent").hits} == {a, b, c}
    assert {h.id for h in fake_library.search('person:"zhang ming"').hits} == {b}


def test_facets_count_entities_by_display_name_not_each_spelling(fake_library: Library) -> None:
    facets = fake_library.search("tashkent", facets=True).facets
    people = dict(facets["person"])
    assert people["Vladimir Voronkov"] == 3
    assert "Voronkov" not in people  # a surname-only mention, resolved to him
    orgs = dict(facets["organisation"])
    osce = next(name for name in orgs if "Europe" in name)
    assert orgs[osce] == 3 and "OSCE" not in orgs  # the acronym is an alias, not a second value


def test_foreign_keys_hold_and_deleting_a_document_cascades(fake_library: Library) -> None:
    db = fake_library.archive.paths.db
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA foreign_keys=ON")
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        a = doc_id(fake_library, "a.txt")
        conn.execute("DELETE FROM documents WHERE id=?", (a,))
        assert conn.execute("SELECT count(*) FROM mentions WHERE document_id=?", (a,)).fetchone()[0] == 0
        assert conn.execute("SELECT count(*) FROM roles WHERE document_id=?", (a,)).fetchone()[0] == 0


def test_unknown_entity_is_not_found(fake_library: Library) -> None:
    from ctviewer.errors import NotFoundError

    for call in (
        fake_library.entity,
        fake_library.entity_mentions,
        fake_library.roles_over_time,
        fake_library.cooccurring,
        fake_library.entity_documents,
    ):
        with pytest.raises(NotFoundError, match="99999"):
            call(99999)


def test_document_mentions_are_spans_in_text_order(fake_library: Library) -> None:
    doc = doc_id(fake_library, "a.txt")
    text = fake_library.document(doc).text
    spans = fake_library.document_mentions(doc)
    assert [(s.start, s.end) for s in spans] == sorted((s.start, s.end) for s in spans)
    assert [text[s.start : s.end] for s in spans] == [
        "Vladimir Voronkov",
        "OSCE",
        "Tashkent",
        "Regional Cooperation",
        "Voronkov",
        "Uzbekistan",
    ]
    voronkov = entity_named(fake_library, "Vladimir Voronkov")
    assert {s.entity_id for s in spans if "Voronkov" in text[s.start : s.end]} == {voronkov}
    assert {s.type for s in spans if s.entity_id == voronkov} == {"person"}
    fake_library.reject(entity_named(fake_library, "Regional Cooperation"))
    assert "Regional Cooperation" not in [text[s.start : s.end] for s in fake_library.document_mentions(doc)]
