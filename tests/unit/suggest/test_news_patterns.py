"""Patterns of English news the suggestions handle, one small text each (issue 10's failures).

Every text is written for the test. They run the default small English pipeline.
"""

from __future__ import annotations

from typing import Any

from annotator.scheme import Scheme

from .helpers import find, related, relations_valid, run, spans_of

# -- claimants are noun phrases and resolved pronouns -------------------------------------------


def test_claimant_is_a_noun_phrase_suggested_as_actor(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Three protesters said that the police had beaten them."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "the police had beaten them")
    assert related(text, p, claim, "claimant") == ["Three protesters"]
    actor = find(text, p, "ACTOR", "Three protesters")
    assert actor.attrs["type"] == "person"
    assert relations_valid(p)


def test_nominal_subject_does_not_fall_back_to_the_previous_name(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = (
        "Maria Lopez arrived in Madrid on Tuesday. "
        "The interior ministry said that the border was closed."
    )
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "the border was closed")
    assert related(text, p, claim, "claimant") == ["The interior ministry"]
    assert find(text, p, "ACTOR", "The interior ministry").attrs["type"] == "government"


def test_they_resolves_to_a_plural_group_not_to_a_person(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "The rebels entered the town of Sabha on Monday. Omar Ali watched from his house. "
        "They said that the army had fled."
    )
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "the army had fled")
    assert related(text, p, claim, "claimant") == ["The rebels"]


def test_he_prefers_the_nearest_person_subject(nlp_sm: Any, scheme: Scheme) -> None:
    text = "John Smith met the lawyer of Peter Brown in London. He said that the talks were useful."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "the talks were useful")
    assert related(text, p, claim, "claimant") == ["John Smith"]


def test_a_place_that_speaks_is_an_actor(nlp_sm: Any, scheme: Scheme) -> None:
    text = "On Friday, North Korea said that the broadcasts must stop."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "the broadcasts must stop")
    assert related(text, p, claim, "claimant") == ["North Korea"]
    assert "North Korea" in spans_of(text, p, "ACTOR")


# -- cues beyond the old verb list ----------------------------------------------------------------


