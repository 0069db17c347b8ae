"""Annotations through the Library: create, edit, soft delete and undo, durability, entity links,
re-extraction (re-anchoring, orphans kept and re-attachable) and the search index."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

from ctviewer.annotations.anchoring import AnchorError
from ctviewer.annotations.service import AnnotationError
from ctviewer.domain.annotations import AnnotationFilter
from ctviewer.errors import NotFoundError
from ctviewer.library import Library

from ..entities.conftest import entity_named
from .conftest import doc_id, rewrite_original


def test_create_from_quote_and_range_with_note_tags_colour(library: Library) -> None:
    a = doc_id(library, "a.txt")
    change = library.annotate(
        a, quote="met the OSCE in Tashkent", note="Key meeting", tags=["priority", " x  y "], color="green"
    )
    assert change.documents == (a,) and len(change.annotations) == 1
    rec = library.annotation(change.annotations[0])
    text = library.document(a).text
    assert text[rec.start : rec.end] == rec.quote == "met the OSCE in Tashkent"
    assert rec.prefix == text[: rec.start][-32:] and rec.suffix == text[rec.end : rec.end + 32]
    assert rec.note == "Key meeting" and rec.tags == ("priority", "x y") and rec.color == "green"
    # entities inside the passage are linked by default
    assert {e.name for e in rec.entities} == {"Organization for Security and Co-operation in Europe", "Tashkent"}
    assert not rec.orphaned and rec.uid and rec.document_title

    by_range = library.annotate(a, start=0, end=17, entities=[])
    rec2 = library.annotation(by_range.annotations[0])
    assert rec2.quote == "Vladimir Voronkov" and rec2.entities == () and rec2.color == "yellow"
    assert [r.id for r in library.document_annotations(a)] == [rec2.id, rec.id]  # text order


def test_quote_errors_colour_and_entity_checks(library: Library) -> None:
    c = doc_id(library, "c.txt")
    with pytest.raises(AnchorError, match="not in the document"):
        library.annotate(c, quote="no such words")
    library.annotate(doc_id(library, "a.txt"), quote="Voronkov", occurrence=2)
    with pytest.raises(AnchorError, match="occurs 2 times"):
        library.annotate(doc_id(library, "a.txt"), quote="Voronkov")
    with pytest.raises(AnnotationError, match="Unknown colour"):
        library.annotate(c, quote="Natalia Gherman", color="orange")
    with pytest.raises(NotFoundError):
        library.annotate(c, quote="Natalia Gherman", entities=[99999])
    with pytest.raises(NotFoundError):
        library.annotate(99999, quote="x")
    with pytest.raises(AnnotationError, match="comma"):
        library.annotate(c, quote="Natalia Gherman", tags=["a,b"])
    assert library.annotation_count() == 1  # nothing half-written by the failures


def test_entity_suggestions_for_a_range(library: Library) -> None:
    b = doc_id(library, "b.txt")
    text = library.document(b).text
    end = text.index(".") + 1
    names = [e.name for e in library.annotation_entity_suggestions(b, 0, end)]
    assert names == ["Organization for Security and Co-operation in Europe", "Vladimir Voronkov"]


def test_edit_soft_delete_and_restore(library: Library) -> None:
    a = doc_id(library, "a.txt")
    ann = library.annotate(a, quote="Regional Cooperation was discussed", note="n1", tags=["t1"]).annotations[0]
    library.edit_annotation(ann, note="n2", tags=["t2", "t3"], color="red")
    rec = library.annotation(ann)
    assert (rec.note, rec.tags, rec.color) == ("n2", ("t2", "t3"), "red")
    library.edit_annotation(ann, tags=[])
    assert library.annotation(ann).tags == () and library.annotation(ann).note == "n2"

    change = library.delete_annotation(ann)
    assert change.deleted == (ann,)
    assert library.annotations() == [] and library.annotation(ann).deleted
    assert [r.id for r in library.annotations(AnnotationFilter(deleted=True))] == [ann]
    assert library.search("note:n2").total == 0
    library.restore_annotation(ann)
    assert [r.id for r in library.annotations()] == [ann] and library.annotation(ann).note == "n2"
    assert library.search("note:n2").total == 1


def test_every_write_is_one_durable_commit(library: Library) -> None:
    """The annotation INSERT/UPDATE runs in a transaction begun after PRAGMA synchronous=FULL."""
    statements: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        statements.append(" ".join(statement.split()))

    engine = library.archive.db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        a = doc_id(library, "a.txt")
        ann = library.annotate(a, quote="Voronkov thanked Uzbekistan", note="x").annotations[0]
        library.edit_annotation(ann, note="y")
        library.delete_annotation(ann)
        library.restore_annotation(ann)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    writes = [i for i, s in enumerate(statements) if s.startswith(("INSERT INTO annotations", "UPDATE annotations"))]
    assert len(writes) == 4
    for i in writes:
        begin = max(j for j in range(i) if statements[j].startswith("BEGIN"))
        assert statements[begin] == "BEGIN IMMEDIATE"
        assert statements[begin - 1] == "PRAGMA synchronous=FULL", statements[begin - 3 : i + 1]


def test_merge_keeps_annotation_links_and_split_keeps_them(library: Library) -> None:
    a = doc_id(library, "a.txt")
    voronkov = entity_named(library, "Vladimir Voronkov")
    uzbekistan = entity_named(library, "Uzbekistan")
    ann = library.annotate(a, quote="Voronkov thanked Uzbekistan", entities=[uzbekistan]).annotations[0]
    tashkent = entity_named(library, "Tashkent")
    library.merge([tashkent, uzbekistan])
    assert [e.id for e in library.annotation(ann).entities] == [tashkent]
    assert library.annotations(AnnotationFilter(entity_id=tashkent))[0].id == ann
    library.edit_annotation(ann, entities=[voronkov])
    mentions = library.entity_mentions(voronkov, document_id=a)
    library.split(voronkov, [mentions[0].id], "Voronkov (split)")
    assert [e.id for e in library.annotation(ann).entities] == [voronkov]
    library.extract(all=True)  # re-extraction keeps the link too
    assert [e.id for e in library.annotation(ann).entities] == [voronkov]


def test_index_note_tag_and_annotated(library: Library) -> None:
    b = doc_id(library, "b.txt")
    assert library.search("annotated:yes").total == 0
    library.annotate(b, quote="Zhang Ming spoke", note="Commitments on border security", tags=["Priority"])
    for query in (
        "note:commitment",
        "note:border",
        "tag:priority",
        "annotated:yes",
        'notes:"border security"',
        "note:zhang",
        "commitments AND annotated:yes",
    ):
        result = library.search(query)
        assert [h.id for h in result.hits] == [b], query
    assert library.search("Tashkent AND annotated:yes").total == 1  # narrows a document search
    assert library.search("Tashkent").total == 3


def test_filters_tags_colours_and_search(library: Library) -> None:
    a, b = doc_id(library, "a.txt"), doc_id(library, "b.txt")
    one = library.annotate(a, quote="Vladimir Voronkov", note="Head of UNOCT", tags=["people", "unoct"]).annotations[0]
    two = library.annotate(b, quote="Zhang Ming", note="SCO head", tags=["people"], color="blue").annotations[0]
    assert [t.tag for t in library.annotation_tags()] == ["people", "unoct"]
    assert library.annotation_tags()[0].count == 2 and [t.tag for t in library.annotation_tags("un")] == ["unoct"]
    assert [r.id for r in library.annotations(AnnotationFilter(tag="people"))] == [one, two]
    assert [r.id for r in library.annotations(AnnotationFilter(color="blue"))] == [two]
    assert [r.id for r in library.annotations(AnnotationFilter(document_id=a))] == [one]
    assert [r.id for r in library.search_annotations("head sco")] == [two]
    assert [r.id for r in library.search_annotations("zhang")] == [two]  # quotes too
    assert [r.id for r in library.search_annotations("100%")] == []
    assert [r.id for r in library.annotations(AnnotationFilter(date_from="2022"))] == [two]
    assert [r.id for r in library.annotations(sort="document_date", descending=True)] == [two, one]
    assert library.annotation_count(AnnotationFilter(tag="people")) == 2


def test_colour_labels_can_be_renamed(library: Library) -> None:
    colors = library.annotation_colors()
    assert [c.name for c in colors] == ["yellow", "green", "blue", "red", "purple"]
    assert colors[0].label == "Important"
    library.rename_annotation_color("yellow", "Key point")
    assert library.annotation_colors()[0].label == "Key point"
    with pytest.raises(AnnotationError):
        library.rename_annotation_color("orange", "x")


def test_reextract_reanchors_moved_fuzzy_and_orphaned(library: Library) -> None:
    c = doc_id(library, "c.txt")
    old = library.document(c).text
    moved = library.annotate(c, quote="The Acme Group and the OSCE met in Tashkent").annotations[0]
    fuzzy = library.annotate(c, quote="Vladimir Voronkov of the UN Office of Counter-Terrorism spoke").annotations[0]
    gone = library.annotate(c, quote="Natalia Gherman visited Jordan", note="keep me").annotations[0]
    deleted = library.annotate(c, quote="Tashkent").annotations[0]
    library.delete_annotation(deleted)
    new = (
        "Press release. The Acme Group and the OSCE met in Tashkent. "
        "Vladimir Voronkov of the UN Office of Counter-Terrorism spoke briefly."
    )
    new = new.replace("Counter-Terrorism spoke", "Counter Terrorism spoke")
    rewrite_original(library, c, new)
    report = library.reextract([c])
    assert report.changed == (c,)
    methods = {o.annotation_id: o.method for o in report.annotations}
    assert methods == {moved: "moved", fuzzy: "fuzzy", gone: "orphaned", deleted: "moved"}
    text = library.document(c).text
    assert text != old
    for ann in (moved, fuzzy, deleted):
        rec = library.annotation(ann)
        assert text[rec.start : rec.end] == rec.quote and not rec.orphaned
    assert "Counter Terrorism" in library.annotation(fuzzy).quote
    orphan = library.annotation(gone)
    assert orphan.orphaned and orphan.quote == "Natalia Gherman visited Jordan" and orphan.note == "keep me"
    assert [r.id for r in library.annotations(AnnotationFilter(orphaned=True))] == [gone]
    assert library.pending_extraction() == 1  # the document waits for entity extraction again
    assert library.search("note:keep").total == 1  # still searchable

    start = text.index("Press release")
    library.reattach_annotation(gone, start, start + len("Press release"))
    rec = library.annotation(gone)
    assert not rec.orphaned and rec.quote == "Press release" and rec.note == "keep me"
    assert library.annotations(AnnotationFilter(orphaned=True)) == []

    again = library.reextract([c])
    assert again.unchanged == (c,) and again.changed == ()


def test_reextract_reports_a_missing_original(library: Library) -> None:
    a = doc_id(library, "a.txt")
    library.original_path(a).unlink()
    report = library.reextract([a])
    assert report.failed and report.failed[0][0] == a


def test_writes_within_one_second_leave_no_document_stale(library: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each write marks the documents of annotations stamped "now" (whole seconds) stale; a
    second write in the same second must not leave the first one's document marked."""
    import ctviewer.annotations.service as annotations_module

    monkeypatch.setattr(annotations_module, "now_iso", lambda: "2026-11-23T10:00:00")
    library.annotate(doc_id(library, "a.txt"), quote="Tashkent", note="first")
    library.annotate(doc_id(library, "b.txt"), quote="Zhang Ming", note="second, same second")
    assert library.index.stale() == set()
    assert library.index.problem() is None
    assert library.search("note:first").total == 1 and library.search("note:second").total == 1
