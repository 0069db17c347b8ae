"""Keyword-in-context lines cut at word boundaries: a long sentence is cut to a window around
the mention, never inside a word, with an ellipsis where it goes on; the mention stays whole."""

from __future__ import annotations

from ctviewer.db.entities import KWIC_WINDOW, kwic_record

SENTENCE = (
    "The Under-Secretary-General of the United Nations Office of Counter-Terrorism, speaking for "
    "Secretary-General Antonio Guterres, thanked Vladimir Voronkov and Natalia Gherman, Head of the "
    "United Nations Regional Centre for Preventive Diplomacy for Central Asia, for their work."
)


def record(text: str, mention: str, window: int = KWIC_WINDOW):  # type: ignore[no-untyped-def]
    """What entity_mentions does in SQL, done on a string: the sentence is the whole text."""
    start = text.index(mention)
    end = start + len(mention)
    cs = max(0, start - window)
    ce = max(min(len(text), end + window), end)
    return kwic_record(
        1,
        1,
        1,
        start,
        end,
        mention,
        text[cs:ce],
        cs,
        0,
        len(text),
        text[cs - 1] if cs > 0 else "",
        text[ce] if ce < len(text) else "",
    )


def test_long_sentences_are_cut_between_words_with_ellipses() -> None:
    for window in (20, 33, 47, 60, 80):
        m = record(SENTENCE, "Vladimir Voronkov", window)
        words = set(SENTENCE.replace(",", " ").split())
        left = m.left.removeprefix("\u2026 ")
        right = m.right.removesuffix(" \u2026")
        assert m.left.startswith("\u2026 ") and m.right.endswith(" \u2026")
        assert m.keyword == "Vladimir Voronkov"  # the mention whole
        assert left.split()[0].strip(",") in words and right.split()[-1].strip(",") in words  # whole words
        assert SENTENCE[m.context_start : m.context_start + len(m.context)] == m.context  # offsets still exact
        assert len(left) <= window and len(right) <= window


def test_short_sentences_are_whole_and_have_no_ellipsis() -> None:
    text = "Vladimir Voronkov met the OSCE in Tashkent."
    m = record(text, "OSCE")
    assert (m.left, m.keyword, m.right) == ("Vladimir Voronkov met the ", "OSCE", " in Tashkent.")
    assert not m.cut_left and not m.cut_right


def test_a_cut_that_falls_between_words_keeps_the_next_word() -> None:
    text = "alpha beta gamma delta KEY epsilon zeta eta theta"
    start = text.index("KEY")
    cs = text.index("beta")  # the window starts right at a word
    m = kwic_record(
        1, 1, 1, start, start + 3, "KEY", text[cs : start + 3 + 8], cs, 0, len(text), text[cs - 1], text[start + 3 + 8]
    )
    assert m.left == "\u2026 beta gamma delta " and m.right == " epsilon \u2026"
