"""The argument patterns of the news scheme, one small written text each, and the matcher that
runs them from an anchor (it must find what spaCy's own DependencyMatcher finds)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from annotator.scheme import Scheme, scheme_from_dict
from annotator.suggest.events import EventRules
from annotator.suggest.patterns import OPERATORS, ArgumentPatterns

from .helpers import actor_types, find, related, run, spans_of

SENTENCES = [
    "The minister said that the border was closed.",
    "Police arrested and questioned the student on Monday.",
    "The rebels tried to attack the town, officials said.",
    "According to the police, the attack on the embassy was planned by two men.",
    "His claim that the vote was rigged was rejected by the court.",
    "The army's raid in the village killed three civilians.",
    "She described the law as a disaster and called for a new vote.",
    "The envoy met with the rebels in Geneva after the talks.",
    "South Korea evacuated 80 people in the town of Yeoncheon.",
    "A boy handcuffed by the police was released without charge.",
    "The candidate won 51,516 votes, and three deaths were reported.",
]


def _pattern_of(
    anchor: Any, patterns: ArgumentPatterns, group: str, etype: str | None
) -> tuple[str, str] | None:
    found = patterns.first(group, anchor, etype)
    return (found.name, found.arg.text) if found is not None else None


@pytest.mark.parametrize(
    ("text", "anchor", "group", "expected"),
    [
        # claim_source
        ("The minister said that the border was closed.", "said", "claim_source",
         ("subject", "minister")),
        ("The rebels wanted to deny that they fled.", "deny", "claim_source",
         ("subject_of_governor", "rebels")),
        ("His claim that the vote was rigged was rejected.", "claim", "claim_source",
         ("possessor_of_noun", "His")),
        ("The party made the allegation that the vote was rigged.", "allegation",
         "claim_source", ("subject_of_noun_verb", "party")),
        ("According to the police, the town is calm.", "to", "claim_source",
         ("object_of_source_phrase", "police")),
        # claim_content
        ("The minister said that the border was closed.", "said", "claim_content",
         ("clause", "closed")),
        ("She described the law as a disaster.", "described", "claim_content",
         ("describe_as", "as")),
        ("The group called for a ceasefire.", "called", "claim_content", ("call_for", "ceasefire")),
        ("The ministry denied the allegations.", "denied", "claim_content",
         ("denied_object", "allegations")),
        ("His claim that the vote was rigged was rejected.", "claim", "claim_content",
         ("that_clause_of_noun", "rigged")),
        # event_agent
        ("The embassy was attacked by two gunmen.", "attacked", "event_agent",
         ("passive_by", "gunmen")),
        ("The attack by the rebels failed.", "attack", "event_agent",
         ("by_phrase_of_noun", "rebels")),
        ("The army's raid killed three civilians.", "raid", "event_agent",
         ("possessor_of_noun", "army")),
        ("Soldiers killed three civilians.", "killed", "event_agent", ("subject", "Soldiers")),
        ("The rebels tried to attack the town.", "attack", "event_agent",
         ("subject_of_governor", "rebels")),
        ("The ministers held talks on Monday.", "talks", "event_agent",
         ("subject_of_light_verb", "ministers")),
        # event_target
        ("The envoy met with the rebels.", "met", "event_target", ("meeting_party", "rebels")),
        ("The arrest of two journalists angered the union.", "arrest", "event_target",
         ("of_phrase_of_noun", "journalists")),
        ("Soldiers killed three civilians.", "killed", "event_target", ("object", "civilians")),
        ("The attack on the embassy failed.", "attack", "event_target",
         ("directed_at", "embassy")),
        ("Police arrested and questioned the student.", "arrested", "event_target",
         ("object_of_conjoined_verb", "student")),
        # event_place
        ("Clashes broke out after the protest in the capital.", "protest", "event_place",
         ("place_phrase", "capital")),
        ("South Korea evacuated about 80 people in the town of Yeoncheon.", "evacuated",
         "event_place", ("place_of_object", "town")),
    ],
)  # fmt: skip
def test_each_pattern_finds_its_argument(
    nlp_sm: Any,
    scheme: Scheme,
    text: str,
    anchor: str,
    group: str,
    expected: tuple[str, str],
) -> None:
    patterns = ArgumentPatterns(scheme.preannotation["argument_patterns"])
    events = EventRules(scheme.preannotation["event_triggers"])
    doc = nlp_sm(text)
    tok = next(t for t in doc if t.text == anchor)
    assert _pattern_of(tok, patterns, group, events.type_of(tok)) == expected


def test_both_matchers_give_the_same_matches_in_the_same_order(nlp_sm: Any, scheme: Scheme) -> None:
    """Every pattern of the news scheme, every token as the anchor: the anchored matcher and
    spaCy's own DependencyMatcher give the same matches in the same order."""
    raw = scheme.preannotation["argument_patterns"]
    ours, theirs = ArgumentPatterns(raw), ArgumentPatterns(raw, "spacy")
    total = 0
    for doc in nlp_sm.pipe(SENTENCES):
        for group in raw:
            for tok in doc:
                for etype in (None, "meeting", "attack", "arrest"):
                    mine = [
                        [(m.name, dict(m.tokens)) for m in ms]
                        for ms in ours.by_pattern(group, tok, etype)
                    ]
                    spacy = [
                        [(m.name, dict(m.tokens)) for m in ms]
                        for ms in theirs.by_pattern(group, tok, etype)
                    ]
                    assert mine == spacy, (doc.text, group, tok.text, etype)
                    total += sum(map(len, mine)) if etype is None else 0
    assert total > 60  # the sentences exercise the patterns


