"""Pre-annotation rules for actors, places and times, and the shared suggestion candidates.

Works on a spaCy ``Doc`` (spaCy itself is never imported here). Candidates are mutable
working values; :mod:`annotator.suggest.propose` turns them into ``SpanData``/``RelationData``.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.values import AttrValue

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

# Default scores of rule suggestions (spaCy's parser-based NER gives none of its own).
SCORE_REGISTRY = 1.0
SCORE_NER = 0.8

PRONOUNS = frozenset(
    "i me my we us our he him his she her they them their it its you your this that these those"
    " who whom which".split()
)
# Nouns naming a role; a subject like "the chairman of X, Noman Benotman" names its person.
ROLE_NOUNS = frozenset(
    "general commander chairman chairwoman researcher spokesman spokeswoman spokesperson minister"
    " president official leader chief head director analyst envoy ambassador secretary premier"
    " king prince mayor governor senator lawmaker adviser advisor founder editor correspondent"
    " expert professor lawyer judge colonel officer activist member representative deputy"
    " presenter host journalist".split()
)


@dataclass(eq=False, slots=True)
class Cand:
    """A suggested span under construction (identity matters: relations point at objects)."""

    start: int
    end: int
    label: str
    score: float
    attrs: dict[str, AttrValue] = field(default_factory=dict)
    entity: str | None = None
    entity_type: str | None = None
    source: str = ""


@dataclass(eq=False, slots=True)
class RelCand:
    label: str
    head: Cand
    tail: Cand
    score: float


@dataclass(frozen=True, slots=True)
class RegisteredActor:
    """An actor of the registry: canonical name, ACTOR type and the aliases to look for."""

    name: str
    type: str | None = None
    aliases: tuple[str, ...] = ()

    @property
    def surface_forms(self) -> tuple[str, ...]:
        forms = [self.name, *self.aliases]
        return tuple(dict.fromkeys(f.strip() for f in forms if f and f.strip()))


def registry_from(entries: Iterable[Any]) -> tuple[RegisteredActor, ...]:
    """Accept RegisteredActor values, (name, type, aliases) tuples or records with those fields."""
    out: list[RegisteredActor] = []
    for item in entries:
        if isinstance(item, RegisteredActor):
            out.append(item)
        elif isinstance(item, tuple | list):
            name, etype, aliases = (list(item) + [None, ()])[:3]
            out.append(RegisteredActor(str(name), etype, tuple(aliases or ())))
        else:
            name = getattr(item, "name", None) or getattr(item, "canonical_name", None)
            out.append(
                RegisteredActor(
                    str(name), getattr(item, "type", None), tuple(getattr(item, "aliases", ()))
                )
            )
    return tuple(out)


def entity_mapping(preannotation: Mapping[str, Any]) -> dict[str, tuple[str, dict[str, AttrValue]]]:
    """spaCy entity label -> (scheme label, attributes), from ``scheme.preannotation``."""
    out: dict[str, tuple[str, dict[str, AttrValue]]] = {}
    for ent, target in (preannotation.get("entities") or {}).items():
        if isinstance(target, Mapping):
            out[str(ent)] = (str(target["label"]), dict(target.get("attrs") or {}))
        else:
            out[str(ent)] = (str(target), {})
    return out


def ner_candidates(
    doc: Doc,
    mapping: Mapping[str, tuple[str, dict[str, AttrValue]]],
    direct: frozenset[str],
    text: str | None = None,
) -> list[Cand]:
    """Candidates from ``doc.ents``: mapped through the scheme, or taken as they are when the
    entity label is itself a scheme label (a pipeline trained by ``annotator train``).
    ``text``: the doc's text when the caller has it (``Doc.text`` joins every token)."""
    out: list[Cand] = []
    ents = doc.ents
    if not ents:
        return out
    # Punctuation or space per token, and lower case, read once: most entities need no
    # trimming at all.
    flags = doc.to_array(["IS_PUNCT", "IS_SPACE", "IS_LOWER"])
    edge = flags[:, :2].any(axis=1).tolist()
    lower = flags[:, 2].tolist()
    for ent in ents:
        label = ent.label_
        if label in direct:
            out.append(Cand(ent.start_char, ent.end_char, label, SCORE_NER, source="ner"))
            continue
        target = mapping.get(label)
        if target is None:
            continue
        first, last = ent.start, ent.end
        if label in _NAME_LABELS and any(lower[first + 1 : last]):
            last = _name_end(doc, first, last)
        elif lower[first] and last - first > 1 and doc[first].pos_ == "VERB":
            first += 1  # "ending months of debate" tagged DATE from its verb: "months"
        if first != ent.start or last != ent.end or edge[first] or edge[last - 1]:
            start, end = _trim(doc, first, last)
            if start >= end:
                continue
        else:
            start, end = ent.start_char, ent.end_char
        prev = out[-1] if out else None
        if prev is not None and target[0] == TIME_LABEL and prev.end + 1 == start:
            if text is None:
                text = doc.text  # joins every token: read once, when first needed
            if text[prev.end] != " ":
                pass
            elif prev.label == TIME_LABEL and text[start:end].lower() in _PARTS_OF_DAY:
                prev.end = end  # "Friday" + "evening" tagged apart: one time, "Friday evening"
                continue
            elif _named_day(text, prev, start, end):
                # "Super Tuesday", "Black Friday" with the first word tagged ORG: one time
                prev.end, prev.label, prev.attrs = end, TIME_LABEL, dict(target[1])
                continue
        out.append(Cand(start, end, target[0], SCORE_NER, dict(target[1]), source="ner"))
    return out


