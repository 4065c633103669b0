"""Who took part in events and who is named, in wire reports of arrests, elections and state
visits (sentences written for these tests, none from the dev set): the noun a participle
modifies, a reduced relative the parser makes the main verb, the winner of an election, a
noun that has its capital only from opening a sentence, and a name the recogniser joins to
the adverb after it."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.scheme import Scheme

from .helpers import MATCHERS, roles_of, run, spans_of, with_matcher


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
