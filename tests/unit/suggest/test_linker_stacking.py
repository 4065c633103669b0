"""The linker stacked on the rules: rule arguments stay unless the linker is confidently
against them, slots the rules left empty get the linker's likeliest candidate above a threshold
tuned on held-out documents, and the comparison picks stacking only where it finds more."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from annotator.suggest.correction import Softmax
from annotator.suggest.linker import (
    LINKER,
    LINKER_JSON,
    NEVER,
    RULES,
    STACKED,
    LinkCand,
    Linker,
    _tune_stacked,
    choose_links,
    compare_links,
    comparison_lines,
    fit_linker,
    learn_linker,
    load_linker,
)
from annotator.suggest.propose import Proposal
from annotator.values import DocData, RelationData, SpanData

CLASSES = ("-", "agent", "target")
FEATS = {"bias": 0, "agentish": 1, "targetish": 2, "weak": 3}


def _model(**thresholds: float) -> Softmax:
    """A role model: "agentish" means agent, "targetish" target, "weak" neither."""
    w = np.zeros((len(FEATS), 3))
    w[FEATS["agentish"], 1] = 6.0
    w[FEATS["targetish"], 2] = 6.0
    w[FEATS["weak"], 0] = 6.0
    return Softmax(
        CLASSES,
        dict(FEATS),
        w,
        np.zeros((0, 3)),
        np.zeros(3),
        np.zeros(0),
        np.ones(0),
        {"agent": 0.5, "target": 0.5, **thresholds},
    )


def _span(sid: str, start: int, end: int, label: str) -> SpanData:
    return SpanData(sid, start, end, label, {})


TEXT = "Police arrested two men and the guards in Cairo."
SPANS = (
    _span("a", 0, 6, "ACTOR"),  # Police
    _span("e", 7, 15, "EVENT"),  # arrested
    _span("m", 16, 23, "ACTOR"),  # two men
    _span("g", 28, 38, "ACTOR"),  # the guards
)
RULES_ONLY = Proposal(SPANS, (RelationData("q1", "agent", "e", "a"),), {"q1": 0.6})


def _cands(rule_feat: str = "agentish") -> list[LinkCand]:
    return [
        LinkCand("role", "e", 0, 6, "ACTOR", "a", ["bias", rule_feat], "agent"),
        LinkCand("role", "e", 16, 23, "ACTOR", "m", ["bias", "targetish"]),
        LinkCand("role", "e", 28, 38, "ACTOR", "g", ["bias", "agentish"]),
    ]


def _rels(p: Proposal) -> list[tuple[str, str, str]]:
    by_id = {s.id: s for s in p.spans}
    return sorted(
        (r.label, r.head, TEXT[by_id[r.tail].start : by_id[r.tail].end]) for r in p.relations
    )


def test_stacking_at_its_defaults_is_the_rules() -> None:
    linker = Linker({"role": _model()})  # no stack thresholds: keep all, add none
    out = linker.apply(RULES_ONLY, _cands(), (), ("agent", "target"))
    assert out.relations == RULES_ONLY.relations


def test_an_empty_slot_gets_the_likeliest_candidate_and_a_filled_one_nothing() -> None:
    model = _model(**{"agent/stack_add": 0.5, "target/stack_add": 0.5})
    out = Linker({"role": model}).apply(RULES_ONLY, _cands(), (), ("agent", "target"))
    # the rules' agent stays; "the guards" looks like an agent but the agent slot is filled
    assert _rels(out) == [("agent", "e", "Police"), ("target", "e", "two men")]
    assert [r.id for r in out.relations if r.label == "agent"] == ["q1"]


def test_below_the_add_threshold_nothing_is_added() -> None:
    model = _model(**{"target/stack_add": 0.999})
    out = Linker({"role": model}).apply(RULES_ONLY, _cands(), (), ("agent", "target"))
    assert out.relations == RULES_ONLY.relations


def test_a_rule_argument_goes_only_when_the_linker_is_confidently_against_it() -> None:
    model = _model(**{"agent/stack_keep": 0.1})
    linker = Linker({"role": model})
    kept = linker.apply(RULES_ONLY, _cands("bias"), (), ("agent",))  # p(agent) 1/3: kept
    assert kept.relations == RULES_ONLY.relations
    dropped = linker.apply(RULES_ONLY, _cands("weak"), (), ("agent",))  # p(agent) ~0.002
    assert dropped.relations == ()


def test_one_candidate_fills_one_slot_of_a_head_the_likelier() -> None:
    proposal = Proposal(SPANS, ())
    cands = [LinkCand("role", "e", 16, 23, "ACTOR", "m", ["bias", "targetish", "agentish"])]
    w = _model(**{"agent/stack_add": 0.1, "target/stack_add": 0.1})
    w.w[FEATS["targetish"], 2] = 7.0  # a little likelier target than agent
    out = Linker({"role": w}).apply(proposal, cands, (), ("agent", "target"))
    assert _rels(out) == [("target", "e", "two men")]


def test_a_chosen_noun_phrase_becomes_a_new_actor() -> None:
    proposal = Proposal(SPANS[:2], ())
    cands = [
        LinkCand(
            "role", "e", 16, 23, "ACTOR", None, ["bias", "targetish"], None, {"type": "person"}
        )
    ]
    out = Linker({"role": _model(**{"target/stack_add": 0.5})}).apply(
        proposal, cands, (), ("target",)
    )
    [rel] = out.relations
    new = next(s for s in out.spans if s.id == rel.tail)
    assert (new.start, new.end, new.label, new.attrs) == (16, 23, "ACTOR", {"type": "person"})
    assert rel.id in out.scores and new.id in out.scores


def test_use_stacked_stacks_by_default_and_counts_as_used() -> None:
    linker = Linker(
        {"role": _model(**{"target/stack_add": 0.5})}, {"agent": RULES, "target": STACKED}
    )
    assert linker.used() == {"target"} and linker.stacked() == {"target"}
    out = linker.apply(RULES_ONLY, _cands())
    assert _rels(out) == [("agent", "e", "Police"), ("target", "e", "two men")]


# ---------------------------------------------------------------- tuning


def _held(free_right: bool, n: int = 8) -> list[Any]:
    """Documents with one event each: the rules' agent is right; a free candidate looks like a
    target and is (or is not) the gold target."""
    rows = []
    for _ in range(n):
        cands = _cands()
        ys = ["agent", "target" if free_right else "-", "-"]
        rows.append((cands, ys, {"agent": 1, "target": int(free_right)}, frozenset({"e"})))
    return rows


def test_tuning_adds_where_the_additions_are_right_and_keeps_the_rules_where_not() -> None:
    good = _model()
    _tune_stacked(good, "role", _held(True))
    assert good.thresholds["target/stack_add"] < NEVER
    assert good.thresholds["agent/stack_keep"] == 0.0  # the rules' agent is always right
    bad = _model()
    _tune_stacked(bad, "role", _held(False))
    assert bad.thresholds["target/stack_add"] == NEVER  # additions would cost precision


def test_unmatched_heads_do_not_count_for_role_tuning() -> None:
    rows = [(c, ["agent", "-", "-"], g, frozenset()) for c, _, g, _ in _held(True)]
    model = _model()
    _tune_stacked(model, "role", rows)  # nothing matched: nothing to learn, the rules stay
    assert model.thresholds["target/stack_add"] == NEVER


# ---------------------------------------------------------------- the comparison


def _gold() -> DocData:
    spans = (*SPANS,)
    rels = (
        RelationData("r1", "agent", "e", "a"),
        RelationData("r2", "target", "e", "m"),
        RelationData("r3", "target", "e", "g"),
    )
    return DocData("g", TEXT, {}, spans, rels)


def test_stacking_is_chosen_where_it_finds_more_at_the_precision_floor() -> None:
    stacked = Proposal(SPANS, (*RULES_ONLY.relations, RelationData("k1", "target", "e", "m")), {})
    rules_target = Proposal(SPANS, (RelationData("q1", "agent", "e", "a"),))
    data = compare_links([_gold()] * 12, [rules_target] * 12, [rules_target] * 12, [stacked] * 12)
    row = data["relations"]["target"]
    assert row["use"] == STACKED and row["stacked"]["recall"] == 0.5
    assert data["relations"]["agent"]["use"] == RULES  # the same as the rules: no win
    assert choose_links({"links": data}) == {"agent": RULES, "target": STACKED}
    assert any(line.split()[-1] == STACKED for line in comparison_lines(data))
    assert "stacked" in comparison_lines(data)[1]
    # two wrong additions for one right one: precision 1/3, below the floor; the rules stay
    wrong = Proposal(
        SPANS,
        (
            *RULES_ONLY.relations,
            RelationData("k1", "target", "e", "m"),
            RelationData("k2", "target", "e", "a"),
            RelationData("k3", "target", "e", "e"),
        ),
    )
    data = compare_links([_gold()] * 12, [rules_target] * 12, [rules_target] * 12, [wrong] * 12)
    row = data["relations"]["target"]
    assert row["stacked"]["recall"] == 0.5 and row["stacked"]["precision"] < 0.75
    assert row["use"] == RULES
    assert LINKER not in {row["use"] for row in data["relations"].values()}


# ---------------------------------------------------------------- learning, end to end


def _project(n_empty: int, n: int = 12) -> tuple[list[Proposal], list[list[LinkCand]], list[Any]]:
    """``n`` one-event documents; the rules find the agent everywhere, and the target (the
    object "two men") everywhere but in the first ``n_empty`` documents, where it is a free
    candidate that the team's layer makes the target."""
    gold = DocData(
        "g",
        TEXT,
        {},
        SPANS,
        (RelationData("r1", "agent", "e", "a"), RelationData("r2", "target", "e", "m")),
    )
    proposals, cands = [], []
    for d in range(n):
        empty = d < n_empty
        rels = [RelationData("q1", "agent", "e", "a")]
        if not empty:
            rels.append(RelationData("q2", "target", "e", "m"))
        proposals.append(Proposal(SPANS, tuple(rels), {}))
        target = ["bias", "object", "rule_other"] if empty else ["bias", "object", "rule=target"]
        cands.append(
            [
                LinkCand(
                    "role", "e", 0, 6, "ACTOR", "a", ["bias", "subject", "rule=agent"], "agent"
                ),
                LinkCand("role", "e", 16, 23, "ACTOR", "m", target, None if empty else "target"),
                LinkCand("role", "e", 28, 38, "ACTOR", "g", ["bias", "far", "rule_other"]),
            ]
        )
    return proposals, cands, [gold] * n


