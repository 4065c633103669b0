"""Disagreements on hand-made layers, decisions, undo, unanimous acceptance, re-merge."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from team_helpers import TEXTS, doc, offsets, span

from annotator import services
from annotator.errors import StaleItem
from annotator.layers import load_layer
from annotator.project import Project
from annotator.team import adjudication as adj
from annotator.team.disagreements import KINDS, Disagreement, disagreements
from annotator.team.review_queue import QueueItem, queue
from annotator.team.unanimous import accept_unanimous
from annotator.team.workfile import merge, package
from annotator.values import DocData, RelationData, SpanData
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import spans as span_repo

T = TEXTS[0]


def _alice() -> DocData:
    return doc(
        0,
        [
            span(T, "Khalifa Haftar", "ACTOR", "s1", type="person"),
            span(T, "said", "CLAIM", "s2", form="reported"),
            span(T, "attacked", "EVENT", "s3", type="attack"),
            span(T, "Tripoli", "PLACE", "s4"),
            span(T, "Monday", "TIME", "s5"),
            span(T, "officials", "ACTOR", "s6", type="government"),
        ],
        [RelationData("r1", "claimant", "s2", "s1")],
    )


def _bob() -> DocData:
    s, e = offsets(T, "on Monday")
    return doc(
        0,
        [
            span(T, "Khalifa Haftar", "ACTOR", "s1", type="person"),
            span(T, "said", "CLAIM", "s2", form="reported"),
            span(T, "attacked", "PLACE", "s3"),
            SpanData("s5", s, e, "TIME"),
            span(T, "officials", "ACTOR", "s6"),
        ],
    )


def _by_kind(items: list[Disagreement]) -> dict[str, Disagreement]:
    out = {d.kind: d for d in items}
    assert len(out) == len(items), [d.key for d in items]
    return out


def test_each_kind_of_disagreement_on_hand_made_layers() -> None:
    items = disagreements({7: {"alice": _alice(), "bob": _bob()}})
    kinds = _by_kind(items)
    assert set(kinds) == set(KINDS)
    s, e = offsets(T, "attacked")
    label = kinds["label"]
    assert label.key == f"7:label:{s}-{e}"
    assert [v.label for v in label.versions["alice"]] == ["EVENT"]
    assert [v.label for v in label.versions["bob"]] == ["PLACE"]
    missing = kinds["missing"]
    assert (missing.start, missing.end) == offsets(T, "Tripoli")
    assert missing.versions["bob"] == () and len(missing.versions["alice"]) == 1
    bounds = kinds["boundaries"]
    assert (bounds.start, bounds.end) == (offsets(T, "on Monday")[0], offsets(T, "Monday")[1])
    assert {a: [(v.start, v.end) for v in vs] for a, vs in bounds.versions.items()} == {
        "alice": [offsets(T, "Monday")],
        "bob": [offsets(T, "on Monday")],
    }
    attr = kinds["attribute"]
    assert (attr.attribute, dict(attr.versions)) == ("type", {"alice": "government", "bob": None})
    assert attr.unanimous  # only alice filled it in
    rel = kinds["relation"]
    assert rel.versions == {"alice": ("claimant",), "bob": ()}
    assert rel.head == (*offsets(T, "said"), "CLAIM") and not rel.unanimous
    assert not any(d.unanimous for d in items if d.kind != "attribute")


def test_agreement_single_layers_and_gold_are_not_disagreements() -> None:
    a = _alice()
    assert disagreements({1: {"alice": a, "bob": a}}) == []
    assert disagreements({1: {"alice": a}}) == []
    assert disagreements({1: {"alice": a, "gold": _bob()}}) == []


def test_keys_are_stable_and_inputs_track_versions() -> None:
    first = {d.key: d for d in disagreements({3: {"alice": _alice(), "bob": _bob()}})}
    again = {d.key: d for d in disagreements({3: {"bob": _bob(), "alice": _alice()}})}
    assert {k: d.inputs for k, d in first.items()} == {k: d.inputs for k, d in again.items()}
    bob = _bob()
    changed_spans = tuple(
        sp if sp.id != "s6" else SpanData("s6", sp.start, sp.end, "ACTOR", {"type": "party"})
        for sp in bob.spans
    )
    bob2 = DocData(bob.id, bob.text, bob.meta, changed_spans, bob.relations)
    third = {d.key: d for d in disagreements({3: {"alice": _alice(), "bob": bob2}})}
    assert set(third) == set(first)
    diff = [k for k in first if first[k].inputs != third[k].inputs]
    assert len(diff) == 1 and ":attribute:" in diff[0]
    assert not third[diff[0]].unanimous


def test_three_annotators_missing_and_gold_value() -> None:
    a = _alice()
    c = DocData(
        a.id, a.text, a.meta, tuple(sp for sp in a.spans if sp.label != "PLACE"), a.relations
    )
    gold = DocData(a.id, a.text, a.meta, tuple(sp for sp in a.spans if sp.label == "PLACE"))
    items = disagreements({1: {"alice": a, "bob": a, "carol": c}}, {1: gold})
    [item] = items
    assert item.kind == "missing" and item.versions["carol"] == ()
    assert [v.label for v in item.gold] == ["PLACE"]


# ---------------------------------------------------------------- with a project


@pytest.fixture
def review_project(make_project: Callable[..., Project]) -> Project:
    return make_project(n_docs=3, layers={"alice": [_alice()], "bob": [_bob()]})


def _gold(project: Project) -> set[tuple[object, ...]]:
    with project.session() as s:
        docs = load_layer(s, "gold")
    out: set[tuple[object, ...]] = set()
    for d in docs:
        key = {sp.id: (sp.start, sp.end, sp.label) for sp in d.spans}
        out |= {(sp.start, sp.end, sp.label, tuple(sorted(sp.attrs.items()))) for sp in d.spans}
        out |= {(r.label, key[r.head], key[r.tail]) for r in d.relations}
    return out


def _queue(project: Project, **kw: object) -> dict[str, QueueItem]:
    with project.session() as s:
        return {q.item.key: q for q in queue(s, **kw)}  # type: ignore[arg-type]


def test_decide_accept_reject_and_undo(review_project: Project) -> None:
    p = review_project
    q = _queue(p)
    assert len(q) == 5 and {x.state for x in q.values()} == {"open"}
    label = next(x.item for x in q.values() if x.item.kind == "label")
    missing = next(x.item for x in q.values() if x.item.kind == "missing")
    with p.session() as s:
        accepted = adj.decide(s, p.scheme, label, "alice", "rita")
        rejected = adj.decide(s, p.scheme, missing, adj.REJECT, "rita")
    s_, e_ = offsets(T, "attacked")
    assert _gold(p) == {(s_, e_, "EVENT", (("type", "attack"),))}
    left = _queue(p)
    assert label.key not in left and missing.key not in left and len(left) == 3
    decided = _queue(p, include_decided=True)
    assert decided[label.key].state == "decided"
    assert decided[label.key].decision is not None
    assert (decided[label.key].decision.reviewer, decided[label.key].decision.choice) == (
        "rita",
        "alice",
    )
    with p.session() as s:
        log = event_repo.events(s, action="adjudicate")
    assert [e.after["choice"] for e in log if e.after] == ["alice", "reject"]
    with p.session() as s:
        adj.undo(s, accepted, "rita")
    assert _gold(p) == set()
    back = _queue(p)
    assert back[label.key].state == "open" and missing.key not in back
    with p.session() as s:
        adj.undo(s, rejected, "rita")
    assert len(_queue(p)) == 5


def test_spans_copied_into_gold_are_logged_under_the_reviewer(review_project: Project) -> None:
    p = review_project
    label = next(x.item for x in _queue(p).values() if x.item.kind == "label")
    with p.session() as s:
        adj.decide(s, p.scheme, label, "alice", "rita")
        added = event_repo.events(s, action="span.add")
    gold_adds = [e for e in added if e.after and str(e.after.get("origin", "")).startswith("adj")]
    assert gold_adds, added
    assert {e.actor for e in gold_adds} == {"rita"}


def test_decide_relation_brings_its_spans_and_stale_items_are_refused(
    review_project: Project,
) -> None:
    p = review_project
    rel = next(x.item for x in _queue(p).values() if x.item.kind == "relation")
    with p.session() as s:
        adj.decide(s, p.scheme, rel, "alice", "rita")
    said, haftar = (*offsets(T, "said"), "CLAIM"), (*offsets(T, "Khalifa Haftar"), "ACTOR")
    assert ("claimant", said, haftar) in _gold(p)
    attr = next(x.item for x in _queue(p).values() if x.item.kind == "attribute")
    with p.session() as s:  # bob fills the attribute in after the queue was built
        bob = next(
            sp
            for sp in span_repo.spans_of(s, annotator="bob")
            if sp.attrs == {} and sp.label == "ACTOR"
        )
        services.update_span(s, p.scheme, bob.id, "bob", attrs={"type": "party"})
    with p.session() as s, pytest.raises(StaleItem):
        adj.decide(s, p.scheme, attr, "alice", "rita")
    with p.session() as s, pytest.raises(Exception, match="not a version"):
        adj.decide(s, p.scheme, rel, "zoe", "rita")


def test_accept_unanimous_for_a_document_and_the_corpus(
    make_project: Callable[..., Project],
) -> None:
    p = make_project(
        n_docs=3,
        layers={
            "alice": [_alice(), doc(1, [span(TEXTS[1], "Tripoli", "PLACE", "x")])],
            "bob": [_bob(), doc(1, [span(TEXTS[1], "Tripoli", "PLACE", "x")])],
        },
    )
    with p.session() as s:
        d1 = doc_repo.external_ids(s)["doc-1"]
        one = accept_unanimous(s, p.scheme, [d1], "rita")
    assert one.counts["spans_added"] == 1 and len(_gold(p)) == 1
    with p.session() as s:
        corpus = accept_unanimous(s, p.scheme, None, "rita")
    # doc-0: Haftar, said, officials (attribute filled in by alice alone)
    assert corpus.counts["spans_added"] == 3 and corpus.counts["items_settled"] == 1
    officials = (*offsets(T, "officials"), "ACTOR", (("type", "government"),))
    assert officials in _gold(p)
    assert not any(x.item.kind == "attribute" for x in _queue(p).values())
    with p.session() as s:
        assert accept_unanimous(s, p.scheme, None, "rita").counts["spans_added"] == 0
        adj.undo(s, corpus, "rita")
    assert len(_gold(p)) == 1
    assert any(x.item.kind == "attribute" for x in _queue(p).values())


def test_remerge_keeps_unchanged_decisions_and_flags_changed_items(
    review_project: Project, tmp_path: Path
) -> None:
    p = review_project
    with p.session() as s:
        for name in ("alice", "bob"):
            for a in ann_repo.assignments(s, annotator=name):
                services.set_status(s, a.document_id, name, "done")
    out = tmp_path / "bob.annwork"
    package(p, "bob", out)
    q = _queue(p)
    label = next(x.item for x in q.values() if x.item.kind == "label")
    attr = next(x.item for x in q.values() if x.item.kind == "attribute")
    with p.session() as s:
        adj.decide(s, p.scheme, label, "alice", "rita")
        adj.decide(s, p.scheme, attr, "alice", "rita")
    assert label.key not in _queue(p) and attr.key not in _queue(p)
    with Project.open(out) as work, work.session() as w:
        bob = next(
            sp
            for sp in span_repo.spans_of(w, annotator="bob")
            if sp.label == "ACTOR" and sp.attrs == {}
        )
        services.update_span(w, work.scheme, bob.id, "bob", attrs={"type": "party"})
    [report] = merge(p, [out])
    assert report.total("changed") == 1
    after = _queue(p)
    assert label.key not in after  # inputs unchanged: stays decided
    assert after[attr.key].state == "changed"  # inputs changed: flagged again
    assert after[attr.key].item.versions["bob"] == "party"
    merge(p, [out])  # merging again changes nothing, and the flags stay as they are
    assert {k: v.state for k, v in _queue(p).items()} == {k: v.state for k, v in after.items()}


def test_change_of_mind_on_boundaries_and_keep(review_project: Project) -> None:
    p = review_project
    bounds = next(x.item for x in _queue(p).values() if x.item.kind == "boundaries")
    with p.session() as s:
        adj.decide(s, p.scheme, bounds, "bob", "rita")
    on_monday = (*offsets(T, "on Monday"), "TIME", ())
    monday = (*offsets(T, "Monday"), "TIME", ())
    assert _gold(p) == {on_monday}
    again = _queue(p, include_decided=True)[bounds.key]
    assert again.state == "decided"
    with p.session() as s:
        second = adj.decide(s, p.scheme, again.item, "alice", "rita")
    assert _gold(p) == {monday}
    with p.session() as s:
        adj.undo(s, second, "rita")
    assert _gold(p) == {on_monday}
    assert _queue(p, include_decided=True)[bounds.key].decision.choice == "bob"  # type: ignore[union-attr]
    missing = next(x.item for x in _queue(p).values() if x.item.kind == "missing")
    with p.session() as s:
        adj.decide(s, p.scheme, missing, adj.KEEP, "rita")
    assert missing.key not in _queue(p) and _gold(p) == {on_monday}


def test_accepting_a_span_brings_its_relations_to_gold_spans(
    make_project: Callable[..., Project],
) -> None:
    alice = doc(
        0,
        [
            span(T, "Khalifa Haftar", "ACTOR", "a", type="person"),
            span(T, "said", "CLAIM", "c", form="reported"),
        ],
        [RelationData("r", "claimant", "c", "a")],
    )
    bob = doc(0, [span(T, "Khalifa Haftar", "ACTOR", "a", type="person")])
    p = make_project(n_docs=1, layers={"alice": [alice], "bob": [bob]})
    with p.session() as s:
        accept_unanimous(s, p.scheme, None, "rita")
    [item] = [q.item for q in _queue(p).values()]
    assert item.kind == "missing" and item.label == "CLAIM"
    with p.session() as s:
        decision = adj.decide(s, p.scheme, item, "alice", "rita")
    said, haftar = (*offsets(T, "said"), "CLAIM"), (*offsets(T, "Khalifa Haftar"), "ACTOR")
    assert ("claimant", said, haftar) in _gold(p)
    assert len(decision.created_spans) == 1 and len(decision.created_relations) == 1
    with p.session() as s:
        adj.undo(s, decision, "rita")
    assert _gold(p) == {(*haftar, (("type", "person"),))}
