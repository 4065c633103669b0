"""News conventions the suggestions follow, each on a small text written for the test:
datelines, nationality adjectives, agencies named "... Service", people counted by number."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.scheme import Scheme

from .helpers import actor_types, related, run, spans_of


@pytest.mark.parametrize(
    "dateline",
    ["KYIV, Ukraine — ", "GAZA CITY (AP) — ", "NAIROBI, March 3 (Reuters) - ", "BERLIN — "],
)
def test_a_claim_starts_after_the_dateline(nlp_sm: Any, scheme: Scheme, dateline: str) -> None:
    text = (
        f"{dateline}A missile struck a residential building in the port city overnight, "
        "officials said on Saturday."
    )
    proposal = run(text, nlp_sm, scheme)
    claims = spans_of(text, proposal, "CLAIM")
    assert claims and claims[0].startswith("A missile struck"), claims
    city = dateline.split(",")[0].split(" (")[0].split(" —")[0]
    assert city not in spans_of(text, proposal, "ACTOR")  # the parser may make it a subject


def test_a_nationality_adjective_is_no_place(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Ukrainian drones hit an oil refinery in Russia's Krasnodar region on Sunday."
    places = spans_of(text, run(text, nlp_sm, scheme), "PLACE")
    assert "Ukrainian" not in places
    assert "Krasnodar" in " ".join(places)


def test_agencies_and_counted_people_get_their_type(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Rescuers pulled 18 survivors from the rubble, the State Emergency Service said.\n\n"
        "Missile strike kills 12"
    )
    proposal = run(text, nlp_sm, scheme)
    types = actor_types(text, proposal)
    assert types.get("the State Emergency Service") == "government", types
    assert types.get("12") == "person", types


def _claim_forms(text: str, proposal: Any) -> dict[str, str]:
    return {
        text[s.start : s.end]: str(s.attrs.get("form"))
        for s in proposal.spans
        if s.label == "CLAIM"
    }


def test_a_short_quotation_with_its_cue_is_a_direct_quote(nlp_sm: Any, scheme: Scheme) -> None:
    """The guidelines: direct_quote when the whole content is inside quotation marks, short
    or not."""
    text = '"Words are cheap," the group said in a statement.'
    assert _claim_forms(text, run(text, nlp_sm, scheme)) == {"Words are cheap": "direct_quote"}


def test_data_with_no_author_make_no_claim(nlp_sm: Any, scheme: Scheme) -> None:
    """ "data" is an artifact noun even though the pipeline's lemma is "datum"."""
    text = "Satellite data showed that clearing in the Amazon rose 11 percent last year."
    proposal = run(text, nlp_sm, scheme)
    assert spans_of(text, proposal, "CLAIM") == []
    assert "Satellite data" not in spans_of(text, proposal, "ACTOR")


@pytest.mark.parametrize(
    ("text", "claim", "claimant"),
    [
        (
            "For indigenous leader Raoni Metuktire, the problem is simple: the state has "
            "abandoned the forest.",
            "the problem is simple: the state has abandoned the forest",
            "Raoni Metuktire",
        ),
        ("For years, the government has ignored the problem.", None, None),
    ],
)
def test_for_a_named_actor_opens_a_claim(
    nlp_sm: Any, scheme: Scheme, text: str, claim: str | None, claimant: str | None
) -> None:
    """The guidelines' "For X, ..." attribution (a ``source_patterns`` entry): only with the
    name of a person or organisation before the comma."""
    proposal = run(text, nlp_sm, scheme)
    claims = [s for s in proposal.spans if s.label == "CLAIM"]
    if claim is None:
        assert claims == []
        return
    [found] = claims
    assert text[found.start : found.end] == claim
    assert related(text, proposal, found, "claimant") == [claimant]


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        (
            "Tesla said in a filing that it did not agree with the analysis.",
            ["it did not agree with the analysis"],
        ),
        (
            "Tesla is recalling two million cars to fix a defect, the agency said on Wednesday.",
            ["Tesla is recalling two million cars to fix a defect"],
        ),
        (
            "As Heald told The Huffington Post, surface ozone has dropped due to the law.",
            ["surface ozone has dropped due to the law"],
        ),
    ],
)
def test_a_reporting_verb_inside_reported_content_is_no_aside(
    nlp_sm: Any, scheme: Scheme, text: str, claims: list[str]
) -> None:
    """ "agree" and "recall" are cues, but inside what another cue reports they interrupt
    nothing: the sentence's own speech tag is no claim ("Tesla said in a filing")."""
    assert sorted(spans_of(text, run(text, nlp_sm, scheme), "CLAIM")) == claims


def test_would_in_reported_speech_is_planned(nlp_sm: Any, scheme: Scheme) -> None:
    text = "He told investors that Tesla would launch a robotaxi service next year."
    proposal = run(text, nlp_sm, scheme)
    launch = next(
        s for s in proposal.spans if s.label == "EVENT" and "launch" in text[s.start : s.end]
    )
    assert launch.attrs.get("status") == "planned"


def _claimant_of(text: str, proposal: Any, content: str) -> list[str]:
    claim = next(
        s for s in proposal.spans if s.label == "CLAIM" and text[s.start : s.end] == content
    )
    return related(text, proposal, claim, "claimant")


