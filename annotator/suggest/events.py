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

import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from annotator.suggest.actors import phrase_range
from annotator.suggest.entities import (
    DATELINE,
    Cand,
    RelCand,
    SentIndex,
    SpanIndex,
    actor_for,
    headline,
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
    as their common forms. An ``event_type`` pattern that matches gives the type in context
    (a labour "strike" is a protest) and makes a verb-only noun a trigger ("a drone strike")."""

    def __init__(
        self, triggers: Mapping[str, Iterable[str]], pre: Mapping[str, Any] | None = None
    ) -> None:
        pre = pre or {}
        self.verb_only = frozenset(str(w).lower() for w in pre.get("verb_only_triggers") or ())
        self.counted = frozenset(str(w).lower() for w in pre.get("counted_not_events") or ())
        self.place_nouns = frozenset(str(w).lower() for w in pre.get("place_nouns") or ())
        self.undergoers = frozenset(str(w).lower() for w in pre.get("undergoer_triggers") or ())
        self.reporting = frozenset(str(w).lower() for w in pre.get("reporting_verbs") or ())
        self.args: ArgumentPatterns = patterns_of(pre)
        self.retypable = self.args.anchor_words("event_type")  # None: any word
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
        """Every word a trigger can start with (for a fast pre-selection of tokens), with the
        inflected forms of single words a title-case headline leaves unlemmatised ("Britain
        Deports 40 Albanians")."""
        inflected = {w + end for w in self.single if w.isalpha() for end in _INFLECTIONS}
        return set(self.single) | set(self.multi) | inflected

    def _title_type(self, lower: str) -> str | None:
        """The type of a title-case headline word by its base form ("deports", "arrested")."""
        for end in _INFLECTIONS:
            if lower.endswith(end) and lower[: -len(end)] in self.single:
                return self.single[lower[: -len(end)]]
        return None

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
                if n == 2 and tok.pos_ == "VERB":
                    complement = [c.i for c in tok.children if c.lower_ == parts[1]]
                    if complement:
                        # "holding three aid workers hostage": "hostage" is no event of its own
                        out.append((tok.i, tok.i + 1, etype, tok))
                        taken.update([tok.i, *complement])
                        break
            if tok.i in taken:
                continue
            one = self.single.get(lemma) or self.single.get(lower)
            pos = tok.pos_
            headline_word = (
                has_pos and pos == "PROPN" and text is not None and title_line(text, tok.idx)
            )
            if one is None and headline_word:
                one = self._title_type(lower)
            if one is None:
                continue
            if headline_word:
                # "Roadside Bomb Blast": a word that modifies the next is a noun
                noun = tok.dep_ == "compound" or lower.endswith(("ing", "ion", "s"))
                pos = "NOUN" if noun else "VERB"
            if has_pos and pos == "ADJ" and _predicated(tok):
                pos = "NOUN"  # "two men were found dead", "Hundreds dead in stampede"
            if has_pos and pos not in _TRIGGER_POS:
                continue
            retypable = self.retypable
            retyped = (
                self.args.event_type(tok)
                if retypable is None or lemma in retypable or lower in retypable
                else None
            )
            if retyped is not None:
                one = retyped  # "on strike": a protest; "a missile strike": an attack
            elif pos == "NOUN" and (lemma in self.verb_only or lower in self.verb_only):
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
            etype = str(event.attrs.get("type", ""))
            if "status" not in event.attrs:
                event.attrs["status"] = self.args.status(head, etype) or "occurred"
            passive = _passive(head) or _headline_passive(head, sents.text)
            span = (
                doc.char_span(event.start, event.end)
                if event.end - event.start > len(head)
                else None
            )
            words = range(span.start, span.end) if span is not None else None
            found = self._arguments(head, etype, actors, passive, words)
            for role, tok, actor in found:
                out.append(RelCand(role, event, actor, SCORE_ROLE))
                # "Starry Lee and Holden Chow were elected": every conjunct is an argument
                # (not one that has a role of its own: "talks between A and B").
                # "The EU and Japan signed": a place joined to a subject agent acts too
                acts = role == "agent" and tok.dep_ == "nsubj" and head.pos_ == "VERB"
                for arg in self._conjuncts(tok):
                    more = actor_for(arg, actors, acts=acts)
                    if more is None or any(r.tail is more for r in out):
                        continue
                    if not any(a is more for _, _, a in found):
                        out.append(RelCand(role, event, more, SCORE_ROLE))
        lo, hi = sents.chars_of(head.idx)
        aboves: dict[bool, dict[int, bool]] = {}  # the trigger's heads, for place and time
        for label, index in (("place", places), ("time", times)):
            near = (
                self._place_phrase(head, places, str(event.attrs.get("type", "")))
                if parsed and label == "place"
                else None
            )
            if near is None and parsed:
                near = self._nearest_in_clause(
                    doc,
                    event,
                    head,
                    index,
                    (_after_dateline(sents.text, lo, hi), hi),
                    out,
                    label,
                    actors,
                    aboves,
                    sents.text,
                )
            elif near is None:
                near = index.nearest(event.start, event.end, lo, hi)
            if near is not None:
                out.append(RelCand(label, event, near, SCORE_NEAR))
        return out

    def _arguments(
        self,
        trigger: Token,
        etype: str,
        actors: SpanIndex,
        passive: bool = False,
        words: range | None = None,
    ) -> list[tuple[str, Token, Cand]]:
        """(role, token, ACTOR) of the agent and the target of a trigger: for each role the
        first match of the ``event_agent``/``event_target`` patterns whose argument is an
        actor. Whoever undergoes an ``undergoer_triggers`` event ("She died", "her death")
        is its target, and so is the subject of a ``passive`` verb that the agent patterns
        find ("Man charged with murder", "tore up her passport to avoid being expelled")."""
        out: list[tuple[str, Token, Cand]] = []
        undergoer = trigger.lemma_.lower() in self.undergoers or (
            etype == ELECTION and _a_win(trigger)
        )
        if passive:
            subject = next(
                (
                    arg
                    for found in self.args.args_by_pattern("event_agent", trigger, etype)
                    for arg in found
                    if arg.dep_ == "nsubj"
                ),
                None,
            )
            if subject is not None and _nobody(subject):
                subject = None  # "no one was arrested"
            actor = actor_for(subject, actors) if subject is not None else None
            if subject is not None and actor is None and _counts_people(subject, trigger, etype):
                make = getattr(actors, "make", None)  # "and several others wounded"
                actor = make(subject, person=True) if make is not None else None
            if subject is not None and actor is not None:
                out.append(("target", subject, actor))
        for group in ("event_agent", "event_target"):
            role = "target" if undergoer else group[len("event_") :]
            if (undergoer or role == "target") and any(r == "target" for r, _, _ in out):
                break
            found = self._first_actor(group, trigger, etype, actors, passive, words)
            if found is not None and not any(a is found[1] for _, _, a in out):
                out.append((role, *found))
        return out

    def _first_actor(
        self,
        group: str,
        trigger: Token,
        etype: str,
        actors: SpanIndex,
        passive: bool = False,
        words: range | None = None,
    ) -> tuple[Token, Cand] | None:
        """The nearest match of the first pattern of ``group`` that matches whose argument
        is (or becomes) an ACTOR ("defeated by 10,694 votes by James To": James To), or a
        quantity of actors (``event_quantity``: "dozens of demonstrators"); the subject of a
        ``passive`` verb is no agent. A pattern whose every argument is one of the
        trigger's own ``words`` (token indices) does not count."""
        own = range(trigger.i, trigger.i + 1) if words is None else words
        voiced: bool | None = None  # an auxpass child, read on first need
        inside = group == "event_agent" and _names_its_doer(trigger)
        for found in self.args.args_by_pattern(group, trigger, etype):
            if all(arg.i in own for arg in found):
                continue  # "opened fire on the crowd": "fire" is the trigger's own word
            for arg in found:
                if inside and not trigger.left_edge.i <= arg.i <= trigger.right_edge.i:
                    continue  # "Ukraine downed drones in a Russian attack": not Ukraine
                if arg.dep_ == "nsubj" and (passive or arg.head.i != trigger.i):
                    if voiced is None and not passive:
                        voiced = trigger.pos_ == "VERB" and any(
                            c.dep_ == "auxpass" for c in trigger.children
                        )
                    if passive or voiced:
                        continue  # "their convoy was ambushed": not the main clause's subject
                if _nobody(arg) or _score(arg):
                    continue  # "No group has claimed responsibility", "defeated Korea 1-0"
                if arg.head.i == trigger.i and arg.lower_ in self._complements(trigger):
                    # "holding three aid workers hostage": the workers
                    inner = [c for c in arg.children if c.dep_ in ("compound", "nmod")]
                    if not inner:
                        continue
                    arg = inner[-1]
                # "North Korea fired", "Russia's invasion": a place that is the subject of an
                # event verb or the possessor of an act of a state acts ("Kenya's election"
                # and "Iran's protests" are where they happen)
                acts = group == "event_agent" and (
                    (arg.dep_ == "nsubj" and trigger.pos_ == "VERB")
                    or (arg.dep_ == "poss" and arg.head.i == trigger.i and etype in _STATE_ACTS)
                )
                actor = actor_for(arg, actors, acts=acts)
                if actor is None:
                    # "dozens of demonstrators": who the quantity counts
                    counted = self.args.argument("event_quantity", arg)
                    if counted is not None:
                        arg, actor = counted, actor_for(counted, actors)
                    elif _counts_people(arg, trigger, etype):
                        make = getattr(actors, "make", None)  # "floods killed dozens"
                        actor = make(arg, person=True) if make is not None else None
                if actor is not None:
                    return arg, actor
            return None
        return None

    def _complements(self, trigger: Token) -> set[str]:
        """The second words of the verb + complement triggers ``trigger`` starts ("hold
        hostage")."""
        key = trigger.lemma_.lower()
        return {parts[1] for parts, _ in self.multi.get(key, []) if len(parts) == 2}

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

    def _place_phrase(self, trigger: Token, places: SpanIndex, etype: str = "") -> Cand | None:
        """The place an ``event_place`` pattern finds ("elected in this constituency",
        "evacuated ... in the town of Yeoncheon"): an existing PLACE, or a new one when the
        noun is one of the scheme's ``place_nouns``; the first match that is either."""
        for pobj in self.args.arguments("event_place", trigger, etype):
            hits = places.overlapping(pobj.idx, pobj.idx + len(pobj.text))
            if hits:
                return hits[-1]
            if pobj.pos_ == "NOUN" and pobj.lemma_.lower() in self.place_nouns:
                start, end = phrase_range(pobj)
                cand = Cand(start, end, "PLACE", SCORE_NEAR, source="phrase")
                places.add(cand)
                return cand
        return None

    def _nearest_in_clause(
        self,
        doc: Doc,
        event: Cand,
        trigger: Token,
        index: SpanIndex,
        sent: tuple[int, int],
        roles: list[RelCand],
        label: str,
        actors: SpanIndex,
        aboves: dict[bool, dict[int, bool]] | None = None,
        text: str | None = None,
    ) -> Cand | None:
        """The PLACE or TIME (``label``) of the sentence nearest to the trigger that is not
        another clause's: none inside a relative clause of another noun ("attacks ... by
        rulers who seized power in 2022"), none of a verb that reports the trigger's clause
        ("said on Tuesday that gunmen killed"); a PLACE that is a participant (an agent or
        target already found, a subject, object or possessor) or part of an actor's name is
        none. ``aboves``: the trigger's ``_ancestors`` read so far, by whether the time is
        ahead (filled here); ``text``: the doc's text (a span's is read from it)."""
        place = label == "place"
        lo, hi = sent
        best: tuple[int, Cand] | None = None
        if aboves is None:
            aboves = {}
        near: list[tuple[int, Cand]] = []
        for cand in index.overlapping(lo, hi):
            if cand.start < lo or cand.end > hi:
                continue
            if place and any(r.tail.start < cand.end and cand.start < r.tail.end for r in roles):
                continue
            near.append((max(cand.start - event.end, event.start - cand.end, 0), cand))
        near.sort(key=lambda item: item[0])  # nearest first (stable: ties in text order)
        for gap, cand in near:
            if best is not None and gap >= best[0]:
                break
            span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
            if span is None or not len(span):
                continue
            root = span.root
            if place and (
                _participant(root, trigger, self.place_nouns)
                or _names_an_actor(root, actors, trigger)
            ):
                continue
            words = ""
            if not place:
                if _not_when(root, trigger) or self._kind_of_thing(root):
                    continue
                words = text[span.start_char : span.end_char] if text is not None else span.text
                if _LENGTH.match(words):
                    # "a 48-hour strike on Monday": how long only when nothing says when
                    gap += _LAST
                    if best is not None and gap >= best[0]:
                        continue
            # "tomorrow he plans to meet": a time ahead is the planned event's
            ahead = not place and _AHEAD.search(words) is not None
            above = aboves.get(ahead)
            if above is None:
                above = aboves[ahead] = self._ancestors(trigger, intent=not ahead)
            things = None if place else self._thing
            if _foreign(root, trigger, above, self.reporting, actors, things):
                continue
            best = (gap, cand)
        return best[1] if best is not None else None

    def _thing(self, tok: Token) -> bool:
        """``tok`` names a thing: no place, event or actor noun ("a law", "a video")."""
        return (
            tok.pos_ == "NOUN"
            and tok.lemma_.lower() not in self.place_nouns
            and self.type_of(tok) is None
            and tok.ent_type_ not in ("GPE", "LOC", "FAC")
        )

    def _kind_of_thing(self, root: Token) -> bool:
        """A time that modifies a noun of no event names a kind of thing ("a Christmas
        market", "the Sunday papers"); "the 1945 bombing" is when the bombing was."""
        head = root.head
        return (
            root.dep_ in ("compound", "amod", "nmod")
            and head.pos_ in ("NOUN", "PROPN")
            and head.i != root.i
            and self.type_of(head) is None
        )

    def _ancestors(self, trigger: Token, intent: bool = True) -> dict[int, bool]:
        """The trigger and its heads, each with whether a place or time met there is foreign:
        the way up to it from the trigger passes a clause it reports (a ``ccomp`` of a
        reporting verb: "said on Tuesday that gunmen killed"), goes above the noun a
        relative or participle clause holding the trigger modifies, or above a word that puts
        it at another time (``_later``: "arrested at his home on Tuesday, weeks before the
        election": neither is the election's), or, with ``intent``, above a verb of intent
        whose complement it is ("vowed on Tuesday to retaliate", "was convicted in 2011 of
        conspiring to kill")."""
        out = {trigger.i: False}
        reported = False
        beyond = False  # above the noun a relative clause holding the trigger modifies
        tok = trigger
        while tok.head.i != tok.i:
            up = tok.head
            reported = reported or (
                tok.dep_ in ("ccomp", "parataxis") and up.lemma_.lower() in self.reporting
            )
            # "three days after the earthquake": the offset is not the earthquake's time;
            # "vowed on Tuesday to retaliate": not when the retaliation is
            planned = intent and _intended(tok, up)
            ordering = (up.dep_ in ("prep", "advmod") and _orders_events(up)) or planned
            # "on charges of aiding the killing", "an investigation into the attack was
            # opened in 2020": the time of the event noun above is its own
            outer = tok.dep_ == "prep" and up.pos_ == "NOUN" and self.type_of(up)
            ordering = ordering or bool(outer)
            beyond = beyond or _later(tok) or planned or bool(outer) or _conditional(tok)
            out[up.i] = reported or beyond or ordering
            beyond = beyond or tok.dep_ in _RELATIVE_DEPS
            tok = up
        return out


def _after_dateline(text: str, lo: int, hi: int) -> int:
    """Where the sentence [lo, hi) starts after a dateline that opens its line ("VILNIUS,
    Lithuania — ", "LAGOS, May 14 (AP) — "): the place and date a story was filed from are
    not where and when what it reports happened."""
    start = text.rfind("\n", 0, lo) + 1
    found = DATELINE.match(text, start, hi)
    return max(lo, found.end()) if found is not None else lo


ELECTION = "election"

# Words of winning: who wins an election is elected, its target ("Faye won the election",
# "her victory"), as who loses it is defeated.
_WINS = frozenset({"win", "victory"})


def _a_win(trigger: Token) -> bool:
    """``trigger`` is a win, or what is won or lost ("won the presidential election", "losing
    only the caucus in American Samoa")."""
    if trigger.lemma_.lower() in _WINS:
        return True
    return trigger.dep_ == "dobj" and trigger.head.lemma_.lower() in _WINS_OR_LOSSES


_WINS_OR_LOSSES = _WINS | {"lose"}


# Event types a state does when it is the possessor of the event noun ("Russia's invasion").
_STATE_ACTS = frozenset(
    {"attack", "arrest", "detention", "deportation", "killing", "agreement", "meeting"}
)


def _passive(trigger: Token) -> bool:
    """A passive verb whose subject the parser did not mark as passive, or that has none of
    its own ("to avoid being expelled", "has been extradited" with an active subject, "and
    five wounded")."""
    if trigger.pos_ != "VERB":
        return False
    deps = {c.dep_ for c in trigger.children} | _prefix_deps(trigger)
    if "auxpass" in deps and "nsubjpass" not in deps:
        return True
    if trigger.tag_ != "VBN" or deps & {"aux", "auxpass"}:
        return False
    if "nsubj" not in deps:
        # "If convicted, she could face eight years": a participle clause of condition or
        # time is passive, its subject the main clause's
        return trigger.dep_ == "advcl" and any(
            c.dep_ in ("mark", "advmod") and c.lower_ in _CONDITIONS for c in trigger.children
        )
    # "Two soldiers were killed and five wounded": a past participle joined to a passive
    # with no auxiliary of its own is passive too, its subject the parser made active
    if trigger.dep_ == "conj" and any(c.dep_ == "auxpass" for c in trigger.head.children):
        return True
    # "Two journalists detained on charges of spying were freed": a participle modifying its
    # subject, which the parser made the main verb, the real one joined to it with an
    # auxiliary and no subject of its own
    return "dobj" not in deps and any(
        c.dep_ == "conj" and _auxiliary_without_subject(c) for c in trigger.children
    )


# Prefixes the tokenizer splits off a verb at its hyphen ("re-elected": "re", "-", "elected").
_PREFIXES = frozenset({"re", "pre", "co"})


def _prefix_deps(verb: Token) -> set[str]:
    """The dependencies of the prefix split off ``verb``, on which the parser may hang the
    verb's auxiliary ("failed to get re-elected": "get" is the auxiliary of "re")."""
    doc = verb.doc
    i = verb.i
    if i < 2 or doc[i - 1].text != "-" or doc[i - 2].lower_ not in _PREFIXES:
        return set()
    if doc[i - 1].whitespace_ or doc[i - 2].whitespace_:
        return set()
    return {c.dep_ for c in doc[i - 2].children}


# Marks of a participle clause whose subject is the main clause's ("if convicted", "once
# released", "when questioned").
_CONDITIONS = frozenset({"if", "unless", "once", "when", "whether", "until", "though"})


def _auxiliary_without_subject(verb: Token) -> bool:
    """A verb with an auxiliary and no subject of its own ("were freed")."""
    deps = {c.dep_ for c in verb.children}
    return bool(deps & {"aux", "auxpass"}) and not deps & {"nsubj", "nsubjpass", "expl"}


def _headline_passive(trigger: Token, text: str) -> bool:
    """A past form with no auxiliary in a headline is a passive: headlines drop "was" and put
    what someone did in the present ("Man charged with murder", "Migrants Rescued Off
    Coast"; "Police arrest man")."""
    if trigger.pos_ != "VERB" or trigger.tag_ not in ("VBN", "VBD"):
        return False
    if trigger.dep_ not in ("ROOT", "conj") or any(
        c.dep_ in ("aux", "auxpass") for c in trigger.children
    ):
        return False  # "Woman claims church imprisoned her": the reported verb is active
    return headline(text, trigger.idx)


# A PLACE in one of these functions is a participant ("South Korea evacuated ..."), not where
# the event happened.
_PARTICIPANT_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "poss", "agent"})


