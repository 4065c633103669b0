"""Names that NER types one way and news reads another: facilities, vehicles, national teams,
and places that take part in an event (written texts, the small English pipeline)."""

from __future__ import annotations

from typing import Any

from annotator.scheme import Scheme

from .helpers import find, related, run, spans_of


def test_a_named_facility_where_something_is_is_a_place(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The trainer will be given to the California Science Center in Los Angeles."
    p = run(text, nlp_sm, scheme)
    assert not [a for a in spans_of(text, p, "ACTOR") if "Science Center" in a]
    assert [s for s in spans_of(text, p, "PLACE") if "California Science Center" in s]


def test_a_named_vehicle_is_no_actor_nor_are_its_later_mentions(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = (
        "Space Shuttle Atlantis will fly its last mission in June. "
        "After the flight, Atlantis will go on display in Florida."
    )
    p = run(text, nlp_sm, scheme)
    assert not [a for a in spans_of(text, p, "ACTOR") if "Atlantis" in a]


def test_in_a_match_report_a_country_that_plays_is_its_team(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Sweden defeated South Korea 1 – 0 in the World Cup match on Monday.\n"
        "The referee gave a penalty after the video review, and the captain scored the goal.\n"
        "The goalkeeper of the other team saved a penalty kick in the second half of the match.\n"
        "Sweden lead the group after the match; the league coach praised the defender."
    )
    p = run(text, nlp_sm, scheme)
    assert find(text, p, "ACTOR", "Sweden").attrs["type"] == "organisation"


def test_outside_a_match_report_a_country_is_no_team(nlp_sm: Any, scheme: Scheme) -> None:
    """A country that acts outside a match report is a state acting (government), never a
    team (organisation); one that does not act stays a place."""
    text = "Sweden defeated the proposal in the council on Monday, officials said."
    p = run(text, nlp_sm, scheme)
    assert find(text, p, "ACTOR", "Sweden").attrs["type"] == "government"
    text = "The council met in Sweden on Monday, officials said."
    p = run(text, nlp_sm, scheme)
    assert "Sweden" not in spans_of(text, p, "ACTOR")


def test_a_place_that_acts_is_no_place_of_the_event(nlp_sm: Any, scheme: Scheme) -> None:
    text = "On Friday, Malaysia evacuated about 80 people."
    p = run(text, nlp_sm, scheme)
    event = find(text, p, "EVENT", "evacuated")
    assert related(text, p, event, "place") == []


def test_the_apposed_name_is_the_speaker_not_the_possessor(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        'After the match, Microsoft\'s chief Nabil Maaloul said, "We played against a strong team."'
    )
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "We played against a strong team.")
    assert related(text, p, claim, "claimant") == ["Nabil Maaloul"]


def test_a_title_case_headline_keeps_only_names_the_text_repeats(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = (
        "Anna Berg Leaves Betty Ford, Checks Into Malibu Rehab\n"
        "Anna Berg has left the Betty Ford clinic, her lawyer said on Tuesday."
    )
    p = run(text, nlp_sm, scheme)
    head = text.index("\n")
    actors = [text[s.start : s.end] for s in p.spans if s.label == "ACTOR" and s.end <= head]
    assert actors == ["Anna Berg", "Betty Ford"]


def test_a_place_noun_after_a_locative_preposition_is_no_actor(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Two of the bombs fell within the refugee camp, officials said."
    p = run(text, nlp_sm, scheme)
    assert not [a for a in spans_of(text, p, "ACTOR") if "camp" in a]
