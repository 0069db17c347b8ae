"""The reader pane: plain text only, entity highlights and toggles, search hits with F3
navigation, find, page markers, citations, opening the original, and clicking a name."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QTextCursor
from PySide6.QtWidgets import QLabel

from ctviewer.ui.context import UiContext
from ctviewer.ui.reader_highlights import KIND_COLOURS, LINE_CHUNK, LONG_LINE, breakable, plain_tooltip
from ctviewer.ui.reader_pane import EMPTY_TEXT, ReaderPane
from tests.entities.conftest import doc_id, entity_named
from tests.ui.conftest import make_context
from tests.ui.documents_factory import add_document
from tests.ui.lifetime import add_pane

# The offscreen platform's own complaints when windows (and tooltips) are shown.
pytestmark = pytest.mark.qt_log_ignore(
    "This plugin does not support propagateSizeHints", "This plugin does not support raise"
)
WAIT_MS = 10_000
HOSTILE = (
    'Before <img src="http://127.0.0.1:9/x.png"> middle <a href="file:///etc/passwd">x</a> '
    "and <script>alert(1)</script> after &amp; <b>bold</b>\n"
)


def make_reader(ctx: UiContext, qtbot) -> ReaderPane:  # type: ignore[no-untyped-def]
    reader = ReaderPane(ctx)
    add_pane(qtbot, reader, ctx)
    reader.resize(900, 600)
    reader.show()
    qtbot.waitExposed(reader)
    return reader


def settle(ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Let background hit-finding finish and the (timer-driven) highlights be applied."""
    assert ctx.runner.wait_idle(WAIT_MS)
    qtbot.wait(20)


def selected(reader: ReaderPane) -> str:
    return reader.text_edit.textCursor().selectedText()


