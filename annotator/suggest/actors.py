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
    DATELINE_TAIL,
    Cand,
    SentIndex,
    SpanIndex,
    modifier_of,
    of_whom,
    possessor_of,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

SCORE_PHRASE = 0.5
SCORE_MENTION = 0.45
SCORE_ANTECEDENT = 0.45

# Left dependents that belong to a noun's head phrase ("the three Afghan protesters").
_PHRASE_DEPS = frozenset(
    {"det", "amod", "compound", "nummod", "poss", "quantmod", "nmod", "predet", "case", "advmod"}
)
_GROUPS = frozenset({"crowd", "generation", "mob", "militia"})  # singular nouns of many people
# Types whose nouns name one person in the singular ("a migrant", "a Hezbollah terrorist")
# and the group in the plural.
_ONE_OF_MANY = frozenset({"population_group", "armed_group"})
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


def _network_of_things(head: Token) -> bool:
    """A noun that names media only as a network of broadcasting ("network", "channel")
    with a modifier that says it networks something else ("a hospital network")."""
    if head.lemma_.lower() not in _NETWORKS:
        return False
    kinds = [c.lower_ for c in head.lefts if c.dep_ in ("compound", "amod", "nmod")]
    return bool(kinds) and not any(k in _BROADCASTING for k in kinds)


_NETWORKS = frozenset({"network", "channel", "outlet", "wire"})
_BROADCASTING = frozenset(
    "tv television news cable radio broadcast broadcasting satellite media state social "
    "youtube streaming".split()
)


