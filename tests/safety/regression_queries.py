"""A search regression set: queries drawn from an archive's own text, their rankings, and a
comparison of two rankings that allows only what a rebuilt index may legitimately change.

The queries are generated deterministically (a seeded ``random.Random`` over the documents'
words, titles, entity names, dates, types and annotations), so the same archive always
yields the same set. A :class:`Ranking` holds every hit of a query (the archives these
tests build are smaller than :data:`LIMIT`), which lets the comparison tell a tie that
straddles the top-10 cut from a genuinely different result.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from whoosh.analysis import STOP_WORDS  # the words the index drops: a query of one matches nothing

from ctviewer.library import Library

TOP = 10
# Hits kept per query: more than any test archive holds, so a ranking is complete.
LIMIT = 200
# Scores closer than this (relative to the score) are a tie: their order is the engine's choice.
TIE = 1e-6

_WORD = re.compile(r"[A-Za-z]+")
# How the index's tokenizer splits (Whoosh's default pattern): "AFG_72_2017" is one word.
_TOKEN = re.compile(r"\w+(?:\.?\w+)*")
# Two or three words separated by single spaces: text a phrase query can be taken from verbatim.
_RUN = re.compile(r"(?<![\w-])[A-Za-z]{3,}(?: [A-Za-z]{3,}){1,2}(?![\w-])")

# Query kinds and how many of each: every syntax the search supports, 200 in all.
MIX: dict[str, int] = {
    "term": 40,
    "and": 20,
    "or": 20,
    "not": 10,
    "phrase": 25,
    "prefix": 20,
    "fuzzy": 20,
    "title": 15,
    "entity": 12,
    "filter": 12,
    "annotation": 6,
}
# Every FACET_EVERY-th query also asks for facet counts (which a rebuild must reproduce exactly).
FACET_EVERY = 4


@dataclass(frozen=True)
class RegressionQuery:
    kind: str
    text: str
    facets: bool = False


@dataclass(frozen=True)
class Ranking:
    """One query's answer: the total, every hit (id, score) best first, and any facet counts."""

    total: int
    hits: tuple[tuple[int, float], ...]
    facets: tuple[tuple[str, tuple[tuple[str, int], ...]], ...] = ()


Snapshot = dict[str, Ranking]


# -- generating the queries ----------------------------------------------------------------------
@dataclass(frozen=True)
class _Doc:
    text: str
    words: tuple[str, ...]  # distinct words of 4+ letters, not stop words, sorted
    title_words: tuple[str, ...]  # as the index splits titles (``a_b_c`` is one word)
    year: str | None
    file_type: str


@dataclass(frozen=True)
class _Material:
    """What the queries are made of, read from the archive through the public API."""

    docs: tuple[_Doc, ...]  # in id order
    df: dict[str, int]  # documents per word
    entity_words: tuple[tuple[str, str], ...]  # (query field, word of an entity's name or alias)
    note_words: tuple[str, ...]
    tags: tuple[str, ...]


def _words(text: str, pattern: re.Pattern[str] = _WORD, min_len: int = 4) -> list[str]:
    found = (m.group(0).lower() for m in pattern.finditer(text))
    return [w for w in found if len(w) >= min_len and w.isalpha() and w not in STOP_WORDS]


def _material(library: Library) -> _Material:
    docs = []
    for summary in library.documents(sort="id"):
        text = library.document(summary.id).text
        docs.append(
            _Doc(
                text,
                tuple(sorted(set(_words(text)))),
                tuple(sorted(set(_words(summary.title, _TOKEN)))),
                summary.date[:4] if summary.date else None,
                summary.file_type,
            )
        )
    df = Counter(w for doc in docs for w in doc.words)
    entity_words: set[tuple[str, str]] = set()
    fields = {"person": "person", "organisation": "org", "place": "place"}
    for entity in library.entities():
        record = library.entity(entity.id)
        for name in (record.name, *record.aliases):
            entity_words.update((fields[record.type], w) for w in _words(name, min_len=3))
    notes = library.annotations()
    return _Material(
        docs=tuple(docs),
        df=dict(df),
        entity_words=tuple(sorted(entity_words)),
        note_words=tuple(sorted({w for a in notes for w in _words(a.note)})),
        tags=tuple(sorted({t for a in notes for t in a.tags})),
    )


