"""Fixtures for the entity layer: a fake extractor (no spaCy) and small archives built with it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import update

from ctviewer.db.models import Document
from ctviewer.extract.gazetteer import Gazetteer, load_gazetteer
from ctviewer.extract.model import Mention
from ctviewer.library import Library

# Names the fake extractor finds, longest first, with their types.
NAMES: dict[str, str] = {
    "Vladimir Voronkov": "person",
    "Voronkov": "person",
    "Natalia Gherman": "person",
    "Zhang Ming": "person",
    "Organization for Security and Co-operation in Europe": "organisation",
    "OSCE": "organisation",
    "UN Office of Counter-Terrorism": "organisation",
    "UNOCT": "organisation",
    "Shanghai Cooperation Organisation": "organisation",
    "Regional Cooperation": "organisation",
    "Acme Group": "organisation",
    "Tashkent": "place",
    "Uzbekistan": "place",
    "Jordan": "person",  # deliberately wrong type, for retype
}
# Roles the fake gives every mention of a full name.
ROLES: dict[str, tuple[str, str]] = {
    "Vladimir Voronkov": ("Under-Secretary-General", "UN Office of Counter-Terrorism"),
    "Zhang Ming": ("Secretary-General", "Shanghai Cooperation Organisation"),
}
_PATTERN = re.compile(r"\b(" + "|".join(re.escape(n) for n in sorted(NAMES, key=len, reverse=True)) + r")\b")
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")

DOCS: dict[str, tuple[str, str]] = {
    "a.txt": (
        "2021-05-01",
        "Vladimir Voronkov met the OSCE in Tashkent. Regional Cooperation was discussed. Voronkov thanked Uzbekistan.",
    ),
    "b.txt": (
        "2022-03-03",
        "The Organization for Security and Co-operation in Europe hosted Vladimir Voronkov. "
        "Zhang Ming spoke for the Shanghai Cooperation Organisation in Tashkent.",
    ),
    "c.txt": (
        "2023-07-09",
        "Natalia Gherman visited Jordan. The Acme Group and the OSCE met in Tashkent. "
        "Vladimir Voronkov of the UN Office of Counter-Terrorism spoke.",
    ),
}


class FakeExtractor:
    """Finds the names above by regular expression; sentences end at . ! ? or a line break."""

    def __init__(self) -> None:
        self.calls = 0

    @property
    def gazetteer(self) -> Gazetteer:
        return load_gazetteer()

    def extract(self, text: str) -> list[Mention]:
        sentences = [(m.start(), m.end()) for m in _SENTENCE.finditer(text)]
        out = []
        for m in _PATTERN.finditer(text):
            s_start, s_end = next(((a, b) for a, b in sentences if a <= m.start() < b), (0, len(text)))
            name = m.group(1)
            title, org = ROLES.get(name, (None, None))
            out.append(
                Mention(
                    NAMES[name],
                    m.start(),
                    m.end(),
                    name,
                    s_start,
                    s_end,  # type: ignore[arg-type]
                    role=title,
                    role_org=org,
                )
            )
        return out

    def extract_many(self, texts: Iterable[str], n_process: int = 1) -> Iterator[list[Mention]]:
        for text in texts:
            self.calls += 1
            yield self.extract(text)


def write_docs(folder: Path, docs: dict[str, tuple[str, str]] = DOCS) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (_, text) in docs.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
        paths.append(folder / name)
    return paths


def open_fake(root: Path, docs: dict[str, tuple[str, str]] = DOCS, *, extract: bool = True) -> Library:
    """A library at ``root`` with ``docs`` imported (dated as given) and extracted by the fake."""
    library = Library.open(root, extractor=FakeExtractor())
    report = library.import_paths(write_docs(root.parent / "in", docs))
    with library.archive.db.write() as session:
        for outcome in report.of("imported"):
            date = docs[Path(outcome.path).name][0]
            session.execute(update(Document).where(Document.id == outcome.document_id).values(date=date))
    if extract:
        library.extract()
    return library


def doc_id(library: Library, name: str) -> int:
    return next(d.id for d in library.documents() if d.source_path.endswith("/" + name))


def entity_named(library: Library, name: str) -> int:
    found = [e.id for e in library.entities() if e.name == name]
    assert len(found) == 1, (name, [e.name for e in library.entities()])
    return found[0]


@pytest.fixture
def fake_library(tmp_path: Path) -> Iterator[Library]:
    library = open_fake(tmp_path / "archive")
    yield library
    library.close()
