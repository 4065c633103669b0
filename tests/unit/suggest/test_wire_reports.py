"""Claims and actors in wire-style reports, each on a small text written for the test: a time
phrase between a cue and its clause, a quotation inside a reported clause, names NER misreads
(a person called Park, a company named without its "Corp", a surname that is also a word),
partitive speakers, ages, and civil organisations with a government head noun."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.scheme import Scheme
from annotator.suggest.patterns import ArgumentPatterns

from .helpers import actor_types, claimant_of, find, related, run, spans_of


def test_a_time_phrase_after_the_cue_is_not_the_claim(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Semiconductor maker Veltrix Corp said on Thursday it would cut about 4,000 jobs, or "
        "roughly 12% of its workforce, as demand for personal computers keeps falling."
    )
    claims = spans_of(text, run(text, nlp_sm, scheme), "CLAIM")
    assert claims and claims[0].startswith("it would cut about 4,000 jobs"), claims


def test_a_claim_does_not_end_on_a_conjunction(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Eversource, the region's largest utility, said crews were working to restore power "
        "but warned that some customers could be without electricity until Wednesday."
    )
    claims = spans_of(text, run(text, nlp_sm, scheme), "CLAIM")
    assert "crews were working to restore power" in claims, claims


def test_the_cue_whose_clause_holds_a_quotation_names_its_speaker(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = (
        "Martin Ross denied the allegations.\n\n"
        'His lawyer, Susan Park, said her client "looks forward to proving his innocence" and '
        'called the charges "a politically motivated attack."'
    )
    proposal = run(text, nlp_sm, scheme)
    claim = 'her client "looks forward to proving his innocence"'
    assert claimant_of(text, proposal, claim) in (["Susan Park"], ["His lawyer"])
    # a quotation that is nearly all the clause is the claim; its cue is still "said"
    text = (
        "Martin Ross denied the allegations.\n\n"
        'His lawyer, Susan Park, said he "looks forward to proving his innocence at trial and '
        'clearing his name for good" and called the charges "a politically motivated attack."'
    )
    proposal = run(text, nlp_sm, scheme)
    claim = "looks forward to proving his innocence at trial and clearing his name for good"
    assert claimant_of(text, proposal, claim) in (["Susan Park"], ["His lawyer"])


def test_a_person_named_like_a_facility_stays_a_person(nlp_sm: Any, scheme: Scheme) -> None:
    text = "His lawyer, Susan Park, said the charges were false."
    proposal = run(text, nlp_sm, scheme)
    assert "Susan Park" not in spans_of(text, proposal, "PLACE")
    assert actor_types(text, proposal).get("Susan Park") == "person"


def test_a_company_named_without_its_legal_form_is_that_company(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = (
        "Semiconductor maker Veltrix Corp said on Thursday it would cut 4,000 jobs.\n\n"
        "Shares of Veltrix fell 6% in extended trading."
    )
    proposal = run(text, nlp_sm, scheme)
    assert "Veltrix" not in spans_of(text, proposal, "PLACE")
    assert actor_types(text, proposal).get("Veltrix") == "organisation"


def test_one_of_a_group_is_the_speaker(nlp_sm: Any, scheme: Scheme) -> None:
    text = "One of the diplomats said the army had objected to a clause on troop withdrawals."
    proposal = run(text, nlp_sm, scheme)
    [claim] = [s for s in proposal.spans if s.label == "CLAIM"]
    assert related(text, proposal, claim, "claimant") == ["One of the diplomats"]


def test_a_name_beside_a_person_noun_is_a_person(nlp_sm: Any, scheme: Scheme) -> None:
    text = "He is survived by his wife of 58 years, Carmen, and four children."
    proposal = run(text, nlp_sm, scheme)
    assert "Carmen" not in spans_of(text, proposal, "PLACE")
    assert actor_types(text, proposal).get("Carmen") == "person"


def test_a_persons_age_is_no_time(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The former senator died on Friday at his home in Houston. He was 91."
    times = spans_of(text, run(text, nlp_sm, scheme), "TIME")
    assert "91" not in times and "Friday" in times, times


def test_a_surname_the_tagger_takes_for_a_noun_is_the_person(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "We asked Dr. Mariam Sow, an economist at the African Development Bank, to explain.\n\n"
        "Countries will present new emissions targets next year. Sow said she expected "
        '"a difficult year" for negotiators, because several major economies face elections.'
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, text[text.index("she expected") : -1]) == ["Sow"]


def test_aid_agencies_and_labour_congresses_are_organisations(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Aid agencies warn that famine is spreading in the region.\n\n"
        "The Nigeria Labour Congress said workers would strike on Monday.\n\n"
        "The foreign ministry said it remained committed to the talks."
    )
    types = actor_types(text, run(text, nlp_sm, scheme))
    assert types.get("Aid agencies") == "organisation", types
    assert types.get("The Nigeria Labour Congress") == "organisation", types
    assert types.get("The foreign ministry") == "government", types


def _parsed(nlp: Any, verb: str, lemma: str) -> Any:
    """'They <verb> to pump prices' with the parse fixed: the infinitive an xcomp of the verb."""
    from spacy.tokens import Doc

    return Doc(
        nlp.vocab,
        words=["They", verb, "to", "pump", "prices"],
        pos=["PRON", "VERB", "PART", "VERB", "NOUN"],
        deps=["nsubj", "ROOT", "aux", "xcomp", "dobj"],
        heads=[1, 1, 3, 1, 3],
        lemmas=["they", lemma, "to", "pump", "price"],
    )


@pytest.mark.parametrize("engine", ["anchored", "spacy"])
def test_add_takes_no_infinitive_as_its_content(nlp_sm: Any, scheme: Scheme, engine: str) -> None:
    """'could add about 15 percent to pump prices' parsed with "pump" an open clause of "add":
    no claim content; "urged ... to" keeps its infinitive."""
    patterns = ArgumentPatterns(scheme.preannotation["argument_patterns"], engine)
    add = _parsed(nlp_sm, "add", "add")[1]
    urge = _parsed(nlp_sm, "urge", "urge")[1]
    assert patterns.first("claim_content", add) is None
    found = patterns.first("claim_content", urge)
    assert found is not None and found.name == "open_clause"


def test_quoted_as_saying_names_the_speaker(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "A senior aide to Senator Laura Mendes resigned on Friday.\n\n"
        'Mendes was quoted as saying she had "no knowledge" of the discussions.'
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, 'she had "no knowledge" of the discussions') == ["Mendes"]


def test_feared_dead_is_no_claim(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Migrant boat capsizes off Libya, dozens feared dead"
    assert spans_of(text, run(text, nlp_sm, scheme), "CLAIM") == []


def test_an_aside_with_its_own_object_is_no_speech_tag(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Measles cases surge in Texas as officials urge vaccination"
    assert spans_of(text, run(text, nlp_sm, scheme), "CLAIM") == []


def test_a_claim_ending_in_a_quotation_closes_it(nlp_sm: Any, scheme: Scheme) -> None:
    text = 'The American Academy of Pediatrics said the comments were "dangerous and misleading."'
    claims = spans_of(text, run(text, nlp_sm, scheme), "CLAIM")
    assert claims == ['the comments were "dangerous and misleading."'], claims


def test_an_actor_phrase_starts_after_the_dateline(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Measles cases surge in Texas as officials urge vaccination\n\n"
        "AUSTIN, Texas — Texas health officials on Tuesday reported 48 new measles cases, "
        "bringing the total in the outbreak to 309, and urged parents to make sure their "
        "children are vaccinated."
    )
    actors = spans_of(text, run(text, nlp_sm, scheme), "ACTOR")
    assert "Texas health officials" in actors, actors
    assert not any(a.startswith("AUSTIN") for a in actors), actors


def test_an_aside_that_names_its_hearer_is_a_speech_tag(nlp_sm: Any, scheme: Scheme) -> None:
    """The object of "told" is who heard it, not the content: the clause is still claimed."""
    text = "As Heald told The Huffington Post, ozone levels have dropped partly due to new rules."
    proposal = run(text, nlp_sm, scheme)
    claims = spans_of(text, proposal, "CLAIM")
    assert claims == ["ozone levels have dropped partly due to new rules"], claims


def test_a_speech_tag_ending_the_paragraph_claims_what_comes_before(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = (
        "Israel and Hezbollah exchange fire as border tensions rise\n\n"
        "BEIRUT (Reuters) - Israeli warplanes struck targets in southern Lebanon on Thursday "
        "after Hezbollah fired dozens of rockets into northern Israel, both sides said, in one "
        "of the heaviest exchanges in weeks.\n"
    )
    proposal = run(text, nlp_sm, scheme)
    claims = spans_of(text, proposal, "CLAIM")
    assert claims and claims[0].startswith("Israeli warplanes struck targets"), claims
    assert claimant_of(text, proposal, claims[0]) == ["both sides"]


def test_a_time_does_not_start_with_a_verb(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "DENVER — The Denver City Council voted 9-4 on Monday night to approve a $1.2 billion "
        "stadium for the city's professional soccer team, ending months of debate."
    )
    times = spans_of(text, run(text, nlp_sm, scheme), "TIME")
    assert not any(t.startswith("ending") for t in times), times


def test_what_an_investigation_found_is_claimed_by_its_owner(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "The National Highway Traffic Safety Administration said its two-year investigation "
        'found that the system\'s controls were "insufficient to prevent misuse."'
    )
    proposal = run(text, nlp_sm, scheme)
    inner = find(text, proposal, "CLAIM", text[text.index("the system's") :])
    owner = related(text, proposal, inner, "claimant")
    assert owner == ["The National Highway Traffic Safety Administration"], owner


def test_news_agencies_and_regulators_get_their_type(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Lebanon's state news agency reported that two people were killed in the strikes.\n\n"
        "U.S. safety regulators said Tesla is recalling more than 2 million vehicles."
    )
    types = actor_types(text, run(text, nlp_sm, scheme))
    assert types.get("Lebanon's state news agency") == "media", types
    assert types.get("U.S. safety regulators") == "government", types


def test_the_name_of_a_town_is_a_place(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "The Israeli military said its jets hit rocket launchers and a weapons depot near the "
        "town of Nabatieh."
    )
    proposal = run(text, nlp_sm, scheme)
    assert "Nabatieh" in spans_of(text, proposal, "PLACE")
    assert "Nabatieh" not in spans_of(text, proposal, "ACTOR")


def test_someone_named_by_age_is_the_speaker(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Rachel Osei, 45, told the tribunal that she had been treated unfairly. "
        "The 45-year-old said she was relieved by the decision."
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "she was relieved by the decision") == ["The 45-year-old"]


def test_it_refers_to_the_last_subject_before_an_earlier_name(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Rachel Osei told the Employment Tribunal in Manchester that she had been treated "
        "unfairly.\n\nThe council argued that Osei had been dismissed for misconduct. "
        "It said it was considering an appeal."
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "it was considering an appeal") == ["The council"]
    assert actor_types(text, proposal).get("the Employment Tribunal") == "government"


def test_the_of_phrase_of_a_criticised_noun_is_no_claim(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "A former teacher who was fired after criticising her school's handling of a bullying "
        "complaint has won her case, a tribunal ruled on Tuesday."
    )
    claims = spans_of(text, run(text, nlp_sm, scheme), "CLAIM")
    assert "a bullying complaint" not in claims, claims


def test_a_contrasting_speaker_ends_the_first_claim(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "The Confederation of British Industry warned that higher borrowing costs were hurting "
        "investment, while the Federation of Small Businesses said many of its members were "
        "struggling to repay loans."
    )
    claims = spans_of(text, run(text, nlp_sm, scheme), "CLAIM")
    assert claims == [
        "higher borrowing costs were hurting investment",
        "many of its members were struggling to repay loans",
    ], claims


def test_an_adverbial_clause_is_no_speech_tag(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Dozens of gunmen stormed the post on Friday evening, two security sources told "
        "Reuters. They said about 20 attackers were killed when the army responded with air "
        "strikes."
    )
    proposal = run(text, nlp_sm, scheme)
    assert "about 20 attackers were killed" not in spans_of(text, proposal, "CLAIM")
    assert "Friday evening" in spans_of(text, proposal, "TIME")


def test_hinted_reports_and_claimed_responsibility_does_not(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Governor Andrew Bailey hinted that more increases could follow.\n\n"
        "No group has claimed responsibility for the attack."
    )
    claims = spans_of(text, run(text, nlp_sm, scheme), "CLAIM")
    assert claims == ["more increases could follow"], claims


def test_election_reports_count_seats_not_people(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "NEW DELHI, June 4 (Reuters) - Prime Minister Narendra Modi's Bharatiya Janata Party "
        "lost its parliamentary majority in India's general election, results showed on "
        "Tuesday.\n\n"
        "The BJP won 240 of the 543 seats in the lower house, according to the Election "
        "Commission of India. The opposition Congress party nearly doubled its tally to 99 "
        "seats.\n\n"
        "Analysts said the result would force Modi to seek consensus with allies."
    )
    proposal = run(text, nlp_sm, scheme)
    actors = spans_of(text, proposal, "ACTOR")
    assert not any(a.startswith("240") for a in actors), actors
    assert "Modi" not in spans_of(text, proposal, "PLACE")
    assert "party" in {
        str(s.attrs.get("type"))
        for s in proposal.spans
        if s.label == "ACTOR" and text[s.start : s.end] == "Congress"
    }


def test_a_singular_agent_noun_speaks_and_a_coalition_for_change_is_a_party(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = (
        "The opposition Citizens Coalition for Change accused the government of mismanaging "
        "the economy.\n\n"
        "Fears grew after the country's largest fuel importer said it had run out of foreign "
        "currency to pay suppliers."
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "it had run out of foreign currency to pay suppliers") == [
        "the country's largest fuel importer"
    ]
    assert actor_types(text, proposal).get("Citizens Coalition for Change") == "party"


def test_quake_reports(nlp_sm: Any, scheme: Scheme) -> None:
    """A headline's '-ing' noun is no cue; a speech tag followed by 'but ...' tags the clause
    before it."""
    text = (
        "Magnitude 6.4 quake hits eastern Indonesia, no tsunami warning\n\n"
        "A strong earthquake with a magnitude of 6.4 struck off the coast of Indonesia's "
        "Maluku islands early on Monday, the country's geophysics agency said, but there were "
        "no immediate reports of damage or casualties."
    )
    proposal = run(text, nlp_sm, scheme)
    claims = spans_of(text, proposal, "CLAIM")
    assert len(claims) == 1 and claims[0].startswith("A strong earthquake"), claims
    assert claimant_of(text, proposal, claims[0]) == ["the country's geophysics agency"]


def test_a_player_named_after_his_position_is_a_person(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "LOS ANGELES — The Los Angeles Lakers have signed veteran guard Marcus Hill to a "
        "one-year contract worth $3.3 million, the team announced on Tuesday.\n\n"
        '"Marcus brings experience and toughness," coach Darvin Ham said.'
    )
    types = actor_types(text, run(text, nlp_sm, scheme))
    assert types.get("Marcus Hill") == "person", types
    assert types.get("Marcus", "person") == "person", types


def test_what_follows_that_after_a_cue_is_its_content_whatever_the_parse(nlp_sm: Any) -> None:
    """'Wilkins observed that the date coincided with ...' parsed with "date" the object of
    "observed" and "coincided" a modifier of it: the content is still all after "that"."""
    from spacy.tokens import Doc

    from annotator.suggest.claims import _after_that

    doc = Doc(
        nlp_sm.vocab,
        words="Wilkins observed that the date coincided with the anniversary .".split(),
        pos=["PROPN", "VERB", "SCONJ", "DET", "NOUN", "VERB", "ADP", "DET", "NOUN", "PUNCT"],
        deps=["nsubj", "ROOT", "mark", "det", "dobj", "acl", "prep", "det", "pobj", "punct"],
        heads=[1, 1, 4, 4, 1, 4, 5, 8, 6, 1],
        lemmas=["Wilkins", "observe", "that", "the", "date", "coincide", "with", "the", "x", "."],
    )
    content = _after_that(doc[1])
    assert content is not None and content.text == "the date coincided with the anniversary"
    assert _after_that(doc[5]) is None


def test_what_is_cited_is_claimed_by_who_cites_it(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Citing privacy rules, U.S. officials declined to say why the visas were denied."
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "privacy rules") == ["U.S. officials"]


def test_what_is_noted_is_claimed(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "The curator pointed to the paintings, noting the influence of the Dutch masters on "
        "the young artist."
    )
    proposal = run(text, nlp_sm, scheme)
    claims = spans_of(text, proposal, "CLAIM")
    assert claims == ["the influence of the Dutch masters on the young artist"], claims
    assert claimant_of(text, proposal, claims[0]) == ["The curator"]


def test_common_nouns_of_people_are_actors(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Firefighters and paramedics treated several motorists at the scene, while shoppers "
        "and a local priest helped the injured."
    )
    actors = spans_of(text, run(text, nlp_sm, scheme), "ACTOR")
    for noun in ("Firefighters", "paramedics", "several motorists", "shoppers", "a local priest"):
        assert noun in actors, actors


def test_what_a_sign_reads_is_not_the_last_speakers_quote(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        '"Helmets are not the problem," union director Esther van Garderen said.\n\n'
        'Some protesters carried signs reading "Don\'t blame the victims."'
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "Don't blame the victims.") == []


def test_a_question_tagged_in_the_next_sentence_is_the_taggers(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Emma Stone won best actress. She said the film had changed her life.\n\n"
        "Host Jimmy Kimmel took aim at a former president who had criticized his hosting. "
        '"Isn\'t it past your jail time?" Kimmel joked.'
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "Isn't it past your jail time?") == ["Kimmel"]


def test_big_platforms_and_companies_are_organisations(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Twitter suspended the account on Monday, and Google said it would review the video."
    types = actor_types(text, run(text, nlp_sm, scheme))
    assert types.get("Twitter") == "organisation", types
    assert types.get("Google") == "organisation", types


def test_a_line_a_speaker_opens_with_a_colon_is_their_claim(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Police: Man shot in stolen car after chase\n\n"
        "Image: A police car outside the station.\n\n"
        "World Cup 2018 day five: Sweden, Belgium, England win three points\n\n"
        "Reporter Sam Ortiz spoke with candidate Leah Brandt about her campaign.\n\n"
        "Leah Brandt: I grew up here, and I have watched the downtown empty out."
    )
    proposal = run(text, nlp_sm, scheme)
    claims = spans_of(text, proposal, "CLAIM")
    assert claims == [
        "Man shot in stolen car after chase",
        "I grew up here, and I have watched the downtown empty out",
    ], claims
    assert claimant_of(text, proposal, claims[0]) == ["Police"]
    answer = find(text, proposal, "CLAIM", claims[1])
    assert related(text, proposal, answer, "claimant")


def test_verdicts_and_purpose_clauses(nlp_sm: Any, scheme: Scheme) -> None:
    """A jury that finds someone guilty is the claimant; an infinitive of purpose ('trained
    for years to tell the weapons apart') is no speech tag."""
    text = (
        "A jury on Friday found former police officer Kim Potter guilty of first-degree "
        "manslaughter in the fatal shooting of Daunte Wright during a traffic stop.\n\n"
        "Potter, 49, testified that she had meant to use her Taser but drew her handgun by "
        "mistake. Prosecutors argued that she had been trained for years to tell the weapons "
        "apart."
    )
    proposal = run(text, nlp_sm, scheme)
    claims = spans_of(text, proposal, "CLAIM")
    assert "that she had been trained for years" not in claims, claims
    assert claimant_of(text, proposal, claims[0]) == ["A jury"]


def test_a_school_that_announces_and_a_stunt_that_is_called(nlp_sm: Any, scheme: Scheme) -> None:
    """A place noun that speaks is its institution; 'called X "Y"' with Y parsed as an
    apposition is a claim; a quotation a claim opens is kept whole; 'might call' names
    nothing."""
    text = (
        "CAMBRIDGE, Mass. — Harvard University will no longer charge tuition to students from "
        "families earning less than $100,000 a year, the school announced Monday, in a move it "
        "says will open its doors to more first-generation students.\n\n"
        'University President Alan Garber said in a letter to the Harvard community that "talent '
        'is spread across every background" and that cost should not stand in the way.\n\n'
        'Representative Elise Stefanik called the announcement "a public-relations stunt."\n\n'
        "We might even call these snap shots the self selfie."
    )
    proposal = run(text, nlp_sm, scheme)
    claims = spans_of(text, proposal, "CLAIM")
    first = find(text, proposal, "CLAIM", claims[0])
    assert claims[0].startswith("Harvard University will no longer charge tuition"), claims
    assert related(text, proposal, first, "claimant") == ["the school"]
    assert actor_types(text, proposal).get("the school") == "organisation"
    assert any(c.startswith('"talent is spread') for c in claims), claims
    assert claimant_of(text, proposal, 'the announcement "a public-relations stunt."') == [
        "Elise Stefanik"
    ]
    assert not any("selfie" in c for c in claims), claims


def test_relatives_and_counterparts_are_people(nlp_sm: Any, scheme: Scheme) -> None:
    text = "His brother and an accomplice were arrested, and the minister met his counterpart."
    actors = spans_of(text, run(text, nlp_sm, scheme), "ACTOR")
    for noun in ("His brother", "an accomplice", "his counterpart"):
        assert noun in actors, actors


def test_a_place_in_an_actors_name_is_not_where_it_happened(nlp_sm: Any, scheme: Scheme) -> None:
    text = "U.S. envoy Amos Hochstein held talks with officials on Monday."
    proposal = run(text, nlp_sm, scheme)
    talks = find(text, proposal, "EVENT", "talks")
    assert related(text, proposal, talks, "agent") == ["Amos Hochstein"]
    assert "U.S." not in related(text, proposal, talks, "place")
