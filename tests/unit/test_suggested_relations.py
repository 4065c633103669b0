"""Suggested claimants and roles in the services: which suggested relations an annotator sees,
what accepting a claim or an event brings with it, and that undo puts back exactly what was."""

from __future__ import annotations

from typing import Any

import pytest

from annotator import services
from annotator.project import Project
from annotator.transfer.importing import import_documents
from annotator.values import DocData, RelationData, SpanData
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo

TEXT = "Khalifa Haftar said his forces attacked the airport in Tripoli on Monday."
USER = "tester"


def _at(needle: str) -> tuple[int, int]:
    start = TEXT.index(needle)
    return start, start + len(needle)


ITEMS = {
    "c": ("his forces attacked the airport in Tripoli", "CLAIM"),
    "k": ("Khalifa Haftar", "ACTOR"),
    "e": ("attacked", "EVENT"),
    "a": ("his forces", "ACTOR"),
    "p": ("Tripoli", "PLACE"),
}


@pytest.fixture
def proj(any_project: Any) -> tuple[Project, int, dict[str, int], dict[str, int]]:
    """A project with one document and suggestions: a claim with its claimant and an event
    with agent and place; returns the suggestion ids and suggested relation ids by name. On
    each engine in turn."""
    project = any_project
    import_documents(project, [DocData("d1", TEXT, {"title": "t"})], layer=USER, origin="test")
    spans = [SpanData(sid, *_at(needle), label, {}) for sid, (needle, label) in ITEMS.items()]
    rels = [
        RelationData("claimant", "claimant", "c", "k"),
        RelationData("about", "about", "c", "e"),
        RelationData("agent", "agent", "e", "a"),
        RelationData("place", "place", "e", "p"),
    ]
    names = {(*_at(needle), label): sid for sid, (needle, label) in ITEMS.items()}
    with project.session() as s:
        doc_id = doc_repo.external_ids(s)["d1"]
        services.add_suggestions(s, doc_id, spans, rels, model="m")
        suggs = {
            names[(g.start, g.end, g.label)]: g.id
            for g in sugg_repo.suggestions_of(s, document_id=doc_id)
        }
        links = {
            r.label: r.id for r in sugg_repo.suggestion_relations_of_document(s, doc_id, state=None)
        }
    return project, doc_id, suggs, links