_RELATIVE_DEPS = frozenset({"relcl", "acl"})

# Prepositions whose object takes part ("clashed with Israel", "signed with Tirana").
_PARTY_PREPOSITIONS = frozenset({"with", "between", "against", "alongside"})


def _participant(root: Token, trigger: Token, place_nouns: frozenset[str]) -> bool:
    """A place in one of the ``_PARTICIPANT_DEPS``, or joined to one ("Armenia and
    Azerbaijan agree ceasefire") or part of one that is no place ("bombarding the
    Scientology homepage"), or the object of a ``_PARTY_PREPOSITIONS`` or of a passive's
    "by" ("a swap brokered by the United Arab Emirates"), or whom a measure aims at
    ("sanctions on Russia"): a participant."""
    tok = root
    while tok.dep_ in ("conj", "compound") and tok.head.i != tok.i:
        if tok.dep_ == "compound":
            head = tok.head  # "bombarding the Scientology homepage": part of what was hit
            if head.i == trigger.i or head.lemma_.lower() in place_nouns:
                return False  # "the Taipei lantern festival", "West Papua province"
        tok = tok.head
    if tok.dep_ in _PARTICIPANT_DEPS:
        return True
    if tok.dep_ != "pobj":
        return False
    prep = tok.head
    if prep.lower_ == "on" and prep.head.lemma_.lower() in _AIMED:
        return True  # "sanctions on Russia": whom they aim at
    return prep.lower_ in _PARTY_PREPOSITIONS or prep.dep_ == "agent"


