"""The bundled sample archive: real documents shipped in ``resources/sample``."""

from __future__ import annotations

from pathlib import Path

from ctviewer.library import Library
from ctviewer.paths import resources_dir


def sample_documents_dir() -> Path:
    return resources_dir() / "sample"


def build_sample(root: Path) -> dict[str, object]:
    """Import the sample documents into the archive at ``root`` (idempotent: re-running
    only finds duplicates). Returns a small summary for printing."""
    library = Library.open(root)
    try:
        report = library.import_paths([sample_documents_dir()])
        count = library.document_count()
    finally:
        library.close()
    return {
        "archive": str(library.root),
        "documents": count,
        "imported": len(report.of("imported")),
        "duplicates": len(report.of("duplicate")),
        "failed": [{"path": o.path, "reason": o.reason} for o in report.of("failed")],
    }
