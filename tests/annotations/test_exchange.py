"""Export (Markdown, CSV, W3C JSON-LD) and W3C import: round trip, duplicates, hostile files."""

from __future__ import annotations

import csv
import io
import json
import uuid
from pathlib import Path

import pytest

from ctviewer.annotations.exchange import AnnotationImportError
from ctviewer.library import Library

from .conftest import doc_id, open_fake


def _annotate(library: Library) -> tuple[int, int]:
    a, b = doc_id(library, "a.txt"), doc_id(library, "b.txt")
    one = library.annotate(
        a,
        quote="met the OSCE in Tashkent",
        note="Key *meeting*\nsecond line",
        tags=["priority", "meeting"],
        color="green",
    ).annotations[0]
    two = library.annotate(b, quote="Zhang Ming spoke", note='He said "yes", then left', tags=["sco"]).annotations[0]
    return one, two


def test_markdown_groups_by_document_with_citation(library: Library) -> None:
    _annotate(library)
    md = library.export_annotations("md")
    assert md.startswith("# Annotations\n")
    assert md.count("\n## ") == 2 and md.index("(2021-05-01)") < md.index("(2022-03-03)")  # by document date
    assert "> met the OSCE in Tashkent\n" in md
    assert "2021-05-01, a.txt" in md and "Source: `" in md
    assert "Key *meeting*\nsecond line" in md
    assert "Commitment (green)" in md and "tags: `meeting`, `priority`" in md
    assert "linked: Organization for Security and Co-operation in Europe, Tashkent" in md


def test_csv_one_row_per_annotation(library: Library) -> None:
    one, two = _annotate(library)
    text = library.export_annotations("csv")
    assert "\r\n" in text
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [int(r["id"]) for r in rows] == [one, two]
    assert rows[0]["quote"] == "met the OSCE in Tashkent" and rows[0]["note"] == "Key *meeting*\nsecond line"
    assert rows[0]["tags"] == "meeting; priority" and rows[0]["label"] == "Commitment"
    assert rows[1]["note"] == 'He said "yes", then left' and rows[1]["date"] == "2022-03-03"


def test_csv_cells_never_start_a_formula(library: Library) -> None:
    library.annotate(doc_id(library, "a.txt"), quote="Voronkov thanked", note='=HYPERLINK("x")')
    rows = list(csv.DictReader(io.StringIO(library.export_annotations("csv"), newline="")))
    assert rows[0]["note"].startswith("'=")


def test_w3c_shape(library: Library) -> None:
    one, _ = _annotate(library)
    data = json.loads(library.export_annotations("w3c"))
    assert data["@context"] == "http://www.w3.org/ns/anno.jsonld" and data["type"] == "AnnotationCollection"
    items = data["first"]["items"]
    assert data["total"] == len(items) == 2
    item = items[0]
    rec = library.annotation(one)
    assert item["id"] == f"urn:uuid:{rec.uid}" and item["type"] == "Annotation"
    assert item["created"] == rec.created_at and item["modified"] == rec.modified_at
    assert item["target"]["source"] == f"urn:sha256:{rec.document_sha256}"
    selectors = {s["type"]: s for s in item["target"]["selector"]}
    assert selectors["TextPositionSelector"] == {"type": "TextPositionSelector", "start": rec.start, "end": rec.end}
    assert selectors["TextQuoteSelector"]["exact"] == rec.quote
    assert selectors["TextQuoteSelector"]["prefix"] == rec.prefix
    purposes = [(b["purpose"], b["value"]) for b in item["body"]]
    assert ("commenting", rec.note) in purposes and ("tagging", "priority") in purposes
    assert ("identifying", "Tashkent") in purposes