# Measures whose "on" phrase is whom they aim at.
_AIMED = frozenset({"sanction", "ban", "embargo", "tariff", "boycott", "crackdown", "restriction"})


_LENGTH = re.compile(
    r"^\S+-(?:second|minute|hour|day|night|week|month|year|decade|century|match|game)s?(?:-long)?$",
    re.IGNORECASE,
)
_LAST = 1 << 20  # a gap no other time in the sentence has
_UNITS = frozenset(
    {"second", "minute", "hour", "day", "week", "month", "year", "decade", "century", "generation"}
)


def _not_when(root: Token, trigger: Token) -> bool:
    """A time phrase that is no time of the trigger: a prison term ("sentenced to six
    years"; "imprisoned for six years" is how long the imprisonment lasted), or the span a
    superlative or a first
    compares over ("for the first time in two years", "the deadliest earthquake to hit the
    country in two decades", "the worst since a six-week war in 2020"; "the deadliest attack
    in 2019" is when, and so is "since 1941, when floods killed dozens" for the floods)."""
    if root.dep_ != "pobj" or root.is_ancestor(trigger):
        return False
    prep = root.head
    if prep.lower_ == "to" and prep.head.lemma_.lower() in ("sentence", "jail", "condemn"):
        return True
    tok = root
    while tok.dep_ == "pobj" and tok.head.dep_ == "prep":
        prep = tok.head
        if prep.lower_ == "since" or (
            prep.lower_ in ("in", "for") and tok.lemma_.lower() in _UNITS
        ):
            return _compares(prep.head)
        tok = prep.head
    return False


