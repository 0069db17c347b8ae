"""Analysts' corrections: each is logged, changes the entities and the index, and survives
``extract --all`` (re-extraction never undoes a human decision)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from ctviewer.errors import KnownError, NotFoundError
from ctviewer.library import Library

from .conftest import doc_id, entity_named


def _log(library: Library) -> list[tuple[str, str, dict]]:
    with sqlite3.connect(library.archive.paths.db) as conn:
        rows = conn.execute("SELECT kind, who, payload FROM corrections ORDER BY id")
        return [(k, w, json.loads(p)) for k, w, p in rows]


def _state(library: Library) -> list[tuple]:
    """Everything an analyst sees of the entities: names, types, aliases, mentions, roles."""
    out = []
    for e in library.entity_records([s.id for s in library.entities()]):
        mentions = tuple((m.document_id, m.start, m.end) for m in library.entity_mentions(e.id))
        out.append((e.id, e.type, e.name, e.aliases, e.documents, mentions, e.roles))
    return sorted(out)


def test_merge_moves_everything_and_logs_it(fake_library: Library) -> None:
    zhang = entity_named(fake_library, "Zhang Ming")
    gherman = entity_named(fake_library, "Natalia Gherman")
    change = fake_library.merge([zhang, gherman])
    assert change.entities == (zhang,) and change.deleted == (gherman,)
    assert set(change.documents) == {doc_id(fake_library, "b.txt"), doc_id(fake_library, "c.txt")}
    merged = fake_library.entity(zhang)
    assert merged.mentions == 2 and "Natalia Gherman" in merged.aliases and len(merged.documents) == 2
    with pytest.raises(NotFoundError):
        fake_library.entity(gherman)
    kind, who, payload = _log(fake_library)[-1]
    assert kind == "merge" and who and payload["into"] == zhang and payload["entities"] == [gherman]
    # The index holds an entity's aliases: both documents are now about "Natalia Gherman".
    assert {h.id for h in fake_library.search('person:"natalia gherman"').hits} == set(change.documents)
    with pytest.raises(KnownError):
        fake_library.merge([zhang])


def test_rename_retype_alias_reject(fake_library: Library) -> None:
    voronkov = entity_named(fake_library, "Vladimir Voronkov")
    fake_library.rename(voronkov, "Vladimir Ivanovich Voronkov")
    record = fake_library.entity(voronkov)
    assert record.name == "Vladimir Ivanovich Voronkov" and "Vladimir Voronkov" in record.aliases
    jordan = entity_named(fake_library, "Jordan")
    fake_library.retype(jordan, "person")
    assert fake_library.entity(jordan).type == "person"
    with pytest.raises(KnownError, match="Unknown entity type"):
        fake_library.retype(jordan, "animal")
    acme = entity_named(fake_library, "Acme Group")
    fake_library.alias(acme, "ACME")
    assert "ACME" in fake_library.entity(acme).aliases
    assert {h.id for h in fake_library.search("org:acme").hits} == {doc_id(fake_library, "c.txt")}
    junk = entity_named(fake_library, "Regional Cooperation")
    change = fake_library.reject(junk)
    assert change.deleted == (junk,) and change.documents == (doc_id(fake_library, "a.txt"),)
    assert "Regional Cooperation" not in {e.name for e in fake_library.entities()}
    with pytest.raises(NotFoundError):
        fake_library.rename(junk, "x")
    assert [k for k, _, _ in _log(fake_library)] == ["rename", "retype", "alias", "reject"]


def test_split_moves_the_chosen_mentions_to_a_new_entity(fake_library: Library) -> None:
    voronkov = entity_named(fake_library, "Vladimir Voronkov")
    mentions = fake_library.entity_mentions(voronkov)
    c = doc_id(fake_library, "c.txt")
    moved = [m.id for m in mentions if m.document_id == c]
    change = fake_library.split(voronkov, moved, name="Vladimir Voronkov (UNOCT)")
    new = fake_library.entity(change.created or 0)
    assert new.name == "Vladimir Voronkov (UNOCT)" and new.type == "person" and new.documents == (c,)
    assert new.roles and new.roles[0].title == "Under-Secretary-General"
    assert c not in fake_library.entity(voronkov).documents
    with pytest.raises(NotFoundError):
        fake_library.split(voronkov, [moved[0]])  # no longer its mention
    assert _log(fake_library)[-1][2]["mentions"][0][:1] == [c]


def test_suggestions_can_be_dismissed(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from .conftest import open_fake

    docs = {"x.txt": ("2020-01-01", "Natalia Gherman spoke."), "y.txt": ("2020-02-02", "Natalia Germann replied.")}
    import tests.entities.conftest as fakes

    fakes.NAMES["Natalia Germann"] = "person"
    fakes._PATTERN = fakes.re.compile(
        r"\b(" + "|".join(fakes.re.escape(n) for n in sorted(fakes.NAMES, key=len, reverse=True)) + r")\b"
    )
    try:
        library = open_fake(tmp_path / "archive", docs)
        try:
            suggestions = library.suggestions()
            assert len(suggestions) == 1 and suggestions[0].reason == "similar names" and suggestions[0].evidence
            assert {suggestions[0].a_name, suggestions[0].b_name} == {"Natalia Gherman", "Natalia Germann"}
            library.dismiss_suggestion(suggestions[0].id)
            assert library.suggestions() == []
            library.extract(all=True)
            assert library.suggestions() == []  # still dismissed after re-extraction
            with pytest.raises(NotFoundError):
                library.dismiss_suggestion(12345)
        finally:
            library.close()
    finally:
        del fakes.NAMES["Natalia Germann"]
        fakes._PATTERN = fakes.re.compile(
            r"\b(" + "|".join(fakes.re.escape(n) for n in sorted(fakes.NAMES, key=len, reverse=True)) + r")\b"
        )


def test_reextraction_never_undoes_a_human_decision(fake_library: Library) -> None:
    lib = fake_library
    voronkov = entity_named(lib, "Vladimir Voronkov")
    zhang = entity_named(lib, "Zhang Ming")
    gherman = entity_named(lib, "Natalia Gherman")
    osce = entity_named(lib, "Organization for Security and Co-operation in Europe")
    c = doc_id(lib, "c.txt")
    lib.merge([zhang, gherman])
    lib.rename(osce, "OSCE (the Organization)")
    lib.retype(entity_named(lib, "Jordan"), "person")
    lib.alias(entity_named(lib, "Acme Group"), "ACME")
    lib.reject(entity_named(lib, "Regional Cooperation"))
    split = lib.split(voronkov, [m.id for m in lib.entity_mentions(voronkov) if m.document_id == c], name="V. V. (c)")
    before = _state(lib)
    log_before = _log(lib)

    report = lib.extract(all=True)
    assert report.documents == 3 and lib.pending_extraction() == 0
    assert _state(lib) == before
    assert _log(lib) == log_before  # replaying never writes to the log
    assert "Regional Cooperation" not in {e.name for e in lib.entities()}
    assert lib.entity(split.created or 0).documents == (c,)
    assert {h.id for h in lib.search('person:"natalia gherman"').hits} == {doc_id(lib, "b.txt"), c}

    # A new document is resolved with the same decisions.
    from .conftest import write_docs

    new = write_docs(
        lib.root.parent / "more", {"d.txt": ("2024-01-01", "Natalia Gherman and the Regional Cooperation of the OSCE.")}
    )
    lib.import_paths(new)
    lib.extract()
    d = doc_id(lib, "d.txt")
    assert d in lib.entity(zhang).documents and d in lib.entity(osce).documents
    assert "Regional Cooperation" not in {e.name for e in lib.entities()}
    assert _state(lib) != before  # (d.txt added mentions) but the decisions hold
    lib.extract(all=True)
    assert d in lib.entity(zhang).documents and lib.entity(osce).name == "OSCE (the Organization)"