def common_nouns_of(nlp: Any) -> frozenset[str]:
    """The base forms of the common nouns the pipeline's rule lemmatiser knows (its
    ``lemma_index`` table), or none when it has no such table."""
    if "lemmatizer" not in getattr(nlp, "pipe_names", ()):
        return frozenset()
    lookups = getattr(nlp.get_pipe("lemmatizer"), "lookups", None)
    if lookups is None or not lookups.has_table("lemma_index"):
        return frozenset()
    index = lookups.get_table("lemma_index")
    nouns = index.get("noun") if "noun" in index else None
    return frozenset(str(w) for w in nouns or () if "_" not in str(w))


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
        self.not_names = frozenset(_words(pre.get("not_names") or ()))
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
        # The common nouns of the language (the pipeline's lemmatiser tables, when it has
        # them: ``common_nouns_of``); a name is rarely one of them.
        self.common_nouns: frozenset[str] = frozenset()

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
                # "the U.N. migration agency": "U.N." may hang on "migration"
                words = [
                    w.lower_
                    for c in head.lefts
                    if c.dep_ in ("compound", "amod", "nmod")
                    for w in c.subtree
                ]
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
        if head is not None and (head.pos_ != "PROPN" or not ent_label):
            # a noun, or a capitalised one the tagger took for a name ("Minister resigns"); a
            # noun of two words first ("the Libyan coast guard": not a guard)
            before = head.doc[head.i - 1] if head.i else None
            found = (
                self.noun_type.get(f"{before.lower_} {head.lemma_.lower()}")
                if before is not None and before.dep_ == "compound"
                else None
            )
            found = (
                found or self.noun_type.get(head.lemma_.lower()) or self.noun_type.get(head.lower_)
            )
            if not found and head.pos_ == "PROPN" and head.lower_.endswith("s"):
                # "Protesters clashed": a plural the tagger took for a name
                found = self.noun_type.get(head.lower_[:-1])
            if found == "media" and _network_of_things(head):
                return "organisation"  # "a hospital network", "a supermarket chain"
            if found in _ONE_OF_MANY and head.tag_ == "NN" and head.lower_ not in _GROUPS:
                return "person"  # "a child", "a terrorist": one person, not the category
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
        if _aged(tok):  # "The 45-year-old said": the parser's head is the adjective "old"
            return self._phrase_actor(tok, lex, "", "person")
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
                and (speaker or not _part_of_things(tok, lex))  # a number that speaks is people
            )
            or (speaker and tok.tag_ == "NNS" and not tok.lower_.endswith("ings"))
            or (speaker and tok.tag_ == "NN" and tok.lower_.endswith(_AGENT_SUFFIXES))
            or (speaker and tok.pos_ == "NOUN" and lemma in lex.places)  # "the school said"
            or (speaker and tok.tag_ == "NN" and _of_an_actor(tok, lex))  # "The head of X said"
            or (person and tok.pos_ in ("NOUN", "NUM"))  # "Nine killed in blast"
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
        # People named by their number ("kills 12", "107 were arrested") are persons; a place
        # noun that speaks is the institution there ("the school announced").
        default = (
            _SPEAKING_PLACE.get(lemma, "organisation")
            if speaker and lemma in lex.places
            else "person"
            if speaker or person or tok.pos_ == "NUM"
            else None
        )
        return self._phrase_actor(tok, lex, ent, default)

    def _phrase_actor(
        self, tok: Token, lex: ActorLexicon, ent: str, default: str | None
    ) -> Cand | None:
        """The ACTOR of the noun phrase headed by ``tok``: one already there, else a new one
        on the phrase (after a dateline, within its line), typed by the lexicon or
        ``default``."""
        start, end = phrase_range(tok)
        hits = [c for c in self.overlapping(start, end) if not possessor_of(tok, c)]
        if hits and not self._names_inside(tok, hits, lex):
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
        etype = lex.type_of(text, tok, ent) or default
        attrs: dict[str, Any] = {"type": etype} if etype else {}
        cand = Cand(start, end, "ACTOR", SCORE_PHRASE, attrs, source="phrase")
        self.add(cand)
        return cand

    @staticmethod
    def _names_inside(tok: Token, hits: list[Cand], lex: ActorLexicon) -> bool:
        """The ACTORs inside a phrase are names modifying its actor noun ("A Calder spokesman",
        "Tech firm") or its "of" phrase ("a close aide of Imran Khan"): the phrase is an actor
        of its own, with the name inside it."""
        if tok.ent_type_ or not lex.is_actor_noun(tok):
            return False
        return all(modifier_of(tok, c) or of_whom(tok.doc, c, tok) for c in hits)

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
        if tok.dep_ == "poss":
            bound = self._clause_subject(tok, want)
            if bound is not None:
                return bound
        elif tok.dep_ in ("nsubj", "nsubjpass") and tok.head.dep_ == "ccomp":
            bound = self._clause_subject(tok.head.head, want, before=tok.i)
            if bound is not None:
                return bound  # "Ukraine's air force said it had shot down": the air force
        sents = self.sents
        here = sents.number(tok.idx) if sents is not None else 0
        if sents is not None and self.lexicon is not None:
            # "The rebels entered ... They said", "The mayor arrived late. He said": the
            # group or the person may not be an ACTOR yet.
            first = sents.tokens[max(0, here - 3)][0]
            doc = tok.doc
            for i in range(tok.i - 1, first - 1, -1):
                noun = doc[i]
                if noun.dep_ not in ("nsubj", "nsubjpass") or noun.pos_ != "NOUN":
                    continue
                if want == "plural" and noun.tag_ != "NNS":
                    continue
                if want == "person" and (noun.tag_ != "NN" or not self._person_noun(noun)):
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
                named = cand.source != "phrase" or self._name_like(cand)
                rank = (0 if named else 1) + (0 if subject else 2)
                if function == _INNER:
                    rank += 4  # a subject inside a reported clause is less salient
                if best is None or rank < best[0]:
                    best = (rank, cand)
                    if rank == 0:
                        break
            if best is not None:
                return best[1]
        return None

    def _name_like(self, cand: Cand) -> bool:
        """A phrase that is a name the recogniser missed ("Detective Superintendent Jayne
        Doherty"): two words or more, every one capitalised."""
        if self.sents is None:
            return False
        words = self.sents.text[cand.start : cand.end].split()
        return len(words) >= 2 and all(w[:1].isupper() for w in words)

    def _person_noun(self, noun: Token) -> bool:
        lex = self.lexicon
        return (
            lex is not None
            and (lex.noun_type.get(noun.lemma_.lower()) or lex.noun_type.get(noun.lower_))
            == "person"
        )

    def _clause_subject(self, tok: Token, want: str, before: int | None = None) -> Cand | None:
        """The ACTOR subject of the clause ``tok`` is in (a possessive pronoun's: "The two
        parties announced their agreement": the parties), when it agrees and comes before
        ``before`` (``tok`` itself by default)."""
        verb = tok if before is not None else tok.head
        while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
            verb = verb.head
        limit = tok.i if before is None else before
        for subject in verb.lefts:
            if subject.dep_ in ("nsubj", "nsubjpass") and subject.i < limit:
                hits = self.overlapping(*phrase_range(subject))
                # the actor on the subject's head ("Members of Hamas", not "Hamas")
                on_head = [c for c in hits if c.start <= subject.idx < c.end] or hits
                if on_head and _agrees(on_head[-1], want, tok):
                    return on_head[-1]
        return None


