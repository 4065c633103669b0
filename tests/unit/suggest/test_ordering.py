"""What a document would teach the corrector: the candidates it learns from, their
uncertainty, and the document scores of uncertainty order (``annotator.suggest.ordering``)."""

from __future__ import annotations

import numpy as np
import pytest

from annotator.errors import ValidationError
from annotator.suggest.correction import NEVER, NONE, Analysed, Candidate, LearnedModel, Softmax
from annotator.suggest.ordering import (
    candidate_uncertainty,
    committee_disagreement,
    rule_uncertainty,
    score_documents,
    trainable,
)
from annotator.suggest.propose import Proposal
from annotator.values import SpanData

EMPTY = np.zeros(0, dtype="float32")


def cand(
    start: int,
    end: int,
    head: int,
    lemma: str,
    default: str | None = None,
    group: str = "claim",
    sid: str | None = None,
) -> Candidate:
    return Candidate(group, start, end, head, ["bias", f"hl={lemma}"], EMPTY, default, sid)


def claim_model(thresholds: dict[str, float] | None = None) -> LearnedModel:
    """A claim classifier sure about ``hl=yes`` (a claim) and ``hl=no`` (not one), unsure of
    anything else."""
    w = np.zeros((3, 2))
    w[1] = [-6.0, 6.0]
    w[2] = [6.0, -6.0]
    clf = Softmax(
        (NONE, "CLAIM"),
        {"bias": 0, "hl=yes": 1, "hl=no": 2},
        w,
        np.zeros((0, 2)),
        np.zeros(2),
        np.zeros(0),
        np.zeros(0),
        thresholds if thresholds is not None else {"CLAIM": 0.5, "CLAIM:drop": 0.5},
    )
    return LearnedModel("base", {"claim": clf})


def doc(*cands: Candidate, scores: dict[str, float] | None = None) -> Analysed:
    return Analysed(Proposal((), (), scores or {}), list(cands))


def test_trainable_leaves_out_candidates_that_duplicate_a_default_suggestion() -> None:
    default = cand(0, 20, 3, "say", "CLAIM", sid="c1")
    same_head = cand(0, 25, 3, "say")  # the default's head: never added, nothing to learn
    mostly_same = cand(2, 20, 5, "tell")  # shares most characters with the default
    elsewhere = cand(40, 60, 9, "warn")
    item = doc(default, same_head, mostly_same, elsewhere)
    assert trainable(item) == [default, elsewhere]
    assert trainable(item, labels=["ACTOR"]) == []  # no claim label wanted


def test_before_a_model_the_rule_scores_say_how_unsure_the_default_is() -> None:
    coin = cand(0, 10, 1, "a", "CLAIM", sid="c1")
    firm = cand(20, 30, 5, "b", "CLAIM", sid="c2")
    new = cand(40, 50, 9, "c")
    item = doc(coin, firm, new, scores={"c1": 0.5, "c2": 0.9})
    unc = rule_uncertainty(item)
    assert unc[id(coin)] == 1.0 and unc[id(firm)] == pytest.approx(0.2) and unc[id(new)] == 1.0
    assert candidate_uncertainty(None, item) == unc


def test_candidate_uncertainty_by_entropy_and_by_distance_to_the_threshold() -> None:
    sure_no, unsure = cand(0, 10, 1, "no", "CLAIM"), cand(20, 30, 5, "maybe")
    item = doc(sure_no, unsure)
    model = claim_model()
    ent = candidate_uncertainty(model, item, "entropy")
    assert ent[id(unsure)] == pytest.approx(1.0) and ent[id(sure_no)] < 0.01
    near = candidate_uncertainty(model, item, "threshold")
    assert near[id(unsure)] == pytest.approx(1.0)  # p(CLAIM) 0.5 on the add threshold 0.5
    assert near[id(sure_no)] < 0.01  # p(no span) ~1 against the drop threshold 0.5
    # drop threshold still "never": the model is sure the default is wrong but may not drop
    # it yet, so that decision is the one more evidence would change
    never = claim_model({"CLAIM": 0.5, "CLAIM:drop": NEVER})
    assert candidate_uncertainty(never, item, "threshold")[id(sure_no)] > 0.99


def test_total_counts_every_decision_not_the_share_per_character() -> None:
    model = claim_model()
    short = doc(cand(0, 10, 1, "maybe"))
    long = doc(*(cand(100 * k, 100 * k + 10, 3 * k, f"maybe{k}") for k in range(3)))
    sure = doc(*(cand(100 * k, 100 * k + 10, 3 * k, "yes") for k in range(5)))
    ranked = score_documents(model, {"short": short, "long": long, "sure": sure}, "total")
    assert [key for key, _ in ranked] == ["long", "short", "sure"]
    assert ranked[0][1] == pytest.approx(3.0)


