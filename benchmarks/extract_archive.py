"""Extraction throughput of a whole archive (a benchmark, not a test).

Imports N UN General Debate speeches with extraction deferred, then times ``Library.extract()``
(spaCy in worker processes, resolution, one transaction per batch, re-indexing); then, in the same
run and on the same texts, ctviewer's extraction alone and spaCy's own NER-only pipeline, each with
one and with two processes (the ratio issue 3 asks about).
Prints docs/s, words/s and the projected time for 10,000 speeches.

    mkdir -p /tmp/bench/ungd && tar xzf ../shared/corpus/ungd.tar.gz -C /tmp/bench/ungd
    .venv/bin/python benchmarks/extract_archive.py [-n 500] [--corpus /tmp/bench/ungd/TXT]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path

DEFAULT_CORPUS = Path("/tmp/bench/ungd/TXT")
EXCLUDE = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=500, help="number of speeches (newest sessions first)")
    ap.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    ap.add_argument("--workers", type=int, default=None, help="extraction processes (default: up to 2)")
    ap.add_argument(
        "--compare",
        type=int,
        default=600,
        help="compare extraction alone with NER-only on this many of the texts (0: skip)",
    )
    args = ap.parse_args(argv)

    files = sorted(args.corpus.glob("Session */*.txt"), reverse=True)[: args.n]
    if not files:
        raise SystemExit(f"no speeches under {args.corpus} (see the docstring to unpack them)")
    from ctviewer.library import Library

    work = Path(tempfile.mkdtemp(prefix="ctviewer-extract-bench-"))
    try:
        inbox = work / "in"
        inbox.mkdir()
        for f in files:
            shutil.copy(f, inbox / f.name)
        library = Library.open(work / "archive")
        t0 = time.perf_counter()
        report = library.import_paths([inbox])
        took = time.perf_counter() - t0
        print(f"imported {len(report.of('imported'))} speeches (extraction deferred) in {took:.1f} s")
        texts = [library.document(d.id).text for d in library.documents()]
        words = sum(len(t.split()) for t in texts)
        chars = sum(len(t) for t in texts)
        print(f"{len(texts)} documents, {chars:,} chars, {words:,} words")

        if args.workers is not None:
            library.entity_service.workers = args.workers
        t0 = time.perf_counter()
        result = library.extract()
        ext_s = time.perf_counter() - t0
        print(
            f"ctviewer extract (store + re-index): {ext_s:7.1f} s  {len(texts) / ext_s:6.2f} docs/s  "
            f"{words / ext_s:8,.0f} words/s   {result.mentions:,} mentions, {result.entities_created:,} entities, "
            f"{len(library.suggestions()):,} suggestions"
        )
        library.close()
        n_docs = len(texts)
        print(
            f"projected 10,000 speeches: {ext_s / n_docs * 10_000 / 60:.1f} min "
            f"(average speech here: {words / n_docs:,.0f} words)"
        )

        if args.compare <= 0:
            return 0
        texts = texts[: args.compare]
        words = sum(len(t.split()) for t in texts)
        print(f"comparison on {len(texts)} documents, {words:,} words:")
        import spacy

        from ctviewer.entities.workers import ExtractorPool
        from ctviewer.extract.pipeline import MODEL_NAME, Extractor

        # The same texts through ctviewer's extraction alone (no storing, no re-indexing) and
        # through spaCy's NER alone, each with one and with two processes.
        ours: dict[int, float] = {}
        t0 = time.perf_counter()
        extractor = Extractor()
        for _ in extractor.extract_many(texts):
            pass
        ours[1] = time.perf_counter() - t0
        t0 = time.perf_counter()
        pool = ExtractorPool(2)
        pool.submit(texts)()
        pool.close()
        ours[2] = time.perf_counter() - t0

        plain = spacy.load(MODEL_NAME, exclude=EXCLUDE)
        plain.max_length = max(plain.max_length, max(len(t) for t in texts) + 1)
        ner: dict[int, float] = {}
        for n_process in (1, 2):
            t0 = time.perf_counter()
            kwargs = {"batch_size": 16} if n_process == 1 else {"batch_size": 16, "n_process": 2}
            for _ in plain.pipe(texts, **kwargs):
                pass
            ner[n_process] = time.perf_counter() - t0
        for n_process in (1, 2):
            print(
                f"{n_process} process(es): ctviewer extraction {words / ours[n_process]:8,.0f} words/s   "
                f"spaCy NER only {words / ner[n_process]:8,.0f} words/s   "
                f"ratio {ner[n_process] / ours[n_process]:.2f} (model load included)"
            )
        if len(texts) == n_docs:
            print(f"end-to-end (store + re-index) / NER-only with 2 processes: {ext_s / ner[2]:.2f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
