"""Argument patterns from the scheme: spaCy ``DependencyMatcher`` patterns run from one anchor.

The scheme's ``preannotation.argument_patterns`` says, in spaCy's ``DependencyMatcher`` pattern
format, where the arguments of a claim cue or an event trigger are in the parse (groups
``claim_source``, ``claim_content``, ``event_agent``, ``event_target``, ``event_place``,
``event_status``; see ``CONTRIBUTING.md``). The first node of a pattern is the anchor (the cue
or trigger), one node is ``arg``.

The patterns mean exactly what they mean to ``spacy.matcher.DependencyMatcher`` (same token
attributes and predicates, same operators; a test runs both on the same sentences), but they
are matched from a given anchor token outwards: ``DependencyMatcher`` tests every node of every
pattern on every token of the document and joins them by a cartesian product per sentence,
which on news (36 patterns) costs about four times the whole rest of the suggestion step. From
an anchor, a pattern visits only the anchor's few neighbours.

Works on a spaCy ``Doc`` without importing spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.tokens import Token

Pred = Callable[["Token"], bool]
Op = Callable[["Token"], Iterable["Token"]]

_TEXT_GETTERS: dict[str, Callable[[Token], str]] = {
    "ORTH": lambda t: t.text,
    "TEXT": lambda t: t.text,
    "LOWER": lambda t: t.lower_,
    "NORM": lambda t: t.norm_,
    "LEMMA": lambda t: t.lemma_,
    "POS": lambda t: t.pos_,
    "TAG": lambda t: t.tag_,
    "DEP": lambda t: t.dep_,
    "ENT_TYPE": lambda t: t.ent_type_,
    "ENT_IOB": lambda t: t.ent_iob_,
    "SHAPE": lambda t: t.shape_,
    "MORPH": lambda t: str(t.morph),
    "LENGTH": lambda t: len(t.text),  # type: ignore[dict-item, return-value]
}
_FLAG_GETTERS: dict[str, Callable[[Token], bool]] = {
    "IS_ALPHA": lambda t: t.is_alpha,
    "IS_ASCII": lambda t: t.is_ascii,
    "IS_DIGIT": lambda t: t.is_digit,
    "IS_LOWER": lambda t: t.is_lower,
    "IS_UPPER": lambda t: t.is_upper,
    "IS_TITLE": lambda t: t.is_title,
    "IS_PUNCT": lambda t: t.is_punct,
    "IS_SPACE": lambda t: t.is_space,
    "IS_STOP": lambda t: t.is_stop,
    "IS_SENT_START": lambda t: bool(t.is_sent_start),
    "SENT_START": lambda t: bool(t.is_sent_start),
    "LIKE_NUM": lambda t: t.like_num,
    "LIKE_URL": lambda t: t.like_url,
    "LIKE_EMAIL": lambda t: t.like_email,
    "SPACY": lambda t: bool(t.whitespace_),
}
_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "==": lambda a, b: a == b,
    "!=": lambda a, b: a != b,
    ">=": lambda a, b: a >= b,
    "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b,
    "<": lambda a, b: a < b,
}


def _check(attr: str, value: Any) -> Pred:
    """One attribute test of a node, as spaCy's ``Matcher`` reads it."""
    flag = _FLAG_GETTERS.get(attr)
    if flag is not None:
        want = bool(value)
        return lambda t: flag(t) == want
    get = _TEXT_GETTERS[attr]
    if not isinstance(value, Mapping):
        return lambda t: get(t) == value
    tests: list[Pred] = []
    for pred, arg in value.items():
        if pred == "IN":
            members = frozenset(arg)
            tests.append(lambda t, m=members: get(t) in m)  # type: ignore[misc]
        elif pred == "NOT_IN":
            members = frozenset(arg)
            tests.append(lambda t, m=members: get(t) not in m)  # type: ignore[misc]
        elif pred == "REGEX":
            rx = re.compile(str(arg))
            tests.append(lambda t, r=rx: r.search(get(t)) is not None)  # type: ignore[misc]
        else:
            cmp, other = _COMPARE[pred], arg
            tests.append(lambda t, c=cmp, o=other: c(get(t), o))  # type: ignore[misc]
    if len(tests) == 1:
        return tests[0]
    return lambda t: all(test(t) for test in tests)


