"""The learning loop: train a correction on a layer, compare it with the default held out, use
per label whichever was better, order a queue by uncertainty."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

from annotator import services
from annotator.cancel import CancelToken
from annotator.errors import Cancelled, ValidationError
from annotator.project import Project
from annotator.suggest.correction import (
    COMPARISON_FILE,
    NEVER,
    NONE,
    Analysed,
    Candidate,
    GroupData,
    fit,
    load_model,
    stack_decide,
    targets,
    tune_stacked,
)
from annotator.suggest.evaluation import Evaluation, LabelScore, greedy_pairs
from annotator.suggest.run import preannotate_project
from annotator.suggest.selection import (
    ComparisonError,
    choose,
    compare,
    comparison_lines,
    read_comparison,
)
from annotator.suggest.training import train_model
from annotator.transfer.importing import import_documents
from annotator.values import RelationData, SpanData
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import suggestions as sugg_repo

from .helpers import gold_doc
from .test_project_training import TEXTS

MORE = [
    (
        "The police said that protesters marched in Benghazi on Sunday.",
        [
            ("The police", "ACTOR", {"type": "organisation"}),
            ("protesters", "ACTOR", {"type": "population_group"}),
            ("Benghazi", "PLACE", {}),
            ("Sunday", "TIME", {}),
            ("protesters marched in Benghazi on Sunday", "CLAIM", {"form": "reported"}),
        ],
    ),
    (
        "Officials told reporters that the minister visited Rome in May.",
        [
            ("Officials", "ACTOR", {"type": "person"}),
            ("the minister", "ACTOR", {"type": "person"}),
            ("Rome", "PLACE", {}),
            ("May", "TIME", {}),
            ("visited", "EVENT", {"type": "meeting"}),
        ],
    ),
]


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    proj = Project.create(tmp_path / "tiny.annproj")
    docs = [gold_doc(f"d{i}", text, spans) for i, (text, spans) in enumerate(TEXTS + MORE)]
    import_documents(proj, docs, layer="gold")
    yield proj
    proj.close()


# ---------------------------------------------------------------- pieces


def test_overlap_evaluation_pairs_one_to_one_by_iou() -> None:
    assert greedy_pairs([(0, 10), (20, 30)], [(0, 4), (2, 10), (25, 40)]) == {1: 0, 2: 1}
    gold = [SpanData("a", 0, 10, "ACTOR"), SpanData("c", 20, 40, "CLAIM")]
    pred = [
        SpanData("x", 2, 10, "ACTOR"),
        SpanData("y", 0, 3, "ACTOR"),
        SpanData("z", 22, 30, "CLAIM"),
    ]
    ev = Evaluation(match="overlap")
    ev.add(
        gold,
        [RelationData("r", "claimant", "c", "a")],
        pred,
        [RelationData("q", "claimant", "z", "y")],
    )
    actor = ev.spans["ACTOR"]
    assert (actor.tp, actor.fp, actor.fn) == (1, 1, 0)
    assert ev.spans["CLAIM"].tp == 1 and ev.relations["claimant"].tp == 1
    exact = Evaluation()
    exact.add(gold, [], pred, [])
    assert exact.spans["ACTOR"].tp == 0


def _toy(n: int, seed: int = 0) -> GroupData:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    feats = [["bias", f"w={'yes' if t else 'no'}" if rng.random() < 0.9 else "w=?"] for t in y]
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for r, fs in enumerate(feats):
        for f in fs:
            rows.append(r)
            cols.append(vocab.setdefault(f, len(vocab)))
    x = rng.normal(size=(n, 3)).astype("float32")
    return GroupData(
        (NONE, "CLAIM"),
        vocab,
        np.arange(n) % 4,
        np.array(rows),
        np.array(cols),
        x,
        y,
        np.zeros((4, 2), dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        np.ones((n, 2), dtype=bool),
    )


def test_softmax_learns_a_feature_and_stops_early() -> None:
    data = _toy(400)
    model = fit(data, max_iter=500)
    assert model.iterations < 500
    probs = model.proba_rows(data)
    accuracy = float((probs.argmax(axis=1) == data.y).mean())
    assert accuracy > 0.85
    yes = Candidate("claim", 0, 1, 0, ["bias", "w=yes"], np.zeros(3, dtype="float32"))
    no = Candidate("claim", 0, 1, 0, ["bias", "w=no"], np.zeros(3, dtype="float32"))
    p_yes, p_no = model.proba([yes, no])[:, 1]
    assert p_yes > 0.8 > 0.2 > p_no


def _cand(start: int, end: int, head: int, default: str | None = None) -> Candidate:
    return Candidate("entity", start, end, head, ["bias"], np.zeros(0, dtype="float32"), default)


def test_stacked_targets_learn_what_the_default_misses() -> None:
    from annotator.suggest.propose import Proposal

    # "The police said Paris and France's president, critics of the policies of President
    # Trump, left." (offsets approximate: only overlaps matter)
    cands = [
        _cand(0, 10, 1, "ACTOR"),  # "The police": a right default ACTOR
        _cand(16, 21, 3, "ACTOR"),  # "Paris": a default ACTOR the gold calls PLACE
        _cand(92, 96, 13, "TIME"),  # "left": a default TIME nobody marked
        _cand(26, 44, 7),  # "France's president": a new candidate, a missed ACTOR
        _cand(0, 10, 1),  # "The police" again: duplicates a default ACTOR and no PLACE/TIME
        _cand(46, 90, 9),  # "critics of the policies of Trump": beside the default inside it
        _cand(75, 90, 12, "ACTOR"),  # "President Trump"
        _cand(10, 15, 2),  # "said": nothing
    ]
    gold = [
        SpanData("g1", 0, 10, "ACTOR"),
        SpanData("g2", 16, 21, "PLACE"),
        SpanData("g3", 26, 44, "ACTOR"),
        SpanData("g4", 46, 90, "ACTOR"),
        SpanData("g5", 75, 90, "ACTOR"),
    ]
    ys = targets(Analysed(Proposal((), (), {}), cands), gold)
    assert ys == ["ACTOR", "PLACE", NONE, "ACTOR", NONE, "ACTOR", "ACTOR", NONE]
    # a candidate that duplicates a default of every label of its group teaches nothing
    cands[4].start, cands[4].end = 0, 9
    triple = [_cand(0, 9, 1, "PLACE"), _cand(0, 9, 1, "TIME")]
    ys = targets(Analysed(Proposal((), (), {}), cands + triple), gold)
    assert ys[4] is None


def test_stacked_decision_keeps_defaults_unless_confidently_wrong() -> None:
    classes = (NONE, "ACTOR", "PLACE")
    probs = np.array(
        [
            [0.6, 0.3, 0.1],  # default ACTOR, NONE 0.6: below the drop threshold, stays
            [0.9, 0.05, 0.05],  # default ACTOR, NONE 0.9: dropped
            [0.1, 0.1, 0.8],  # default ACTOR the model calls PLACE: relabelled
            [0.2, 0.75, 0.05],  # new candidate, ACTOR 0.75: added
            [0.4, 0.55, 0.05],  # new candidate, ACTOR 0.55: below the add threshold
            [0.1, 0.85, 0.05],  # new candidate, but it duplicates a default ACTOR
        ]
    )
    dflt = np.array([1, 1, 1, 0, 0, 0])
    elig = np.array([[False] * 3] * 3 + [[False, True, True]] * 2 + [[False, False, True]])
    th = {"ACTOR": 0.7, "ACTOR:drop": 0.8, "PLACE:relabel": 0.7, "PLACE": NEVER}
    out, p = stack_decide(classes, th, probs, dflt, elig)
    assert out.tolist() == [1, 0, 2, 1, 0, 0]
    assert p[3] == pytest.approx(0.75)
    # with every threshold "never" the decision is the default suggestions
    never = {k: NEVER for k in th} | {"ACTOR:relabel": NEVER}
    assert stack_decide(classes, never, probs, dflt, elig)[0].tolist() == [1, 1, 1, 0, 0, 0]


def test_stacked_add_thresholds_are_tuned_for_f_and_stay_never_without_a_gain() -> None:
    classes = (NONE, "CLAIM")
    # four right default claims, one wrong that the model is sure of; two new candidates, the
    # likelier one right
    probs = np.array([[0.1, 0.9]] * 4 + [[0.97, 0.03], [0.2, 0.8], [0.7, 0.3]], dtype=np.float64)
    y = np.array([1, 1, 1, 1, 0, 1, 0])
    dflt = np.array([1, 1, 1, 1, 1, 0, 0])
    elig = np.array([[False, False]] * 5 + [[False, True]] * 2)
    th = tune_stacked(probs, y, dflt, elig, classes, {"CLAIM": 6})
    assert 0.3 < th["CLAIM"] <= 0.8 and th["CLAIM:drop"] < 0.97
    out, _ = stack_decide(classes, th, probs, dflt, elig)
    assert out.tolist() == [1, 1, 1, 1, 0, 1, 0]
    # when no added candidate helps, add and relabel stay "never" (the drop threshold is
    # 1 - F/2 of the default, here 0.5: see test_learning_drop.py)
    right = np.array([1, 1, 1, 1, 1, 0, 0])
    th = tune_stacked(probs, right, dflt, elig, classes, {"CLAIM": 5})
    assert th["CLAIM"] == th["CLAIM:relabel"] == NEVER
    assert th["CLAIM:drop"] == pytest.approx(0.5)


def test_choose_defaults_for_labels_the_comparison_does_not_vouch_for(tmp_path: Path) -> None:
    data = {"spans": {"ACTOR": {"use": "trained"}, "PLACE": {"use": "default"}, "TIME": {}}}
    assert choose(data, ["ACTOR", "PLACE", "TIME", "CLAIM"]) == {
        "ACTOR": "trained",
        "PLACE": "default",
        "TIME": "default",
        "CLAIM": "default",
    }
    bad = tmp_path / "comparison.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(ComparisonError, match="comparison.json:1: not valid JSON"):
        read_comparison(bad)


def _scores(tp: int, fp: int, fn: int) -> Evaluation:
    ev = Evaluation(match="overlap")
    ev.documents = 1
    ev.spans["ACTOR"] = LabelScore("ACTOR", tp, fp, fn)
    return ev


def test_trained_wins_a_label_only_when_better_across_documents() -> None:
    def run(pairs: list[tuple[Evaluation, Evaluation]]) -> str:
        total_d, total_t = Evaluation(match="overlap"), Evaluation(match="overlap")
        total_d.documents = total_t.documents = len(pairs)
        for attr in ("tp", "fp", "fn"):
            for ev, one in ((total_d, 0), (total_t, 1)):
                score = ev.spans.setdefault("ACTOR", LabelScore("ACTOR"))
                setattr(score, attr, sum(getattr(p[one].spans["ACTOR"], attr) for p in pairs))
        data = compare(total_d, total_t, total_d, total_t, ["ACTOR"], 4, pairs)
        return str(data["spans"]["ACTOR"]["use"])

    steady = [(_scores(5, 5, 5), _scores(8, 2, 2)) for _ in range(12)]
    assert run(steady) == "trained"
    assert run(steady[:8]) == "default"  # too few documents to prove anything
    # one document carries the whole gain: not enough
    lucky = [(_scores(5, 5, 5), _scores(5, 5, 5)) for _ in range(11)]
    lucky.append((_scores(0, 0, 40), _scores(40, 0, 0)))
    assert run(lucky) == "default"
    # better F bought with precision (more recall, more noise): the default stays
    noisy = [(_scores(5, 1, 9), _scores(8, 4, 6)) for _ in range(12)]
    assert run(noisy) == "default"
    data = compare(*(_total(noisy) * 2), ["ACTOR"], 4, noisy)
    assert data["spans"]["ACTOR"]["reason"] == "less precise"
    assert "(less precise)" in "\n".join(comparison_lines(data))


def _total(pairs: list[tuple[Evaluation, Evaluation]]) -> tuple[Evaluation, Evaluation]:
    total_d, total_t = Evaluation(match="overlap"), Evaluation(match="overlap")
    total_d.documents = total_t.documents = len(pairs)
    for ev, one in ((total_d, 0), (total_t, 1)):
        score = ev.spans.setdefault("ACTOR", LabelScore("ACTOR"))
        for attr in ("tp", "fp", "fn"):
            setattr(score, attr, sum(getattr(p[one].spans["ACTOR"], attr) for p in pairs))
    return total_d, total_t


# ---------------------------------------------------------------- train, compare, select


def test_train_then_preannotate_round_trip_prints_and_stores_the_comparison(
    project: Project, tmp_path: Path
) -> None:
    from annotator.cli.main import app

    outdir = tmp_path / "model"
    project.close()
    runner = CliRunner()
    result = runner.invoke(
        app,
        ["train", str(project.path), str(outdir), "--max-steps", "5", "--folds", "2"],
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "held-out comparison: 7 documents, 2-fold" in out
    for label in ("ACTOR", "PLACE", "TIME", "CLAIM", "EVENT"):
        assert any(line.split()[:1] == [label] for line in out.splitlines()), label
    assert "default P/R/F" in out and "trained P/R/F" in out and "claimant" in out
    saved = json.loads((outdir / COMPARISON_FILE).read_text(encoding="utf-8"))
    assert set(saved["spans"]) == {"ACTOR", "PLACE", "TIME", "CLAIM", "EVENT"}
    assert {row["use"] for row in saved["spans"].values()} == {"default"}  # 7 < 10 documents
    assert "fewer than 10 annotated documents" in out
    assert saved["documents"] == 7 and saved["folds"] == 2
    pre = runner.invoke(app, ["preannotate", str(project.path), "--model", str(outdir)])
    assert pre.exit_code == 0, pre.output
    assert "per label (trained model or default" in pre.output
    assert "held-out F" in pre.output
    with Project.open(project.path) as proj, proj.session() as s:
        assert sugg_repo.suggestion_counts(s).get("pending", 0) > 0
    ev = runner.invoke(
        app, ["evaluate", str(project.path), "--model", str(outdir), "--match", "overlap"]
    )
    assert ev.exit_code == 0 and "overlap match" in ev.output


def _ranges(proposal: Any, label: str) -> list[tuple[int, int]]:
    return sorted((s.start, s.end) for s in proposal.spans if s.label == label)


def _scored(proposal: Any, label: str) -> list[tuple[int, int, float]]:
    """The label's spans with their scores: the classifier scores what it decides."""
    return sorted(
        (s.start, s.end, proposal.scores.get(s.id, 1.0)) for s in proposal.spans if s.label == label
    )


