"""The gazetteer: known organisations and places, read from ``resources/gazetteer.yaml``.

A user file in the same format can extend or override it (an entry with an existing ``id``
replaces the shipped one). Spelling variants are generated here, so the data file lists each
name once (see the comment at the top of the YAML file).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ctviewer.domain.entities import ENTITY_TYPES, EntityType
from ctviewer.extract.keys import name_key

GAZETTEER_FILENAME = "gazetteer.yaml"


@dataclass(frozen=True)
class GazetteerEntry:
    id: str
    name: str
    type: EntityType
    acronyms: tuple[str, ...] = ()
    variants: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """Canonical name, listed variants and their generated spelling variants (no acronyms)."""
        out: dict[str, None] = {}
        for n in (self.name, *self.variants):
            for v in spelling_variants(n):
                out.setdefault(v, None)
        return tuple(out)


# (British, American) pairs swapped in both directions when generating variants.
_SWAPS = [
    ("Organisation", "Organization"),
    ("organisation", "organization"),
    ("Centre", "Center"),
    ("centre", "center"),
    ("Co-operation", "Cooperation"),
    ("co-operation", "cooperation"),
    ("Co-ordinat", "Coordinat"),
    ("co-ordinat", "coordinat"),
    ("Programme", "Program"),
    ("programme", "program"),
    ("Defence", "Defense"),
    ("defence", "defense"),
    ("Counter-Terrorism", "Counter Terrorism"),
    ("Counter-Terrorism", "Counterterrorism"),
    ("Anti-Terrorist", "Antiterrorist"),
    ("Anti-Terrorism", "Antiterrorism"),
]


def spelling_variants(name: str) -> list[str]:
    """``name`` with British/American spellings and the UN/United Nations prefix swapped."""
    forms = {name}
    for a, b in _SWAPS:
        for f in list(forms):
            if a in f:
                forms.add(f.replace(a, b))
            # Only whole-word swaps back, to avoid "Programme" -> "Programmeme".
            if re.search(rf"\b{re.escape(b)}\b", f):
                forms.add(re.sub(rf"\b{re.escape(b)}\b", a, f))
    for f in list(forms):
        if "'" in f:
            forms.add(f.replace("'", "’"))  # typographic apostrophe: "Da’esh"
        if f.startswith("United Nations "):
            forms.add("UN " + f[len("United Nations ") :])
        elif f.startswith("UN "):
            forms.add("United Nations " + f[3:])
    return sorted(forms)


class Gazetteer:
    """Entries by id plus a lookup from :func:`name_key` of every name/acronym to the entry."""

    def __init__(self, entries: Iterable[GazetteerEntry]) -> None:
        self.entries: dict[str, GazetteerEntry] = {}
        for e in entries:
            self.entries[e.id] = e
        self._by_key: dict[str, str] = {}
        for e in self.entries.values():
            for n in (*e.names(), *e.acronyms):
                self._by_key.setdefault(name_key(n), e.id)

    def lookup(self, text: str) -> GazetteerEntry | None:
        """The entry one of whose names/acronyms has the same key as ``text``."""
        gid = self._by_key.get(name_key(text))
        return self.entries.get(gid) if gid else None

    @property
    def demonyms(self) -> frozenset[str]:
        """Lower-cased words for people of the gazetteer's places ("ugandan", "tajik", "sri lankan",
        "chinese"), derived from the place names by the usual English suffix rules. The model
        sometimes tags these adjectives as persons; they are never a person's name."""
        cached = self.__dict__.get("_demonyms")
        if cached is None:
            forms: set[str] = set()
            for e in self.entries.values():
                if e.type == "place":
                    forms |= demonym_forms(e.name)
            cached = self.__dict__["_demonyms"] = frozenset(forms)
        return cached

    def keys(self) -> dict[str, str]:
        """``name_key -> entry id`` for every known name (used by the resolver)."""
        return dict(self._by_key)

    def __len__(self) -> int:
        return len(self.entries)


def _parse(data: object, source: str) -> list[GazetteerEntry]:
    if not isinstance(data, dict) or not isinstance(data.get("entities", []), list):
        raise ValueError(f"{source}: expected a mapping with an 'entities' list")
    out: list[GazetteerEntry] = []
    known = {name_key(str(raw.get("name", ""))) for raw in data.get("entities", []) if isinstance(raw, dict)}
    for name in data.get("place_names") or ():
        if name_key(str(name)) not in known:
            known.add(name_key(str(name)))
            out.append(GazetteerEntry(id=name_key(str(name)).replace(" ", "-"), name=str(name), type="place"))
    for i, raw in enumerate(data.get("entities", [])):
        if not isinstance(raw, dict) or "name" not in raw:
            raise ValueError(f"{source}: entry {i} has no name")
        etype = raw.get("type", "organisation")
        if etype not in ENTITY_TYPES:
            raise ValueError(f"{source}: entry {i} ({raw['name']}) has unknown type {etype!r}")
        name = str(raw["name"])
        out.append(
            GazetteerEntry(
                id=str(raw.get("id") or name_key(name).replace(" ", "-")),
                name=name,
                type=etype,
                acronyms=tuple(str(a) for a in raw.get("acronyms") or ()),
                variants=tuple(str(v) for v in raw.get("variants") or ()),
            )
        )
    return out


def default_gazetteer_path() -> Path:
    from ctviewer.paths import resources_dir

    return resources_dir() / GAZETTEER_FILENAME


def file_version(path: Path | str | None) -> tuple[str, int]:
    """A cache key for a user file that changes when the file is edited."""
    if path is None:
        return ("", 0)
    try:
        return (str(path), Path(path).stat().st_mtime_ns)
    except OSError:
        return (str(path), 0)


@lru_cache(maxsize=8)
def _load_cached(paths: tuple[str, ...], _versions: tuple[tuple[str, int], ...] = ()) -> Gazetteer:
    entries: list[GazetteerEntry] = []
    for p in paths:
        with open(p, encoding="utf-8") as fh:
            entries.extend(_parse(yaml.safe_load(fh), p))
    return Gazetteer(entries)


def demonym_forms(place: str) -> set[str]:
    """Plausible demonyms of a place name (lower case); over-generation is harmless because the
    set is only used to drop single-word "persons" that equal one of these forms."""
    p = place.lower().strip()
    if not p or not p[-1].isalpha():
        return set()
    forms = {p + "n", p + "an", p + "ian", p + "ien", p + "i", p + "ese", p + "ish"}
    if p.endswith(("a", "e", "o", "y")):
        stem = p[:-1]
        forms |= {stem + "an", stem + "ian", stem + "ese", stem + "ean", stem + "i"}
    if p.endswith("istan"):  # Tajikistan -> Tajik, Uzbekistan -> Uzbek, Kazakhstan below
        forms.add(p[: -len("istan")])
    if p.endswith("stan"):  # Kazakhstan -> Kazakh, Pakistan -> Pakistani (above)
        forms.add(p[: -len("stan")])
    if p.endswith("land"):  # Poland -> Polish (irregular ones such as Irish are not derived)
        forms.add(p[: -len("land")] + "ish")
    return forms


def load_gazetteer(user_file: Path | str | None = None) -> Gazetteer:
    """The shipped gazetteer, extended by ``user_file`` if given (cached per file list)."""
    paths = [str(default_gazetteer_path())]
    if user_file is not None:
        paths.append(str(Path(user_file).expanduser().resolve()))
    # The user file's modification time is part of the key: an edited file is read again.
    return _load_cached(tuple(paths), (file_version(user_file),))
