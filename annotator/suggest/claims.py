"""Pre-annotation rules for claims and their claimants.

Claims come from three signals: reporting verbs (the lemmas in the scheme's
``preannotation.reporting_verbs``) with a content clause, quotations (straight, curly or
angle quotes) and "according to X". Each claim gets a ``form`` (``direct_quote`` or
``reported``) and, where the parse names a source, a ``claimant`` relation to an ACTOR span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.suggest.entities import (
    Cand,
    RelCand,
    SentIndex,
    SpanIndex,
    actor_for,
    is_pronoun,
)

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SCORE_QUOTE = 0.7
SCORE_QUOTE_NO_SPEAKER = 0.4
SCORE_REPORTED = 0.6
SCORE_CLAIMANT = 0.7
SCORE_CLAIMANT_GUESS = 0.4
MIN_QUOTE_WORDS = 4  # shorter quotations are scare quotes ("fight terrorism"), not claims

_QUOTE_RE = re.compile(r"“([^”\n]+)”|\"([^\"\n]+)\"|«([^»\n]+)»|„([^“”\n]+)[“”]")
_CONTENT_PREPS = frozenset({"to", "of", "about", "on"})
_ADMIT_LIKE = frozenset(
    {"deny", "admit", "confirm", "acknowledge", "claim", "announce", "allege", "report"}
)
# Subjects that stand for the previous claim's source ("the statement added").
_STATEMENT_NOUNS = frozenset(
    "statement report communique communiqué letter message post tweet release document text"
    " declaration".split()
)
_PERSONAL = frozenset("he him his she her".split())


@dataclass(frozen=True, slots=True)
class Quote:
    start: int  # outer range, quote marks included
    end: int
    inner_start: int  # inner text, stripped
    inner_end: int


def find_quotes(text: str) -> list[Quote]:
    """Quotations in ``text`` (one paragraph at most), inner text stripped of space and commas."""
    out: list[Quote] = []
    for m in _QUOTE_RE.finditer(text):
        group = next(g for g in range(1, 5) if m.group(g) is not None)
        s, e = m.start(group), m.end(group)
        while s < e and text[s].isspace():
            s += 1
        while e > s and (text[e - 1].isspace() or text[e - 1] in ",;:"):
            e -= 1
        if e > s:
            out.append(Quote(m.start(), m.end(), s, e))
    return out


def _in_quote(pos: int, quotes: Iterable[Quote]) -> Quote | None:
    return next((q for q in quotes if q.start < pos < q.end), None)


def subject_of(tok: Token) -> Token | None:
    """The subject of a verb, climbing through xcomp/pcomp/conj to the governing verb."""
    for _ in range(5):
        for child in tok.children:
            if child.dep_ in ("nsubj", "csubj"):
                return child
        if tok.dep_ in ("xcomp", "conj", "advcl") and tok.head is not tok:
            tok = tok.head
        elif tok.dep_ == "pcomp" and tok.head.head is not tok.head:
            tok = tok.head.head
        else:
            return None
    return None


class ClaimRules:
    """Finds CLAIM candidates and their claimants in parsed documents."""

    def __init__(self, reporting_verbs: Iterable[str]) -> None:
        self.reporting = frozenset(v.lower() for v in reporting_verbs)

    def _is_reporting(self, tok: Token) -> bool:
        return tok.pos_ == "VERB" and tok.lemma_.lower() in self.reporting

    def find(
        self,
        doc: Doc,
        actors: SpanIndex,
        sents: SentIndex,
        candidates: Iterable[int] | None = None,
    ) -> tuple[list[Cand], list[RelCand]]:
        """Claims of a parsed doc. ``candidates``: indices of tokens whose lemma or form may be
        a reporting verb or "according" (all tokens when None)."""
        if not doc.has_annotation("DEP"):
            return [], []
        text = sents.text
        quotes = find_quotes(text)
        toks = [doc[i] for i in candidates] if candidates is not None else list(doc)
        verbs = [t for t in toks if self._is_reporting(t) and not _in_quote(t.idx, quotes)]
        according = [
            t
            for t in toks
            if t.lower_ == "according"
            and t.i + 1 < len(doc)
            and doc[t.i + 1].lower_ == "to"
            and not _in_quote(t.idx, quotes)
        ]
        found: list[tuple[Cand, Token | None]] = []
        used: set[int] = set()
        # Quotations first: a reporting verb next to a quote names its speaker.
        for q in quotes:
            if len(text[q.inner_start : q.inner_end].split()) < MIN_QUOTE_WORDS:
                continue
            if _in_quote(q.start, (o for o in quotes if o is not q)):
                continue
            cue = self._cue_for_quote(q, verbs + according, sents)
            claim = Cand(
                q.inner_start,
                q.inner_end,
                "CLAIM",
                SCORE_QUOTE if cue is not None else SCORE_QUOTE_NO_SPEAKER,
                {"form": "direct_quote"},
                source="quote",
            )
            if cue is not None:
                used.add(cue.i)
            found.append((claim, self._source_of(cue) if cue is not None else None))
        for verb in verbs:
            if verb.i in used:
                continue
            content = self._content(verb)
            if content is None:
                continue
            start, end = _one_paragraph(text, *_char_range(content))
            if any(q.start < end and start < q.end for q in quotes):
                continue  # the quotation is the claim
            claim = Cand(
                start, end, "CLAIM", SCORE_REPORTED, {"form": "reported"}, source="reporting_verb"
            )
            found.append((claim, subject_of(verb)))
        for acc in according:
            if acc.i in used:
                continue
            rng = self._according_clause(acc, sents)
            if rng is not None:
                rng = _one_paragraph(text, *rng)
            if rng is None or any(q.start < rng[1] and rng[0] < q.end for q in quotes):
                continue
            claim = Cand(
                rng[0], rng[1], "CLAIM", SCORE_REPORTED, {"form": "reported"}, source="according_to"
            )
            found.append((claim, self._source_of(acc)))
        claims: list[Cand] = []
        rels: list[RelCand] = []
        last: Cand | None = None
        for claim, source in sorted(found, key=lambda f: f[0].start):
            claims.append(claim)
            last = self._link(claim, source, actors, last, rels) or last
        return claims, rels

    def attach(
        self, doc: Doc, claim: Cand, actors: SpanIndex, last: Cand | None, sents: SentIndex
    ) -> RelCand | None:
        """Form and claimant for a CLAIM span found otherwise (a trained span categoriser)."""
        quotes = find_quotes(sents.text)
        quote = next((q for q in quotes if q.start <= claim.start and claim.end <= q.end), None)
        claim.attrs.setdefault("form", "direct_quote" if quote else "reported")
        if not doc.has_annotation("DEP"):
            return None
        source: Token | None = None
        if quote is not None:
            verbs = [t for t in doc if self._is_reporting(t) and not _in_quote(t.idx, quotes)]
            cue = self._cue_for_quote(quote, verbs, sents)
            source = self._source_of(cue) if cue is not None else None
        else:
            span = doc.char_span(claim.start, claim.end, alignment_mode="expand")
            tok = span.root if span is not None and len(span) else None
            for _ in range(3):
                if tok is None or tok.head is tok:
                    break
                tok = tok.head
                if self._is_reporting(tok):
                    source = subject_of(tok)
                    break
        rels: list[RelCand] = []
        self._link(claim, source, actors, last, rels)
        return rels[0] if rels else None

    # -- helpers -----------------------------------------------------------------------------

    def _cue_for_quote(self, q: Quote, cues: list[Token], sents: SentIndex) -> Token | None:
        """The reporting verb (or "according") nearest to a quote in its sentences, or in the
        sentence before it when that one ends with a colon ("Benotman wrote: ...")."""
        if not cues:
            return None
        first, last = sents.number(q.start), sents.number(max(q.start, q.end - 1))
        lo, hi = sents.chars[first][0], sents.chars[last][1]
        before = sents.text[max(0, q.start - 200) : q.start].rstrip()
        if before.endswith(":") and first > 0:
            lo = sents.chars[first - 1][0]
        best: tuple[int, Token] | None = None
        for tok in cues:
            if not (lo <= tok.idx < hi) or q.start <= tok.idx < q.end:
                continue
            gap = q.start - tok.idx if tok.idx < q.start else tok.idx - q.end
            if best is None or gap < best[0]:
                best = (gap, tok)
        return best[1] if best else None

    @staticmethod
    def _source_of(cue: Token) -> Token | None:
        if cue.lower_ == "according":
            to = cue.doc[cue.i + 1]
            pobj = next((c for c in to.children if c.dep_ == "pobj"), None)
            return pobj or next((c for c in cue.children if c.dep_ == "pobj"), None)
        return subject_of(cue)

    @staticmethod
    def _content(verb: Token) -> Span | None:
        """The content clause of a reporting verb (ccomp, xcomp, 'to'/'of' + gerund, object)."""
        children = list(verb.rights)
        for dep in ("ccomp", "xcomp"):
            # a ccomp may precede the verb: "The army did not attack, he insisted."
            pool = list(verb.children) if dep == "ccomp" else children
            found = next((c for c in pool if c.dep_ == dep), None)
            if found is not None:
                return _strip_mark(found)
        for child in children:
            if child.dep_ == "prep" and child.lower_ in _CONTENT_PREPS:
                pcomp = next((c for c in child.children if c.dep_ == "pcomp"), None)
                if pcomp is not None:
                    return _strip_mark(pcomp)
        if verb.lemma_.lower() in _ADMIT_LIKE:
            dobj = next((c for c in children if c.dep_ == "dobj"), None)
            if dobj is not None and not is_pronoun(dobj):
                return dobj.doc[dobj.left_edge.i : dobj.right_edge.i + 1]
        return None

    @staticmethod
    def _according_clause(acc: Token, sents: SentIndex) -> tuple[int, int] | None:
        """The sentence without its "according to X" phrase (the larger side of it)."""
        s_start, s_end = sents.tokens[sents.number(acc.idx)]
        phrase_lo = acc.left_edge.i
        phrase_hi = max(acc.right_edge.i + 1, acc.i + 2)
        left = acc.doc[s_start:phrase_lo]
        right = acc.doc[phrase_hi:s_end]
        side = left if len(left) >= len(right) else right
        return _trimmed(side)

    def _link(
        self,
        claim: Cand,
        subj: Token | None,
        actors: SpanIndex,
        last: Cand | None,
        rels: list[RelCand],
    ) -> Cand | None:
        """Add the claimant relation of ``claim``; return the claimant found, if any."""
        if subj is None:
            return None
        actor = actor_for(subj, actors)
        score = SCORE_CLAIMANT
        if actor is None:
            score = SCORE_CLAIMANT_GUESS
            if not is_pronoun(subj) and subj.lemma_.lower() in _STATEMENT_NOUNS and last:
                actor = last
            else:
                actor = _preceding_actor(subj, actors)
        if actor is None or (actor.start < claim.end and claim.start < actor.end):
            return None
        rels.append(RelCand("claimant", claim, actor, score))
        return actor


def _preceding_actor(subj: Token, actors: SpanIndex) -> Cand | None:
    want_person = subj.lower_ in _PERSONAL
    pos = subj.idx
    for _ in range(20):
        cand = actors.preceding(pos)
        if cand is None:
            return None
        if not want_person or cand.attrs.get("type") in ("person", None):
            return cand
        pos = cand.start
    return None


def _one_paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut a range at its first line break (sentence splitting across headlines is common)."""
    cut = text.find("\n", start, end)
    if cut == -1:
        return start, end
    end = cut
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end if end > start else cut


def _strip_mark(tok: Token) -> Span:
    doc = tok.doc
    lo, hi = tok.left_edge.i, tok.right_edge.i + 1
    while lo < hi and (doc[lo].dep_ == "mark" or doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    return doc[lo:hi] if lo < hi else doc[tok.i : tok.i + 1]


def _trimmed(span: Span) -> tuple[int, int] | None:
    toks = [t for t in span if not (t.is_punct or t.is_space)]
    if not toks:
        return None
    return toks[0].idx, toks[-1].idx + len(toks[-1].text)


def _char_range(span: Span) -> tuple[int, int]:
    rng = _trimmed(span)
    return rng if rng is not None else (span.start_char, span.end_char)
