"""The bundled sample archive: real documents shipped in ``resources/sample``."""

from __future__ import annotations

from pathlib import Path

from ctviewer.domain.progress import Progress
from ctviewer.library import Library
from ctviewer.paths import resources_dir


def sample_documents_dir() -> Path:
    return resources_dir() / "sample"


def build_sample(root: Path, progress: Progress | None = None) -> dict[str, object]:
    """Import the sample documents into the archive at ``root`` and extract their people,
    organisations and places (idempotent: re-running only finds duplicates and finishes any
    extraction left pending). Returns a small summary for printing."""
    library = Library.open(root)
    try:
        report = library.import_paths([sample_documents_dir()], progress=progress)
        if library.pending_extraction():
            library.extract(progress=progress)
        count = library.document_count()
        entities = library.entity_count()
    finally:
        library.close()
    return {
        "archive": str(library.root),
        "documents": count,
        "entities": entities,
        "imported": len(report.of("imported")),
        "duplicates": len(report.of("duplicate")),
        "failed": [{"path": o.path, "reason": o.reason} for o in report.of("failed")],
    }
