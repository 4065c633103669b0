"""Event triggers, types, status and roles on more wire-report constructions (sentences
written for these tests, none from the dev set), run with both pattern matchers."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.scheme import Scheme, scheme_from_dict

from .helpers import find, related, run

MATCHERS = ["anchored", "spacy"]


def _scheme(scheme: Scheme, matcher: str) -> Scheme:
    data = scheme.to_dict()
    data["preannotation"] = {**data["preannotation"], "pattern_matcher": matcher}
    return scheme_from_dict(data)


def _roles(text: str, proposal: Any, trigger: str) -> dict[str, list[str]]:
    event = find(text, proposal, "EVENT", trigger)
    return {
        role: related(text, proposal, event, role)
        for role in ("agent", "target", "place", "time")
        if related(text, proposal, event, role)
    }


@pytest.mark.parametrize("matcher", MATCHERS)
def test_an_event_before_or_after_another_has_its_own_time(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """Words that order two events keep their places and times apart: the election weeks
    after an arrest, the earthquake days before a rescue ("four days" says how long
    before), a wait before a death; "on Sunday after a win" may still be the win's time."""
    text = (
        "Soldiers detained the mayor at his office on Monday, two weeks before the election. "
        "Divers found a boy alive in the village of Tarsa on Friday, four days after an "
        "earthquake destroyed his street. "
        "Three patients died after waiting more than ten hours. "
        "The team went top on Sunday after a 2-0 win."
    )
    proposal = run(text, nlp_sm, _scheme(scheme, matcher))
    assert _roles(text, proposal, "election") == {}
    assert _roles(text, proposal, "detained").get("time") == ["Monday"]
    assert _roles(text, proposal, "earthquake") == {}
    assert "time" not in _roles(text, proposal, "died")
    assert _roles(text, proposal, "win").get("time") == ["Sunday"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_conjoined_or_reported_clause_keeps_its_own_place_and_time(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """A place or time in a verb phrase conjoined to the trigger's, or in the clause a
    reporting verb reports, is not the trigger's (nor the statement's)."""
    text = (
        "Police arrested four men and will question them in Leeds next week. "
        "Fourteen cases were found in Kisumu, the agency said in a statement."
    )
    proposal = run(text, nlp_sm, _scheme(scheme, matcher))
    arrested = _roles(text, proposal, "arrested")
    assert "time" not in arrested and "place" not in arrested, arrested
    assert "place" not in _roles(text, proposal, "statement")
