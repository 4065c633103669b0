"""Claims from reporting verbs, quotations and "according to", with their claimants."""

from __future__ import annotations

from typing import Any

from annotator.scheme import Scheme
from annotator.suggest.quotes import find_quotes

from .helpers import find, related, relations_valid, run, spans_of


def test_find_quotes_handles_curly_straight_and_angle_quotes() -> None:
    text = 'He said “one two three”, then "four five" and «six seven», ‘not this’.'
    inner = [text[q.inner_start : q.inner_end] for q in find_quotes(text)]
    assert inner == ["one two three", "four five", "six seven"]


def test_quote_stops_at_paragraph_and_strips_trailing_comma() -> None:
    text = '“We will stay here,” he said.\n\n"unclosed\n\nquote"'
    assert [text[q.inner_start : q.inner_end] for q in find_quotes(text)] == ["We will stay here"]


def test_quote_runs_over_single_line_breaks() -> None:
    # One sentence a line (GUM's layout): an uninterrupted quotation is one span.
    text = 'He said: "We came here first.\nWe will stay here."\nThen he left.'
    assert [text[q.inner_start : q.inner_end] for q in find_quotes(text)] == [
        "We came here first.\nWe will stay here."
    ]


def test_quote_reopened_in_next_paragraph_ends_at_the_line_break() -> None:
    text = '"We came here first.\n"We will stay here," he said.'
    assert [text[q.inner_start : q.inner_end] for q in find_quotes(text)] == [
        "We came here first.",
        "We will stay here",
    ]


def test_reporting_verb_gives_reported_claim_with_subject_as_claimant(
    nlp_sm: Any, scheme: Scheme
) -> None:
    text = "Ahmed Salem said that the army attacked Tripoli on Monday."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "the army attacked Tripoli on Monday")
    assert claim.attrs["form"] == "reported"
    assert related(text, p, claim, "claimant") == ["Ahmed Salem"]
    assert relations_valid(p)


def test_direct_quote_claimant_is_the_speaker_after_the_quote(nlp_sm: Any, scheme: Scheme) -> None:
    text = "“We will never surrender to anyone,” the minister Omar Ali told reporters."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "We will never surrender to anyone")
    assert claim.attrs["form"] == "direct_quote"
    assert related(text, p, claim, "claimant") == ["Omar Ali"]


def test_quote_after_a_colon_is_attributed_to_the_writer(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Noman Benotman wrote:\n\n“I was there with many other people last week.”"
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "I was there with many other people last week.")
    assert related(text, p, claim, "claimant") == ["Noman Benotman"]


def test_according_to_names_the_source(nlp_sm: Any, scheme: Scheme) -> None:
    text = "According to John Smith, the rebels attacked the town of Sabha."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "the rebels attacked the town of Sabha")
    assert claim.attrs["form"] == "reported"
    assert related(text, p, claim, "claimant") == ["John Smith"]
    assert "According" not in spans_of(text, p, "EVENT")


def test_pronoun_subject_falls_back_to_preceding_actor(nlp_sm: Any, scheme: Scheme) -> None:
    text = "Maria Lopez arrived in Madrid on Tuesday. She said that the talks had failed."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "the talks had failed")
    assert related(text, p, claim, "claimant") == ["Maria Lopez"]


def test_the_statement_added_reuses_the_previous_claimant(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        'The Presidential Council said the election would be delayed. "Nobody will be '
        'allowed to vote before June," the statement added.'
    )
    p = run(text, nlp_sm, scheme)
    quote = find(text, p, "CLAIM", "Nobody will be allowed to vote before June")
    assert quote.attrs["form"] == "direct_quote"
    assert related(text, p, quote, "claimant") == ["The Presidential Council"]


def test_claim_before_its_reporting_verb(nlp_sm: Any, scheme: Scheme) -> None:
    text = "The army did not attack Sabha, Khalifa Haftar insisted."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "The army did not attack Sabha")
    assert related(text, p, claim, "claimant") == ["Khalifa Haftar"]


def test_scare_quotes_are_not_claims(nlp_sm: Any, scheme: Scheme) -> None:
    text = 'The ministry wants to "fight terrorism" in the region.'
    assert spans_of(text, run(text, nlp_sm, scheme), "CLAIM") == []


def test_no_claims_without_a_parser(blank: Any, scheme: Scheme) -> None:
    text = "“We will never surrender to anyone,” the minister Omar Ali told reporters."
    assert run(text, blank, scheme).spans == ()