def test_w3c_round_trip_into_a_fresh_archive_and_duplicates(library: Library, tmp_path: Path) -> None:
    _annotate(library)
    exported = library.export_annotations("w3c").encode()
    before = [
        (
            r.uid,
            r.document_sha256,
            r.start,
            r.end,
            r.quote,
            r.note,
            r.tags,
            r.color,
            tuple(e.name for e in r.entities),
            r.created_at,
        )
        for r in library.annotations()
    ]
    other = open_fake(tmp_path / "other")  # the same documents, imported separately
    try:
        report = other.import_annotations(exported)
        assert len(report.imported) == 2 and report.duplicates == 0 and report.unmatched == 0
        after = [
            (
                r.uid,
                r.document_sha256,
                r.start,
                r.end,
                r.quote,
                r.note,
                r.tags,
                r.color,
                tuple(e.name for e in r.entities),
                r.created_at,
            )
            for r in other.annotations()
        ]
        assert after == before
        assert other.search("tag:sco").total == 1
        again = other.import_annotations(exported)
        assert again.imported == () and again.duplicates == 2
        # Same passage and note under another id (re-exported by another tool): still a duplicate.
        data = json.loads(exported)
        data["first"]["items"][0]["id"] = f"urn:uuid:{uuid.uuid4()}"
        data["first"]["items"][1]["id"] = "https://example.org/anno/2"
        third = other.import_annotations(json.dumps(data).encode())
        assert third.imported == () and third.duplicates == 2
    finally:
        other.close()


def test_import_reports_unmatched_documents_and_reanchors(library: Library, tmp_path: Path) -> None:
    _annotate(library)
    data = json.loads(library.export_annotations("w3c"))
    only_a = {
        "a.txt": (
            "2021-05-01",
            "Preface added later. " + "Vladimir Voronkov met the OSCE in Tashkent. "
            "Regional Cooperation was discussed. Voronkov thanked Uzbekistan.",
        )
    }
    other = open_fake(tmp_path / "other", only_a)
    try:
        # the edited document has another sha256: point the first annotation at it
        sha = other.documents()[0].sha256
        data["first"]["items"][0]["target"]["source"] = f"urn:sha256:{sha}"
        report = other.import_annotations(json.dumps(data).encode())
        assert len(report.imported) == 1 and report.unmatched == 1 and len(report.unmatched_documents) == 1
        rec = other.annotation(report.imported[0])
        assert other.document(rec.document_id or 0).text[rec.start : rec.end] == "met the OSCE in Tashkent"
    finally:
        other.close()


@pytest.mark.parametrize(
    "payload, message",
    [
        (b"not json", "not valid JSON"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"42", "not W3C annotations"),
        (b'{"type": "Something"}', "not W3C annotations"),
        (b'{"type": "AnnotationCollection", "first": {"items": 5}}', "no list of items"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_hostile_files_are_refused_with_a_message(library: Library, payload: bytes, message: str) -> None:
    with pytest.raises(AnnotationImportError, match=message):
        library.import_annotations(payload)
    assert library.annotation_count() == 0


def test_malformed_annotations_are_skipped_with_reasons(library: Library) -> None:
    sha = library.document(doc_id(library, "a.txt")).summary.sha256
    good = {
        "type": "Annotation",
        "id": "urn:uuid:11111111-1111-4111-8111-111111111111",
        "target": {"source": f"urn:sha256:{sha}", "selector": {"type": "TextQuoteSelector", "exact": "OSCE"}},
        "body": {"type": "TextualBody", "purpose": "commenting", "value": "ok"},
    }
    bad = [
        "a string",
        {"type": "Annotation", "id": 5, "target": {}},
        {"type": "Annotation", "id": "x", "target": {"source": "http://evil"}},
        {
            "type": "Annotation",
            "id": "y",
            "target": {
                "source": f"urn:sha256:{sha}",
                "selector": [{"type": "TextPositionSelector", "start": -1, "end": True}],
            },
        },
        {
            "type": "Annotation",
            "id": "z",
            "target": {"source": f"urn:sha256:{sha}", "selector": {"type": "TextQuoteSelector", "exact": ["list"]}},
        },
        {
            "type": "Annotation",
            "id": "w",
            "target": {
                "source": f"urn:sha256:{sha}",
                "selector": {"type": "TextPositionSelector", "start": 0, "end": 10**9},
            },
        },
    ]
    report = library.import_annotations(json.dumps([good, *bad]).encode())
    assert len(report.imported) == 1 and len(report.invalid) == len(bad)
    assert library.annotation(report.imported[0]).note == "ok"