def _compares(head: Token) -> bool:
    """``head`` (or a noun its clause modifies or is said of) is a superlative or a first
    ("the worst", "the deadliest earthquakes to hit", "was the deadliest quake to hit", "the
    first time")."""

    def superlative(tok: Token) -> bool:
        return any(
            (
                c.dep_ in ("amod", "advmod")
                and (c.tag_ in ("JJS", "RBS") or c.lower_ in ("first", "only"))
            )
            or (c.dep_ == "prep" and c.lower_ == "for" and any(first_time(g) for g in c.children))
            for c in tok.children
        )

    def first_time(tok: Token) -> bool:  # "meet for (the) first time in two years"
        return tok.lemma_.lower() == "time" and superlative(tok)

    for _ in range(3):
        if head.tag_ == "JJS" or superlative(head):
            return True
        if any(c.dep_ == "attr" and (c.tag_ == "JJS" or superlative(c)) for c in head.children):
            return True
        if head.dep_ not in ("acl", "relcl", "pobj", "prep", "xcomp") or head.head.i == head.i:
            return False
        head = head.head
    return False


# Bare counts that stand for people where an event befalls or is done by people ("floods
# killed dozens", "wounding 23 others", "thousands marched").
_COUNTS = frozenset({"dozens", "hundreds", "thousands", "scores", "others", "dozen", "many"})
_PEOPLE_EVENTS = frozenset({"killing", "arrest", "detention", "deportation", "protest"})
_PEOPLE_VERBS = frozenset({"injure", "wound", "evacuate", "rescue", "kidnap", "abduct"})


