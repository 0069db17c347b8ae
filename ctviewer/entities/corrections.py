"""The analysts' corrections log, read back as decisions that extraction must respect.

Every correction is its own row (append-only). Replaying the log in order gives:

- ``redirects``: entities merged away -> the entity they went into (followed transitively);
- ``pins``: name keys the resolver must send to one entity (merged names, added aliases, renamed
  names, names only the split-off part of an entity had);
- ``rejected_keys``: names that are not entities;
- ``splits``: mentions (by document and offsets) that belong to a split-off entity;
- final names and types of renamed/retyped entities, and dismissed suggestion pairs.

A later decision wins over an earlier one on the same name (a rejected name pinned later is an
entity again, and the reverse). Pure Python: the service applies the result to the database.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ctviewer.extract.keys import name_key


@dataclass(frozen=True)
class Split:
    into: int
    from_id: int
    name: str
    type: str
    moves: tuple[tuple[int, int, int], ...]  # (document_id, start, end)


@dataclass
class Decisions:
    redirects: dict[int, int] = field(default_factory=dict)
    pins: dict[str, int] = field(default_factory=dict)
    rejected_keys: set[str] = field(default_factory=set)
    rejected_ids: set[int] = field(default_factory=set)
    splits: list[Split] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)
    types: dict[int, str] = field(default_factory=dict)
    aliases: dict[int, list[str]] = field(default_factory=dict)
    dismissed: set[tuple[int, int]] = field(default_factory=set)

    def live(self, entity_id: int) -> int:
        """The entity ``entity_id`` became (following merges)."""
        seen = set()
        while entity_id in self.redirects and entity_id not in seen:
            seen.add(entity_id)
            entity_id = self.redirects[entity_id]
        return entity_id

    def pinned(self) -> dict[str, int]:
        """Pins with merges followed and rejected entities left out."""
        out = {}
        for k, i in self.pins.items():
            target = self.live(i)
            if target not in self.rejected_ids:
                out[k] = target
        return out

    def is_dismissed(self, a: int, b: int) -> bool:
        a, b = self.live(a), self.live(b)
        return (min(a, b), max(a, b)) in {
            (min(self.live(x), self.live(y)), max(self.live(x), self.live(y))) for x, y in self.dismissed
        }


def _pin(d: Decisions, names: Iterable[str], entity_id: int) -> None:
    for n in names:
        k = name_key(n)
        if k:
            d.pins[k] = entity_id
            d.rejected_keys.discard(k)


def decisions_from(log: Iterable[tuple[int, str, dict[str, Any]]]) -> Decisions:
    """Replay ``(id, kind, payload)`` corrections, oldest first."""
    d = Decisions()
    for _id, kind, p in log:
        if kind == "merge":
            into = int(p["into"])
            for source in p["entities"]:
                if int(source) != into:
                    d.redirects[int(source)] = into
            _pin(d, p.get("names", ()), into)
        elif kind == "alias":
            _pin(d, [p["name"]], int(p["id"]))
            d.aliases.setdefault(int(p["id"]), []).append(p["name"])
        elif kind == "rename":
            _pin(d, [p["name"]], int(p["id"]))
            d.names[int(p["id"])] = p["name"]
        elif kind == "retype":
            d.types[int(p["id"])] = p["type"]
        elif kind == "reject":
            d.rejected_ids.add(int(p["id"]))
            for n in p.get("names", ()):
                k = name_key(n)
                if k:
                    d.rejected_keys.add(k)
                    d.pins.pop(k, None)
        elif kind == "split":
            moves = tuple((int(doc), int(s), int(e)) for doc, s, e, *_ in p["mentions"])
            d.splits.append(Split(int(p["into"]), int(p["from"]), p["name"], p["type"], moves))
            _pin(d, p.get("names", ()), int(p["into"]))
        elif kind == "dismiss":
            d.dismissed.add((int(p["a"]), int(p["b"])))
    return d