TIME_LABEL = "TIME"
_PARTS_OF_DAY = frozenset({"morning", "afternoon", "evening", "night", "overnight"})
_WEEKDAYS = frozenset("monday tuesday wednesday thursday friday saturday sunday".split())


def _named_day(text: str, prev: Cand, start: int, end: int) -> bool:
    """One capitalised word tagged as a name right before a weekday tagged as a date is the
    day's name ("Super Tuesday", "Black Friday", "Good Friday")."""
    word = text[prev.start : prev.end]
    return (
        text[start:end].lower() in _WEEKDAYS
        and word.isalpha()
        and word.istitle()
        and " " not in word
        and prev.label != TIME_LABEL
        and prev.attrs.get("type") != "person"  # "met Jones Tuesday": Jones, then the day
        and _DAY_PREPOSITION.search(text, max(0, prev.start - 8), prev.start) is not None
    )  # ("Apple Tuesday unveiled": Apple, then the day)


_DAY_PREPOSITION = re.compile(r"\b(?:on|of|since|by|until|before|after|for|from|ahead of) $")


# Lower-case words that end a name: a finite verb inside an entity ("Government of National
# Accord held Haftar" -> "Government of National Accord") and function words it ends with
# ("the Presidential Council of the internationally[-recognised]" -> "the Presidential
# Council").
_NAME_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
_FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
_NOT_LAST = frozenset({"ADP", "DET", "CCONJ", "SCONJ", "ADV", "PART", "AUX", "VERB"})


def _name_end(doc: Doc, start: int, end: int) -> int:
    """Where the name in tokens [start, end) of an entity ends: before a lower-case finite
    verb, without lower-case function words at its end (the possessive "'s" stays)."""
    for i in range(start + 1, end):
        tok = doc[i]
        if tok.is_lower and tok.tag_ in _FINITE_TAGS:
            end = i
            break
    while end - 1 > start:
        tok = doc[end - 1]
        if not (tok.is_lower and tok.pos_ in _NOT_LAST and tok.tag_ != "POS"):
            break
        end -= 1
    return end


def _trim(doc: Doc, start: int, end: int) -> tuple[int, int]:
    """Character span of tokens [start, end) without leading/trailing punctuation or space."""
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    while end > start and (doc[end - 1].is_punct or doc[end - 1].is_space):
        end -= 1
    if start >= end:
        return 0, 0
    return doc[start].idx, doc[end - 1].idx + len(doc[end - 1].text)


def registry_candidates(
    doc: Doc, matcher: Any, by_key: Mapping[int, RegisteredActor], actor_types: Sequence[str]
) -> list[Cand]:
    """ACTOR candidates for every alias of a registered actor (longest match wins)."""
    matches = sorted(matcher(doc), key=lambda m: (-(m[2] - m[1]), m[1]))
    taken: set[int] = set()
    out: list[Cand] = []
    for key, start, end in matches:
        if any(i in taken for i in range(start, end)):
            continue
        taken.update(range(start, end))
        actor = by_key[key]
        attrs: dict[str, AttrValue] = {}
        if actor.type and actor.type in actor_types:
            attrs["type"] = actor.type
        span = doc[start:end]
        out.append(
            Cand(
                span.start_char,
                span.end_char,
                "ACTOR",
                SCORE_REGISTRY,
                attrs,
                actor.name,
                actor.type,
                "registry",
            )
        )
    return sorted(out, key=lambda c: c.start)


