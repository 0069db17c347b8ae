"""The seed cross-document case end to end through the Library, with the real spaCy model."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ctviewer.library import Library
from ctviewer.paths import resources_dir

pytestmark = [pytest.mark.spacy, pytest.mark.slow]

SEEDS = resources_dir() / "sample" / "seeds"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Library]:
    library = Library.open(tmp_path_factory.mktemp("seeds") / "archive")
    report = library.import_paths([SEEDS])
    assert len(report.of("imported")) == 2
    library.extract()
    yield library
    library.close()


@pytest.mark.parametrize(
    "name",
    [
        "Vladimir Voronkov",
        "Organization for Security and Co-operation in Europe",
        "United Nations Office of Counter-Terrorism",
        "United Nations Regional Centre for Preventive Diplomacy for Central Asia",
    ],
)
def test_seed_entities_are_one_entity_in_both_documents(seeded: Library, name: str) -> None:
    ids = {d.id for d in seeded.documents()}
    matches = [
        e for e in seeded.entity_records([s.id for s in seeded.entities()]) if e.name == name or name in e.aliases
    ]
    assert len(matches) == 1, [(e.id, e.name, e.aliases) for e in matches]
    assert set(matches[0].documents) == ids


def test_seed_roles_and_search_fields(seeded: Library) -> None:
    voronkov = next(e for e in seeded.entities("person") if e.name == "Vladimir Voronkov")
    roles = seeded.roles_over_time(voronkov.id)
    assert roles and {r.title for r in roles} == {"Under-Secretary-General"}
    assert {r.organisation for r in roles} == {"United Nations Office of Counter-Terrorism"}
    ids = {d.id for d in seeded.documents()}
    assert {h.id for h in seeded.search("person:voronkov").hits} == ids
    assert {h.id for h in seeded.search("org:osce").hits} == ids
    assert {h.id for h in seeded.search("org:unoct").hits} == ids
    gherman = next(e for e in seeded.entities("person") if e.name == "Natalia Gherman")
    assert gherman.documents >= 1


def test_reextraction_with_the_real_model_keeps_a_merge_and_a_rejection(seeded: Library) -> None:
    orgs = {e.name: e.id for e in seeded.entities("organisation")}
    un = orgs["United Nations"]
    seeded.reject(un)
    places = {e.name: e.id for e in seeded.entities("place")}
    seeded.merge([places["Central Asia"], places["Asia"]]) if "Asia" in places else None
    before = {(e.id, e.name, e.mentions) for e in seeded.entities()}
    seeded.extract(all=True)
    assert {(e.id, e.name, e.mentions) for e in seeded.entities()} == before
    assert "United Nations" not in {e.name for e in seeded.entities()}


def test_the_archive_gazetteer_extends_the_shipped_one(tmp_path: Path) -> None:
    root = tmp_path / "archive"
    library = Library.open(root)
    (root / "gazetteer.yaml").write_text(
        "entities:\n"
        "  - id: dcef\n"
        "    name: Dushanbe Counter-Extremism Forum\n"
        "    type: organisation\n"
        "    acronyms: [DCEF]\n",
        encoding="utf-8",
    )
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "note.txt").write_text(
        "Experts met in Dushanbe on 4 May 2023. The DCEF reviewed regional programmes and the "
        "Dushanbe Counter-Extremism Forum agreed to meet again.\n",
        encoding="utf-8",
    )
    try:
        library.import_paths([inbox])
        library.extract()
        forum = [e for e in library.entities("organisation") if e.name == "Dushanbe Counter-Extremism Forum"]
        assert len(forum) == 1 and forum[0].mentions == 2
        # The acronym is known only from the archive's gazetteer (the text never defines it).
        assert "DCEF" in library.entity(forum[0].id).aliases
        assert len(library.search("org:dcef").hits) == 1
    finally:
        library.close()