def test_stacking_adds_where_right_additions_show_in_only_some_folds() -> None:
    """The slots the rules leave empty are in two of the four folds: each inner check that
    holds out a fold without any gives "add nothing", and a median over the folds' thresholds
    made that the answer everywhere; the points of all held-out folds, pooled, show that every
    addition is right."""
    proposals, cands, golds = _project(n_empty=6)
    folds = [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]]
    fitted = learn_linker(proposals, cands, golds, folds)
    assert fitted.linker is not None
    row = fitted.comparison["relations"]["target"]
    assert row["rules"]["recall"] == 0.5 and row["stacked"]["recall"] == 1.0
    assert row["stacked"]["precision"] == 1.0
    assert row["use"] == STACKED and fitted.linker.use["target"] == STACKED
    assert fitted.linker.models["role"].thresholds["target/stack_add"] < NEVER
    out = fitted.linker.apply(proposals[0], cands[0])
    assert _rels(out) == [("agent", "e", "Police"), ("target", "e", "two men")]


def test_stacking_stays_the_rules_where_no_slot_is_left_empty() -> None:
    proposals, cands, golds = _project(n_empty=0)
    fitted = learn_linker(proposals, cands, golds, [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9, 10, 11]])
    assert fitted.linker is not None
    assert fitted.linker.use.get("target", RULES) == RULES
    assert fitted.linker.apply(proposals[0], cands[0]).relations == proposals[0].relations


