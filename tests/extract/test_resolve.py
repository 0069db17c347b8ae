"""Resolution rules, one test each, on hand-made mentions (no model), plus the seed documents."""

from __future__ import annotations

import re

import pytest

from ctviewer.domain.entities import EntityType
from ctviewer.extract.keys import name_key, person_loose_key
from ctviewer.extract.model import Mention
from ctviewer.extract.pipeline import Extractor
from ctviewer.extract.resolve import DocumentMentions, KnownEntity, Pins, Resolver


def doc(
    doc_id: int,
    text: str,
    *names: tuple[str, EntityType],
    role: tuple[str, str, str] | None = None,
) -> DocumentMentions:
    """Mentions at the first occurrence of each name not yet used (each (name, type) in order)."""
    ms: list[Mention] = []
    pos: dict[str, int] = {}
    for name, typ in names:
        start = text.index(name, pos.get(name, 0))
        pos[name] = start + len(name)
        r_title = r_org = None
        if role and role[0] == name:
            r_title, r_org = role[1], role[2]
        ms.append(Mention(typ, start, start + len(name), name, 0, len(text), r_title, r_org))
    return DocumentMentions(doc_id, text, tuple(ms))


def same(res, *names: str) -> bool:  # type: ignore[no-untyped-def]
    keys = {res.by_name(n).key for n in names}
    return len(keys) == 1


def test_keys_fold_spelling_case_punctuation() -> None:
    assert name_key("the Organisation for Security and Co-operation in Europe") == name_key(
        "ORGANIZATION FOR SECURITY AND COOPERATION IN EUROPE"
    )
    assert name_key("UN Regional Centre") == name_key("United Nations Regional Center")
    assert name_key("Programme of Defence") == name_key("program of defense")
    assert name_key("OSCE's") == "osce"
    assert name_key("Mr. Vladimir Voronkov") == "vladimir voronkov"


def test_transliteration_loose_key() -> None:
    assert person_loose_key("Shavkat Mirziyoyev") == person_loose_key("Shavkat Mirziyoev")
    assert person_loose_key("Kassym-Jomart Tokayev") == person_loose_key("Kassym-Jomart Tokaev")
    assert person_loose_key("Shavkat Mirziyoyev") != person_loose_key("Bakhtiyor Mirziyoyev")


def test_british_american_spelling_merges() -> None:
    r = Resolver().resolve(
        [
            doc(
                1, "the Foo Centre for Regional Co-operation", ("Foo Centre for Regional Co-operation", "organisation")
            ),
            doc(2, "the Foo Center for Regional Cooperation", ("Foo Center for Regional Cooperation", "organisation")),
        ]
    )
    assert same(r, "Foo Centre for Regional Co-operation", "Foo Center for Regional Cooperation")


def test_un_prefix_equivalence() -> None:
    r = Resolver().resolve(
        [
            doc(1, "UN Office for Blue Skies", ("UN Office for Blue Skies", "organisation")),
            doc(2, "United Nations Office for Blue Skies", ("United Nations Office for Blue Skies", "organisation")),
            doc(3, "the Office for Blue Skies", ("Office for Blue Skies", "organisation")),
        ]
    )
    assert same(r, "UN Office for Blue Skies", "United Nations Office for Blue Skies", "Office for Blue Skies")


def test_gazetteer_acronym_and_canonical_name() -> None:
    r = Resolver().resolve(
        [
            doc(1, "the OSCE met", ("OSCE", "organisation")),
            doc(
                2,
                "Organisation for Security and Cooperation in Europe",
                ("Organisation for Security and Cooperation in Europe", "organisation"),
            ),
        ]
    )
    e = r.by_name("OSCE")
    assert e is not None and e.gazetteer_id == "osce"
    assert e.name == "Organization for Security and Co-operation in Europe"
    assert set(e.documents) == {1, 2}


def test_acronym_defined_in_text() -> None:
    text = "The Zeta Watch Group (ZWG) met. Later the ZWG reported."
    d1 = doc(1, text, ("Zeta Watch Group", "organisation"), ("ZWG", "organisation"), ("ZWG", "organisation"))
    d2 = doc(2, "A ZWG report.", ("ZWG", "organisation"))
    r = Resolver().resolve([d1, d2])
    e = r.by_name("Zeta Watch Group")
    assert e is not None and e.name == "Zeta Watch Group" and "ZWG" in e.aliases
    assert set(e.documents) == {1, 2}  # used globally because it is defined one way only


