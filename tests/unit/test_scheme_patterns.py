"""The suggestion patterns of a scheme (``preannotation.argument_patterns``) are checked on load:
a bad pattern is one line naming the scheme file and the line of the pattern."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import SchemeError, SchemePatternError
from annotator.scheme import PATTERN_GROUPS, load_scheme, scheme_from_dict

HEAD = """name: x
labels: [ACTOR, EVENT]
preannotation:
  argument_patterns:
    event_agent:
      - name: fine
        pattern:
          - {RIGHT_ID: trigger, RIGHT_ATTRS: {POS: VERB}}
          - {LEFT_ID: trigger, REL_OP: ">", RIGHT_ID: arg, RIGHT_ATTRS: {DEP: nsubj}}
"""
# Each bad pattern starts on line 10 of the file (11 when it opens a group of its own).
BAD_LINE = 10


def _scheme(tmp_path: Path, group: str, entry: str) -> Path:
    path = tmp_path / "s.yaml"
    opener = "" if group == "event_agent" else f"    {group}:\n"
    path.write_text(HEAD + opener + entry)
    return path


GOOD_PATTERN = (
    "        pattern:\n"
    "          - {RIGHT_ID: trigger, RIGHT_ATTRS: {POS: VERB}}\n"
    '          - {LEFT_ID: trigger, REL_OP: ">", RIGHT_ID: arg, RIGHT_ATTRS: {DEP: dobj}}\n'
)


@pytest.mark.parametrize(
    ("group", "entry", "expected"),
    [
        (
            "event_agentz",
            "      - name: a\n" + GOOD_PATTERN,
            "unknown pattern group 'event_agentz'",
        ),
        (
            "event_agent",
            "      - name: a\n        pattern:\n"
            "          - {RIGHT_ID: trigger, RIGHT_ATTRS: {POS: VERB}}\n"
            '          - {LEFT_ID: trigger, REL_OP: ">", RIGHT_ID: arg, RIGHT_ATTRS: {DEPP: x}}\n',
            "unknown token attribute 'DEPP'",
        ),
        (
            "event_agent",
            "      - name: a\n        pattern:\n"
            "          - {RIGHT_ID: trigger, RIGHT_ATTRS: {POS: VERB}}\n"
            '          - {LEFT_ID: trigger, REL_OP: "~>", RIGHT_ID: arg, RIGHT_ATTRS: {}}\n',
            "unknown REL_OP '~>'",
        ),
        (
            "event_agent",
            "      - name: a\n        pattern:\n"
            "          - {RIGHT_ID: trigger, RIGHT_ATTRS: {POS: VERB}}\n"
            '          - {LEFT_ID: verb, REL_OP: ">", RIGHT_ID: arg, RIGHT_ATTRS: {}}\n',
            "LEFT_ID 'verb' names no earlier node",
        ),
        (
            "event_agent",
            "      - name: a\n        pattern:\n"
            "          - {RIGHT_ID: trigger, RIGHT_ATTRS: {POS: VERB}}\n"
            '          - {LEFT_ID: trigger, REL_OP: ">", RIGHT_ID: who, RIGHT_ATTRS: {}}\n',
            "has no node named 'arg'",
        ),
        (
            "event_agent",
            "      - name: a\n        pattern:\n"
            "          - {RIGHT_ID: trigger, RIGHT_ATTRS: {POS: VERB}}\n"
            '          - {LEFT_ID: trigger, REL_OP: ">", RIGHT_ID: arg, RIGHT_ATTRS: '
            "{LOWER: {IN: [at, on]}}}\n",
            "quote on, off, yes and no in YAML",
        ),
        (
            "event_agent",
            "      - name: a\n        pattern:\n"
            "          - {RIGHT_ID: trigger, RIGHT_ATTRS: {POS: VERB}}\n"
            '          - {LEFT_ID: trigger, REL_OP: ">", RIGHT_ID: arg, RIGHT_ATTRS: '
            "{DEP: nsubj, OP: '?'}}\n",
            "quantifiers such as OP are not allowed",
        ),
        (
            "event_agent",
            "      - name: a\n        pattern:\n"
            '          - {RIGHT_ID: trigger, REL_OP: ">", RIGHT_ATTRS: {POS: VERB}}\n'
            '          - {LEFT_ID: trigger, REL_OP: ">", RIGHT_ID: arg, RIGHT_ATTRS: {}}\n',
            "the first node is the anchor",
        ),
        ("event_agent", "      - name: a\n        types: attack\n" + GOOD_PATTERN, "'types'"),
        ("event_status", "      - name: a\n" + GOOD_PATTERN, "needs a 'status'"),
        ("event_agent", "      - name: a\n        status: denied\n" + GOOD_PATTERN, "unknown key"),
        (
            "event_agent",
            "      - name: a\n        pattern:\n"
            "          - {RIGHT_ID: trigger, RIGHT_ATTRS: {POS: VERB}}\n"
            '          - {LEFT_ID: trigger, REL_OP: ">", RIGHT_ID: arg, RIGHT_ATTRS: '
            "{DEP: {MATCHES: x}}}\n",
            "unknown predicate 'MATCHES'",
        ),
    ],
)
def test_a_bad_pattern_is_one_line_with_file_and_line(
    tmp_path: Path, group: str, entry: str, expected: str
) -> None:
    path = _scheme(tmp_path, group, entry)
    with pytest.raises(SchemePatternError) as err:
        load_scheme(path)
    message = str(err.value)
    assert expected in message
    assert "\n" not in message
    assert message.startswith(f"[E101] {path}:")
    line = err.value.line
    assert line is not None and BAD_LINE <= line <= BAD_LINE + 3
    assert isinstance(err.value, SchemeError)


def test_the_news_scheme_patterns_are_valid_and_every_group_is_there() -> None:
    scheme = load_scheme("news")
    groups = scheme.preannotation["argument_patterns"]
    assert set(groups) == {
        "claim_source",
        "claim_content",
        "claim_owner",
        "event_agent",
        "event_target",
        "event_place",
        "event_conjunct",
        "event_quantity",
        "event_status",
        "event_type",
        "event_not_trigger",
        "event_counted",
        "claim_not_cue",
    }
    assert set(groups) == set(PATTERN_GROUPS)
    assert all(groups[g] for g in groups)


def test_a_test_group_needs_no_arg_node_and_the_others_do() -> None:
    """``event_not_trigger`` patterns test the anchor itself; an argument group needs 'arg'."""
    one_node = [{"name": "p", "pattern": [{"RIGHT_ID": "trigger", "RIGHT_ATTRS": {"DEP": "prep"}}]}]
    scheme_from_dict(
        {
            "labels": ["EVENT"],
            "preannotation": {"argument_patterns": {"event_not_trigger": one_node}},
        }
    )
    with pytest.raises(SchemePatternError, match="no node named 'arg'"):
        scheme_from_dict(
            {"labels": ["EVENT"], "preannotation": {"argument_patterns": {"event_agent": one_node}}}
        )


def test_the_pattern_matcher_is_anchored_or_spacy(tmp_path: Path) -> None:
    for which in ("anchored", "spacy"):
        data = {"labels": ["ACTOR"], "preannotation": {"pattern_matcher": which}}
        assert scheme_from_dict(data).preannotation["pattern_matcher"] == which
    path = tmp_path / "s.yaml"
    path.write_text("name: x\nlabels: [ACTOR]\npreannotation:\n  pattern_matcher: spaCy\n")
    with pytest.raises(SchemePatternError) as err:
        load_scheme(path)
    assert str(err.value) == (
        f"[E101] {path}:4: unknown pattern_matcher 'spaCy' (one of anchored, spacy)"
    )


def test_a_dict_scheme_with_a_bad_pattern_names_the_pattern() -> None:
    data = {
        "labels": ["ACTOR"],
        "preannotation": {
            "argument_patterns": {"claim_source": [{"name": "p", "pattern": [{"RIGHT_ID": "cue"}]}]}
        },
    }
    with pytest.raises(SchemePatternError, match="claim_source pattern 'p'"):
        scheme_from_dict(data)


def test_every_spacy_operator_and_predicate_the_checker_allows_is_accepted_by_spacy() -> None:
    """What the checker lets through, spaCy's own DependencyMatcher accepts."""
    spacy = pytest.importorskip("spacy")
    from spacy.matcher import DependencyMatcher

    from annotator.scheme import PATTERN_OPS

    nlp = spacy.blank("en")
    matcher = DependencyMatcher(nlp.vocab, validate=True)
    for i, op in enumerate(sorted(PATTERN_OPS)):
        matcher.add(
            f"p{i}",
            [
                [
                    {"RIGHT_ID": "a", "RIGHT_ATTRS": {"POS": "VERB"}},
                    {
                        "LEFT_ID": "a",
                        "REL_OP": op,
                        "RIGHT_ID": "arg",
                        "RIGHT_ATTRS": {"DEP": {"IN": ["nsubj"]}, "LENGTH": {">=": 2}},
                    },
                ]
            ],
        )
    for pattern in load_scheme("news").preannotation["argument_patterns"].values():
        for entry in pattern:
            matcher.add(entry["name"], [entry["pattern"]])
