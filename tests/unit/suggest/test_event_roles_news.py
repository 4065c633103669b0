"""Event triggers and roles on news constructions the rules were not written on: one sentence
written for each (none from the dev set), run with both pattern matchers."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.scheme import Scheme, scheme_from_dict

from .helpers import MATCHERS, actor_types, find, related, roles_of, run, spans_of, with_matcher


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
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    first = roles_of(text, proposal, "charged")
    assert first.get("target") == ["Man"], first
    assert "agent" not in first, first
    arrested = roles_of(text, proposal, "arrested")
    assert arrested.get("agent") == ["officers"], arrested
    text = "Woman says army detained her brother\nThe army has not commented."
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "detained").get("agent") == ["army"]


def _types(text: str, proposal: Any) -> dict[str, str]:
    return {
        text[s.start : s.end]: str(s.attrs.get("type"))
        for s in proposal.spans
        if s.label == "EVENT"
    }


@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize(
    ("text", "word", "etype"),
    [
        ("Bus drivers have been on strike since Monday.", "strike", "protest"),
        ("The unions called a general strike for next week.", "strike", "protest"),
        ("Thousands of nurses walked out in a strike over pay.", "strike", "protest"),
        ("Dock workers strike in Rotterdam.", "strike", "protest"),
        ("A drone strike destroyed the depot overnight.", "strike", "attack"),
        ("One strike hit a clinic in the north of the city.", "strike", "attack"),
        ("The army carried out strikes on Idlib province.", "strikes", "attack"),
        ("A strong earthquake struck the coast of Peru on Friday.", "struck", "other"),
        ("Gunmen struck a police post near the border.", "struck", "attack"),
    ],
)
def test_the_type_of_a_strike_comes_from_its_context(
    nlp_sm: Any, scheme: Scheme, matcher: str, text: str, word: str, etype: str
) -> None:
    """``event_type``: a labour strike is a protest, a missile strike an attack (the noun is
    a trigger only in such a context), an earthquake that strikes is no attack."""
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert _types(text, proposal).get(word) == etype, _types(text, proposal)


def test_a_lead_turns_the_event_types_in_context_off(nlp_sm: Any, scheme: Scheme) -> None:
    """With ``event_type`` emptied a noun "strike" is no trigger again and the verb an attack."""
    data = scheme.to_dict()
    groups = data["preannotation"]["argument_patterns"]
    data["preannotation"] = {
        **data["preannotation"],
        "argument_patterns": {**groups, "event_type": []},
    }
    off = scheme_from_dict(data)
    text = "Bus drivers have been on strike since Monday. Dock workers strike in Rotterdam."
    types = _types(text, run(text, nlp_sm, off))
    assert types == {"strike": "attack"}, types


@pytest.mark.parametrize("matcher", MATCHERS)
def test_the_nearest_place_and_time_are_not_another_clauses(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """The fallback place and time of an event: not in a relative clause of another noun,
    not of the verb that reports the event; a relative clause of the trigger is its own."""
    text = (
        "Attacks by the rebels, who seized the airport in March, have forced thousands to flee. "
        "Officials said on Friday that two aid workers had been killed. "
        "The accident, which happened on Sunday, left four passengers dead."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "time" not in roles_of(text, proposal, "Attacks")
    assert "time" not in roles_of(text, proposal, "killed")
    assert roles_of(text, proposal, "accident").get("time") == ["Sunday"]


def _status(text: str, proposal: Any, trigger: str) -> str:
    return str(find(text, proposal, "EVENT", trigger).attrs.get("status"))


@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize(
    ("text", "trigger", "status"),
    [
        ("Nobody was killed in the blast, police said.", "killed", "denied"),
        ("No civilians were killed in the raid.", "killed", "denied"),
        ("No arrests have been made so far.", "arrests", "denied"),
        ("The party failed to win a single seat.", "win", "denied"),
        ("The president is due to visit Kenya next week.", "visit", "planned"),
        ("A militant group claimed responsibility for the bombing.", "bombing", "occurred"),
        (
            "No group has claimed the kidnapping, but rebels have carried out raids in the area.",
            "raids",
            "occurred",
        ),
        ("The army denied that its troops had attacked the village.", "attacked", "denied"),
        ("The opposition claimed that soldiers had detained its leader.", "detained", "alleged"),
    ],
)
def test_the_status_of_an_event_from_negation_modality_and_governors(
    nlp_sm: Any, scheme: Scheme, matcher: str, text: str, trigger: str, status: str
) -> None:
    """``event_status``: negative subjects and determiners deny, "failed to" denies, "is due
    to" plans; claiming responsibility alleges nothing, and a verb conjoined with "claim" is
    not claimed."""
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert _status(text, proposal, trigger) == status


@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize(
    ("text", "trigger", "agent"),
    [
        ("Gunmen on motorcycles killed at least 14 people in the market.", "killed", "Gunmen"),
        ("Police officers firing tear gas dispersed the protesters.", "firing", "Police officers"),
    ],
)
def test_the_noun_an_active_participle_modifies_did_it(
    nlp_sm: Any, scheme: Scheme, matcher: str, text: str, trigger: str, agent: str
) -> None:
    """A participle with an object, or in -ing, that the parser hangs on a noun: the noun is
    its agent (a passive participle's noun stays its target: "a boy handcuffed by police")."""
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, trigger).get("agent") == [agent]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_quantity_of_actors_is_an_argument(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """``event_quantity``: "dozens of demonstrators" are the target, "Thousands of nurses"
    the agent, each mention with its count (as GUM marks "Hundreds of vendors")."""
    text = (
        "Police arrested dozens of demonstrators outside the ministry. "
        "Thousands of nurses marched through the capital on Monday."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "arrested").get("target") == ["dozens of demonstrators"]
    assert roles_of(text, proposal, "marched").get("agent") == ["Thousands of nurses"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_who_makes_its_noun_a_person(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """The antecedent of "who" is a person even when its noun is in no list of actor nouns
    ("a trader", "two businessmen"); "which" makes no actor of a thing."""
    text = (
        "A trader who was wounded in the attack described the scene. "
        "Two businessmen, who were arrested with him in 2021, were acquitted. "
        "The depot, which was attacked last week, has reopened."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "wounded").get("target") == ["A trader"]
    assert roles_of(text, proposal, "arrested").get("target") == ["Two businessmen"]
    assert "target" not in roles_of(text, proposal, "attacked")


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_conjoined_passive_shares_its_subject(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "Twelve men were detained ... and will be charged": the men are charged too."""
    text = "Twelve men were detained on Sunday and will be charged with rioting."
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "charged").get("target") == ["Twelve men"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_what_talks_and_votes_are_on_is_their_topic(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "vote on the minister's budget" has no target (the budget is the topic, and not its
    owner); "an attack on the army's positions" is aimed at the army."""
    text = (
        "Lawmakers will vote on the finance minister's budget next week. "
        "The rebels launched an attack on the army's positions."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "target" not in roles_of(text, proposal, "vote")
    assert roles_of(text, proposal, "attack").get("target") == ["the army"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_the_parties_between_which_talks_or_clashes_happen(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "talks between A and B": A the agent, B the target (as in "A met B")."""
    text = (
        "Talks between the union and the company resumed on Monday. "
        "Clashes between police and protesters broke out in the capital."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    talks = roles_of(text, proposal, "Talks")
    assert (talks.get("agent"), talks.get("target")) == (["the union"], ["the company"]), talks
    clashes = roles_of(text, proposal, "Clashes")
    assert (clashes.get("agent"), clashes.get("target")) == (["police"], ["protesters"]), clashes


@pytest.mark.parametrize("matcher", MATCHERS)
def test_who_travels_for_talks_and_where_a_visit_goes(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "X will travel to Moscow for talks": X holds the talks; "visit Nairobi": the place."""
    text = (
        "Foreign Minister Ana Ruiz will travel to Moscow next week for talks. "
        "The prime minister is expected to visit Nairobi on Sunday."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "talks").get("agent") == ["Ana Ruiz"]
    visit = roles_of(text, proposal, "visit")
    assert visit.get("place") == ["Nairobi"], visit
    assert "target" not in visit


@pytest.mark.parametrize("matcher", MATCHERS)
def test_fixed_phrases_of_killing_shooting_and_release(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "stabbed to death" is one killing, "opened fire" one attack; "the release of
    hostages" is an event, a film's release none."""
    text = (
        "A man was stabbed to death in Leeds on Friday. Soldiers opened fire on the crowd. "
        "The deal would see the release of hostages. The film's release was delayed."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    types = _types(text, proposal)
    assert types.get("stabbed to death") == "killing", types
    assert types.get("opened fire") == "attack", types
    assert roles_of(text, proposal, "stabbed to death").get("target") == ["A man"]
    assert roles_of(text, proposal, "opened fire").get("target") == ["the crowd"]
    releases = [
        s for s in proposal.spans if s.label == "EVENT" and text[s.start : s.end] == "release"
    ]
    assert [s.start for s in releases] == [text.index("release")]


def test_a_title_case_word_that_modifies_the_next_is_a_noun(nlp_sm: Any, scheme: Scheme) -> None:
    """In a title-case headline "Bomb" in "Roadside Bomb Blast" names the weapon (a noun, so
    no event: the guidelines' weapons and objects), while "Killed" stays a verb."""
    text = (
        "Three Soldiers Killed In Roadside Bomb Blast In Northern Mali\n"
        "A roadside bomb killed three soldiers near Gao on Monday, the army said."
    )
    proposal = run(text, nlp_sm, scheme)
    headline = [t for t, _ in _types(text, proposal).items() if text.index(t) < text.index("\n")]
    assert "Killed" in headline
    assert "Bomb" not in headline, headline


@pytest.mark.parametrize("matcher", MATCHERS)
def test_an_event_noun_that_names_people_or_gear_is_no_event(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "Rescue teams", "riot police", "an arrest warrant": the noun says who or what they
    are, it reports no event; "the rescue of the miners" does."""
    text = (
        "Rescue teams pulled 52 people from the rubble. Riot police guarded the square. "
        "The rescue of the miners took two days. A court issued an arrest warrant for him."
    )
    types = _types(text, run(text, nlp_sm, with_matcher(scheme, matcher)))
    assert "Rescue" not in types and "Riot" not in types and "arrest" not in types, types
    assert types.get("rescue") == "other", types


@pytest.mark.parametrize("matcher", MATCHERS)
def test_she_does_not_refer_to_a_man(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """A pronoun agrees in sex with a noun that has one: "she" is the woman, not the man."""
    text = (
        "A woman was found injured at a house in Leeds. A man was arrested nearby. "
        "She died in hospital on Sunday."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "died").get("target") == ["A woman"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_who_is_on_strike_strikes(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "X went on strike", "X have been on strike": X is the strike's agent."""
    text = (
        "Hundreds of teachers went on strike on Monday. "
        "Bus drivers in Leeds have been on strike since March."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    strikes = [
        s for s in proposal.spans if s.label == "EVENT" and text[s.start : s.end] == "strike"
    ]
    assert [related(text, proposal, s, "agent") for s in strikes] == [
        ["Hundreds of teachers"],
        ["Bus drivers"],
    ]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_state_that_owns_an_attack_made_it(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "Russia's invasion": the state acts (an ACTOR of type government); "Kenya's
    election" happens in Kenya, which stays a place."""
    text = "Russia's invasion of Ukraine began in 2022. Kenya's election was held in August."
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "invasion").get("agent") == ["Russia"]
    assert "agent" not in roles_of(text, proposal, "election")
    assert actor_types(text, proposal).get("Russia") == "government"


@pytest.mark.parametrize("matcher", MATCHERS)
def test_the_dateline_is_not_where_and_when_it_happened(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """A wire report's dateline says where and when it was filed: its city, country and date
    are no fallback place or time of the events the sentence reports."""
    text = (
        "VILNIUS, Lithuania, May 3 (Reuters) — Belarusian police detained 30 opposition "
        "activists, a rights group said."
    )
    roles = roles_of(text, run(text, nlp_sm, with_matcher(scheme, matcher)), "detained")
    assert "place" not in roles and "time" not in roles, roles


@pytest.mark.parametrize("matcher", MATCHERS)
def test_the_subject_of_a_passive_found_through_its_governor_is_the_target(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "X ... to avoid being expelled": X would be expelled, not expel; "soldiers entered the
    village and were ambushed by rebels": the soldiers were ambushed."""
    text = (
        "The activist tore up her passport to avoid being expelled. "
        "Soldiers entered the village and were ambushed by rebels."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    expelled = roles_of(text, proposal, "expelled")
    assert expelled.get("target") == ["The activist"] and "agent" not in expelled, expelled
    ambushed = roles_of(text, proposal, "ambushed")
    assert (ambushed.get("agent"), ambushed.get("target")) == (["rebels"], ["Soldiers"]), ambushed


@pytest.mark.parametrize("matcher", MATCHERS)
@pytest.mark.parametrize(
    ("text", "trigger", "status"),
    [
        ("The new government will hold elections in the spring.", "elections", "planned"),
        ("Talks will be held in Geneva next week.", "Talks", "planned"),
        ("The two sides did not hold talks on Friday.", "talks", "denied"),
        (
            "A Dutch man wanted in France over a 2020 robbery in which a guard was shot has "
            "been extradited from Italy.",
            "shot",
            "occurred",
        ),
    ],
)
def test_the_light_verb_carries_the_status_and_a_relative_clause_is_not_governed(
    nlp_sm: Any, scheme: Scheme, matcher: str, text: str, trigger: str, status: str
) -> None:
    """The future or negation of "hold" is the status of the talks it holds; what a relative
    clause reports is not what the verb above it wants, plans or denies."""
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert _status(text, proposal, trigger) == status


@pytest.mark.parametrize("matcher", MATCHERS)
def test_who_claims_responsibility_for_an_attack_is_its_agent(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "X claimed responsibility for the bombing": X did it (and the bombing happened)."""
    text = (
        "The Islamic State group claimed responsibility for the bombing in a statement. "
        "A hacker group took credit for the cyberattack on Monday."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "bombing").get("agent") == ["The Islamic State group"]
    assert roles_of(text, proposal, "cyberattack").get("agent") == ["A hacker group"]
    assert _status(text, proposal, "bombing") == "occurred"


@pytest.mark.parametrize("matcher", MATCHERS)
def test_the_possessor_of_an_arrest_was_arrested(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "his arrest", "her murder": whom it befell; with an "of" phrase the possessor did it
    ("the army's detention of the journalist")."""
    text = (
        "Police detained the opposition leader Ali Karimi on Sunday. "
        "Protests erupted after his arrest. "
        "The army's detention of the journalist drew criticism."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    arrest = roles_of(text, proposal, "arrest")
    assert arrest.get("target") == ["Ali Karimi"] and "agent" not in arrest, arrest
    detention = roles_of(text, proposal, "detention")
    assert detention.get("agent") == ["The army"], detention
    assert detention.get("target") == ["the journalist"], detention


@pytest.mark.parametrize("matcher", MATCHERS)
def test_winning_a_vote_and_losing_a_seat_are_elections(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """The guidelines' election type: "lost her seat" (whoever lost it is the target, as
    the person defeated), winning a vote or a majority; being sworn in is an event."""
    text = (
        "Mayor Tom Alder lost his seat on Tuesday. Lucia Moreno won 62 percent of the vote. "
        "Her party also won a majority on the council. She will be sworn in on January 3."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    types = _types(text, proposal)
    assert (types.get("lost"), types.get("won"), types.get("sworn in")) == (
        "election",
        "election",
        "other",
    ), types
    lost = roles_of(text, proposal, "lost")
    assert lost.get("target") == ["Tom Alder"] and "agent" not in lost, lost
    assert _status(text, proposal, "sworn in") == "planned"


@pytest.mark.parametrize("matcher", MATCHERS)
def test_who_is_held_in_custody_is_detained(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "X was remanded in custody", "X remains in custody": X is the detention's target."""
    text = (
        "The suspect was remanded in custody on Friday. The journalist remains in custody in Minsk."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    custody = [
        s for s in proposal.spans if s.label == "EVENT" and text[s.start : s.end] == "custody"
    ]
    roles = [
        (related(text, proposal, s, "agent"), related(text, proposal, s, "target")) for s in custody
    ]
    assert roles == [([], ["The suspect"]), ([], ["The journalist"])], roles


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_state_joined_to_an_acting_subject_acts_too(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "The European Union and Japan signed": Japan signed too, it is no place."""
    text = "The European Union and Japan signed a trade agreement in Tokyo on Tuesday."
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    signed = roles_of(text, proposal, "signed")
    assert signed.get("agent") == ["The European Union", "Japan"], signed
    assert signed.get("place") == ["Tokyo"], signed
    assert actor_types(text, proposal).get("Japan") == "government"


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_relative_or_participle_clause_keeps_its_own_place_and_time(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """A trigger inside a relative or participle clause takes no place or time from the
    clause above the noun it modifies; a participle clause of a place phrase still locates
    the trigger ("arrested at a rally held in Lyon")."""
    text = (
        "A Dutch man wanted in France over a robbery in which a guard was shot has been "
        "extradited from Italy. "
        "On Friday, Germany deported 28 men convicted of crimes to Kabul. "
        "Police arrested two men at a rally held in Lyon."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "place" not in roles_of(text, proposal, "shot")
    assert "time" not in roles_of(text, proposal, "convicted")
    assert roles_of(text, proposal, "arrested").get("place") == ["Lyon"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_what_a_vote_is_on_is_no_place(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "a referendum on the new stadium": its topic; "an attack on a bus station": where."""
    text = (
        "The mayor promised a referendum on the new stadium. "
        "Gunmen carried out an attack on a bus station."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "place" not in roles_of(text, proposal, "referendum")
    assert roles_of(text, proposal, "attack").get("place") == ["a bus station"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_re_elected_and_staged_find_their_arguments(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "was re-elected" (parsed as "was" with an adjective) elects its subject; "staged a
    protest" (lemmatised "stag") makes its subject the protest's agent."""
    text = (
        "Councillor James Wu was narrowly re-elected in the fourth district. "
        "Critics of the plan staged a small protest outside the venue."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "elected").get("target") == ["James Wu"]
    assert roles_of(text, proposal, "protest").get("agent") == ["Critics"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_possessive_pronoun_refers_to_its_clauses_subject(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "The two parties announced their agreement": the parties' agreement, not that of the
    organisation named before."""
    text = (
        "Oli met leaders of the Nepali Congress on Monday. "
        "The two parties announced their agreement on Thursday."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "agreement").get("agent") == ["The two parties"]


def test_a_two_word_dateline_city_is_a_place(nlp_sm: Any, scheme: Scheme) -> None:
    """The pipeline tags only "ALEGRE" of "PORTO ALEGRE, Brazil, May 5 (Reuters) — " as an
    organisation, which then became the agent of the first verb: the whole city is a PLACE."""
    text = (
        "Floods hit southern Brazil\n"
        "PORTO ALEGRE, Brazil, May 5 (Reuters) — Heavy rains in southern Brazil have killed "
        "at least 56 people, authorities said on Sunday."
    )
    proposal = run(text, nlp_sm, scheme)
    assert "PORTO ALEGRE" in spans_of(text, proposal, "PLACE")
    assert not [a for a in spans_of(text, proposal, "ACTOR") if "ALEGRE" in a]
    assert "agent" not in roles_of(text, proposal, "killed")


def test_a_dateline_is_a_sentence_of_its_own(nlp_sm: Any, scheme: Scheme) -> None:
    """The parser gets the dateline as a sentence of its own: its date is no part of the claim
    and no time of the event that follows."""
    text = (
        "Cholera spreads in Zambia\n"
        "LUSAKA, Jan 9 — A cholera outbreak has killed at least 120 people in Zambia since "
        "October, the health ministry said on Tuesday."
    )
    proposal = run(text, nlp_sm, scheme)
    claims = spans_of(text, proposal, "CLAIM")
    assert claims == ["A cholera outbreak has killed at least 120 people in Zambia since October"]
    assert roles_of(text, proposal, "killed").get("time") == ["October"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_who_acts_during_a_protest_is_not_its_agent(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "Police arrested 12 people during the protest": the police did not protest; who takes
    part in a protest does."""
    text = (
        "Police arrested 12 people during the protest in Nairobi. "
        "Thousands of students took part in the rally on Friday."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "agent" not in roles_of(text, proposal, "protest")
    assert roles_of(text, proposal, "rally").get("agent") == ["Thousands of students"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_clashes_marches_and_signed_bills(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "clashed with police": the police are the other side; protesters march "on"
    parliament (a place, no target) but protest "against" their target; signing a bill into
    law is a legal act, not an agreement."""
    text = (
        "Fans clashed with police outside the stadium. "
        "Thousands of students marched on parliament in Nairobi. "
        "The president signed the finance bill into law on Wednesday."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "clashed").get("target") == ["police"]
    assert "target" not in roles_of(text, proposal, "marched")
    assert _types(text, proposal).get("signed") == "other"


def test_the_words_an_event_type_pattern_can_start_from(scheme: Scheme) -> None:
    """``anchor_words`` lets the trigger scan skip ``event_type`` for other words; a pattern
    whose anchor may be any word turns the shortcut off."""
    from annotator.suggest.patterns import ArgumentPatterns

    raw = scheme.preannotation["argument_patterns"]
    words = ArgumentPatterns(raw).anchor_words("event_type")
    assert words is not None and {"strike", "struck", "win", "release"} <= words
    assert "attack" not in words
    anything = {
        "name": "any",
        "type": "other",
        "pattern": [{"RIGHT_ID": "trigger", "RIGHT_ATTRS": {}}],
    }
    assert (
        ArgumentPatterns({"event_type": [*raw["event_type"], anything]}).anchor_words("event_type")
        is None
    )
