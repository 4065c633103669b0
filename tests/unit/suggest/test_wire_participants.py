"""Who took part in events and who is named, in wire reports of arrests, elections and state
visits (sentences written for these tests, none from the dev set): the noun a participle
modifies, a reduced relative the parser makes the main verb, the winner of an election, a
noun that has its capital only from opening a sentence, and a name the recogniser joins to
the adverb after it."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.scheme import Scheme

from .helpers import (
    MATCHERS,
    actor_types,
    claimant_of,
    find,
    roles_of,
    run,
    spans_of,
    with_matcher,
)


@pytest.mark.parametrize("matcher", MATCHERS)
def test_the_noun_a_participle_modifies_undergoes_it(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "arrested on suspicion of murder": the suspicion is no target, the teenager is."""
    text = "A second teenager arrested on suspicion of murder has been released on bail."
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "arrested").get("target") == ["A second teenager"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_reduced_relative_read_as_the_main_verb_is_passive(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """The parser makes "detained" the main verb with "journalists" its subject and joins
    "were freed" to it: the journalists were detained, they did not detain. An active verb
    with its own object keeps its agent."""
    text = (
        "Two journalists detained on charges of espionage were freed on Monday. "
        "Police arrested three men and charged them with fraud."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "detained").get("target") == ["Two journalists"]
    assert "agent" not in roles_of(text, proposal, "detained")
    assert roles_of(text, proposal, "arrested") == {
        "agent": ["Police"],
        "target": ["three men"],
    }


@pytest.mark.parametrize("matcher", MATCHERS)
def test_who_wins_an_election_is_elected(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """The guidelines make the person elected the target, as the person defeated is: so is
    who wins an election or a term. A match's winner still plays."""
    news = with_matcher(scheme, matcher)
    text = "Bassirou Faye won the presidential election in the first round."
    proposal = run(text, nlp_sm, news)
    assert roles_of(text, proposal, "won") == {"target": ["Bassirou Faye"]}
    assert roles_of(text, proposal, "election") == {"target": ["Bassirou Faye"]}
    text = "The ruling party won a second term."
    assert roles_of(text, run(text, nlp_sm, news), "won") == {"target": ["The ruling party"]}
    text = "The Colts won the game on Sunday."
    assert roles_of(text, run(text, nlp_sm, news), "won").get("agent") == ["The Colts"]


def test_a_noun_capitalised_by_opening_a_sentence_is_no_actor(nlp_sm: Any, scheme: Scheme) -> None:
    """ "Turnout" tagged PERSON: the tagger reads a common noun, the lemmatiser knows it, and
    it is nowhere else capitalised. A party the scheme knows stays ("Labour")."""
    text = "Turnout was 61 percent. Observers said the vote was peaceful."
    assert "Turnout" not in spans_of(text, run(text, nlp_sm, scheme), "ACTOR")
    text = "Labour won the seat. The Conservatives lost it."
    assert "Labour" in spans_of(text, run(text, nlp_sm, scheme), "ACTOR")


def test_a_name_joined_to_the_adverb_after_it_is_no_time(nlp_sm: Any, scheme: Scheme) -> None:
    """ "Lula later visited" tagged DATE: Lula, a person twice before, visits; "later" names
    no time."""
    text = (
        "President Luiz Inacio Lula da Silva arrived in Beijing on Friday. Lula, on his first "
        "visit since 2019, met Xi. Xi told Lula that China was ready. Lula later visited the "
        "headquarters of Huawei in Shanghai."
    )
    proposal = run(text, nlp_sm, scheme)
    assert "Lula later" not in spans_of(text, proposal, "TIME")
    assert roles_of(text, proposal, "visited").get("agent") == ["Lula"]


def test_the_place_an_office_is_held_over_is_no_person(nlp_sm: Any, scheme: Scheme) -> None:
    """ "The former mayor of Valencia" with "Valencia" tagged PERSON: the city, and the mayor
    is the one arrested."""
    text = "The former mayor of Valencia was arrested on Thursday, the Civil Guard said."
    proposal = run(text, nlp_sm, scheme)
    assert "Valencia" in spans_of(text, proposal, "PLACE")
    assert "Valencia" not in spans_of(text, proposal, "ACTOR")
    assert roles_of(text, proposal, "arrested").get("target") == ["The former mayor of Valencia"]


def test_premises_searched_are_no_actor(nlp_sm: Any, scheme: Scheme) -> None:
    """ "searched the offices of two firms": the offices are premises, the firms act."""
    text = "Officers searched the offices of two construction firms on Thursday."
    actors = spans_of(text, run(text, nlp_sm, scheme), "ACTOR")
    assert "the offices" not in actors
    assert "two construction firms" in actors


def test_one_member_of_an_armed_group_is_a_person(nlp_sm: Any, scheme: Scheme) -> None:
    """ "a Hezbollah terrorist", "an insurgent": one person; "insurgents" and "a militia" are
    the group."""
    text = (
        "The army said it struck a Hezbollah terrorist near the town. Insurgents attacked "
        "the base. A militia said it was responsible. An insurgent was killed."
    )
    types = actor_types(text, run(text, nlp_sm, scheme))
    assert types["a Hezbollah terrorist"] == "person"
    assert types["An insurgent"] == "person"
    assert types["Insurgents"] == "armed_group"
    assert types["A militia"] == "armed_group"


@pytest.mark.parametrize("matcher", MATCHERS)
def test_what_a_deal_comes_after_has_happened(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "agree on a deal after late-night talks": the talks took place; "agreed to hold talks"
    plans them."""
    news = with_matcher(scheme, matcher)
    text = "Finance ministers agree on minimum tax deal after late-night talks"
    talks = find(text, run(text, nlp_sm, news), "EVENT", "talks")
    assert talks.attrs.get("status") == "occurred"
    text = "The two sides agreed to hold talks in Geneva."
    talks = find(text, run(text, nlp_sm, news), "EVENT", "talks")
    assert talks.attrs.get("status") == "planned"


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_clause_since_which_the_main_one_counts_has_its_own_place(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "the largest removal since the two countries signed an agreement last year": Tirana
    is where the removal went, not where the agreement was signed."""
    text = (
        "Britain deported 40 Albanian nationals on a charter flight to Tirana on Tuesday, the "
        "Home Office said, the largest single removal since the two countries signed a "
        "returns agreement last year."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "signed") == {"time": ["last year"]}
    assert roles_of(text, proposal, "deported").get("place") == ["Tirana"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_participle_of_condition_is_passive_and_has_no_time_of_the_main_clause(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "If convicted, she could face up to eight years": she would be convicted, and the
    eight years are the sentence, not when; "When arrested, the suspect ..." likewise."""
    news = with_matcher(scheme, matcher)
    text = "Morales denies wrongdoing. If convicted, she could face up to eight years in prison."
    assert roles_of(text, run(text, nlp_sm, news), "convicted") == {"target": ["Morales"]}
    text = "When arrested, the suspect was carrying a knife."
    assert roles_of(text, run(text, nlp_sm, news), "arrested") == {"target": ["the suspect"]}


@pytest.mark.parametrize("matcher", MATCHERS)
def test_it_in_a_reported_clause_is_the_reporting_subject(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "Ukraine's air force said it had shot down 25 drones": it is the air force, not the
    "Ukraine" a headline made the most salient name."""
    text = (
        "Ukraine says it downed 25 drones\n\n"
        "KYIV (Reuters) - Ukraine's air force said on Saturday it had shot down 25 of 29 "
        "drones that Russia launched overnight."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "shot").get("agent") == ["Ukraine's air force"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_an_event_a_plan_answers_has_happened(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "vowed to crush the unrest", "agreed to settle lawsuits": the unrest and the lawsuits
    are there; "threatened to launch an attack" plans it."""
    news = with_matcher(scheme, matcher)
    for text, trigger, status in (
        ("President William Ruto vowed to crush the unrest.", "unrest", "occurred"),
        (
            "The firm agreed to pay $1.2 billion to settle thousands of lawsuits.",
            "lawsuits",
            "occurred",
        ),
        ("Rebels threatened to launch an attack.", "attack", "planned"),
    ):
        event = find(text, run(text, nlp_sm, news), "EVENT", trigger)
        assert event.attrs.get("status") == status, text


@pytest.mark.parametrize("matcher", MATCHERS)
def test_an_event_noun_that_names_its_doer_takes_no_agent_from_outside(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "Ukraine says it downed 25 drones in overnight Russian attack": Ukraine did not
    attack; "Russia's attack" is Russia's."""
    news = with_matcher(scheme, matcher)
    text = "Ukraine says it downed 25 drones in overnight Russian attack"
    assert "agent" not in roles_of(text, run(text, nlp_sm, news), "attack")
    text = "Russia's attack on Kyiv killed three people."
    assert roles_of(text, run(text, nlp_sm, news), "attack").get("agent") == ["Russia"]


def test_names_of_settlements_and_of_where_a_court_sits_are_places(
    nlp_sm: Any, scheme: Scheme
) -> None:
    """ "Kyiv's Solomianskyi district" with both names tagged PERSON: a city and a district
    (the noun with it); "A court in Lusaka" with "Lusaka" tagged ORG: where the court sits."""
    text = (
        "Debris damaged a residential building in Kyiv's Solomianskyi district, injuring two "
        "people."
    )
    proposal = run(text, nlp_sm, scheme)
    assert spans_of(text, proposal, "PLACE") == ["Kyiv", "Solomianskyi district"]
    assert not {"Kyiv", "Solomianskyi"} & set(spans_of(text, proposal, "ACTOR"))
    text = "A court in Lusaka sentenced former health minister Chitalu Mwila on Friday."
    proposal = run(text, nlp_sm, scheme)
    assert spans_of(text, proposal, "PLACE") == ["Lusaka"]
    assert "Lusaka" not in spans_of(text, proposal, "ACTOR")


def test_a_name_a_group_gives_itself_is_the_group_and_no_claim(nlp_sm: Any, scheme: Scheme) -> None:
    """ "A group calling itself Black Harbor": a name (tagged LOC), not a claim."""
    text = "A group calling itself Black Harbor claimed responsibility on its website."
    proposal = run(text, nlp_sm, scheme)
    assert spans_of(text, proposal, "CLAIM") == []
    assert actor_types(text, proposal).get("Black Harbor") == "organisation"
    assert "Black Harbor" not in spans_of(text, proposal, "PLACE")


def test_types_from_two_word_nouns_and_modifiers(nlp_sm: Any, scheme: Scheme) -> None:
    """ "the Libyan coast guard" is no guard but a government; "the U.N. migration agency" is
    the U.N.'s; "a hospital network" networks hospitals, no media; "the journal Neurology"
    and "state broadcaster CCTV" are media."""
    text = (
        "The Libyan coast guard intercepted 17,000 migrants, the U.N. migration agency said. "
        "Hackers hit a hospital network in Germany. The study was published in the journal "
        "Neurology. Xi spoke to state broadcaster CCTV. The TV network denied it."
    )
    types = actor_types(text, run(text, nlp_sm, scheme))
    assert types["The Libyan coast guard"] == "government"
    assert types["the U.N. migration agency"] == "international_org"
    assert types["a hospital network"] == "organisation"
    assert types["Neurology"] == "media"
    assert types["CCTV"] == "media"
    assert types["The TV network"] == "media"


def test_names_with_particles_and_portfolios_before_names(nlp_sm: Any, scheme: Scheme) -> None:
    """ "Erik ten Hag" with "ten" read as a number and "Ursula von der Leyen" with "Leyen" read
    as a place are one name each; "Health" of "Health Secretary Wes Streeting" is no
    organisation: "Health Secretary" names her."""
    text = (
        "United manager Erik ten Hag met Ursula von der Leyen. Opponents, including Health "
        "Secretary Wes Streeting, argued that it was wrong."
    )
    proposal = run(text, nlp_sm, scheme)
    types = actor_types(text, proposal)
    assert types["Erik ten Hag"] == "person"
    assert types["Ursula von der Leyen"] == "person"
    assert spans_of(text, proposal, "PLACE") == []
    assert types["Health Secretary"] == "person"
    assert "Health" not in types


@pytest.mark.parametrize("matcher", MATCHERS)
def test_illness_and_dying_are_no_events(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "a heart attack" is no attack; "assisted dying", "dying people" are no deaths; "He
    died" is one."""
    text = (
        "Lawmakers voted to legalise assisted dying for terminally ill adults. Leadbeater said "
        "it gave dying people choice. He died after a heart attack in 2019."
    )
    events = spans_of(text, run(text, nlp_sm, with_matcher(scheme, matcher)), "EVENT")
    assert "attack" not in events
    assert "dying" not in events
    assert "died" in events


def test_what_a_name_is_from_the_words_around_it(nlp_sm: Any, scheme: Scheme) -> None:
    """ "Minera Atacama, the company that operates the mine" (tagged PERSON) is a company;
    "known as Ahok" (tagged ORG) is the person's other name; "the Moon" is no one; "the
    Jadar mine" (with "Jadar" tagged PERSON) is a place; "the company Rio Tinto" is one
    mention."""
    text = (
        "Minera Atacama, the company that operates the mine, said it had complied. In 2017, "
        "the former governor of Jakarta, Basuki Tjahaja Purnama, known as Ahok, was jailed. "
        "The first crewed flight around the Moon was delayed."
    )
    proposal = run(text, nlp_sm, scheme)
    types = actor_types(text, proposal)
    assert types["Minera Atacama"] == "organisation"
    assert types["Ahok"] == "person"
    assert "Moon" not in types
    text = "The Anglo-Australian company Rio Tinto plans to develop the Jadar mine."
    proposal = run(text, nlp_sm, scheme)
    assert "Jadar mine" in spans_of(text, proposal, "PLACE")
    assert actor_types(text, proposal) == {"The Anglo-Australian company Rio Tinto": "organisation"}


@pytest.mark.parametrize("matcher", MATCHERS)
def test_standards_met_and_launches_delayed(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "unless it met the highest standards" is no meeting; "delayed the launch to April" and
    "the vote was postponed" are still ahead; "several others wounded" were wounded."""
    news = with_matcher(scheme, matcher)
    text = "The mine would not open unless it met the highest environmental standards."
    assert "met" not in spans_of(text, run(text, nlp_sm, news), "EVENT")
    text = "NASA said it has delayed the launch to April. The vote was postponed."
    proposal = run(text, nlp_sm, news)
    assert find(text, proposal, "EVENT", "launch").attrs.get("status") == "planned"
    assert find(text, proposal, "EVENT", "vote").attrs.get("status") == "planned"
    text = "Two people were killed and several others wounded when a gunman opened fire."
    proposal = run(text, nlp_sm, news)
    assert roles_of(text, proposal, "wounded").get("target") == ["several others"]


def test_laws_positions_buildings_and_abbreviations_are_no_participants(
    nlp_sm: Any, scheme: Scheme
) -> None:
    """ "The AI Act bans": a law, no agent, and "AI" no place; "removed from office": the
    position; "a third of jails": buildings, no detention; "Labour accused ministers" read
    as one noun phrase: the ministers."""
    text = (
        "The AI Act bans some uses of artificial intelligence outright. Vizcarra was removed "
        "from office by Congress in 2020. Overcrowding had reached dangerous levels in a third "
        "of jails in England. Labour accused ministers of losing control of the prison estate."
    )
    proposal = run(text, nlp_sm, scheme)
    actors = spans_of(text, proposal, "ACTOR")
    assert not {"The AI Act", "office", "Labour accused ministers"} & set(actors)
    assert "ministers" in actors
    assert "AI" not in spans_of(text, proposal, "PLACE")
    assert "jails" not in spans_of(text, proposal, "EVENT")
    assert roles_of(text, proposal, "bans") == {}


@pytest.mark.parametrize("matcher", MATCHERS)
def test_an_event_expected_to_end_is_under_way(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "The trial ... is expected to end next month": it began; "the vote is expected to take
    place" is ahead."""
    news = with_matcher(scheme, matcher)
    text = "The trial, which began in October, is expected to end next month."
    assert find(text, run(text, nlp_sm, news), "EVENT", "trial").attrs["status"] == "occurred"
    text = "The vote is expected to take place in May."
    assert find(text, run(text, nlp_sm, news), "EVENT", "vote").attrs["status"] == "planned"


@pytest.mark.parametrize("matcher", MATCHERS)
def test_primaries_and_caucuses_are_won_and_lost_by_their_targets(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "won 14 of the 15 Republican primaries held on Super Tuesday": an election whose
    winner is elected, on a named day; "losing only the caucus": the loser is its target."""
    news = with_matcher(scheme, matcher)
    text = "Donald Trump won 14 of the 15 Republican primaries held on Super Tuesday."
    proposal = run(text, nlp_sm, news)
    assert find(text, proposal, "EVENT", "won").attrs["type"] == "election"
    assert roles_of(text, proposal, "won") == {
        "target": ["Donald Trump"],
        "time": ["Super Tuesday"],
    }
    assert spans_of(text, proposal, "TIME") == ["Super Tuesday"]
    text = "Biden won on Tuesday, losing only the caucus in Samoa to businessman Jason Palmer."
    assert roles_of(text, run(text, nlp_sm, news), "caucus").get("target") == ["Biden"]


def test_a_name_with_her_own_campaign_is_a_person(nlp_sm: Any, scheme: Scheme) -> None:
    """ "Nikki Haley suspended her presidential campaign" with the name tagged ORG: a person,
    so "she said" after her words is hers; a day named after a person stays apart ("met
    Jones Tuesday")."""
    text = (
        'Nikki Haley suspended her presidential campaign on Wednesday. "It is now up to Donald '
        'Trump to earn the votes of those who did not support him," she said. Smith met Jones '
        "Tuesday."
    )
    proposal = run(text, nlp_sm, scheme)
    assert actor_types(text, proposal)["Nikki Haley"] == "person"
    claim = "It is now up to Donald Trump to earn the votes of those who did not support him"
    assert claimant_of(text, proposal, claim) == ["Nikki Haley"]
    assert "Jones Tuesday" not in spans_of(text, proposal, "TIME")


def test_a_participle_set_off_from_its_noun_is_no_speech(nlp_sm: Any, scheme: Scheme) -> None:
    """ "The cuts, agreed with the union after weeks of talks, will be made ...": the parser
    makes "The cuts agreed" a clause; no one but the spokesman speaks. "Recipients, said
    Mauer, are required ..." is a speech tag."""
    text = (
        "The cuts, agreed with the powerful IG Metall union after weeks of negotiations, will "
        "be made through early retirement and voluntary departures, a spokesman said."
    )
    proposal = run(text, nlp_sm, scheme)
    assert [claimant_of(text, proposal, c) for c in spans_of(text, proposal, "CLAIM")] == [
        ["a spokesman"]
    ]
    text = "Institutional recipients, said Mauer, are required to exhibit their photographs."
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "are required to exhibit their photographs") == ["Mauer"]


def test_a_counted_group_is_one_mention_with_its_count(nlp_sm: Any, scheme: Scheme) -> None:
    """ "tens of thousands of people", "dozens of demonstrators": the count is part of the
    mention, as GUM marks "hundreds of thousands of people"."""
    text = "The war has killed tens of thousands of people. Police arrested dozens of protesters."
    proposal = run(text, nlp_sm, scheme)
    assert roles_of(text, proposal, "killed") == {"target": ["tens of thousands of people"]}
    assert roles_of(text, proposal, "arrested").get("target") == ["dozens of protesters"]


def test_a_role_of_someone_is_its_own_actor(nlp_sm: Any, scheme: Scheme) -> None:
    """ "a close aide of former Prime Minister Imran Khan" is the aide, not Khan; "The
    chairman of the group, Noman Benotman" is still Benotman, named in apposition."""
    text = (
        "Pakistani police on Sunday arrested a close aide of former Prime Minister Imran Khan. "
        "The chairman of the group, Noman Benotman, said it was over."
    )
    proposal = run(text, nlp_sm, scheme)
    aide = "a close aide of former Prime Minister Imran Khan"
    assert roles_of(text, proposal, "arrested").get("target") == [aide]
    assert claimant_of(text, proposal, "it was over") == ["Noman Benotman"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_topic_or_a_verb_before_a_strike_names_no_striker(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "staged a hunger strike", "staged warning strikes": the workers strike, "hunger" and
    "warning" say what kind; "a police raid" is the police's."""
    news = with_matcher(scheme, matcher)
    text = "Workers staged a hunger strike. Teachers staged warning strikes at nine schools."
    proposal = run(text, nlp_sm, news)
    assert roles_of(text, proposal, "strike").get("agent") == ["Workers"]
    assert roles_of(text, proposal, "strikes").get("agent") == ["Teachers"]
    text = "A police raid on the office found nothing."
    assert roles_of(text, run(text, nlp_sm, news), "raid").get("agent") == ["police"]