def test_empty_state_before_any_document(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    assert reader.document_id is None
    assert reader.stack.currentWidget() is reader.empty_label
    assert reader.empty_label.text() == EMPTY_TEXT
    assert reader.header.isHidden()
    reader.open_document(99_999)  # gone meanwhile: a message, no traceback
    assert reader.document_id is None
    assert "no longer" in reader.empty_label.text()


def test_shows_the_text_and_header(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    lib = ui_ctx.library
    a = doc_id(lib, "a.txt")
    reader.open_document(a)
    assert reader.document_id == a
    assert reader.text_edit.toPlainText() == lib.document(a).text
    assert reader.text_edit.isReadOnly()
    assert reader.title_label.text() == lib.document(a).summary.title
    assert reader.meta_label.text() == "2021-05-01 · a.txt · TXT"
    assert reader.page_label.text() == ""  # no page spans for plain text


def test_entity_highlights_have_the_right_spans_and_colours(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    lib = ui_ctx.library
    a = doc_id(lib, "a.txt")
    reader.open_document(a)
    settle(ui_ctx, qtbot)
    text = lib.document(a).text
    shown = {(text[s:e], kind) for s, e, kind in reader.highlighted()}
    assert shown == {
        ("Vladimir Voronkov", "person"),
        ("Voronkov", "person"),
        ("OSCE", "organisation"),
        ("Regional Cooperation", "organisation"),
        ("Tashkent", "place"),
        ("Uzbekistan", "place"),
    }
    expected = sorted((m.start, m.end, m.type) for m in lib.document_mentions(a))
    assert sorted(reader.highlighted()) == expected
    # three distinct colours, applied as backgrounds of the selections
    colours = {s.format.background().color().rgba() for s in reader.text_edit.extraSelections()}
    assert colours == {KIND_COLOURS[k].rgba() for k in ("person", "organisation", "place")}
    # the selection's own text agrees with the mention (offsets line up with Qt's)
    for selection in reader.text_edit.extraSelections():
        start = selection.cursor.selectionStart()
        assert selection.cursor.selectedText() == text[start : selection.cursor.selectionEnd()]


def test_type_toggles_remove_and_restore_highlights(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    reader.open_document(doc_id(ui_ctx.library, "a.txt"))
    settle(ui_ctx, qtbot)

    def kinds() -> set[str]:
        return {k for _, _, k in reader.highlighted()}

    assert kinds() == {"person", "organisation", "place"}
    reader.kind_boxes["person"].setChecked(False)
    qtbot.waitUntil(lambda: kinds() == {"organisation", "place"}, timeout=1000)
    reader.kind_boxes["place"].setChecked(False)
    reader.kind_boxes["organisation"].setChecked(False)
    qtbot.waitUntil(lambda: kinds() == set(), timeout=1000)
    reader.kind_boxes["person"].setChecked(True)
    qtbot.waitUntil(lambda: kinds() == {"person"}, timeout=1000)


def test_search_hits_count_and_f3_navigation(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    lib = ui_ctx.library
    a = doc_id(lib, "a.txt")
    text = lib.document(a).text
    reader.open_document(a, query="voronkov")
    settle(ui_ctx, qtbot)
    first, second = text.index("Voronkov"), text.rindex("Voronkov")
    assert reader.hit_count == 2
    assert reader.text_edit.textCursor().selectionStart() == first  # opened at the first hit
    assert reader.hit_label.text() == "hit 1 of 2"
    assert "hit" in {k for _, _, k in reader.highlighted()}
    assert (first, first + 8, "hit") in reader.highlighted()
    reader.next_hit()
    assert reader.text_edit.textCursor().selectionStart() == second
    assert selected(reader) == "Voronkov"
    assert reader.hit_label.text() == "hit 2 of 2"
    reader.next_hit()  # wraps round
    assert reader.text_edit.textCursor().selectionStart() == first
    reader.previous_hit()
    assert reader.text_edit.textCursor().selectionStart() == second
    assert reader.hit_label.text() == "hit 2 of 2"


def test_a_refused_query_shows_no_hits(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    reader.open_document(doc_id(ui_ctx.library, "a.txt"), query="a*")
    settle(ui_ctx, qtbot)
    assert reader.hit_count == 0
    assert reader.hit_label.text() == "no hits"
    assert not reader.next_hit_button.isEnabled()


def test_position_selects_the_mention_there(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    lib = ui_ctx.library
    b = doc_id(lib, "b.txt")
    text = lib.document(b).text
    reader.open_document(b, position=text.index("Zhang Ming"), query="tashkent")
    settle(ui_ctx, qtbot)
    assert selected(reader) == "Zhang Ming"  # the position wins over the first hit
    assert reader.hit_label.text() == "1 hit"
    reader.open_document(b, position=text.index("hosted"))
    assert selected(reader) == "hosted"


def test_markup_is_shown_literally_and_nothing_is_loaded(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    root = ui_ctx.library.root
    hostile = add_document(
        root, HOSTILE, title='<img src="http://127.0.0.1:9/t.png"> title', name="h.html", file_type="html"
    )
    ctx = make_context(root)
    try:
        reader = make_reader(ctx, qtbot)
        reader.open_document(hostile, query="script")
        settle(ctx, qtbot)
        assert reader.text_edit.toPlainText() == HOSTILE
        assert reader.text_edit.document().resource_requests == []  # type: ignore[attr-defined]
        assert reader.title_label.text() == '<img src="http://127.0.0.1:9/t.png"> title'
        for label in reader.findChildren(QLabel):
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()
        # search hits inside the "markup" are plain character spans too
        assert [HOSTILE[s:e] for s, e, k in reader.highlighted() if k == "hit"] == ["script", "script"]
    finally:
        ctx.runner.shutdown()
        ctx.library.close()


def test_tooltips_are_plain_text(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    lib = ui_ctx.library
    a = doc_id(lib, "a.txt")
    text = lib.document(a).text
    reader.open_document(a)
    # the resolved entity, not just the words under the pointer
    osce = plain_tooltip("Organization for Security and Co-operation in Europe (organisation)")
    assert reader._tooltip_for(text.index("OSCE") + 1) == osce
    assert reader._tooltip_for(text.index("met")) is None
    assert plain_tooltip("<b>Evil</b> & co") == "<p style='white-space:pre'>&lt;b&gt;Evil&lt;/b&gt; &amp; co</p>"


def test_clicking_a_name_activates_its_entity(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    lib = ui_ctx.library
    a = doc_id(lib, "a.txt")
    text = lib.document(a).text
    reader.open_document(a)
    qtbot.wait(20)
    cursor = reader.text_edit.textCursor()
    cursor.setPosition(text.index("Tashkent") + 3)
    point = reader.text_edit.cursorRect(cursor).center()
    with qtbot.waitSignal(reader.entity_activated, timeout=1000) as signal:
        qtbot.mouseClick(reader.text_edit.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert signal.args == [entity_named(lib, "Tashkent")]
    # a click on plain words activates nothing; Enter on a name does
    cursor.setPosition(text.index("thanked") + 2)
    plain_word = reader.text_edit.cursorRect(cursor).center()
    with qtbot.assertNotEmitted(reader.entity_activated):
        qtbot.mouseClick(reader.text_edit.viewport(), Qt.MouseButton.LeftButton, pos=plain_word)
    cursor.setPosition(text.index("Uzbekistan") + 1)
    reader.text_edit.setTextCursor(cursor)
    with qtbot.waitSignal(reader.entity_activated, timeout=1000) as signal:
        qtbot.keyClick(reader.text_edit, Qt.Key.Key_Return)
    assert signal.args == [entity_named(lib, "Uzbekistan")]


def test_find_bar_counts_and_steps(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    lib = ui_ctx.library
    b = doc_id(lib, "b.txt")
    text = lib.document(b).text
    reader.open_document(b)
    reader.show_find()
    assert reader.find_bar.isVisible() and reader.focusWidget() is reader.find_edit
    qtbot.keyClicks(reader.find_edit, "ORGANI")
    qtbot.waitUntil(lambda: reader.find_label.text() == "1 of 2", timeout=1000)
    assert reader.text_edit.textCursor().selectionStart() == text.index("Organization")
    qtbot.keyClick(reader.find_edit, Qt.Key.Key_Return)
    assert reader.text_edit.textCursor().selectionStart() == text.index("Organisation")
    assert reader.find_label.text() == "2 of 2"
    reader.next_hit()  # F3 steps through find matches while the find bar is in use
    assert reader.text_edit.textCursor().selectionStart() == text.index("Organization")
    qtbot.waitUntil(lambda: sum(1 for *_, k in reader.highlighted() if k == "hit") == 2, timeout=1000)
    reader.hide_find()
    assert not reader.find_bar.isVisible()
    qtbot.waitUntil(lambda: all(k != "hit" for *_, k in reader.highlighted()), timeout=1000)
    reader.find_edit.setText("no such words")
    reader.show_find()
    reader._run_find()
    assert reader.find_label.text() == "not found"


def pdf(ctx: UiContext) -> int:
    return add_document(
        ctx.library.root,
        "",
        title="Annual <report>",
        name="rep.pdf",
        date="2024-02-02",
        file_type="pdf",
        pages=["First page text.\n", "Second page text.\n", "Third.\n"],
    )


def test_page_label_and_citation(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    doc = pdf(ui_ctx)
    ctx = make_context(ui_ctx.library.root)
    try:
        reader = make_reader(ctx, qtbot)
        reader.open_document(doc)
        text = ctx.library.document(doc).text
        assert reader.meta_label.text() == "2024-02-02 · rep.pdf · PDF · 3 pages"
        assert reader.text_edit.toPlainText() == text  # page markers are painted, not inserted
        cursor = reader.text_edit.textCursor()
        cursor.setPosition(text.index("Second") + 2)
        reader.text_edit.setTextCursor(cursor)
        assert reader.page_label.text() == "page 2 of 3"
        reader.copy_citation()
        assert QGuiApplication.clipboard().text() == "\u201cAnnual <report>\u201d, 2024-02-02, rep.pdf, p. 2"
        cursor.setPosition(text.index("page text"))
        cursor.setPosition(text.index("Third") + 2, QTextCursor.MoveMode.KeepAnchor)
        reader.text_edit.setTextCursor(cursor)
        assert reader.citation() == "\u201cAnnual <report>\u201d, 2024-02-02, rep.pdf, pp. 1\u20133"
        assert reader.status_label.text() == "Citation copied."
    finally:
        ctx.runner.shutdown()
        ctx.library.close()


def test_citation_without_pages_or_date(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    doc = add_document(ui_ctx.library.root, "Some text.", title="Notes", name="n.txt")
    reader = make_reader(ui_ctx, qtbot)
    reader.open_document(doc)
    assert reader.citation() == "\u201cNotes\u201d, n.d., n.txt"


def test_open_original_opens_the_stored_copy(ui_ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    reader = make_reader(ui_ctx, qtbot)
    a = doc_id(ui_ctx.library, "a.txt")
    reader.open_document(a)
    qtbot.mouseClick(reader.open_button, Qt.MouseButton.LeftButton)
    assert [u.toLocalFile() for u in opened] == [str(ui_ctx.library.original_path(a))]
    assert Path(opened[0].toLocalFile()).read_text(encoding="utf-8").startswith("Vladimir Voronkov")
    missing = add_document(ui_ctx.library.root, "x", title="No original", name="gone.txt")
    reader.open_document(missing)
    reader.open_original()
    assert len(opened) == 1
    assert "missing" in reader.status_label.text()


def test_corrections_refresh_the_highlights(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    lib = ui_ctx.library
    a = doc_id(lib, "a.txt")
    text = lib.document(a).text
    reader.open_document(a)
    settle(ui_ctx, qtbot)
    assert any(text[s:e] == "Tashkent" for s, e, _ in reader.highlighted())
    change = lib.reject(entity_named(lib, "Tashkent"))
    ui_ctx.events.entities_changed.emit(change)
    qtbot.waitUntil(lambda: not any(text[s:e] == "Tashkent" for s, e, _ in reader.highlighted()), timeout=1000)
    assert reader._tooltip_for(text.index("Tashkent")) is None


def test_characters_beyond_the_bmp_keep_highlights_aligned(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    text = "\U0001f600\U0001f4c4 Vladimir Voronkov went to Tashkent. \U0001f30d Tashkent"
    root = ui_ctx.library.root
    doc = add_document(root, text, title="Emoji", name="e.txt")
    ctx = make_context(root)
    try:
        ctx.library.extract()
        reader = make_reader(ctx, qtbot)
        reader.open_document(doc, query="tashkent")
        settle(ctx, qtbot)
        assert reader.text_edit.toPlainText() == text
        texts = sorted(s.cursor.selectedText() for s in reader.text_edit.extraSelections())
        assert texts == ["Tashkent", "Tashkent", "Tashkent", "Tashkent", "Vladimir Voronkov"]  # places + hits
        assert selected(reader) == "Tashkent"
        reader.next_hit()
        assert selected(reader) == "Tashkent"
        assert reader.text_edit.textCursor().selectionStart() == text.rindex("Tashkent") + 3  # 3 astral chars
    finally:
        ctx.runner.shutdown()
        ctx.library.close()


def test_long_lines_are_broken_without_moving_offsets() -> None:
    line = "word " * (LONG_LINE // 2)
    text = "short line\n" + line + "\nend"
    shown = breakable(text)
    assert len(shown) == len(text)
    assert shown.count("\n") > text.count("\n") + LONG_LINE // LINE_CHUNK - 2
    assert all(a == b or (a == " " and b == "\n") for a, b in zip(text, shown, strict=True))
    assert breakable("x" * (LONG_LINE + 5)) == "x" * (LONG_LINE + 5)  # nowhere to break
    assert breakable("short\ntext") == "short\ntext"


def test_highlights_follow_the_scrolled_region(ui_ctx: UiContext, qtbot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import ctviewer.ui.reader_pane as reader_module

    monkeypatch.setattr(reader_module, "WINDOW_MARGIN", 500)
    text = "".join(f"Line {i}: a report from Tashkent.\n" for i in range(3000))
    doc = add_document(ui_ctx.library.root, text, title="Long", name="long.txt")
    reader = make_reader(ui_ctx, qtbot)
    reader.open_document(doc, position=0, query="tashkent")
    settle(ui_ctx, qtbot)
    assert reader.hit_count == 3000
    starts = [s for s, _, k in reader.highlighted() if k == "hit"]
    assert starts and max(starts) < len(text) // 10  # only around what is on screen
    bar = reader.text_edit.verticalScrollBar()
    bar.setValue(bar.maximum())
    qtbot.waitUntil(
        lambda: text.rindex("Tashkent") in [s for s, _, k in reader.highlighted() if k == "hit"], timeout=1000
    )
    starts = [s for s, _, k in reader.highlighted() if k == "hit"]
    assert min(starts) > len(text) // 2


def test_hovering_a_name_shows_its_entity(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QHelpEvent
    from PySide6.QtWidgets import QApplication, QToolTip

    reader = make_reader(ui_ctx, qtbot)
    lib = ui_ctx.library
    text = lib.document(doc_id(lib, "a.txt")).text
    reader.open_document(doc_id(lib, "a.txt"))
    cursor = reader.text_edit.textCursor()
    cursor.setPosition(text.index("Voronkov thanked") + 2)
    point = reader.text_edit.cursorRect(cursor).center()
    viewport = reader.text_edit.viewport()
    QApplication.sendEvent(viewport, QHelpEvent(QEvent.Type.ToolTip, point, viewport.mapToGlobal(point)))
    assert QToolTip.text() == plain_tooltip("Vladimir Voronkov (person)")  # the surname resolves to the person
    QToolTip.hideText()


def test_a_changed_document_is_reopened_at_the_same_place(ui_ctx: UiContext, qtbot) -> None:  # type: ignore[no-untyped-def]
    reader = make_reader(ui_ctx, qtbot)
    lib = ui_ctx.library
    c = doc_id(lib, "c.txt")
    text = lib.document(c).text
    reader.open_document(c, position=text.index("Acme Group"), query="osce")
    settle(ui_ctx, qtbot)
    ui_ctx.events.documents_changed.emit([c + 100])  # another document: nothing happens
    assert selected(reader) == "Acme Group"
    ui_ctx.events.documents_changed.emit([c])
    settle(ui_ctx, qtbot)
    assert reader.document_id == c
    assert selected(reader) == "Acme Group"
    assert reader.hit_count == 1


def test_header_counts_the_import_warnings_and_lists_them_in_its_tooltip(
    ui_ctx: UiContext,
    qtbot,  # type: ignore[no-untyped-def]
    tmp_path: Path,
) -> None:
    from dataclasses import replace

    from ctviewer.library import Library
    from ctviewer.settings import Limits, Settings

    path = tmp_path / "dump.txt"
    path.write_bytes(b"Joint Plan\x00 of Action on counter-terrorism in Central Asia. " * 50)
    settings = Settings(limits=replace(Limits(), max_text_chars=1000, max_extract_chars=500))
    writer = Library.open(ui_ctx.library.root, settings=settings)
    try:
        [outcome] = writer.import_paths([path], workers=0).of("imported")
    finally:
        writer.close()
    assert outcome.document_id is not None
    reader = make_reader(ui_ctx, qtbot)
    reader.open_document(outcome.document_id)
    assert reader.meta_label.text().endswith(" · TXT · text truncated · 3 import warnings")
    tip = reader.meta_label.toolTip()
    for warning in (
        "NUL characters removed",
        "text truncated at 1,000 characters",
        "people, organisations and places are looked for in the first 500 characters only",
    ):
        assert f"<li>{warning}</li>" in tip
    reader.open_document(doc_id(ui_ctx.library, "a.txt"))
    assert reader.meta_label.toolTip() == ""


def test_warnings_tooltip_shows_markup_literally() -> None:
    from ctviewer.ui.reader_pane import _warnings_tooltip

    tip = _warnings_tooltip(('could not read "<img src=file:///dev/zero>" & more',))
    assert "<img" not in tip
    assert "<li>could not read &quot;&lt;img src=file:///dev/zero&gt;&quot; &amp; more</li>" in tip