def test_a_label_the_comparison_gives_to_the_default_gets_default_suggestions(
    project: Project, tmp_path: Path, nlp_sm: Any
) -> None:
    from annotator.suggest.propose import propose

    outdir = tmp_path / "model"
    train_model(project, outdir, max_steps=40, folds=2)
    path = outdir / COMPARISON_FILE
    data = json.loads(path.read_text(encoding="utf-8"))
    for label, row in data["spans"].items():
        row["use"] = "default" if label == "ACTOR" else "trained"
    path.write_text(json.dumps(data), encoding="utf-8")
    model = load_model(outdir)
    assert model.use["ACTOR"] == "default" and model.use["PLACE"] == "trained"
    texts = [(text, i) for i, (text, _) in enumerate(TEXTS + MORE)]
    default = dict(propose(texts, nlp_sm, project.scheme))
    learned = dict(
        propose(texts, nlp_sm, project.scheme, suggester=model.suggester(nlp_sm, project.scheme))
    )
    for i in default:
        assert _scored(learned[i], "ACTOR") == _scored(default[i], "ACTOR")
    # with "trained" for ACTOR too, the classifier decides (and scores) the ACTORs
    model.use["ACTOR"] = "trained"
    trained = dict(
        propose(texts, nlp_sm, project.scheme, suggester=model.suggester(nlp_sm, project.scheme))
    )
    assert any(_scored(trained[i], "ACTOR") != _scored(default[i], "ACTOR") for i in default)
    report = preannotate_project(project, model=str(outdir))
    assert any(line.split()[:2] == ["ACTOR", "default"] for line in report.choices)
    assert "+learned_" in report.model


