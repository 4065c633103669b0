"""Event triggers and roles on news constructions the rules were not written on: one sentence
written for each (none from the dev set), run with both pattern matchers."""

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
def test_a_past_form_in_the_headline_is_a_passive(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """Headlines drop "was": "Man charged with murder" charges the man; a past form inside
    a reported clause stays active, and so does a sentence below the headline."""
    text = (
        "Man charged with murder after shooting in Leeds\n"
        "Police charged a man with murder on Sunday.\n"
        "Detectives said officers arrested him at his home."
    )
    proposal = run(text, nlp_sm, _scheme(scheme, matcher))
    first = _roles(text, proposal, "charged")
    assert first.get("target") == ["Man"], first
    assert "agent" not in first, first
    arrested = _roles(text, proposal, "arrested")
    assert arrested.get("agent") == ["officers"], arrested
    text = "Woman says army detained her brother\nThe army has not commented."
    proposal = run(text, nlp_sm, _scheme(scheme, matcher))
    assert _roles(text, proposal, "detained").get("agent") == ["army"]
