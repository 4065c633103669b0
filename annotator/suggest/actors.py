"""Actors beyond named entities: noun phrases, their types, and pronouns resolved to them.

Claimants and event arguments are often noun phrases ("three protesters", "the interior
ministry") rather than names, and often pronouns. :class:`ActorIndex` is the ACTOR
:class:`SpanIndex` of one document that can also

* turn an actor-like noun phrase into a new ACTOR candidate (``make``), typed from the
  scheme's ``preannotation.actor_nouns`` and ``actor_names`` (a small gazetteer);
* resolve a pronoun to the nearest compatible earlier ACTOR (``antecedent``): a small
  coreference step of our own (person and number agreement, the nearest sentences first).

Works on a spaCy ``Doc`` without importing spaCy.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from annotator.suggest.entities import (
    DATELINE,
    DATELINE_CITY,
    DATELINE_TAIL,
    SCORE_NER,
    Cand,
    SentIndex,
    SpanIndex,
    possessor_of,
    title_line,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SCORE_PHRASE = 0.5
SCORE_MENTION = 0.45
SCORE_ANTECEDENT = 0.45

# Left dependents that belong to a noun's head phrase ("the three Afghan protesters").
_PHRASE_DEPS = frozenset(
    {"det", "amod", "compound", "nummod", "poss", "quantmod", "nmod", "predet", "case", "advmod"}
)
_SINGULAR_PERSON = frozenset("he him his himself she her hers herself".split())
_PLURAL = frozenset("they them their theirs themselves".split())
_FEMININE = frozenset("she her hers herself".split())
_MASCULINE = frozenset("he him his himself".split())
_MALE = frozenset(
    "man boy father son husband brother king prince uncle nephew grandfather gentleman"
    " businessman chairman spokesman policeman fisherman".split()
)
_FEMALE = frozenset(
    "woman girl mother daughter wife sister queen princess aunt niece grandmother lady"
    " businesswoman chairwoman spokeswoman policewoman".split()
)
_NEUTER = frozenset("it its itself".split())
_RELATIVE = frozenset("who whom whose which that".split())
_PERSONAL_RELATIVE = frozenset({"who", "whom"})
_GROUP_TYPES = frozenset(
    {
        "organisation",
        "government",
        "armed_group",
        "party",
        "media",
        "international_org",
        "population_group",
    }
)
# spaCy entity labels that never make an actor phrase.
_NOT_ACTOR_ENTS = frozenset(
    {
        "GPE",
        "LOC",
        "FAC",
        "DATE",
        "TIME",
        "MONEY",
        "PERCENT",
        "QUANTITY",
        "ORDINAL",
        "EVENT",
        "WORK_OF_ART",
        "LAW",
        "LANGUAGE",
        "PRODUCT",
    }
)
_SPEAKER_ENTS = frozenset({"GPE", "LOC", "FAC", "EVENT", "WORK_OF_ART", "PRODUCT", "LAW"})
_ENT_TYPES = {"PERSON": "person", "ORG": "organisation", "NORP": "population_group"}


def _words(values: Iterable[Any]) -> list[str]:
    return [str(v).strip() for v in values if str(v).strip()]


class ActorLexicon:
    """Actor nouns and names from the scheme, with the ACTOR type each implies."""

    def __init__(self, pre: Mapping[str, Any], types: Iterable[str] = ()) -> None:
        allowed = set(types)
        self.noun_type: dict[str, str] = {}
        for etype, words in (pre.get("actor_nouns") or {}).items():
            if allowed and str(etype) not in allowed:
                continue
            for word in _words(words):
                self.noun_type.setdefault(word.lower(), str(etype))
        names = pre.get("actor_names") or {}
        self.name_type: dict[str, str] = {}
        self.head_type: dict[str, str] = {}
        for key, words in names.items():
            key = str(key)
            if key.endswith("_heads"):
                etype = key[: -len("_heads")]
                for word in _words(words):
                    self.head_type.setdefault(word.lower(), etype)
            else:
                for word in _words(words):
                    self.name_type.setdefault(word.lower(), key)
        self.artifacts = frozenset(w.lower() for w in _words(pre.get("artifact_nouns") or ()))
        self.facilities = frozenset(w.lower() for w in _words(pre.get("facility_heads") or ()))
        self.places = frozenset(w.lower() for w in _words(pre.get("place_nouns") or ()))
        self.vehicles = frozenset(w.lower() for w in _words(pre.get("vehicle_nouns") or ()))
        self.modifier_type: dict[str, str] = {
            word.lower(): str(etype)
            for etype, words in (pre.get("modifier_types") or {}).items()
            for word in _words(words)
        }
        team = pre.get("team_context") or {}
        self.team_words = frozenset(w.lower() for w in _words(team.get("words") or ()))
        self.team_min = int(team.get("min_hits") or 0)
        self._hashes: Any = None
        self._team_hashes: Any = None

    def noun_hashes(self) -> Any:
        """Sorted hashes of the one-word actor nouns (a vectorised look-up on lemmas)."""
        if self._hashes is None:
            import numpy
            from spacy.strings import get_string_id

            words = {w for w in self.noun_type if " " not in w}
            self._hashes = numpy.array(sorted(get_string_id(w) for w in words), dtype="uint64")
        return self._hashes

    def team_report(self, doc: Doc) -> bool:
        """The document reports a match or a tournament: at least ``team_context.min_hits``
        tokens whose lemma is one of ``team_context.words`` (a vectorised look-up)."""
        if not self.team_words or self.team_min <= 0 or not len(doc):
            return False
        import numpy
        from spacy.attrs import LEMMA
        from spacy.strings import get_string_id

        if self._team_hashes is None:
            self._team_hashes = numpy.array(
                sorted(get_string_id(w) for w in self.team_words), dtype="uint64"
            )
        ids = self._team_hashes
        lemmas = doc.to_array(LEMMA)
        pos = ids.searchsorted(lemmas).clip(0, len(ids) - 1)
        return int((ids[pos] == lemmas).sum()) >= self.team_min

    def is_actor_noun(self, tok: Token) -> bool:
        return tok.lemma_.lower() in self.noun_type or tok.lower_ in self.noun_type

    def type_of(self, text: str, head: Token | None, ent_label: str = "") -> str | None:
        """The ACTOR type of a mention: gazetteer name, last word of a name, head noun, NER;
        a government head after a word of ``modifier_types`` has that word's type."""
        found = self._type_of(text, head, ent_label)
        if found == "government" and self.modifier_type:
            words = text.lower().replace("’", "'").split()[:-1]
            if head is not None and head.pos_ != "PROPN":
                words = [c.lower_ for c in head.lefts if c.dep_ in ("compound", "amod")]
            for word in words:
                if word in self.modifier_type:
                    return self.modifier_type[word]
        return found

    def _type_of(self, text: str, head: Token | None, ent_label: str = "") -> str | None:
        key = text.lower().strip()
        if key.startswith("the "):
            key = key[4:]
        if key.endswith("'s") or key.endswith("’s"):
            key = key[:-2]
        found = self.name_type.get(key)
        if found:
            return found
        if ent_label == "ORG" or (head is not None and head.pos_ == "PROPN"):
            # The name's head word: the last word, or the last before "of" ("Ministry of X").
            words = re.split(r" (?:of|for) ", key, maxsplit=1)[0].split()  # "Coalition for Change"
            last = words[-1] if words else key
            found = self.head_type.get(last) or (
                self.head_type.get(last[:-1]) if last.endswith("s") else None
            )
            if found:
                return found
        if head is not None and head.pos_ != "PROPN":
            found = self.noun_type.get(head.lemma_.lower()) or self.noun_type.get(head.lower_)
            if found:
                return found
        return _ENT_TYPES.get(ent_label)