def test_cancelled_training_writes_nothing(project: Project, tmp_path: Path) -> None:
    outdir = tmp_path / "model"
    with pytest.raises(Cancelled):
        token = CancelToken()
        token.cancel()
        train_model(project, outdir, max_steps=5, folds=2, progress=token)
    assert not outdir.exists()
    seen: list[tuple[int, int]] = []
    watch = CancelToken(lambda d, t: seen.append((d, t)))
    train_model(project, outdir, max_steps=5, folds=2, progress=watch)
    assert seen[-1][0] == seen[-1][1] and len(seen) > 7
    assert comparison_lines(read_comparison(outdir / COMPARISON_FILE))[0].startswith("held-out")


# ---------------------------------------------------------------- uncertainty order


def test_worklist_orders_open_documents_by_uncertainty(project: Project, tmp_path: Path) -> None:
    from annotator.cli.main import app
    from annotator.suggest.ordering import annotator_queue

    outdir = tmp_path / "model"
    train_model(project, outdir, max_steps=20, folds=2)
    with project.session() as s:
        docs = doc_repo.get_documents(s)
        ann = ann_repo.ensure_annotator(s, "ann")
        ann_repo.add_assignments(s, [{"document_id": d.id, "annotator_id": ann} for d in docs])
        ann_repo.set_assignment(s, docs[0].id, ann, status="done")
    default = annotator_queue(project, "ann")
    assert [e.document_id for e in default] == sorted(d.id for d in docs[1:])
    ordered = annotator_queue(project, "ann", "uncertainty", str(outdir))
    assert {e.document_id for e in ordered} == {e.document_id for e in default}
    values = [e.uncertainty for e in ordered]
    assert all(v is not None for v in values)
    assert values == sorted(values, reverse=True)  # type: ignore[type-var]
    project.close()
    runner = CliRunner()
    out = runner.invoke(
        app,
        ["worklist", str(project.path), "--annotator", "ann", "--order", "uncertainty"],
    )
    assert out.exit_code == 1 and "needs a trained model" in out.output
    out = runner.invoke(
        app,
        [
            "worklist",
            str(project.path),
            "--annotator",
            "ann",
            "--order",
            "uncertainty",
            "--model",
            str(outdir),
            "--json",
        ],
    )
    assert out.exit_code == 0, out.output
    listed = json.loads(out.output)
    assert [row["id"] for row in listed] == [e.document_id for e in ordered]


