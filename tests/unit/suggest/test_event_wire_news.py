"""Event triggers, types, status and roles on more wire-report constructions (sentences
written for these tests, none from the dev set), run with both pattern matchers."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.scheme import Scheme

from .helpers import MATCHERS, related, roles_of, run, with_matcher


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
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "election") == {}
    assert roles_of(text, proposal, "detained").get("time") == ["Monday"]
    assert roles_of(text, proposal, "earthquake") == {}
    assert "time" not in roles_of(text, proposal, "died")
    assert roles_of(text, proposal, "win").get("time") == ["Sunday"]


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
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    arrested = roles_of(text, proposal, "arrested")
    assert "time" not in arrested and "place" not in arrested, arrested
    assert "place" not in roles_of(text, proposal, "statement")


def _events(text: str, proposal: Any) -> dict[str, tuple[str, str]]:
    return {
        text[s.start : s.end]: (str(s.attrs.get("type")), str(s.attrs.get("status")))
        for s in proposal.spans
        if s.label == "EVENT"
    }


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_police_raid_is_a_search_and_the_wounded_are_people(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """Police, investigators or customs raiding a place search it (``police_raid``); gunmen
    raiding a village attack it. "The injured" and "the dead" are people, not events; a news
    conference is a statement."""
    text = (
        "Police raided three flats in Lyon on Monday. "
        "Offices of the firm were raided by investigators. "
        "Gunmen raided a village near the border. "
        "Two of the injured were flown to Nairobi, and the dead included a child. "
        "The mayor told a news conference that the fire was under control."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    raids = [s for s in proposal.spans if s.label == "EVENT" and text[s.start : s.end] == "raided"]
    assert [str(s.attrs.get("type")) for s in raids] == ["other", "other", "attack"], events
    assert "injured" not in events and "dead" not in events, events
    assert events.get("news conference") == ("statement", "occurred"), events


@pytest.mark.parametrize("matcher", MATCHERS)
def test_who_is_urged_or_due_to_do_it_does_it_and_it_is_planned(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """Whom a verb urges or calls on to act is the agent, and what is asked for has not
    happened; the subject of "is due to" is the agent. "Was forced to resign" happened."""
    text = (
        "The envoy urged both governments to hold talks. "
        "Rights groups called on the army to release the activists. "
        "Unions called for a general strike. "
        "The premier is due to meet union leaders on Friday. "
        "The minister was forced to resign."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    talks = roles_of(text, proposal, "talks")
    assert talks.get("agent") == ["both governments"] and events["talks"][1] == "planned", talks
    release = roles_of(text, proposal, "release")
    assert release.get("agent") == ["the army"] and events["release"][1] == "planned", release
    assert events["strike"] == ("protest", "planned"), events
    assert roles_of(text, proposal, "meet").get("agent") == ["The premier"]
    assert events["resign"][1] == "occurred", events


@pytest.mark.parametrize("matcher", MATCHERS)
def test_an_agreed_truce_happened_and_who_agreed_made_it(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "agreed to a truce", "agreed a ceasefire": the agreement is made (not planned) by the
    subject; a statement "from" someone is theirs; the subject of a passive governor acts
    in its gerund; a share of the vote won with seats is an election."""
    text = (
        "The rebels agreed to a truce on Sunday. "
        "The two factions agreed a ceasefire. "
        "The party denied the claims, according to a statement from its leader. "
        "Two students were arrested for protesting outside the embassy. "
        "The Greens won 31 percent and 40 seats."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events["truce"] == ("agreement", "occurred"), events
    assert roles_of(text, proposal, "truce").get("agent") == ["The rebels"]
    assert events["ceasefire"] == ("agreement", "occurred"), events
    assert roles_of(text, proposal, "ceasefire").get("agent") == ["The two factions"]
    assert roles_of(text, proposal, "statement").get("agent") == ["its leader"]
    assert roles_of(text, proposal, "protesting").get("agent") == ["Two students"]
    assert events["won"][0] == "election", events


@pytest.mark.parametrize("matcher", MATCHERS)
def test_shops_malls_and_warehouses_are_places(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    text = "A gunman opened fire at a supermarket on Friday. Police arrested him at a warehouse."
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "opened fire").get("place") == ["a supermarket"]
    assert roles_of(text, proposal, "arrested").get("place") == ["a warehouse"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_nobody_is_no_argument_and_a_hostage_is_no_second_event(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "No group claimed responsibility": no agent; "held two engineers hostage" is one
    detention (the complement of a verb + complement trigger is none of its own)."""
    text = (
        "No group has claimed responsibility for the bombing. "
        "Pirates held two engineers hostage for a month."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "agent" not in roles_of(text, proposal, "bombing")
    events = _events(text, proposal)
    assert events.get("held") == ("detention", "occurred") and "hostage" not in events, events


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_state_that_takes_part_is_no_place(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """A place joined to a participant ("Armenia and Azerbaijan agree ceasefire") or the
    object of "with" ("signed with Tirana") takes part; it is not where it happened."""
    text = (
        "Serbia and Kosovo agree truce after clashes\nThe accord was signed with Tirana last year."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "place" not in roles_of(text, proposal, "truce")
    assert "place" not in roles_of(text, proposal, "accord")


def test_a_title_case_headline_verb_is_a_trigger(nlp_sm: Any, scheme: Scheme) -> None:
    """A title-case headline leaves "Deports" unlemmatised: its base form is a trigger."""
    text = "Britain Deports 43 Albanians On Charter Flight\nBritain deported 43 people."
    proposal = run(text, nlp_sm, scheme)
    assert _events(text, proposal).get("Deports", ("",))[0] == "deportation"


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_time_that_says_how_long_is_no_time_of_the_event(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """A length ("a 48-hour strike"), a prison term ("sentenced him to ten years"), the span
    a first or a superlative compares over ("for the first time in five years", "the
    deadliest earthquake to hit the region in three decades", "the worst since 1998") and an
    age range ("aged between 19 and 30") say when nothing happened; "since 1998, when storms
    killed 40 people" is when the storms killed."""
    text = (
        "Taxi drivers began a 48-hour strike on Monday. "
        "A court sentenced him to ten years in prison. "
        "The two presidents met in Oslo for the first time in five years. "
        "It was the deadliest earthquake to hit the region in three decades. "
        "The blast was the worst since 1998, when gunmen killed 40 people. "
        "Five men, aged between 19 and 30, were arrested on Friday."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "strike").get("time") == ["Monday"]
    assert "time" not in roles_of(text, proposal, "sentenced")
    assert "time" not in roles_of(text, proposal, "met")
    assert "time" not in roles_of(text, proposal, "earthquake")
    assert "time" not in roles_of(text, proposal, "blast")
    assert roles_of(text, proposal, "killed").get("time") == ["1998"]
    assert roles_of(text, proposal, "arrested").get("time") == ["Friday"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_suicide_bombers_detention_centres_and_nationals(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "a suicide bomber" and "a detention centre" are no events of their own; nationals,
    servicemen and inmates are people."""
    text = (
        "A suicide bomber killed six people at a checkpoint. "
        "The suspects were taken to a detention centre. "
        "Border guards detained 12 Afghan nationals. "
        "Two servicemen were killed."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert "suicide" not in events and "detention" not in events, events
    assert roles_of(text, proposal, "detained").get("target") == ["12 Afghan nationals"]
    assert "Two servicemen" in _targets(text, proposal, "killed")


def _targets(text: str, proposal: Any, trigger: str) -> list[str]:
    return [
        t
        for s in proposal.spans
        if s.label == "EVENT" and text[s.start : s.end] == trigger
        for t in related(text, proposal, s, "target")
    ]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_where_an_actor_sits_or_was_jailed_is_not_where_it_happened(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """A place in the phrase of an acting actor ("Russia's embassy in Berlin", "the mayor of
    the town of Lora"), in a participle clause of an actor ("an Iranian engineer jailed in Belgium")
    or in a passive's "by" phrase is none of the event's; the target's "in Paris" is."""
    text = (
        "Russia's embassy in Berlin condemned the expulsions. "
        "The mayor of the town of Lora resigned on Monday. "
        "Iran released a French tourist in exchange for an Iranian engineer jailed in Belgium. "
        "The hostages were freed in a deal brokered by Qatar and released on Friday. "
        "Police arrested a man in Paris."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "place" not in roles_of(text, proposal, "expulsions")
    assert "place" not in roles_of(text, proposal, "resigned")
    places = [
        p
        for s in proposal.spans
        if s.label == "EVENT" and text[s.start : s.end] == "released"
        for p in related(text, proposal, s, "place")
    ]
    assert places == [], places
    assert roles_of(text, proposal, "arrested").get("place") == ["Paris"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_what_was_vowed_or_plotted_has_not_happened_then(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """The time of a verb of intent is not the time of what it intends ("vowed on Tuesday to
    attack"), unless it looks ahead ("tomorrow he plans to meet"); conspiring to kill plans
    a killing."""
    text = (
        "The rebels vowed on Tuesday to attack the capital. "
        "Tomorrow he plans to meet the king. "
        "He was convicted in 2015 of conspiring to kill a judge."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "time" not in roles_of(text, proposal, "attack")
    assert roles_of(text, proposal, "meet").get("time") == ["Tomorrow"]
    kill = roles_of(text, proposal, "kill")
    assert "time" not in kill and _events(text, proposal)["kill"][1] == "planned", kill


@pytest.mark.parametrize("matcher", MATCHERS)
def test_crashes_raids_kidnappings_and_walkouts(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """A plane crash is an event though "crash" is a verb-only trigger; a raid in which
    people are detained is a search; "ruling out" is no ruling; kidnappings, wildfires and
    walkouts are events; what troops fire at is the target, who tells a news conference
    speaks, and what explodes is no agent."""
    text = (
        "It was the deadliest plane crash in the country since 2010. "
        "Two men were detained in raids in Hamburg. "
        "The coach is ruling out a return. "
        "Gunmen kidnapped 12 villagers. "
        "A wildfire destroyed 40 homes. "
        "Nurses staged a walkout on Monday. "
        "Troops fired rubber bullets at the crowd. "
        "The minister told a news conference that talks had failed. "
        "NASA launched the shuttle in January. It exploded 73 seconds after liftoff."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events.get("crash", ("",))[0] == "other", events
    assert events.get("raids", ("",))[0] == "other", events
    assert "ruling" not in events, events
    assert events.get("kidnapped", ("",))[0] == "detention", events
    assert roles_of(text, proposal, "kidnapped") == {
        "agent": ["Gunmen"],
        "target": ["12 villagers"],
    }
    assert "wildfire" in events, events
    assert roles_of(text, proposal, "walkout").get("agent") == ["Nurses"]
    assert roles_of(text, proposal, "fired").get("target") == ["the crowd"]
    assert roles_of(text, proposal, "news conference").get("agent") == ["The minister"]
    assert "agent" not in roles_of(text, proposal, "exploded")


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_bare_count_of_people_is_an_argument(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "killed dozens", "wounded 23 others", "thousands marched": the count stands for people
    where an event befalls or is done by people; "fired dozens of rockets" counts things."""
    text = (
        "Floods killed dozens in the valley. "
        "Gunmen killed four people and wounded 23 others. "
        "Thousands marched in Lagos. "
        "Troops fired dozens of rockets."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert roles_of(text, proposal, "killed").get("target") == ["dozens"]
    assert roles_of(text, proposal, "wounded").get("target") == ["23 others"]
    assert roles_of(text, proposal, "marched").get("agent") == ["Thousands"]
    assert "target" not in roles_of(text, proposal, "fired")


@pytest.mark.parametrize("matcher", MATCHERS)
def test_threats_shootouts_funerals_and_campaign_rallies(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "death threats" are no killing; a shootout is an attack and a coup an event; whose
    funeral it is did not hold it; a campaign rally is no protest; "five wounded" beside a
    passive is passive, and a passive takes no agent from the clause above it."""
    text = (
        "The judge had received death threats. "
        "A suspect died in a shootout with police. "
        "The army seized power in a coup. "
        "Hundreds attended the mayor's funeral. "
        "He spoke at a campaign rally in Lagos. "
        "Two soldiers were killed and five wounded when their patrol was ambushed."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert "death" not in events, events
    assert events.get("shootout", ("",))[0] == "attack", events
    assert events.get("coup", ("",))[0] == "other", events
    funeral = roles_of(text, proposal, "funeral")
    assert "agent" not in funeral and funeral.get("target"), funeral
    assert events["rally"][0] == "other", events
    assert roles_of(text, proposal, "wounded").get("target") == ["five"]
    assert "agent" not in roles_of(text, proposal, "wounded")
    assert "agent" not in roles_of(text, proposal, "ambushed")


@pytest.mark.parametrize("matcher", MATCHERS)
def test_what_is_called_or_due_or_will_go_ahead_is_planned(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """A demonstration unions call (and organise), an election that will go ahead, a trial
    three men are due to go on are planned; a participle beside a pledge is not pledged."""
    text = (
        "Unions called a demonstration for next week. "
        "The election will go ahead on Sunday. "
        "Three officers are due to go on trial next year. "
        "The ministers, meeting in Rome, pledged to cut emissions."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events["demonstration"][1] == "planned", events
    assert roles_of(text, proposal, "demonstration").get("agent") == ["Unions"]
    assert events["election"][1] == "planned", events
    assert events["trial"][1] == "planned", events
    assert events["meeting"][1] == "occurred", events


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_reason_has_its_own_time_and_place(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """What someone is punished for or what a measure is "over" happened at its own time and
    place; whom sanctions are "on" is no place; "over the weekend" is a time."""
    text = (
        "A court jailed him on Monday over the murder of a teacher. "
        "The EU imposed sanctions on Russia over its invasion of Ukraine. "
        "Police raided six homes in Breda over the weekend."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "time" not in roles_of(text, proposal, "murder")
    assert "place" not in roles_of(text, proposal, "sanctions")
    assert roles_of(text, proposal, "raided").get("time") == ["the weekend"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_first_time_in_years_and_servicemen(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "meet for first time in two years" (a headline without "the", "in two years" on the
    verb) says when nothing happened; "servicemen", which the lemmatiser leaves plural, are
    people."""
    text = (
        "Greek, Turkish leaders meet for first time in two years\n"
        "The minister said that 40 servicemen had been killed."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "time" not in roles_of(text, proposal, "meet")
    assert roles_of(text, proposal, "killed").get("target") == ["40 servicemen"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_an_event_inside_another_events_noun_and_a_shared_subject(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """An event named inside another event's noun ("an investigation into the bombing was
    opened in March") happened at its own time; who appeared in court "and were remanded in
    custody" is detained."""
    text = (
        "An investigation into the bombing was opened in March. "
        "The suspects appeared in court and were remanded in custody."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    assert "time" not in roles_of(text, proposal, "bombing")
    assert roles_of(text, proposal, "custody").get("target") == ["The suspects"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_foiled_plots_freed_hostages_and_those_killed(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """What police foil did not happen and is not theirs (a verb joined to "foiled" still
    shares its subject); "freed" is an event, "hostages" people; those "among those killed"
    were killed; a bombardment is an attack."""
    text = (
        "Police foiled a plot to attack a concert in Vienna and arrested two men. "
        "The militants freed two hostages on Sunday. "
        "Dozens of tourists were among those killed. "
        "The bombardment of the city continued for a week."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events["attack"][1] == "denied", events
    assert "agent" not in roles_of(text, proposal, "attack")
    assert roles_of(text, proposal, "arrested").get("agent") == ["Police"]
    assert roles_of(text, proposal, "freed").get("target") == ["two hostages"]
    assert "hostages" not in events, events
    assert roles_of(text, proposal, "killed").get("target") == ["Dozens of tourists"]
    assert events.get("bombardment", ("",))[0] == "attack", events


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_time_that_names_a_kind_and_a_two_city_dateline(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "a Christmas market", "a 16-year-old boy": a time that modifies a noun of no event is
    no time ("the 1945 bombing" is); a dateline of two cities is no place; a place in the
    name of what was hit ("the Texas website") is no place."""
    text = (
        "GAZA/TEL AVIV (Reuters) - Gunmen killed two men on Friday.\n"
        "A man attacked shoppers at a Christmas market. "
        "Police shot a 16-year-old boy. "
        "The 1945 bombing killed thousands. "
        "Hackers attacked the Texas website."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    killed = [
        r
        for s in proposal.spans
        if s.label == "EVENT" and text[s.start : s.end] == "killed"
        for r in related(text, proposal, s, "place")
    ]
    assert killed == [], killed
    attacks = [
        {r: related(text, proposal, s, r) for r in ("time", "place")}
        for s in proposal.spans
        if s.label == "EVENT" and text[s.start : s.end] == "attacked"
    ]
    assert attacks == [
        {"time": [], "place": ["a Christmas market"]},
        {"time": [], "place": []},
    ], attacks
    assert "time" not in roles_of(text, proposal, "shot")
    assert roles_of(text, proposal, "bombing").get("time") == ["1945"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_conditions_shares_of_the_vote_and_who_suffered_a_defeat(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """A win under "if" is hypothetical (planned, not denied by "no party"); "56 percent of
    the vote" counts votes; who suffers or concedes a defeat underwent it; derailments and
    collisions are events; a video "posted on Tuesday" was posted then."""
    text = (
        "If no party wins a majority, a runoff will be held. "
        "The Greens won 56 percent of the vote. "
        "The ruling party suffered a heavy defeat. "
        "A train derailed near Gonda. "
        "Police arrested him over a video posted on Tuesday."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events["wins"][1] == "planned", events
    assert "vote" not in events, events
    assert roles_of(text, proposal, "defeat") == {"target": ["The ruling party"]}
    assert events.get("derailed", ("",))[0] == "other", events
    assert "time" not in roles_of(text, proposal, "arrested")


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_lower_case_march_and_the_sources_of_a_report(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """A lower-case "march" is a protest ("called for a march", not the month of "set for
    March 3"), and a vote set for a day is planned; where the sources of a report sit
    ("..., U.S. and Saudi mediators said") is not where the reported event happened."""
    text = (
        "Her mother called for a march on Thursday. "
        "The vote is set for March 3. "
        "The talks collapsed on Thursday, U.S. and Saudi mediators said."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events.get("march") == ("protest", "planned"), events
    assert "March" not in events and events["vote"][1] == "planned", events
    assert "place" not in roles_of(text, proposal, "collapsed")


@pytest.mark.parametrize("matcher", MATCHERS)
def test_arson_and_fighting_are_attacks(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "set fire to", "torched", "arson" and the noun "fighting" are attacks; "fire-fighting
    equipment" is none."""
    text = (
        "Protesters set fire to a police station and torched cars. "
        "Heavy fighting broke out in the north. "
        "The fire-fighting equipment arrived."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events.get("set fire", ("",))[0] == "attack", events
    assert roles_of(text, proposal, "set fire").get("agent") == ["Protesters"]
    assert events.get("torched", ("",))[0] == "attack", events
    fighting = [
        s for s in proposal.spans if s.label == "EVENT" and "fighting" in text[s.start : s.end]
    ]
    assert len(fighting) == 1, events


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_modal_of_possibility(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "may have been killed" is unconfirmed (alleged); "may attack" has not happened
    (planned)."""
    text = (
        "Police said the man may have been killed by his partner. "
        "The army said it may attack the town."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events["killed"][1] == "alleged", events
    assert events["attack"][1] == "planned", events


@pytest.mark.parametrize("matcher", MATCHERS)
def test_verbs_that_look_like_events(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """ "deal with" is no agreement, "wound up" no wounding, "tweeted" a reporting verb (the
    noun "tweet" stays a statement)."""
    text = (
        "The ministry failed to deal with the backlog. "
        "The files wound up on a street in Ottawa. "
        "The senator tweeted that the vote was rigged. "
        "Her tweet was deleted."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert "deal" not in events and "wound" not in events and "tweeted" not in events, events
    assert events.get("tweet", ("",))[0] == "statement", events


@pytest.mark.parametrize("matcher", MATCHERS)
def test_dead_said_of_people_and_killing_a_count_or_more(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "dead" said of someone is a killing ("Hundreds dead in stampede", "were found dead",
    "left three people dead"); "killing 107 or more" is a killing though "more" is an
    adjective after the object ("held the group responsible" is none)."""
    text = (
        "Hundreds dead in Hajj stampede\n"
        "Two men were found dead in a flat. "
        "The blast left three people dead. "
        "A storm caused a crane to collapse, killing 107 or more. "
        "Officials held the group responsible for the attack."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    dead = [
        related(text, proposal, s, "target")
        for s in proposal.spans
        if s.label == "EVENT" and text[s.start : s.end] == "dead"
    ]
    assert dead == [["Hundreds"], ["Two men"], ["three people"]], dead
    assert roles_of(text, proposal, "killing").get("target") == ["107"]
    assert "held" not in _events(text, proposal)


@pytest.mark.parametrize("matcher", MATCHERS)
def test_exchanges_of_fire_surrenders_victories_and_seats_gained(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "an exchange of fire" is an attack; surrendering to police an arrest; a victory in a
    vote and a seat gained are elections, a team's victory another event."""
    text = (
        "After the exchange of fire, the army withdrew. "
        "The suspect surrendered to police on Monday. "
        "Law earned a surprise victory in the constituency. "
        "The party gained a seat. "
        "The team celebrated its victory."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events.get("exchange of fire", ("",))[0] == "attack", events
    assert events.get("surrendered", ("",))[0] == "arrest", events
    assert events.get("gained", ("",))[0] == "election", events
    victories = [
        str(s.attrs.get("type"))
        for s in proposal.spans
        if s.label == "EVENT" and text[s.start : s.end] == "victory"
    ]
    assert victories == ["election", "other"], victories


@pytest.mark.parametrize("matcher", MATCHERS)
def test_due_on_a_day_is_planned_due_to_last_is_not(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """A summit "due on Friday" is planned; a truce that "began on Friday morning" and "is due
    to last four days" has begun."""
    text = (
        "The truce, which began on Friday morning, is due to last four days. "
        "The summit is due on Friday."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events["truce"][1] == "occurred", events
    assert events["summit"][1] == "planned", events


@pytest.mark.parametrize("matcher", MATCHERS)
def test_what_is_denied_of_an_event_is_not_the_event(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "denied that the arrest was politically motivated" denies the motive, the arrest
    happened; "denied that the attack happened" denies it."""
    text = (
        "The ministry denied that the arrest was politically motivated. "
        "He denied that the attack happened."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events["arrest"][1] == "occurred", events
    assert events["attack"][1] == "denied", events


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_score_makes_a_defeat_a_match(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """A defeat or a victory with a score is a match, no election, and the score's numbers
    are no target; a defeat in an election stays one."""
    text = (
        "Sweden defeated South Korea 1-0 on Monday. "
        "The Colts earned a 20-13 victory over the Chiefs. "
        "The party suffered a heavy defeat in the election."
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    events = _events(text, proposal)
    assert events["defeated"][0] == "other", events
    assert "target" not in roles_of(text, proposal, "defeated")
    assert events["victory"][0] == "other", events
    assert events["defeat"][0] == "election", events