def test_args_by_pattern_are_the_arguments_of_by_pattern(nlp_sm: Any, scheme: Scheme) -> None:
    """``args_by_pattern`` (no match made) gives each match's ``arg`` in ``by_pattern``'s
    order, with both matchers; a pattern without an ``arg`` node raises as ``arg`` does."""
    raw = scheme.preannotation["argument_patterns"]
    total = 0
    for patterns in (ArgumentPatterns(raw), ArgumentPatterns(raw, "spacy")):
        for doc in nlp_sm.pipe(SENTENCES):
            for group in ("event_agent", "event_target", "claim_source"):
                for tok in doc:
                    for etype in (None, "attack", "meeting"):
                        args = list(patterns.args_by_pattern(group, tok, etype))
                        found = patterns.by_pattern(group, tok, etype)
                        want = [[m.arg for m in ms] for ms in found]
                        assert args == want, (doc.text, group, tok.text, etype)
                        total += sum(map(len, args))
    assert total > 40  # the sentences exercise the patterns
    no_arg = {"g": [{"name": "p", "pattern": [{"RIGHT_ID": "anchor", "RIGHT_ATTRS": {}}]}]}
    doc = nlp_sm("Police came.")
    with pytest.raises(KeyError):
        list(ArgumentPatterns(no_arg).args_by_pattern("g", doc[0]))
    with pytest.raises(KeyError):
        [m.arg for ms in ArgumentPatterns(no_arg).by_pattern("g", doc[0]) for m in ms]


def _node(left: str, op: str, name: str, attrs: dict[str, Any]) -> dict[str, Any]:
    return {"LEFT_ID": left, "REL_OP": op, "RIGHT_ID": name, "RIGHT_ATTRS": attrs}