def test_preannotate_with_a_registered_actor_and_model_keeps_the_link(
    project: Project, tmp_path: Path
) -> None:
    outdir = tmp_path / "model"
    train_model(project, outdir, max_steps=20, folds=2)
    with project.session() as s:
        eid = services.ensure_entity(s, "Maria Lopez", "person", user="tester")
        services.add_alias(s, eid, "Lopez", "tester")
    preannotate_project(project, model=str(outdir))
    with project.session() as s:
        assert any(g.entity_id is not None for g in sugg_repo.suggestions_of(s, state="pending"))


def test_a_new_actor_span_takes_the_type_of_the_default_one_it_contains(scheme: Any) -> None:
    from annotator.suggest.correction.assembly import assemble
    from annotator.suggest.propose import Proposal

    text = "U.S. President Donald Trump spoke."
    base = Proposal((SpanData("p1", 15, 27, "ACTOR", {"type": "person"}),), (), {"p1": 0.8})
    chunk = Candidate("entity", 0, 27, 3, ["chunk"], np.zeros(0, dtype="float32"))
    out = assemble(base, [(chunk, "ACTOR", 0.9)], {"ACTOR"}, scheme)
    new = [s for s in out.spans if text[s.start : s.end] == "U.S. President Donald Trump"]
    assert new and new[0].attrs == {"type": "person"}
    kept = [s for s in out.spans if s.id == "p1"]
    assert not kept  # not picked and not needed by a relation: only the picked span remains