def _counts_people(arg: Token, trigger: Token, etype: str) -> bool:
    """``arg`` is a bare count of the people an event befalls or who do it ("killed
    dozens", "Five arrested after brawl")."""
    counts = arg.lower_ in _COUNTS or (arg.pos_ == "NUM" and arg.like_num)
    if not counts or arg.dep_ not in ("nsubj", "nsubjpass", "dobj", "ROOT"):
        return False
    if any(c.dep_ == "prep" and c.lower_ == "of" for c in arg.children):
        return False  # "dozens of rockets": the event_quantity pattern decides
    return etype in _PEOPLE_EVENTS or trigger.lemma_.lower() in _PEOPLE_VERBS


# Adjectives that are events when said of someone ("found dead", "left three people dead",
# "Hundreds dead"), not when they describe a thing ("dead bodies").
_EVENT_ADJECTIVES = frozenset({"dead"})
_COUNT_LEMMAS = frozenset({"hundred", "thousand", "dozen", "score", "million", "people"})


def _predicated(tok: Token) -> bool:
    """``tok`` is an event adjective said of someone: a predicate ("were found dead"), or
    beside a count ("Five dead", "Hundreds dead")."""
    if tok.lower_ not in _EVENT_ADJECTIVES:
        return False
    if tok.dep_ in ("oprd", "acomp"):
        return True
    head = tok.head
    return (
        tok.dep_ == "amod"
        and tok.i > head.i
        and (head.pos_ == "NUM" or head.lemma_.lower() in _COUNT_LEMMAS)
    )