def node_predicate(attrs: Mapping[str, Any]) -> Pred:
    """A token test for a node's ``RIGHT_ATTRS`` (every attribute must hold)."""
    checks = [_check(str(attr), value) for attr, value in attrs.items()]
    if not checks:
        return lambda _t: True
    if len(checks) == 1:
        return checks[0]
    if len(checks) == 2:
        a, b = checks
        return lambda t: a(t) and b(t)
    return lambda t: all(c(t) for c in checks)


# -- the DependencyMatcher operators, from the left node to the right node's candidates ------


def _head(t: Token) -> list[Token]:
    return [] if t.head.i == t.i else [t.head]


def _next_in_sent(t: Token) -> list[Token]:
    doc = t.doc
    if t.i + 1 < len(doc) and not doc[t.i + 1].is_sent_start:
        return [doc[t.i + 1]]
    return []


def _after_in_sent(t: Token) -> Iterator[Token]:
    doc = t.doc
    for i in range(t.i + 1, len(doc)):
        if doc[i].is_sent_start:
            return
        yield doc[i]


def _prev_in_sent(t: Token) -> list[Token]:
    return [t.doc[t.i - 1]] if t.i > 0 and not t.is_sent_start else []


def _before_in_sent(t: Token) -> list[Token]:
    doc, out = t.doc, []
    i = t.i
    while i > 0 and not doc[i].is_sent_start:
        i -= 1
        out.append(doc[i])
    return out[::-1]


OPERATORS: dict[str, Op] = {
    "<": _head,
    ">": lambda t: t.children,
    "<<": lambda t: t.ancestors,
    ">>": lambda t: (s for s in t.subtree if s.i != t.i),
    ".": _next_in_sent,
    ".*": _after_in_sent,
    ";": _prev_in_sent,
    ";*": _before_in_sent,
    "$+": lambda t: [c for c in t.head.children if c.i == t.i + 1],
    "$-": lambda t: [c for c in t.head.children if c.i == t.i - 1],
    "$++": lambda t: [c for c in t.head.children if c.i > t.i],
    "$--": lambda t: [c for c in t.head.children if c.i < t.i],
    ">+": lambda t: [c for c in t.rights if c.i == t.i + 1],
    ">-": lambda t: [c for c in t.lefts if c.i == t.i - 1],
    ">++": lambda t: t.rights,
    ">--": lambda t: t.lefts,
    "<+": lambda t: [t.head] if t.head.i == t.i + 1 else [],
    "<-": lambda t: [t.head] if t.head.i == t.i - 1 else [],
    "<++": lambda t: [t.head] if t.head.i > t.i else [],
    "<--": lambda t: [t.head] if t.head.i < t.i else [],
}


@dataclass(frozen=True, slots=True)
class PatternMatch:
    """One match of a pattern: its name and the token bound to every node name."""

    name: str
    tokens: Mapping[str, Token]

    @property
    def arg(self) -> Token:
        return self.tokens["arg"]

    def arg_tokens(self) -> list[Token]:
        """The tokens of every node whose name starts with ``arg`` (a claim's content)."""
        return [t for n, t in self.tokens.items() if n.startswith("arg")]


@dataclass(frozen=True, slots=True)
class _Pattern:
    name: str
    types: frozenset[str] | None
    status: str | None
    names: tuple[str, ...]
    anchor: Pred
    # For every further node: (index of its left node, operator, test).
    steps: tuple[tuple[int, Op, Pred], ...]

    def search(self, anchor: Token) -> list[tuple[Token, ...]]:
        """Every match from ``anchor``: the tokens of the nodes in pattern order, found node
        by node from the anchor outwards (no node is tested away from it)."""
        if not self.anchor(anchor):
            return []
        partial: list[tuple[Token, ...]] = [(anchor,)]
        for left, op, test in self.steps:
            partial = [(*bound, c) for bound in partial for c in op(bound[left]) if test(c)]
            if not partial:
                return partial
        return partial