def test_document_uncertainty_is_per_decision_and_per_length() -> None:
    from annotator.suggest.correction import Analysed, LearnedModel, Softmax
    from annotator.suggest.ordering import decision_uncertainty
    from annotator.suggest.propose import Proposal

    w = np.array([[0.0, 0.0], [-6.0, 6.0], [6.0, -6.0]])  # bias, "yes", "no"
    clf = Softmax(
        (NONE, "CLAIM"),
        {"bias": 0, "yes": 1, "no": 2},
        w,
        np.zeros((0, 2)),
        np.zeros(2),
        np.zeros(0),
        np.zeros(0),
        {"CLAIM": 0.5},
    )
    model = LearnedModel("base", {"claim": clf})

    def doc(*feats: str, default: str | None = None) -> Analysed:
        cands = [
            Candidate("claim", 0, 1, 0, ["bias", f], np.zeros(0, dtype="float32"), default)
            for f in feats
        ]
        return Analysed(Proposal((), (), {}), cands)

    sure, unsure = doc("yes", "no"), doc("yes", "maybe")
    assert decision_uncertainty(model, unsure, 1000) > 0.99  # one coin flip in 1,000 chars
    assert decision_uncertainty(model, sure, 1000) < 0.05
    # the same decisions in a text four times as long: a quarter of the uncertainty
    long = decision_uncertainty(model, unsure, 4000)
    assert long == pytest.approx(decision_uncertainty(model, unsure, 1000) / 4)
    margin = decision_uncertainty(model, unsure, 1000, "margin")
    assert 0.99 < margin < 1.1
    # disagreement: the model drops a default CLAIM ("no") and keeps another ("yes")
    assert decision_uncertainty(model, doc("no", "yes", default="CLAIM"), 1000, "disagreement") == 1
    with pytest.raises(ValidationError, match="unknown uncertainty"):
        decision_uncertainty(model, sure, 1000, "vibes")


