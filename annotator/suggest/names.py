"""Entity names as news writes them: the pipeline's entities made to fit news conventions
(:func:`refine_entities`) and one reading per name in a document (:func:`propagate_names`).

The recogniser's PERSON/ORG/GPE/DATE spans are trimmed to one line, typed from the scheme's
gazetteer and name heads, and corrected where news writing says otherwise: a dateline's city is
a place, a nationality adjective no place, an age no time, a named facility or "the town of X"
a place, a name beside a person noun or a position ("veteran guard Marcus Hill") a person, a
vehicle no actor, a country that plays in a match report its team. Then a person's surname, a
company's name without its legal form and an organisation's name read the same everywhere in
the document.

Works on a spaCy ``Doc`` without importing spaCy.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from annotator.suggest.actors import SCORE_MENTION, ActorLexicon
from annotator.suggest.entities import (
    DATELINE_CITY,
    DATELINE_TAIL,
    ROLE_NOUNS,
    SCORE_NER,
    Cand,
    title_line,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

# A participle and one word opening a sentence before a comma ("Sentencing Hale, Judge X
# said"): the recogniser takes them for a name.
_GERUND_FIRST = re.compile(r"^[A-Z][a-z]+ing (?=[A-Z][a-z]+$)")


def _opens_clause(text: str, cand: Cand) -> bool:
    before = text[: cand.start].rstrip(" ")
    return text.startswith(",", cand.end) and (not before or before[-1] in '.!?\n"”')


# Types a noun after a name gives that name ("the Bild newspaper": media).
_NAMED_BY_NOUN = frozenset({"media", "party", "armed_group"})
# Gazetteer types of names that are actors even where the recogniser took them for places.
_NAMED_ACTORS = frozenset({"organisation", "media"})


_AGE_RE = re.compile(r"^\d{1,3}$")
_AGE_RANGE_RE = re.compile(r"^(?:between |from )?\d{1,3}(?: ?(?:and|to|-|–) ?\d{1,3})?$")
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
    no_actors: set[str] = set()  # names that are no actor in this document (vehicles, things)
    for cand in ents:
        if cand.source != "ner":
            out.append(cand)
            continue
        if not _one_line(cand, text):
            continue
        piece = _trimmed_name(doc, cand, text)
        if piece is None or (cand.label != "TIME" and piece in lexicon.not_names):
            continue  # ("AI" of "the AI Act" tagged GPE: no place)
        if cand.label == "ACTOR" and _dateline_city(cand, piece, text):
            cand.label, cand.attrs = "PLACE", {}  # "YANGON — ": the dateline's city
        if cand.label == "PLACE" and _adjective(doc, cand):
            continue  # "Ukrainian drones" tagged as a place: a nationality word
        if cand.label == "PLACE":
            _place_or_actor(doc, cand, piece, lexicon, teams, text)
        elif cand.label == "ACTOR" and _opening_place(doc, cand):
            cand.label, cand.attrs = "PLACE", {}  # "In Antakya, residents complained"
        elif cand.label == "ACTOR" and _capital_of_position(doc, cand, piece, lexicon):
            continue  # "Turnout was 61 percent" tagged PERSON: a noun that opens a sentence
        elif cand.label == "ACTOR" and not _refine_actor(doc, cand, piece, lexicon, no_actors):
            continue
        out.append(cand)
    out = _headline_names(_join_split_names(out, text), text, lexicon)
    out = _places_read_as_names(doc, out, text)
    _acronym_types(out, text)
    out.extend(_dateline_cities(out, text))
    if no_actors:
        # One name, one reading: "Atlantis" after "Space Shuttle Atlantis" is the shuttle.
        out = [
            c for c in out if not (c.label == "ACTOR" and _bare(text[c.start : c.end]) in no_actors)
        ]
    return out


def _trimmed_name(doc: Doc, cand: Cand, text: str) -> str | None:
    """The text of a recogniser's span once trimmed to the name (``cand`` moved with it), or
    None when it names nothing."""
    piece = text[cand.start : cand.end]
    gerund = _GERUND_FIRST.match(piece) if cand.label == "ACTOR" else None
    if gerund is not None and _opens_clause(text, cand):
        # "Sentencing Hale, Judge X said": an opening participle and its object
        if cand.attrs.get("type") != "person":
            return None
        cand.start += gerund.end()
        piece = piece[gerund.end() :]
    if cand.label == "ACTOR" and len(piece.strip(". ")) <= 1:
        return None  # "wrote on X.": one letter names no actor the recogniser can tell
    if cand.label == "TIME" and (_is_age(cand, piece, text) or _age_of_person(doc, cand)):
        return None
    amount = _AMOUNT_TAIL.search(piece) if cand.label == "ACTOR" else None
    if amount is not None and amount.start() > 0:  # "fined Apple 1.8 billion euros"
        cand.end = cand.start + amount.start()
        piece = piece[: amount.start()]
    if cand.label == "TIME" and _name_opens_time(doc, cand):
        return None  # "Lula later visited" tagged DATE: a name and an adverb
    tail = _COUNTLESS_TAIL.search(piece) if cand.label == "TIME" else None
    if tail is not None:  # "on Monday, days after ...": the day only
        cand.end = cand.start + tail.start()
        piece = piece[: tail.start()]
    return piece


def _name_opens_time(doc: Doc, cand: Cand) -> bool:
    """A time the recogniser starts with the subject it precedes, a name it takes for a
    person or an organisation elsewhere in the document ("Lula later", "Lula" tagged PERSON
    before): the time is only the adverb after it, which says no time of its own."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or len(span) != 2:
        return False
    first, rest = span[0], span[1]
    if not first.is_title or first.dep_ not in _SUBJECT_DEPS or rest.pos_ != "ADV":
        return False
    return any(e.label_ in ("PERSON", "ORG") and e.text == first.text for e in doc.ents)


