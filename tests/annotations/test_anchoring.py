"""Anchoring as pure functions: position, quote with context, fuzzy, orphaned."""

from __future__ import annotations

import pytest

from ctviewer.annotations.anchoring import CONTEXT, AnchorError, anchor_at, anchor_quote, reanchor

TEXT = (
    "The Council adopted resolution 2178 on foreign terrorist fighters. Member States shall prevent "
    "the movement of terrorists. The Council will review the resolution in 2016."
)


def test_anchor_keeps_quote_and_context() -> None:
    start = TEXT.index("Member States")
    a = anchor_at(TEXT, start, start + len("Member States shall prevent"))
    assert a.quote == "Member States shall prevent"
    assert a.prefix == TEXT[start - CONTEXT : start] and len(a.suffix) == CONTEXT


def test_quote_not_found_ambiguous_and_occurrence() -> None:
    with pytest.raises(AnchorError, match="not in the document"):
        anchor_quote(TEXT, "Security Council")
    with pytest.raises(AnchorError, match="occurs 2 times"):
        anchor_quote(TEXT, "The Council")
    second = anchor_quote(TEXT, "The Council", occurrence=2)
    assert second.start == TEXT.rindex("The Council")
    with pytest.raises(AnchorError, match="no occurrence 3"):
        anchor_quote(TEXT, "The Council", occurrence=3)


def test_unchanged_text_keeps_position() -> None:
    a = anchor_quote(TEXT, "foreign terrorist fighters")
    r = reanchor(TEXT, a)
    assert r.method == "kept" and r.anchor.start == a.start


def test_text_changed_around_the_quote_moves_it() -> None:
    a = anchor_quote(TEXT, "Member States shall prevent")
    new = "PRESS RELEASE\n\n" + TEXT.replace("adopted", "unanimously adopted")
    r = reanchor(new, a, TEXT)
    assert r.method == "moved"
    assert new[r.anchor.start : r.anchor.end] == "Member States shall prevent"


def test_context_picks_the_right_occurrence() -> None:
    a = anchor_quote(TEXT, "The Council", occurrence=2)  # "... terrorists. The Council will review"
    new = "Preface. The Council met. " + TEXT
    r = reanchor(new, a, TEXT)
    assert r.method == "moved"
    assert new[r.anchor.end :].startswith(" will review")


def test_slightly_changed_quote_is_found_fuzzily_and_updated() -> None:
    a = anchor_quote(TEXT, "Member States shall prevent the movement of terrorists")
    new = TEXT.replace(
        "Member States shall prevent the movement of terrorists",
        "Member States shall prevent the movement of terrorist groups",
    )
    r = reanchor(new, a, TEXT)
    assert r.method == "fuzzy"
    assert r.anchor.quote.startswith("Member States shall prevent the movement of terrorist")
    assert new[r.anchor.start : r.anchor.end] == r.anchor.quote


def test_removed_quote_is_orphaned_and_kept_unchanged() -> None:
    a = anchor_quote(TEXT, "Member States shall prevent the movement of terrorists")
    new = "A completely different press release about fisheries and agriculture quotas."
    r = reanchor(new, a, TEXT)
    assert r.orphaned and r.anchor == a


def test_bad_ranges_are_refused() -> None:
    with pytest.raises(AnchorError):
        anchor_at(TEXT, 10, 5)
    with pytest.raises(AnchorError):
        anchor_at(TEXT, 0, len(TEXT) + 1)
    with pytest.raises(AnchorError, match="empty"):
        anchor_at("a    b", 1, 4)