def compile_pattern(entry: Mapping[str, Any]) -> _Pattern:
    """One scheme entry ``{name, pattern, types?}`` (checked by ``annotator.scheme``)."""
    nodes = list(entry["pattern"])
    names = tuple(str(n["RIGHT_ID"]) for n in nodes)
    index = {n: i for i, n in enumerate(names)}
    steps = tuple(
        (index[str(n["LEFT_ID"])], OPERATORS[str(n["REL_OP"])], node_predicate(n["RIGHT_ATTRS"]))
        for n in nodes[1:]
    )
    types = entry.get("types")
    return _Pattern(
        name=str(entry.get("name") or ""),
        types=frozenset(str(t) for t in types) if types is not None else None,
        status=str(entry["status"]) if entry.get("status") is not None else None,
        names=names,
        anchor=node_predicate(nodes[0]["RIGHT_ATTRS"]),
        steps=steps,
    )


def _nearness(anchor: Token, arg: Token) -> tuple[int, int]:
    """Nearest after the anchor first, then nearest before."""
    return (0, arg.i - anchor.i) if arg.i > anchor.i else (1, anchor.i - arg.i)


class ArgumentPatterns:
    """The scheme's argument patterns, by group, in priority order."""

    def __init__(self, raw: Mapping[str, Any] | None) -> None:
        self.groups: dict[str, tuple[_Pattern, ...]] = {
            str(group): tuple(compile_pattern(e) for e in entries or ())
            for group, entries in (raw or {}).items()
        }

    def by_pattern(
        self, group: str, anchor: Token, etype: str | None = None
    ) -> Iterator[list[PatternMatch]]:
        """The matches from ``anchor`` of each pattern that matches, in priority order, each
        list nearest first (after the anchor, then before); lazily, pattern by pattern."""
        for pat in self.groups.get(group, ()):
            if pat.types is not None and etype not in pat.types:
                continue
            found = [
                PatternMatch(pat.name, dict(zip(pat.names, m, strict=True)))
                for m in pat.search(anchor)
            ]
            if not found:
                continue
            if "arg" in pat.names:
                found.sort(key=lambda m: _nearness(anchor, m.arg))
            yield found

    def matches(self, group: str, anchor: Token, etype: str | None = None) -> list[PatternMatch]:
        """Every match from ``anchor``, pattern by pattern in priority order."""
        return [m for found in self.by_pattern(group, anchor, etype) for m in found]

    def first(self, group: str, anchor: Token, etype: str | None = None) -> PatternMatch | None:
        """The match of the first pattern that matches (its argument nearest the anchor)."""
        for pat in self.groups.get(group, ()):
            if pat.types is not None and etype not in pat.types:
                continue
            best: tuple[tuple[int, int], tuple[Token, ...]] | None = None
            arg_at = pat.names.index("arg") if "arg" in pat.names else None
            for m in pat.search(anchor):
                if arg_at is None:
                    return PatternMatch(pat.name, dict(zip(pat.names, m, strict=True)))
                key = _nearness(anchor, m[arg_at])
                if best is None or key < best[0]:
                    best = (key, m)
            if best is not None:
                return PatternMatch(pat.name, dict(zip(pat.names, best[1], strict=True)))
        return None

    def status(self, anchor: Token, etype: str | None = None) -> str | None:
        """The ``status`` of the first ``event_status`` pattern that matches from ``anchor``."""
        for pat in self.groups.get("event_status", ()):
            if pat.types is not None and etype not in pat.types:
                continue
            if pat.search(anchor):
                return pat.status
        return None

    def argument(self, group: str, anchor: Token, etype: str | None = None) -> Token | None:
        """The ``arg`` token of :meth:`first`, if any."""
        found = self.first(group, anchor, etype)
        return found.tokens.get("arg") if found is not None else None


_DEFAULT: list[ArgumentPatterns] = []


def patterns_of(pre: Mapping[str, Any] | None) -> ArgumentPatterns:
    """The argument patterns of a scheme's ``preannotation``; those of the built-in ``news``
    scheme when it has none (a scheme written before patterns were data)."""
    raw = (pre or {}).get("argument_patterns")
    if raw is not None:
        return ArgumentPatterns(raw)
    if not _DEFAULT:
        from annotator.scheme import load_scheme

        _DEFAULT.append(ArgumentPatterns(load_scheme("news").preannotation["argument_patterns"]))
    return _DEFAULT[0]