def _layer(
    project: Project, doc_id: int
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    with project.session() as s:
        spans = {sp.id: sp for sp in span_repo.spans_of(s, document_id=doc_id, annotator=USER)}
        rels = span_repo.relations_of(s, document_id=doc_id, annotator=USER)
    text = {i: TEXT[sp.start : sp.end] for i, sp in spans.items()}
    return (
        sorted((sp.label, text[i]) for i, sp in spans.items()),
        sorted((r.label, text[r.head_id], text[r.tail_id]) for r in rels),
    )


def _seen(project: Project, doc_id: int) -> list[str]:
    with project.session() as s:
        return sorted(link.label for link in services.suggested_links(s, doc_id, USER))


def test_accepting_a_claim_brings_its_arguments_one_level(proj: Any) -> None:
    project, doc_id, suggs, _links = proj
    with project.session() as s:
        acc = services.accept_suggestions(s, project.scheme, [suggs["c"]], USER)
    spans, rels = _layer(project, doc_id)
    # the claimant and the event it is about come along; the event's own roles do not
    assert [lab for lab, _t in spans] == ["ACTOR", "CLAIM", "EVENT"]
    assert [r[0] for r in rels] == ["about", "claimant"]
    assert set(acc.created) == {suggs["c"], suggs["k"], suggs["e"]}
    # they stay suggested, now from the event span to the pending suggestions
    assert _seen(project, doc_id) == ["agent", "place"]
    with project.session() as s:
        (agent,) = [x for x in services.suggested_links(s, doc_id, USER) if x.label == "agent"]
    assert agent.head_span == acc.created[suggs["e"]] and agent.tail_span is None


def test_without_arguments_a_link_waits_for_its_other_end(proj: Any) -> None:
    project, doc_id, suggs, _links = proj
    with project.session() as s:
        services.accept_suggestions(s, project.scheme, [suggs["k"]], USER, with_arguments=False)
        services.accept_suggestions(s, project.scheme, [suggs["c"]], USER, with_arguments=False)
    # the claimant accepted first is linked when its claim follows (its other end is a span)
    assert _layer(project, doc_id)[1] == [("claimant", ITEMS["c"][0], "Khalifa Haftar")]
    assert _seen(project, doc_id) == ["about", "agent", "place"]


def test_undo_of_an_accept_keeps_the_annotators_own_span(proj: Any) -> None:
    project, doc_id, suggs, _links = proj
    with project.session() as s:
        own = services.add_span(s, project.scheme, doc_id, USER, *_at("Khalifa Haftar"), "ACTOR")
        # the suggested actor is hidden now (it repeats her span); the claimant points at it
        seen = {x.label: x for x in services.suggested_links(s, doc_id, USER)}
        assert seen["claimant"].tail_span == own.id
        acc = services.accept_suggestions(s, project.scheme, [suggs["c"]], USER)
        assert suggs["k"] not in acc.created
    assert ("claimant", ITEMS["c"][0], "Khalifa Haftar") in _layer(project, doc_id)[1]
    with project.session() as s:
        services.reset_suggestions(
            s,
            [*acc.created, *acc.reused],
            list(acc.created.values()),
            USER,
            link_ids=acc.links,
            relation_ids=list(acc.new_relations.values()),
        )
    assert _layer(project, doc_id) == ([("ACTOR", "Khalifa Haftar")], [])
    assert _seen(project, doc_id) == ["about", "agent", "claimant", "place"]


def test_a_role_rejected_alone_and_its_undo(proj: Any) -> None:
    project, doc_id, suggs, links = proj
    with project.session() as s:
        first = services.reject_suggestions(s, [], USER, link_ids=[links["place"]])
        assert first == services.Rejected((), (links["place"],))
        # rejecting the event later rejects its other role; undoing that leaves place rejected
        second = services.reject_suggestions(s, [suggs["e"]], USER)
        assert second.links == (links["about"], links["agent"])
        services.reset_suggestions(s, second.suggestions, [], USER, link_ids=second.links)
        states = {
            r.label: r.state
            for r in sugg_repo.suggestion_relations_of_document(s, doc_id, state=None)
        }
    assert states == {
        "claimant": "pending",
        "about": "pending",
        "agent": "pending",
        "place": "rejected",
    }
    with project.session() as s:
        services.accept_suggestions(s, project.scheme, [suggs["e"]], USER)
    spans, rels = _layer(project, doc_id)
    assert [r[0] for r in rels] == ["agent"]
    assert ("PLACE", "Tripoli") not in spans


def test_a_suggested_relation_the_scheme_refuses_stays_pending(any_project: Any) -> None:
    project = any_project
    import_documents(project, [DocData("d1", TEXT, {"title": "t"})], layer=USER, origin="test")
    spans = [
        SpanData("c", *_at(ITEMS["c"][0]), "CLAIM", {}),
        SpanData("p", *_at("Tripoli"), "PLACE", {}),
    ]
    with project.session() as s:
        doc_id = doc_repo.external_ids(s)["d1"]
        services.add_suggestions(s, doc_id, spans, [RelationData("r", "claimant", "c", "p")], "m")
        (claim,) = [
            g.id for g in sugg_repo.suggestions_of(s, document_id=doc_id) if g.label == "CLAIM"
        ]
        acc = services.accept_suggestions(s, project.scheme, [claim], USER)
        states = [r.state for r in sugg_repo.suggestion_relations_of_document(s, doc_id, None)]
    assert acc.links == () and acc.new_relations == {}
    assert states == ["pending"]
    assert _layer(project, doc_id) == ([("CLAIM", ITEMS["c"][0])], [])  # no place came along
