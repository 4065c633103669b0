"""Claims, claimants and actors in business, court, protest and science reports, each on a
sentence written for the test (none from the dev set): names that modify a speaker's noun,
company nouns, "that" clauses the parser hangs on a hearer, asides in which others report,
reporting verbs that report nothing, and "he" after a speaker named by a noun."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.scheme import Scheme

from .helpers import MATCHERS, actor_types, claimant_of, find, run, spans_of, with_matcher


def test_a_name_modifying_the_speakers_noun_is_inside_the_speaker(
    nlp_sm: Any, scheme: Scheme
) -> None:
    """ "A Calder spokesman" speaks, not Calder (the name stays an ACTOR inside the phrase);
    "the Calder report" is still Calder's."""
    text = 'A Calder spokesman declined to comment on what he called "market speculation".'
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, 'what he called "market speculation"') == [
        "A Calder spokesman"
    ]
    assert actor_types(text, proposal) == {"A Calder spokesman": "person", "Calder": "organisation"}
    text = "Tech firm admits data breach affected 3 million customers"
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "data breach affected 3 million customers") == ["Tech firm"]
    text = "The Calder report said sales fell."
    assert claimant_of(text, run(text, nlp_sm, scheme), "sales fell") == ["Calder"]


def test_company_nouns_and_name_endings_make_organisations(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Shares in Calder Pharma fell 14 percent on Wednesday after the British drugmaker said "
        "its experimental weight-loss pill had failed to beat a rival injection."
    )
    types = actor_types(text, run(text, nlp_sm, scheme))
    assert types.get("Calder Pharma") == "organisation", types
    assert types.get("the British drugmaker") == "organisation", types


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_that_clause_hung_on_the_hearer_or_a_phrase_is_the_claim(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """The parser makes these "that" clauses relative clauses of the noun before them."""
    news = with_matcher(scheme, matcher)
    text = (
        "Interior Minister Kipchumba Murkomen defended the police, telling a news conference "
        'that officers had acted "within the law" against "criminals who hijacked a peaceful '
        'protest."'
    )
    proposal = run(text, nlp_sm, news)
    claim = (
        'officers had acted "within the law" against "criminals who hijacked a peaceful protest."'
    )
    assert spans_of(text, proposal, "CLAIM") == [claim]
    assert claimant_of(text, proposal, claim) == ["Kipchumba Murkomen"]
    text = (
        "Chief executive Olivia Grant told analysts on a conference call that the company "
        'remained "fully committed" to the obesity market.'
    )
    proposal = run(text, nlp_sm, news)
    claim = 'the company remained "fully committed" to the obesity market'
    assert claimant_of(text, proposal, claim) == ["Olivia Grant"]
    text = "She told the man that she met at the bar about her plans."
    assert spans_of(text, run(text, nlp_sm, news), "CLAIM") == []


def test_a_that_the_parser_made_a_determiner_is_not_the_claims(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        'Greenpeace Brazil said it was "an important step" but warned that deforestation '
        "remained high in parts of the region."
    )
    claims = spans_of(text, run(text, nlp_sm, scheme), "CLAIM")
    assert "deforestation remained high in parts of the region" in claims, claims


def test_an_aside_in_which_others_report_ends_the_claim(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Ukraine's air force said on Sunday it had shot down 40 of 46 drones launched by "
        "Russia overnight, as officials reported damage to energy facilities in three regions."
    )
    proposal = run(text, nlp_sm, scheme)
    claim = "it had shot down 40 of 46 drones launched by Russia overnight"
    assert claimant_of(text, proposal, claim) == ["Ukraine's air force"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_anonymity_money_and_proposals_are_no_claims(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    news = with_matcher(scheme, matcher)
    text = (
        "One hospital chief executive, who asked not to be named, said the strike could last weeks."
    )
    proposal = run(text, nlp_sm, news)
    assert spans_of(text, proposal, "CLAIM") == ["the strike could last weeks"]
    assert claimant_of(text, proposal, "the strike could last weeks") == [
        "One hospital chief executive"
    ]
    text = "A newspaper reported that he had claimed thousands of pounds in expenses for a flat."
    assert spans_of(text, run(text, nlp_sm, news), "CLAIM") == [
        "he had claimed thousands of pounds in expenses for a flat"
    ]
    text = "The union rejected the offer. The minister rejected the allegations."
    proposal = run(text, nlp_sm, news)
    assert spans_of(text, proposal, "CLAIM") == ["the allegations"]
    assert claimant_of(text, proposal, "the allegations") == ["The minister"]


def test_he_refers_to_a_speaker_named_by_a_noun(nlp_sm: Any, scheme: Scheme) -> None:
    text = 'The mayor arrived late on Monday. "We will win," he said.'
    assert claimant_of(text, run(text, nlp_sm, scheme), "We will win") == ["The mayor"]
    text = "The mayor arrived late on Monday. He said the city would win."
    assert claimant_of(text, run(text, nlp_sm, scheme), "the city would win") == ["The mayor"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_the_subject_the_parser_gave_to_an_aside_is_the_speakers(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    text = (
        'Judge Maria Santos, writing for the majority, said the government "cannot rewrite the '
        'statute by regulation."'
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    claim = 'the government "cannot rewrite the statute by regulation."'
    assert claimant_of(text, proposal, claim) == ["Maria Santos"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_said_in_a_statement_that(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    text = (
        'The club said in a statement that Hendry and his assistant had left "by mutual '
        'consent" and thanked them for their work.'
    )
    proposal = run(text, nlp_sm, with_matcher(scheme, matcher))
    claim = 'Hendry and his assistant had left "by mutual consent"'
    assert spans_of(text, proposal, "CLAIM") == [claim]
    assert claimant_of(text, proposal, claim) == ["The club"]


def test_a_cue_in_a_relative_clause_claims_what_follows_it(nlp_sm: Any, scheme: Scheme) -> None:
    """The relative pronoun before the cue is no part of the claim, so the speaker is not
    inside it; a claim nested in another leaves the outer speaker the current one."""
    text = (
        "His rival urged her supporters to wait for the official count, which the election "
        "commission says could take up to a month."
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "could take up to a month") == ["the election commission"]
    text = (
        "The lawyer said on Thursday his client had checked into a clinic that a state official "
        'said is unlicensed. "She is working hard and doing well."'
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "is unlicensed") == ["a state official"]
    assert claimant_of(text, proposal, "She is working hard and doing well.") == ["The lawyer"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_passive_cue_needs_its_by_phrase(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """The guidelines count no claim whose source is no actor: "she was told that ...";
    with "by police" the police said it."""
    news = with_matcher(scheme, matcher)
    for text in (
        "She was told that nothing could be done.",
        "It was announced that the school would close.",
    ):
        assert spans_of(text, run(text, nlp_sm, news), "CLAIM") == [], text
    text = "She was told by police that nothing could be done."
    assert claimant_of(text, run(text, nlp_sm, news), "nothing could be done") == ["police"]


def test_actor_phrases_and_types_in_headlines_and_hyphenated_nouns(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = "Minister resigns over expenses scandal"
    assert actor_types(text, run(text, nlp_sm, scheme)) == {"Minister": "person"}
    text = (
        "The trial heard from a former co-worker who testified that the defendant had boasted "
        "about the blaze."
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "the defendant had boasted about the blaze") == [
        "a former co-worker"
    ]
    text = (
        "A drone hit an apartment block in Kharkiv, injuring five people, including a child. "
        "A crowd gathered and children cried."
    )
    types = actor_types(text, run(text, nlp_sm, scheme))
    assert types["a child"] == "person", types
    assert types["A crowd"] == types["children"] == "population_group", types


def test_a_date_does_not_run_past_a_comma_into_a_bare_unit(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Transport Minister Gareth Lyle resigned on Monday, days after a newspaper reported that "
        "he had claimed expenses."
    )
    assert spans_of(text, run(text, nlp_sm, scheme), "TIME") == ["Monday"]


@pytest.mark.parametrize("matcher", MATCHERS)
def test_who_issued_a_text_says_what_it_says(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    news = with_matcher(scheme, matcher)
    text = "The ministry issued a statement saying the border was closed."
    assert claimant_of(text, run(text, nlp_sm, news), "the border was closed") == ["The ministry"]
    text = (
        "More than 20 Liberal MPs have signed a letter urging Prime Minister Mark Carney to delay "
        "his housing plan."
    )
    proposal = run(text, nlp_sm, news)
    assert claimant_of(text, proposal, "to delay his housing plan") == ["More than 20 Liberal MPs"]
    text = "He met a man saying the world would end."
    assert claimant_of(text, run(text, nlp_sm, news), "the world would end") == []


@pytest.mark.parametrize("matcher", MATCHERS)
def test_accusing_of_questions_and_claimed_victory(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    news = with_matcher(scheme, matcher)
    text = (
        "The social media platform X has sued a group of advertisers, accusing them of an "
        "illegal boycott that cost it billions of dollars in revenue."
    )
    claim = "an illegal boycott that cost it billions of dollars in revenue"
    assert claimant_of(text, run(text, nlp_sm, news), claim) == ["The social media platform X"]
    for text in (
        'Asked whether the government would change course, Robertson said: "No."',
        "Indonesia's opposition candidate claimed victory on Wednesday.",
    ):
        assert spans_of(text, run(text, nlp_sm, news), "CLAIM") == [], text


def test_another_speaker_is_nobody_named_before(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Witnesses described scenes of panic, the BBC reported. Another said staff had locked "
        "shoppers inside."
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "staff had locked shoppers inside") == []


def test_names_with_particles_and_panels_speak(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Saudi Energy Minister Prince Abdulaziz bin Salman has repeatedly said the group acts to "
        "stabilise markets. In a 2-1 decision, the panel said the rule conflicted with federal "
        "law."
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "the group acts to stabilise markets") == [
        "Prince Abdulaziz bin Salman"
    ]
    assert claimant_of(text, proposal, "the rule conflicted with federal law") == ["the panel"]


def test_a_lower_case_word_is_no_persons_name(nlp_sm: Any, scheme: Scheme) -> None:
    """The recogniser tags the verb "don" as a person here; names are capitalised (but for
    particles like "bin" or "von")."""
    text = (
        "Attendees could wear a Warhol-like wig or don crazy glasses and have their own "
        "Polaroid taken."
    )
    assert "don" not in spans_of(text, run(text, nlp_sm, scheme), "ACTOR")


def test_one_of_the_sources_speaks(nlp_sm: Any, scheme: Scheme) -> None:
    """A number that speaks is people, whatever noun it counts."""
    text = (
        "A deal could be announced as soon as next week, one of the sources said, adding that "
        "the terms had not been finalised."
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "A deal could be announced as soon as next week") == [
        "one of the sources"
    ]


def test_hailed_as(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Activists hailed the ruling as a turning point. Crowds hailed the team on its return."
    proposal = run(text, nlp_sm, scheme)
    assert spans_of(text, proposal, "CLAIM") == ["the ruling as a turning point"]
    assert claimant_of(text, proposal, "the ruling as a turning point") == ["Activists"]


def test_a_name_opening_a_sentence_after_in_is_a_place(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "The toll rose. In Antakya, residents complained that help had been slow to arrive. "
        "In Smith's view, it was late."
    )
    proposal = run(text, nlp_sm, scheme)
    assert spans_of(text, proposal, "PLACE") == ["Antakya"]
    assert "Smith" in spans_of(text, proposal, "ACTOR")


def test_a_quote_continued_in_the_next_paragraph(nlp_sm: Any, scheme: Scheme) -> None:
    """A paragraph that ends inside a quotation has no closing mark; the next one opens again."""
    text = (
        '"The hardest part was the first week back," she said. "Your body has forgotten how '
        "to deal with gravity. I would drop things because I expected them to float.\n\n"
        '"But you also see the planet differently. From up there you cannot see borders."'
    )
    claims = spans_of(text, run(text, nlp_sm, scheme), "CLAIM")
    assert (
        "Your body has forgotten how to deal with gravity. I would drop things because I "
        "expected them to float."
    ) in claims, claims


def test_titles_and_names_after_a_comma_belong_to_the_person(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Officers found shell casings in a parking lot, Sgt. Joe Albert told reporters."
    assert "Sgt. Joe Albert" in spans_of(text, run(text, nlp_sm, scheme), "ACTOR")
    text = "Dr. Hannah Reid said the findings were consistent."
    assert claimant_of(text, run(text, nlp_sm, scheme), "the findings were consistent") == [
        "Dr. Hannah Reid"
    ]
    text = "The mayor of Bristol, Marvin Rees, defended his plan to cut library hours."
    types = actor_types(text, run(text, nlp_sm, scheme))
    assert types.get("Marvin Rees") == "person", types
    text = "The Treasury said the chancellor supported the bank's independence."
    assert actor_types(text, run(text, nlp_sm, scheme)).get("Treasury") == "government"


@pytest.mark.parametrize("matcher", MATCHERS)
def test_a_second_cue_the_parser_hung_on_the_content(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """ "said X but urged Y": Y is no part of X, and the speaker urges; "X walked in and told
    police" keeps its second verb (same form as the first)."""
    news = with_matcher(scheme, matcher)
    text = (
        "The Bureau of Meteorology said the worst of the storm had passed but urged people to "
        "stay alert."
    )
    proposal = run(text, nlp_sm, news)
    assert spans_of(text, proposal, "CLAIM") == [
        "the worst of the storm had passed",
        "to stay alert",
    ]
    assert claimant_of(text, proposal, "to stay alert") == ["The Bureau of Meteorology"]
    text = "Crews said the line had been repaired and warned that delays would continue."
    proposal = run(text, nlp_sm, news)
    assert claimant_of(text, proposal, "delays would continue") == ["Crews"]
    text = (
        "Whitmore told LA Weekly that Montalvo walked into the station and told the police "
        "everything he did."
    )
    claims = spans_of(text, run(text, nlp_sm, news), "CLAIM")
    assert "Montalvo walked into the station and told the police everything he did" in claims


def test_places_the_recogniser_took_for_people(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        '"Where will we go?" asked Sunita Pawar, a resident of Worli Koliwada.\n\n'
        "Jamal died on Sunday at his home in Ashley Falls, Massachusetts."
    )
    places = spans_of(text, run(text, nlp_sm, scheme), "PLACE")
    assert "Worli Koliwada" in places and "Ashley Falls" in places, places
    text = (
        "Storm leaves 200,000 without power in Sydney\n\n"
        "SYDNEY — Wild winds and heavy rain lashed Sydney overnight, authorities said. "
        "Several train lines in Sydney were cut."
    )
    proposal = run(text, nlp_sm, scheme)
    assert "Sydney" not in spans_of(text, proposal, "ACTOR")


def test_according_to_with_appositions_on_either_side(nlp_sm: Any, scheme: Scheme) -> None:
    """The parser made the clause's subject an apposition of the source, or left the
    source's apposition outside the phrase; the claim is the clause either way."""
    text = (
        "According to a statement from the Israel Defense Forces, the commander, Ahmed "
        "Ghandour, was hiding in a school compound."
    )
    proposal = run(text, nlp_sm, scheme)
    claim = "the commander, Ahmed Ghandour, was hiding in a school compound"
    assert claimant_of(text, proposal, claim) == ["the Israel Defense Forces"]
    text = "According to Ahmed Ali, a spokesman for the group, the talks failed."
    assert claimant_of(text, run(text, nlp_sm, scheme), "the talks failed") == ["Ahmed Ali"]


def test_a_clause_after_a_semicolon_is_not_the_cues(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Israel says strike killed Hamas commander; Gaza officials report 30 dead"
    claims = spans_of(text, run(text, nlp_sm, scheme), "CLAIM")
    assert claims == ["strike killed Hamas commander"], claims


def test_a_sum_is_no_part_of_a_name(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "The European Commission on Monday fined Apple 1.8 billion euros for abusing its position."
    )
    assert "Apple" in spans_of(text, run(text, nlp_sm, scheme), "ACTOR")


def test_what_a_crowd_chants(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        'Protesters waved flags and chanted "No to the Russian law!" as they walked to parliament.'
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "No to the Russian law!") == ["Protesters"]


def test_a_clause_ending_in_a_quotation_is_reported(nlp_sm: Any, scheme: Scheme) -> None:
    """The guidelines: the content is the clause; it is a direct quote only when all of it
    is quoted. A colon opening a quotation ends the reported content."""
    text = (
        "Royal biographer Andrew Lownie told the BBC the decision was "
        '"a compromise that suits everyone."'
    )
    proposal = run(text, nlp_sm, scheme)
    claim = find(text, proposal, "CLAIM", 'the decision was "a compromise that suits everyone."')
    assert claim.attrs["form"] == "reported"
    text = (
        'Cooper said any process "must be well thought out": "Moves to reduce the backlog are '
        'welcome but the answer is not more hurdles."'
    )
    claims = spans_of(text, run(text, nlp_sm, scheme), "CLAIM")
    assert claims == [
        'any process "must be well thought out"',
        "Moves to reduce the backlog are welcome but the answer is not more hurdles.",
    ], claims


def test_a_tag_after_a_clause_whose_verb_is_a_cue(nlp_sm: Any, scheme: Scheme) -> None:
    """ "agreed" is a cue too, but here the clause is what the ministry said."""
    text = (
        "Sudan's army and the paramilitary Rapid Support Forces have agreed to a seven-day "
        "ceasefire starting on Thursday, the foreign ministry of South Sudan said, in the latest "
        "attempt to halt fighting that has killed hundreds."
    )
    proposal = run(text, nlp_sm, scheme)
    claim = (
        "Sudan's army and the paramilitary Rapid Support Forces have agreed to a seven-day "
        "ceasefire starting on Thursday"
    )
    assert claimant_of(text, proposal, claim) == ["the foreign ministry of South Sudan"]
    assert actor_types(text, proposal).get("Rapid Support Forces") == "armed_group"


def test_known_as_names_the_same_person(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "The RSF's commander, Mohamed Hamdan Dagalo, known as Hemedti, said on Twitter that his "
        "forces would respect the agreement."
    )
    proposal = run(text, nlp_sm, scheme)
    assert "Hemedti" not in spans_of(text, proposal, "PLACE")
    assert actor_types(text, proposal).get("Hemedti") == "person"


def test_an_acronym_in_brackets_takes_its_names_type(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Six parties named Kemal Kilicdaroglu, leader of the main opposition Republican "
        "People's Party (CHP), as their candidate."
    )
    assert actor_types(text, run(text, nlp_sm, scheme)).get("CHP") == "party"


def test_no_claim_without_a_speaker_or_a_clause(nlp_sm: Any, scheme: Scheme) -> None:
    """A passive cue is nobody's even when joined to another verb; a cue in the imperative
    asks the reader; a past form with no subject after a noun modifies it (no clause)."""
    for text in (
        "Its round shape symbolizes wealth and good fortune and is believed to bring good luck.",
        "The Navy saved 200 more after they were found swimming along the coast.",
        "Readers can submit their designs online and suggest what the flag should mean.",
        "Tell us what you think.",
        "She pointed to the refreshment table with Campbell's Soup served with Kool Aid.",
    ):
        assert spans_of(text, run(text, nlp_sm, scheme), "CLAIM") == [], text


@pytest.mark.parametrize("matcher", MATCHERS)
def test_an_adjective_with_a_clause_holds_a_claim(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    news = with_matcher(scheme, matcher)
    text = "The minister was confident that the deal would pass."
    assert claimant_of(text, run(text, nlp_sm, news), "the deal would pass") == ["The minister"]
    text = "Italian secularist associations are concerned the Government will modify the law."
    proposal = run(text, nlp_sm, news)
    claim = "the Government will modify the law"
    assert claimant_of(text, proposal, claim) == ["Italian secularist associations"]
    for text in ("I am sure.", "She was worried about her son."):
        assert spans_of(text, run(text, nlp_sm, news), "CLAIM") == [], text


def test_legal_papers_without_an_author_are_no_source(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "A former Pentagon aide was charged on Thursday with leaking classified documents, "
        "according to an indictment unsealed in federal court. The indictment says Daniel "
        "Marsh, 31, photographed secret briefing papers."
    )
    assert spans_of(text, run(text, nlp_sm, scheme), "CLAIM") == []


def test_a_name_apposed_to_a_role_is_a_person(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "President Volodymyr Zelensky on Thursday dismissed Ukraine's top military commander, "
        "General Valerii Zaluzhnyi, replacing him with the head of the ground forces, "
        "Oleksandr Syrskyi."
    )
    types = actor_types(text, run(text, nlp_sm, scheme))
    assert types.get("Oleksandr Syrskyi") == "person", types


@pytest.mark.parametrize("matcher", MATCHERS)
def test_claims_from_the_event_helpers_list(nlp_sm: Any, scheme: Scheme, matcher: str) -> None:
    """Claim errors another engineer met on wire news while reading events."""
    news = with_matcher(scheme, matcher)
    text = (
        "The opposition candidate withdrew on Monday, his party said, less than three weeks "
        "before a presidential election."
    )
    proposal = run(text, nlp_sm, news)
    assert claimant_of(text, proposal, "The opposition candidate withdrew on Monday") == [
        "his party"
    ]
    text = "The senator will announce his candidacy next week."
    assert spans_of(text, run(text, nlp_sm, news), "CLAIM") == []
    text = "Two soldiers were killed in the ambush, a police colonel said."
    proposal = run(text, nlp_sm, news)
    assert claimant_of(text, proposal, "Two soldiers were killed in the ambush") == [
        "a police colonel"
    ]
    text = "The leaders agreed to meet again, according to a readout released by Tokyo."
    proposal = run(text, nlp_sm, news)
    assert claimant_of(text, proposal, "The leaders agreed to meet again") == ["Tokyo"]
    text = "The coach said his team deserved the win but criticised the referee."
    claims = spans_of(text, run(text, nlp_sm, news), "CLAIM")
    assert claims == ["his team deserved the win"], claims


def test_a_title_without_a_point_belongs_to_the_name(nlp_sm: Any, scheme: Scheme) -> None:
    """British style writes "Dr" and "Mr" without a point; "she" then finds the doctor."""
    text = (
        "Health Secretary Jeremy Miles said he was pleased that talks had been constructive. "
        "Dr Oba Babs-Osibodu, co-chair of the committee, told BBC Wales that doctors did not "
        'want to strike. "Nobody goes into medicine to stand on a picket line," she said.'
    )
    proposal = run(text, nlp_sm, scheme)
    assert claimant_of(text, proposal, "doctors did not want to strike") == ["Dr Oba Babs-Osibodu"]
    assert claimant_of(text, proposal, "Nobody goes into medicine to stand on a picket line") == [
        "Dr Oba Babs-Osibodu"
    ]