def test_document_features_say_how_the_default_labels_the_same_head_elsewhere() -> None:
    from annotator.suggest.correction import document_features

    def cand(head: str, default: str | None = None, group: str = "entity") -> Candidate:
        return Candidate(group, 0, 1, 0, [f"hl={head}"], np.zeros(0, dtype="float32"), default)

    panama_actor, panama_place = cand("panama", "ACTOR"), cand("panama", "PLACE")
    panama_chunk, police = cand("panama"), cand("police", "ACTOR")
    said = cand("say", "CLAIM", "claim")
    said_again = cand("say", None, "claim")
    document_features([panama_actor, panama_place, panama_chunk, police, said, said_again])
    assert "doc=PLACE" in panama_actor.feats and "doc=ACTOR" not in panama_actor.feats
    assert {"doc=ACTOR", "doc=PLACE"} <= set(panama_chunk.feats)
    assert not [f for f in police.feats if f.startswith("doc=")]  # only itself
    assert not [f for f in said_again.feats if f.startswith("doc=")]  # claims: not used


def test_near_copies_of_a_found_span_are_taught_as_right_and_counted_once() -> None:
    from annotator.suggest.correction import targets_and_gold
    from annotator.suggest.propose import Proposal

    # "just a few stray photographers": the gold span; the default has nothing there
    cands = [
        _cand(0, 30, 4),  # "just a few stray photographers": matched to the gold span
        _cand(5, 30, 4),  # "a few stray photographers": a near-copy (IoU 0.83)
        _cand(17, 30, 4),  # "photographers": overlaps it, IoU 0.43: not learned from
        _cand(40, 50, 8),  # elsewhere: wrong
    ]
    gold = [SpanData("g0", 60, 70, "PLACE"), SpanData("g1", 0, 30, "ACTOR")]
    ys, found = targets_and_gold(Analysed(Proposal((), (), {}), cands), gold)
    assert ys == ["ACTOR", "ACTOR", None, NONE]
    assert found == [1, 1, -1, -1]
    assert targets(Analysed(Proposal((), (), {}), cands), gold) == ys

    # tuning counts the two copies as one found span: with one right default and two gold
    # spans, adding the copies (and two wrong candidates likelier than them) gains nothing
    classes = (NONE, "ACTOR")
    probs = np.array([[0.1, 0.9], [0.4, 0.6], [0.4, 0.6], [0.2, 0.8], [0.2, 0.8]])
    y = np.array([1, 1, 1, 0, 0])
    dflt = np.array([1, 0, 0, 0, 0])
    elig = np.array([[False, False]] + [[False, True]] * 4)
    gold_n = {"ACTOR": 2}
    counted_twice = tune_stacked(probs, y, dflt, elig, classes, gold_n)
    assert counted_twice["ACTOR"] <= 0.6  # F 0.86 if both copies counted
    once = tune_stacked(probs, y, dflt, elig, classes, gold_n, np.array([-1, 7, 7, -1, -1]))
    assert once["ACTOR"] == NEVER  # F 0.67 either way: the default stays


