"""The trained claimant/role linker: candidate pairs and their features, the per-relation
comparison with the rules, and the round trip train -> model folder -> preannotate --model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from annotator.project import Project
from annotator.suggest.correction import COMPARISON_FILE, load_model
from annotator.suggest.linker import (
    LINKER,
    LINKER_JSON,
    RULES,
    STACKED,
    LinkCand,
    Linker,
    choose_links,
    compare_links,
    comparison_lines,
    link_candidates,
    link_targets,
)
from annotator.suggest.propose import Proposal, Suggester, propose
from annotator.suggest.run import preannotate_project
from annotator.suggest.training import train_model
from annotator.transfer.importing import import_documents
from annotator.values import DocData, RelationData, SpanData

SPEAKERS = ["The minister", "Omar Ali", "The spokesman", "Maria Lopez", "Officials", "John Smith"]
AGENTS = ["police", "soldiers", "the rebels", "the guards", "troops", "militants"]
TARGETS = ["two journalists", "the protesters", "five students", "a reporter", "the villagers"]
PLACES = ["Cairo", "Madrid", "Sabha", "Tripoli", "Kabul", "Lagos"]


def _doc(i: int) -> DocData:
    """A short news text with a claim (and its claimant) and an event (agent, target, place)."""
    speaker, agent = SPEAKERS[i % 6], AGENTS[(i + 1) % 6]
    target, place = TARGETS[i % 5], PLACES[(i + 2) % 6]
    content = f"{agent} arrested {target} in {place} on Monday"
    text = f"{speaker} said that {content}. The arrests angered many people."
    parts = [
        (speaker, "ACTOR"),
        (content, "CLAIM"),
        (agent, "ACTOR"),
        ("arrested", "EVENT"),
        (target, "ACTOR"),
        (place, "PLACE"),
        ("Monday", "TIME"),
    ]
    spans = []
    for k, (surface, label) in enumerate(parts):
        at = text.index(surface)
        attrs: dict[str, Any] = {"type": "arrest"} if label == "EVENT" else {}
        spans.append(SpanData(f"s{k}", at, at + len(surface), label, attrs))
    rels = [
        RelationData("r1", "claimant", "s1", "s0"),
        RelationData("r2", "agent", "s3", "s2"),
        RelationData("r3", "target", "s3", "s4"),
        RelationData("r4", "place", "s3", "s5"),
        RelationData("r5", "time", "s3", "s6"),
    ]
    return DocData(f"d{i}", text, {}, tuple(spans), tuple(rels), layer="gold")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    proj = Project.create(tmp_path / "links.annproj")
    import_documents(proj, [_doc(i) for i in range(12)], layer="gold")
    yield proj
    proj.close()


def _one(nlp: Any, scheme: Any, text: str) -> tuple[Proposal, list[LinkCand]]:
    rules = Suggester(nlp, scheme)
    doc = nlp(text)
    proposal = rules.analyse(doc, text)
    return proposal, link_candidates(doc, proposal)


def _text(text: str, c: LinkCand) -> str:
    return text[c.start : c.end]


# ---------------------------------------------------------------- candidates and features


def test_claim_candidates_carry_the_rule_path_and_cue(nlp_sm: Any, scheme: Any) -> None:
    text = (
        "Omar Ali arrived on Sunday. "
        "The ministry said that three protesters were arrested by the police in Cairo."
    )
    proposal, cands = _one(nlp_sm, scheme, text)
    claimants = [c for c in cands if c.family == "claimant"]
    by_text = {_text(text, c): c for c in claimants}
    assert "The ministry" in by_text, by_text
    speaker = by_text["The ministry"]
    assert speaker.rule == "claimant" and "rule=claimant" in speaker.feats
    assert "cue=say" in speaker.feats
    # the content's root hangs on "said": the speaker is its subject (up ccomp, down nsubj)
    assert "path=ccomp|nsubj" in speaker.feats
    others = [c for c in claimants if c is not speaker]
    assert [_text(text, c) for c in others] == ["Omar Ali"]  # inside the claim: never
    assert all("rule_other" in c.feats and "path=none" in c.feats for c in others)
    assert "sd=-1" in others[0].feats
    assert all(c.tail is not None or "new" in c.feats for c in claimants)


def test_role_candidates_know_voice_distance_and_new_noun_phrases(nlp_sm: Any, scheme: Any) -> None:
    text = "Three protesters were arrested by the police in Cairo on Monday."
    proposal, cands = _one(nlp_sm, scheme, text)
    roles = {_text(text, c): c for c in cands if c.family == "role"}
    assert {"Three protesters", "the police"} <= set(roles), roles
    subject = roles["Three protesters"]
    assert "voice=passive" in subject.feats
    assert any(f.startswith("dist=-") for f in subject.feats)
    assert any(f.startswith("dist=+") for f in roles["the police"].feats)
    assert any(f.startswith("path=|") and "nsubjpass" in f for f in subject.feats)
    places = [c for c in cands if c.family == "place"]
    times = [c for c in cands if c.family == "time"]
    assert [_text(text, c) for c in places] == ["Cairo"]
    assert [_text(text, c) for c in times] == ["Monday"]
    active = "The police arrested three protesters in Cairo."
    _, cands2 = _one(nlp_sm, scheme, active)
    assert all("voice=active" in c.feats for c in cands2 if c.family == "role")


def test_role_candidates_share_a_configuration_across_triggers(nlp_sm: Any, scheme: Any) -> None:
    """How an argument hangs on its trigger, in words shared by every trigger and text: its own
    dependency, or the preposition it hangs on; the trigger's part of speech and voice; and
    whether the argument is actor-like (an ACTOR suggestion or a named person, organisation,
    country) or not. A country that fires is an actor-like subject; what it fires is not."""

    def cfg(text: str) -> dict[tuple[str, str], set[str]]:
        proposal, cands = _one(nlp_sm, scheme, text)
        heads = {s.id: text[s.start : s.end] for s in proposal.spans}
        return {
            (heads[c.head], _text(text, c)): {f for f in c.feats if f.startswith("cfg=")}
            for c in cands
            if c.family == "role"
        }

    fired = cfg("North Korea fired artillery rounds at the border on Monday.")
    assert fired[("fired", "North Korea")] == {
        "cfg=nsubj|hpos=VERB|voice=active|actor",
        "cfg=nsubj|actor",
    }
    assert "cfg=dobj|thing" in fired[("fired", "artillery rounds")]
    attack = cfg("The attack by the rebels killed two soldiers.")
    assert "cfg=p:by|hpos=NOUN|voice=active|actor" in attack[("attack", "the rebels")]
    assert "cfg=far|actor" in attack[("attack", "two soldiers")]  # not its argument's place
    assert "cfg=dobj|actor" in attack[("killed", "two soldiers")]
    passive = cfg("Three protesters were arrested by the police in Cairo.")
    assert "cfg=p:by|hpos=VERB|voice=passive|actor" in passive[("arrested", "the police")]
    assert "cfg=nsubjpass|actor" in passive[("arrested", "Three protesters")]
    # claimant candidates are not touched
    _, cands = _one(nlp_sm, scheme, "The ministry said that police arrested two men.")
    assert not any(f.startswith("cfg=") for c in cands if c.family == "claimant" for f in c.feats)


def test_targets_follow_the_gold_arguments_of_matched_heads(nlp_sm: Any, scheme: Any) -> None:
    gold = _doc(0)
    proposal, cands = _one(nlp_sm, scheme, gold.text)
    ys = link_targets(cands, proposal, gold)
    got = {(c.family, _text(gold.text, c)): y for c, y in zip(cands, ys, strict=True)}
    assert got[("claimant", "The minister")] == "claimant"
    assert got.get(("role", "soldiers")) == "agent"
    assert got.get(("role", "two journalists")) == "target"
    assert got.get(("place", PLACES[2])) == "place"


# ---------------------------------------------------------------- per-relation selection


def _span(sid: str, start: int, end: int, label: str) -> SpanData:
    return SpanData(sid, start, end, label, {})


def test_the_linker_is_used_only_for_the_relations_it_wins() -> None:
    text = "Ann said X. Bob hit Cy. " * 2
    gold_spans = (
        _span("c", 9, 10, "CLAIM"),
        _span("ann", 0, 3, "ACTOR"),
        _span("e", 16, 19, "EVENT"),
        _span("bob", 12, 15, "ACTOR"),
        _span("cy", 20, 22, "ACTOR"),
    )
    gold = DocData(
        "g",
        text,
        {},
        gold_spans,
        (
            RelationData("r1", "claimant", "c", "ann"),
            RelationData("r2", "agent", "e", "bob"),
        ),
    )
    base = Proposal(gold_spans, ())
    # the rules: a wrong claimant, the right agent; the linker: the reverse
    rules = Proposal(
        gold_spans,
        (
            RelationData("q1", "claimant", "c", "bob"),
            RelationData("q2", "agent", "e", "bob"),
        ),
    )
    linked = Proposal(
        gold_spans,
        (
            RelationData("k1", "claimant", "c", "ann"),
            RelationData("k2", "agent", "e", "cy"),
        ),
    )
    data = compare_links([gold] * 12, [rules] * 12, [linked] * 12)
    rows = data["relations"]
    assert rows["claimant"]["use"] == LINKER and rows["agent"]["use"] == RULES
    assert rows["claimant"]["linker"]["accuracy"] == 1.0
    assert rows["claimant"]["rules"]["accuracy"] == 0.0
    assert choose_links({"links": data}) == {"claimant": LINKER, "agent": RULES}
    assert any(
        "claimant" in line and line.rstrip().endswith("linker") for line in comparison_lines(data)
    )
    # a tie never goes to the linker
    same = compare_links([gold] * 12, [rules] * 12, [rules] * 12)
    assert {row["use"] for row in same["relations"].values()} == {RULES}
    assert base.relations == ()


def test_apply_replaces_only_the_relations_in_use_and_adds_new_actors() -> None:
    import numpy as np

    from annotator.suggest.correction import Softmax

    spans = (_span("c", 20, 30, "CLAIM"), _span("a", 0, 3, "ACTOR"), _span("e", 40, 45, "EVENT"))
    proposal = Proposal(
        spans,
        (
            RelationData("q1", "claimant", "c", "a"),
            RelationData("q2", "agent", "e", "a"),
        ),
        {"c": 0.5, "a": 0.5, "e": 0.5, "q1": 0.7, "q2": 0.5},
    )
    vocab = {"bias": 0, "good": 1}
    w = np.zeros((2, 2))
    w[1, 1] = 5.0  # "good" means claimant
    model = Softmax(
        ("-", "claimant"),
        vocab,
        w,
        np.zeros((0, 2)),
        np.zeros(2),
        np.zeros(0),
        np.ones(0),
        {"claimant": 0.35, "claimant/keep": 0.0},
    )
    cands = [
        LinkCand("claimant", "c", 0, 3, "ACTOR", "a", ["bias"], "claimant"),
        LinkCand("claimant", "c", 5, 12, "ACTOR", None, ["bias", "good"], None, {"type": "person"}),
    ]
    linker = Linker({"claimant": model}, {"claimant": LINKER, "agent": RULES})
    out = linker.apply(proposal, cands)
    by_id = {s.id: s for s in out.spans}
    claimant = [r for r in out.relations if r.label == "claimant"]
    assert len(claimant) == 1
    new = by_id[claimant[0].tail]
    assert (new.start, new.end, new.label, new.attrs) == (5, 12, "ACTOR", {"type": "person"})
    assert [r.id for r in out.relations if r.label == "agent"] == ["q2"]  # rules kept
    assert all(r.id in out.scores for r in out.relations) and new.id in out.scores
    assert linker.apply(proposal, cands, ()) is proposal


# ---------------------------------------------------------------- round trip


def test_train_saves_the_linker_and_preannotate_uses_it_where_it_won(
    project: Project, tmp_path: Path, nlp_sm: Any
) -> None:
    outdir = tmp_path / "model"
    report = train_model(project, outdir, max_steps=60, folds=3)
    assert (outdir / LINKER_JSON).is_file()
    saved = json.loads((outdir / COMPARISON_FILE).read_text(encoding="utf-8"))
    links = saved["links"]["relations"]
    assert {"claimant", "agent", "target"} <= set(links)
    assert any("claimant and role links" in line for line in report.lines())
    assert any(line.startswith("and the trained linker for") for line in report.lines())
    assert all("stacked" in row for row in links.values())
    # the comparison gives the claimant to the linker, the target to the linker stacked on the
    # rules, every other relation to the rules
    for rel, row in links.items():
        row["use"] = {"claimant": LINKER, "target": STACKED}.get(rel, RULES)
    (outdir / COMPARISON_FILE).write_text(json.dumps(saved), encoding="utf-8")
    model = load_model(outdir)
    assert model.linker is not None and model.linker.used() == {"claimant", "target"}
    assert model.linker.stacked() == {"target"}
    lines = model.lines()
    target_line = next(line for line in lines if line.split()[:2] == ["target", "stacked"])
    stacked_score = f"{links['target']['stacked']['score']:.3f} stacked vs"
    assert stacked_score in target_line  # the stacked figure, not the linker's
    claimant_line = next(line for line in lines if line.split()[:2] == ["claimant", "linker"])
    assert f"{links['claimant']['linker']['score']:.3f} linker vs" in claimant_line
    role = model.linker.models["role"].thresholds
    assert {"target/stack_keep", "target/stack_add"} <= set(role)  # saved and read back
    role["target/stack_keep"] = 0.0  # keep every rule target
    text = _doc(20).text
    [(_, default)] = list(propose([(text, 0)], nlp_sm, project.scheme))
    suggester = model.suggester(nlp_sm, project.scheme)
    [(_, learned)] = list(propose([(text, 0)], nlp_sm, project.scheme, suggester=suggester))
    linked = [r for r in learned.relations if r.label == "claimant"]
    assert linked and all(r.id.startswith("k") for r in linked)  # the linker's
    others = ("claimant", "target")
    assert sorted((r.label, r.id) for r in learned.relations if r.label not in others) == sorted(
        (r.label, r.id) for r in default.relations if r.label not in others
    )  # the rules'
    targets = {r.id for r in learned.relations if r.label == "target"}
    assert {r.id for r in default.relations if r.label == "target"} <= targets  # stacked on
    by_id = {s.id: s for s in learned.spans}
    assert text[by_id[linked[0].tail].start : by_id[linked[0].tail].end] == SPEAKERS[20 % 6]
    run = preannotate_project(project, model=str(outdir))
    assert any(line.split()[:2] == ["claimant", "linker"] for line in run.choices)
    assert any(line.split()[:2] == ["agent", "rules"] for line in run.choices)
    assert any(line.split()[:2] == ["target", "stacked"] for line in run.choices)