class ActorIndex(SpanIndex):
    """The ACTOR spans of one document, growing as noun phrases become actors."""

    def __init__(
        self,
        cands: Iterable[Cand],
        lexicon: ActorLexicon | None = None,
        places: SpanIndex | None = None,
        sents: SentIndex | None = None,
    ) -> None:
        super().__init__(cands)
        self.lexicon = lexicon
        self.places = places
        self.sents = sents

    def make(
        self, tok: Token, speaker: bool = False, acts: bool = False, person: bool = False
    ) -> Cand | None:
        """A new ACTOR for the noun phrase headed by ``tok`` when it names an actor.

        Actor-like: a person/organisation/group name, a noun of the scheme's ``actor_nouns``,
        a proper noun that is not a place, or (``speaker``: the subject of a reporting verb)
        any noun that is not an artifact ("the report"). A place that speaks or (``acts``: the
        subject of an event verb) acts is an actor ("North Korea fired"). A common noun known
        to be a ``person`` (the antecedent of "who") is one.
        """
        lex = self.lexicon
        if lex is None:
            return None
        if _aged(tok):
            return self._aged_person(tok)
        if tok.pos_ not in ("NOUN", "PROPN", "NUM"):
            return None
        ent = tok.ent_type_
        if (
            ent in _NOT_ACTOR_ENTS
            and ent != ""
            and not ((speaker or acts) and ent in _SPEAKER_ENTS)
        ):
            return None  # a speaker may be a name NER took for a place, event or work
        lemma = tok.lemma_.lower()
        if lemma in lex.artifacts or tok.lower_ in lex.artifacts:
            return None
        actorish = (
            ent in _ENT_TYPES
            or lex.is_actor_noun(tok)
            or (tok.pos_ == "PROPN" and (ent == "" or speaker) and tok.text[:1].isupper())
            or (
                tok.pos_ == "NUM"
                and tok.dep_ in ("nsubj", "nsubjpass", "dobj")
                and not _part_of_things(tok, lex)
            )
            or (speaker and tok.tag_ == "NNS" and not tok.lower_.endswith("ings"))
            or (speaker and tok.tag_ == "NN" and tok.lower_.endswith(_AGENT_SUFFIXES))
            or (person and tok.pos_ == "NOUN")
        )
        if self.places is not None:
            places = self.places.overlapping(tok.idx, tok.idx + len(tok))
            if places:
                if not (speaker or acts) or len(places) != 1 or places[0].label != "PLACE":
                    return None
                # A place that speaks acts as an actor ("Paris claims", "the city reasoned"),
                # not the city of a dateline the parser made a subject ("KYIV, Ukraine — ...").
                place = places[0]
                if self._dateline(place):
                    return None
                place.label = "ACTOR"
                place.attrs = {"type": "government"}
                self.add(place, new=False)
                return place
        if not actorish:
            return None
        start, end = phrase_range(tok)
        hits = [c for c in self.overlapping(start, end) if not possessor_of(tok, c)]
        if hits:
            return hits[-1]
        text = self.sents.text[start:end] if self.sents is not None else _text(tok, start, end)
        after = self._after_dateline(start, tok)
        text, start = text[after - start :], after
        cut = text.find("\n")
        if cut > 0:
            if start + cut <= tok.idx:
                return None
            end, text = start + cut, text[:cut].rstrip()
            end = start + len(text)
        # People named by their number ("kills 12", "107 were arrested") are persons.
        etype = lex.type_of(text, tok, ent) or (
            "person" if speaker or person or tok.pos_ == "NUM" else None
        )
        attrs: dict[str, Any] = {"type": etype} if etype else {}
        cand = Cand(start, end, "ACTOR", SCORE_PHRASE, attrs, source="phrase")
        self.add(cand)
        return cand

    def _after_dateline(self, start: int, tok: Token) -> int:
        """Where a phrase starting at ``start`` begins once a dateline is left out ("AUSTIN,
        Texas — Texas health officials")."""
        if self.sents is None or start >= tok.idx:
            return start
        line = self.sents.text.rfind("\n", 0, start) + 1
        dateline = DATELINE.match(self.sents.text, line, tok.idx)
        if dateline is not None and start < dateline.end() <= tok.idx:
            return dateline.end()
        return start

    def _aged_person(self, tok: Token) -> Cand | None:
        """ "The 45-year-old said": a person named by age (the parser's head is "old")."""
        start, end = phrase_range(tok)
        hits = self.overlapping(start, end)
        if hits:
            return hits[-1]
        cand = Cand(start, end, "ACTOR", SCORE_PHRASE, {"type": "person"}, source="phrase")
        self.add(cand)
        return cand

    def _dateline(self, place: Cand) -> bool:
        text = self.sents.text if self.sents is not None else ""
        return (
            bool(text)
            and (place.start == 0 or text[place.start - 1] == "\n")
            and DATELINE_TAIL.match(text, place.end) is not None
        )

    def antecedent(self, tok: Token) -> Cand | None:  # noqa: C901 - agreement checks per pronoun kind, kept in one place
        """The ACTOR a pronoun refers to: for "who"/"which" the noun it modifies, else the
        nearest earlier compatible ACTOR, looking back three sentences first, then twelve."""
        low = tok.lower_
        if low in _RELATIVE:
            verb = tok.head
            if verb.dep_ == "relcl" and verb.head.i != verb.i:
                noun = verb.head
                hits = self.overlapping(*phrase_range(noun))
                if hits:
                    return hits[-1]
                # "a trader who was wounded": "who" says the noun is a person
                return self.make(noun, person=low in _PERSONAL_RELATIVE)
            return None
        if low in _SINGULAR_PERSON:
            want = "person"
        elif low in _PLURAL:
            want = "plural"
        elif low in _NEUTER:
            want = "group"
        else:
            return None
        sents = self.sents
        here = sents.number(tok.idx) if sents is not None else 0
        if want != "person" and sents is not None and self.lexicon is not None:
            # "The rebels entered ... They said": the group may not be an ACTOR yet.
            first = sents.tokens[max(0, here - 3)][0]
            doc = tok.doc
            for i in range(tok.i - 1, first - 1, -1):
                noun = doc[i]
                if noun.dep_ not in ("nsubj", "nsubjpass") or noun.pos_ != "NOUN":
                    continue
                if want == "plural" and noun.tag_ != "NNS":
                    continue
                if self.lexicon.is_actor_noun(noun):
                    self.make(noun)
                    break
        for back in (3, 12):
            lo = sents.chars[max(0, here - back)][0] if sents is not None else 0
            pos = tok.idx
            # Most salient first: a named subject, a subject, a name, then the nearest.
            best: tuple[int, Cand] | None = None
            for _ in range(40):
                cand = self.preceding(pos)
                if cand is None or cand.end <= lo:
                    break
                pos = cand.start
                if not _agrees(cand, want, tok):
                    continue
                function = _function_of(cand, tok)
                if function == _MODIFIER:
                    continue  # "the Cruise video": a name that modifies a noun is no referent
                subject = function in (_MAIN, _INNER)
                rank = (0 if cand.source != "phrase" else 1) + (0 if subject else 2)
                if function == _INNER:
                    rank += 4  # a subject inside a reported clause is less salient
                if best is None or rank < best[0]:
                    best = (rank, cand)
                    if rank == 0:
                        break
            if best is not None:
                return best[1]
        return None


