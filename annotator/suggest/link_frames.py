"""Argument frames of English for the role linker: how a candidate argument stands to an event
trigger, named in a few words of syntax that hold for any text.

The linker's dependency path says the same in labels, but split by every label on the way, so
a frame seen a few times in the team's layer is a handful of different paths. A frame names
the configuration instead:

* the trigger's own arguments: ``nsubj``, ``nsubjpass``, ``dobj``, ``by`` (the passive's agent,
  "was banned by the ministry"), ``poss`` ("the government's decision"), ``p:of``/``p:with``…
  (a preposition on the trigger, "the sentence of the court", "a confrontation with X");
* arguments of the word the trigger hangs on, when the trigger has no subject of its own:
  ``up:xcomp>nsubj`` ("Mohamed was able to meet"), ``up:conj>nsubjpass`` (a shared subject,
  "X was defeated and resigned"), ``up:dobj>nsubj`` (a light verb, "Thomas Sam is undergoing
  trial", "committed suicide"), ``up:nsubjpass>by`` ("the attack was launched by a user"),
  ``up:p:after>nsubj`` ("X left after a confrontation");
* the noun a participle or relative clause modifies: ``mod:acl``, ``mod:relcl`` ("the
  candidates elected", "the man who attacked");
* each of these through an apposition or a conjunct of the argument (``+appos``, ``+conj``:
  "Co-founder of Google, Sergey Brin, met", "Sweden, Belgium, England win").

The frames are features only: the team's layer decides what each one means for which role.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token

SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
OWN = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "attr", "poss", "compound", "npadvmod"})
# how a trigger without a subject hangs on the word whose arguments it shares
UP_LINKS = frozenset(
    {"xcomp", "conj", "dobj", "pobj", "pcomp", "advcl", "acomp", "nsubj", "nsubjpass", "ccomp"}
)
UP_STEPS = 3
THROUGH = frozenset({"appos", "conj"})


def frames(h: Token, t: Token) -> list[str]:
    """The frames in which ``t`` (a candidate's head token) stands to the trigger ``h``;
    empty when none does."""
    if t.i == h.i:
        return []
    out = _direct(h, t)
    if not out and t.dep_ in THROUGH and t.head.i != h.i:
        out = [f"{f}+{t.dep_}" for f in _direct(h, t.head)]
    return out


def _direct(h: Token, t: Token) -> list[str]:
    own = _own(h, t)
    if own:
        return [own]
    out: list[str] = []
    if h.dep_ in ("acl", "relcl") and t.i == h.head.i:
        out.append(f"mod:{h.dep_}")
    if not any(c.dep_ in SUBJECTS for c in h.children):
        up = _up(h, t)
        if up:
            out.append(up)
    if _passive(h) and _by_below(h, t):
        out.append("by~")
    return out


def _passive(h: Token) -> bool:
    return any(c.dep_ in ("nsubjpass", "auxpass") for c in h.children) or (
        h.dep_ == "acl" and h.tag_ == "VBN"
    )


def _by_below(h: Token, t: Token) -> bool:
    """``t`` is the object of a "by" the parser hung lower in the passive trigger's clause
    ("was banned from worship at the sites by the ministry"), with no other passive verb
    between them."""
    if t.dep_ != "pobj" or t.head.lower_ != "by":
        return False
    cur = t.head.head
    for _ in range(8):
        if cur.i == h.i:
            return True
        if cur.head.i == cur.i or (cur.pos_ == "VERB" and _passive(cur)):
            return False
        cur = cur.head
    return False


def _own(h: Token, t: Token) -> str | None:
    """``t``'s relation to ``h`` when it is one of ``h``'s arguments."""
    if t.head.i == h.i:
        return t.dep_ if t.dep_ in OWN else None
    prep = t.head
    if t.dep_ == "pobj" and prep.head.i == h.i and prep.i != h.i:
        return "by" if prep.dep_ == "agent" or prep.lower_ == "by" else f"p:{prep.lower_}"
    return None


def _up(h: Token, t: Token) -> str | None:
    """The frame of ``t`` as an argument of a word above ``h`` (``UP_STEPS`` at most), the
    first links from ``h`` upwards naming it."""
    cur = h
    links: list[str] = []
    for _ in range(UP_STEPS):
        dep = cur.dep_
        if dep not in UP_LINKS or cur.head.i == cur.i:
            return None
        nxt = cur.head
        if dep in ("pobj", "pcomp"):
            if nxt.head.i == nxt.i:
                return None
            dep, nxt = f"p:{nxt.lower_}", nxt.head
        links.append(dep)
        cur = nxt
        own = _own(cur, t)
        if own is not None and (own in SUBJECTS or own in ("dobj", "by", "dative")):
            return f"up:{'>'.join(links[:2])}>{own}"
        if any(c.dep_ in SUBJECTS for c in cur.children):
            return None
    return None