class _Generator:
    def __init__(self, material: _Material, rng: random.Random) -> None:
        self.m = material
        self.rng = rng
        self.made: Counter[str] = Counter()  # per kind, to cycle through its variants
        n = len(material.docs)
        vocabulary = sorted(material.df)
        # Words in a few to most documents: rankings with several hits and real score spread.
        self.common = [w for w in vocabulary if 2 <= material.df[w] <= max(2, int(0.8 * n))]
        self.rare = [w for w in vocabulary if material.df[w] == 1]

    def word(self, *, rare: bool = False) -> str:
        return self.rng.choice(self.rare if rare and self.rare else self.common)

    def doc(self, fit: Callable[[_Doc], bool] = lambda d: len(d.words) >= 2) -> _Doc:
        """A random document that ``fit`` accepts (every archive here has several)."""
        while True:
            doc = self.rng.choice(self.m.docs)
            if fit(doc):
                return doc

    def make(self, kind: str) -> str:
        rng = self.rng
        turn = self.made[kind]
        self.made[kind] += 1
        if kind == "term":
            return self.word(rare=rng.random() < 0.25)
        if kind == "and":  # two words of one document: at least one hit
            a, b = rng.sample(self.doc().words, 2)
            return f"{a} {b}" if rng.random() < 0.5 else f"{a} AND {b}"  # AND is also the default
        if kind == "or":
            return f"{self.word()} OR {self.word(rare=rng.random() < 0.3)}"
        if kind == "not":
            return f"{rng.choice(self.doc().words)} NOT {self.word()}"
        if kind == "phrase":
            while True:
                runs = [r for r in _RUN.findall(self.doc().text) if not set(r.lower().split()) & STOP_WORDS]
                if runs:
                    return f'"{rng.choice(runs)}"'
        if kind == "prefix":
            word = self.word()
            return word[: rng.randint(2, min(5, len(word) - 1))] + "*"
        if kind == "fuzzy":
            word = self.word()
            if rng.random() < 0.5:  # a typo: one letter after the first (fuzzy terms keep the first)
                i = rng.randrange(1, len(word))
                word = word[:i] + rng.choice("aeioulnrst".replace(word[i], "")) + word[i + 1 :]
            return f"{word}~1"
        if kind == "title":
            doc = self.doc(lambda d: bool(d.title_words) and len(d.words) >= 2)
            title = rng.choice(doc.title_words)
            return f"title:{title}" if rng.random() < 0.6 else f"title:{title} {rng.choice(doc.words)}"
        if kind == "entity":
            field, word = rng.choice(self.m.entity_words)
            return f"{field}:{word}" if rng.random() < 0.5 else f"{field}:{word} OR {self.word()}"
        if kind == "filter":  # a word and a restriction its document passes
            doc = self.doc(lambda d: d.year is not None and bool(d.words))
            word, year = rng.choice(doc.words), str(doc.year)
            choice = turn % 5
            if choice == 0:
                return f"{word} year:{year}"
            if choice == 1:
                return f"{word} type:{doc.file_type}"
            if choice == 2:
                return f"{word} date:[{int(year) - rng.randint(0, 3)} TO {int(year) + rng.randint(0, 3)}]"
            if choice == 3:
                return f"{word} date:>{int(year) - rng.randint(1, 4)}"
            return f"lang:en {word}"
        if kind == "annotation":
            choice = turn % 4
            if choice == 0 and self.m.note_words:
                return f"note:{rng.choice(self.m.note_words)}"
            if choice == 1 and self.m.tags:
                return f"tag:{rng.choice(self.m.tags)}"
            if choice == 2:
                return "annotated:yes"
            return f"annotated:yes OR {self.word()}"
        raise ValueError(kind)