# What a candidate antecedent is in its sentence: the subject of the main verb, the subject of
# a clause another verb governs, a name that modifies a noun, or none of these.
_OTHER, _MAIN, _INNER, _MODIFIER = range(4)


# Endings of nouns of people and firms by what they do ("the importer", "the regulator"): a
# singular subject of a reporting verb with one speaks; other singular nouns need the lexicon.
_AGENT_SUFFIXES = ("er", "or", "ist", "ian", "ant")

# Types a noun after a name gives that name ("the Bild newspaper": media).
_NAMED_BY_NOUN = frozenset({"media", "party", "armed_group"})


def _part_of_things(tok: Token, lex: ActorLexicon) -> bool:
    """A number that counts things, not people: "won 240 of the 543 seats"."""
    for child in tok.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            return pobj is not None and pobj.pos_ == "NOUN" and not lex.is_actor_noun(pobj)
    return False


def _aged(tok: Token) -> bool:
    """``tok`` is the "old" of "the 45-year-old" as a subject or object (someone by age)."""
    if tok.lower_ != "old" or tok.dep_ not in ("nsubj", "nsubjpass", "dobj", "pobj") or tok.i < 2:
        return False
    doc = tok.doc
    return doc[tok.i - 1].text == "-" and doc[tok.i - 2].lower_ in ("year", "years")