def test_noun_cue_allegations_that(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The ministry rejected allegations that its soldiers had fired on civilians."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "its soldiers had fired on civilians")
    assert related(text, p, claim, "claimant") == ["The ministry"]


def test_describe_x_as_y(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The magazine MicroMega described the court's judgement as historic."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "the court's judgement as historic")
    assert claim.attrs["form"] == "reported"


def test_asked_someone_to_do_something(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The mayor asked the residents to leave the coast before the storm."
    p = run(text, nlp_sm, scheme)
    assert any("leave the coast" in c for c in spans_of(text, p, "CLAIM"))


def test_colon_attribution_with_a_verb_outside_the_cue_list(nlp_sm: Any, scheme: Scheme) -> None:
    text = 'Maria Lopez continued: "We will not leave this town until the water is back."'
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "We will not leave this town until the water is back.")
    assert related(text, p, claim, "claimant") == ["Maria Lopez"]


def test_parenthetical_speech_tag(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The new rules, said Ahmed Salem, are required by the constitution."
    p = run(text, nlp_sm, scheme)
    claims = spans_of(text, p, "CLAIM")
    assert any(c.startswith("are required by the constitution") for c in claims), claims


def test_interrupted_quote_shares_its_claimant(nlp_sm: Any, scheme: Scheme) -> None:
    text = '"We will win this election," Maria Lopez said, "and nobody can stop us now."'
    p = run(text, nlp_sm, scheme)
    first = find(text, p, "CLAIM", "We will win this election")
    second = find(text, p, "CLAIM", "and nobody can stop us now.")
    assert related(text, p, first, "claimant") == ["Maria Lopez"]
    assert related(text, p, second, "claimant") == ["Maria Lopez"]


def test_quote_continued_without_a_cue_keeps_the_previous_speaker(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = (
        '"The water has reached the second floor," Maria Lopez said.\n'
        '"Nobody has come to help the families in this street."'
    )
    p = run(text, nlp_sm, scheme)
    second = find(text, p, "CLAIM", "Nobody has come to help the families in this street.")
    assert related(text, p, second, "claimant") == ["Maria Lopez"]


def test_scare_quote_inside_a_reported_clause_keeps_the_claim(nlp_sm: Any, scheme: Scheme) -> None:
    text = 'Barack Obama said the report is "just not true."'
    p = run(text, nlp_sm, scheme)
    claims = spans_of(text, p, "CLAIM")
    assert any(c.startswith("the report is") for c in claims), claims


def test_artifact_sources_make_no_claim(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The report says that the river is polluted. Estimates suggest that prices will rise."
    p = run(text, nlp_sm, scheme)
    assert spans_of(text, p, "CLAIM") == []


def test_stance_from_the_cue(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "The opposition accused the government of rigging the vote. "
        "Omar Ali urged that the schools reopen at once. "
        "Maria Lopez said that the bridge will reopen in May."
    )
    p = run(text, nlp_sm, scheme)
    by_text = {text[s.start : s.end]: s for s in p.spans if s.label == "CLAIM"}
    stances = {c: s.attrs.get("stance") for c, s in by_text.items()}
    assert stances.get("the bridge will reopen in May") == "neutral", stances
    assert "oppose" in stances.values(), stances
    assert "support" in stances.values(), stances


# -- events ------------------------------------------------------------------------------------


def test_nominalisation_is_an_event_and_a_weapon_noun_is_not(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The bombing killed four people. Police found a car bomb near the station."
    p = run(text, nlp_sm, scheme)
    events = {text[s.start : s.end]: s.attrs.get("type") for s in p.spans if s.label == "EVENT"}
    assert events.get("bombing") == "attack"
    assert "bomb" not in events
    assert events.get("killed") == "killing"


def test_counted_votes_are_no_event(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Maria Lopez was elected with 51,516 votes."
    p = run(text, nlp_sm, scheme)
    events = spans_of(text, p, "EVENT")
    assert "elected" in events and "votes" not in events


def test_title_case_headline_keeps_its_verb(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Rebels Attack Army Base Near Capital\nMonday, May 4, 2020\nThe base was hit at dawn."
    p = run(text, nlp_sm, scheme)
    assert "Attack" in spans_of(text, p, "EVENT")


def test_roles_are_noun_phrases(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Police arrested three protesters outside the parliament on Monday."
    p = run(text, nlp_sm, scheme)
    event = find(text, p, "EVENT", "arrested")
    assert related(text, p, event, "agent") == ["Police"]
    assert related(text, p, event, "target") == ["three protesters"]


def test_pronoun_argument_resolves_to_its_antecedent(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Maria Lopez left the party office at noon. She was arrested an hour later."
    p = run(text, nlp_sm, scheme)
    event = find(text, p, "EVENT", "arrested")
    assert related(text, p, event, "target") == ["Maria Lopez"]


def test_light_verb_subject_is_the_agent_of_a_nominal_event(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The foundation issued a statement on Friday."
    p = run(text, nlp_sm, scheme)
    event = find(text, p, "EVENT", "statement")
    assert related(text, p, event, "agent") == ["The foundation"]


def test_whoever_dies_is_the_target(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Gloria Smith died in hospital on Sunday."
    p = run(text, nlp_sm, scheme)
    event = find(text, p, "EVENT", "died")
    assert related(text, p, event, "target") == ["Gloria Smith"]
    assert related(text, p, event, "agent") == []


def test_event_status_from_negation_and_modality(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The army did not attack the village. The two leaders will meet in Geneva."
    p = run(text, nlp_sm, scheme)
    assert find(text, p, "EVENT", "attack").attrs["status"] == "denied"
    assert find(text, p, "EVENT", "meet").attrs["status"] == "planned"


# -- entities ----------------------------------------------------------------------------------


def test_nationality_adjective_is_no_actor(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Afghan police arrested two men in Kabul."
    p = run(text, nlp_sm, scheme)
    assert "Afghan" not in spans_of(text, p, "ACTOR")


def test_ages_are_no_time(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Thomas Sam, 42, and his wife, a 36-year-old nurse, were charged on Monday."
    p = run(text, nlp_sm, scheme)
    times = spans_of(text, p, "TIME")
    assert "42" not in times
    assert not any("year-old" in t for t in times)
    assert "Monday" in times


def test_no_span_crosses_a_line_break(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Hackers attack Church of Scientology website\nSunday, January 20, 2008\n"
        "Wikinews has learned that the website was attacked."
    )
    p = run(text, nlp_sm, scheme)
    assert all("\n" not in text[s.start : s.end] for s in p.spans if s.label != "CLAIM")


def test_actor_types_from_names_and_head_nouns(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Reuters reported that the Taliban attacked a checkpoint. The United Nations and the "
        "Labour Party condemned the attack, and the Interior Ministry said it would respond."
    )
    p = run(text, nlp_sm, scheme)
    types = {text[s.start : s.end]: s.attrs.get("type") for s in p.spans if s.label == "ACTOR"}
    assert types.get("Reuters") == "media", types
    assert types.get("the Taliban", types.get("Taliban")) == "armed_group", types
    assert types.get("The United Nations", types.get("United Nations")) == "international_org"
    assert types.get("the Labour Party", types.get("Labour Party")) == "party", types
    assert types.get("the Interior Ministry", types.get("Interior Ministry")) == "government"


def test_a_surname_repeats_the_person_named_before(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Daniel Montalvo left the group in 2010. Montalvo said that he was afraid."
    p = run(text, nlp_sm, scheme)
    assert "Montalvo" in spans_of(text, p, "ACTOR")
    claim = find(text, p, "CLAIM", "he was afraid")
    assert related(text, p, claim, "claimant") == ["Montalvo"]


def test_nominal_actor_mentions(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Hundreds of pilgrims gathered near the mosque while soldiers watched."
    p = run(text, nlp_sm, scheme)
    actors = spans_of(text, p, "ACTOR")
    assert any("pilgrims" in a for a in actors) and "soldiers" in actors


def test_title_and_apposed_name_the_name_is_the_claimant(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Malaysia's Prime Minister, Najib Razak said that the boats would be allowed to land."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "the boats would be allowed to land")
    assert related(text, p, claim, "claimant") == ["Najib Razak"]


def test_an_organisation_found_once_is_found_everywhere(nlp_sm: Any) -> None:
    from annotator.suggest.entities import Cand
    from annotator.suggest.names import propagate_names

    text = "The Quilliam Foundation met on Monday. Critics of Quilliam Foundation left."
    first = Cand(4, 23, "ACTOR", 0.8, {"type": "organisation"}, source="ner")
    out = propagate_names(nlp_sm(text), [first], text)
    assert [text[c.start : c.end] for c in out] == ["Quilliam Foundation"] * 2
    assert out[1].attrs == {"type": "organisation"}


def test_stance_from_evaluative_words_when_the_cue_is_neutral(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Maria Lopez said that the decision was a shameful and dangerous failure. "
        "Omar Ali said that the new school was a great success and a proud achievement."
    )
    p = run(text, nlp_sm, scheme)
    stances = {text[s.start : s.end]: s.attrs.get("stance") for s in p.spans if s.label == "CLAIM"}
    assert stances["the decision was a shameful and dangerous failure"] == "oppose", stances
    assert stances["the new school was a great success and a proud achievement"] == "support"


def test_place_argument_is_a_nominal_place_phrase(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Maria Lopez was elected in this constituency with a large majority."
    p = run(text, nlp_sm, scheme)
    event = find(text, p, "EVENT", "elected")
    assert related(text, p, event, "place") == ["this constituency"]
    assert related(text, p, event, "target") == ["Maria Lopez"]