# What a candidate antecedent is in its sentence: the subject of the main verb, the subject of
# a clause another verb governs, a name that modifies a noun, or none of these.
_OTHER, _MAIN, _INNER, _MODIFIER = range(4)


# Place nouns whose speaking institution is a government ("the city said"); others speak for
# an organisation ("the school", "the hospital").
_SPEAKING_PLACE = {
    w: "government"
    for w in ("city", "country", "state", "town", "village", "province", "region", "county")
}

# Endings of nouns of people and firms by what they do ("the importer", "the regulator"): a
# singular subject of a reporting verb with one speaks; other singular nouns need the lexicon.
_AGENT_SUFFIXES = ("er", "or", "ist", "ian", "ant")


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
    while verb.dep_ == "conj" and verb.head.i != verb.i:
        verb = verb.head  # "said X was planned and that Hale had been motivated": inner too
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


# Nouns of a position or a part of a group, people when they speak ("The head of X said").
_POSITIONS = frozenset("head chair chairperson boss rest remainder majority leadership".split())


def _of_an_actor(tok: Token, lex: ActorLexicon) -> bool:
    """A noun with "of" and a name or an actor noun after it ("the head of Amnesty", "the
    chair of the committee"): someone's position, a person when it speaks."""
    if tok.lemma_.lower() not in _POSITIONS:
        return False
    for prep in tok.rights:
        if prep.dep_ == "prep" and prep.lower_ == "of":
            for pobj in prep.children:
                if pobj.dep_ == "pobj" and (
                    pobj.ent_type_ in ("ORG", "GPE") or lex.is_actor_noun(pobj)
                ):
                    return True
    return False