def _function_of(cand: Cand, tok: Token) -> int:
    """``_MAIN``, ``_INNER`` ("Zambia has reported deaths, the agency said": Zambia),
    ``_MODIFIER`` ("the Cruise video") or ``_OTHER``, from one look at ``cand``'s span."""
    span = tok.doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or not len(span):
        return _OTHER
    root = span.root
    if root.dep_ == "compound":
        return _MODIFIER
    if root.dep_ == "appos":
        root = root.head
    if root.dep_ not in ("nsubj", "nsubjpass"):
        return _OTHER
    verb = root.head
    return _INNER if verb.dep_ in ("ccomp", "xcomp", "advcl", "relcl", "acl") else _MAIN


def _text(tok: Token, start: int, end: int) -> str:
    doc = tok.doc
    span = doc.char_span(start, end, alignment_mode="expand")
    return span.text if span is not None else tok.text


def _agrees(cand: Cand, want: str, tok: Token) -> bool:
    etype = cand.attrs.get("type")
    text = tok.doc.char_span(cand.start, cand.end, alignment_mode="expand")
    words = text.text if text is not None else ""
    last = words.rsplit(" ", 1)[-1] if words else ""
    plural = bool(last) and last[:1].islower() and last.endswith("s") and not last.endswith("ss")
    if want == "person":
        # "A man was charged ... She died": a noun of the other sex is no antecedent
        other = _MALE if tok.lower_ in _FEMININE else _FEMALE if tok.lower_ in _MASCULINE else ()
        return etype in ("person", None) and not plural and last.lower() not in other
    if want == "plural":
        return plural or etype in _GROUP_TYPES
    return etype in _GROUP_TYPES and etype != "population_group" and not plural


def phrase_range(tok: Token) -> tuple[int, int]:
    """Characters of a noun's head phrase: the noun, its compounds, modifiers and
    determiners to the left (not relative clauses or prepositional phrases)."""
    first = tok
    for child in tok.lefts:
        if child.dep_ in _PHRASE_DEPS and not child.is_punct:
            first = child.left_edge
            break
    end_tok = tok
    # "Secretary of State", "members of NDS": keep a following "of" + proper name.
    for child in tok.rights:
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.pos_ == "PROPN" and pobj.i - tok.i <= 6:
                end_tok = pobj
            elif pobj is not None and tok.pos_ == "NUM" and pobj.pos_ in ("NOUN", "PROPN"):
                end_tok = pobj  # "One of the diplomats said": the part names who
        break
    doc = tok.doc
    while first.i < tok.i and (first.is_punct or first.is_space):
        first = doc[first.i + 1]
    while end_tok.i > tok.i and (end_tok.is_punct or end_tok.is_space):
        end_tok = doc[end_tok.i - 1]
    return first.idx, end_tok.idx + len(end_tok.text)


