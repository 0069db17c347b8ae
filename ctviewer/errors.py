"""Errors sorted by who is to blame.

``KnownError`` and its subclasses are environment or input problems: a plain one-line
message is shown to the user (CLI: on stderr, exit code 2; GUI: a message box).
Anything else is a bug and gets a traceback / crash dialog.
"""

from __future__ import annotations


class KnownError(Exception):
    """A problem the user can understand and act on; ``str(err)`` is the message."""


class ArchiveError(KnownError):
    """The archive folder cannot be opened or used."""


class ArchiveTooNewError(ArchiveError):
    """The archive was written by a newer ctviewer with a schema this one does not know."""


class ArchiveBusyError(ArchiveError):
    """Another process holds the archive's writer lock."""


class DamagedArchiveError(ArchiveError):
    """SQLite reports the database file as damaged (malformed, truncated, not a database)."""


class StorageError(ArchiveError):
    """The database could not be written (disk full, read-only media): the change was rolled back."""


class RejectedFile(KnownError):
    """A file that cannot be imported; the message is the one-line reason for the report."""


class QuerySyntaxError(KnownError):
    """A search query that cannot be understood; the message says what to fix."""


class NotFoundError(KnownError):
    """An id that names nothing in the archive."""


class IndexDamaged(KnownError):
    """The search index folder exists but cannot be used; it is rebuilt from the database."""


class BuildCancelled(KnownError):
    """An index rebuild was cancelled; the previous index (if any) is untouched."""