def test_it_refers_to_the_speaker_not_to_a_subject_inside_what_was_said(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = (
        "Zambia has reported more than 1,000 deaths since October, the agency said. It called "
        "on donors to fund emergency water supplies."
    )
    proposal = run(text, nlp_sm, scheme)
    assert _claimant_of(text, proposal, "to fund emergency water supplies") == ["the agency"]


def test_officials_in_a_place_are_the_officials(nlp_sm: Any, scheme: Scheme) -> None:
    """A role noun's claimant is found in its apposition or "of" phrase, not in a place
    phrase or a relative clause."""
    text = (
        "Health officials in Malawi, where an outbreak killed more than 1,200 people last "
        "year, said they were preparing for a surge in cases."
    )
    proposal = run(text, nlp_sm, scheme)
    claimants = _claimant_of(text, proposal, "they were preparing for a surge in cases")
    assert claimants == ["Health officials"]


def test_a_quotation_that_is_a_phrase_of_its_sentence_is_no_claim(
    nlp_sm: Any, scheme: Scheme
) -> None:
    """A quotation right after a word, with no cue, is a term or a title, not speech; after a
    describing verb it is what was said."""
    text = (
        "The bill would require groups funded from abroad to register as "
        '"pursuing the interests of a foreign power."\n\n'
        'He characterized the dispute as "another small skirmish in a long war."'
    )
    claims = spans_of(text, run(text, nlp_sm, scheme), "CLAIM")
    assert not any("pursuing" in c for c in claims), claims
    assert any("another small skirmish" in c for c in claims), claims


def test_a_name_that_modifies_a_noun_is_no_antecedent(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Columnist Sarah Jones wrote about the row on Monday. It began in May. Fans were "
        "angry. The site removed the Cruise video from its pages. She said the fight would "
        "go on for years."
    )
    proposal = run(text, nlp_sm, scheme)
    assert _claimant_of(text, proposal, "the fight would go on for years") == ["Sarah Jones"]


@pytest.mark.parametrize(
    ("text", "trigger", "agent"),
    [
        (
            "Rights groups have accused the army of detaining more than 20,000 people.",
            "detaining",
            "the army",
        ),
        ("The general was accused of ordering the killings.", "ordering", None),
    ],
)
def test_who_is_accused_of_doing_it_is_its_agent(
    nlp_sm: Any, scheme: Scheme, text: str, trigger: str, agent: str | None
) -> None:
    """``object_of_accusing_verb``: the accused, not the accuser, did it."""
    proposal = run(text, nlp_sm, scheme)
    events = [s for s in proposal.spans if s.label == "EVENT" and text[s.start : s.end] == trigger]
    for event in events:
        agents = related(text, proposal, event, "agent")
        assert "Rights groups" not in agents
        if agent is not None:
            assert agents == [agent]


def test_a_datelines_city_is_a_place_and_state_media_are_media(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "YANGON — Myanmar's military government freed more than 3,000 prisoners on "
        "Wednesday, state media reported."
    )
    proposal = run(text, nlp_sm, scheme)
    assert "YANGON" in spans_of(text, proposal, "PLACE")
    assert "YANGON" not in spans_of(text, proposal, "ACTOR")
    types = actor_types(text, proposal)
    assert types.get("state media") == "media", types


def test_a_deal_is_an_agreement(nlp_sm: Any, scheme: Scheme) -> None:
    """The guidelines' agreement type: "deals, agreements" (as a noun, "deal" is an event)."""
    text = "Iran and Saudi Arabia restored ties in a deal brokered by China."
    proposal = run(text, nlp_sm, scheme)
    [deal] = [s for s in proposal.spans if s.label == "EVENT" and text[s.start : s.end] == "deal"]
    assert deal.attrs.get("type") == "agreement"


def test_according_to_in_mid_sentence_attributes_the_clause_before_it(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = (
        "Looters emptied shops, according to witnesses, and police later arrested 12 people "
        "in the city centre."
    )
    proposal = run(text, nlp_sm, scheme)
    claims = spans_of(text, proposal, "CLAIM")
    assert claims == ["Looters emptied shops"], claims


def test_a_state_that_acts_is_an_actor(nlp_sm: Any, scheme: Scheme) -> None:
    """The guidelines' government type: "states acting as actors". The subject of an event
    verb that names a place acts; a place where something happens stays a place."""
    text = (
        "North Korea fired artillery shells at the island on Tuesday. Protesters marched in France."
    )
    proposal = run(text, nlp_sm, scheme)
    fired = next(
        s for s in proposal.spans if s.label == "EVENT" and text[s.start : s.end] == "fired"
    )
    assert related(text, proposal, fired, "agent") == ["North Korea"]
    types = actor_types(text, proposal)
    assert types.get("North Korea") == "government"
    assert "France" in spans_of(text, proposal, "PLACE")
    assert "France" not in types


def test_a_pull_quote_goes_to_the_name_that_signs_it(nlp_sm: Any, scheme: Scheme) -> None:
    """The guidelines: pull and block quotes go to the name attached to them."""
    text = (
        "The site went down on Monday.\n"
        '"So far the Internet is winning this fight. But it is a long game." - Matthew Ingram\n'
        "Writing in a blog post, Ingram called it a skirmish."
    )
    proposal = run(text, nlp_sm, scheme)
    content = "So far the Internet is winning this fight. But it is a long game."
    assert _claimant_of(text, proposal, content) == ["Matthew Ingram"]


def test_a_datelines_city_that_the_parser_makes_a_subject_stays_a_place(
    nlp_sm: Any, scheme: Scheme
) -> None:
    """A state that acts is an actor, but not the dateline's city the parser took for the
    subject of the story's first verb."""
    text = (
        "KYIV, Ukraine — A Russian missile struck a residential building in the southern port "
        "city of Odesa overnight, killing at least 12 people, including three children, "
        "Ukrainian officials said on Saturday."
    )
    proposal = run(text, nlp_sm, scheme)
    assert "KYIV" in spans_of(text, proposal, "PLACE")
    assert "KYIV" not in spans_of(text, proposal, "ACTOR")
