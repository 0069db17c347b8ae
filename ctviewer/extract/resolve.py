"""Resolution: mentions of many documents -> one entity per real-world person, organisation or place.

Pure Python (no spaCy, no database). The database layer calls :meth:`Resolver.resolve` with the
mentions of the documents to (re)resolve, the entities it already stores and the analysts' pinned
decisions, and stores what comes back.

Rules, in the order they are tried for a mention (each has its own test):

1. rejected names (analyst rejections, by :func:`~ctviewer.extract.keys.name_key`) are no entity;
2. pinned aliases (analyst merges/aliases: key -> entity id) win over everything else;
3. in-document references: an acronym defined in the text ("Joint Plan of Action (JPoA)"), a
   surname alone or with an honorific ("Mr. Voronkov") after the full name in the same document;
4. the same :func:`name_key` as a known name (existing entities, gazetteer names, acronyms and
   generated spelling variants, names met earlier in this run): case, punctuation,
   British/American spelling, "the", "United Nations"/"UN" are folded by the key;
5. organisations: the key with or without a "UN " prefix;
6. people: the same loose (first name, surname) key, which folds transliteration variants
   (Mirziyoyev/Mirziyoev) while still requiring the first names to agree;
7. an acronym defined in another document, if it is defined only one way across the run;
8. a name cut off by the end of a line or page ("United Nations Office of") is completed to the
   known name it starts, using the role of the person it belongs to when several fit;
9. otherwise a new entity.

Fuzzy similarity alone never merges: pairs of entities with similar names (rapidfuzz
token_sort_ratio >= threshold) or a surname-only entity matching a full name elsewhere come back
as :class:`MergeSuggestion` with the sentences behind them.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from ctviewer.domain.entities import EntityType
from ctviewer.extract.gazetteer import Gazetteer, load_gazetteer
from ctviewer.extract.keys import _loose_token, name_key, person_loose_key, person_tokens, strip_un_prefix
from ctviewer.extract.model import Mention

EntityId = int | str
_TRUNCATED = re.compile(r" (?:of|for|on|and|the|in|to)$")
_ACRONYM_AFTER = re.compile(r"\s*\(\s*(?:the\s+)?([A-Z][A-Za-z0-9.&'’-]{1,14})\s*\)")


@dataclass(frozen=True)
class DocumentMentions:
    """One document's mentions, as extracted from ``text``."""

    doc_id: EntityId
    text: str
    mentions: Sequence[Mention]


@dataclass(frozen=True)
class KnownEntity:
    """An entity the archive already has (its id is kept; its name and aliases are matched)."""

    id: EntityId
    type: EntityType
    name: str
    aliases: tuple[str, ...] = ()
    gazetteer_id: str | None = None


@dataclass(frozen=True)
class Pins:
    """Analysts' decisions the resolver must respect.

    ``aliases`` maps :func:`name_key` of a name to the entity id it belongs to (from merges and
    added aliases); ``rejected`` holds keys of names that are not entities.
    """

    aliases: Mapping[str, EntityId] = field(default_factory=dict)
    rejected: frozenset[str] = frozenset()

    @staticmethod
    def key(name: str) -> str:
        return name_key(name)


@dataclass(frozen=True)
class Assignment:
    """Mention ``index`` of document ``doc_id`` belongs to entity ``entity`` (a :attr:`ResolvedEntity.key`)."""

    doc_id: EntityId
    index: int
    entity: str


@dataclass(frozen=True)
class ResolvedEntity:
    """An entity with at least one mention in this run.

    ``key`` is ``"id:<existing id>"``, ``"gaz:<gazetteer id>"`` or ``"new:<type>:<name key>"``;
    ``existing_id`` is set when it is an entity the archive already has.
    """

    key: str
    existing_id: EntityId | None
    type: EntityType
    name: str
    aliases: tuple[str, ...]
    gazetteer_id: str | None
    documents: tuple[EntityId, ...]
    mentions: int


@dataclass(frozen=True)
class ResolvedRole:
    """A role held by a person mention: ``organisation`` is an entity key when it could be resolved."""

    doc_id: EntityId
    index: int
    person: str
    title: str
    organisation: str | None
    organisation_text: str | None


@dataclass(frozen=True)
class MergeSuggestion:
    """Entities ``a`` and ``b`` (keys) may be the same; never merged without an analyst."""

    a: str
    b: str
    score: float
    reason: str
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Resolution:
    entities: tuple[ResolvedEntity, ...]
    assignments: tuple[Assignment, ...]
    roles: tuple[ResolvedRole, ...]
    suggestions: tuple[MergeSuggestion, ...]
    rejected: tuple[tuple[EntityId, int], ...]

    def entity(self, key: str) -> ResolvedEntity | None:
        return next((e for e in self.entities if e.key == key), None)

    def entity_of(self, doc_id: EntityId, index: int) -> ResolvedEntity | None:
        for a in self.assignments:
            if a.doc_id == doc_id and a.index == index:
                return self.entity(a.entity)
        return None

    def by_name(self, name: str) -> ResolvedEntity | None:
        """The entity whose display name or an alias has the same key as ``name``."""
        k = name_key(name)
        for e in self.entities:
            if k in {name_key(n) for n in (e.name, *e.aliases)}:
                return e
        return None