_AGE_RE = re.compile(r"^\d{1,3}$")
_AGE_WORDS = ("year-old", "years old", "year old", "years-old")
_MODIFIER_DEPS = frozenset({"amod", "compound", "nmod", "poss", "npadvmod"})
_TYPE_LABEL = {"person": "PERSON", "organisation": "ORG", "population_group": "NORP"}


def refine_entities(doc: Doc, ents: list[Cand], lexicon: ActorLexicon, text: str) -> list[Cand]:
    """NER candidates made to fit news conventions.

    No span crosses a line break (the longer side is kept); a nationality word (NORP) is an
    ACTOR only as a plural noun of its own ("Afghans", not "Afghan police"); ages ("49",
    "36-year-old") are no TIME; ACTOR types come from the gazetteer, name heads and nouns;
    named facilities where something is are PLACEs, named vehicles no ACTORs, and in a match
    report a country that plays is its team (an ACTOR).
    """
    out: list[Cand] = []
    teams = lexicon.team_report(doc)
    vehicles: set[str] = set()
    for cand in ents:
        if cand.source != "ner":
            out.append(cand)
            continue
        if not _one_line(cand, text):
            continue
        piece = text[cand.start : cand.end]
        if cand.label == "TIME" and (_is_age(cand, piece, text) or _age_of_person(doc, cand)):
            continue
        if cand.label == "ACTOR" and _dateline_city(cand, piece, text):
            cand.label, cand.attrs = "PLACE", {}  # "YANGON — ": the dateline's city
        if cand.label == "PLACE" and _adjective(doc, cand):
            continue  # "Ukrainian drones" tagged as a place: a nationality word
        if cand.label == "PLACE" and teams and _team_name(doc, cand, text):
            cand.label, cand.attrs = "ACTOR", {"type": "organisation"}
        elif cand.label == "PLACE" and _names_a_person(doc, cand, lexicon):
            cand.label, cand.attrs = "ACTOR", {"type": "person"}
        elif cand.label == "ACTOR" and not _refine_actor(doc, cand, piece, lexicon, vehicles):
            continue
        out.append(cand)
    out = _headline_names(out, text, lexicon)
    out.extend(_dateline_cities(out, text))
    if vehicles:
        # One name, one reading: "Atlantis" after "Space Shuttle Atlantis" is the shuttle.
        out = [
            c for c in out if not (c.label == "ACTOR" and _bare(text[c.start : c.end]) in vehicles)
        ]
    return out


def _names_a_person(doc: Doc, cand: Cand, lexicon: ActorLexicon) -> bool:
    """A name set beside a person noun is that person's, whatever NER took it for ("his
    wife of 62 years, Carmen", "the attorney, Susan Park")."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    root = span.root
    if root.dep_ != "appos" or root.pos_ != "PROPN":
        return False
    head = root.head
    return head.pos_ == "NOUN" and lexicon.noun_type.get(head.lemma_.lower()) == "person"


def _dateline_cities(ents: list[Cand], text: str) -> list[Cand]:
    """PLACEs for the cities of datelines the pipeline did not tag ("YANGON — ")."""
    out: list[Cand] = []
    for found in DATELINE_CITY.finditer(text):
        start, end = found.span(1)
        if not any(c.start < end and start < c.end for c in ents):
            out.append(Cand(start, end, "PLACE", SCORE_NER, source="ner"))
    return out


def _dateline_city(cand: Cand, piece: str, text: str) -> bool:
    """An upper-case name that opens a line and a dateline ("YANGON — ", "KYIV, Ukraine — ")."""
    if not piece.isupper() or len(piece) < 3:
        return False
    if cand.start and text[cand.start - 1] != "\n":
        return False
    return DATELINE_TAIL.match(text, cand.end) is not None


def _adjective(doc: Doc, cand: Cand) -> bool:
    """A one-word entity that is an adjective modifying a noun ("Ukrainian drones")."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    return span is not None and len(span) == 1 and span[0].tag_ == "JJ" and span[0].dep_ == "amod"


def _headline_names(ents: list[Cand], text: str, lexicon: ActorLexicon) -> list[Cand]:
    """In a title-case headline NER takes capitalised words for names ("Checks Into Malibu
    Rehab"): an ACTOR there stays only when the text names it again below the headline, or
    the gazetteer knows it."""
    first = text.find("\n")
    top = len(text) if first == -1 else first  # the headline: the first line
    heads = [c for c in ents if c.label == "ACTOR" and c.end <= top and title_line(text, c.start)]
    if not heads:
        return ents
    body = {
        _bare(text[c.start : c.end]).lower() for c in ents if c.source == "ner" and c.start > top
    }
    words = {w.lower() for name in body for w in name.split()}
    drop = set()
    for cand in heads:
        name = _bare(text[cand.start : cand.end]).lower()
        if cand.source != "ner" or name in lexicon.name_type:
            continue
        if name not in body and not all(w in words for w in name.split()):
            drop.add(id(cand))
    return [c for c in ents if id(c) not in drop]


