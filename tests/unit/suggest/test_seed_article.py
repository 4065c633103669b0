"""The seed article gets the actors, a claim by one of them and an event."""

from __future__ import annotations

from typing import Any

import pytest
from shared_data import require_shared

from annotator.scheme import Scheme

from .helpers import relations_valid, run


@pytest.fixture(scope="module")
def seed(nlp_sm: Any, scheme: Scheme) -> tuple[str, Any]:
    text = require_shared("seeds/000_ef82534974ef4bb5.txt").read_text("utf-8")
    return text, run(text, nlp_sm, scheme)


def test_seed_actors(seed: tuple[str, Any]) -> None:
    text, p = seed
    actors = {text[s.start : s.end] for s in p.spans if s.label == "ACTOR"}
    assert "Khalifa Haftar" in actors
    assert "Noman Benotman" in actors
    assert any("Presidential Council" in a for a in actors)


def test_seed_claim_by_a_named_actor(seed: tuple[str, Any]) -> None:
    text, p = seed
    by_id = {s.id: s for s in p.spans}
    claimants = {
        text[by_id[r.tail].start : by_id[r.tail].end] for r in p.relations if r.label == "claimant"
    }
    assert claimants & {"Khalifa Haftar", "Benotman", "Noman Benotman", "The Presidential Council"}
    assert all(
        by_id[r.head].label == "CLAIM" and by_id[r.tail].label == "ACTOR"
        for r in p.relations
        if r.label == "claimant"
    )
    forms = {by_id[r.head].attrs["form"] for r in p.relations if r.label == "claimant"}
    assert forms == {"direct_quote", "reported"}
    assert relations_valid(p)


def test_seed_events(seed: tuple[str, Any]) -> None:
    text, p = seed
    events = {(text[s.start : s.end], s.attrs["type"]) for s in p.spans if s.label == "EVENT"}
    assert ("sending", "deportation") in events
    assert ("attack", "attack") in events
    by_id = {s.id: s for s in p.spans}
    agents = {
        text[by_id[r.tail].start : by_id[r.tail].end] for r in p.relations if r.label == "agent"
    }
    assert "Khalifa Haftar" in agents or "Haftar" in agents


def test_seed_names_end_where_the_name_ends(seed: tuple[str, Any]) -> None:
    """The pipeline's entities "Government of National Accord held Haftar" (a verb inside)
    and "the Presidential Council of the internationally" (cut at a hyphen) end with the
    name."""
    text, p = seed
    actors = {text[s.start : s.end] for s in p.spans if s.label == "ACTOR"}
    assert "Government of National Accord" in actors
    assert "the Presidential Council" in actors
    assert not any(a.endswith(("held Haftar", "internationally")) for a in actors), actors