@dataclass
class _Acc:
    key: str
    existing_id: EntityId | None = None
    gazetteer_id: str | None = None
    fixed_type: EntityType | None = None
    fixed_name: str | None = None
    types: Counter[str] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    docs: dict[EntityId, None] = field(default_factory=dict)
    evidence: list[str] = field(default_factory=list)
    count: int = 0


def _acronym_fits(acronym: str, long_name: str) -> bool:
    """Letters of ``acronym`` appear in order among the initials of ``long_name``'s words
    (all letters of words written in capitals: "UN Office of Counter-Terrorism" -> u n o o c t)."""
    seq = []
    for w in re.split(r"[\s\-–/]+", long_name):
        if not w:
            continue
        seq.append(w.lower() if w.isupper() else w[0].lower())
    letters = [c.lower() for c in acronym if c.isalpha()]
    it = iter("".join(seq))
    return len(letters) >= 2 and letters[0] == "".join(seq)[:1] and all(c in it for c in letters)


class Resolver:
    """Resolve mentions into entities (see module docstring for the rules)."""

    def __init__(
        self,
        gazetteer: Gazetteer | None = None,
        existing: Iterable[KnownEntity] = (),
        pins: Pins | None = None,
        fuzzy_threshold: float = 85.0,
    ) -> None:
        self.gazetteer = gazetteer if gazetteer is not None else load_gazetteer()
        self.pins = pins or Pins()
        self.fuzzy_threshold = fuzzy_threshold
        self._acc: dict[str, _Acc] = {}
        self._index: dict[str, str] = {}
        self._loose: dict[tuple[str, str], set[str]] = {}
        self._templates: dict[str, _Acc] = {}  # entities that exist before any mention is seen
        for e in existing:
            ek = f"id:{e.id}"
            self._templates[ek] = _Acc(
                ek, existing_id=e.id, gazetteer_id=e.gazetteer_id, fixed_type=e.type, fixed_name=e.name
            )
            for n in (e.name, *e.aliases):
                self._register(n, ek, e.type, overwrite=False)
        for gid, entry in self.gazetteer.entries.items():
            names = (*entry.names(), *entry.acronyms)
            target = next((self._index[name_key(n)] for n in names if name_key(n) in self._index), f"gaz:{gid}")
            if target not in self._templates:
                self._templates[target] = _Acc(target, gazetteer_id=gid, fixed_type=entry.type, fixed_name=entry.name)
            for n in names:
                self._register(n, target, entry.type, overwrite=False)
        for k, eid in self.pins.aliases.items():
            ek = f"id:{eid}"
            self._index[k] = ek
            self._templates.setdefault(ek, _Acc(ek, existing_id=eid))

    # -- index -------------------------------------------------------------------------------

    def _register(self, name: str, ek: str, typ: EntityType | None, overwrite: bool = False) -> None:
        k = name_key(name)
        if not k:
            return
        if overwrite or k not in self._index:
            self._index[k] = ek
        if typ == "person":
            lk = person_loose_key(name)
            if lk:
                self._loose.setdefault(lk, set()).add(ek)

    def _acc_for(self, ek: str) -> _Acc:
        acc = self._acc.get(ek)
        if acc is None:
            tmpl = self._templates.get(ek)
            acc = self._acc[ek] = (
                _Acc(ek)
                if tmpl is None
                else _Acc(ek, tmpl.existing_id, tmpl.gazetteer_id, tmpl.fixed_type, tmpl.fixed_name)
            )
        return acc

    def _lookup(self, text: str, typ: EntityType) -> str | None:
        k = name_key(text)
        if k in self.pins.aliases:
            return f"id:{self.pins.aliases[k]}"
        if k in self._index:
            return self._index[k]
        if typ != "person":
            alt = strip_un_prefix(k)
            if alt is None and len(k.split()) >= 3:
                alt = "un " + k
            if alt and alt in self._index:
                return self._index[alt]
        else:
            lk = person_loose_key(text)
            if lk and len(self._loose.get(lk, ())) == 1:
                return next(iter(self._loose[lk]))
        return None

    # -- main --------------------------------------------------------------------------------

    def resolve(self, documents: Iterable[DocumentMentions]) -> Resolution:
        docs = list(documents)
        rejected: list[tuple[EntityId, int]] = []
        assigned: dict[tuple[EntityId, int], str] = {}

        # Acronyms defined in the texts, across the run (rule 7 needs them all first).
        local_acr: list[dict[str, int]] = []  # per document: acronym key -> index of the long-name mention
        global_acr: dict[str, set[str]] = {}
        for d in docs:
            defs: dict[str, int] = {}
            for i, m in enumerate(d.mentions):
                if m.type == "person":
                    continue
                am = _ACRONYM_AFTER.match(d.text, m.end)
                if am and _acronym_fits(am.group(1), m.text) and name_key(am.group(1)) != name_key(m.text):
                    defs.setdefault(name_key(am.group(1)), i)
                    global_acr.setdefault(name_key(am.group(1)), set()).add(name_key(m.text))
            local_acr.append(defs)

        deferred: list[tuple[int, int]] = []  # (doc position, mention index) for the second pass
        for pos, d in enumerate(docs):
            for i, m in enumerate(d.mentions):
                k = name_key(m.text)
                if not k or k in self.pins.rejected:
                    rejected.append((d.doc_id, i))
                    continue
                if k in self.pins.aliases:
                    self._assign(assigned, d, i, f"id:{self.pins.aliases[k]}")
                    continue
                single_person = m.type == "person" and len(person_tokens(m.text)) == 1
                truncated = m.type != "person" and m.gazetteer_id is None and bool(_TRUNCATED.search(k))
                if single_person or truncated or k in local_acr[pos] or len(global_acr.get(k, ())) == 1:
                    deferred.append((pos, i))
                    continue
                self._assign(assigned, d, i, self._resolve_one(m))

        # Second pass: references that need the rest of the document (or of the run) resolved.
        roles_by_person: dict[str, set[str]] = {}
        for d in docs:
            for i, m in enumerate(d.mentions):
                ek = assigned.get((d.doc_id, i))
                if ek and m.type == "person" and m.role_org:
                    org = self._lookup(m.role_org, "organisation")
                    if org:
                        roles_by_person.setdefault(ek, set()).add(org)
        for pos, i in deferred:
            d = docs[pos]
            m = d.mentions[i]
            k = name_key(m.text)
            ek = None
            if k in local_acr[pos]:
                ek = assigned.get((d.doc_id, local_acr[pos][k]))
            elif m.type == "person":
                ek = self._surname_in_doc(d, i, assigned)
            elif _TRUNCATED.search(k):
                ek = self._complete_truncated(d, m, k, assigned, roles_by_person)
            if ek is None and k in global_acr and len(global_acr[k]) == 1:
                ek = self._index.get(next(iter(global_acr[k])))
            if ek is None:
                ek = self._resolve_one(m)
            elif m.type != "person" and k not in self._index:
                self._register(m.text, ek, m.type)
            self._assign(assigned, d, i, ek)

        return self._result(docs, assigned, rejected)

    def _resolve_one(self, m: Mention) -> str:
        ek = self._lookup(m.text, m.type)
        if ek is None and m.gazetteer_id:
            ek = self._index.get(name_key(self.gazetteer.entries[m.gazetteer_id].name))
        if ek is None:
            ek = f"new:{m.type}:{name_key(m.text)}"
        self._register(m.text, ek, m.type)
        return ek

    def _assign(self, assigned: dict[tuple[EntityId, int], str], d: DocumentMentions, i: int, ek: str) -> None:
        m = d.mentions[i]
        assigned[(d.doc_id, i)] = ek
        acc = self._acc_for(ek)
        acc.types[m.type] += 1
        acc.names[m.text] += 1
        acc.docs.setdefault(d.doc_id, None)
        acc.count += 1
        if len(acc.evidence) < 3:
            sentence = re.sub(r"\s+", " ", d.text[m.sentence_start : m.sentence_end]).strip()
            if sentence and sentence not in acc.evidence:
                acc.evidence.append(sentence)

    def _surname_in_doc(self, d: DocumentMentions, i: int, assigned: dict[tuple[EntityId, int], str]) -> str | None:
        """Rule 3: "Voronkov" / "Mr. Voronkov" -> the full name with that surname in the document,
        the nearest one before it if several people share the surname."""
        m = d.mentions[i]
        sk = _loose_token(person_tokens(m.text)[0])
        best: tuple[int, str] | None = None
        for j, other in enumerate(d.mentions):
            if other.type != "person" or j == i or (d.doc_id, j) not in assigned:
                continue
            toks = person_tokens(other.text)
            if len(toks) >= 2 and _loose_token(toks[-1]) == sk:
                dist = m.start - other.start if other.start <= m.start else 10**9 + other.start - m.start
                if best is None or dist < best[0]:
                    best = (dist, assigned[(d.doc_id, j)])
        return best[1] if best else None

    def _complete_truncated(
        self,
        d: DocumentMentions,
        m: Mention,
        k: str,
        assigned: dict[tuple[EntityId, int], str],
        roles_by_person: dict[str, set[str]],
    ) -> str | None:
        """Rule 8: "United Nations Office of" (cut by the PDF) -> the known name it begins."""
        prefixes = {k + " "}
        alt = strip_un_prefix(k)
        if alt:
            prefixes.add(alt + " ")
        candidates = {ek for key, ek in self._index.items() if any(key.startswith(p) for p in prefixes)}
        if not candidates:
            return None
        if len(candidates) > 1:
            # The person whose role this organisation is holds a role elsewhere: use that one.
            for j, other in enumerate(d.mentions):
                if other.type == "person" and other.role_org == m.text and (d.doc_id, j) in assigned:
                    fits = candidates & roles_by_person.get(assigned[(d.doc_id, j)], set())
                    if len(fits) == 1:
                        return next(iter(fits))
            return None
        return next(iter(candidates))

    # -- results -----------------------------------------------------------------------------

    def _result(
        self,
        docs: list[DocumentMentions],
        assigned: dict[tuple[EntityId, int], str],
        rejected: list[tuple[EntityId, int]],
    ) -> Resolution:
        entities = tuple(self._entity(acc) for acc in self._acc.values())
        assignments = tuple(Assignment(doc, i, ek) for (doc, i), ek in assigned.items())
        roles: list[ResolvedRole] = []
        for d in docs:
            for i, m in enumerate(d.mentions):
                ek = assigned.get((d.doc_id, i))
                if ek is None or m.role is None:
                    continue
                org = None
                if m.role_org:
                    # The organisation mention inside the same sentence, else the name on its own.
                    org = next(
                        (
                            assigned.get((d.doc_id, j))
                            for j, o in enumerate(d.mentions)
                            if o.text == m.role_org and o.type != "person" and o.sentence_start == m.sentence_start
                        ),
                        None,
                    )
                    org = org or self._lookup(m.role_org, "organisation")
                roles.append(ResolvedRole(d.doc_id, i, ek, m.role, org, m.role_org))
        return Resolution(entities, assignments, tuple(roles), tuple(self._suggest(entities)), tuple(rejected))

    def _entity(self, acc: _Acc) -> ResolvedEntity:
        typ: EntityType = acc.fixed_type or max(acc.types, key=lambda t: (acc.types[t], t == "person"))  # type: ignore[assignment,arg-type,index]
        if acc.fixed_name:
            name = acc.fixed_name
        elif typ == "person":
            name = max(acc.names, key=lambda n: (min(len(n.split()), 3), acc.names[n], len(n)))
        else:
            name = max(acc.names, key=lambda n: (" " in n, acc.names[n], len(n)))
        aliases = tuple(sorted(n for n in acc.names if n != name))
        return ResolvedEntity(
            acc.key, acc.existing_id, typ, name, aliases, acc.gazetteer_id, tuple(acc.docs), acc.count
        )

    def _suggest(self, entities: Sequence[ResolvedEntity]) -> list[MergeSuggestion]:
        from rapidfuzz import fuzz
        from rapidfuzz.process import cdist

        out: list[MergeSuggestion] = []
        evidence = {acc.key: acc.evidence for acc in self._acc.values()}
        for typ in ("person", "organisation", "place"):
            group = [e for e in entities if e.type == typ]
            if len(group) < 2:
                continue
            names = [name_key(e.name) for e in group]
            scores = cdist(names, names, scorer=fuzz.token_sort_ratio, score_cutoff=self.fuzzy_threshold, workers=-1)
            seen: set[tuple[str, str]] = set()
            for a in range(len(group)):
                for b in range(a + 1, len(group)):
                    if scores[a][b] >= self.fuzzy_threshold and names[a] != names[b]:
                        seen.add((group[a].key, group[b].key))
                        out.append(
                            MergeSuggestion(
                                group[a].key,
                                group[b].key,
                                float(scores[a][b]),
                                "similar names",
                                (*evidence[group[a].key][:1], *evidence[group[b].key][:1]),
                            )
                        )
            if typ == "person":
                # A surname alone (no full name in its document) next to a full name elsewhere.
                by_surname: dict[str, list[ResolvedEntity]] = {}
                for e in group:
                    toks = person_tokens(e.name)
                    if len(toks) >= 2:
                        by_surname.setdefault(_loose_token(toks[-1]), []).append(e)
                for e in group:
                    toks = person_tokens(e.name)
                    if len(toks) == 1:
                        for full in by_surname.get(_loose_token(toks[0]), []):
                            if (e.key, full.key) not in seen:
                                out.append(
                                    MergeSuggestion(
                                        full.key,
                                        e.key,
                                        80.0,
                                        "surname only",
                                        (*evidence[full.key][:1], *evidence[e.key][:1]),
                                    )
                                )
        return out