def _one_line(cand: Cand, text: str) -> bool:
    """Cut a span that crosses a line break to its longest line; False when nothing is left."""
    piece = text[cand.start : cand.end]
    if "\n" not in piece:
        return True
    parts = piece.split("\n")
    best = max(range(len(parts)), key=lambda i: len(parts[i].strip()))
    offset = sum(len(p) + 1 for p in parts[:best])
    part = parts[best]
    lead = len(part) - len(part.lstrip())
    cand.start = cand.start + offset + lead
    cand.end = cand.start + len(part.strip())
    return cand.end > cand.start


def _is_age(cand: Cand, piece: str, text: str) -> bool:
    low = piece.lower()
    before = text[max(0, cand.start - 6) : cand.start].rstrip().lower()
    return any(w in low for w in _AGE_WORDS) or bool(
        _AGE_RE.match(piece) and (before.endswith(",") or before.endswith("aged"))
    )


def _age_of_person(doc: Doc, cand: Cand) -> bool:
    """A bare number said of a person is an age, not a time: "He was 91"."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or len(span) != 1 or not _AGE_RE.match(span[0].text):
        return False
    tok = span[0]
    if tok.dep_ not in ("attr", "acomp") or tok.head.lemma_ != "be":
        return False
    subj = next((c for c in tok.head.children if c.dep_ == "nsubj"), None)
    return subj is not None and (subj.lower_ in _PERSONAL_SUBJECTS or subj.ent_type_ == "PERSON")


_PERSONAL_SUBJECTS = frozenset({"he", "she", "i", "we", "they", "you"})


def _refine_actor(
    doc: Doc, cand: Cand, piece: str, lexicon: ActorLexicon, vehicles: set[str]
) -> bool:
    """Type (or relabel) one NER ACTOR; False when it is no actor at all."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    root = span.root if span is not None and len(span) else None
    if span is not None and root is not None and _vehicle(span, lexicon):
        vehicles.add(piece.split()[-1])
        vehicles.add(piece)
        return False  # "Space Shuttle Atlantis", "the cruise ship Freewinds": no actor
    label = _TYPE_LABEL.get(str(cand.attrs.get("type", "")), "")
    if root is not None and label != "PERSON" and _named_place(root):
        cand.label, cand.attrs = "PLACE", {}
        return True  # "near the town of Nabatieh" tagged ORG: the town
    if root is not None and label != "PERSON" and _facility(piece, root, lexicon):
        cand.label, cand.attrs = "PLACE", {}
        return True  # "sent to the Museum of Flight": a PLACE ("Susan Park" is a person)
    if label == "NORP" and root is not None:
        if root.dep_ in _MODIFIER_DEPS or root.pos_ == "ADJ":
            return False  # "Afghan police": a nationality word, no actor
        if root.tag_ not in ("NNS", "NNPS"):
            if span is None or len(span) < 2 or not piece.istitle():
                return False
            label = "PERSON"  # "Noman Benotman" tagged NORP: a name
            cand.attrs["type"] = "person"
    if label == "ORG" and span is not None and _titled_person(span, piece, lexicon):
        label = "PERSON"  # "veteran guard Marcus Hill" tagged ORG: a person
        cand.attrs["type"] = "person"
    etype = lexicon.type_of(piece, root, label)
    if root is not None and root.dep_ == "compound":
        # "the Bild newspaper", "the opposition Congress party": the name of what the noun
        # says, whatever the pipeline took it for
        named = lexicon.noun_type.get(root.head.lemma_.lower())
        if named in _NAMED_BY_NOUN:
            etype = named
    if etype:
        cand.attrs["type"] = etype
    return True


def _titled_person(span: Span, piece: str, lexicon: ActorLexicon) -> bool:
    """A two- or three-word title-case name right after a noun of people that modifies it
    ("striker Erling Haaland", "guard Marcus Hill"): a person's name."""
    words = piece.split()
    if not 2 <= len(words) <= 3 or not all(w[:1].isupper() and w[1:].islower() for w in words):
        return False
    if span.start == 0:
        return False
    prev = span.doc[span.start - 1]
    return (
        prev.pos_ == "NOUN"
        and prev.dep_ == "compound"
        and span.start <= prev.head.i < span.end
        and lexicon.noun_type.get(prev.lemma_.lower()) == "person"
    )


def _bare(name: str) -> str:
    low = name[4:] if name.lower().startswith("the ") else name
    return low[:-2] if low.endswith(("'s", "’s")) else low


