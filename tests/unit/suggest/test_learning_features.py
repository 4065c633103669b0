"""What the correction learns from: the scheme's word lists as features of a head noun, how the
default labels the same mention elsewhere in the document, and which new candidates are taught
as finding a gold span (only those whose head lies in it)."""

from __future__ import annotations

from typing import Any

import numpy as np

from annotator.scheme import Scheme
from annotator.suggest.correction import NONE, Analysed, Candidate, analyse, targets
from annotator.suggest.correction.features import context_features, lexicon_features, mention_key
from annotator.suggest.propose import Proposal, Suggester
from annotator.values import SpanData

EMPTY = np.zeros(0, dtype="float32")


def test_the_scheme_word_lists_are_features_of_the_head(nlp_sm: Any, scheme: Scheme) -> None:
    lexicon = Suggester(nlp_sm, scheme).lexicon
    doc = nlp_sm("The spokesman read the report to the gamers near the museum.")
    feats = {tok.text: lexicon_features(tok, lexicon) for tok in doc}
    assert "lex=person" in feats["spokesman"]
    assert "lex=artifact" in feats["report"]
    assert feats["gamers"] == ["lex=agent-suffix"]  # a word no list holds: its ending
    assert "lex=facility" in feats["museum"] and "lex=place" in feats["museum"]
    assert feats["read"] == []
    assert lexicon_features(doc[1], None) == []


def test_mention_key_joins_the_repeats_of_a_mention() -> None:
    assert mention_key("the Sea Org's") == mention_key("Sea Org") == "sea org"
    assert mention_key("The Sea Org’s") == "sea org"


def test_same_says_how_the_default_labels_the_other_mentions_of_the_same_text(
    blank: Any,
) -> None:
    text = "Belgium beat Panama . Belgium scored . Lukaku scored for Belgium in Sochi ."
    doc = blank(text)

    def cand(word: str, nth: int, default: str | None, group: str = "entity") -> Candidate:
        start = -1
        for _ in range(nth + 1):
            start = text.index(word, start + 1)
        return Candidate(group, start, start + len(word), 0, [], EMPTY, default)

    first, second = cand("Belgium", 0, "ACTOR"), cand("Belgium", 1, "ACTOR")
    third = cand("Belgium", 2, "PLACE")  # the team, which the default took for the country
    sochi, chunk = cand("Sochi", 0, "PLACE"), cand("Lukaku", 0, None)
    claim = cand("Belgium", 0, "CLAIM", "claim")
    context_features(doc, [first, second, third, sochi, chunk, claim])
    assert third.feats == ["same=ACTOR"]  # both other mentions are actors
    assert first.feats == ["same=ACTOR", "same=PLACE"]  # a tie between the other two
    assert sochi.feats == ["same=-"] and chunk.feats == ["same=-"]  # no other mention
    assert claim.feats == []  # entities only


def _new(start: int, end: int, head: tuple[int, int] | None) -> Candidate:
    cand = Candidate("entity", start, end, 0, ["bias"], EMPTY)
    cand.head_span = head
    return cand


def test_a_candidate_whose_head_lies_outside_the_gold_span_it_overlaps_is_not_learned() -> None:
    # "police response" (head "response") beside the gold "police": the scorer's overlap would
    # count it, but it names the response; "the police" (head "police") finds the span
    text_gold = [SpanData("g1", 10, 16, "ACTOR"), SpanData("g2", 40, 50, "ACTOR")]
    beside = _new(10, 25, (17, 25))
    right = _new(40, 50, (44, 50))
    wrong = _new(60, 70, (64, 70))
    ys = targets(Analysed(Proposal((), (), {}), [beside, right, wrong]), text_gold)
    assert ys == [None, "ACTOR", NONE]
    # the same candidate with its head in the gold span is taught as finding it
    inside = _new(10, 25, (10, 16))
    ys = targets(Analysed(Proposal((), (), {}), [inside, right, wrong]), text_gold)
    assert ys == ["ACTOR", "ACTOR", NONE]
    # a candidate made without a head span (an older analysis) is matched as before
    assert targets(Analysed(Proposal((), (), {}), [_new(10, 25, None)]), text_gold) == ["ACTOR"]


def test_candidates_carry_their_head_span_and_the_new_features(nlp_sm: Any, scheme: Scheme) -> None:
    text = (
        "Belgium beat Panama in Sochi on Monday. The coach said Belgium played well.\n"
        "Lukaku scored twice for Belgium, a spokesman said."
    )
    rules = Suggester(nlp_sm, scheme)
    (_, analysed), *_ = analyse([(text, 0)], nlp_sm, rules)
    ents = [c for c in analysed.cands if c.group == "entity"]
    spokesman = next(c for c in ents if text[c.start : c.end].endswith("spokesman"))
    assert "lex=person" in spokesman.feats
    assert spokesman.head_span == (text.index("spokesman"), text.index("spokesman") + 9)
    belgium = [c for c in ents if text[c.start : c.end] == "Belgium"]
    assert len(belgium) == 3
    assert all(any(f.startswith("same=") for f in c.feats) for c in belgium)
    assert all(f != "same=-" for c in belgium for f in c.feats)


def test_a_default_claim_says_whether_it_has_a_relation_and_crosses_a_paragraph(
    nlp_sm: Any, scheme: Scheme
) -> None:
    from annotator.suggest.correction.candidates import candidates
    from annotator.values import RelationData

    text = 'The mayor said the bridge would open.\n"Sources say it will not.\nNot this year."'
    doc = nlp_sm(text)
    mayor = SpanData("a", 0, 9, "ACTOR")
    said = SpanData("c1", text.index("the bridge"), text.index(".\n"), "CLAIM")
    quote = SpanData("c2", text.index("Sources"), len(text) - 2, "CLAIM")
    proposal = Proposal((mayor, said, quote), (RelationData("r", "claimant", "c1", "a"),), {})
    cands = candidates(doc, proposal, Suggester(nlp_sm, scheme))
    by_start = {c.start: c for c in cands if c.group == "claim" and c.default == "CLAIM"}
    first, second = by_start[said.start], by_start[quote.start]
    assert "rel=claimant" in first.feats and "rel=none" not in first.feats
    assert "paragraphs" not in first.feats
    assert "rel=none" in second.feats and "paragraphs" in second.feats