# ---------------------------------------------------------------- the rule-blind offers


def _offer_model() -> Softmax:
    """A rule-blind role model that reads "weak" as a target and nothing else."""
    w = np.zeros((len(FEATS), 3))
    w[FEATS["weak"], 2] = 6.0
    return Softmax(CLASSES, dict(FEATS), w, np.zeros((0, 3)), np.zeros(3), np.zeros(0), np.ones(0))


def test_the_offers_to_an_empty_slot_are_ranked_by_the_rule_blind_model() -> None:
    cands = [
        LinkCand("role", "e", 0, 6, "ACTOR", "a", ["bias", "agentish"], "agent"),
        LinkCand("role", "e", 16, 23, "ACTOR", "m", ["bias", "weak"]),
        LinkCand("role", "e", 28, 38, "ACTOR", "g", ["bias", "targetish"]),
    ]
    model = _model(**{"target/stack_add": 0.5})
    alone = Linker({"role": model}).apply(RULES_ONLY, cands, (), ("target",))
    assert _rels(alone) == [("agent", "e", "Police"), ("target", "e", "the guards")]
    blind = Linker({"role": model}, offers={"role": _offer_model()})
    out = blind.apply(RULES_ONLY, cands, (), ("target",))
    assert _rels(out) == [("agent", "e", "Police"), ("target", "e", "two men")]
    # the rules' own arguments are still judged by the main model: kept at these thresholds
    assert [r.id for r in out.relations if r.label == "agent"] == ["q1"]