def test_novel_ranks_down_what_is_already_annotated_and_near_duplicates() -> None:
    model = claim_model()

    def about(*lemmas: str) -> Analysed:
        return doc(*(cand(100 * k, 100 * k + 10, 3 * k, lemma) for k, lemma in enumerate(lemmas)))

    pool = {
        "a": about("storm", "flood", "rain"),
        "a-again": about("storm", "flood", "rain"),
        "b": about("vote", "court"),
        "known": about("tax", "budget", "bank"),
    }
    annotated = [about("tax", "budget", "bank"), about("tax", "budget", "bank")]
    ranked = [key for key, _ in score_documents(model, pool, "novel", annotated)]
    # by total uncertainty "a", "a-again" and "known" tie with three unsure decisions; by
    # novelty "a" comes first, its twin drops below "b", and what is annotated comes last
    assert ranked == ["a", "b", "a-again", "known"]
    scores = dict(score_documents(model, pool, "novel", annotated))
    assert scores["a"] == pytest.approx(3.0) and scores["a-again"] == pytest.approx(1.5)
    assert scores["known"] == pytest.approx(1.0) and scores["b"] == pytest.approx(2.0)


def test_an_unknown_score_is_refused() -> None:
    with pytest.raises(ValidationError, match="unknown score 'vibes'"):
        score_documents(None, {}, "vibes")


def test_cold_start_ranks_by_the_rule_uncertainty_of_what_a_document_would_teach() -> None:
    span = SpanData("c1", 0, 10, "CLAIM")
    firm = Analysed(Proposal((span,), (), {"c1": 0.95}), [cand(0, 10, 1, "a", "CLAIM", sid="c1")])
    unsure = doc(cand(0, 10, 1, "b", "CLAIM", sid="c1"), scores={"c1": 0.5})
    ranked = score_documents(None, {"firm": firm, "unsure": unsure}, "total")
    assert [key for key, _ in ranked] == ["unsure", "firm"]


def test_dense_weights_uncertainty_by_how_typical_of_the_pool_it_is() -> None:
    model = claim_model()

    def about(*lemmas: str) -> Analysed:
        return doc(*(cand(100 * k, 100 * k + 10, 3 * k, lemma) for k, lemma in enumerate(lemmas)))

    pool = {
        "odd": about("comet", "opera", "glacier"),  # three unsure decisions nobody else shares
        "typical": about("vote", "court"),  # two, about what the other documents are about
        "like-1": about("vote", "yes"),  # "yes": the model is sure, nothing to learn
        "like-2": about("vote", "yes"),
    }
    # by total uncertainty "odd" comes first (three unsure decisions against two)
    assert score_documents(model, pool, "total")[0][0] == "odd"
    scores = dict(score_documents(model, pool, "dense"))
    assert next(iter(scores)) == "typical"
    # each decision counts by the share of ranked documents with a candidate about it
    assert scores["odd"] == pytest.approx(3 * 1 / 4)
    assert scores["typical"] == pytest.approx(3 / 4 + 1 / 4)


def test_committee_disagreement_is_high_where_the_members_differ() -> None:
    yes_member = claim_model()  # says hl=yes is a claim
    w = np.zeros((3, 2))
    w[1] = [6.0, -6.0]  # this member says hl=yes is not one; both are sure about hl=no
    w[2] = [6.0, -6.0]
    no_member = LearnedModel(
        "base",
        {
            "claim": Softmax(
                (NONE, "CLAIM"),
                {"bias": 0, "hl=yes": 1, "hl=no": 2},
                w,
                np.zeros((0, 2)),
                np.zeros(2),
                np.zeros(0),
                np.zeros(0),
                {},
            )
        },
    )
    split, agreed, unsure = cand(0, 10, 1, "yes"), cand(20, 30, 5, "no"), cand(40, 50, 9, "hmm")
    item = doc(split, agreed, unsure)
    committee = [yes_member.groups, no_member.groups]
    dis = committee_disagreement(committee, item)
    assert dis[id(split)] > 0.95  # one sure yes, one sure no
    assert dis[id(agreed)] < 0.01
    assert dis[id(unsure)] < 0.01  # both unsure the same way: no disagreement, only entropy
    # a group no member knows: the rule uncertainty stands in
    event = cand(60, 70, 11, "go", group="event")
    assert committee_disagreement(committee, doc(event))[id(event)] == 1.0
    pool = {"split": doc(cand(0, 10, 1, "yes")), "unsure": doc(cand(0, 10, 1, "hmm"))}
    ranked = score_documents(None, pool, "committee", committee=committee)
    assert [key for key, _ in ranked] == ["split", "unsure"]