def merge_entities(registry: list[Cand], ner: list[Cand]) -> list[Cand]:
    """Registry matches win over NER; an NER ACTOR that contains a registry match takes its link."""
    out = list(registry)
    for cand in ner:
        overlapping = [r for r in registry if r.start < cand.end and cand.start < r.end]
        if not overlapping:
            out.append(cand)
            continue
        if cand.label == "ACTOR" and len(overlapping) == 1:
            reg = overlapping[0]
            same_kind = reg.entity_type is None or cand.attrs.get("type") == reg.entity_type
            if same_kind and cand.start <= reg.start and reg.end <= cand.end:
                reg.start, reg.end = cand.start, cand.end
                for key, value in cand.attrs.items():
                    reg.attrs.setdefault(key, value)
    return sorted(out, key=lambda c: (c.start, -c.end))


class SpanIndex:
    """Spans of one label sorted by start, for overlap and nearest-preceding look-ups."""

    def __init__(self, cands: Iterable[Cand]) -> None:
        self.items = sorted(cands, key=lambda c: (c.start, c.end))
        self._starts = [c.start for c in self.items]
        self._longest = max((c.end - c.start for c in self.items), default=0)
        self.new: list[Cand] = []  # candidates added by the rules (not from NER)

    def add(self, cand: Cand, new: bool = True) -> None:
        """Index one more span (``new``: one the rules made, to be suggested as well)."""
        i = bisect.bisect_left(self._starts, cand.start)
        self.items.insert(i, cand)
        self._starts.insert(i, cand.start)
        self._longest = max(self._longest, cand.end - cand.start)
        if new:
            self.new.append(cand)

    def overlapping(self, start: int, end: int) -> list[Cand]:
        starts = self._starts
        hi = bisect.bisect_left(starts, end)
        lo = bisect.bisect_left(starts, start - self._longest, 0, hi)
        return [c for c in self.items[lo:hi] if c.end > start] if lo < hi else []

    def preceding(self, pos: int) -> Cand | None:
        i = bisect.bisect_right(self._starts, pos) - 1
        while i >= 0:
            if self.items[i].end <= pos:
                return self.items[i]
            i -= 1
        return None

    def nearest(self, start: int, end: int, lo: int, hi: int) -> Cand | None:
        """The span inside [lo, hi) closest to [start, end)."""
        best: tuple[int, Cand] | None = None
        items = self.items
        for i in range(bisect.bisect_left(self._starts, lo), len(items)):
            cand = items[i]
            if cand.start >= hi:
                break
            if cand.end > hi:
                continue
            gap = max(cand.start - end, start - cand.end, 0)
            if best is None or gap < best[0]:
                best = (gap, cand)
        return best[1] if best else None


class SentIndex:
    """Sentence boundaries of one doc, computed once (``Token.sent`` rescans every time)."""

    def __init__(self, doc: Doc, text: str | None = None) -> None:
        # Doc.text joins every token on each call: read it once, or take the input text.
        end = doc[-1].idx + len(doc[-1].text_with_ws) if len(doc) else 0
        self.text = text if text is not None and len(text) == end else doc.text
        self.chars: list[tuple[int, int]] = []
        self.tokens: list[tuple[int, int]] = []
        if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
            if "sents" in doc.user_hooks:
                for sent in doc.sents:
                    self.chars.append((sent.start_char, sent.end_char))
                    self.tokens.append((sent.start, sent.end))
            else:
                self._read_sents(doc)
        else:
            self.chars.append((0, len(self.text)))
            self.tokens.append((0, len(doc)))
        self._starts = [lo for lo, _ in self.chars]

    def _read_sents(self, doc: Doc) -> None:
        """The sentences ``Doc.sents`` gives, from the sentence starts read at once (a Span
        per sentence costs more than the whole reading)."""
        import numpy
        from spacy.attrs import IDX, LENGTH, SENT_START

        n = len(doc)
        if not n:
            return
        table = doc.to_array([SENT_START, IDX, LENGTH]).view("int64")
        # as Doc.sents: the first token starts one, and each later token marked as a start
        starts = [0, *(numpy.flatnonzero(table[1:, 0] == 1) + 1).tolist(), n]
        idx, length = table[:, 1].tolist(), table[:, 2].tolist()
        for lo, hi in zip(starts, starts[1:], strict=False):
            self.chars.append((idx[lo], idx[hi - 1] + length[hi - 1]))
            self.tokens.append((lo, hi))

    def number(self, char: int) -> int:
        return max(0, bisect.bisect_right(self._starts, char) - 1)

    def chars_of(self, char: int) -> tuple[int, int]:
        return self.chars[self.number(char)]


