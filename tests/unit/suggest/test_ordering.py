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
    gain_weights,
    label_gains,
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


def claim_model(
    thresholds: dict[str, float] | None = None, yes_is_claim: bool = True
) -> LearnedModel:
    """A claim classifier sure about ``hl=yes`` (a claim; not one unless ``yes_is_claim``) and
    ``hl=no`` (not one), unsure of anything else."""
    w = np.zeros((3, 2))
    w[1] = [-6.0, 6.0] if yes_is_claim else [6.0, -6.0]
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
    # this member says hl=yes is not one; both are sure about hl=no
    no_member = claim_model({}, yes_is_claim=False)
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


def entity_model(gains: dict[str, float] | None = None) -> LearnedModel:
    """An entity classifier with no opinion (every class equally likely) and, optionally, a
    comparison saying how much training helped each label held out."""
    clf = Softmax(
        (NONE, "ACTOR", "PLACE", "TIME"),
        {"bias": 0},
        np.zeros((1, 4)),
        np.zeros((0, 4)),
        np.zeros(4),
        np.zeros(0),
        np.zeros(0),
        {},
    )
    model = LearnedModel("base", {"entity": clf})
    if gains is not None:
        model.meta["comparison"] = {
            "spans": {
                lab: {"trained": {"f": 0.5 + g}, "default": {"f": 0.5}} for lab, g in gains.items()
            }
        }
    return model


def test_gain_lets_the_labels_training_helps_decide_the_order() -> None:
    def ent(k: int, label: str) -> Candidate:
        return cand(100 * k, 100 * k + 5, 2 * k, f"w{k}", label, group="entity", sid=f"e{k}")

    pool = {
        "actors": doc(ent(0, "ACTOR"), ent(1, "ACTOR"), ent(2, "ACTOR")),
        "places": doc(ent(0, "PLACE"), ent(1, "PLACE")),
    }
    helped = entity_model({"ACTOR": -0.02, "PLACE": 0.06, "TIME": 0.0})
    # equally unsure of every decision: by total the document with more of them comes first
    assert score_documents(helped, pool, "total")[0][0] == "actors"
    scores = dict(score_documents(helped, pool, "gain"))
    assert next(iter(scores)) == "places"
    assert scores["places"] == pytest.approx(2 * 0.06)
    assert scores["actors"] == pytest.approx(3 * 0.005)  # no gain: the floor
    # a new candidate counts by the labels it may be added as, weighted by their probability
    new = cand(500, 505, 50, "x", group="entity")
    weights = gain_weights(helped, doc(new), label_gains(helped))
    assert weights[id(new)] == pytest.approx((0.005 + 0.06 + 0.005) / 3)
    # without a comparison every label weighs the same: the order of total
    plain = entity_model()
    assert label_gains(plain) == {}
    assert [k for k, _ in score_documents(plain, pool, "gain")] == ["actors", "places"]


def test_coverage_takes_what_is_common_and_not_yet_learned_first() -> None:
    def with_feats(*feats: str) -> Analysed:
        c = Candidate("claim", 0, 10, 1, ["bias", *feats], EMPTY)
        return doc(c)

    pool = {
        "rare": with_feats("hl=comet", "hl2=opera", "x=glacier"),  # three features, one each
        "common-1": with_feats("hl=vote", "pl=court"),  # shared with the next two
        "common-2": with_feats("hl=vote", "pl=court"),
        "common-3": with_feats("hl=vote"),
        "known": with_feats("hl=tax"),
    }
    annotated = [with_feats("hl=tax")]
    ranked = score_documents(None, pool, "coverage", annotated)
    order = [key for key, _ in ranked]
    assert order[0] == "common-1"  # vote 3/5, court 2/5 of the queue ("bias" is known)
    assert order[1] == "rare"  # what the others bring is learned by then
    scores = dict(ranked)
    assert scores["common-1"] == pytest.approx((3 + 2) / 5)
    assert scores["rare"] == pytest.approx(3 / 5)
    assert scores["known"] == 0.0 and scores["common-2"] == 0.0


def test_dense_per_1000_characters_does_not_let_a_long_document_win_by_size() -> None:
    model = claim_model()

    def about(*lemmas: str) -> Analysed:
        return doc(*(cand(100 * k, 100 * k + 10, 3 * k, lemma) for k, lemma in enumerate(lemmas)))

    pool = {"long": about("vote", "court", "tax"), "short": about("vote", "court")}
    lengths = {"long": 6000, "short": 1000}
    assert score_documents(model, pool, "dense")[0][0] == "long"
    ranked = score_documents(model, pool, "dense-per-1000", lengths=lengths)
    assert [key for key, _ in ranked] == ["short", "long"]
    assert dict(ranked)["long"] == pytest.approx((1 + 1 + 0.5) * 1000 / 6000)
    with pytest.raises(ValidationError, match="needs the documents' lengths"):
        score_documents(model, pool, "dense-per-1000")
