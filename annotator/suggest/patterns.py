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
  neighbours. It reads each doc once into plain lists (``_Tree``: heads, children, sentence
  starts and the string ids of the attributes the patterns test) and compares integers. Only
  the patterns whose anchor test, head and children's DEP may match are searched, a choice
  kept by those values (``_Preselect``), and each pattern's search is a Python function
  written for it (``_compiled_search``).

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

Works on a spaCy ``Doc``; spaCy's string hashing gives the ids of the patterns' strings.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from operator import attrgetter
from typing import TYPE_CHECKING, Any, cast

from annotator.scheme import PATTERN_MATCHERS

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

Pred = Callable[["Token"], bool]
# The anchored matcher works on token indices of a ``_Tree`` (one doc read once): a test of a
# node on token i, an operator from token i to the indices it relates to.
Test = Callable[["_Tree", int], bool]
Op = Callable[["_Tree", int], Iterable[int]]
Search = Callable[["_Tree", int], list[tuple[int, ...]]]

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
# String attributes whose string id ``Doc.to_array`` gives (the id of "VERB" is spaCy's POS
# symbol, of "nsubj" its DEP symbol, of any other string its hash): a test of one compares
# integers read once per doc, not a Token property read on every test.
COLUMNS: tuple[str, ...] = ("ORTH", "LOWER", "NORM", "LEMMA", "POS", "TAG", "DEP", "ENT_TYPE")
_COLUMN_OF = {**{name: i for i, name in enumerate(COLUMNS)}, "TEXT": 0}
_POS = _COLUMN_OF["POS"]
_DEP = _COLUMN_OF["DEP"]


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


def _string_id(value: str) -> int:
    from spacy.strings import get_string_id

    return int(get_string_id(value))


def string_ids(words: Iterable[str]) -> frozenset[int]:
    """The ids of ``words`` as the integer columns of ``Doc.to_array`` hold them (a label
    of spaCy's symbols has its symbol id, any other string its hash)."""
    return frozenset(_string_id(w) for w in words)


def _column_test(attr: str, value: Any) -> Test | None:
    """The test of one attribute on the integer columns of a ``_Tree``: equal to a string, or
    ``IN``/``NOT_IN`` a list of strings; None for any other test (read from the Token)."""
    col = _COLUMN_OF.get(attr)
    if col is None:
        return None
    if isinstance(value, str):
        want = _string_id(value)
        return lambda tree, i: tree.cols[col][i] == want
    if not isinstance(value, Mapping) or not value:
        return None
    tests: list[Test] = []
    for pred, arg in value.items():
        if pred not in ("IN", "NOT_IN") or not all(isinstance(a, str) for a in arg):
            return None
        ids = frozenset(_string_id(a) for a in arg)
        if pred == "IN":
            tests.append(lambda tree, i, m=ids: tree.cols[col][i] in m)  # type: ignore[misc]
        else:
            tests.append(lambda tree, i, m=ids: tree.cols[col][i] not in m)  # type: ignore[misc]
    return tests[0] if len(tests) == 1 else _all_of(tests)


def _all_of(tests: list[Test]) -> Test:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda tree, i: a(tree, i) and b(tree, i)
    return lambda tree, i: all(test(tree, i) for test in tests)


def node_test(attrs: Mapping[str, Any]) -> tuple[Test | None, frozenset[str]]:
    """The test of a node's ``RIGHT_ATTRS`` on token indices of a ``_Tree`` (None: any token
    passes) and the ``COLUMNS`` it reads: string attributes compared as integer ids, anything
    else (flags, ``REGEX``, comparisons, ``MORPH``, ...) read from the Token as spaCy reads
    it."""
    test, columns, _ = _node_test(attrs)
    return test, columns