class IdTable:
    """A table of words looked up by string id (a column of ``Doc.to_array``, no Token read):
    each id's string is read once (lower-cased when ``fold``) and its value kept; at most
    ``limit`` ids are kept, so memory stays flat however many documents pass."""

    def __init__(self, table: Mapping[str, str], fold: bool, limit: int = 50_000) -> None:
        self.table = dict(table)
        self.fold = fold
        self.limit = limit
        self._by_id: dict[int, str | None] = {}

    def get(self, strings: Any, sid: int) -> str | None:
        """The value of the word with string id ``sid`` (``strings``: the doc's StringStore)."""
        try:
            return self._by_id[sid]
        except KeyError:
            word = strings[sid]
            value = self.table.get(word.lower() if self.fold else word)
            if len(self._by_id) >= self.limit:
                self._by_id.clear()
            self._by_id[sid] = value
            return value


def core_range(tok: Token) -> tuple[int, int]:
    """Character range of a noun's head phrase: the noun and its left dependents."""
    lefts = list(tok.lefts)
    first = lefts[0].left_edge if lefts else tok
    return first.idx, tok.idx + len(tok.text)


def actor_for(
    tok: Token, actors: SpanIndex, speaker: bool = False, acts: bool = False
) -> Cand | None:
    """The ACTOR span a noun phrase headed by ``tok`` refers to, from the parse alone.

    The ACTOR overlapping the head phrase; else an apposition's ACTOR; else, for a role noun
    ("the chairman of X, Noman Benotman"), the person (or last apposed) ACTOR of its phrase;
    else, when ``actors`` can (an ``ActorIndex``), the pronoun's antecedent or a new ACTOR for
    the noun phrase itself (``speaker``: the subject of a reporting verb).
    """
    if is_pronoun(tok):
        antecedent = getattr(actors, "antecedent", None)
        if tok.dep_ == "poss" or tok.lower_ in ("who", "which", "that"):
            hits = actors.overlapping(tok.idx, tok.idx + len(tok.text))
            if hits:
                return hits[-1]
        return antecedent(tok) if antecedent is not None else None
    start, end = core_range(tok)
    hits = actors.overlapping(start, end)
    on_head = [c for c in hits if c.start <= tok.idx < c.end]
    if on_head:
        return on_head[-1]
    # "Tunisia's coach Nabil Maaloul": the apposed name before a possessor in the phrase.
    for child in tok.children:
        if child.dep_ == "appos":
            apposed = actors.overlapping(*core_range(child))
            if apposed:
                return apposed[-1]
    # "Khan's party" names the party, not Khan; "the Church's websites" (no actor) the Church
    owners = [c for c in hits if possessor_of(tok, c)]
    hits = [c for c in hits if c not in owners]
    make = getattr(actors, "make", None)
    if hits and make is not None and not tok.ent_type_ and all(modifier_of(tok, c) for c in hits):
        spoke: Cand | None = make(tok, speaker, acts)  # "A Calder spokesman said"
        if spoke is not None:
            return spoke
    if hits:
        return hits[-1]
    if tok.pos_ == "NOUN" and tok.lemma_.lower() in ROLE_NOUNS:
        sub = tok.subtree
        first = next(sub)
        right = tok.right_edge
        # not in a relative clause or a place phrase: "officials in Malawi, where an outbreak
        # killed 1,200 people" are neither Malawi nor the people
        aside = [
            (c.left_edge.idx, c.right_edge.idx + len(c.right_edge.text))
            for c in tok.rights
            if c.dep_ in ("relcl", "acl") or (c.dep_ == "prep" and c.lower_ != "of")
        ]
        inside = [
            c
            for c in actors.overlapping(first.idx, right.idx + len(right.text))
            if c.start > tok.idx and not any(lo <= c.start < hi for lo, hi in aside)
        ]
        doc = tok.doc
        # (not the person the "of" phrase names: "a close aide of Imran Khan" is the aide;
        # "the chairman of X, Noman Benotman" names the chairman in apposition)
        persons = [c for c in inside if c.attrs.get("type") == "person" and not of_whom(doc, c)]
        if persons:
            return persons[-1]
        apposed = [
            c
            for c in inside
            if any(
                t.dep_ == "appos"
                for t in doc.char_span(c.start, c.end, alignment_mode="expand") or ()
            )
        ]
        if apposed:
            return apposed[-1]
    made = make(tok, speaker, acts) if make is not None else None
    return made if made is not None or not owners else owners[-1]


