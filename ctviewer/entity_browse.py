"""Qt-free entity browsing for the desktop app, built on an open :class:`Library`.

The entity tables hold ids in display order and fetch rows a page at a time with
``Library.entity_records``; this module gives them the id list (sorted and filtered by name)
so the ``ui`` package never touches SQLAlchemy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ctviewer.db import entity_listing
from ctviewer.domain.entities import EntitySort, EntityType

if TYPE_CHECKING:
    from ctviewer.library import Library

__all__ = ["entity_ids"]


def entity_ids(
    library: Library,
    type_: EntityType | None = None,
    *,
    sort: EntitySort = "name",
    descending: bool = False,
    text: str = "",
) -> list[int]:
    """Ids of the entities of ``type_`` whose name or an alias contains ``text``, in display order."""
    with library.archive.db.read() as session:
        return entity_listing.entity_ids(session, type_, sort=sort, descending=descending, text=text)