def _node_test(attrs: Mapping[str, Any]) -> tuple[Test | None, frozenset[str], bool]:
    """``node_test`` and whether the test reads nothing but its ``COLUMNS`` (so that its
    answer on a token depends on those values alone)."""
    tests: list[Test] = []
    columns: set[str] = set()
    pure = True
    for attr, value in attrs.items():
        test = _column_test(str(attr), value)
        if test is not None:
            columns.add(COLUMNS[_COLUMN_OF[str(attr)]])
        else:
            test = _on_token(_check(str(attr), value))
            pure = False
        tests.append(test)
    return (_all_of(tests) if tests else None), frozenset(columns), pure


def _on_token(pred: Pred) -> Test:
    return lambda tree, i: pred(tree.doc[i])


class _Tree:
    """One doc's parse and token attributes as plain lists, read once (a Token object per
    step of a match costs more than the step): heads, children in order, sentence starts and
    the ``COLUMNS`` the patterns test. The doc must not change while it is asked about."""

    __slots__ = ("bounds", "cols", "doc", "heads", "kid_deps", "kids", "n", "starts")

    def __init__(self, doc: Doc, columns: Iterable[str]) -> None:
        import numpy

        self.doc = doc
        n = self.n = len(doc)
        wanted: list[int | str] = [c for c in COLUMNS if c in set(columns)]
        self.cols: list[list[int]] = [[] for _ in COLUMNS]
        self.heads: list[int] = []
        self.starts: list[bool] = []
        # Children of token i: kids[bounds[i]:bounds[i + 1]], in order (every token but the
        # roots, sorted by head).
        self.kids: list[int] = []
        self.bounds: list[int] = [0] * (n + 1)
        # The DEP ids of the children of token i, on the first question (``deps_below``).
        self.kid_deps: dict[int, frozenset[int]] = {}
        if not n:
            return
        # HEAD (an offset) and SENT_START (1, 0 or -1) are signed; string ids are not.
        parse = doc.to_array(["HEAD", "SENT_START"]).view("int64")
        at = numpy.arange(n)
        heads = at + parse[:, 0]
        self.heads = heads.tolist()
        self.starts = (parse[:, 1] == 1).tolist()  # Token.is_sent_start is True
        keyed = numpy.where(heads == at, n, heads)  # a root is no child of its own
        order = numpy.argsort(keyed, kind="stable")
        self.kids = order.tolist()
        self.bounds = numpy.searchsorted(keyed[order], numpy.arange(n + 1)).tolist()
        if wanted:
            values = cast("list[list[int]]", doc.to_array(wanted).reshape(n, -1).T.tolist())
            for name, column in zip(wanted, values, strict=True):
                self.cols[_COLUMN_OF[str(name)]] = column

    def children(self, i: int) -> list[int]:
        """The children of token ``i`` in order (``Token.children``)."""
        return self.kids[self.bounds[i] : self.bounds[i + 1]]

    def deps_below(self, i: int) -> frozenset[int]:
        """The DEP ids of the children of token ``i`` (the DEP column must be read)."""
        found = self.kid_deps.get(i)
        if found is None:
            dep = self.cols[_DEP]
            found = self.kid_deps[i] = frozenset(
                [dep[k] for k in self.kids[self.bounds[i] : self.bounds[i + 1]]]
            )
        return found


# -- the DependencyMatcher operators, from the left node's index to the right node's ---------


def _head(tree: _Tree, i: int) -> tuple[int, ...]:
    head = tree.heads[i]
    return () if head == i else (head,)


def _ancestors(tree: _Tree, i: int) -> Iterator[int]:
    heads, steps = tree.heads, 0
    while heads[i] != i and steps < tree.n:
        i = heads[i]
        yield i
        steps += 1


def _descendants(tree: _Tree, i: int) -> list[int]:
    """The subtree of ``i`` without ``i``, in ``Token.subtree`` order."""
    out: list[int] = []

    def walk(j: int) -> None:
        kids = tree.children(j)
        for k in kids:
            if k < j:
                walk(k)
        if j != i:
            out.append(j)
        for k in kids:
            if k > j:
                walk(k)

    walk(i)
    return out