def _vehicle(span: Span, lexicon: ActorLexicon) -> bool:
    """A named vehicle: a name with a vehicle noun in it ("Space Shuttle Atlantis") or right
    before it ("the cruise ship Freewinds")."""
    if not lexicon.vehicles:
        return False
    if not lexicon.vehicles.isdisjoint(span.text.lower().split()):
        return True
    first = span[0]
    if first.i > 0 and first.lower_ == "the":
        first = span[1] if len(span) > 1 else first
    prev = first.doc[first.i - 1] if first.i > 0 else None
    return prev is not None and prev.lemma_.lower() in lexicon.vehicles and prev.head.i >= first.i


def _named_place(root: Token) -> bool:
    """The name after "the town of", "the province of": a place whatever NER took it for."""
    prep = root.head
    if root.dep_ != "pobj" or prep.lower_ != "of" or prep.head.pos_ != "NOUN":
        return False
    return prep.head.lemma_.lower() in _SETTLEMENTS


# Nouns of places named by "of" + a name ("the town of Zuwara"); not "the country of" (often a
# government) nor buildings ("the office of the UN").
_SETTLEMENTS = frozenset(
    {"town", "city", "village", "province", "region", "district", "county", "island", "port"}
)


def _facility(name: str, root: Token, lexicon: ActorLexicon) -> bool:
    """A named facility where something is (its head noun is one of ``facility_heads``:
    "the Museum of Flight", "Johnson Space Center"), not one that acts (a subject)."""
    if not lexicon.facilities or root.dep_ in ("nsubj", "nsubjpass"):
        return False
    words = _bare(name).split(" of ", 1)[0].split()
    return bool(words) and words[-1].lower() in lexicon.facilities


_TEAM_DEPS = frozenset({"nsubj", "nsubjpass", "dobj", "dative", "poss", "appos"})
_SCORE_AFTER = re.compile(r"^\s*\d+\s*[–—-]\s*\d+")
_SCORE_BEFORE = re.compile(r"\d+\s*[–—-]\s*\d+\s*$")


