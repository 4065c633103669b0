"""Argument patterns from the scheme: spaCy ``DependencyMatcher`` patterns, asked from an anchor.

The scheme's ``preannotation.argument_patterns`` says, in spaCy's ``DependencyMatcher`` pattern
format, where the arguments of a claim cue or an event trigger are in the parse (groups
``claim_source``, ``claim_content``, ``claim_owner``, ``event_agent``, ``event_target``,
``event_place``, ``event_status``), the type of a trigger in its context (``event_type``: "on
**strike**" is a protest), where a trigger word is no event (``event_not_trigger``) and
where a countable trigger noun counts something (``event_counted``: "51,516 votes"), where a
reporting verb reports nothing (``claim_not_cue``: "they were denied visas"); see
``CONTRIBUTING.md``. The first node of a pattern is the anchor (the cue, noun or trigger); one
node is ``arg``.

Two matchers answer the same questions (:class:`ArgumentPatterns`), chosen by the scheme's
``preannotation.pattern_matcher``:

* ``spacy``: spaCy's own ``DependencyMatcher``, run once per document and group;
* ``anchored`` (the default): the same patterns with the same meaning (same token attributes,
  predicates and operators), matched from the anchor outwards, visiting only its few
  neighbours.

They find the same matches, and each pattern's matches are put in one canonical order (the
argument nearest after the anchor, then nearest before, then by position), so the suggestions
are identical: tests compare them pattern by pattern and on whole suggestion runs, and the 66
dev articles get the same suggestions from both. The anchored matcher is the default for speed
(``python bench/bench_preannotate.py --matcher-breakdown`` shows the figures). On news, with
en_core_web_sm parsing at about 140-170 us of CPU per token, the whole suggestion step takes
about 6-12 us per token with it and about 170-180 us with spaCy 3.8's ``DependencyMatcher``,
whose costs all grow with the tokens of the document, not with the anchors asked about:

* its token ``Matcher`` tests every node of every pattern on every token; an ``IN``, ``NOT_IN``
  or ``REGEX`` test is a Python call per token (about 0.3 us; the news patterns have 31
  distinct ones) and every node match costs about 1.5 us in Python (the match, then the walk
  to its sentence root): 20 node matches per token come from ``event_status`` alone, whose
  ``up`` nodes match every token;
* the join then runs every pattern on every sentence with a node match.

With every anchor node pinned to the cue and trigger words it still takes about 65-90 us per
token, and spaCy's ``Matcher`` running only the 60 distinct node tests, once, takes about 13 us:
more than the whole suggestion step may add for pre-annotation to stay at 0.9 of bare
``nlp.pipe``.

Works on a spaCy ``Doc``; only the ``spacy`` matcher imports spaCy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, Any

from annotator.scheme import PATTERN_MATCHERS

if TYPE_CHECKING:
    from spacy.tokens import Token

Pred = Callable[["Token"], bool]
Op = Callable[["Token"], Iterable["Token"]]
Search = Callable[["Token"], list[tuple["Token", ...]]]

# attrgetter: a C-level getter, cheaper than a lambda on every node test.
_TEXT_GETTERS: dict[str, Callable[[Token], str]] = {
    "ORTH": attrgetter("text"),
    "TEXT": attrgetter("text"),
    "LOWER": attrgetter("lower_"),
    "NORM": attrgetter("norm_"),
    "LEMMA": attrgetter("lemma_"),
    "POS": attrgetter("pos_"),
    "TAG": attrgetter("tag_"),
    "DEP": attrgetter("dep_"),
    "ENT_TYPE": attrgetter("ent_type_"),
    "ENT_IOB": attrgetter("ent_iob_"),
    "SHAPE": attrgetter("shape_"),
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
    etype: str | None  # the event type an ``event_type`` pattern gives
    # The words (LOWER or LEMMA) the anchor must be one of; None when it may be any word.
    anchor_words: frozenset[str] | None
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
        etype=str(entry["type"]) if entry.get("type") is not None else None,
        anchor_words=_words_of(nodes[0]["RIGHT_ATTRS"]),
        names=names,
        anchor=node_predicate(nodes[0]["RIGHT_ATTRS"]),
        steps=steps,
    )


def _words_of(attrs: Mapping[str, Any]) -> frozenset[str] | None:
    """The words an anchor's ``LOWER`` or ``LEMMA`` test allows (a value or an ``IN`` list),
    None when it has no such test."""
    for key in ("LOWER", "LEMMA"):
        value = attrs.get(key)
        if isinstance(value, str):
            return frozenset({value})
        if isinstance(value, Mapping) and set(value) == {"IN"}:
            return frozenset(str(w) for w in value["IN"])
    return None


def _nearness(anchor: Token, arg: Token) -> tuple[int, int]:
    """Nearest after the anchor first, then nearest before."""
    return (0, arg.i - anchor.i) if arg.i > anchor.i else (1, anchor.i - arg.i)


def _order(anchor: Token, arg_at: int | None) -> Callable[[tuple[Token, ...]], Any]:
    """The order of one pattern's matches from ``anchor``: the argument nearest after the
    anchor, then nearest before; ties (and patterns without ``arg``) by the tokens' positions,
    so that both matchers give the same order."""
    if arg_at is None:
        return lambda m: tuple(t.i for t in m)
    return lambda m: (_nearness(anchor, m[arg_at]), tuple(t.i for t in m))


class _SpacyMatches:
    """spaCy's own ``DependencyMatcher``, one per group and vocabulary, run once per document
    and group (on the first question about that document) and indexed by pattern and anchor.

    Exact but slow: the DependencyMatcher tests every node of every pattern on every token and
    joins the candidates per sentence in Python (on news about as long as parsing itself)."""

    def __init__(self, raw: Mapping[str, Any]) -> None:
        self.raw = {str(g): [dict(e) for e in entries or ()] for g, entries in raw.items()}
        self._built: dict[int, tuple[Any, dict[str, tuple[Any, dict[int, int]]]]] = {}
        self._doc: Any = None
        self._found: dict[str, dict[tuple[int, int], list[tuple[int, ...]]]] = {}

    def _matcher(self, vocab: Any, group: str) -> tuple[Any, dict[int, int]]:
        built = self._built.get(id(vocab))
        if built is None or built[0] is not vocab:
            built = (vocab, {})
            self._built[id(vocab)] = built
        found = built[1].get(group)
        if found is None:
            from spacy.matcher import DependencyMatcher
            from spacy.strings import get_string_id

            matcher = DependencyMatcher(vocab)
            index: dict[int, int] = {}
            for i, entry in enumerate(self.raw.get(group, ())):
                key = f"annotator_pattern:{group}:{i}"
                matcher.add(key, [list(entry["pattern"])])
                index[get_string_id(key)] = i
            found = built[1][group] = (matcher, index)
        return found

    def search(self, group: str, index: int, anchor: Token) -> list[tuple[Token, ...]]:
        doc = anchor.doc
        if doc is not self._doc:
            self._doc, self._found = doc, {}
        by_anchor = self._found.get(group)
        if by_anchor is None:
            matcher, keys = self._matcher(doc.vocab, group)
            by_anchor = {}
            for key, ids in matcher(doc):
                by_anchor.setdefault((keys[key], ids[0]), []).append(tuple(ids))
            self._found[group] = by_anchor
        return [tuple(doc[i] for i in ids) for ids in by_anchor.get((index, anchor.i), ())]


class ArgumentPatterns:
    """The scheme's argument patterns, by group, in priority order.

    ``matcher``: ``anchored`` (default) matches each pattern from the anchor outwards;
    ``spacy`` asks spaCy's ``DependencyMatcher``. Both find the same matches (a test runs both
    over every pattern and whole suggestion runs) and order them the same way."""

    def __init__(self, raw: Mapping[str, Any] | None, matcher: str = "anchored") -> None:
        if matcher not in PATTERN_MATCHERS:
            raise ValueError(
                f"unknown pattern matcher {matcher!r} (one of {', '.join(PATTERN_MATCHERS)})"
            )
        self.matcher = matcher
        self.groups: dict[str, tuple[_Pattern, ...]] = {
            str(group): tuple(compile_pattern(e) for e in entries or ())
            for group, entries in (raw or {}).items()
        }
        spacy = _SpacyMatches(raw or {}) if matcher == "spacy" else None
        # Per group: (pattern, search from an anchor) in priority order.
        self._searches: dict[str, tuple[tuple[_Pattern, Search], ...]] = {
            group: tuple(
                (pat, pat.search if spacy is None else partial(spacy.search, group, i))
                for i, pat in enumerate(pats)
            )
            for group, pats in self.groups.items()
        }

    def by_pattern(
        self, group: str, anchor: Token, etype: str | None = None
    ) -> Iterator[list[PatternMatch]]:
        """The matches from ``anchor`` of each pattern that matches, in priority order, each
        list nearest first (after the anchor, then before); lazily, pattern by pattern."""
        for pat, search in self._searches.get(group, ()):
            if pat.types is not None and etype not in pat.types:
                continue
            found = search(anchor)
            if not found:
                continue
            if len(found) > 1:
                arg_at = pat.names.index("arg") if "arg" in pat.names else None
                found.sort(key=_order(anchor, arg_at))
            yield [PatternMatch(pat.name, dict(zip(pat.names, m, strict=True))) for m in found]

    def matches(self, group: str, anchor: Token, etype: str | None = None) -> list[PatternMatch]:
        """Every match from ``anchor``, pattern by pattern in priority order."""
        return [m for found in self.by_pattern(group, anchor, etype) for m in found]

    def first(self, group: str, anchor: Token, etype: str | None = None) -> PatternMatch | None:
        """The match of the first pattern that matches (its argument nearest the anchor)."""
        for pat, search in self._searches.get(group, ()):
            if pat.types is not None and etype not in pat.types:
                continue
            found = search(anchor)
            if not found:
                continue
            best = found[0]
            if len(found) > 1:
                arg_at = pat.names.index("arg") if "arg" in pat.names else None
                best = min(found, key=_order(anchor, arg_at))
            return PatternMatch(pat.name, dict(zip(pat.names, best, strict=True)))
        return None

    def _any(
        self, group: str, anchor: Token, etype: str | None
    ) -> tuple[_Pattern, tuple[Token, ...]] | None:
        for pat, search in self._searches.get(group, ()):
            if pat.types is not None and etype not in pat.types:
                continue
            found = search(anchor)
            if found:
                return pat, found[0]
        return None

    def any(self, group: str, anchor: Token, etype: str | None = None) -> PatternMatch | None:
        """A match of the first pattern of ``group`` that matches from ``anchor``."""
        found = self._any(group, anchor, etype)
        if found is None:
            return None
        return PatternMatch(found[0].name, dict(zip(found[0].names, found[1], strict=True)))

    def status(self, anchor: Token, etype: str | None = None) -> str | None:
        """The ``status`` of the first ``event_status`` pattern that matches from ``anchor``."""
        found = self._any("event_status", anchor, etype)
        return found[0].status if found is not None else None

    def anchor_words(self, group: str) -> frozenset[str] | None:
        """Every word an anchor of ``group`` can be (by ``LOWER`` or ``LEMMA``), for a quick
        test before asking; None when some pattern's anchor may be any word."""
        words: set[str] = set()
        for pat in self.groups.get(group, ()):
            if pat.anchor_words is None:
                return None
            words |= pat.anchor_words
        return frozenset(words)

    def event_type(self, anchor: Token) -> str | None:
        """The ``type`` of the first ``event_type`` pattern that matches from ``anchor``."""
        found = self._any("event_type", anchor, None)
        return found[0].etype if found is not None else None

    def argument(self, group: str, anchor: Token, etype: str | None = None) -> Token | None:
        """The ``arg`` token of :meth:`first`, if any."""
        found = self.first(group, anchor, etype)
        return found.tokens.get("arg") if found is not None else None


_BUILT: dict[str, ArgumentPatterns] = {}
_NEWS: list[Any] = []


def patterns_of(pre: Mapping[str, Any] | None, matcher: str | None = None) -> ArgumentPatterns:
    """The argument patterns of a scheme's ``preannotation``, built once per process for equal
    patterns and matcher. A group the scheme does not have (all of them in a scheme written
    before patterns were data) takes the built-in ``news`` scheme's; an empty list turns it
    off. ``matcher``: the scheme's ``pattern_matcher`` unless given; ``anchored`` by
    default."""
    pre = pre or {}
    if not _NEWS:
        from annotator.scheme import load_scheme

        _NEWS.append(load_scheme("news").preannotation["argument_patterns"])
    raw = {**_NEWS[0], **(pre.get("argument_patterns") or {})}
    which = str(matcher or pre.get("pattern_matcher") or "anchored")
    key = json.dumps([which, raw], sort_keys=True, default=str)
    built = _BUILT.get(key)
    if built is None:
        if len(_BUILT) >= 16:
            _BUILT.clear()
        built = _BUILT[key] = ArgumentPatterns(raw, which)
    return built
