"""Writes to gold by the reviewer follow the editing rules and are logged as the reviewer's."""

from __future__ import annotations

from collections.abc import Callable

from team_helpers import TEXTS, doc, offsets, span

from annotator.layers import load_layer
from annotator.project import Project
from annotator.team import adjudication as adj
from annotator.team.review_queue import queue
from annotator.team.unanimous import accept_unanimous
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import spans as span_repo

T = TEXTS[0]


def _span_row(doc_id: int, ann_id: int, word: str, label: str, **attrs: str) -> dict[str, object]:
    start, end = offsets(T, word)
    return {
        "document_id": doc_id,
        "annotator_id": ann_id,
        "start": start,
        "end": end,
        "label": label,
        "attrs": attrs,
    }


def _both_mark_what_the_scheme_forbids(project: Project) -> None:
    """alice and bob agree on spans and a relation that break the scheme (written past the
    rules, as an older scheme or a foreign tool could have left them)."""
    with project.session() as s:
        d0 = doc_repo.external_ids(s)["doc-0"]
        for name in ("alice", "bob"):
            ann = ann_repo.ensure_annotator(s, name)
            ids = span_repo.insert_spans(
                s,
                [
                    _span_row(d0, ann, "Monday", "BOGUS"),
                    _span_row(d0, ann, "officials", "ACTOR", type="alien"),
                    _span_row(d0, ann, "Khalifa Haftar", "ACTOR", type="person"),
                    _span_row(d0, ann, "said", "CLAIM", form="reported"),
                ],
            )
            # claimant goes from a CLAIM to an ACTOR; this one runs backwards
            span_repo.insert_relations(
                s, [{"head_id": ids[2], "tail_id": ids[3], "label": "claimant"}]
            )


def test_accept_unanimous_writes_only_what_the_rules_allow_and_reports_the_rest(
    make_project: Callable[..., Project],
) -> None:
    tripoli = span(T, "Tripoli", "PLACE", "p")
    p = make_project(n_docs=1, layers={"alice": [doc(0, [tripoli])], "bob": [doc(0, [tripoli])]})
    _both_mark_what_the_scheme_forbids(p)
    with p.session() as s:
        result = accept_unanimous(s, p.scheme, None, "rita")
    with p.session() as s:
        (gold,) = load_layer(s, "gold")
    assert sorted(sp.label for sp in gold.spans) == ["ACTOR", "CLAIM", "PLACE"]
    assert [sp.attrs for sp in gold.spans if sp.label == "ACTOR"] == [{"type": "person"}]
    assert gold.relations == ()
    assert result.counts["spans_added"] == 3
    assert result.counts["spans_skipped"] == 2 and result.counts["relations_skipped"] == 1
    assert len(result.problems) == 3
    assert any("doc-0" in m and "unknown label 'BOGUS'" in m for m in result.problems)
    assert any("'alien' is not a value of ACTOR.type" in m for m in result.problems)
    assert any("relation 'claimant' cannot start at a ACTOR span" in m for m in result.problems)


def test_accept_unanimous_logs_each_gold_change_as_the_reviewer(
    make_project: Callable[..., Project],
) -> None:
    haftar = span(T, "Khalifa Haftar", "ACTOR", "a", type="person")
    said = span(T, "said", "CLAIM", "c", form="reported")
    layer = [doc(0, [haftar, said], [])]
    p = make_project(n_docs=1, layers={"alice": layer, "bob": layer})
    with p.session() as s:
        d0 = doc_repo.external_ids(s)["doc-0"]
        ids = {sp.label: sp.id for sp in span_repo.spans_of(s, annotator="alice")}
        span_repo.insert_relations(
            s, [{"head_id": ids["CLAIM"], "tail_id": ids["ACTOR"], "label": "claimant"}]
        )
        ids = {sp.label: sp.id for sp in span_repo.spans_of(s, annotator="bob")}
        span_repo.insert_relations(
            s, [{"head_id": ids["CLAIM"], "tail_id": ids["ACTOR"], "label": "claimant"}]
        )
        before = len(event_repo.events(s))
    with p.session() as s:
        result = accept_unanimous(s, p.scheme, None, "rita")
    with p.session() as s:
        new = event_repo.events(s)[before:]
        gold_ids = {sp.id for sp in span_repo.spans_of(s, annotator="gold")}
    assert {e.actor for e in new} == {"rita"}
    added = [e for e in new if e.action == "span.add"]
    assert (
        {e.target for e in added}
        == {f"span:{i}" for i in gold_ids}
        == {f"span:{i}" for i in result.created_spans}
    )
    assert all(e.document_id == d0 for e in added)
    assert [e.target for e in new if e.action == "relation.add"] == [
        f"relation:{i}" for i in result.created_relations
    ]


def test_a_decision_logs_the_reviewer_not_the_gold_layer(
    make_project: Callable[..., Project],
) -> None:
    haftar = span(T, "Khalifa Haftar", "ACTOR", "a", type="person")
    p = make_project(n_docs=1, layers={"alice": [doc(0, [haftar])], "bob": [doc(0, [])]})
    with p.session() as s:
        ann_repo.set_assignment(
            s, doc_repo.external_ids(s)["doc-0"], ann_repo.ensure_annotator(s, "bob"), "done"
        )
    with p.session() as s:
        (item,) = [q.item for q in queue(s)]
        before = len(event_repo.events(s))
        decision = adj.decide(s, p.scheme, item, "alice", "rita")
    with p.session() as s:
        new = event_repo.events(s)[before:]
    assert decision.created_spans
    assert [(e.actor, e.action) for e in new] == [("rita", "span.add"), ("rita", "adjudicate")]