def test_the_preselection_keeps_every_pattern_that_can_match(blank: Any) -> None:
    """The anchored matcher asks only the patterns whose anchor, head and children's DEP may
    match, and keeps that choice by those values. A test of a flag is no such value: a
    title-case anchor or an alphabetic head found after a token with the same values but not
    the flag still matches. So do a child DEP from an ``IN`` list beside a ``NOT_IN``, a child
    of a ``>++`` node, an event type, and a pattern that needs a head (not on a root)."""
    from spacy.tokens import Doc

    anchor = {"RIGHT_ID": "a", "RIGHT_ATTRS": {}}
    raw = {
        "g": [
            {"name": "title", "pattern": [
                {"RIGHT_ID": "a", "RIGHT_ATTRS": {"IS_TITLE": True, "POS": "NOUN"}},
                _node("a", ">", "arg", {"DEP": {"IN": ["amod", "poss"]}})]},
            {"name": "head_flag", "pattern": [
                {"RIGHT_ID": "a", "RIGHT_ATTRS": {"POS": "NOUN"}},
                _node("a", "<", "arg", {"IS_ALPHA": True, "POS": "VERB"})]},
            {"name": "any_head", "pattern": [
                {"RIGHT_ID": "a", "RIGHT_ATTRS": {"POS": "VERB"}}, _node("a", "<", "arg", {})]},
            {"name": "in_not_in", "pattern": [
                {"RIGHT_ID": "a", "RIGHT_ATTRS": {"POS": "VERB"}},
                _node("a", ">", "arg", {"DEP": {"IN": ["dobj", "prep"], "NOT_IN": ["prep"]}})]},
            {"name": "right_child", "pattern": [
                {"RIGHT_ID": "a", "RIGHT_ATTRS": {"DEP": {"NOT_IN": ["ROOT"]}}},
                _node("a", ">++", "arg", {"DEP": "pobj"})]},
            {"name": "typed", "types": ["attack"], "pattern": [
                anchor, _node("a", ">", "arg", {"DEP": "det"})]},
        ]
    }  # fmt: skip
    docs = [
        # (words, heads, deps, pos): the first of each pair has the values but not the flag
        (["big", "dogs", "b4rk"], [1, 2, 2], ["amod", "nsubj", "ROOT"], ["ADJ", "NOUN", "VERB"]),
        (["Big", "Dogs", "bark"], [1, 2, 2], ["amod", "nsubj", "ROOT"], ["ADJ", "NOUN", "VERB"]),
        (["the", "dogs", "chase", "cats", "in", "parks", "and", "bark"], [1, 2, 2, 2, 2, 4, 2, 2],
         ["det", "nsubj", "ROOT", "dobj", "prep", "pobj", "cc", "conj"],
         ["DET", "NOUN", "VERB", "NOUN", "ADP", "NOUN", "CCONJ", "VERB"]),
    ]  # fmt: skip
    ours, theirs = ArgumentPatterns(raw), ArgumentPatterns(raw, "spacy")
    found: set[str] = set()
    for _ in range(2):
        for words, heads, deps, pos in docs:
            doc = Doc(blank.vocab, words=words, heads=heads, deps=deps, pos=pos)
            for tok in doc:
                for etype in (None, "attack"):
                    mine = [
                        [(m.name, dict(m.tokens)) for m in ms]
                        for ms in ours.by_pattern("g", tok, etype)
                    ]
                    spacy = [
                        [(m.name, dict(m.tokens)) for m in ms]
                        for ms in theirs.by_pattern("g", tok, etype)
                    ]
                    assert mine == spacy, (doc.text, tok.text, etype)
                    found.update(ms[0][0] for ms in mine)
    assert found == {p["name"] for p in raw["g"]}
    pre = ours._preselect["g"]
    assert pre.memo  # the choices are kept by value
    assert min(len(v) for v in pre.memo.values()) < len(raw["g"]) - 2  # and choose


@pytest.mark.parametrize("op", sorted(OPERATORS))
def test_each_operator_and_kind_of_test_is_compiled_as_spacy_reads_it(nlp_sm: Any, op: str) -> None:
    """Every operator, each with a node test of an id (``IN``, ``NOT_IN``, equality) and of
    the Token (a flag, ``REGEX``, a length): each pattern's compiled search finds what its
    steps find and what spaCy's matcher finds, in the same order."""
    raw = {
        "g": [
            {"name": f"{op} {kind}", "pattern": [
                {"RIGHT_ID": "a", "RIGHT_ATTRS": {"POS": {"IN": ["VERB", "NOUN", "PROPN"]}}},
                _node("a", op, "arg", attrs)]}
            for kind, attrs in (
                ("any", {}),
                ("ids", {"DEP": {"NOT_IN": ["punct"]}, "LOWER": {"NOT_IN": ["the"]}}),
                ("equal", {"POS": "DET"}),
                ("token", {"IS_ALPHA": True, "TEXT": {"REGEX": "^[a-z]"}, "LENGTH": {">": 2}}),
            )
        ]
    }  # fmt: skip
    ours, theirs = ArgumentPatterns(raw), ArgumentPatterns(raw, "spacy")
    total = 0
    for doc in nlp_sm.pipe(SENTENCES[:5]):
        tree = ours._tree_of(doc)
        for tok in doc:
            for pat in ours.groups["g"]:
                assert pat.search(tree, tok.i) == pat.search_by_steps(tree, tok.i), pat.name
            mine = [[dict(m.tokens) for m in ms] for ms in ours.by_pattern("g", tok)]
            spacy = [[dict(m.tokens) for m in ms] for ms in theirs.by_pattern("g", tok)]
            assert mine == spacy, (doc.text, tok.text)
            total += sum(map(len, mine))
    assert total > 0