def of_whom(doc: Doc, cand: Cand, head: Token | None = None) -> bool:
    """``cand`` is the object of an "of" ("the aide of Imran Khan"), when ``head`` is given
    one that ``head`` governs."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    root = span.root
    if root.dep_ != "pobj" or root.head.lower_ != "of":
        return False
    return head is None or root.head.head.i == head.i


def _attached_as(head: Token, cand: Cand, deps: frozenset[str]) -> bool:
    """The root of ``cand``'s tokens depends on ``head`` by one of ``deps``."""
    span = head.doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    return span.root.dep_ in deps and span.root.head.i == head.i


def possessor_of(head: Token, cand: Cand) -> bool:
    """``cand`` is the possessor of ``head``'s phrase ("Khan's" in "Khan's party")."""
    return _attached_as(head, cand, _POSSESSOR)


def modifier_of(head: Token, cand: Cand) -> bool:
    """``cand`` is a name modifying ``head``'s noun ("Calder" in "a Calder spokesman",
    "Tech" tagged as an adjective in "Tech firm admits")."""
    return _attached_as(head, cand, _NAME_MODIFIER)


_POSSESSOR = frozenset({"poss"})
_NAME_MODIFIER = frozenset({"compound", "nmod", "amod"})


def is_pronoun(tok: Token) -> bool:
    return tok.pos_ == "PRON" or tok.lower_ in PRONOUNS


# A news dateline: an upper-case city, then ", Country", " (AP)" or ", March 3 (Reuters)", then
# a dash ("KYIV, Ukraine — ", "GAZA CITY (AP) — ", "NAIROBI, March 3 (Reuters) - ").
_DATELINE_TAIL = r"(?:,[^\n—–()]{1,40}?)?(?:\s*\([^)\n]{1,40}\))?\s*(?:—|–|--| - )"
DATELINE_TAIL = re.compile(_DATELINE_TAIL)  # what follows the city
# the whole dateline (a slash joins two cities: "GAZA/TEL AVIV (Reuters) - ")
_UPPER = "A-ZÀ-ÖØ-Þ"  # capitals, accented ones too ("BOGOTÁ")
DATELINE = re.compile(rf"[{_UPPER}]{{2}}[{_UPPER} .'’/-]*" + _DATELINE_TAIL + r"\s*")
DATELINE_CITY = re.compile(
    rf"^([{_UPPER}]{{2}}[{_UPPER} .'’-]*[{_UPPER}])(?=" + _DATELINE_TAIL + ")", re.M
)


def headline(text: str, pos: int) -> bool:
    """``pos`` is in the document's headline: its first line, with more text below, 2 to 20
    words and no closing punctuation ("Man charged with murder after woman stabbed")."""
    lo = len(text) - len(text.lstrip())
    hi = text.find("\n", lo)
    if not lo <= pos < hi or not text[hi:].strip():
        return False
    line = text[lo:hi].rstrip()
    return bool(line) and line[-1] not in _CLOSING and 2 <= len(line.split()) <= 20


_CLOSING = frozenset('.!?:;,"”’)…')


def title_line(text: str, pos: int) -> bool:
    """The line around ``pos`` is a title-case headline (most words capitalised)."""
    lo = text.rfind("\n", 0, pos) + 1
    hi = text.find("\n", pos)
    words = [w for w in text[lo : hi if hi != -1 else len(text)].split() if w[:1].isalpha()]
    if len(words) < 3:
        return False
    caps = sum(1 for w in words if w[0].isupper())
    return caps >= 0.75 * len(words)