# Forms of a trigger word a title-case headline does not lemmatise.
_INFLECTIONS = ("s", "es", "ed", "d")


def _score(tok: Token) -> bool:
    """``tok`` is a number of a match score ("1-0", "20 – 13")."""
    if not tok.like_num:
        return False
    doc = tok.doc
    before = tok.i >= 2 and doc[tok.i - 1].text in ("-", "–") and doc[tok.i - 2].like_num
    after = tok.i + 2 < len(doc) and doc[tok.i + 1].text in ("-", "–") and doc[tok.i + 2].like_num
    return before or after


def _nobody(tok: Token) -> bool:
    """A negative argument: nobody did it ("no group", "none", "no one")."""
    if tok.lower_ in ("nobody", "none", "noone", "no-one"):
        return True
    if tok.lower_ == "one" and tok.i > 0 and tok.doc[tok.i - 1].lower_ == "no":
        return True
    return any(c.dep_ == "det" and c.lower_ == "no" for c in tok.children)


def _names_an_actor(root: Token, actors: SpanIndex, trigger: Token | None = None) -> bool:
    """A place name that is part of an actor's ("the Minnesota Attorney General's office",
    "U.S. envoy Amos Hochstein") or says where the actor is from or sits ("Russia's
    embassy in Berlin", "the mayor of the city of Marbella"): whose it is, not where
    something happened."""
    tok = root
    for _ in range(6):
        if tok.dep_ == "compound" and tok.head.i != tok.i:
            tok = tok.head  # "U.S." -> "envoy" -> "Hochstein"
        elif tok.dep_ == "pobj" and tok.head.dep_ == "prep" and tok.head.lower_ in _OF_PLACE:
            prep = tok.head
            tok = prep.head  # "Marbella" -> "city" -> "mayor"
            if prep.lower_ == "in" and not _acting(tok):
                return False  # "arrested a man in Paris", "the detention of X in Beijing"
        else:
            break
        if trigger is not None and tok.i == trigger.i:
            return False
        if tok.pos_ in ("NOUN", "PROPN") and actors.overlapping(tok.idx, tok.idx + len(tok.text)):
            return True
    return False