def _team_name(doc: Doc, cand: Cand, text: str) -> bool:
    """In a match report, a country named as the one who plays, wins or is faced ("Sweden
    defeated South Korea", "Panama's attempt", "Tunisia 1 – 2 England") is its team."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or not len(span) or span.root.ent_type_ != "GPE":
        return False
    root = span.root
    if root.dep_ in _TEAM_DEPS or (root.dep_ == "pobj" and root.head.lower_ in ("by", "against")):
        return True
    after = text[cand.end : cand.end + 12]
    before = text[max(0, cand.start - 12) : cand.start]
    return bool(_SCORE_AFTER.match(after) or _SCORE_BEFORE.search(before))


def actor_mentions(doc: Doc, actors: ActorIndex) -> None:
    """Nominal ACTOR mentions: every noun phrase headed by one of the scheme's actor nouns
    (a look-up of token lemmas) that no ACTOR covers yet."""
    lex = actors.lexicon
    if lex is None or not lex.noun_type or not len(doc):
        return
    import numpy
    from spacy.attrs import LEMMA, POS
    from spacy.symbols import NOUN

    arr = doc.to_array([LEMMA, POS])
    ids = lex.noun_hashes()
    if not len(ids):
        return
    lemmas = arr[:, 0]
    pos = ids.searchsorted(lemmas).clip(0, len(ids) - 1)
    hits = numpy.flatnonzero((ids[pos] == lemmas) & (arr[:, 1] == NOUN))
    for i in hits.tolist():
        tok = doc[i]
        if tok.dep_ in _NOT_MENTION_DEPS or tok.ent_type_ or _located(tok, lex):
            continue
        if actors.overlapping(tok.idx, tok.idx + len(tok.text)):
            continue
        cand = actors.make(tok)
        if cand is not None and cand.source == "phrase":
            cand.score = SCORE_MENTION


# A noun in these functions modifies or predicates ("court-mandated", "held them hostage").
_NOT_MENTION_DEPS = frozenset({"compound", "amod", "npadvmod", "oprd"})
_LOCATIVE = frozenset("in at within inside into near outside on across around".split())


def _located(tok: Token, lex: ActorLexicon) -> bool:
    """A noun that names a place as well as an actor ("camp", "embassy") after a locative
    preposition: the place ("bombs fell within the Yida camp")."""
    return tok.lemma_.lower() in lex.places and tok.dep_ == "pobj" and tok.head.lower_ in _LOCATIVE


def propagate_names(doc: Doc, ents: list[Cand], text: str) -> list[Cand]:
    """One name, one reading per document: once "Daniel Montalvo" is a person, a later
    "Montalvo" is that person too, whether NER missed it or took it for a place."""
    persons: set[str] = set()
    first_names: set[str] = set()  # only to retype a name NER took for an organisation
    for cand in ents:
        if cand.label == "ACTOR" and cand.attrs.get("type") == "person":
            name = _bare(text[cand.start : cand.end])  # "Narendra Modi's party": Modi
            words = name.split()
            if len(words) >= 2 and all(w[:1].isupper() for w in words):
                persons.add(words[-1])
                persons.add(name)
                first_names.add(words[0])
    ents = _propagate_organisations(ents, text)
    if not persons:
        return ents
    for cand in ents:
        if cand.label == "ACTOR" and cand.attrs.get("type") != "person":
            name = text[cand.start : cand.end]
            if name.endswith("'s") or name.endswith("’s"):
                name = name[:-2]
            if name in persons or name in first_names:
                cand.attrs["type"] = "person"  # "Wilkins" read as ORG once, a person elsewhere
    import numpy
    from spacy.attrs import DEP, POS
    from spacy.symbols import NOUN, PROPN, nsubj, nsubjpass

    covered = sorted((c.start, c.end, i) for i, c in enumerate(ents))
    starts = [c[0] for c in covered]
    out = list(ents)
    drop: set[int] = set()
    arr = doc.to_array([POS, DEP])
    found = numpy.flatnonzero(arr[:, 0] == PROPN).tolist()
    # A surname that is also a word ("Sow said") the tagger may take for a noun: as a subject.
    subj = (arr[:, 1] == nsubj) | (arr[:, 1] == nsubjpass)
    subjects = numpy.flatnonzero((arr[:, 0] == NOUN) & subj).tolist()
    found += [i for i in subjects if doc[i].text in persons]
    for i in sorted(found):
        tok = doc[i]
        if tok.text not in persons:
            continue
        if i + 1 < len(doc) and doc[i + 1].pos_ == "PROPN":
            continue  # part of a longer name
        lo, hi = tok.idx, tok.idx + len(tok.text)
        import bisect

        j = bisect.bisect_right(starts, hi) - 1
        hits = [c for c in covered[max(0, j - 3) : j + 1] if c[1] > lo and c[0] < hi]
        if any(ents[k].label == "ACTOR" for _, _, k in hits):
            continue
        if any(ents[k].label != "PLACE" or (s, e) != (lo, hi) for s, e, k in hits):
            continue
        drop.update(k for _, _, k in hits)
        out.append(Cand(lo, hi, "ACTOR", SCORE_MENTION, {"type": "person"}, source="ner"))
    if drop:
        out = [c for k, c in enumerate(out) if k not in drop]
    return sorted(out, key=lambda c: (c.start, -c.end))


# The legal form closing a company's name: without it, the rest names the company too.
COMPANY_SUFFIXES = frozenset(
    "Corp Corp. Corporation Inc Inc. Incorporated Ltd Ltd. Limited LLC plc PLC Co. AG SA S.A. "
    "NV N.V. GmbH".split()
)


def _propagate_organisations(ents: list[Cand], text: str) -> list[Cand]:
    """Every further occurrence of an organisation's name (as NER found it once) that no
    entity covers is that organisation too."""
    names: dict[str, dict[str, Any]] = {}
    stems: dict[str, dict[str, Any]] = {}
    for cand in ents:
        if cand.label != "ACTOR" or cand.attrs.get("type") == "person":
            continue
        name = text[cand.start : cand.end]
        if name.lower().startswith("the "):
            name = name[4:]
        if name.endswith(("'s", "’s")):
            name = name[:-2]
        if len(name) >= 3 and name[:1].isupper() and "\n" not in name:
            names.setdefault(name, dict(cand.attrs))
            words = name.split()
            if len(words) >= 2 and words[-1] in COMPANY_SUFFIXES and len(words[-2]) >= 3:
                stems.setdefault(" ".join(words[:-1]), dict(cand.attrs))  # "Veltrix Corp"
    for stem, attrs in stems.items():
        names.setdefault(stem, attrs)
    if not names:
        return ents
    for cand in ents:
        if cand.label == "PLACE" and text[cand.start : cand.end] in stems:
            # "Shares of Veltrix" read as a place once the company "Veltrix Corp" is named
            cand.label, cand.attrs = "ACTOR", dict(stems[text[cand.start : cand.end]])
    spans = sorted((c.start, c.end) for c in ents)
    starts = [s for s, _ in spans]
    out = list(ents)
    import bisect

    for name, attrs in names.items():
        at = text.find(name)
        while at != -1:
            end = at + len(name)
            before = text[at - 1] if at else " "
            after = text[end] if end < len(text) else " "
            if not (before.isalnum() or after.isalnum()):
                j = bisect.bisect_right(starts, end) - 1
                near = spans[max(0, j - 5) : j + 1]
                if not any(s < end and at < e for s, e in near):
                    out.append(Cand(at, end, "ACTOR", SCORE_MENTION, dict(attrs), source="ner"))
                    k = bisect.bisect_left(starts, at)
                    spans.insert(k, (at, end))
                    starts.insert(k, at)
            at = text.find(name, end)
    return sorted(out, key=lambda c: (c.start, -c.end))