def _next_in_sent(tree: _Tree, i: int) -> tuple[int, ...]:
    return (i + 1,) if i + 1 < tree.n and not tree.starts[i + 1] else ()


def _after_in_sent(tree: _Tree, i: int) -> Iterator[int]:
    starts = tree.starts
    for j in range(i + 1, tree.n):
        if starts[j]:
            return
        yield j


def _prev_in_sent(tree: _Tree, i: int) -> tuple[int, ...]:
    return (i - 1,) if i > 0 and not tree.starts[i] else ()


def _before_in_sent(tree: _Tree, i: int) -> list[int]:
    starts, out = tree.starts, []
    while i > 0 and not starts[i]:
        i -= 1
        out.append(i)
    return out[::-1]


OPERATORS: dict[str, Op] = {
    "<": _head,
    ">": lambda tree, i: tree.children(i),
    "<<": _ancestors,
    ">>": _descendants,
    ".": _next_in_sent,
    ".*": _after_in_sent,
    ";": _prev_in_sent,
    ";*": _before_in_sent,
    "$+": lambda tree, i: [c for c in tree.children(tree.heads[i]) if c == i + 1],
    "$-": lambda tree, i: [c for c in tree.children(tree.heads[i]) if c == i - 1],
    "$++": lambda tree, i: [c for c in tree.children(tree.heads[i]) if c > i],
    "$--": lambda tree, i: [c for c in tree.children(tree.heads[i]) if c < i],
    ">+": lambda tree, i: [c for c in tree.children(i) if c == i + 1],
    ">-": lambda tree, i: [c for c in tree.children(i) if c == i - 1],
    ">++": lambda tree, i: [c for c in tree.children(i) if c > i],
    ">--": lambda tree, i: [c for c in tree.children(i) if c < i],
    "<+": lambda tree, i: (i + 1,) if tree.heads[i] == i + 1 else (),
    "<-": lambda tree, i: (i - 1,) if tree.heads[i] == i - 1 else (),
    "<++": lambda tree, i: (tree.heads[i],) if tree.heads[i] > i else (),
    "<--": lambda tree, i: (tree.heads[i],) if tree.heads[i] < i else (),
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
    arg_at: int | None  # the position of the ``arg`` node, if any
    anchor: Test | None  # None: any token
    # For every further node: (index of its left node, operator, test or None).
    steps: tuple[tuple[int, Op, Test | None], ...]
    columns: frozenset[str]  # the COLUMNS its tests read
    anchor_pos: frozenset[int] | None  # the POS ids the anchor may have (None: any)
    # What a match needs around the anchor, told from the anchor, its head and the DEP of its
    # children (``_Preselect``): the COLUMNS the anchor test reads (None: it reads more),
    # whether the anchor needs a head, the tests of that head whose answer depends on the
    # COLUMNS they read alone, and the DEP ids of which some child must have one, per child
    # node with a DEP test (``>``, ``>+``, ``>-``, ``>++``, ``>--`` from the anchor).
    anchor_columns: frozenset[str] | None = None
    needs_head: bool = False
    head_tests: tuple[Test, ...] = ()
    head_columns: frozenset[str] = frozenset()
    kid_deps: tuple[frozenset[int], ...] = ()

    # ``search`` as one function written for this pattern (``_compiled_search``).
    run: Search | None = None

    def search(self, tree: _Tree, anchor: int) -> list[tuple[int, ...]]:
        """Every match from token ``anchor``: the token indices of the nodes in pattern
        order, found node by node from the anchor outwards (no node is tested away from
        it)."""
        if self.run is not None:
            return self.run(tree, anchor)
        return self.search_by_steps(tree, anchor)

    def search_by_steps(self, tree: _Tree, anchor: int) -> list[tuple[int, ...]]:
        """``search`` read from ``steps`` (the meaning ``_compiled_search`` compiles)."""
        if self.anchor is not None and not self.anchor(tree, anchor):
            return []
        partial: list[tuple[int, ...]] = [(anchor,)]
        for left, op, test in self.steps:
            if test is None:
                partial = [(*bound, c) for bound in partial for c in op(tree, bound[left])]
            else:
                partial = [
                    (*bound, c) for bound in partial for c in op(tree, bound[left]) if test(tree, c)
                ]
            if not partial:
                return partial
        return partial

    def match(self, doc: Doc, found: tuple[int, ...]) -> PatternMatch:
        return PatternMatch(self.name, {n: doc[i] for n, i in zip(self.names, found, strict=True)})


def compile_pattern(entry: Mapping[str, Any]) -> _Pattern:
    """One scheme entry ``{name, pattern, types?}`` (checked by ``annotator.scheme``)."""
    nodes = list(entry["pattern"])
    names = tuple(str(n["RIGHT_ID"]) for n in nodes)
    index = {n: i for i, n in enumerate(names)}
    anchor, columns, anchor_pure = _node_test(nodes[0]["RIGHT_ATTRS"])
    anchor_columns = columns
    steps: list[tuple[int, Op, Test | None]] = []
    needs_head = False
    head_tests: list[Test] = []
    head_columns: set[str] = set()
    kid_deps: list[frozenset[int]] = []
    for n in nodes[1:]:
        test, more, pure = _node_test(n["RIGHT_ATTRS"])
        left, op = index[str(n["LEFT_ID"])], str(n["REL_OP"])
        steps.append((left, OPERATORS[op], test))
        columns |= more
        if left != 0:
            continue
        if op == "<":
            needs_head = True
            if test is not None and pure:
                head_tests.append(test)
                head_columns |= more
        elif op in _CHILD_OPS:
            deps = _dep_ids(n["RIGHT_ATTRS"].get("DEP"))
            if deps is not None:
                kid_deps.append(deps)
    types = entry.get("types")
    links = [(index[str(n["LEFT_ID"])], str(n["REL_OP"])) for n in nodes[1:]]
    return _Pattern(
        run=_compiled_search([n["RIGHT_ATTRS"] for n in nodes], links),
        name=str(entry.get("name") or ""),
        types=frozenset(str(t) for t in types) if types is not None else None,
        status=str(entry["status"]) if entry.get("status") is not None else None,
        etype=str(entry["type"]) if entry.get("type") is not None else None,
        anchor_words=_words_of(nodes[0]["RIGHT_ATTRS"]),
        names=names,
        arg_at=index.get("arg"),
        anchor=anchor,
        steps=tuple(steps),
        columns=columns,
        anchor_pos=_pos_ids(nodes[0]["RIGHT_ATTRS"].get("POS")),
        anchor_columns=anchor_columns if anchor_pure else None,
        needs_head=needs_head,
        head_tests=tuple(head_tests),
        head_columns=frozenset(head_columns),
        kid_deps=tuple(kid_deps),
    )


def _compiled_search(attrs: list[Mapping[str, Any]], links: list[tuple[int, str]]) -> Search:
    """A pattern's search as one Python function of its own: a loop per node over what its
    operator relates it to (the head of ``<`` and the children of ``>`` read from the tree's
    lists in place) and its test written inline (integer ids of ``COLUMNS`` compared, any
    other test called on the Token). The matches are those of ``_Pattern.search_by_steps``
    in the same order: node by node, each node's tokens in its operator's order."""
    consts: dict[str, Any] = {}
    used: set[int] = set()

    def const(value: Any) -> str:
        name = f"k{len(consts)}"
        consts[name] = value
        return name

    def condition(node: Mapping[str, Any], var: str) -> str:
        parts: list[str] = []
        for attr, value in node.items():
            column = _column_parts(str(attr), value)
            if column is None:
                parts.append(f"{const(_check(str(attr), value))}(doc[{var}])")
                continue
            col, tests = column
            used.add(col)
            parts.extend(f"c{col}[{var}] {how} {const(want)}" for how, want in tests)
        return " and ".join(parts)

    lines: list[str] = []
    first = condition(attrs[0], "n0")
    if first:
        lines.append(f"    if not ({first}):\n        return out")
    depth = 1
    for k, (left, op) in enumerate(links, 1):
        pad, var, at = "    " * depth, f"n{k}", f"n{left}"
        test = condition(attrs[k], var)
        if op == "<":
            lines.append(f"{pad}{var} = heads[{at}]")
            lines.append(f"{pad}if {var} != {at}" + (f" and {test}:" if test else ":"))
        else:
            if op == ">":
                lines.append(f"{pad}for {var} in kids[bounds[{at}] : bounds[{at} + 1]]:")
            else:
                lines.append(f"{pad}for {var} in {const(OPERATORS[op])}(tree, {at}):")
            if test:
                lines.append(f"{pad}    if not ({test}):\n{pad}        continue")
        depth += 1
    names = ", ".join(f"n{k}" for k in range(len(links) + 1))
    lines.append(f"{'    ' * depth}out.append(({names},))")
    head = [
        "def search(tree, n0):",
        "    cols, heads, kids, bounds = tree.cols, tree.heads, tree.kids, tree.bounds",
        "    doc = tree.doc",
        *(f"    c{col} = cols[{col}]" for col in sorted(used)),
        "    out = []",
    ]
    source = "\n".join([*head, *lines, "    return out", ""])
    exec(compile(source, "<argument pattern>", "exec"), consts)  # our own source, no input
    return cast("Search", consts["search"])


def _column_parts(attr: str, value: Any) -> tuple[int, list[tuple[str, Any]]] | None:
    """A test of one attribute as comparisons of its ``COLUMNS`` id (``_column_test``'s
    reading): the column and (operator, id or ids) pairs; None when it reads the Token."""
    col = _COLUMN_OF.get(attr)
    if col is None:
        return None
    if isinstance(value, str):
        return col, [("==", _string_id(value))]
    if not isinstance(value, Mapping) or not value:
        return None
    tests: list[tuple[str, Any]] = []
    for pred, arg in value.items():
        if pred not in ("IN", "NOT_IN") or not all(isinstance(a, str) for a in arg):
            return None
        ids = frozenset(_string_id(a) for a in arg)
        tests.append(("in" if pred == "IN" else "not in", ids))
    return col, tests


# Operators from a node to some of its children.
_CHILD_OPS = frozenset({">", ">+", ">-", ">++", ">--"})


def _dep_ids(value: Any) -> frozenset[int] | None:
    """The DEP ids a node's ``DEP`` test requires one of (a value, or its ``IN`` list; None
    when it has no such test)."""
    if isinstance(value, str):
        return frozenset({_string_id(value)})
    if isinstance(value, Mapping) and "IN" in value:
        tags = list(value["IN"])
        if all(isinstance(t, str) for t in tags):
            return frozenset(_string_id(t) for t in tags)
    return None


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


def _pos_ids(value: Any) -> frozenset[int] | None:
    """The POS ids a node's ``POS`` value allows: one tag or an ``IN`` list (else None)."""
    if isinstance(value, str):
        return frozenset({_string_id(value)})
    if isinstance(value, Mapping) and set(value) == {"IN"}:
        tags = list(value["IN"])
        if all(isinstance(t, str) for t in tags):
            return frozenset(_string_id(t) for t in tags)
    return None


def _order(anchor: int, arg_at: int | None) -> Callable[[tuple[int, ...]], Any]:
    """The order of one pattern's matches from ``anchor``: the argument nearest after the
    anchor (then nearest before); ties (and patterns without ``arg``) by the tokens'
    positions, so that both matchers give the same order."""
    if arg_at is None:
        return lambda m: m

    def key(m: tuple[int, ...]) -> tuple[tuple[int, int], tuple[int, ...]]:
        arg = m[arg_at]
        return ((0, arg - anchor) if arg > anchor else (1, anchor - arg)), m

    return key


def _best(pat: _Pattern, anchor: int, found: list[tuple[int, ...]]) -> tuple[int, ...]:
    return found[0] if len(found) == 1 else min(found, key=_order(anchor, pat.arg_at))


class _Preselect:
    """The patterns of one group worth searching from an anchor, told without a search: a
    pattern whose anchor test fails, whose event types exclude the trigger's, that needs a
    head the anchor lacks (or one its head fails) or a child DEP the anchor's children lack
    cannot match. Those tests read only the anchor's and its head's ``COLUMNS`` and its
    children's DEP, so their answer is kept by those values (and the event type): most
    anchors are a few trigger and cue words in a few constructions. A pattern whose anchor
    or head test reads more is kept for its search to decide."""

    __slots__ = ("anchor_cols", "asked", "entries", "head_cols", "kids", "memo")

    # Kept answers per group; beyond this many the memo starts afresh.
    LIMIT = 1 << 14

    def __init__(self, entries: tuple[tuple[_Pattern, Search], ...]) -> None:
        self.entries = entries
        self.anchor_cols = sorted(
            {_COLUMN_OF[c] for pat, _ in entries for c in pat.anchor_columns or ()}
        )
        self.head_cols = sorted({_COLUMN_OF[c] for pat, _ in entries for c in pat.head_columns})
        self.kids = any(pat.kid_deps for pat, _ in entries)
        self.memo: dict[Any, tuple[tuple[_Pattern, Search], ...]] = {}
        # The patterns to search from token i of a tree for an event type: (tree, i, etype).
        self.asked: Callable[[_Tree, int, str | None], tuple[tuple[_Pattern, Search], ...]] = (
            self._compiled_asked()
        )

    def _compiled_asked(
        self,
    ) -> Callable[[_Tree, int, str | None], tuple[tuple[_Pattern, Search], ...]]:
        """The kept choice for the values of token i, as one function written for this group:
        the key is the event type, whether i is a root, its children's DEP ids and the ids
        of the columns the group's anchor and head tests read (of i itself for a root)."""
        values = [
            "etype",
            "head == i",
            "below" if self.kids else "None",
            *(f"cols[{c}][i]" for c in self.anchor_cols),
            *(f"cols[{c}][head]" for c in self.head_cols),
        ]
        source = "\n".join(
            [
                "def asked(tree, i, etype):",
                "    cols = tree.cols",
                "    head = tree.heads[i]",
                *(
                    [
                        "    below = tree.kid_deps.get(i)",
                        "    if below is None:",
                        "        below = tree.deps_below(i)",
                    ]
                    if self.kids
                    else []
                ),
                f"    key = ({', '.join(values)},)",
                "    found = memo.get(key)",
                "    if found is None:",
                "        found = fill(key, tree, i, etype)",
                "    return found",
                "",
            ]
        )
        space: dict[str, Any] = {"memo": self.memo, "fill": self._fill}
        exec(compile(source, "<argument pattern choice>", "exec"), space)  # our own source
        return cast(
            "Callable[[_Tree, int, str | None], tuple[tuple[_Pattern, Search], ...]]",
            space["asked"],
        )

    def _fill(
        self, key: Any, tree: _Tree, i: int, etype: str | None
    ) -> tuple[tuple[_Pattern, Search], ...]:
        if len(self.memo) >= self.LIMIT:
            self.memo.clear()  # the same dict: ``asked`` reads it
        found = self.memo[key] = self._select(tree, i, etype)
        return found

    def _select(
        self, tree: _Tree, i: int, etype: str | None
    ) -> tuple[tuple[_Pattern, Search], ...]:
        head = tree.heads[i]
        below = tree.deps_below(i) if self.kids else frozenset()
        out: list[tuple[_Pattern, Search]] = []
        for pat, search in self.entries:
            if pat.types is not None and etype not in pat.types:
                continue
            if pat.anchor is not None and pat.anchor_columns is not None:
                if not pat.anchor(tree, i):
                    continue
            if pat.needs_head and (
                head == i or not all(test(tree, head) for test in pat.head_tests)
            ):
                continue
            if any(deps.isdisjoint(below) for deps in pat.kid_deps):
                continue
            out.append((pat, search))
        return tuple(out)


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

    def search(self, group: str, index: int, tree: _Tree, anchor: int) -> list[tuple[int, ...]]:
        doc = tree.doc
        if doc is not self._doc:
            self._doc, self._found = doc, {}
        by_anchor = self._found.get(group)
        if by_anchor is None:
            matcher, keys = self._matcher(doc.vocab, group)
            by_anchor = {}
            for key, ids in matcher(doc):
                by_anchor.setdefault((keys[key], ids[0]), []).append(tuple(ids))
            self._found[group] = by_anchor
        return list(by_anchor.get((index, anchor), ()))


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
                (pat, (pat.run or pat.search) if spacy is None else partial(spacy.search, group, i))
                for i, pat in enumerate(pats)
            )
            for group, pats in self.groups.items()
        }
        # Per group, by the anchor's POS id: the searches whose anchor allows it (a pattern
        # whose anchor cannot match is not asked); any other POS: those that allow any.
        self._by_pos: dict[str, dict[int, tuple[tuple[_Pattern, Search], ...]]] = {}
        self._any_pos: dict[str, tuple[tuple[_Pattern, Search], ...]] = {}
        for group, searches in self._searches.items():
            tags = {t for pat, _ in searches for t in pat.anchor_pos or ()}
            self._by_pos[group] = {
                tag: tuple(
                    (pat, search)
                    for pat, search in searches
                    if pat.anchor_pos is None or tag in pat.anchor_pos
                )
                for tag in tags
            }
            self._any_pos[group] = tuple(
                (pat, search) for pat, search in searches if pat.anchor_pos is None
            )
        self._columns = frozenset(
            {"POS", "DEP", *(c for pats in self.groups.values() for p in pats for c in p.columns)}
        )
        # The anchored matcher asks only the patterns that may match (spaCy's is asked as
        # it is, so that the tests comparing the two check this pre-selection too).
        self._preselect: dict[str, _Preselect] = (
            {group: _Preselect(searches) for group, searches in self._searches.items()}
            if spacy is None
            else {}
        )
        self._tree: _Tree | None = None

    def _asked(self, group: str, tree: _Tree, i: int) -> tuple[tuple[_Pattern, Search], ...]:
        """The searches of ``group`` worth asking from token ``i``, in priority order."""
        by_pos = self._by_pos.get(group)
        if not by_pos:
            return self._searches.get(group, ())
        return by_pos.get(tree.cols[_POS][i], self._any_pos[group])

    def _tree_of(self, doc: Doc) -> _Tree:
        """The tree of ``doc``, read on its first question (the last doc's is kept)."""
        tree = self._tree
        if tree is None or tree.doc is not doc:
            tree = self._tree = _Tree(doc, self._columns)
        return tree

    def column(self, doc: Doc, name: str) -> list[int]:
        """The ids of one of ``COLUMNS`` (``name``) for every token of ``doc``, as
        ``Doc.to_array`` gives them: the tree's list (read once per doc; do not change it)."""
        tree = self._tree_of(doc)
        at = _COLUMN_OF[name]
        if len(tree.cols[at]) != tree.n:  # a column no pattern reads
            tree.cols[at] = cast("list[int]", doc.to_array([name]).reshape(-1).tolist())
        return tree.cols[at]

    def _found(
        self, group: str, anchor: Token, etype: str | None
    ) -> Iterator[tuple[_Pattern, list[tuple[int, ...]]]]:
        """(pattern, its matches from ``anchor``) for each pattern of ``group`` that matches,
        in priority order, lazily."""
        tree, i = self._tree_of(anchor.doc), anchor.i
        pre = self._preselect.get(group)
        if pre is not None:
            for pat, search in pre.asked(tree, i, etype):
                found = search(tree, i)
                if found:
                    yield pat, found
            return
        for pat, search in self._asked(group, tree, i):
            if pat.types is not None and etype not in pat.types:
                continue
            found = search(tree, i)
            if found:
                yield pat, found

    def _first(
        self, group: str, anchor: Token, etype: str | None
    ) -> tuple[_Pattern, list[tuple[int, ...]]] | None:
        """The first pattern of ``group`` that matches from ``anchor`` and its matches."""
        pre = self._preselect.get(group)
        if pre is None:
            return next(self._found(group, anchor, etype), None)
        doc, tree = anchor.doc, self._tree
        if tree is None or tree.doc is not doc:
            tree = self._tree_of(doc)
        i = anchor.i
        for pat, search in pre.asked(tree, i, etype):
            found = search(tree, i)
            if found:
                return pat, found
        return None

    def by_pattern(
        self, group: str, anchor: Token, etype: str | None = None
    ) -> Iterator[list[PatternMatch]]:
        """The matches from ``anchor`` of each pattern that matches, in priority order, each
        list nearest first (after the anchor, then before); lazily, pattern by pattern."""
        doc = anchor.doc
        for pat, found in self._found(group, anchor, etype):
            if len(found) > 1:
                found.sort(key=_order(anchor.i, pat.arg_at))
            yield [pat.match(doc, m) for m in found]

    def args_by_pattern(
        self, group: str, anchor: Token, etype: str | None = None
    ) -> Iterator[list[Token]]:
        """The ``arg`` token of each match of :meth:`by_pattern`, in its order, without
        making the matches (a pattern without an ``arg`` node raises ``KeyError`` as
        ``PatternMatch.arg`` does)."""
        doc = anchor.doc
        for pat, found in self._found(group, anchor, etype):
            arg_at = pat.arg_at
            if arg_at is None:
                raise KeyError("arg")
            if len(found) > 1:
                found.sort(key=_order(anchor.i, arg_at))
            yield [doc[m[arg_at]] for m in found]

    def arguments(self, group: str, anchor: Token, etype: str | None = None) -> Iterator[Token]:
        """The ``arg`` token of every match from ``anchor``, in the order of :meth:`matches`
        (patterns without an ``arg`` node give none); lazily, pattern by pattern."""
        doc = anchor.doc
        for pat, found in self._found(group, anchor, etype):
            arg_at = pat.arg_at
            if arg_at is None:
                continue
            if len(found) > 1:
                found.sort(key=_order(anchor.i, arg_at))
            for m in found:
                yield doc[m[arg_at]]

    def matches(self, group: str, anchor: Token, etype: str | None = None) -> list[PatternMatch]:
        """Every match from ``anchor``, pattern by pattern in priority order."""
        return [m for found in self.by_pattern(group, anchor, etype) for m in found]

    def first(self, group: str, anchor: Token, etype: str | None = None) -> PatternMatch | None:
        """The match of the first pattern that matches (its argument nearest the anchor)."""
        first = self._first(group, anchor, etype)
        if first is None:
            return None
        return first[0].match(anchor.doc, _best(first[0], anchor.i, first[1]))

    def any(self, group: str, anchor: Token, etype: str | None = None) -> PatternMatch | None:
        """A match of the first pattern of ``group`` that matches from ``anchor``."""
        first = self._first(group, anchor, etype)
        return first[0].match(anchor.doc, first[1][0]) if first is not None else None

    def status(self, anchor: Token, etype: str | None = None) -> str | None:
        """The ``status`` of the first ``event_status`` pattern that matches from ``anchor``."""
        first = self._first("event_status", anchor, etype)
        return first[0].status if first is not None else None

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
        first = self._first("event_type", anchor, None)
        return first[0].etype if first is not None else None

    def argument(self, group: str, anchor: Token, etype: str | None = None) -> Token | None:
        """The ``arg`` token of :meth:`first`, if any."""
        first = self._first(group, anchor, etype)
        if first is None:
            return None
        pat, found = first
        arg_at = pat.arg_at
        return anchor.doc[_best(pat, anchor.i, found)[arg_at]] if arg_at is not None else None


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
