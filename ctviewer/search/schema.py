"""The Whoosh schema: which fields exist, how they are analysed, and the query aliases.

Only ``id`` is stored. Titles, dates and texts live in the database (the source of truth)
and snippets are highlighted from the database text, so the index stays small and can
always be rebuilt.
"""

from __future__ import annotations

from whoosh import fields
from whoosh.analysis import IDTokenizer, LowercaseFilter, RegexTokenizer, StemmingAnalyzer

# Tokens longer than this are dropped before stemming: a pathological 1 MB "word" would
# otherwise be stemmed, indexed and highlighted character by character.
MAX_TOKEN_CHARS = 60

FACET_SEPARATOR = "\n"

# Fields searched when a query term names no field, with their weights.
DEFAULT_FIELDS = ("title", "body", "person", "organisation", "place", "tags", "note")
FIELD_BOOSTS = {"title": 2.0, "person": 1.5, "organisation": 1.5, "place": 1.2}

# What users may type before the colon, mapped to the real field names.
FIELD_ALIASES: dict[str, list[str]] = {
    "person": ["people", "persons"],
    "organisation": ["org", "orgs", "organization", "organisations", "organizations"],
    "place": ["places", "loc", "location"],
    "tags": ["tag"],
    "note": ["notes", "annotation", "annotations"],
    "file_type": ["type", "filetype"],
    "language": ["lang"],
}

# Facet name (as the UI shows it) -> keyword field holding display values.
FACET_FIELDS = {
    "person": "person_facet",
    "organisation": "organisation_facet",
    "place": "place_facet",
    "year": "year",
    "type": "file_type",
    "language": "language",
}


def _lower_id() -> fields.ID:
    return fields.ID(analyzer=IDTokenizer() | LowercaseFilter())


def _text_analyzer() -> StemmingAnalyzer:
    # An unbounded stem cache: a dict lookup per token instead of an LFU bookkeeping wrapper
    # (measured ~15% faster indexing); the vocabulary of an archive fits in memory.
    return StemmingAnalyzer(maxsize=MAX_TOKEN_CHARS, cachesize=-1)


def build_schema() -> fields.Schema:
    analyzer = _text_analyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        title=fields.TEXT(analyzer=analyzer, phrase=True),
        # No separate spelling field: it doubled indexing time. Suggestions and fuzzy terms
        # use the stemmed lexicon, which the query side stems the same way.
        body=fields.TEXT(analyzer=analyzer, phrase=True),
        # ISO dates as plain terms: lexicographic ranges on them are date ranges.
        date=fields.ID(),
        year=fields.ID(),
        file_type=_lower_id(),
        language=_lower_id(),
        # Entity names: searchable word by word (person:voronkov) ...
        person=fields.TEXT(analyzer=analyzer, phrase=True),
        organisation=fields.TEXT(analyzer=analyzer, phrase=True),
        place=fields.TEXT(analyzer=analyzer, phrase=True),
        # ... and whole, case kept, for facet counts.
        person_facet=fields.KEYWORD(analyzer=RegexTokenizer(r"[^\n]+")),
        organisation_facet=fields.KEYWORD(analyzer=RegexTokenizer(r"[^\n]+")),
        place_facet=fields.KEYWORD(analyzer=RegexTokenizer(r"[^\n]+")),
        tags=fields.KEYWORD(lowercase=True, commas=True, scorable=True),
        # Annotations: notes and quoted passages (stemmed), and ``annotated:yes`` on annotated documents.
        note=fields.TEXT(analyzer=analyzer, phrase=True),
        annotated=_lower_id(),
    )