def generate(library: Library, seed: int = 9, mix: dict[str, int] | None = None) -> list[RegressionQuery]:
    """The regression set for ``library``'s archive: distinct queries, ``mix`` kinds and counts."""
    rng = random.Random(seed)
    generator = _Generator(_material(library), rng)
    seen: set[str] = set()
    out: list[RegressionQuery] = []
    for kind, count in (mix or MIX).items():
        made = 0
        for _ in range(count * 50):  # small vocabularies (entities, tags) repeat: give up on those
            if made == count:
                break
            text = generator.make(kind)
            if text not in seen:
                seen.add(text)
                out.append(RegressionQuery(kind, text, facets=len(out) % FACET_EVERY == 0))
                made += 1
    return out


# -- running and comparing -------------------------------------------------------------------------
def run(library: Library, query: RegressionQuery) -> Ranking:
    """The ranking through the search API the app and the CLI use (without snippets, as the app
    first asks: snippets do not change which documents match or how they rank)."""
    result = library.search(query.text, limit=LIMIT, facets=query.facets, snippets=False)
    assert result.total <= LIMIT, "the regression archive must be smaller than LIMIT"
    facets = tuple(sorted(result.facets.items())) if query.facets else ()
    return Ranking(result.total, tuple((h.id, h.score) for h in result.hits), facets)


def snapshot(library: Library, queries: Iterable[RegressionQuery]) -> Snapshot:
    return {q.text: run(library, q) for q in queries}


def _tied(a: float, b: float, tolerance: float = TIE) -> bool:
    return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))


def _groups(hits: Sequence[tuple[int, float]]) -> list[tuple[int, int]]:
    """(start, end) of each run of tied scores in a best-first list."""
    groups: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(hits) + 1):
        if i == len(hits) or not _tied(hits[start][1], hits[i][1]):
            groups.append((start, i))
            start = i
    return groups


def differences(expected: Ranking, actual: Ranking, *, top: int = TOP, score_tolerance: float = TIE) -> list[str]:
    """How ``actual``'s top ``top`` differs from ``expected``'s; empty when they agree.

    Hits are compared in order, except that documents with tied scores (within :data:`TIE`) may
    come in any order among themselves: each tied run is compared as a set, and a run that
    crosses the cut may be filled by any of its members. Scores must agree at every position
    (``score_tolerance``: the CLI rounds them to 4 decimals). Totals and facet counts must be equal.
    """
    problems: list[str] = []
    if actual.total != expected.total:
        problems.append(f"total {actual.total} != {expected.total}")
    if actual.facets != expected.facets:
        problems.append(f"facets {actual.facets} != {expected.facets}")
    want, got = expected.hits, actual.hits
    shown = min(top, len(want))
    if len(got) < shown:
        problems.append(f"{len(got)} hits, expected at least {shown}")
        return problems
    for start, end in _groups(want):
        if start >= shown:
            break
        stop = min(end, shown)
        members = {doc for doc, _ in want[start:end]}
        ids = [doc for doc, _ in got[start:stop]]
        # A run inside the cut must come back whole; one crossing it, with any of its members.
        if not set(ids) <= members or len(set(ids)) != len(ids):
            problems.append(
                f"ranks {start + 1}-{stop}: ids {ids}, expected "
                f"{[doc for doc, _ in want[start:stop]]} (tied: {sorted(members)})"
            )
        score = want[start][1]
        for rank, (doc, actual_score) in enumerate(got[start:stop], start + 1):
            if not _tied(score, actual_score, score_tolerance):
                problems.append(f"rank {rank}: #{doc} scores {actual_score!r}, expected {score!r}")
    return problems


def compare(baseline: Snapshot, current: Snapshot, *, score_tolerance: float = TIE) -> dict[str, list[str]]:
    """Per query that differs, how (see :func:`differences`)."""
    out = {}
    for text, expected in baseline.items():
        found = differences(expected, current[text], score_tolerance=score_tolerance)
        if found:
            out[text] = found
    return out