_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass"})


def _name_taken(doc: Doc, cand: Cand) -> bool:
    """A name a group gives itself ("A group calling itself Black Harbor", tagged LOC): the
    group's name."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    root = span.root
    verb = root.head
    return (
        root.dep_ in ("oprd", "xcomp", "attr")
        and verb.lemma_.lower() in ("call", "name", "style", "dub")
        and any(c.dep_ == "dobj" and c.lower_ in ("itself", "themselves") for c in verb.children)
    )


def _place_or_actor(
    doc: Doc, cand: Cand, piece: str, lexicon: ActorLexicon, teams: bool, text: str
) -> None:
    """Relabel a PLACE of the recogniser that names an actor."""
    if teams and _team_name(doc, cand, text):
        cand.label, cand.attrs = "ACTOR", {"type": "organisation"}
    elif _alias(doc, cand):
        cand.label, cand.attrs = "ACTOR", {"type": "person"}  # "Dagalo, known as Hemedti"
    elif _names_a_person(doc, cand, lexicon):
        cand.label, cand.attrs = "ACTOR", {"type": "person"}
    elif _name_taken(doc, cand):
        cand.label, cand.attrs = "ACTOR", {"type": "organisation"}  # "calling itself X"
    elif _named_actor(doc, cand, piece, lexicon):
        # "a complaint from Spotify" tagged GPE: the gazetteer knows the company
        cand.label, cand.attrs = "ACTOR", {"type": lexicon.name_type[piece.lower()]}


# Lower-case particles inside names ("Abdulaziz bin Salman", "Ursula von der Leyen").
_NAME_PARTICLES = frozenset(
    "bin ibn bint al el da de del della di du van von der den la le ten ter".split()
)
_SURNAME = re.compile(r" [A-Z][a-z]+(?:-[A-Z][a-z]+)?\b")
# Particles and the capitalised surname after a first name the recogniser ended early.
_PARTICLE_TAIL = re.compile(
    r"(?: (?:" + "|".join(sorted(_NAME_PARTICLES)) + r"))+ [A-Z][a-z]+(?:-[A-Z][a-z]+)?\b"
)


_TITLES = frozenset(
    "Mr Mrs Ms Dr Prof Sgt Cpl Lt Capt Maj Col Gen Adm Det Insp Supt Rev Gov Sen Rep".split()
)
_TITLE_BEFORE = re.compile(r"\b(?:" + "|".join(sorted(_TITLES)) + r")\.? $")  # "Dr Oba", "Dr. Oba"


def _join_split_names(ents: list[Cand], text: str) -> list[Cand]:
    """A person's name the recogniser cut at a lower-case particle ("Prince Abdulaziz" and
    "bin Salman") is one name, and so is a name with the title before it ("Sgt. Joe
    Albert", "Dr. Hannah Reid", "Dr Oba Babs-Osibodu"); a name after a comma inside an
    organisation's ("Bristol, Marvin Rees") is a person's."""
    out: list[Cand] = []
    for cand in ents:
        if cand.label == "ACTOR" and cand.source == "ner":
            _person_after_comma(cand, text)
            if cand.attrs.get("type") == "person":
                tail = _PARTICLE_TAIL.match(text, cand.end)
                if tail is None and text[cand.start : cand.end].rsplit(" ", 1)[-1] in (
                    _NAME_PARTICLES
                ):
                    tail = _SURNAME.match(text, cand.end)  # "Ursula von der" + "Leyen"
                if tail is not None:
                    cand.end = tail.end()  # "Erik ten Hag", with "ten" read as a number
                title = _TITLE_BEFORE.search(text, max(0, cand.start - 6), cand.start)
                if title is not None:
                    if out and out[-1].label == "ACTOR" and out[-1].start == title.start():
                        out.pop()  # the title the recogniser took for a name of its own
                    cand.start = title.start()
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.source == cand.source == "ner"
            and prev.attrs.get("type") == "person"
            and prev.start <= cand.start
            and cand.end <= prev.end
        ):
            continue  # "Leyen" read as a place, now inside "Ursula von der Leyen"
        if (
            prev is not None
            and cand.label == prev.label == "ACTOR"
            and cand.source == prev.source == "ner"
            and prev.attrs.get("type") == cand.attrs.get("type") == "person"
            and text[prev.end : cand.start] == " "
            and text[cand.start : cand.end].split(" ", 1)[0] in _NAME_PARTICLES
        ):
            prev.end = cand.end
            continue
        out.append(cand)
    return out


def _person_after_comma(cand: Cand, text: str) -> None:
    """An organisation or person name with a comma in it ends in a person's name ("Bristol,
    Marvin Rees" for "the mayor of Bristol, Marvin Rees"): that name, a person."""
    piece = text[cand.start : cand.end]
    cut = piece.rfind(", ")
    if cut == -1:
        return
    tail = piece[cut + 2 :].split()
    if 2 <= len(tail) <= 3 and all(w[:1].isupper() and w.isalpha() for w in tail):
        cand.start += cut + 2
        cand.attrs = {**cand.attrs, "type": "person"}


# A sum the recogniser ran a name into ("Apple 1.8 billion"): a decimal or a large amount.
_AMOUNT_TAIL = re.compile(
    r"\s+[$€£]?(?:\d[\d,]*\.\d+|\d[\d,.]*\s+(?:million|billion|trillion))$", re.IGNORECASE
)


# A date the recogniser ran on past a comma into a bare unit ("Monday, days after").
_COUNTLESS_TAIL = re.compile(r",\s+(?:minutes|hours|days|weeks|months|years)$", re.IGNORECASE)


def _alias(doc: Doc, cand: Cand) -> bool:
    """The name after "known as", "nicknamed", "dubbed" following a person's name is that
    person's other name, whatever the recogniser took it for."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    return span is not None and len(span) > 0 and _alias_of_person(span)


def _alias_of_person(span: Span) -> bool:
    """``span`` is a name after "known as", "nicknamed", ... following a person's name."""
    root = span.root
    verb = root.head.head if root.dep_ == "pobj" and root.head.lower_ == "as" else root.head
    if verb.lemma_.lower() not in ("know", "nickname", "dub", "call") or verb.dep_ != "acl":
        return False
    named = verb.head  # the person, or the noun the person's name is apposed to
    return named.ent_type_ == "PERSON" or any(
        c.dep_ == "appos" and c.ent_type_ == "PERSON" for c in named.children
    )


def _opening_place(doc: Doc, cand: Cand) -> bool:
    """A name after "In"/"At" opening a sentence and followed by a comma ("In Antakya,
    residents ...") is where the sentence happens, whatever the recogniser took it for."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or not len(span) or span.end >= len(doc):
        return False
    prep = doc[span.start - 1] if span.start > 0 else None
    return (
        prep is not None
        and prep.lower_ in ("in", "at")
        and prep.is_sent_start is True
        and span.root.dep_ == "pobj"
        and doc[span.end].text == ","
    )


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
    """An upper-case name in the city of a dateline that opens its line ("YANGON — ",
    "KYIV, Ukraine — ", "ALEGRE" of "PORTO ALEGRE, Brazil — "); ``cand`` then spans the
    whole city."""
    if not piece.isupper() or len(piece) < 3:
        return False
    found = DATELINE_CITY.match(text, text.rfind("\n", 0, cand.start) + 1)
    if found is None or not found.start(1) <= cand.start < cand.end <= found.end(1):
        return False
    cand.start, cand.end = found.span(1)
    return True


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
    return (
        any(w in low for w in _AGE_WORDS)
        or bool(_AGE_RE.match(piece) and (before.endswith(",") or before.endswith("aged")))
        or bool(before.endswith("aged") and _AGE_RANGE_RE.match(piece))  # "aged between 24 and 41"
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
    doc: Doc, cand: Cand, piece: str, lexicon: ActorLexicon, no_actors: set[str]
) -> bool:
    """Type (or relabel) one NER ACTOR; False when it is no actor at all."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    root = span.root if span is not None and len(span) else None
    if span is not None and root is not None and _vehicle(span, lexicon):
        no_actors.add(piece.split()[-1])
        no_actors.add(piece)
        return False  # "Space Shuttle Atlantis", "the cruise ship Freewinds": no actor
    title = _portfolio_title(span) if span is not None else None
    if title is not None:
        # "Health Secretary Wes Streeting" with "Health" tagged ORG: the portfolio of the
        # person's office; "Health Secretary" names her, as "the Health Secretary" would
        cand.end, cand.attrs = title.idx + len(title.text), {"type": "person"}
        return True
    label = _TYPE_LABEL.get(str(cand.attrs.get("type", "")), "")
    place_end = _place_end(span, label, lexicon) if span is not None and len(span) else None
    if place_end is not None:
        # "a resident of Worli Koliwada", "Kyiv's Solomianskyi district" tagged PERSON
        cand.label, cand.attrs, cand.end = "PLACE", {}, place_end
        return True
    if label == "PERSON" and any(
        w.isalpha() and w.islower() and w not in _NAME_PARTICLES for w in piece.split()
    ):
        return False  # "Police name suspect" in a headline: no name has such words
    if (
        label == "PERSON"
        and span is not None
        and root is not None
        and _the_name(span, root, lexicon.common_nouns)
    ):
        no_actors.add(_bare(piece))
        return False  # "the App Store" tagged PERSON: nobody is "the" + a name
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
    if label == "ORG" and span is not None and root is not None:
        if (
            _titled_person(span, piece, lexicon)
            or _apposed_to_person(root, piece, lexicon)
            or _with_a_persons_own(root)
        ):
            # "veteran guard Marcus Hill", "the head of the ground forces, Oleksandr Syrskyi"
            # tagged ORG: a person
            label = "PERSON"
            cand.attrs["type"] = "person"
    etype = _name_type(doc, span, piece, label, lexicon)
    if etype:
        cand.attrs["type"] = etype
    return True


def _named_actor(doc: Doc, cand: Cand, piece: str, lexicon: ActorLexicon) -> bool:
    """A company or medium of the gazetteer tagged as a place, unless it is where something
    is done ("removed the video from YouTube": the platform as a place)."""
    if lexicon.name_type.get(piece.lower()) not in _NAMED_ACTORS:
        return False
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or not len(span):
        return False
    root = span.root
    return not (root.dep_ == "pobj" and root.head.head.pos_ in ("VERB", "AUX"))


def _the_name(span: Span, root: Token, common: frozenset[str] = frozenset()) -> bool:
    """A singular name tagged as a person after "the" ("the App Store"; one word only when it
    always comes after "the", a noun of the language: "the Moon"): a thing, not a person
    (not after a title or with a word between: "the Rev. Al Sharpton", "the late Jo Cox")."""
    doc = span.doc
    first = span[0] if span[0].lower_ != "the" else (span[1] if len(span) > 1 else None)
    if first is None or first.i == 0 or root.tag_ != "NNP":
        return False
    before = doc[first.i - 1]
    return (
        before.lower_ == "the"
        and before.head.i == root.i
        and first.text.rstrip(".") not in _TITLES
        and (len(span) - (first.i - span.start) >= 2 or _always_the(root, common))
    )


def _always_the(tok: Token, common: frozenset[str]) -> bool:
    """A one-word name that is a common noun and comes after "the" wherever the document
    has it ("the Moon", "the Hajj"; not "Warhol" of "the Warhol exhibit" and "Andy Warhol")."""
    if tok.lower_ not in common:
        return False
    return all(t.i > 0 and t.doc[t.i - 1].lower_ == "the" for t in tok.doc if t.text == tok.text)


def _name_type(
    doc: Doc, span: Span | None, piece: str, label: str, lexicon: ActorLexicon
) -> str | None:
    """The ACTOR type of a name: the lexicon's, else what the words around it say."""
    root = span.root if span is not None and len(span) else None
    etype = lexicon.type_of(piece, root, label)
    if span is not None and len(span) and etype != "person" and _alias_of_person(span):
        return "person"  # "Basuki Tjahaja Purnama, known as Ahok" with "Ahok" tagged ORG
    apposed = _apposed_type(root, lexicon) if root is not None else None
    if apposed is not None and etype in ("person", None) and label == "PERSON":
        return apposed  # "Minera Atacama, the company that operates the mine"
    before = doc[span.start - 1] if span is not None and span.start > 0 else None
    if etype == "government" and before is not None:
        # "the paramilitary Rapid Support Forces": the word before the name says what it is
        etype = lexicon.modifier_type.get(before.lower_, etype)
    if root is not None and root.dep_ == "compound":
        # "the Bild newspaper", "the opposition Congress party": the name of what the noun
        # says, whatever the pipeline took it for
        named = lexicon.noun_type.get(root.head.lemma_.lower())
        if named in _NAMED_BY_NOUN:
            etype = named
    elif (
        before is not None
        and span is not None
        and before.pos_ == "NOUN"
        and before.i == span.start - 1
        and not lexicon.name_type.get(_bare(piece).lower())
    ):
        # "the journal Neurology", "state broadcaster CCTV", "the charity Care4Calais": the
        # noun before a name the gazetteer does not know says what it names
        named = lexicon.noun_type.get(before.lemma_.lower())
        if named in _NAMED_BY_NOUN or named == "organisation":
            etype = named
    return etype


def _with_a_persons_own(root: Token) -> bool:
    """A subject whose verb's object is "her" or "his" something ("Nikki Haley suspended her
    presidential campaign", tagged ORG): a person."""
    if root.dep_ != "nsubj":
        return False
    for obj in root.head.children:
        if obj.dep_ in ("dobj", "attr") and any(
            c.dep_ == "poss" and c.lower_ in ("her", "his") for c in obj.children
        ):
            return True
    return False


def _apposed_type(root: Token, lexicon: ActorLexicon) -> str | None:
    """The type of a noun of organisations in apposition to a name ("Minera Atacama, the
    company that operates the mine": organisation), if any."""
    for child in root.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN":
            named = lexicon.noun_type.get(child.lemma_.lower())
            if named is not None and named not in ("person", "population_group"):
                return named
    return None


def _apposed_to_person(root: Token, piece: str, lexicon: ActorLexicon) -> bool:
    """A two- or three-word title-case name apposed to a noun of people ("the head of the
    ground forces, Oleksandr Syrskyi") names that person."""
    words = piece.split()
    if root.dep_ != "appos" or not 2 <= len(words) <= 3:
        return False
    if not all(p[:1].isupper() and p.isalpha() for w in words for p in w.split("-")):
        return False  # "Oleksandr Syrskyi", "Marie-Claire Mbuyi"
    head = root.head
    prep = head.head
    if head.dep_ == "pobj" and prep.lower_ in ("for", "of", "at") and prep.head.pos_ == "NOUN":
        # "a spokeswoman for the health ministry, Marie-Claire Mbuyi": the parser hangs the
        # name on the ministry
        head = prep.head
    return (
        lexicon.noun_type.get(head.lemma_.lower()) == "person" or head.lemma_.lower() in ROLE_NOUNS
    )


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
    return _of_phrase_of(root, _SETTLEMENTS)


def _place_end(span: Span, label: str, lexicon: ActorLexicon) -> int | None:
    """Where the place ends that a name of where people live is, whatever NER took it for:
    after "a resident of" or "the mayor of" (``_home_of``), possessing a settlement noun
    ("Kyiv's district"), or "in" after a building or a person ("a court in Lusaka", "a judge
    in Valencia"): its own end; right before the settlement noun it names ("Solomianskyi
    district"), or a name tagged PERSON before a noun of places ("the Jadar mine"): the
    noun's end. None for other names."""
    if _home_of(span.root, label) or _located_in(span, label, lexicon):
        return span.end_char
    last = span[-1]
    head = last.head
    if head.pos_ != "NOUN":
        return None
    noun = head.lemma_.lower()
    named = last.dep_ == "compound" and head.i == last.i + 1
    if named and label == "PERSON" and noun in lexicon.places:
        return head.idx + len(head.text)
    if noun not in _SETTLEMENTS:
        return None
    if named:
        return head.idx + len(head.text)
    if span.root.dep_ == "poss":
        return span.end_char
    return None


def _located_in(span: Span, label: str, lexicon: ActorLexicon) -> bool:
    """A one-word name tagged ORG "in" which a building or a person is ("a court in
    Lusaka", "a judge in Valencia"): a place, unless the scheme knows the name."""
    if label != "ORG" or len(span) != 1:
        return False
    tok = span[0]
    prep = tok.head
    if tok.dep_ != "pobj" or prep.lower_ != "in" or prep.head.pos_ != "NOUN":
        return False
    noun = prep.head.lemma_.lower()
    if lexicon.name_type.get(tok.lower_):
        return False
    return noun in lexicon.places or lexicon.noun_type.get(noun) == "person"


def _portfolio_title(span: Span) -> Token | None:
    """The title after a name and before a person's name ("Secretary" of "Health Secretary
    Wes Streeting", "Defense Secretary Pete Hegseth"): the name is the portfolio of the
    person's office. None for other names."""
    doc = span.doc
    if span[-1].ent_type_ != "ORG" or span.end + 1 >= len(doc):
        return None
    title, name = doc[span.end], doc[span.end + 1]
    if title.lower_ not in _PORTFOLIO_TITLES or name.ent_type_ != "PERSON":
        return None
    return title


_PORTFOLIO_TITLES = frozenset("secretary minister commissioner czar tsar".split())


def _capital_of_position(doc: Doc, cand: Cand, piece: str, lexicon: ActorLexicon) -> bool:
    """A one-word name that is a word the tagger reads as a common noun of the language
    ("Turnout", "Landslides") that has its capital only from opening a sentence: no name
    the scheme knows, and nowhere in the document capitalised inside a sentence ("Labour"
    after "said" is a party)."""
    common = lexicon.common_nouns
    low = piece.lower()
    if " " in piece or not (low in common or low[:-1] in common or low[:-2] in common):
        return False  # (a quick test on the text before the parse is read)
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or len(span) != 1:
        return False
    tok = span[0]
    if tok.tag_ not in _COMMON_NOUN_TAGS or not tok.is_sent_start:
        return False
    lower = tok.lower_
    if lexicon.name_type.get(lower) or (
        tok.lemma_.lower() not in lexicon.common_nouns and lower not in lexicon.common_nouns
    ):
        return False
    return not any(
        t.lower_ == lower and t.is_title and not t.is_sent_start for t in tok.doc if t.i != tok.i
    )


_COMMON_NOUN_TAGS = frozenset({"NN", "NNS"})


def _home_of(root: Token, label: str) -> bool:
    """The name after "a resident of", "natives of": a place, whatever NER took it for; after
    "the mayor of" when NER took it for a person ("the former mayor of Valencia")."""
    return _of_phrase_of(root, _RESIDENTS) or (
        label == "PERSON" and _of_phrase_of(root, _PLACE_OFFICES)
    )


def _of_phrase_of(root: Token, nouns: frozenset[str]) -> bool:
    """``root`` is the object of "of" after a noun of ``nouns`` ("the town of X")."""
    prep = root.head
    return (
        root.dep_ == "pobj"
        and prep.lower_ == "of"
        and prep.head.pos_ == "NOUN"
        and prep.head.lemma_.lower() in nouns
    )


def _acronym_types(ents: list[Cand], text: str) -> None:
    """An acronym in brackets right after a name of two words or more is that name's ("the
    Republican People's Party (CHP)"): it takes the name's ACTOR type."""
    actors = sorted((c for c in ents if c.label == "ACTOR"), key=lambda c: c.start)
    by_start = {c.start: c for c in actors}
    for cand in actors:
        short = by_start.get(cand.end + 2)
        if short is None or text[cand.end : cand.end + 2] != " (" or not cand.attrs.get("type"):
            continue
        piece = text[short.start : short.end]
        name_words = text[cand.start : cand.end].split()
        if len(name_words) >= 2 and piece.isupper() and text[short.end : short.end + 1] == ")":
            short.attrs = {**short.attrs, "type": cand.attrs["type"]}


def _dateline_countries(text: str) -> set[str]:
    """The one-word countries or states of the document's datelines ("LILONGWE, Malawi — ")."""
    out: set[str] = set()
    for found in DATELINE_CITY.finditer(text):
        tail = DATELINE_TAIL.match(text, found.end(1))
        if tail is None or not text.startswith(", ", found.end(1)):
            continue
        words = text[found.end(1) + 2 : tail.end()].split()
        if words and words[0].isalpha() and words[0][:1].isupper():
            out.add(words[0])
    return out


def _places_read_as_names(doc: Doc, ents: list[Cand], text: str) -> list[Cand]:
    """A one-word name tagged as a person where the document names the same word as a place
    as often ("lashed Sydney overnight" after "in Sydney" and the dateline; a one-word name
    after "in", "at", "near", "from" counts as a place), and a name
    tagged as a person followed by a comma and a place after "in", "at", "near" or "from"
    ("at his home in Ashley Falls, Massachusetts"), are places."""
    places: dict[str, int] = {}
    persons: dict[str, int] = {}
    for c in ents:
        piece = text[c.start : c.end]
        if c.label == "PLACE":
            places[piece] = places.get(piece, 0) + 1
        elif c.label == "ACTOR" and c.attrs.get("type") == "person":
            if " " not in piece and _one_word_as(doc, c, "pobj", _AT_PLACE):
                places[piece] = places.get(piece, 0) + 1  # "clashes in Haryana": a place
                continue
            for word in piece.split():  # words of longer names count for the person
                persons[word] = persons.get(word, 0) + 1
    starts = {c.start for c in ents if c.label == "PLACE"}
    for country in _dateline_countries(text):
        places[country] = places.get(country, 0) + len(ents)  # the dateline says what it is
    for cand in ents:
        if cand.label != "ACTOR" or cand.source != "ner" or cand.attrs.get("type") != "person":
            continue
        piece = text[cand.start : cand.end]
        place, person = places.get(piece, 0), persons.get(piece, 0)
        owns = place == person and _one_word_as(doc, cand, "poss")
        if " " not in piece and (place > person or owns):
            # (a tie too when the name owns a position: "Haryana's chief minister")
            cand.label, cand.attrs = "PLACE", {}
            continue
        if " " not in piece and _one_word_as(doc, cand, "pobj", _ONLY_PLACES):
            cand.label, cand.attrs = "PLACE", {}  # "rain across Java": nobody is "across" X
            continue
        if text.startswith(", ", cand.end) and cand.end + 2 in starts:
            span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
            root = span.root if span is not None and len(span) else None
            if root is not None and root.dep_ == "pobj" and root.head.lower_ in _AT_PLACE:
                cand.label, cand.attrs = "PLACE", {}
    return ents


_AT_PLACE = frozenset({"in", "at", "near", "from", "outside"})
# Prepositions whose object is a place, never a person.
_ONLY_PLACES = frozenset({"across", "throughout", "near", "outside"})


def _one_word_as(doc: Doc, cand: Cand, dep: str, after: frozenset[str] = frozenset()) -> bool:
    """``cand`` is one word with dependency ``dep`` (and, given ``after``, the object of one
    of those prepositions): "Haryana's" (poss), "in Haryana" (pobj after "in")."""
    span = doc.char_span(cand.start, cand.end, alignment_mode="expand")
    if span is None or len(span) != 1 or span.root.dep_ != dep:
        return False
    return not after or span.root.head.lower_ in after


# Nouns of people named by where they live ("a resident of Worli Koliwada").
_RESIDENTS = frozenset({"resident", "native", "inhabitant", "citizen"})
# Offices held over a place: what a person holds one "of" is a place, never a person (an
# organisation may have a governor: only names tagged PERSON are retyped).
_PLACE_OFFICES = frozenset({"mayor", "governor", "lord-mayor", "deputy-mayor"})
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
    first, *rest = _bare(name).split() or [""]
    if first.lower() in _SQUARES and rest:
        return True  # "the Place de la Bastille", "Piazza Venezia"
    words = _bare(name).split(" of ", 1)[0].split()
    return bool(words) and words[-1].lower() in lexicon.facilities


# First words of squares and streets named in other languages.
_SQUARES = frozenset({"place", "plaza", "piazza", "plaça", "praça", "rue", "calle", "via"})


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


def _person_names(ents: list[Cand], text: str, common: frozenset[str]) -> tuple[set[str], set[str]]:
    """The names of persons a later mention may repeat (full names, surnames, one-word names
    read as a person twice), and the first names of the full ones."""
    persons: set[str] = set()
    first_names: set[str] = set()  # only to retype a name NER took for an organisation
    single: set[str] = set()  # one-word names read as a person once so far
    for cand in ents:
        if cand.label != "ACTOR" or cand.attrs.get("type") != "person":
            continue
        name = _bare(text[cand.start : cand.end])  # "Narendra Modi's party": Modi
        words = name.split()
        if len(words) >= 2 and all(w[:1].isupper() for w in words):
            persons.add(words[-1])
            persons.add(name)
            first_names.add(words[0])
        elif (
            len(words) == 1
            and name[:1].isupper()
            and name[1:2].islower()
            and name.lower() not in common
        ):
            # "Lula" read as a person twice is a name the tagger may miss once
            if name in single:
                persons.add(name)
            single.add(name)
    return persons, first_names


def propagate_names(
    doc: Doc, ents: list[Cand], text: str, common: frozenset[str] = frozenset()
) -> list[Cand]:
    """One name, one reading per document: once "Daniel Montalvo" is a person, a later
    "Montalvo" is that person too, whether NER missed it or took it for a place; so is a
    one-word name read as a person twice ("Lula"), unless it is one of the ``common`` nouns
    of the language ("Chrome", "Iodine")."""
    persons, first_names = _person_names(ents, text, common)
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
