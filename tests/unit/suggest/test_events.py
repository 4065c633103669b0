"""Event triggers from the scheme's lexicon; agent/target from the parse; place/time nearby."""

from __future__ import annotations

from typing import Any

from annotator.scheme import Scheme
from annotator.suggest.events import EventRules

from .helpers import find, related, run, spans_of


def test_lexicon_splits_single_and_multiword_triggers(scheme: Scheme) -> None:
    rules = EventRules(scheme.preannotation["event_triggers"])
    assert rules.single["arrest"] == "arrest"
    assert ("send", "back") in [parts for parts, _ in rules.multi["send"]]


def test_arrest_with_target_place_and_time(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Police arrested Maria Lopez in Madrid on Monday."
    p = run(text, nlp_sm, scheme)
    event = find(text, p, "EVENT", "arrested")
    assert event.attrs == {"type": "arrest", "status": "occurred"}
    assert related(text, p, event, "target") == ["Maria Lopez"]
    assert related(text, p, event, "place") == ["Madrid"]
    assert related(text, p, event, "time") == ["Monday"]


def test_agent_is_the_accused_not_the_accuser(nlp_sm: Any, scheme: Scheme) -> None:
    """Who is accused of killing did it ("Hamas" used to be this event's agent)."""
    text = "Hamas accused the Israeli army of killing civilians in Gaza."
    p = run(text, nlp_sm, scheme)
    event = find(text, p, "EVENT", "killing")
    assert event.attrs["type"] == "killing"
    assert event.attrs["status"] == "alleged"
    assert related(text, p, event, "agent") == ["the Israeli army"]


def test_particle_verb_send_back_is_a_deportation(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The government of Italy sent the migrants back to Tunisia in March."
    event = find(text, run(text, nlp_sm, scheme), "EVENT", "sent")
    assert event.attrs["type"] == "deportation"


def test_multiword_noun_trigger_and_light_verb(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Officials held a press conference in Cairo."
    p = run(text, nlp_sm, scheme)
    assert spans_of(text, p, "EVENT") == ["press conference"]
    assert find(text, p, "EVENT", "press conference").attrs["type"] == "statement"


def test_negation_marks_event_denied(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The army did not attack Sabha, Khalifa Haftar insisted."
    assert find(text, run(text, nlp_sm, scheme), "EVENT", "attack").attrs["status"] == "denied"


def test_held_responsible_is_no_detention(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The council held Haftar responsible for the violence."
    assert spans_of(text, run(text, nlp_sm, scheme), "EVENT") == []
