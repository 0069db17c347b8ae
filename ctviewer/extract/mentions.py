"""From raw model spans to clean :class:`~ctviewer.extract.model.Mention` records.

spaCy-free on purpose: :mod:`ctviewer.extract.pipeline` hands over plain ``RawSpan`` tuples, so the
rules here are testable without the model. The rules fix what the small English model gets wrong on
this archive's texts:

- labels: PERSON -> person, ORG -> organisation, GPE/LOC/FAC -> place; everything else dropped;
- span edges: a leading "the"/"a", honorifics (Mr., H.E., His Excellency), a trailing "'s" and
  dangling punctuation are not part of names; a span crossing a paragraph break is cut;
- junk organisations: spans made only of generic words ("Regional Cooperation",
  "Counter-Terrorism") or naming a document ("the Global Counter-Terrorism Strategy") are dropped
  unless the gazetteer knows them;
- persons typed as organisations ("Natalia Gherman, Head of ...") are retyped by their context;
- the gazetteer decides the type of the names it knows;
- a same-document pass: once a string is an entity somewhere in a document, its other exact
  occurrences there are mentions too (the model misses the second "Uzbekistan");
- roles next to person names (see :mod:`ctviewer.extract.roles`).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from ctviewer.domain.entities import EntityType
from ctviewer.extract.gazetteer import Gazetteer
from ctviewer.extract.model import Mention, MentionSource
from ctviewer.extract.roles import TITLE_RE, find_role
from ctviewer.extract.textprep import CleanText, normalise_surface
from ctviewer.extract.wordlists import WORDS


class RawSpan(NamedTuple):
    """A model entity in clean-text offsets; ``ent_id`` is the gazetteer id for ruler matches."""

    start: int
    end: int
    label: str
    ent_id: str = ""


LABEL_TYPES: dict[str, EntityType] = {
    "PERSON": "person",
    "ORG": "organisation",
    "GPE": "place",
    "LOC": "place",
    "FAC": "place",
}
TYPE_LABELS: dict[EntityType, str] = {"person": "PERSON", "organisation": "ORG", "place": "GPE"}

_LEADING = re.compile(
    r"^(?:(?:the|The|THE|a|an|An|our|Our|its|this|This|that|these|those|his|her|their)\s+|"
    r"(?:Mr|Mrs|Ms|Dr|Prof|Messrs|H\.\s?E|Sir|Dame|Madam|Mme|Excellency)\.?\s+|"
    r"(?:His|Her)\s+(?:Excellency|Majesty|Royal Highness|Highness)\s+|H\.E\.\s*|"
    # Words capitalised only because they open a sentence ("Later Zhang Ming left").
    r"(?:Later|Today|Yesterday|Also|Meanwhile|However|Moreover|Furthermore|Then|Here|There|When|While|Since|"
    r"Thus|Dear|Excellencies|Thank|Thanks|Welcome|Both|Neither|Either|Yet|Now|Finally|Lastly|Today's)\s+)+"
)
_TRAILING = re.compile(r"(?:['’`]s?|[\s,;:.(\-–—]+)+$")
_TRAILING_FUNCTION = re.compile(r"(?:\s+(?:of|for|on|and|in|the|to|at|with|by|from))+$")

# The word lists (generic words, document words, organisation words, junk places) are data:
# resources/wordlists.yaml, read by ctviewer.extract.wordlists.
_PARTICLES = re.compile(r"^\s+(?:(?:ibn|bin|bint|binti|al|el|ul|abu|abd|de|da|di|van|von|der)\s+)*$")
HONORIFIC_BEFORE = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Sir|Madam|Mme)\.?|H\.\s?E\.|\b(?:His|Her) (?:Excellency|Majesty|Highness))\s*$"
)

_SENT_END = re.compile(r"(?<=[.!?])[\"')\]]*\s+(?=[\"'(\[]?[A-Z0-9])|\n\s*\n")
_ABBREV_END = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|St|No|Nos|Art|para|paras|vol|Vol|p|pp|Gen|Lt|Col|Jr|Sr|Inc|Ltd|Co|"
    r"vs|etc|e\.g|i\.e|U\.S|U\.N|H\.E)|\b[A-Z])\.$"
)


@dataclass
class _Work:
    """A mention being built, in clean-text offsets."""

    start: int
    end: int
    type: EntityType
    source: MentionSource
    gazetteer_id: str | None = None
    role: str | None = None
    role_org: str | None = None


def sentence_bounds(text: str) -> list[int]:
    """Start offsets of sentences (cheap rules: end punctuation + capital, or a blank line)."""
    starts = [0]
    for m in _SENT_END.finditer(text):
        # "Mr. Voronkov": an abbreviation before the break does not end a sentence.
        if m.group(0).strip() == "" and _ABBREV_END.search(text[max(0, m.start() - 6) : m.start()]):
            continue
        starts.append(m.end())
    return starts


def _trim(text: str, start: int, end: int, typ: EntityType) -> tuple[int, int]:
    """Shrink ``[start, end)`` to the name proper (see module docstring)."""
    span = text[start:end]
    # A span crossing a paragraph break ("Tashkent\n\nOpening") keeps its first part.
    cut = re.search(r"\n\s*\n", span)
    if cut:
        end = start + cut.start()
    for _ in range(3):
        span = text[start:end]
        m = _LEADING.match(span)
        if m:
            start += m.end()
        span = text[start:end]
        m = _TRAILING.search(span)
        if m and m.start() > 0:
            end = start + m.start()
        if typ == "organisation" and not text[start:end].endswith(("Office of", "Centre for", "Center for")):
            span = text[start:end]
            m = _TRAILING_FUNCTION.search(span)
            if m and m.start() > 0:
                end = start + m.start()
    span = text[start:end]
    if "(" in span and ")" not in span[span.index("(") :]:
        end = start + span.index("(")  # "Institut d'Etudes Politiques (Sciences Po" -> before the bracket
        end = start + len(text[start:end].rstrip())
    if typ == "organisation":
        # "United Nation's Group of Friends": the possessor is not part of the body's name.
        m = re.search(r"['’]s\s+(?=[A-Z])", text[start:end])
        if m:
            start += m.end()
    if typ == "person":
        # Titles the model sometimes includes: "President Shavkat Mirziyoyev" -> the name only.
        m = TITLE_RE.match(text, start, end)
        while m and m.end() < end and text[m.end()] == " ":
            start = m.end() + 1
            m = TITLE_RE.match(text, start, end)
    return start, end


def _words(s: str) -> list[str]:
    return [w for w in re.split(r"[\s\-–/]+", s.lower()) if w]


def _is_junk_org(surface: str) -> bool:
    words = _words(surface)
    if not words or not any(c.isalpha() for c in surface) or len(surface) <= 2:
        return True
    if len(words) == 1 and words[0] in WORDS.generic_single:
        return True
    if TITLE_RE.fullmatch(surface) or TITLE_RE.fullmatch(surface.rstrip("s")):
        return True  # a title ("National Security Advisor", "Permanent Representatives")
    if all(w in WORDS.generic_words for w in words):
        return True
    if words[-1] in WORDS.document_words:
        return True
    # Lower-case throughout (e.g. "counter-terrorism") is never a name.
    return surface[0].islower()


def _is_junk_person(surface: str, gazetteer: Gazetteer) -> bool:
    """A "person" that is a nationality ("Ugandan", "Sri Lankan") or a common word ("State",
    "Resolutions"): the small model tags such capitalised words as PERSON in speeches."""
    words = _words(surface)
    if not words or len(words) > 2:
        return False
    if " ".join(words) in gazetteer.demonyms:
        return True
    return len(words) == 1 and (
        words[0] in WORDS.generic_single
        or words[0] in WORDS.generic_words
        or words[0] in WORDS.junk_places
        or words[0].rstrip("s") in WORDS.document_words
    )


def _looks_like_person(text: str, start: int, end: int) -> bool:
    """An ORG span that is really a person: a short capitalised name with a role or honorific next to it."""
    surface = text[start:end]
    toks = surface.split()
    if not 2 <= len(toks) <= 4 or any(t.lower() in WORDS.org_words for t in toks):
        return False
    if not all(t[:1].isupper() and t[1:2].islower() for t in toks):
        return False
    after = text[end : end + 60]
    if re.match(r"\s*,\s*(?:the\s+)?" + TITLE_RE.pattern, after):
        return True
    before = text[max(0, start - 60) : start]
    if HONORIFIC_BEFORE.search(before):
        return True
    m = re.search(TITLE_RE.pattern + r"\s*,?\s*$", before)
    return bool(m)


def build_mentions(
    original: str,
    clean: CleanText,
    spans: Iterable[RawSpan],
    gazetteer: Gazetteer,
) -> list[Mention]:
    """Turn model spans (clean offsets) into mentions (original offsets), applying every rule."""
    text = clean.text
    work: list[_Work] = []
    for sp in spans:
        typ = LABEL_TYPES.get(sp.label)
        if typ is None:
            continue
        gid = sp.ent_id or None
        start, end = _trim(text, sp.start, sp.end, typ)
        if end - start < 2:
            continue
        surface = text[start:end]
        entry = gazetteer.entries.get(gid) if gid else gazetteer.lookup(surface)
        if gid and not (surface[:1].isupper() or surface[:1].isdigit()):
            continue  # the case-insensitive ruler matched a common phrase ("monitoring team")
        if entry is not None:
            work.append(_Work(start, end, entry.type, "gazetteer" if gid else "ner", entry.id))
            continue
        if typ == "organisation" and _looks_like_person(text, start, end):
            typ = "person"
        if typ == "organisation" and _is_junk_org(surface):
            continue
        if typ != "organisation" and (not surface[:1].isupper() or any(c.isdigit() for c in surface)):
            continue
        if typ == "place" and surface.lower() in WORDS.junk_places:
            continue
        if typ == "person" and _is_junk_person(surface, gazetteer):
            continue
        work.append(_Work(start, end, typ, "ner"))
    work = _merge_particles(text, work)
    _extend_generic_gazetteer(text, work)
    work = [w for w in work if w.start >= 0]
    work = _vote_types(text, work)
    work = _propagate(text, work)
    _add_roles(text, work, gazetteer)
    work.sort(key=lambda w: (w.start, -w.end))
    sents = sentence_bounds(text)
    out: list[Mention] = []
    for w in work:
        k = bisect.bisect_right(sents, w.start) - 1
        s_start = sents[k]
        s_end = sents[k + 1] if k + 1 < len(sents) else len(text)
        while s_end > s_start and text[s_end - 1].isspace():
            s_end -= 1
        o_start, o_end = clean.span_to_original(w.start, w.end)
        os_start, os_end = clean.span_to_original(s_start, s_end)
        out.append(
            Mention(
                type=w.type,
                start=o_start,
                end=o_end,
                text=normalise_surface(text[w.start : w.end]),
                sentence_start=os_start,
                sentence_end=os_end,
                role=w.role,
                role_org=w.role_org,
                source=w.source,
                gazetteer_id=w.gazetteer_id,
            )
        )
    return out


def _merge_particles(text: str, work: list[_Work]) -> list[_Work]:
    """Join person spans split at name particles: "Abu Bakr ibn Muhammad" + "ibn" + "Ali al Mainuki"."""
    work.sort(key=lambda w: w.start)
    out: list[_Work] = []
    for w in work:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.type == w.type == "person"
            and prev.end <= w.start
            and _PARTICLES.match(text[prev.end : w.start])
        ):
            prev.end = w.end
            continue
        out.append(w)
    return out


# Gazetteer names that are also the tail of other bodies' names ("White House National Security Council").
_EXTENDABLE = re.compile(r"^(?:Security Council|General Assembly|Human Rights Council|Monitoring Team|Secretariat)$")
_CAP_WORDS_BEFORE = re.compile(r"(?:\b(?!The\b|UN\b|U\.N\.)[A-Z][\w’'.-]*\s+)+$")


def _extend_generic_gazetteer(text: str, work: list[_Work]) -> None:
    """A generic gazetteer name preceded by capitalised words belongs to a longer, different name."""
    for w in work:
        if w.gazetteer_id is None or not _EXTENDABLE.match(text[w.start : w.end]):
            continue
        m = _CAP_WORDS_BEFORE.search(text[max(0, w.start - 80) : w.start])
        if m:
            new_start = w.start - len(m.group(0))
            # The model's cut-off piece of the same name ("White House National") is absorbed.
            for x in work:
                if x is not w and new_start <= x.start and x.end <= w.start and x.type == "organisation":
                    x.start = x.end = -1
            if any(x is not w and x.start < w.start and x.end > new_start for x in work if x.start >= 0):
                continue
            w.start = new_start
            w.gazetteer_id = None
            w.type = "organisation"
            w.source = "ner"


def _vote_types(text: str, work: list[_Work]) -> list[_Work]:
    """The same string typed differently in one document takes the type given by most mentions;
    person beats organisation on a tie (the model's typical error is person -> ORG)."""
    votes: dict[str, dict[EntityType, int]] = {}
    for w in work:
        if w.gazetteer_id is None:
            d = votes.setdefault(text[w.start : w.end], {})
            d[w.type] = d.get(w.type, 0) + 1
    for w in work:
        if w.gazetteer_id is None:
            d = votes[text[w.start : w.end]]
            w.type = max(d, key=lambda t: (d[t], t == "person"))
    return work


def _propagate(text: str, work: list[_Work]) -> list[_Work]:
    """Other exact occurrences of recognised strings become mentions (longest strings first)."""
    taken = sorted((w.start, w.end) for w in work)
    starts = [s for s, _ in taken]

    def free(s: int, e: int) -> bool:
        i = bisect.bisect_left(starts, e)
        return not any(taken[j][1] > s for j in range(max(0, i - 8), i))

    seen: dict[str, _Work] = {}
    for w in work:
        seen.setdefault(text[w.start : w.end], w)
    # "Mr. Voronkov" after "Vladimir Voronkov": the surname with an honorific is the person too.
    extra: dict[str, _Work] = {}
    for surface, w in seen.items():
        if w.type == "person" and len(surface.split()) >= 2:
            extra.setdefault(surface.split()[-1], w)
    new: list[_Work] = []
    for surface, w in sorted(seen.items(), key=lambda kv: -len(kv[0])):
        if len(surface) < 2 or not surface[:1].isupper():
            continue
        for m in re.finditer(r"(?<![\w-])" + re.escape(surface) + r"(?![\w-])", text):
            if free(m.start(), m.end()):
                new.append(_Work(m.start(), m.end(), w.type, "propagated", w.gazetteer_id))
                i = bisect.bisect_left(starts, m.start())
                starts.insert(i, m.start())
                taken.insert(i, (m.start(), m.end()))
    for surname in extra:
        if len(surname) < 3 or not surname[:1].isupper():
            continue
        for m in re.finditer(r"(?<![\w-])" + re.escape(surname) + r"(?![\w-])", text):
            if free(m.start(), m.end()) and HONORIFIC_BEFORE.search(text[max(0, m.start() - 20) : m.start()]):
                new.append(_Work(m.start(), m.end(), "person", "propagated"))
                i = bisect.bisect_left(starts, m.start())
                starts.insert(i, m.start())
                taken.insert(i, (m.start(), m.end()))
    return work + new


def _add_roles(text: str, work: list[_Work], gazetteer: Gazetteer) -> None:
    """Fill role/role_org of person mentions; an organisation named only in a role becomes a mention."""
    spans = sorted((w.start, w.end, w.type) for w in work)
    added: list[_Work] = []
    for w in work:
        if w.type != "person":
            continue
        r = find_role(text, w.start, w.end, spans)
        if r is None:
            continue
        w.role = r.title
        if r.org is not None and r.org_start is not None and r.org_end is not None:
            w.role_org = normalise_surface(r.org)
            # A shorter mention at the same start ("United Nations" in "United Nations Office of",
            # a name cut by the PDF) gives way to the organisation the role names.
            inner = [x for x in work if x.start == r.org_start and x.end < r.org_end and x.type != "person"]
            for x in inner:
                x.type, x.start, x.end = "organisation", -1, -1
            spans = [sp for sp in spans if not (sp[0] == r.org_start and sp[1] < r.org_end)]
            overlaps = any(s < r.org_end and r.org_start < e for s, e, _ in spans)
            if not overlaps and r.org_end - r.org_start >= 2:
                entry = gazetteer.lookup(r.org)
                added.append(
                    _Work(
                        r.org_start,
                        r.org_end,
                        entry.type if entry else "organisation",
                        "role",
                        entry.id if entry else None,
                    )
                )
                spans.append((r.org_start, r.org_end, "organisation"))
    work.extend(added)
    work[:] = [w for w in work if w.start >= 0]


def surfaces(mentions: Sequence[Mention], typ: EntityType | None = None) -> set[str]:
    """Distinct mention texts (optionally of one type): handy for tests and scoring."""
    return {m.text for m in mentions if typ is None or m.type == typ}


__all__ = ["LABEL_TYPES", "RawSpan", "build_mentions", "sentence_bounds", "surfaces"]
