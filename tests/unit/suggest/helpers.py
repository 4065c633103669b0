"""Helpers for pre-annotation tests."""

from __future__ import annotations

from typing import Any

from annotator.scheme import Scheme, scheme_from_dict
from annotator.suggest.propose import Proposal, propose
from annotator.values import DocData, SpanData


def run(text: str, nlp: Any, scheme: Scheme, registry: Any = ()) -> Proposal:
    [(_, proposal)] = list(propose([(text, 0)], nlp, scheme, registry=registry))
    return proposal


def spans_of(text: str, proposal: Proposal, label: str) -> list[str]:
    return [text[s.start : s.end] for s in proposal.spans if s.label == label]


def find(text: str, proposal: Proposal, label: str, surface: str) -> SpanData:
    hits = [s for s in proposal.spans if s.label == label and text[s.start : s.end] == surface]
    assert hits, f"no {label} '{surface}' in {spans_of(text, proposal, label)}"
    return hits[0]


def related(text: str, proposal: Proposal, head: SpanData, label: str) -> list[str]:
    by_id = {s.id: s for s in proposal.spans}
    return [
        text[by_id[r.tail].start : by_id[r.tail].end]
        for r in proposal.relations
        if r.head == head.id and r.label == label
    ]


def claimant_of(text: str, proposal: Proposal, claim: str) -> list[str]:
    """The suggested claimants of the CLAIM whose text is ``claim``."""
    return related(text, proposal, find(text, proposal, "CLAIM", claim), "claimant")


def relations_valid(proposal: Proposal) -> bool:
    ids = {s.id for s in proposal.spans}

    return all(rel.head in ids and rel.tail in ids for rel in proposal.relations) and all(
        i in proposal.scores for i in ids | {rel.id for rel in proposal.relations}
    )


def gold_doc(doc_id: str, text: str, spans: list[tuple[str, str, dict[str, Any]]]) -> DocData:
    """A gold DocData from (surface, label, attrs); each surface's first occurrence."""
    out = []
    for i, (surface, label, attrs) in enumerate(spans):
        k = text.index(surface)
        out.append(SpanData(f"s{i}", k, k + len(surface), label, attrs))
    return DocData(doc_id, text, {}, tuple(out), (), layer="gold")


def actor_types(text: str, proposal: Proposal) -> dict[str, str]:
    """ACTOR surface -> its suggested type."""
    return {
        text[s.start : s.end]: str(s.attrs.get("type"))
        for s in proposal.spans
        if s.label == "ACTOR"
    }


# The two engines that run the scheme's dependency patterns (tests run both where it matters).
MATCHERS = ["anchored", "spacy"]


def with_matcher(scheme: Scheme, matcher: str) -> Scheme:
    """The scheme with its ``preannotation.pattern_matcher`` set to ``matcher``."""
    data = scheme.to_dict()
    data["preannotation"] = {**data["preannotation"], "pattern_matcher": matcher}
    return scheme_from_dict(data)


def roles_of(text: str, proposal: Proposal, trigger: str) -> dict[str, list[str]]:
    """The suggested agent, target, place and time of the EVENT whose text is ``trigger``."""
    event = find(text, proposal, "EVENT", trigger)
    return {
        role: related(text, proposal, event, role)
        for role in ("agent", "target", "place", "time")
        if related(text, proposal, event, role)
    }
