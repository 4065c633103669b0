"""Pre-annotation rules for events: triggers from the scheme's lexicon, roles from the parse.

``scheme.preannotation["event_triggers"]`` maps an event type to words; single words match a
token's lemma (or its lower-case form), two-word entries match a contiguous lemma sequence
("press conference") or a verb with that particle or complement ("sending them back").
``agent``/``target``/``place`` come from the dependency patterns of the scheme's
``argument_patterns`` (groups ``event_agent``, ``event_target``, ``event_place``) and are mapped
to ACTOR and PLACE spans; else ``place``, and always ``time``, is the nearest PLACE or TIME span
of the same sentence.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from annotator.suggest.actors import phrase_range
from annotator.suggest.entities import (
    Cand,
    RelCand,
    SentIndex,
    SpanIndex,
    actor_for,
    title_line,
)
from annotator.suggest.patterns import ArgumentPatterns, patterns_of

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

SCORE_TRIGGER = 0.5
SCORE_ROLE = 0.5
SCORE_NEAR = 0.4
MAX_CONJUNCTS = 6  # arguments joined to one agent or target ("A, B, C and D")
_TRIGGER_POS = frozenset({"VERB", "NOUN"})


class EventRules:
    """Event triggers from the scheme's ``event_triggers`` (by lemma or form), without the
    ``verb_only_triggers`` used as nouns ("a car bomb") and ``counted_not_events`` nouns that
    an ``event_counted`` pattern finds counting ("51,516 votes"); title-case headline words count
    as their common forms."""

    def __init__(
        self, triggers: Mapping[str, Iterable[str]], pre: Mapping[str, Any] | None = None
    ) -> None:
        pre = pre or {}
        self.verb_only = frozenset(str(w).lower() for w in pre.get("verb_only_triggers") or ())
        self.counted = frozenset(str(w).lower() for w in pre.get("counted_not_events") or ())
        self.place_nouns = frozenset(str(w).lower() for w in pre.get("place_nouns") or ())
        self.undergoers = frozenset(str(w).lower() for w in pre.get("undergoer_triggers") or ())
        self.args: ArgumentPatterns = patterns_of(pre)
        self.single: dict[str, str] = {}
        self.multi: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for etype, words in triggers.items():
            for word in words:
                parts = tuple(str(word).lower().split())
                if len(parts) == 1:
                    self.single.setdefault(parts[0], str(etype))
                elif parts:
                    self.multi.setdefault(parts[0], []).append((parts, str(etype)))

    def type_of(self, tok: Token) -> str | None:
        return self.single.get(tok.lemma_.lower()) or self.single.get(tok.lower_)

    @property
    def words(self) -> set[str]:
        """Every word a trigger can start with (for a fast pre-selection of tokens)."""
        return set(self.single) | set(self.multi)

    def triggers(  # noqa: C901 - multiword, single and light-verb triggers in one scan
        self, doc: Doc, candidates: Iterable[int] | None = None, text: str | None = None
    ) -> list[tuple[int, int, str, Token]]:
        """(start token, end token, event type, head token) of every trigger; ``candidates``
        are the indices of tokens whose lemma or form is in ``words`` (all when None)."""
        has_pos = doc.has_annotation("POS")
        out: list[tuple[int, int, str, Token]] = []
        taken: set[int] = set()
        toks = (doc[i] for i in candidates) if candidates is not None else iter(doc)
        for tok in toks:
            if tok.i in taken:
                continue
            lemma, lower = tok.lemma_.lower(), tok.lower_
            key = lemma or lower
            options = self.multi.get(key, [])
            if key != lower and lower in self.multi:
                options = options + self.multi[lower]
            for parts, etype in options:
                n = len(parts)
                window = doc[tok.i : tok.i + n]
                if len(window) == n and all(
                    w in (t.lemma_.lower(), t.lower_) for t, w in zip(window, parts, strict=True)
                ):
                    out.append((tok.i, tok.i + n, etype, window.root))
                    taken.update(range(tok.i, tok.i + n))
                    break
                if (
                    n == 2
                    and tok.pos_ == "VERB"
                    and any(c.lower_ == parts[1] for c in tok.children)
                ):
                    out.append((tok.i, tok.i + 1, etype, tok))
                    taken.add(tok.i)
                    break
            if tok.i in taken:
                continue
            one = self.single.get(lemma) or self.single.get(lower)
            if one is None:
                continue
            pos = tok.pos_
            if has_pos and pos == "PROPN" and text is not None and title_line(text, tok.idx):
                pos = "NOUN" if lower.endswith(("ing", "ion", "s")) else "VERB"
            if has_pos and pos not in _TRIGGER_POS:
                continue
            if pos == "NOUN" and (lemma in self.verb_only or lower in self.verb_only):
                continue  # weapons and objects: "a car bomb", "36 shells"
            if pos == "NOUN" and (lemma in self.counted or lower in self.counted):
                if self.args.any("event_counted", tok) is not None:
                    continue  # "51,516 votes": a count, no event
            if self.args.any("event_not_trigger", tok) is not None:
                continue  # "according to"; "held X responsible" is no detention
            out.append((tok.i, tok.i + 1, one, tok))
        # "held talks", "signed an agreement": the object is the event, not the light verb.
        heads = {head.i for _, _, _, head in out}
        if len(heads) < 2:
            return out
        return [
            t
            for t in out
            if not (
                t[3].pos_ == "VERB"
                and any(
                    c.i in heads and c.dep_ == "dobj" and self.type_of(c) != t[2]
                    for c in t[3].children
                )
            )
        ]

    def find(
        self,
        doc: Doc,
        actors: SpanIndex,
        places: SpanIndex,
        times: SpanIndex,
        sents: SentIndex,
        candidates: Iterable[int] | None = None,
    ) -> tuple[list[Cand], list[RelCand]]:
        events: list[Cand] = []
        rels: list[RelCand] = []
        parsed = doc.has_annotation("DEP")
        for start, end, etype, head in self.triggers(doc, candidates, sents.text):
            if end == start + 1:
                start_char, end_char = head.idx, head.idx + len(head)
            else:
                span = doc[start:end]
                start_char, end_char = span.start_char, span.end_char
            event = Cand(
                start_char, end_char, "EVENT", SCORE_TRIGGER, {"type": etype}, source="trigger"
            )
            events.append(event)
            rels.extend(self.roles(doc, event, head, actors, places, times, sents, parsed))
        return events, rels

    def roles(
        self,
        doc: Doc,
        event: Cand,
        head: Token,
        actors: SpanIndex,
        places: SpanIndex,
        times: SpanIndex,
        sents: SentIndex,
        parsed: bool | None = None,
    ) -> list[RelCand]:
        """Status attribute and agent/target/place/time relations of one event trigger
        (``parsed``: whether the doc has a parse, when the caller knows already)."""
        out: list[RelCand] = []
        if parsed is None:
            parsed = doc.has_annotation("DEP")
        if parsed:
            if "status" not in event.attrs:
                etype = str(event.attrs.get("type", ""))
                event.attrs["status"] = self.args.status(head, etype) or "occurred"
            for role, tok, actor in self._arguments(head, str(event.attrs.get("type", "")), actors):
                out.append(RelCand(role, event, actor, SCORE_ROLE))
                # "Starry Lee and Holden Chow were elected": every conjunct is an argument.
                for arg in self._conjuncts(tok):
                    more = actor_for(arg, actors)
                    if more is not None and not any(r.tail is more for r in out):
                        out.append(RelCand(role, event, more, SCORE_ROLE))
        lo, hi = sents.chars_of(head.idx)
        for label, index in (("place", places), ("time", times)):
            near = self._place_phrase(head, places) if parsed and label == "place" else None
            if near is None and label == "place" and parsed:
                near = _nearest_location(doc, event, places, lo, hi, out)
            elif near is None:
                near = index.nearest(event.start, event.end, lo, hi)
            if near is not None:
                out.append(RelCand(label, event, near, SCORE_NEAR))
        return out

    def _arguments(
        self, trigger: Token, etype: str, actors: SpanIndex
    ) -> list[tuple[str, Token, Cand]]:
        """(role, token, ACTOR) of the agent and the target of a trigger: for each role the
        first match of the ``event_agent``/``event_target`` patterns whose argument is an
        actor. Whoever undergoes an ``undergoer_triggers`` event ("She died", "her death")
        is its target."""
        out: list[tuple[str, Token, Cand]] = []
        undergoer = trigger.lemma_.lower() in self.undergoers
        for group in ("event_agent", "event_target"):
            role = "target" if undergoer else group[len("event_") :]
            if undergoer and out:
                break
            found = self._first_actor(group, trigger, etype, actors)
            if found is not None and not any(a is found[1] for _, _, a in out):
                out.append((role, *found))
        return out

    def _first_actor(
        self, group: str, trigger: Token, etype: str, actors: SpanIndex
    ) -> tuple[Token, Cand] | None:
        """The nearest match of the first pattern of ``group`` that matches whose argument
        is (or becomes) an ACTOR ("defeated by 10,694 votes by James To": James To)."""
        for arg in self.args.first_arguments(group, trigger, etype):
            # "North Korea fired": a place that is the subject of an event verb acts
            acts = group == "event_agent" and arg.dep_ == "nsubj" and trigger.pos_ == "VERB"
            actor = actor_for(arg, actors, acts=acts)
            if actor is not None:
                return arg, actor
        return None

    def _conjuncts(self, tok: Token) -> list[Token]:
        """The arguments joined to ``tok``, each found by the ``event_conjunct`` patterns
        from the one before ("Lee, Chow and To": Chow from Lee, To from Chow); at most
        ``MAX_CONJUNCTS``."""
        out: list[Token] = []
        for _ in range(MAX_CONJUNCTS):
            nxt = self.args.argument("event_conjunct", tok)
            if nxt is None or nxt in out:
                break
            out.append(nxt)
            tok = nxt
        return out

    def _place_phrase(self, trigger: Token, places: SpanIndex) -> Cand | None:
        """The place an ``event_place`` pattern finds ("elected in this constituency",
        "evacuated ... in the town of Yeoncheon"): an existing PLACE, or a new one when the
        noun is one of the scheme's ``place_nouns``; the first match that is either."""
        for pobj in self.args.arguments("event_place", trigger):
            hits = places.overlapping(pobj.idx, pobj.idx + len(pobj.text))
            if hits:
                return hits[-1]
            if pobj.pos_ == "NOUN" and pobj.lemma_.lower() in self.place_nouns:
                start, end = phrase_range(pobj)
                cand = Cand(start, end, "PLACE", SCORE_NEAR, source="phrase")
                places.add(cand)
                return cand
        return None


# A PLACE in one of these functions is a participant ("South Korea evacuated ..."), not where
# the event happened.
_PARTICIPANT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "poss", "agent"})


def _nearest_location(
    doc: Doc, event: Cand, places: SpanIndex, lo: int, hi: int, roles: list[RelCand]
) -> Cand | None:
    """The PLACE of the sentence nearest to the trigger that is no participant: neither an
    agent or target already found nor a subject, object or possessor."""
    best: tuple[int, Cand] | None = None
    for cand in places.overlapping(lo, hi):
        if cand.start < lo or cand.end > hi:
            continue
        if any(r.tail.start < cand.end and cand.start < r.tail.end for r in roles):
            continue
        span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
        if span is not None and len(span) and span.root.dep_ in _PARTICIPANT_DEPS:
            continue
        gap = max(cand.start - event.end, event.start - cand.end, 0)
        if best is None or gap < best[0]:
            best = (gap, cand)
    return best[1] if best is not None else None
