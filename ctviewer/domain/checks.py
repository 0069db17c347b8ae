"""Frozen records of ``ctviewer check``: the problems found and what was repaired."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One finding of ``check``: what is wrong and whether ``--repair`` can fix it."""

    code: str
    message: str
    repairable: bool = False


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[Problem, ...] = ()
    repaired: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.problems
