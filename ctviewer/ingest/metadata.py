"""The document's own metadata found in its text: date, place, title, language.

Dates are taken only from the top of the document (where letters, press releases and
speeches state them) and only in unambiguous forms; "3/4/2022" is left alone because it
could be March or April. Anything outside 1945..next year is ignored, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

_MONTHS = {
    m: i
    for i, m in enumerate(
        [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ],
        1,
    )
}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH = (
    r"(January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH},?\s+(\d{{4}})\b", re.IGNORECASE)
_MONTH_FIRST = re.compile(rf"\b{_MONTH}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")
_DOTTED = re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4})\b")
_MONTH_YEAR = re.compile(rf"^\s*{_MONTH}\s+(\d{{4}})\s*$", re.IGNORECASE | re.MULTILINE)
_TOP_CHARS = 1500
_PLACE = r"([A-Z][A-Za-z'’.-]+(?: [A-Z][A-Za-z'’.-]+){0,2})"
_NOT_PLACES = frozenset(
    {
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "on",
        "the",
        "date",
        "dated",
        "distr",
        "general",
        "original",
        "english",
        "statement",
        "remarks",
        "press",
        "release",
        "updated",
        "published",
        "as",
        "at",
        "in",
        "of",
        "by",
    }
    | set(_MONTHS)
)
# A line ending like this is the start of a sentence, not a heading.
_RUNS_ON = re.compile(r"(,|;|\b(?:a|an|the|of|to|and|or|for|in|on|with|by|at|from|that))$", re.IGNORECASE)
# A year standing alone in a file name (not part of a longer number: "20210315" is left alone).
_NAME_YEAR = re.compile(r"(?<![0-9])(19[4-9][0-9]|20[0-9][0-9])(?![0-9])")
_MEANINGLESS_TITLE = re.compile(
    r"^(untitled|document\d*|microsoft word - .*|title|slide \d+|page \d+|\S+\.(docx?|pdf|txt|rtf|odt))$", re.IGNORECASE
)


def valid_date(year: int, month: int, day: int | None = None) -> str | None:
    """ISO string for a plausible document date, else None."""
    if not 1945 <= year <= dt.date.today().year + 1 or not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}"
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def find_date(text: str) -> tuple[str | None, tuple[int, int] | None]:
    """The first unambiguous full date near the top: (ISO date, its character span)."""
    top = text[:_TOP_CHARS]
    found: list[tuple[int, str, tuple[int, int]]] = []
    for m in _DAY_FIRST.finditer(top):
        iso = valid_date(int(m.group(3)), _MONTHS[m.group(2).lower().rstrip(".")], int(m.group(1)))
        if iso:
            found.append((m.start(), iso, m.span()))
    for m in _MONTH_FIRST.finditer(top):
        iso = valid_date(int(m.group(3)), _MONTHS[m.group(1).lower().rstrip(".")], int(m.group(2)))
        if iso:
            found.append((m.start(), iso, m.span()))
    for m in _ISO.finditer(top):
        iso = valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if iso:
            found.append((m.start(), iso, m.span()))
    for m in _DOTTED.finditer(top):
        iso = valid_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        if iso:
            found.append((m.start(), iso, m.span()))
    if found:
        _, iso, span = min(found)
        return iso, span
    month_year = _MONTH_YEAR.search(top)
    if month_year:
        iso = valid_date(int(month_year.group(2)), _MONTHS[month_year.group(1).lower().rstrip(".")])
        if iso:
            return iso, month_year.span()
    return None, None


def find_place(text: str, date_span: tuple[int, int] | None) -> str | None:
    """A dateline's place: "3 March 2022, Tashkent" or "TASHKENT, 3 March 2022"."""
    if date_span is None:
        return None
    line_start = text.rfind("\n", 0, date_span[0]) + 1
    line_end = text.find("\n", date_span[1])
    line_end = len(text) if line_end < 0 else line_end
    before = text[line_start : date_span[0]].strip()
    after = text[date_span[1] : line_end].strip()
    candidate = None
    m = re.fullmatch(r"[,–—-]\s*" + _PLACE + r"\.?", after)
    if m and not before:
        candidate = m.group(1)
    else:
        m = re.fullmatch(_PLACE + r"\s*[,–—-]", before)
        if m:
            candidate = m.group(1)
    if not candidate or candidate.split()[0].lower() in _NOT_PLACES or len(candidate) > 40:
        return None
    return candidate.title() if candidate.isupper() else candidate


def meaningful_title(title: str | None, file_stem: str = "") -> str | None:
    """``title`` unless it is empty, generic or just the file name."""
    if not title:
        return None
    title = " ".join(title.split())
    if not title or _MEANINGLESS_TITLE.match(title) or title.lower() == file_stem.lower() or len(title) < 3:
        return None
    return title[:500]


def title_from_text(text: str) -> str | None:
    """The first substantial line (a heading) of the text, if short enough to be a title and
    not the start of a sentence that goes on ("On behalf of my delegation,")."""
    for line in text.split("\n")[:30]:
        line = line.strip().strip("#").strip()
        if len(line) < 4 or not any(ch.isalpha() for ch in line):
            continue
        if len(line) <= 300 and not _RUNS_ON.search(line):
            return line
        return None
    return None


def date_from_name(stem: str) -> str | None:
    """The year a file name states, when it states exactly one (``AFG_76_2021``, ``report-2019``):
    a fallback for texts that carry no date of their own. Month and day are never inferred."""
    years = {int(m) for m in _NAME_YEAR.findall(stem)}
    if len(years) != 1:
        return None
    year = years.pop()
    return f"{year:04d}" if 1945 <= year <= dt.date.today().year + 1 else None


@lru_cache(maxsize=1)
def _identifier() -> object:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    # Only languages with an ISO 639-1 code (the model also knows e.g. "pcm", Nigerian Pidgin,
    # which otherwise wins on English tables full of names and dates).
    identifier.set_languages([code for code in identifier.nb_classes if len(code) == 2])
    return identifier


def detect_language(text: str) -> str | None:
    """ISO 639-1 code when the identifier is confident, else None."""
    # A few thousand characters decide the language as well as the whole text, at a
    # fraction of the cost (the identifier was 13 ms per speech on 20,000 characters).
    sample = " ".join(text[:3000].split())
    if len(sample) < 40 or sum(ch.isalpha() for ch in sample[:200]) < 30:
        return None
    lang, probability = _identifier().classify(sample)  # type: ignore[attr-defined]
    return str(lang) if probability >= 0.7 and len(str(lang)) == 2 else None
