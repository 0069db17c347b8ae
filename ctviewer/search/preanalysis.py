"""Analysing a document's body away from the index writer.

During an import the main process writes the database and the index while worker processes
read and clean the files. Whoosh analyses every field inside ``add_document`` (tokenise,
lower-case, stop words, Porter stems, positions): on the writer's side of the pipe, about a
third of its indexing time. :func:`analyse_body` does that work in the worker instead, with the
very field the index uses, and returns what Whoosh's ``FieldType.index`` would have returned;
:func:`accepting_analysed` lets a writer take such a value as it is.

Same field, same result: the index's marker (``SCHEMA_VERSION``) guarantees an open index was
built with :func:`~ctviewer.search.schema.build_schema`, whose body field is used here. The
substitution is scoped to the adds of one writer and undone before its commit, so the schema
Whoosh stores with the index never changes.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from whoosh import fields

from ctviewer.search.schema import build_schema

ANALYSED_FIELD = "body"


@dataclass(frozen=True)
class Analysed:
    """A body already analysed: one (term bytes, frequency, weight, encoded positions) per term."""

    items: tuple[tuple[bytes, int, float, bytes], ...]


@lru_cache(maxsize=1)
def _body_field() -> fields.FieldType:
    return build_schema()[ANALYSED_FIELD]


def analyse_body(text: str) -> Analysed:
    """What indexing ``text`` as a document's body produces (run it in a worker process)."""
    return Analysed(tuple(_body_field().index(text)))


@contextmanager
def accepting_analysed(writer: Any) -> Iterator[None]:
    """While inside, ``writer`` takes an :class:`Analysed` body as already analysed (plain text
    as usual). Leave before committing: the writer stores its schema with the new segment."""
    schema = writer.schema
    original = schema[ANALYSED_FIELD]
    proxy = copy.copy(original)

    def index(value: object, **kwargs: Any) -> Any:
        if isinstance(value, Analysed):
            return iter(value.items)
        return original.index(value, **kwargs)

    proxy.index = index  # this instance only
    schema._fields[ANALYSED_FIELD] = proxy
    try:
        yield
    finally:
        schema._fields[ANALYSED_FIELD] = original
