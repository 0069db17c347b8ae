"""Extraction speed on real UN General Debate speeches (a benchmark, not a test).

Prints documents/s, characters/s and words/s for ctviewer's extractor (gazetteer rulers + NER +
mention rules), next to spaCy's own NER-only speed on the same texts in the same run, and the
resolver's time. Unpack the corpus first (see ../shared/corpus/README.md); default location
/tmp/ungd-lead/ungd/TXT.

    .venv/bin/python benchmarks/extract_speed.py [-n 200] [--processes 2] [--corpus DIR]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

DEFAULT_CORPUS = Path("/tmp/ungd-lead/ungd/TXT")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=200, help="number of speeches (newest sessions first)")
    ap.add_argument("--processes", type=int, default=1, help="worker processes for nlp.pipe")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    args = ap.parse_args(argv)

    files = sorted(args.corpus.glob("Session */*.txt"), reverse=True)[: args.n]
    if not files:
        raise SystemExit(f"no speeches under {args.corpus}")
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    chars = sum(len(t) for t in texts)
    words = sum(len(t.split()) for t in texts)
    print(f"{len(texts)} speeches, {chars:,} chars, {words:,} words, processes={args.processes}")

    t0 = time.perf_counter()
    import spacy

    from ctviewer.extract.pipeline import MODEL_NAME, Extractor
    from ctviewer.extract.resolve import DocumentMentions, Resolver

    ex = Extractor()
    ex.nlp  # noqa: B018
    print(f"import + model load + gazetteer: {time.perf_counter() - t0:.2f} s")

    def report(label: str, seconds: float) -> None:
        print(
            f"{label:<34}{seconds:7.2f} s {len(texts) / seconds:8.1f} docs/s {chars / seconds:10,.0f} chars/s "
            f"{words / seconds:8,.0f} words/s"
        )

    # spaCy's own NER-only speed on the same texts (the yardstick of issue 3).
    plain = spacy.load(MODEL_NAME, exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"])
    kwargs = {"batch_size": 16}
    if args.processes > 1:
        kwargs["n_process"] = args.processes
    t0 = time.perf_counter()
    for _ in plain.pipe(texts, **kwargs):
        pass
    plain_s = time.perf_counter() - t0
    report("spaCy NER only", plain_s)

    t0 = time.perf_counter()
    results = list(ex.extract_many(texts, n_process=args.processes))
    ext_s = time.perf_counter() - t0
    report("ctviewer extraction", ext_s)
    print(f"extraction / NER-only time: {ext_s / plain_s:.2f}")

    t0 = time.perf_counter()
    docs = [DocumentMentions(i, t, tuple(ms)) for i, (t, ms) in enumerate(zip(texts, results, strict=True))]
    res = Resolver(gazetteer=ex.gazetteer).resolve(docs)
    res_s = time.perf_counter() - t0
    n_mentions = sum(len(ms) for ms in results)
    print(
        f"resolution: {res_s:.2f} s for {n_mentions:,} mentions -> {len(res.entities):,} entities, "
        f"{len(res.suggestions):,} merge suggestions"
    )
    per_10k = (ext_s + res_s) / len(texts) * 10_000 / 60
    print(f"projected 10,000 speeches: {per_10k:.1f} min")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
