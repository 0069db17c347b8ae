"""Normalisation keys: two names with the same key are the same name.

``name_key`` folds what does not distinguish names: case, punctuation, accents and scripts
(anyascii), British/American spelling, a leading "the", a possessive "'s", "United Nations"
vs "UN", "counter terrorism" vs "counter-terrorism". ``person_loose_key`` also folds common
transliteration variants of personal names (Mirziyoyev/Mirziyoev, Tokayev/Tokaev) and is only
used together with agreeing first names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache

from anyascii import anyascii

HONORIFICS = (
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "prof",
    "professor",
    "he",
    "h e",
    "his excellency",
    "her excellency",
    "his majesty",
    "her majesty",
    "his royal highness",
    "her royal highness",
    "his highness",
    "her highness",
    "sir",
    "dame",
    "madam",
    "madame",
    "mme",
    "monsieur",
    "messrs",
    "excellency",
)
_HONORIFIC_RE = re.compile(r"^(?:(?:" + "|".join(sorted(HONORIFICS, key=len, reverse=True)) + r")\s+)+")

# Word-level spelling folds (British -> American, and spelling noise seen in UN/OSCE texts).
_SPELLING: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\bco-?operat"), "cooperat"),
    (re.compile(r"\bco-?ordinat"), "coordinat"),
    (re.compile(r"(?<=\w)is(ation|ations|e|es|ed|ing)\b"), r"iz\1"),
    (re.compile(r"\bcentres?\b"), lambda m: "centers" if m.group(0).endswith("s") else "center"),
    (re.compile(r"\bprogrammes?\b"), lambda m: "programs" if m.group(0).endswith("s") else "program"),
    (re.compile(r"\bdefence\b"), "defense"),
    (re.compile(r"\blabour\b"), "labor"),
    (re.compile(r"\bcounter[\s-]+terror"), "counterterror"),
    (re.compile(r"\banti[\s-]+terror"), "antiterror"),
    (re.compile(r"\bunited nations\b"), "un"),
    (re.compile(r"\bu n\b"), "un"),
    (re.compile(r"\bqaeda\b"), "qaida"),
    (re.compile(r"\bda esh\b"), "daesh"),
]
_APOS = re.compile(r"['’`ʼ]s\b")
_NON_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=200_000)
def name_key(text: str) -> str:
    """The folded comparison key of any name (see module docstring)."""
    s = anyascii(text).lower()
    s = _APOS.sub("", s)
    s = s.replace("&", " and ")
    s = re.sub(r"['’`]", "", s)
    s = s.replace(".", " ")
    s = re.sub(r"\s+", " ", s).strip()
    for pattern, repl in _SPELLING:
        s = pattern.sub(repl, s)
    s = _NON_WORD.sub(" ", s).strip()
    s = re.sub(r"^the ", "", s)
    s = _HONORIFIC_RE.sub("", s)
    return s


def strip_un_prefix(key: str) -> str | None:
    """``"un office of counterterrorism"`` -> ``"office of counterterrorism"`` (None if no prefix)."""
    return key[3:] if key.startswith("un ") and len(key) > 3 else None


_VOWELS = "aeiou"


@lru_cache(maxsize=200_000)
def _loose_token(tok: str) -> str:
    t = tok
    t = t.replace("kh", "h").replace("ph", "f").replace("ck", "k").replace("x", "ks").replace("w", "v")
    t = t.replace("dzh", "j").replace("zh", "j").replace("dj", "j")
    # A "y" between vowels (Mirzi-y-o-y-ev, Toka-y-ev) is a glide many transliterations drop.
    t = re.sub(rf"(?<=[{_VOWELS}y])y(?=[{_VOWELS}])", "", t)
    t = re.sub(r"^y(?=[e])", "", t)  # Yevgeny / Evgeny
    t = t.replace("y", "i")
    t = re.sub(r"(.)\1+", r"\1", t)  # double letters
    t = re.sub(r"ii+", "i", t)
    return t


def person_tokens(text: str) -> list[str]:
    """The name's tokens after folding, without honorifics (``"Mr. V. Voronkov"`` -> ``["v", "voronkov"]``)."""
    key = name_key(text)
    return key.split() if key else []


def person_loose_key(text: str) -> tuple[str, str] | None:
    """``(first, last)`` loose tokens of a multi-word personal name, or None for a single word."""
    toks = person_tokens(text)
    if len(toks) < 2:
        return None
    return _loose_token(toks[0]), _loose_token(toks[-1])