def test_spacys_dependency_matcher_drives_the_suggestions(
    nlp_sm: Any, scheme: Scheme, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With ``pattern_matcher: spacy`` the arguments come from spaCy's DependencyMatcher
    alone (the anchored matcher is never asked) and the suggestions are the same."""
    from annotator.suggest import patterns

    data = scheme.to_dict()
    data["preannotation"] = {**data["preannotation"], "pattern_matcher": "spacy"}
    spacy_scheme = scheme_from_dict(data)
    texts = [
        *SENTENCES,
        "The council held Haftar responsible for the violence, the Home Office letter says.",
        '"We will not leave," the protesters said. Following the talks, police arrested two men.',
    ]
    anchored = [run(t, nlp_sm, scheme) for t in texts]

    def refuse(*_: Any) -> Any:
        raise AssertionError("the anchored matcher was asked")

    monkeypatch.setattr(patterns._Pattern, "search", refuse)
    monkeypatch.setattr(patterns, "_compiled_search", lambda *_: refuse)  # each pattern's own
    monkeypatch.setattr(patterns, "_BUILT", {})  # patterns built from here on search with it
    with_spacy = [run(t, nlp_sm, spacy_scheme) for t in texts]
    assert with_spacy == anchored
    assert sum(len(p.relations) for p in with_spacy) > 20
    with pytest.raises(AssertionError, match="anchored matcher"):
        run(texts[0], nlp_sm, scheme)


def test_on_dev_articles_spacys_matcher_gives_the_same_suggestions(
    nlp_sm: Any, scheme: Scheme
) -> None:
    """Three real news articles of the dev set, both matchers: identical suggestions."""
    import json

    path = Path(__file__).parents[3] / ".." / "shared" / "eval" / "dev_texts.jsonl"
    if not path.is_file():
        pytest.skip("the shared dev set is not there")
    with path.open(encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line, _ in zip(f, range(3), strict=False)]
    data = scheme.to_dict()
    data["preannotation"] = {**data["preannotation"], "pattern_matcher": "spacy"}
    spacy_scheme = scheme_from_dict(data)
    for text in texts:
        ours, theirs = run(text, nlp_sm, scheme), run(text, nlp_sm, spacy_scheme)
        assert ours == theirs
        assert ours.relations


def test_priority_and_nearness_choose_among_matches(nlp_sm: Any, scheme: Scheme) -> None:
    """ "defeated by 10,694 votes by James To": the agent is the "by" phrase that is an actor."""
    text = "Wong Kwok-hing was defeated by 10,694 votes by James To."
    p = run(text, nlp_sm, scheme)
    event = find(text, p, "EVENT", "defeated")
    assert related(text, p, event, "agent") == ["James To"]


def test_a_lead_extends_the_patterns_in_the_scheme(nlp_sm: Any, scheme: Scheme) -> None:
    """A pattern added to the scheme changes the suggestions; without the group, no agents."""
    text = "The talks among the rebels ended in Geneva."
    data = scheme.to_dict()
    pre = dict(data["preannotation"])
    groups = dict(pre["argument_patterns"])
    assert related(text, run(text, nlp_sm, scheme), find(text, run(text, nlp_sm, scheme),
                   "EVENT", "talks"), "agent") == []  # fmt: skip
    groups["event_agent"] = [
        {
            "name": "between",
            "pattern": [
                {"RIGHT_ID": "trigger", "RIGHT_ATTRS": {"POS": "NOUN"}},
                {
                    "LEFT_ID": "trigger",
                    "REL_OP": ">",
                    "RIGHT_ID": "prep",
                    "RIGHT_ATTRS": {"DEP": "prep", "LOWER": "among"},
                },
                {
                    "LEFT_ID": "prep",
                    "REL_OP": ">",
                    "RIGHT_ID": "arg",
                    "RIGHT_ATTRS": {"DEP": "pobj"},
                },
            ],
        }
    ]
    pre["argument_patterns"] = groups
    data["preannotation"] = pre
    extended = scheme_from_dict(data)
    p = run(text, nlp_sm, extended)
    assert related(text, p, find(text, p, "EVENT", "talks"), "agent") == ["the rebels"]


def test_without_patterns_in_the_scheme_the_news_patterns_apply(
    nlp_sm: Any, scheme: Scheme
) -> None:
    data = scheme.to_dict()
    pre = dict(data["preannotation"])
    del pre["argument_patterns"]
    data["preannotation"] = pre
    text = "Soldiers killed three civilians."
    p = run(text, nlp_sm, scheme_from_dict(data))
    event = find(text, p, "EVENT", "killed")
    assert related(text, p, event, "agent") == ["Soldiers"]
    assert related(text, p, event, "target") == ["three civilians"]


@pytest.mark.parametrize(
    ("text", "anchor", "status"),
    [
        ("The army did not attack the town.", "attack", "denied"),
        ("The ministers will meet in Geneva.", "meet", "planned"),
        ("The ministry denied that troops attacked the village.", "attacked", "denied"),
        ("Police accused the man of killing two guards.", "killing", "alleged"),
        ("The rebels plan to attack the capital.", "attack", "planned"),
        ("Soldiers attacked the town on Monday.", "attacked", None),
    ],
)
def test_the_status_patterns_give_the_event_status(
    nlp_sm: Any, scheme: Scheme, text: str, anchor: str, status: str | None
) -> None:
    patterns = ArgumentPatterns(scheme.preannotation["argument_patterns"])
    doc = nlp_sm(text)
    tok = next(t for t in doc if t.text == anchor)
    assert patterns.status(tok) == status


def test_a_name_inside_a_misparsed_participle_subject_is_the_source(scheme: Scheme) -> None:
    """ "Writing in a blog post, Matthew Ingram said ...", parsed with "Writing" as the subject
    and the name hanging from it (a parse the small pipeline makes on real news)."""
    import spacy
    from spacy.tokens import Doc

    words = ["Writing", "in", "posts", ",", "Matthew", "Ingram", "said", "it", "failed", "."]
    heads = [6, 0, 1, 0, 5, 0, 6, 8, 6, 6]
    deps = ["nsubj", "prep", "pobj", "punct", "compound", "npadvmod", "ROOT", "nsubj", "ccomp"]
    pos = ["VERB", "ADP", "NOUN", "PUNCT", "PROPN", "PROPN", "VERB", "PRON", "VERB", "PUNCT"]
    doc = Doc(spacy.blank("en").vocab, words=words, heads=heads, deps=[*deps, "punct"], pos=pos)
    patterns = ArgumentPatterns(scheme.preannotation["argument_patterns"])
    found = patterns.first("claim_source", doc[6])
    assert found is not None
    assert (found.name, found.arg.text) == ("name_inside_participle_subject", "Ingram")


def test_the_owner_of_a_source_document_is_the_nearest_name_compound(
    nlp_sm: Any, scheme: Scheme
) -> None:
    """ "the US Geological Survey said": the claimant is the survey's owner, found through the
    compound nearest the noun ("Geological", inside the actor), not the first ("US")."""
    text = "The quake struck the district, the US Geological Survey said."
    p = run(text, nlp_sm, scheme)
    claim = find(text, p, "CLAIM", "The quake struck the district")
    assert related(text, p, claim, "claimant") == ["the US Geological Survey"]


@pytest.mark.parametrize(
    ("text", "anchor", "name"),
    [
        ("According to the police, the town is calm.", "According", "preposition"),
        ("They named him president.", "named", "predicative_complement"),
        ("The council held Haftar responsible for the violence.", "held", "object_predicate"),
        ("Police held the man for two days.", "held", None),
    ],
)
def test_the_not_trigger_patterns_test_the_trigger_word(
    nlp_sm: Any, scheme: Scheme, text: str, anchor: str, name: str | None
) -> None:
    patterns = ArgumentPatterns(scheme.preannotation["argument_patterns"])
    tok = next(t for t in nlp_sm(text) if t.text == anchor)
    found = patterns.any("event_not_trigger", tok)
    assert (found.name if found is not None else None) == name


def test_a_group_missing_from_the_scheme_is_the_news_one_and_an_empty_one_is_off(
    nlp_sm: Any, scheme: Scheme
) -> None:
    """ "According" (lemma "accord", an agreement word) is a preposition here: no event."""
    text = "According to the police, the town is calm."
    data = scheme.to_dict()
    news = data["preannotation"]["argument_patterns"]
    only_agents = {"event_agent": news["event_agent"]}
    for groups, event in (
        (only_agents, False),
        ({**only_agents, "event_not_trigger": []}, True),
    ):
        data["preannotation"] = {**data["preannotation"], "argument_patterns": groups}
        p = run(text, nlp_sm, scheme_from_dict(data))
        assert ("According" in spans_of(text, p, "EVENT")) is event


@pytest.mark.parametrize(
    ("text", "word", "event"),
    [
        ("The candidate won 51,516 votes in the district.", "votes", False),
        ("The vote was held in the district on Sunday.", "vote", True),
        ("Three deaths were reported after the blast.", "deaths", False),
        ("Dozens of deaths were reported after the blast.", "deaths", True),
    ],
)
def test_a_counted_noun_with_a_number_is_no_event(
    nlp_sm: Any, scheme: Scheme, text: str, word: str, event: bool
) -> None:
    """``counted_not_events`` nouns are no events where an ``event_counted`` pattern matches:
    with a number ("51,516 votes"), not alone ("the vote was held")."""
    assert (word in spans_of(text, run(text, nlp_sm, scheme), "EVENT")) is event


def test_a_lead_extends_or_turns_off_what_counts(nlp_sm: Any, scheme: Scheme) -> None:
    """The test of a counted noun is the scheme's: a lead adds "dozens of deaths"; an empty
    ``event_counted`` makes "51,516 votes" an event again."""
    data = scheme.to_dict()
    news = data["preannotation"]["argument_patterns"]
    dozens = {
        "name": "amount_of",
        "pattern": [
            {"RIGHT_ID": "noun", "RIGHT_ATTRS": {"DEP": "pobj"}},
            {"LEFT_ID": "noun", "REL_OP": "<", "RIGHT_ID": "of", "RIGHT_ATTRS": {"LOWER": "of"}},
            {
                "LEFT_ID": "of",
                "REL_OP": "<",
                "RIGHT_ID": "amount",
                "RIGHT_ATTRS": {"LOWER": {"IN": ["dozens", "hundreds", "thousands"]}},
            },
        ],
    }
    for groups, text, word, event in (
        ({"event_counted": [*news["event_counted"], dozens]}, "Dozens of deaths were reported.",
         "deaths", False),
        ({"event_counted": []}, "The candidate won 51,516 votes.", "votes", True),
    ):  # fmt: skip
        data["preannotation"] = {**data["preannotation"], "argument_patterns": groups}
        for matcher in ("anchored", "spacy"):
            data["preannotation"]["pattern_matcher"] = matcher
            found = spans_of(text, run(text, nlp_sm, scheme_from_dict(data)), "EVENT")
            assert (word in found) is event, (matcher, text)


@pytest.mark.parametrize(
    ("text", "content", "claim"),
    [
        ("The team had been denied visas to enter the country.", "visas", False),
        ("They were twice denied visas by the embassy.", "visas", False),
        ("The minister denied the charges against him.", "the charges against him", True),
        ("The minister denied that the army had entered the town.", "the army had entered", True),
    ],
)
def test_deny_refusing_something_to_someone_reports_nothing(
    nlp_sm: Any, scheme: Scheme, text: str, content: str, claim: bool
) -> None:
    """``claim_not_cue``: "deny" passive with an object (or with two objects) refuses; with
    one object or a clause it reports ("denied the charges"). Both matchers agree."""
    data = scheme.to_dict()
    for matcher in ("anchored", "spacy"):
        data["preannotation"] = {**data["preannotation"], "pattern_matcher": matcher}
        claims = spans_of(text, run(text, nlp_sm, scheme_from_dict(data)), "CLAIM")
        assert any(content in c for c in claims) is claim, (matcher, claims)


def test_a_lead_turns_the_refusal_test_off(nlp_sm: Any, scheme: Scheme) -> None:
    """An empty ``claim_not_cue`` makes "denied them visas" a claim again, as it was."""
    text = "The embassy denied them visas."
    data = scheme.to_dict()
    groups = data["preannotation"]["argument_patterns"]
    data["preannotation"] = {
        **data["preannotation"],
        "argument_patterns": {**groups, "claim_not_cue": []},
    }
    claims = spans_of(text, run(text, nlp_sm, scheme_from_dict(data)), "CLAIM")
    assert any("visas" in c for c in claims), claims
    assert spans_of(text, run(text, nlp_sm, scheme), "CLAIM") == []


def _with(scheme: Scheme, matcher: str, **pre: Any) -> Scheme:
    """The scheme with ``pre`` over its ``preannotation`` and the given pattern matcher."""
    data = scheme.to_dict()
    data["preannotation"] = {**data["preannotation"], **pre, "pattern_matcher": matcher}
    return scheme_from_dict(data)


@pytest.mark.parametrize("matcher", ["anchored", "spacy"])
def test_every_conjunct_of_an_argument_is_an_argument_and_a_lead_can_stop_it(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """``event_conjunct`` follows the chain "A, B and C" from each argument to the next; with
    the group emptied only the first is kept."""
    text = "Police arrested Ahmed Ali, Omar Khan and Sara Malik in the capital on Monday."
    proposal = run(text, nlp_sm, _with(scheme, matcher))
    arrested = find(text, proposal, "EVENT", "arrested")
    assert related(text, proposal, arrested, "target") == ["Ahmed Ali", "Omar Khan", "Sara Malik"]
    assert related(text, proposal, arrested, "agent") == ["Police"]
    groups = scheme.preannotation["argument_patterns"]
    off = run(
        text, nlp_sm, _with(scheme, matcher, argument_patterns={**groups, "event_conjunct": []})
    )
    assert related(text, off, find(text, off, "EVENT", "arrested"), "target") == ["Ahmed Ali"]


@pytest.mark.parametrize("matcher", ["anchored", "spacy"])
def test_who_undergoes_an_event_is_its_target_as_the_scheme_lists(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """``undergoer_triggers``: the one who died is the target of "died", not its agent; a lead
    who empties the list gets the subject as agent."""
    text = "The journalist died in the attack."
    proposal = run(text, nlp_sm, _with(scheme, matcher))
    died = find(text, proposal, "EVENT", "died")
    assert related(text, proposal, died, "target") == ["The journalist"]
    assert related(text, proposal, died, "agent") == []
    off = run(text, nlp_sm, _with(scheme, matcher, undergoer_triggers=[]))
    assert related(text, off, find(text, off, "EVENT", "died"), "agent") == ["The journalist"]


@pytest.mark.parametrize(
    ("text", "trigger", "agent"),
    [
        (
            "In a statement on Monday, the ministry said the talks had failed.",
            "statement",
            "the ministry",
        ),
        ("The journalist died in the attack.", "attack", None),
        ("Two villagers drowned during the raid.", "raid", None),
    ],
)
def test_the_subject_of_the_clause_a_noun_introduces_is_its_agent_unless_it_befell_them(
    nlp_sm: Any, scheme: Scheme, text: str, trigger: str, agent: str | None
) -> None:
    """``subject_of_clause_introduced``: "in a statement, X said" makes X the agent; a verb
    of what befell its subject (die, drown, ...) gives the noun no agent."""
    for matcher in ("anchored", "spacy"):
        proposal = run(text, nlp_sm, _with(scheme, matcher))
        event = find(text, proposal, "EVENT", trigger)
        assert related(text, proposal, event, "agent") == ([agent] if agent else []), matcher


def _claims(text: str, proposal: Any) -> dict[str, tuple[str, list[str]]]:
    """CLAIM text -> (stance, claimants)."""
    return {
        text[c.start : c.end]: (str(c.attrs.get("stance")), related(text, proposal, c, "claimant"))
        for c in proposal.spans
        if c.label == "CLAIM"
    }


@pytest.mark.parametrize("matcher", ["anchored", "spacy"])
def test_said_in_a_statement_that_names_the_speaker(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """``subject_of_verb_in_noun``: when the parser hangs the "that" clause on the noun ("said
    in a statement that ..."), the noun is the cue and the verb's subject the claimant."""
    text = (
        "Its spokesman, John Mbadi, said in a statement that the protests were peaceful and "
        "that police had shot two demonstrators in Kisumu."
    )
    claims = _claims(text, run(text, nlp_sm, _with(scheme, matcher)))
    content = "the protests were peaceful and that police had shot two demonstrators in Kisumu"
    assert content in claims, claims
    assert claims[content][1] in (["Its spokesman"], ["John Mbadi"])


@pytest.mark.parametrize("matcher", ["anchored", "spacy"])
def test_accusing_someone_of_something_is_a_claim_against_them(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """``accused_of``: the parser hangs "of ..." on the object; the claim is what they are
    accused of, with the accuser as claimant and an opposing stance."""
    text = "The ministry accused the rebels of attacking civilians."
    claims = _claims(text, run(text, nlp_sm, _with(scheme, matcher)))
    assert claims.get("attacking civilians") == ("oppose", ["The ministry"]), claims


@pytest.mark.parametrize(
    ("text", "trigger"),
    [
        ("President William Ruto is expected to meet opposition leader Raila Odinga.", "meet"),
        ("The two leaders are scheduled to sign the agreement on Friday.", "sign"),
        ("The rebels have agreed to hold talks in Geneva.", "talks"),
    ],
)
def test_what_is_expected_or_scheduled_is_planned(
    nlp_sm: Any, scheme: Scheme, text: str, trigger: str
) -> None:
    for matcher in ("anchored", "spacy"):
        proposal = run(text, nlp_sm, _with(scheme, matcher))
        event = find(text, proposal, "EVENT", trigger)
        assert event.attrs.get("status") == "planned", (matcher, event.attrs)


@pytest.mark.parametrize(
    ("text", "trigger", "agent"),
    [
        ("The rebels carried out the attack at dawn.", "attack", "The rebels"),
        ("The army launched an offensive against the rebels.", "offensive", "The army"),
        ("The United Nations condemned the attack.", "attack", None),
        ("Residents described the bombing as a massacre.", "bombing", None),
        ("Opposition parties boycotted the election.", "election", None),
    ],
)
def test_only_a_light_verb_makes_its_subject_the_agent_of_its_object(
    nlp_sm: Any, scheme: Scheme, text: str, trigger: str, agent: str | None
) -> None:
    """``subject_of_light_verb``: who carries out or launches an attack did it; who condemns,
    describes or boycotts it did not."""
    for matcher in ("anchored", "spacy"):
        proposal = run(text, nlp_sm, _with(scheme, matcher))
        event = find(text, proposal, "EVENT", trigger)
        assert related(text, proposal, event, "agent") == ([agent] if agent else []), matcher


@pytest.mark.parametrize(
    ("text", "word", "event"),
    [
        ("The ruling party lost its majority.", "ruling", False),
        ("A retired general was appointed to lead the inquiry.", "retired", False),
        ("The court issued its ruling on Monday.", "ruling", True),
        ("The general retired last year.", "retired", True),
    ],
)
def test_a_participle_that_modifies_a_noun_is_no_event(
    nlp_sm: Any, scheme: Scheme, text: str, word: str, event: bool
) -> None:
    """``event_not_trigger`` ``participle_modifier``: "the ruling party", "a retired general"
    describe the noun; the same words as nouns or verbs are events."""
    for matcher in ("anchored", "spacy"):
        proposal = run(text, nlp_sm, _with(scheme, matcher))
        assert (word in [w.lower() for w in spans_of(text, proposal, "EVENT")]) is event, matcher


def test_who_drowned_is_the_target_of_a_killing(nlp_sm: Any, scheme: Scheme) -> None:
    text = "At least 40 people drowned when their boat capsized on the river."
    proposal = run(text, nlp_sm, scheme)
    drowned = find(text, proposal, "EVENT", "drowned")
    assert drowned.attrs.get("type") == "killing"
    assert related(text, proposal, drowned, "target") == ["At least 40 people"]


def test_sources_named_by_a_common_noun_or_a_by_phrase(nlp_sm: Any, scheme: Scheme) -> None:
    """ "According to the office" has the office as claimant (an office speaks); "a poll by
    the Forsa institute found" has its author (``claim_owner`` ``by_phrase``)."""
    text = (
        "A spokeswoman for the Federal Statistics Office declined to comment. According to "
        "the office, orders fell 1.5 percent in August.\n\nA poll by the Forsa institute "
        "found that 70 percent of Germans are dissatisfied with the government."
    )
    claims = _claims(text, run(text, nlp_sm, scheme))
    assert claims["orders fell 1.5 percent in August"][1] == ["the office"]
    [author] = claims["70 percent of Germans are dissatisfied with the government"][1]
    assert "Forsa" in author


def test_actor_types_of_parties_newspapers_and_groups(nlp_sm: Any, scheme: Scheme) -> None:
    """The scheme's guidelines: "the opposition" and the Christian Democrats are a party (a
    political camp), a name compounded with "newspaper" is media, children and voters are
    population groups."""
    text = (
        "The opposition Christian Democrats dismissed the plan. Friedrich Merz told the Bild "
        "newspaper that the opposition would vote against it. Voters and children were "
        "evacuated."
    )
    types = actor_types(text, run(text, nlp_sm, scheme))
    assert types.get("Christian Democrats") == "party", types
    assert types.get("Bild") == "media", types
    assert types.get("the opposition") == "party", types
    assert {types.get("Voters"), types.get("children")} == {"population_group"}, types


@pytest.mark.parametrize(
    ("text", "claims"),
    [
        ("The generals have agreed to send envoys to Saudi Arabia.", []),
        ("Hamas vowed to retaliate against the strikes.", []),
        ("The minister agreed that the plan had failed.", ["the plan had failed"]),
    ],
)
def test_an_intention_is_no_claim(
    nlp_sm: Any, scheme: Scheme, text: str, claims: list[str]
) -> None:
    """``claim_not_cue`` ``intention``: "agreed to", "vowed to" with an infinitive say what
    someone means to do (the guidelines: no claim); "agreed that ..." reports."""
    for matcher in ("anchored", "spacy"):
        found = spans_of(text, run(text, nlp_sm, _with(scheme, matcher)), "CLAIM")
        assert found == claims, matcher


@pytest.mark.parametrize("matcher", ["anchored", "spacy"])
def test_who_speaks_in_a_participle_clause_gave_the_statement(
    nlp_sm: Any, scheme: Scheme, matcher: str
) -> None:
    """``subject_of_participle_clause`` (statement nouns only): "Discussing the crisis in a
    public statement, the prime minister said ..." makes him the statement's agent."""
    text = (
        "Discussing the crisis in a public statement, the prime minister said the talks "
        "would go on."
    )
    proposal = run(text, nlp_sm, _with(scheme, matcher))
    statement = find(text, proposal, "EVENT", "statement")
    assert related(text, proposal, statement, "agent") == ["the prime minister"]
