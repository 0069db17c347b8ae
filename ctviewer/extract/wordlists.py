"""The extraction's word lists, read once from ``resources/wordlists.yaml`` (data, not code)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from ctviewer.paths import resources_dir

WORDLISTS_FILENAME = "wordlists.yaml"


@dataclass(frozen=True)
class WordLists:
    """Lower-case word sets; see the comments in resources/wordlists.yaml for what each means."""

    generic_words: frozenset[str]
    document_words: frozenset[str]
    generic_single: frozenset[str]
    junk_places: frozenset[str]
    org_words: frozenset[str]


@cache
def load_wordlists() -> WordLists:
    data = yaml.safe_load((resources_dir() / WORDLISTS_FILENAME).read_text(encoding="utf-8"))
    return WordLists(**{name: frozenset(str(w).lower() for w in data[name]) for name in WordLists.__dataclass_fields__})


WORDS = load_wordlists()
