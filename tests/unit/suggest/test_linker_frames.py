"""The role linker's argument frames (``link_frames``), the empty slots they may fill, and the
claimant linker kept at the rules' precision (its additions pay for themselves, the scorer's
precision counts unmatched claims, and the comparison holds the linker to the rules')."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from annotator.suggest.link_frames import frames
from annotator.suggest.linker import (
    LINKER,
    NEVER,
    RELATIONS,
    RULES,
    LinkCand,
    Linker,
    _pick_claimant,
    compare_counts,
    link_candidates,
    relation_counts,
)
from annotator.suggest.propose import Proposal, Suggester
from annotator.values import DocData, RelationData, SpanData

from .test_linker_stacking import RULES_ONLY, _model


def _tok(doc: Any, word: str) -> Any:
    return next(t for t in doc if t.text == word)


@pytest.mark.parametrize(
    ("text", "trigger", "argument", "frame"),
    [
        # a passive's agent in a "by" phrase the parser hung lower in the clause
        (
            "The religion was banned from conducting worship at the sites by the ministry.",
            "banned",
            "ministry",
            "by~",
        ),
        ("The religion was banned by the ministry.", "banned", "religion", "nsubjpass"),
        # a nominal trigger, subject of a passive light verb: that verb's "by" phrase
        ("The attack was launched on Wednesday by a user.", "attack", "user", "up:nsubjpass>by"),
        # a nominal trigger, object of a light verb: that verb's subject
        ("Thomas Sam and his wife are undergoing trial.", "trial", "Sam", "up:dobj>nsubj"),
        # a conjoined verb without a subject of its own shares the first one's
        ("Wong was defeated in the district, and resigned.", "resigned", "Wong", "conj"),
        # a nominal trigger's "of" and "with" phrases, and the subject of the clause it is in
        ("They respected the sentence of the Supreme Court.", "sentence", "Court", "p:of"),
        (
            "Paris left the ship after a confrontation with the crew.",
            "confrontation",
            "crew",
            "p:with",
        ),
        (
            "Paris left the ship after a confrontation with the crew.",
            "confrontation",
            "Paris",
            "after",
        ),
    ],
)
def test_frames_name_how_an_argument_stands_to_its_trigger(
    nlp_sm: Any, text: str, trigger: str, argument: str, frame: str
) -> None:
    doc = nlp_sm(text)
    got = frames(_tok(doc, trigger), _tok(doc, argument))
    assert any(frame in f for f in got), (got, [(t.text, t.dep_, t.head.text) for t in doc])


def test_a_word_in_no_frame_of_the_trigger_has_none(nlp_sm: Any) -> None:
    doc = nlp_sm("The police arrested two men, and a reporter watched from the street.")
    assert frames(_tok(doc, "arrested"), _tok(doc, "street")) == []
    assert frames(_tok(doc, "arrested"), _tok(doc, "arrested")) == []


def test_role_candidates_carry_their_frames(nlp_sm: Any, scheme: Any) -> None:
    text = "The religion was banned from conducting worship at the sites by the ministry."
    doc = nlp_sm(text)
    proposal = Suggester(nlp_sm, scheme).analyse(doc, text)
    roles = {
        text[c.start : c.end]: c
        for c in link_candidates(doc, proposal)
        if c.family == "role" and text[c.start : c.end].endswith("ministry")
    }
    assert roles, [text[c.start : c.end] for c in link_candidates(doc, proposal)]
    feats = next(iter(roles.values())).feats
    assert "fr=by~" in feats and "fr=by~|hpos=VERB|voice=passive" in feats


def test_an_empty_slot_is_offered_only_a_candidate_in_a_frame() -> None:
    """A candidate in no argument frame of the trigger (``fr=none``) is never offered to a slot
    the rules left empty, however likely the classifier finds it."""
    model = _model(**{"target/stack_add": 0.5})
    framed = [
        LinkCand("role", "e", 0, 6, "ACTOR", "a", ["bias", "agentish"], "agent"),
        LinkCand("role", "e", 16, 23, "ACTOR", "m", ["bias", "targetish", "fr=dobj"]),
    ]
    out = Linker({"role": model}).apply(RULES_ONLY, framed, (), ("agent", "target"))
    assert ("target", "e", "m") in {(r.label, r.head, r.tail) for r in out.relations}
    unframed = [
        framed[0],
        LinkCand("role", "e", 16, 23, "ACTOR", "m", ["bias", "targetish", "fr=none"]),
    ]
    out = Linker({"role": model}).apply(RULES_ONLY, unframed, (), ("agent", "target"))
    assert out.relations == RULES_ONLY.relations


# ---------------------------------------------------------------- the claimant's precision


def test_claimant_additions_must_be_as_precise_as_the_rules_claimants() -> None:
    """The linker's right choices on the rules' claims do not pay for less precise additions:
    with the rules right on 8 of 10 claims and the linker on 10, adding down to 0.7 would keep
    the whole at 11 of 13 (above 80 %), but the additions alone are then 1 of 3."""
    model = _model()
    swapped, ruled_ok = [True] * 10, [True] * 8 + [False] * 2
    _pick_claimant(model, (swapped, ruled_ok, [(0.9, True), (0.8, False), (0.7, False)]))
    assert model.thresholds["claimant"] == 0.9
    _pick_claimant(model, (swapped, ruled_ok, [(0.9, False), (0.6, True)]))
    assert model.thresholds["claimant"] == NEVER  # no threshold adds at the rules' precision


def _claims() -> tuple[DocData, Proposal]:
    text = "Ali said prices rose. Omar Lee arrived. Ben thinks it rained."
    gold_spans = (
        SpanData("s", 0, 3, "ACTOR", {}),
        SpanData("c", 9, 20, "CLAIM", {}),
    )
    gold = DocData("g", text, {}, gold_spans, (RelationData("r", "claimant", "c", "s"),))
    spans = (
        *gold_spans,
        SpanData("b", 40, 43, "ACTOR", {}),
        SpanData("c2", 51, 60, "CLAIM", {}),  # no claim in the gold layer
    )
    rels = (RelationData("p1", "claimant", "c", "s"), RelationData("p2", "claimant", "c2", "b"))
    return gold, Proposal(spans, rels, {})


def test_claimant_precision_counts_the_claimants_of_unmatched_claims() -> None:
    gold, proposal = _claims()
    counts = relation_counts(gold, proposal)["claimant"]
    assert counts["matched"] == counts["ok"] == 1
    assert counts["pred"] == 2 and counts["pred_ok"] == 1  # as score.py: 1 of 2 right


def test_the_claimant_linker_must_keep_the_rules_precision() -> None:
    """A claimant linker right more often than the rules but less precise (claimants added to
    claims that are none) keeps the rules, as stacking does for roles."""

    def claimant(ok: int, pred_ok: int, pred: int) -> dict[str, dict[str, int]]:
        counts = {"ok": ok, "matched": 10, "pred_ok": pred_ok, "pred": pred}
        return {rel: counts if rel == "claimant" else {} for rel in RELATIONS}

    rules = claimant(8, 8, 9)
    less_precise = [(rules, claimant(9, 9, 11)) for _ in range(12)]
    row = compare_counts(less_precise)["relations"]["claimant"]
    assert row["linker_better_share"] >= 0.9 and row["use"] == RULES
    as_precise = [(rules, claimant(9, 9, 10)) for _ in range(12)]
    assert compare_counts(as_precise)["relations"]["claimant"]["use"] == LINKER
    assert np.isclose(row["rules"]["precision"], 8 / 9, atol=1e-3)