# Prepositions that say where an actor is from or sits ("the mayor of Marbella", "officials
# in Brussels").
_OF_PLACE = frozenset({"of", "in", "from"})


def _acting(tok: Token) -> bool:
    """``tok`` is a subject or the "by" phrase of a passive or noun: where it sits is not
    where what it does happens ("Russia's embassy in Berlin called the expulsions")."""
    if tok.dep_ in ("nsubj", "nsubjpass"):
        return True
    return tok.dep_ == "pobj" and (tok.head.dep_ == "agent" or tok.head.lower_ == "by")


def _foreign(
    root: Token,
    trigger: Token,
    above: dict[int, bool],
    reporting: frozenset[str] = frozenset(),
    actors: SpanIndex | None = None,
    things: Callable[[Token], bool] | None = None,
) -> bool:
    """``root`` (of a place or time) belongs to another clause than the trigger's: on its way
    up to the trigger's heads it passes a relative clause that does not modify the trigger
    ("the accident, which occurred yesterday" modifies it; a participle clause may still
    locate it: "arrested at a rally held in Lyon"), a verb conjoined to one of them ("fired
    tear gas and would hold talks next week"), a clause a reporting verb among them reports
    ("cases rose in Blantyre, the ministry said in a statement": not the statement's), or a
    clause before or after which the trigger happened ("died after waiting eight hours";
    "after midnight" is still its time), or its reason ("sanctions over the invasion of
    Ukraine"); or it measures how long before or after the
    trigger another event happened (``_offset``); or it meets them where they are foreign:
    at a verb that reports the trigger's clause, or above the noun that a relative or
    participle clause holding the trigger modifies ("a man wanted in France over a robbery
    in which a guard was shot": not France). A past participle clause of an actor is the
    actor's ("released a player in exchange for a dealer jailed in the United States"; "a
    police officer escorting a team in Bajaur" was there), and with ``things`` (for a time)
    a past participle clause of a thing is the thing's ("freed under a law passed this
    month"; "a tanker carrying fuel" on Friday was struck then)."""
    if _offset(root, above):
        return True  # "three days after the earthquake": how long after, not when
    tok, prev = root, root
    while tok.i not in above:
        if tok.dep_ == "relcl" and tok.head.i != trigger.i:
            return True
        if (
            tok.dep_ == "acl"
            and tok.tag_ == "VBN"
            and actors is not None
            and tok.head.i != trigger.i
        ):
            head = tok.head  # "a dealer jailed in the United States": the dealer's
            if actors.overlapping(head.idx, head.idx + len(head.text)):
                return True
        if tok.dep_ == "acl" and tok.tag_ == "VBN" and things is not None:
            head = tok.head  # "freed under a law passed this month": when it was passed
            if (
                head.i != trigger.i
                and things(head)
                and not (
                    actors is not None and actors.overlapping(head.idx, head.idx + len(head.text))
                )
            ):
                return True
        if tok.dep_ == "conj" and tok.pos_ in ("VERB", "AUX"):
            return True
        if tok.dep_ in ("ccomp", "parataxis") and tok.head.lemma_.lower() in reporting:
            return True
        if tok.dep_ == "parataxis" and tok.lemma_.lower() in reporting:
            return True  # "talks collapsed on Thursday, U.S. and Saudi mediators said"
        if _orders_events(tok) and (tok.dep_ == "advcl" or prev.dep_ == "pcomp"):
            return True  # "was called after the premier resigned in November"
        if tok.dep_ == "prep" and tok.lower_ == "over" and root.head.i != tok.i:
            return True  # "sanctions over its invasion of Ukraine": the reason's place
        if tok.head.i == tok.i:
            return False
        tok, prev = tok.head, tok
    return above[tok.i]


