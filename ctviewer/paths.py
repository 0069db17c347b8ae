"""Where things live: every path ctviewer uses comes from here."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ctviewer"
ENV_ARCHIVE = "CTVIEWER_ARCHIVE"

DB_FILENAME = "ctviewer.sqlite3"
INDEX_DIRNAME = "index"
ORIGINALS_DIRNAME = "originals"
LOCK_FILENAME = ".writer.lock"


def data_dir() -> Path:
    """The per-user data folder (e.g. ``~/.local/share/ctviewer``)."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_archive_dir() -> Path:
    """``$CTVIEWER_ARCHIVE`` if set, else ``<user data dir>/archive``."""
    env = os.environ.get(ENV_ARCHIVE)
    if env:
        return Path(env).expanduser()
    return data_dir() / "archive"


def sample_archive_dir() -> Path:
    """Where ``ctviewer sample`` builds the sample archive."""
    return data_dir() / "sample-archive"


def resources_dir() -> Path:
    """The installed ``resources/`` folder (shipped as package data ``ctviewer.resources``)."""
    from importlib.resources import files

    return Path(str(files("ctviewer.resources")))


class ArchivePaths:
    """The layout of one archive folder."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root).expanduser().absolute()

    @property
    def db(self) -> Path:
        return self.root / DB_FILENAME

    @property
    def index(self) -> Path:
        return self.root / INDEX_DIRNAME

    @property
    def originals(self) -> Path:
        return self.root / ORIGINALS_DIRNAME

    @property
    def lock(self) -> Path:
        return self.root / LOCK_FILENAME

    @property
    def gazetteer(self) -> Path:
        """The archive's own gazetteer (optional): extends the shipped one for this archive."""
        return self.root / "gazetteer.yaml"

    def original(self, sha256: str, suffix: str) -> Path:
        """Content-addressed location of an original: ``originals/ab/abcdef....pdf``."""
        return self.originals / sha256[:2] / f"{sha256}{suffix}"