def test_ambiguous_acronym_not_used_globally() -> None:
    d1 = doc(1, "Zeta Watch Group (ZWG) met.", ("Zeta Watch Group", "organisation"), ("ZWG", "organisation"))
    d2 = doc(2, "Zulu Wind Guild (ZWG) met.", ("Zulu Wind Guild", "organisation"), ("ZWG", "organisation"))
    d3 = doc(3, "A ZWG report.", ("ZWG", "organisation"))
    r = Resolver().resolve([d1, d2, d3])
    assert r.entity_of(1, 1).key == r.by_name("Zeta Watch Group").key  # type: ignore[union-attr]
    assert r.entity_of(2, 1).key == r.by_name("Zulu Wind Guild").key  # type: ignore[union-attr]
    assert r.entity_of(3, 0).key not in {r.by_name("Zeta Watch Group").key, r.by_name("Zulu Wind Guild").key}  # type: ignore[union-attr]


def test_surname_only_in_same_document() -> None:
    text = "Vladimir Voronkov spoke. Mr. Voronkov added. Voronkov left."
    r = Resolver().resolve(
        [doc(1, text, ("Vladimir Voronkov", "person"), ("Voronkov", "person"), ("Voronkov", "person"))]
    )
    keys = {r.entity_of(1, i).key for i in range(3)}  # type: ignore[union-attr]
    assert len(keys) == 1
    assert r.by_name("Vladimir Voronkov").name == "Vladimir Voronkov"  # type: ignore[union-attr]


def test_surname_only_elsewhere_is_a_suggestion_not_a_merge() -> None:
    r = Resolver().resolve(
        [
            doc(1, "Vladimir Voronkov spoke.", ("Vladimir Voronkov", "person")),
            doc(2, "Voronkov spoke.", ("Voronkov", "person")),
        ]
    )
    assert r.entity_of(1, 0).key != r.entity_of(2, 0).key  # type: ignore[union-attr]
    assert any(s.reason == "surname only" for s in r.suggestions)


def test_transliteration_variants_merge_when_first_names_agree() -> None:
    r = Resolver().resolve(
        [
            doc(1, "Shavkat Mirziyoyev", ("Shavkat Mirziyoyev", "person")),
            doc(2, "Shavkat Mirziyoev", ("Shavkat Mirziyoev", "person")),
            doc(3, "Bakhodir Mirziyoev", ("Bakhodir Mirziyoev", "person")),
        ]
    )
    assert same(r, "Shavkat Mirziyoyev", "Shavkat Mirziyoev")
    assert r.by_name("Bakhodir Mirziyoev").key != r.by_name("Shavkat Mirziyoev").key  # type: ignore[union-attr]


def test_fuzzy_similarity_is_only_suggested() -> None:
    r = Resolver().resolve(
        [
            doc(1, "The Kyrgyz Border Service met.", ("Kyrgyz Border Service", "organisation")),
            doc(2, "The Kyrgyz Borders Service met.", ("Kyrgyz Borders Service", "organisation")),
        ]
    )
    a, b = r.by_name("Kyrgyz Border Service"), r.by_name("Kyrgyz Borders Service")
    assert a is not None and b is not None and a.key != b.key
    s = next(s for s in r.suggestions if {s.a, s.b} == {a.key, b.key})
    assert s.score >= 85 and s.evidence and "Kyrgyz" in s.evidence[0]