# Words that order one event before or after another ("weeks before the election", "died
# after waiting", "resigned amid an investigation").
_SEQUENCE = frozenset(
    {"after", "before", "since", "until", "till", "following", "ahead", "prior", "amid", "amidst"}
)


# Verbs whose infinitive complement happens later, if at all ("vowed to retaliate", "foiled
# a plot to attack").
_INTENT = frozenset(
    {
        "plan",
        "threaten",
        "vow",
        "intend",
        "promise",
        "pledge",
        "conspire",
        "plot",
        "agree",
        "decide",
        "hope",
        "want",
        "seek",
        "aim",
        "prepare",
        "urge",
        "ask",
        "order",
        "call",
        "offer",
        "propose",
        "foil",
        "thwart",
        "prevent",
        "avert",
    }
)


def _intended(tok: Token, up: Token) -> bool:
    """``tok`` is the infinitive a verb of intent ``up`` governs ("vowed to attack")."""
    if up.lemma_.lower() not in _INTENT:
        return False
    if tok.dep_ == "xcomp":
        return True
    return tok.dep_ == "advcl" and any(c.dep_ == "aux" and c.lower_ == "to" for c in tok.children)


# A time that looks ahead ("tomorrow", "next week", "later this year").
_AHEAD = re.compile(r"\b(?:tomorrow|next|later|coming|upcoming|soon)\b", re.IGNORECASE)

# Verbs whose "for" phrase is what someone is punished for.
_PUNISHING = frozenset(
    {
        "arrest",
        "detain",
        "charge",
        "convict",
        "sentence",
        "jail",
        "imprison",
        "punish",
        "fine",
        "blame",
        "accuse",
        "indict",
        "prosecute",
        "execute",
        "hang",
        "try",
        "ban",
    }
)

_LATER = frozenset({"before", "ahead", "prior", "until", "till", "since"})


def _later(tok: Token) -> bool:
    """``tok`` puts the event below it at another time than the one above it: before it or
    since ("weeks before the election", "the worst since the 2020 war"), or at a distance
    ("three days after a powerful earthquake flattened villages"; with none, "on Sunday after a
    3-1 win" may be the win's time), or for which someone is punished ("jailed over the
    death of a man", "sentenced on Thursday for the murder")."""
    if tok.dep_ == "prep" and (
        tok.lower_ == "over" or (tok.lower_ == "for" and tok.head.lemma_.lower() in _PUNISHING)
    ):
        return True
    if not _orders_events(tok):
        return False
    word = next((c for c in tok.children if c.dep_ == "mark"), tok)
    if any(c.dep_ == "npadvmod" and c.i < word.i for c in tok.children):
        return True
    # a clause "before" the main one may still be at its time ("killing four people before
    # he was shot dead"), an event noun is not ("weeks before the election"), nor a clause
    # "since" which the main one counts ("the largest removal since the two countries signed
    # an agreement")
    if tok.dep_ == "advcl":
        return word.lower_ == "since"
    return tok.lower_ in _LATER


def _names_its_doer(trigger: Token) -> bool:
    """An event noun that says who does it ("a Russian attack", "Israel's strike"): no one
    outside its phrase is the agent."""
    return trigger.pos_ == "NOUN" and any(
        c.dep_ == "poss" or (c.dep_ in ("amod", "compound") and c.ent_type_ == "NORP")
        for c in trigger.children
    )


def _conditional(tok: Token) -> bool:
    """``tok`` heads a clause of condition ("If convicted, she could face eight years"): the
    main clause's place and time are what would follow, not the condition's."""
    return tok.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in _IF for c in tok.children)


_IF = frozenset({"if", "unless"})


def _offset(tok: Token, above: dict[int, bool]) -> bool:
    """``tok`` says how long before or after the trigger another event happened ("three
    days after a powerful earthquake flattened villages": not when the earthquake was; "the
    accident came ten days before the Hajj" is when the accident was): a measure just before
    a word that orders, one of the trigger's heads or the mark of one."""
    if tok.dep_ != "npadvmod" or tok.right_edge.i + 1 >= len(tok.doc):
        return False
    word = tok.doc[tok.right_edge.i + 1]
    if word.lower_ not in _SEQUENCE:
        return False
    return word.i in above or (word.dep_ == "mark" and word.head.i in above)


def _orders_events(tok: Token) -> bool:
    """``tok`` is a preposition or adverb that orders the event below it before or after the
    one above it, or a clause it introduces ("after talks broke down")."""
    if tok.dep_ in ("prep", "advmod"):
        return tok.lower_ in _SEQUENCE
    if tok.dep_ == "advcl":
        return any(c.dep_ == "mark" and c.lower_ in _SEQUENCE for c in tok.children)
    return False