def phrase_range(tok: Token) -> tuple[int, int]:
    """Characters of a noun's head phrase: the noun, its compounds, modifiers and
    determiners to the left (not relative clauses or prepositional phrases)."""
    first = tok
    for head in (tok, _word_start(tok)):
        for child in head.lefts:
            if child.dep_ in _PHRASE_DEPS and not child.is_punct:
                first = child.left_edge
                break
        if first.i < tok.i:
            break
        first = head  # "a former co - worker": the modifiers of the word's first part
    end_tok = tok
    # "Secretary of State", "members of NDS": keep a following "of" + proper name; not after a
    # name of several words ("Superintendent Jayne Doherty of the Australian Federal Police")
    named = tok.pos_ == "PROPN" and any(
        c.dep_ == "compound" and c.pos_ == "PROPN" for c in tok.lefts
    )
    for child in tok.rights if not named else ():
        if child.dep_ == "prep" and child.lower_ == "of":
            pobj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if pobj is not None and pobj.pos_ == "PROPN" and pobj.i - tok.i <= 6:
                end_tok = pobj
            elif pobj is not None and tok.pos_ == "NUM" and pobj.pos_ in ("NOUN", "PROPN"):
                end_tok = pobj  # "One of the diplomats said": the part names who
        break
    if tok.pos_ == "NOUN":
        # "the company Rio Tinto", "the charity Care4Calais": a name in close apposition
        close = next((c for c in tok.rights if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
        if close is not None and close.left_edge.i == tok.i + 1 and not close.ent_type_:
            end_tok = close  # (a name the recogniser found is a mention of its own)
    doc = tok.doc
    first = _after_verb_read_as_modifier(first, tok)
    counted = _counted_by(tok)  # "tens of thousands of people": the whole count
    if counted is not None and counted.left_edge.i < first.i:
        first = counted.left_edge
    while first.i < tok.i and (first.is_punct or first.is_space):
        first = doc[first.i + 1]
    if first.i == tok.i - 1 and first.lower_ in ("a", "an") and tok.tag_ == "NNS":
        first = tok  # "a tenants' association": the article is the association's
    while end_tok.i > tok.i and (end_tok.is_punct or end_tok.is_space):
        end_tok = doc[end_tok.i - 1]
    return first.idx, end_tok.idx + len(end_tok.text)


def _counted_by(tok: Token) -> Token | None:
    """The outermost count of which ``tok`` is the "of" phrase ("tens" of "tens of thousands
    of people"), if any."""
    up = None
    while tok.dep_ == "pobj" and tok.head.lower_ == "of" and tok.head.head.lower_ in _COUNTS:
        up = tok = tok.head.head
    return up


_COUNTS = frozenset("dozens hundreds thousands millions billions tens scores".split())


def _after_verb_read_as_modifier(first: Token, head: Token) -> Token:
    """Where a phrase from ``first`` to ``head`` starts after a past form the parser made a
    modifier of the noun, with a name before it and a space between ("Labour accused
    ministers of ...": the party accused the ministers; "the US-led coalition" is one
    phrase)."""
    doc = head.doc
    for i in range(first.i + 1, head.i):
        tok = doc[i]
        if tok.tag_ not in ("VBD", "VBN") or tok.dep_ != "amod":
            continue
        before = doc[i - 1]
        if before.pos_ in ("PROPN", "NOUN") and before.ent_type_ and before.whitespace_:
            first = doc[i + 1]
    return first


def _word_start(tok: Token) -> Token:
    """The first token of a hyphenated word the tokenizer split and the parser left in
    pieces ("co - worker", each piece an object): the parts written without a space."""
    doc = tok.doc
    first = tok
    while (
        first.i >= 2
        and doc[first.i - 1].text == "-"
        and not doc[first.i - 1].whitespace_
        and not doc[first.i - 2].whitespace_
        and doc[first.i - 2].is_alpha
    ):
        first = doc[first.i - 2]
    return first


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
    """A noun that names a place as well as an actor ("camp", "embassy", "office") after a
    locative preposition, or as the object of a verb done to premises: the place ("bombs fell
    within the Yida camp", "officers searched the offices of two firms")."""
    if tok.lemma_.lower() not in lex.places:
        return False
    if tok.lower_ in _POSITIONS_HELD and not any(c.dep_ in _DETERMINING for c in tok.children):
        return True  # "removed from office", "took office": the position, not the institution
    if tok.dep_ == "pobj":
        return tok.head.lower_ in _LOCATIVE
    return tok.dep_ == "dobj" and tok.head.lemma_.lower() in _PREMISES_VERBS


# Nouns that name a position when bare ("left office"), an institution with a determiner.
_POSITIONS_HELD = frozenset({"office"})
_DETERMINING = frozenset({"det", "poss", "compound", "amod", "nmod"})
# Verbs whose object is premises, not the people in them ("left the church" may be its
# members' act: not "leave").
_PREMISES_VERBS = frozenset(
    "search raid storm enter evacuate surround occupy vacate ransack loot".split()
)