def test_truncated_name_completed_by_role() -> None:
    d1 = doc(
        1,
        "Under-Secretary-General of the UN Counter-Terrorism Office Vladimir Voronkov spoke.",
        ("UN Counter-Terrorism Office", "organisation"),
        ("Vladimir Voronkov", "person"),
        role=("Vladimir Voronkov", "Under-Secretary-General", "UN Counter-Terrorism Office"),
    )
    d2 = doc(
        2,
        "Mr. Vladimir Voronkov, Under-Secretary-General, United Nations Office of\n\nI hope",
        ("Vladimir Voronkov", "person"),
        ("United Nations Office of", "organisation"),
        role=("Vladimir Voronkov", "Under-Secretary-General", "United Nations Office of"),
    )
    r = Resolver().resolve([d1, d2])
    assert r.entity_of(2, 1).gazetteer_id == "unoct"  # type: ignore[union-attr]
    assert {ro.organisation for ro in r.roles} == {"gaz:unoct"}


def test_existing_entities_keep_their_ids() -> None:
    existing = [KnownEntity(7, "person", "Vladimir Voronkov", ("V. Voronkov",))]
    r = Resolver(existing=existing).resolve([doc(1, "V. Voronkov spoke", ("V. Voronkov", "person"))])
    e = r.entity_of(1, 0)
    assert e is not None and e.existing_id == 7 and e.key == "id:7" and e.name == "Vladimir Voronkov"


def test_pinned_alias_wins() -> None:
    # An analyst merged "Natalia Gherman" into entity 42 (and added the alias "N. Gherman").
    pins = Pins(aliases={Pins.key("Natalia Gherman"): 42, Pins.key("N. Gherman"): 42})
    r = Resolver(pins=pins).resolve(
        [
            doc(1, "Natalia Gherman spoke", ("Natalia Gherman", "person")),
            doc(2, "N. Gherman spoke", ("N. Gherman", "person")),
        ]
    )
    assert r.entity_of(1, 0).key == r.entity_of(2, 0).key == "id:42"  # type: ignore[union-attr]


def test_pinned_alias_overrides_gazetteer() -> None:
    pins = Pins(aliases={Pins.key("OSCE"): 5})
    r = Resolver(pins=pins).resolve([doc(1, "the OSCE met", ("OSCE", "organisation"))])
    assert r.entity_of(1, 0).key == "id:5"  # type: ignore[union-attr]


def test_rejected_keys_are_not_entities() -> None:
    pins = Pins(rejected=frozenset({Pins.key("Excellencies")}))
    r = Resolver(pins=pins).resolve(
        [doc(1, "Excellencies, OSCE", ("Excellencies", "person"), ("OSCE", "organisation"))]
    )
    assert r.rejected == ((1, 0),)
    assert r.entity_of(1, 0) is None and r.entity_of(1, 1) is not None


def test_type_conflict_across_documents_resolved_by_majority() -> None:
    r = Resolver().resolve(
        [
            doc(1, "Natalia Gherman", ("Natalia Gherman", "organisation")),
            doc(2, "Natalia Gherman", ("Natalia Gherman", "person")),
            doc(3, "Natalia Gherman", ("Natalia Gherman", "person")),
        ]
    )
    e = r.by_name("Natalia Gherman")
    assert e is not None and e.type == "person" and len(e.documents) == 3


@pytest.mark.slow
@pytest.mark.spacy
def test_seed_documents_share_entities(extractor: Extractor, seed_texts: dict[str, str]) -> None:
    """REQUIRED: each of these is ONE entity present in both seed documents."""
    docs = [DocumentMentions(name, text, tuple(extractor.extract(text))) for name, text in seed_texts.items()]
    r = Resolver().resolve(docs)
    both = set(seed_texts)
    for name in (
        "Vladimir Voronkov",
        "OSCE",
        "UN Office of Counter-Terrorism",
        "UN Regional Centre for Preventive Diplomacy for Central Asia",
    ):
        e = r.by_name(name)
        assert e is not None, name
        assert set(e.documents) == both, (name, e)
        # and no second entity carries one of its names
        assert sum(1 for x in r.entities if name_key(name) in {name_key(n) for n in (x.name, *x.aliases)}) == 1
    voronkov = r.by_name("Vladimir Voronkov")
    assert voronkov is not None and voronkov.type == "person"
    roles = {(ro.title, ro.organisation) for ro in r.roles if ro.person == voronkov.key}
    assert roles == {("Under-Secretary-General", r.by_name("OSCE") and "gaz:unoct")}
    assert not any(re.search(r"\bthe\b", e.name.split()[0]) for e in r.entities)
