"""Regression guard on the hand-annotated gold set (figures printed by ``tests/gold/score.py``)."""

from __future__ import annotations

import pytest

from tests.gold.score import load_gold, score

# Set a little below the measured figures (person 0.973, organisation 0.885, place 0.969).
MIN_F1 = {"person": 0.93, "organisation": 0.85, "place": 0.93}


def test_gold_set_size() -> None:
    gold = load_gold()
    assert len(gold) >= 25
    assert sum(len(v.get("person") or []) for v in gold.values()) >= 15


@pytest.mark.slow
@pytest.mark.spacy
def test_gold_scores() -> None:
    results = score()
    for typ, minimum in MIN_F1.items():
        assert results[typ].f1 >= minimum, (typ, results[typ].f1, results[typ].errors)
