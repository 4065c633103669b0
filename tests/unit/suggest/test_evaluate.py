"""Per-label precision, recall and F by exact match."""

from __future__ import annotations

import pytest

from annotator.suggest.evaluation import Evaluation
from annotator.values import RelationData, SpanData


def test_exact_match_counts_per_label_and_relations() -> None:
    gold = [
        SpanData("a", 0, 5, "ACTOR"),
        SpanData("c", 10, 20, "CLAIM"),
        SpanData("b", 30, 35, "ACTOR"),
    ]
    grel = [RelationData("r", "claimant", "c", "a")]
    pred = [
        SpanData("x", 0, 5, "ACTOR"),
        SpanData("y", 10, 21, "CLAIM"),
        SpanData("z", 30, 35, "PLACE"),
    ]
    prel = [RelationData("q", "claimant", "y", "x")]
    ev = Evaluation()
    ev.add(gold, grel, pred, prel)
    actor, claim, place = ev.spans["ACTOR"], ev.spans["CLAIM"], ev.spans["PLACE"]
    assert (actor.tp, actor.fp, actor.fn) == (1, 0, 1)
    assert actor.precision == 1.0 and actor.recall == 0.5
    assert actor.f1 == pytest.approx(2 / 3)
    assert (claim.tp, claim.fp, claim.fn) == (0, 1, 1) and claim.f1 == 0.0
    assert (place.tp, place.fp, place.fn) == (0, 1, 0)
    rel = ev.relations["claimant"]
    assert (rel.tp, rel.fp, rel.fn) == (0, 1, 1)
    total = Evaluation.total(ev.spans)
    assert (total.tp, total.fp, total.fn) == (1, 2, 2)
    assert ev.to_dict()["spans"][0]["label"] == "ACTOR"
    assert any(line.strip().startswith("ALL") for line in ev.lines())


def test_matching_relation_triples_count_as_true_positives() -> None:
    spans = [SpanData("e", 0, 4, "EVENT"), SpanData("a", 5, 9, "ACTOR")]
    ev = Evaluation()
    ev.add(
        spans,
        [RelationData("r1", "agent", "e", "a")],
        [SpanData("p1", 0, 4, "EVENT"), SpanData("p2", 5, 9, "ACTOR")],
        [RelationData("q1", "agent", "p1", "p2"), RelationData("q2", "target", "p1", "p2")],
    )
    assert (ev.relations["agent"].tp, ev.relations["target"].fp) == (1, 1)