def test_worklist_measure_chooses_the_uncertainty_of_the_order(
    project: Project, tmp_path: Path
) -> None:
    from annotator.cli.main import app
    from annotator.suggest.ordering import APP_SCORE, annotator_queue, document_uncertainty

    outdir = tmp_path / "model"
    train_model(project, outdir, max_steps=20, folds=2)
    with project.session() as s:
        docs = doc_repo.get_documents(s)
        ann = ann_repo.ensure_annotator(s, "ann")
        ann_repo.add_assignments(s, [{"document_id": d.id, "annotator_id": ann} for d in docs])
    ids = [d.id for d in docs]
    by_app = annotator_queue(project, "ann", "uncertainty", str(outdir))
    same = annotator_queue(project, "ann", "uncertainty", str(outdir), measure=APP_SCORE)
    assert by_app == same  # the default measure is the app's
    margin = annotator_queue(project, "ann", "uncertainty", str(outdir), measure="margin")
    expected = document_uncertainty(project, str(outdir), ids, measure="margin")
    assert {e.document_id: e.uncertainty for e in margin} == expected
    assert [e.uncertainty for e in margin] == sorted(expected.values(), reverse=True)
    with pytest.raises(ValidationError, match="unknown uncertainty measure 'nope'"):
        annotator_queue(project, "ann", "uncertainty", str(outdir), measure="nope")
    with pytest.raises(ValidationError, match="needs uncertainty order"):
        annotator_queue(project, "ann", measure="margin")
    project.close()
    runner = CliRunner()
    base = ["worklist", str(project.path), "--annotator", "ann"]
    out = runner.invoke(
        app, [*base, "--order", "uncertainty", "--model", str(outdir), "--measure", "margin"]
    )
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[-1] == f"{len(ids)} documents, uncertainty order (margin)"
    header, *rows = out.output.splitlines()[:-1]
    assert header == "document\tstatus\tuncertainty (margin)\ttitle"
    listed = [line.split("\t")[2] for line in rows]
    assert listed == [f"{e.uncertainty:.3f}" for e in margin]
    out = runner.invoke(app, [*base, "--measure", "margin"])
    assert out.exit_code == 1 and "needs uncertainty order" in out.output
    assert len(out.output.strip().splitlines()) == 1
