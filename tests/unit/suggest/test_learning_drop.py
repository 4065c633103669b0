"""The stacked corrector's drop rule: a default suggestion goes when the model's probability
that it is wrong exceeds ``1 - F / 2`` (F: the default's held-out F of its label)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from annotator.suggest.correction import (
    NEVER,
    NONE,
    drop_thresholds,
    stack_decide,
    tune_stacked,
)


def test_drop_threshold_is_one_minus_half_the_defaults_f() -> None:
    classes = (NONE, "ACTOR", "PLACE", "TIME")
    # ACTOR: four default rows right, one wrong, six gold spans: F = 8 / 11
    # PLACE: one default row relabelled (its target is ACTOR): wrong for PLACE, F = 0
    # TIME: no default suggestion at all: nothing to drop
    y = np.array([1, 1, 1, 1, 0, 1, 0])
    dflt = np.array([1, 1, 1, 1, 1, 2, 0])
    th = drop_thresholds(y, dflt, classes, {"ACTOR": 6, "PLACE": 2, "TIME": 3})
    assert th["ACTOR:drop"] == pytest.approx(1 - 4 / 11, abs=1e-4)
    assert th["PLACE:drop"] == pytest.approx(1.0)  # F 0: only certainty drops
    assert th["TIME:drop"] == NEVER
    # a label without gold spans never drops (nothing says what right is)
    assert drop_thresholds(y, dflt, classes, {})["ACTOR:drop"] == NEVER


def test_tuning_drops_what_is_likely_wrong_even_where_the_held_out_rows_show_no_gain() -> None:
    classes = (NONE, "CLAIM")
    # nine right default claims the model trusts; two it thinks wrong (0.7), of which only one
    # is: on these rows dropping both gains nothing, so a search over drop thresholds kept
    # "never"; at F 0.9 a claim wrong with probability 0.7 costs more than it brings
    probs = np.array([[0.1, 0.9]] * 9 + [[0.7, 0.3]] * 2)
    y = np.array([1] * 10 + [0])
    dflt = np.ones(11, dtype=np.int64)
    elig = np.zeros((11, 2), dtype=bool)
    th = tune_stacked(probs, y, dflt, elig, classes, {"CLAIM": 10})
    f = 2 * 10 / (11 + 10)
    assert th["CLAIM:drop"] == pytest.approx(1 - f / 2, abs=1e-4)
    assert th["CLAIM"] == NEVER and th["CLAIM:relabel"] == NEVER  # no new candidate helps
    out, _ = stack_decide(classes, th, probs, dflt, elig)
    assert out.tolist() == [1] * 9 + [0, 0]
    # which of the two uncertain rows is wrong does not move the threshold
    y_swapped = np.array([1] * 9 + [0, 1])
    again = tune_stacked(probs, y_swapped, dflt, elig, classes, {"CLAIM": 10})
    assert again["CLAIM:drop"] == th["CLAIM:drop"]


def test_the_drop_rule_maximises_the_expected_f_of_calibrated_probabilities() -> None:
    # three default claims, right with probability 0.95, 0.9 and q; four gold claims. For each
    # q, over every outcome of the three (weighted by its probability), the expected F when
    # the third is kept and when it is dropped: the rule drops it exactly when that pays.
    def expected_f(p_right: list[float], keep: list[bool], gold: int) -> float:
        total = 0.0
        for outcome in itertools.product([True, False], repeat=len(p_right)):
            weight = float(
                np.prod([p if o else 1 - p for p, o in zip(p_right, outcome, strict=True)])
            )
            tp = sum(o and k for o, k in zip(outcome, keep, strict=True))
            fp = sum(not o and k for o, k in zip(outcome, keep, strict=True))
            total += weight * 2 * tp / (tp + fp + gold)
        return total

    classes = (NONE, "CLAIM")
    dflt = np.ones(3, dtype=np.int64)
    elig = np.zeros((3, 2), dtype=bool)
    # the held-out F the threshold comes from: 2 right of 3 suggested, 4 gold
    th = drop_thresholds(np.array([1, 1, 0]), dflt, classes, {"CLAIM": 4})
    f = 2 * 2 / (3 + 4)
    assert th["CLAIM:drop"] == pytest.approx(1 - f / 2, abs=1e-4)
    for q in (0.05, 0.2, 0.35, 0.5, 0.7):
        probs = np.array([[0.05, 0.95], [0.1, 0.9], [1 - q, q]])
        out, _ = stack_decide(classes, th, probs, dflt, elig)
        dropped = out[2] == 0
        kept_f = expected_f([0.95, 0.9, q], [True, True, True], 4)
        dropped_f = expected_f([0.95, 0.9, q], [True, True, False], 4)
        assert dropped == (dropped_f > kept_f), q


def test_a_trained_label_may_not_be_even_slightly_less_precise() -> None:
    from annotator.suggest.evaluation import Evaluation, LabelScore
    from annotator.suggest.selection import compare

    def scores(tp: int, fp: int, fn: int) -> Evaluation:
        ev = Evaluation(match="overlap")
        ev.documents = 1
        ev.spans["PLACE"] = LabelScore("PLACE", tp, fp, fn)
        return ev

    def total(pairs: list[tuple[Evaluation, Evaluation]], one: int) -> Evaluation:
        ev = Evaluation(match="overlap")
        ev.documents = len(pairs)
        ev.spans["PLACE"] = LabelScore(
            "PLACE",
            *(sum(getattr(p[one].spans["PLACE"], a) for p in pairs) for a in ("tp", "fp", "fn")),
        )
        return ev

    # F 0.77 -> 0.81 in every document, precision 0.9091 -> 0.9087: the recall was bought with
    # a little precision, which did not carry over to another corpus; the default stays
    pairs = [(scores(200, 20, 100), scores(219, 22, 81)) for _ in range(12)]
    d, t = total(pairs, 0), total(pairs, 1)
    data = compare(d, t, d, t, ["PLACE"], 4, pairs)
    assert data["spans"]["PLACE"]["reason"] == "less precise"
    # as precise (or more): the trained model is used
    pairs = [(scores(200, 20, 100), scores(220, 22, 80)) for _ in range(12)]
    d, t = total(pairs, 0), total(pairs, 1)
    assert compare(d, t, d, t, ["PLACE"], 4, pairs)["spans"]["PLACE"]["use"] == "trained"