def test_the_offer_model_learns_without_the_rules_choice_on_matched_triggers_only() -> None:
    proposals, cands, golds = _project(n_empty=6)
    # a second trigger in every document that the team's layer does not have
    for doc in cands:
        doc.append(LinkCand("role", "x", 16, 23, "ACTOR", "m", ["bias", "object", "decoy"]))
    ys = [["agent", "target", "-", "-"]] * 12
    matched = [frozenset({"e"})] * 12
    linker = fit_linker(cands, ys, range(12), matched=matched)
    offer = linker.offers["role"]
    assert "decoy" in linker.models["role"].vocab and "decoy" not in offer.vocab
    assert not any(f.startswith(("rule=", "rule_other", "rule_none")) for f in offer.vocab)
    assert "rule=target" in linker.models["role"].vocab
    assert "object" in offer.vocab
    assert "role" not in fit_linker(cands, ys, range(12)).offers  # no matched heads given


def test_the_offer_model_is_saved_and_a_folder_without_one_still_loads(tmp_path: Path) -> None:
    linker = Linker(
        {"role": _model(**{"target/stack_add": 0.5})},
        {"target": STACKED},
        offers={"role": _offer_model()},
    )
    linker.save(tmp_path)
    again = load_linker(tmp_path)
    assert again is not None and set(again.offers) == {"role"}
    assert np.array_equal(again.offers["role"].w, linker.offers["role"].w)
    assert again.offers["role"].vocab == linker.offers["role"].vocab
    body = json.loads((tmp_path / LINKER_JSON).read_text(encoding="utf-8"))
    del body["offers"]  # as written before the offers existed
    (tmp_path / LINKER_JSON).write_text(json.dumps(body), encoding="utf-8")
    old = load_linker(tmp_path)
    assert old is not None and old.offers == {} and old.use == {"target": STACKED}
