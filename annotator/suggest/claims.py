"""Pre-annotation rules for claims and their claimants.

Claims come from three signals: reporting verbs (the lemmas in the scheme's
``preannotation.reporting_verbs``) with a content clause, quotations (straight, curly or
angle quotes) and "according to X". Each claim gets a ``form`` (``direct_quote`` or
``reported``) and, where the parse names a source, a ``claimant`` relation to an ACTOR span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from annotator.suggest.entities import (
    DATELINE,
    Cand,
    IdTable,
    RelCand,
    SentIndex,
    SpanIndex,
    actor_for,
    is_pronoun,
)
from annotator.suggest.patterns import ArgumentPatterns, patterns_of, string_ids
from annotator.suggest.quotes import Quote, find_quotes, in_quote

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

SCORE_QUOTE = 0.7
SCORE_QUOTE_NO_SPEAKER = 0.4
SCORE_REPORTED = 0.6
SCORE_CLAIMANT = 0.7
SCORE_CLAIMANT_GUESS = 0.4
MIN_QUOTE_WORDS = 4  # shorter quotations are scare quotes ("fight terrorism"), not claims

# Subjects that stand for the previous claim's source ("the statement added").
_STATEMENT_NOUNS = frozenset(
    "statement communique communiqué message post tweet release declaration".split()
)
_PERSONAL = frozenset("he him his she her".split())


class ClaimRules:
    """Finds CLAIM candidates and their claimants in parsed documents.

    Cues come from the scheme's ``preannotation``: ``reporting_verbs`` (lemmas),
    ``reporting_adjectives`` (forms, with a clause), ``reporting_nouns`` (nouns with a "that"
    clause), ``source_patterns`` (spaCy ``Matcher`` token patterns such as "according to";
    the object of their last word is the source) and ``stance_cues``; ``artifact_nouns`` are
    sources that are no actors ("the report says"). Sources and contents are found by the
    dependency patterns of ``argument_patterns`` (groups ``claim_source`` and
    ``claim_content``).
    """

    def __init__(
        self,
        reporting_verbs: Iterable[str],
        pre: Mapping[str, Any] | None = None,
    ) -> None:
        pre = pre or {}
        self.reporting = frozenset(v.lower() for v in reporting_verbs)
        self.nouns = frozenset(str(v).lower() for v in pre.get("reporting_nouns") or ())
        self.adjectives = frozenset(str(v).lower() for v in pre.get("reporting_adjectives") or ())
        self.artifacts = frozenset(str(v).lower() for v in pre.get("artifact_nouns") or ())
        self.patterns: list[list[dict[str, Any]]] = [
            [dict(t) for t in pat] for pat in pre.get("source_patterns") or ()
        ]
        if not self.patterns:
            self.patterns = [[{"LOWER": "according"}, {"LOWER": "to"}]]
        self.stance: dict[str, str] = {}
        for stance, words in (pre.get("stance_cues") or {}).items():
            for word in words or ():
                self.stance.setdefault(str(word).lower(), str(stance))
        self._matchers: dict[int, Any] = {}
        self.args: ArgumentPatterns = patterns_of(pre)
        self.stance_words: dict[str, str] = {}
        for stance, words in (pre.get("stance_words") or {}).items():
            for word in words or ():
                self.stance_words.setdefault(str(word).lower(), str(stance))
        # The stance word of a token: its lemma's, else its lower-case form's.
        self._stance_by_lemma = IdTable(self.stance_words, fold=True)
        self._stance_by_form = IdTable(self.stance_words, fold=False)
        # DEP ids of the labels the content scans look for (``_before_other_speaker``,
        # ``_before_comment``)
        self._aside_deps = string_ids(_ASIDE_DEPS)
        self._comment_deps = string_ids(("appos", "npadvmod"))

    @property
    def first_words(self) -> set[str]:
        """Words a cue can start with (for a fast pre-selection of tokens)."""
        words = set(self.reporting) | set(self.nouns) | set(self.adjectives)
        for pat in self.patterns:
            first = pat[0] if pat else {}
            for key in ("LOWER", "LEMMA", "ORTH"):
                if isinstance(first.get(key), str):
                    words.add(str(first[key]).lower())
        return words

    def _matcher(self, doc: Doc) -> Any:
        matcher = self._matchers.get(id(doc.vocab))
        if matcher is None:
            from spacy.matcher import Matcher

            matcher = Matcher(doc.vocab)
            matcher.add("SOURCE", self.patterns)
            self._matchers[id(doc.vocab)] = matcher
        return matcher

    def _is_reporting(self, tok: Token) -> bool:
        """A reporting verb that reports here: no ``claim_not_cue`` pattern matches from it
        ("they were denied visas" refuses, it reports nothing)."""
        if tok.lower_ in self.adjectives and tok.pos_ in ("ADJ", "VERB"):
            # "was confident that ...", "are concerned the ...": only with a clause
            return any(c.dep_ == "ccomp" for c in tok.children)
        return (
            tok.pos_ == "VERB"
            and tok.lemma_.lower() in self.reporting
            and not _bare_gerund(tok)
            and self.args.any("claim_not_cue", tok) is None
        )

    def stance_of(self, cue: Token | None) -> str:
        if cue is None:
            return "neutral"
        return self.stance.get(cue.lemma_.lower(), "neutral")

    def find(  # noqa: C901 - one pass per kind of claim cue (verbs, nouns, quotes, according to)
        self,
        doc: Doc,
        actors: SpanIndex,
        sents: SentIndex,
        candidates: Iterable[int] | None = None,
    ) -> tuple[list[Cand], list[RelCand]]:
        """Claims of a parsed doc. ``candidates``: indices of tokens whose lemma or form may
        start a cue (all tokens when None)."""
        if not doc.has_annotation("DEP"):
            return [], []
        text = sents.text
        quotes = find_quotes(text)
        long_quotes = [
            q
            for q in quotes
            if len(text[q.inner_start : q.inner_end].split()) >= MIN_QUOTE_WORDS
            and not in_quote(q.start, (o for o in quotes if o is not q))
        ]
        toks = [doc[i] for i in candidates] if candidates is not None else list(doc)
        verbs = [t for t in toks if self._is_reporting(t) and not in_quote(t.idx, long_quotes)]
        sources: list[tuple[Token, Token]] = []  # (cue's first token, cue's last token)
        for _, lo, hi in self._matcher(doc)(doc):
            if doc[lo].lower_ == "for" and not _gives_a_view(doc, hi):
                continue  # "For Maria Gonzalez, the notice came on a Tuesday": no view of hers
            if not in_quote(doc[lo].idx, long_quotes):
                # the cue is the phrase's last preposition: "according *to*", "in the words
                # *of*", "*For* indigenous leader X,"
                last = next((t for t in reversed(doc[lo:hi]) if t.pos_ == "ADP"), doc[hi - 1])
                sources.append((doc[lo], last))
        found: list[tuple[Cand, Token | None, Token | None]] = []  # claim, source, cue
        used: set[int] = set()
        # Reported content first: a short quotation inside it (a scare quote) is part of it.
        reported: list[tuple[Cand, Token | None, Token]] = []
        for verb in verbs:
            content = self._content(verb)
            if content is None:
                continue
            start, end = _one_paragraph(text, *_char_range(content))
            colon = _COLON_QUOTE.search(text, start, end)
            if colon is not None:
                end = colon.start()  # 'said X "must be well thought out": "Moves to ..."'
            if end <= start:
                continue
            start, end = _balanced(text, start, end)
            claim = Cand(
                start, end, "CLAIM", SCORE_REPORTED, {"form": "reported"}, source="reporting_verb"
            )
            found_source = self.args.first("claim_source", verb)
            source = found_source.arg if found_source is not None else None
            tag = _trailing_speaker(verb) if found_source is None else None
            if tag is not None:
                # "X encrypted records at three hospitals, a spokeswoman for the group, Anke
                # Vogel, said": the parser hung the speaker inside the content
                source, opening = tag
                end = min(claim.end, doc[opening - 1].idx)
                claim.start, claim.end = _balanced(text, *_trimmed_chars(text, claim.start, end))
                if claim.end <= claim.start:
                    continue
            if _agentless_passive(verb) and (
                found_source is None or found_source.name not in _PASSIVE_SOURCES
            ):
                # "she was told that ...", "it was announced", "X is believed to bring luck":
                # no actor says it (the subject of a verb it is joined to does not either)
                continue
            if _imperative(verb):
                continue  # "suggest what the flag should mean": a request to the reader
            if _names_itself(verb):
                continue  # "a group calling itself Black Harbor": a name, no claim
            reported.append((claim, source, verb))
        for noun in (t for t in toks if t.pos_ == "NOUN" and t.lemma_.lower() in self.nouns):
            clause = self._content(noun)
            if clause is None:
                continue
            source = self.args.argument("claim_source", noun)
            if source is None:
                continue
            start, end = _one_paragraph(text, *_char_range(clause))
            if end > start:
                claim = Cand(
                    start, end, "CLAIM", SCORE_REPORTED, {"form": "reported"}, source="noun"
                )
                reported.append((claim, source, noun))
        inside: set[int] = set()  # quotes that are only part of a reported claim
        for claim, source, cue in reported:
            over = [q for q in long_quotes if q.start < claim.end and claim.start < q.end]
            covered = sum(
                min(q.inner_end, claim.end) - max(q.inner_start, claim.start) for q in over
            )
            if over and covered >= _QUOTE_SHARE * (claim.end - claim.start):
                continue  # the quotation is (nearly) all the clause: it is the claim
            inside.update(id(q) for q in over)
            found.append((claim, source, cue))
            used.add(cue.i)
        # Quotations: the nearest cue names the speaker.
        cues = verbs + [last for _, last in sources]
        for q in long_quotes:
            if id(q) in inside:
                continue
            qcue = self._cue_for_quote(doc, q, cues, sents)
            if qcue is None and _after_a_word(text, q.start):
                continue  # 'register as "pursuing the interests of ..."': a term, no speech
            source = self._source_of(qcue) if qcue is not None else _signed(doc, text, q.end)
            claim = Cand(
                q.inner_start,
                q.inner_end,
                "CLAIM",
                SCORE_QUOTE if qcue is not None else SCORE_QUOTE_NO_SPEAKER,
                {"form": "direct_quote"},
                source="quote",
            )
            if qcue is not None:
                used.add(qcue.i)
            found.append((claim, source, qcue))
        taken = [(c.start, c.end) for c, _, _ in found]
        for claim, speaker in _speaker_lines(doc, text, actors):
            if not any(a < claim.end and claim.start < b for a, b in taken):
                found.append((claim, speaker, None))
        for first, last in sources:
            if last.i in used:
                continue
            rng = self._according_clause(first, last, sents)
            if rng is not None:
                rng = _one_paragraph(text, *rng)
            if rng is None or rng[1] <= rng[0]:
                continue
            if any(q.start < rng[1] and rng[0] < q.end for q in long_quotes):
                continue
            claim = Cand(
                rng[0], rng[1], "CLAIM", SCORE_REPORTED, {"form": "reported"}, source="according_to"
            )
            found.append((claim, self._source_of(last), last))
        claims: list[Cand] = []
        rels: list[RelCand] = []
        last_actor: Cand | None = None
        last_end = -1
        words: list[list[int]] = []  # the doc's lemma and lower-case ids, read on first need
        for claim, source, fcue in sorted(found, key=lambda f: f[0].start):
            if source is not None and self._not_an_actor(source):
                continue  # "the report says", "estimates suggest": no actor, no claim
            if claim.attrs.get("form") == "reported" and any(
                q.inner_start <= claim.start and claim.end <= q.inner_end for q in quotes
            ):
                claim.attrs["form"] = "direct_quote"  # '"Words are cheap," the group said'
            claim.attrs["stance"] = self.stance_of(fcue)
            if claim.attrs["stance"] == "neutral" and self.stance_words:
                if not words:
                    words = [self.args.column(doc, "LEMMA"), self.args.column(doc, "LOWER")]
                claim.attrs["stance"] = self._content_stance(doc, claim, words)
            continuation = None
            if (
                source is None
                and claim.source == "quote"
                and last_actor
                and not self._written_on(fcue)
            ):
                # A quotation without a cue continues the previous speaker's words.
                if sents.number(claim.start) - sents.number(max(0, last_end - 1)) <= 3:
                    continuation = last_actor
            if continuation is not None:
                rels.append(RelCand("claimant", claim, continuation, SCORE_CLAIMANT_GUESS))
                found_actor: Cand | None = continuation
            else:
                found_actor = self._link(claim, source, actors, last_actor, rels)
            claims.append(claim)
            if found_actor is not None and claim.end > last_end:
                # (a claim nested in the last one leaves its speaker the current one)
                last_actor, last_end = found_actor, claim.end
        return claims, rels

    def _content_stance(self, doc: Doc, claim: Cand, words: list[list[int]]) -> str:
        """Stance from evaluative words in the content: a side needs two more than the other.
        ``words``: the doc's lemma ids and lower-case form ids."""
        span = doc.char_span(claim.start, claim.end, alignment_mode="expand")
        if span is None:
            return "neutral"
        votes = {"oppose": 0, "support": 0}
        strings = doc.vocab.strings
        by_lemma, by_form = self._stance_by_lemma.get, self._stance_by_form.get
        lemmas, forms = words
        for i in range(span.start, span.end):
            side = by_lemma(strings, lemmas[i]) or by_form(strings, forms[i])
            if side in votes:
                votes[side] += 1
        if votes["oppose"] >= votes["support"] + 2:
            return "oppose"
        if votes["support"] >= votes["oppose"] + 2:
            return "support"
        return "neutral"

    def _artifact(self, tok: Token) -> bool:
        """``tok`` is a noun of the scheme's ``artifact_nouns``, by lemma or form ("data",
        whose lemma is "datum")."""
        return tok.lemma_.lower() in self.artifacts or tok.lower_ in self.artifacts

    def _written_on(self, cue: Token | None) -> bool:
        """The cue says what a thing reads ("signs reading ...", "a banner saying ..."): its
        quotation is nobody's earlier words."""
        if cue is None or cue.dep_ != "acl":
            return False
        return self._artifact(cue.head)

    def _not_an_actor(self, source: Token) -> bool:
        if not self._artifact(source) or source.lemma_.lower() in _STATEMENT_NOUNS:
            return False
        return self.args.argument("claim_owner", source) is None

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
            verbs = [t for t in doc if self._is_reporting(t) and not in_quote(t.idx, quotes)]
            cue = self._cue_for_quote(doc, quote, verbs, sents)
            source = self._source_of(cue) if cue is not None else None
        else:
            span = doc.char_span(claim.start, claim.end, alignment_mode="expand")
            tok = span.root if span is not None and len(span) else None
            for _ in range(3):
                if tok is None or tok.head.i == tok.i:
                    break
                tok = tok.head
                if self._is_reporting(tok):
                    source = self.args.argument("claim_source", tok)
                    break
        rels: list[RelCand] = []
        self._link(claim, source, actors, last, rels)
        return rels[0] if rels else None

    # -- helpers -----------------------------------------------------------------------------

    def _cue_for_quote(
        self, doc: Doc, q: Quote, cues: list[Token], sents: SentIndex
    ) -> Token | None:
        """The cue nearest to a quote in its sentences; else, when the text before the quote
        ends with a colon, the verb of the clause before the colon ("She continued: ...")."""
        first, last = sents.number(q.start), sents.number(max(q.start, q.end - 1))
        lo, hi = sents.chars[first][0], sents.chars[last][1]
        if hi - q.end <= 3 and last + 1 < len(sents.chars):
            # '"Isn't it past your jail time?" Kimmel joked.': the question or exclamation ends
            # the sentence and its speech tag is the next, short one on the same line
            tag_end = sents.chars[last + 1][1]
            if tag_end - q.end <= _TAG_REACH and "\n" not in sents.text[q.end : tag_end].rstrip():
                hi = tag_end
        before = sents.text[max(0, q.start - 200) : q.start].rstrip()
        colon = before.endswith(":")
        if colon and first > 0:
            lo = sents.chars[first - 1][0]
        best: tuple[int, int, Token] | None = None
        for tok in cues:
            if not (lo <= tok.idx < hi) or q.start <= tok.idx < q.end:
                continue
            # A cue whose clause holds the quotation governs it, the innermost first ('said
            # her client "looks forward to ..." and called'); else the nearest one.
            left, right = tok.left_edge, tok.right_edge
            holds = left.idx <= q.inner_start and q.inner_end <= right.idx + len(right)
            rank = (0, right.i - left.i) if holds else (1, abs(_gap(tok, q)))
            if best is None or rank < best[:2]:
                best = (*rank, tok)
        if best is not None:
            return best[2]
        if colon:
            pos = q.start - (len(sents.text[: q.start]) - len(sents.text[: q.start].rstrip())) - 1
            span = doc.char_span(pos, pos + 1, alignment_mode="expand")
            if span is not None and len(span):
                head = span[0].head
                if head.pos_ in ("VERB", "AUX") and self.args.first("claim_source", head):
                    return head
        return None

    def _source_of(self, cue: Token) -> Token | None:
        """The claimant token of a cue: the ``claim_source`` patterns from the cue."""
        return self.args.argument("claim_source", cue)

    def _content(self, cue: Token) -> Span | None:
        """The content of a cue: the ``claim_content`` patterns from the cue (the subtrees of
        their arg* nodes, without a leading "that"), else, for a parenthetical "..., he said,
        ...", the clause the cue interrupts."""
        found = self.args.first("claim_content", cue)
        if found is not None and found.name == "clause" and _bare_participle(found.arg):
            return None  # "pointed to the table with soup served with ...": no clause
        if found is not None:
            toks = found.arg_tokens()
            lo = min(t.left_edge.i for t in toks)
            if found.name == "clause":
                lo = _subject_taken_for_object(cue, found.arg, lo)
            hi = max(t.right_edge.i for t in toks) + 1
            for second in cue.rights:
                if second.i >= hi and second.dep_ == "conj" and _marked_that(second):
                    hi = second.right_edge.i + 1  # "said X but that Y": the parser's conjunct
            hi = self._before_other_speaker(cue, lo, hi)
            hi = self._before_comment(cue.doc, lo, hi)
            if lo < cue.i < hi:
                lo = cue.i + 1  # "the count, which the commission says could take a month"
            if hi <= cue.i and any(t.text == ";" for t in cue.doc[hi : cue.i]):
                return None  # "Israel says X; Gaza officials report 30 dead": another clause
            lo = _after_time(cue, lo, hi)
            if (
                found.name == "clause"
                and lo == cue.i + 1
                and cue.doc[lo].lower_ == "that"
                and cue.doc[lo].dep_ == "det"
            ):
                lo += 1  # "warned that deforestation remained": the parser's determiner
            return _strip_leading(cue.doc[lo:hi])
        if cue.pos_ != "VERB":
            return None
        after_that = _after_that(cue) or _unparsed_clause(cue)
        if after_that is not None:
            return after_that
        if cue.dep_ != "parataxis" and self._is_reporting(cue.head):
            return None  # "X said that it did not agree": the clause is content, no cue
        return _parenthetical(cue)

    def _before_other_speaker(self, cue: Token, lo: int, hi: int) -> int:
        """The end of a cue's content before a contrasting clause or an aside in which someone
        else speaks: "X warned that costs were rising, while Y said ...", "..., as officials
        reported damage" (the parser hangs Y's clause on X's content). A clause the content
        embeds ("said that Y told ...") stays."""
        doc = cue.doc
        deps, aside = self.args.column(doc, "DEP"), self._aside_deps  # ids: no Token read
        for i in range(max(0, lo), min(hi, len(doc))):
            if deps[i] not in aside or i == cue.i:
                continue
            tok = doc[i]
            if not self._is_reporting(tok):
                continue
            if (
                tok.dep_ == "relcl"
                and tok.right_edge.i >= hi - 2
                and any(c.dep_ == "nsubj" and c.tag_ not in ("WDT", "WP") for c in tok.children)
                and any(c.tag_ in ("WDT", "WP") for c in tok.children)  # not "all I can say"
            ):
                # "accuse the army of abuses, which the authorities deny": another's voice at
                # the end ("X, which Y says could take a month, would start" stays whole)
                return max(lo + 1, tok.left_edge.i)
            if tok.dep_ not in ("advcl", "conj"):
                continue
            if not any(c.dep_ == "nsubj" for c in tok.children):
                if (
                    tok.dep_ == "advcl"
                    and tok.tag_ == "VBG"
                    and tok.i > lo
                    and any(c.dep_ == "ccomp" for c in tok.children)
                ):
                    # "said it struck X, adding that ...": the speaker's second cue
                    return max(lo + 1, tok.left_edge.i)
                contrast = any(c.dep_ == "cc" and c.lower_ == "but" for c in tok.head.children)
                if (
                    tok.dep_ == "conj"
                    and tok.tag_ == cue.tag_ in ("VBD", "VBZ")
                    and (tok.head.tag_ != tok.tag_ or contrast)
                ):
                    # "said the line had been repaired and warned that ...": the speaker's
                    # second cue, which the parser hung on the content (a verb of the
                    # content's own form goes on with it, "X walked in and told police",
                    # unless "but" sets it apart: "deserved the win but criticised")
                    return max(lo + 1, tok.left_edge.i)
                continue
            marks = {c.lower_ for c in tok.children if c.dep_ in ("mark", "cc")}
            if "that" in marks:
                continue  # "said X but that Y": more content
            if tok.dep_ == "advcl" and not marks & _OTHER_VOICE:
                continue
            return max(lo + 1, tok.left_edge.i)
        return hi

    def _before_comment(self, doc: Doc, lo: int, hi: int) -> int:
        """The end of the content before the writer's comment on it, apposed to its last noun:
        "claimed its forces had captured X, a claim that could not be verified"."""
        deps, comment = self.args.column(doc, "DEP"), self._comment_deps  # ids: no Token read
        for i in range(max(0, lo + 1), min(hi, len(doc))):
            if deps[i] not in comment:
                continue
            tok = doc[i]
            if (
                tok.right_edge.i >= hi - 2  # it closes the content
                and tok.lemma_.lower() in self.nouns
                and doc[tok.left_edge.i - 1].text == ","
                and any(c.dep_ == "det" and c.lower_ in ("a", "an") for c in tok.children)
            ):
                return tok.left_edge.i - 1
        return hi

    @staticmethod
    def _according_clause(first: Token, last: Token, sents: SentIndex) -> tuple[int, int] | None:
        """The sentence without its source phrase ("according to X"): the larger side."""
        s_start, s_end = sents.tokens[sents.number(first.idx)]
        doc = first.doc
        phrase_lo = min(first.i, first.left_edge.i if first.dep_ == "prep" else first.i)
        phrase_hi = max(last.right_edge.i + 1, last.i + 1, first.right_edge.i + 1)
        phrase_hi = _subject_left_in(doc, first, phrase_lo, phrase_hi)
        left = doc[s_start:phrase_lo]
        right = doc[phrase_hi:s_end]
        side = left if len(left) >= len(right) else right
        if side is right and _opens_new_clause(right) and _trimmed(left) is not None:
            side = left  # "X did this, according to W, and police did that": the first
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
        score = SCORE_CLAIMANT
        lemma = subj.lemma_.lower()
        owned = lemma in _STATEMENT_NOUNS or self._artifact(subj)
        poss = self.args.argument("claim_owner", subj) if owned else None
        if poss is not None:
            # "Cornyn's statement added", "the UN report", "a readout released by Tokyo"
            actor = actor_for(poss, actors, speaker=True)
        elif not is_pronoun(subj) and lemma in _STATEMENT_NOUNS:
            actor, score = last, SCORE_CLAIMANT_GUESS
        else:
            actor = actor_for(subj, actors, speaker=True)
            if actor is None and is_pronoun(subj) and subj.lower_ not in _INDEFINITE:
                actor, score = _preceding_actor(subj, actors), SCORE_CLAIMANT_GUESS
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


# A reported clause is the claim, a quotation in it a part of it (the guidelines: a direct
# quote only when all the content is quoted), unless the quotation is nearly all of it.
_QUOTE_SHARE = 0.85
# A colon opening a quotation: what follows is a direct quote of its own, not reported content.
_COLON_QUOTE = re.compile(r':\s*["“]')
# Patterns that name the speaker of a passive cue ("was quoted as saying", "told by police").
_PASSIVE_SOURCES = frozenset({"quoted_as_saying", "passive_by", "subject_of_state"})
# Subjects that name someone new, not an earlier actor ("Another said", "Some said").
_INDEFINITE = frozenset(
    "another other others some many several few most both all each everyone everybody anyone"
    " anybody someone somebody nobody none".split()
)
_QUOTE_MARKS = '"“”'
_ASIDE_DEPS = frozenset({"advcl", "conj", "relcl"})  # where a second cue hangs in a content
# Verbs of a sentence that gives someone's view after "For X,": "For X, the problem is simple".
_VIEW_VERBS = frozenset("be seem remain mean matter look feel appear sound".split())
_TAG_REACH = 60  # characters after a quotation that ends its sentence where its tag may be
# Marks of a clause beside the content in which someone else speaks: "..., while Y said",
# "..., as officials reported damage" (an aside, not the claim's).
_OTHER_VOICE = frozenset({"while", "whereas", "but", "as"})
# Dependents that give a verb content of its own: such a verb is no speech tag ("he said").
_COMPLEMENTS = frozenset({"dobj", "dative", "xcomp", "ccomp", "oprd", "acomp"})
_OBJECTS = frozenset({"dobj", "dative"})
_HEARER_CUES = frozenset({"tell", "inform", "assure", "remind", "warn", "brief"})  # object: who


def _balanced(text: str, start: int, end: int) -> tuple[int, int]:
    """A reported claim with as many quotation marks opened as closed: past the closing mark
    (and the point before it) when it quotes its last words ('the comments were "dangerous
    and misleading."'), else from the opening mark when it quotes its first ('that "talent
    is spread across every background" and that ...')."""
    if sum(text.count(m, start, end) for m in _QUOTE_MARKS) % 2 == 0:
        return start, end
    if end < len(text) and text[end] in _QUOTE_MARKS:
        return start, end + 1
    if end + 1 < len(text) and text[end] in ".,!?" and text[end + 1] in _QUOTE_MARKS:
        return start, end + 2
    if start > 0 and text[start - 1] in _QUOTE_MARKS:
        return start - 1, end
    return start, end


# A line that a speaker's name opens with a colon: "Police: Man shot in stolen car",
# "Leah Brandt: I grew up here, ..." (headline attributions and interview transcripts).
_SPEAKER_LINE = re.compile(r"(?m)^([^\W\d_][\w .'’-]{1,39}):[ \t]+(\S[^\n]*)")


def _speaker_lines(doc: Doc, text: str, actors: SpanIndex) -> list[tuple[Cand, Token]]:
    """Claims of lines a speaker opens ("Lawyer: Lindsay Lohan checks into rehab"): the rest
    of the line, said by the actor the words before the colon name. Words that name no actor
    ("Image:", "Updated:", "She continued:") and names of things or events (a topic: "FIFA
    World Cup 2018 day five:") make none."""
    out: list[tuple[Cand, Token]] = []
    names: set[str] | None = None
    for line in _SPEAKER_LINE.finditer(text):
        span = doc.char_span(line.start(1), line.end(1), alignment_mode="expand")
        if span is None or not len(span):
            continue
        head = span.root
        if any(t.pos_ in ("VERB", "AUX", "NUM") for t in span):
            continue  # "Police say that on Saturday around 11:", "Between 10:"
        if head.ent_type_ and head.ent_type_ != "PERSON":
            continue  # "FIFA World Cup 2018 day five:", "AMD to Acquire SeaMicro:": a topic
        if head.pos_ == "PROPN" and not head.ent_type_:
            # a name the recogniser missed here ("Leah Brandt:" opening an answer) counts
            # when the document names that actor elsewhere
            if names is None:
                names = {text[c.start : c.end] for c in actors.items if c.label == "ACTOR"}
            if line.group(1).strip() not in names:
                continue
        elif head.pos_ not in ("NOUN", "PROPN") or actor_for(head, actors) is None:
            continue
        start, end = line.span(2)
        while end > start and (text[end - 1].isspace() or text[end - 1] in ".,;:"):
            end -= 1
        if end > start:
            claim = Cand(
                start, end, "CLAIM", SCORE_REPORTED, {"form": "reported"}, source="speaker_line"
            )
            out.append((claim, head))
    return out


def _after_that(cue: Token) -> Span | None:
    """What follows "that" right after a cue the parser gave no clause ("Wilkins observed
    that the starting date ... coincided with ...", parsed with "date" as the object): to the
    end of the cue's phrase."""
    doc = cue.doc
    if cue.i + 2 >= len(doc) or doc[cue.i + 1].lower_ != "that" or doc[cue.i + 1].dep_ != "mark":
        return None
    end = cue.right_edge.i + 1
    return _trim_span(doc[cue.i + 2 : end]) if end > cue.i + 3 else None


def _subject_left_in(doc: Doc, first: Token, lo: int, hi: int) -> int:
    """Where the clause after a source phrase starts when the parser cut the phrase wrong: the
    clause's subject made an apposition in the phrase ("According to a statement from the
    army, the commander, Ahmed Ghandour, was hiding ...": the verb has no subject of its
    own) starts it; the source's own apposition left after the phrase does not."""
    verb = first.head
    if hi >= len(doc) or verb.i < hi or verb.pos_ not in ("VERB", "AUX"):
        return hi
    subjects = [c for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "expl", "csubj")]
    if subjects:
        # "According to Ahmed Ali, a spokesman for the group, the talks failed": an apposition
        # of the source the parser left outside the phrase is still the source's
        start = subjects[0].left_edge.i
        commas = [t.i for t in doc[hi:start] if t.text == ","]
        if start > hi and commas and not any(t.pos_ in ("VERB", "AUX") for t in doc[hi:start]):
            return commas[-1] + 1
        return hi
    for tok in doc[lo:hi]:
        if tok.dep_ == "appos" and tok.left_edge.i > lo and doc[tok.left_edge.i - 1].text == ",":
            return tok.left_edge.i
    return hi


def _subject_taken_for_object(cue: Token, clause: Token, lo: int) -> int:
    """Where a reported clause starts when the parser made its subject pronoun the cue's
    object ("Opponents argue it unfairly penalises workers"): at the pronoun."""
    if lo != cue.i + 2 or any(c.dep_ in ("nsubj", "nsubjpass") for c in clause.children):
        return lo
    pron = cue.doc[cue.i + 1]
    if pron.dep_ == "dobj" and pron.head.i == cue.i and pron.lower_ in _SUBJECT_PRONOUNS:
        return pron.i
    return lo


_SUBJECT_PRONOUNS = frozenset("it they this he she we".split())


def _gives_a_view(doc: Doc, start: int) -> bool:
    """The clause from ``start`` says how something is ("the problem is simple"): its first
    verb is one of ``_VIEW_VERBS``."""
    end = doc[start].sent.end if start < len(doc) else start
    verb = next((t for t in doc[start:end] if t.pos_ in ("VERB", "AUX")), None)
    return verb is not None and verb.lemma_ in _VIEW_VERBS


def _marked_that(verb: Token) -> bool:
    """A clause opened by "that" (a second reported clause: "said X but that Y")."""
    return any(c.dep_ == "mark" and c.lower_ == "that" for c in verb.children)


def _bare_participle(verb: Token) -> bool:
    """A past form with no subject and no auxiliary is no clause that says something
    ("the soup served with Kool Aid"), whatever the parser hung it on."""
    if verb.tag_ == "VBD" and not (verb.i and verb.doc[verb.i - 1].pos_ in ("NOUN", "PROPN")):
        return False  # a finite verb after anything but the noun it would modify
    return verb.tag_ in ("VBN", "VBD") and not any(
        c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass", "expl", "csubj") for c in verb.children
    )


def _imperative(cue: Token) -> bool:
    """A cue in the imperative ("Tell us what you think", "suggest what the flag should
    mean"): a base form heading its clause with no subject and no auxiliary."""
    return (
        cue.tag_ == "VB"
        and cue.dep_ in ("ROOT", "conj")
        and not any(c.dep_ in ("nsubj", "nsubjpass", "aux", "auxpass") for c in cue.children)
        and not (cue.dep_ == "conj" and cue.head.tag_ != "VB")
    )


def _names_itself(cue: Token) -> bool:
    """A verb by which someone gives itself a name ("calling itself Black Harbor", "who
    call themselves the Sons of Liberty")."""
    return any(c.dep_ == "dobj" and c.lower_ in _REFLEXIVE for c in cue.children) and any(
        c.dep_ in ("oprd", "xcomp", "attr") for c in cue.children
    )


_REFLEXIVE = frozenset("itself themselves himself herself ourselves myself".split())


def _agentless_passive(cue: Token) -> bool:
    """A passive cue without a "by" phrase ("she had been told that ...")."""
    kids = [c.dep_ for c in cue.children]
    return ("auxpass" in kids or "nsubjpass" in kids) and "agent" not in kids


def _trailing_speaker(cue: Token) -> tuple[Token, int] | None:
    """The speaker of a speech tag with no subject that closes its sentence, when the parser
    hung the speaker inside the content: a name set off by commas right before the cue,
    with a noun phrase in apposition before it ("..., a spokeswoman for the group, Anke
    Vogel, said."), and the index of the first token of the speaker's words."""
    doc = cue.doc
    if cue.pos_ != "VERB" or cue.i < 4 or doc[cue.i - 1].text != ",":
        return None
    if any(c.dep_ in _SUBJECTS for c in cue.children):
        return None
    if cue.i + 1 < len(doc) and not doc[cue.i + 1].is_punct:
        return None  # "..., Vogel said on Monday that ...": not a closing tag
    name = doc[cue.i - 2]
    if name.pos_ != "PROPN" or name.ent_type_ not in _SPEAKER_ENTS:
        return None
    first = name.left_edge.i
    if first < 2 or doc[first - 1].text != "," or name.right_edge.i != name.i:
        return None
    # the noun phrase in apposition before the name: words back to the comma before them
    k = first - 2
    while k > 0 and not doc[k].is_punct and doc[k].pos_ not in ("VERB", "AUX"):
        k -= 1
    if k < first - 2 and doc[k].text == "," and doc[k + 1].pos_ in _PHRASE_START:
        first = k + 1
    return name, first


_PHRASE_START = frozenset({"DET", "NOUN", "PROPN", "ADJ", "PRON"})
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj", "expl"})
_SPEAKER_ENTS = frozenset({"PERSON", "ORG"})


def _trimmed_chars(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without the spaces and commas at its end."""
    while end > start and text[end - 1] in " ,\n":
        end -= 1
    return start, end


def _unparsed_clause(cue: Token) -> Span | None:
    """The clause right after "said" that the parser broke into loose words ("said the
    strike could last weeks", with "last" an adjective and "weeks" an adverbial): the rest
    of the cue's phrase when it starts with a noun phrase and holds a modal or a finite
    verb. A speech tag ("..., he said.") has nothing after it."""
    doc = cue.doc
    if cue.lemma_ != "say" or cue.i + 3 >= len(doc):
        return None
    end = cue.right_edge.i + 1
    words = [t for t in doc[cue.i + 1 : end] if not (t.is_punct or t.is_space)]
    if len(words) < 3 or words[0].pos_ not in ("DET", "NOUN", "PROPN", "PRON", "NUM", "ADJ"):
        return None
    if any(t.dep_ in _COMPLEMENTS or t.dep_ == "prep" for t in cue.rights):
        return None
    if not any(t.tag_ in ("MD", "VBD", "VBZ", "VBP") for t in words):
        return None
    return _trim_span(doc[cue.i + 1 : end])


def _bare_gerund(tok: Token) -> bool:
    """An -ing form heading its sentence with no auxiliary is a noun the parser made a verb
    ("Quake hits Indonesia, no tsunami warning"), not a finite cue."""
    return (
        tok.tag_ == "VBG"
        and tok.dep_ == "ROOT"
        and not any(c.dep_ in ("aux", "auxpass") for c in tok.children)
    )


def _gap(tok: Token, q: Quote) -> int:
    """Characters between a cue and a quotation."""
    return q.start - tok.idx if tok.idx < q.start else tok.idx - q.end


def _word_range(span: Span) -> tuple[int, int] | None:
    """Token range of ``span`` from its first to its last token that is neither punctuation
    nor space (only the ends are read)."""
    doc, lo, hi = span.doc, span.start, span.end
    while lo < hi and (doc[lo].is_punct or doc[lo].is_space):
        lo += 1
    if lo == hi:
        return None
    while doc[hi - 1].is_punct or doc[hi - 1].is_space:
        hi -= 1
    return lo, hi


def _trim_span(span: Span) -> Span | None:
    words = _word_range(span)
    return span.doc[words[0] : words[1]] if words is not None else None


# A pull quote signed after a dash on its line: '"…" - Matthew Ingram'.
_SIGNATURE = re.compile(r"[ \t]*[-—–][ \t]*(?=[A-Z])")


def _signed(doc: Doc, text: str, end: int) -> Token | None:
    """The first word of a person's name that signs a quotation ending at ``end``."""
    sign = _SIGNATURE.match(text, end)
    if sign is None:
        return None
    span = doc.char_span(sign.end(), sign.end() + 1, alignment_mode="expand")
    if span is None or not len(span) or span[0].ent_type_ != "PERSON":
        return None
    return span[0]


def _opens_new_clause(span: Span) -> bool:
    """``span`` (after a source phrase) starts with a coordinating conjunction: ", and ..."."""
    words = _word_range(span)
    return words is not None and span.doc[words[0]].pos_ == "CCONJ"


def _after_a_word(text: str, pos: int) -> bool:
    """A word comes right before ``pos`` on its line (a quotation that is a phrase of its
    sentence, not one set off by a comma, colon or line break)."""
    before = text[max(0, pos - 40) : pos].rstrip(" \t")
    return bool(before) and before[-1].isalnum()


def _one_paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut a range at its first line break (sentence splitting across headlines is common)
    and after a dateline it starts with."""
    if start == 0 or text[start - 1] == "\n":
        dateline = DATELINE.match(text, start, end)
        if dateline is not None and dateline.end() < end:
            start = dateline.end()
    cut = text.find("\n", start, end)
    if cut == -1:
        return start, end
    end = cut
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:"):
        end -= 1
    return start, end if end > start else cut


def _after_time(cue: Token, lo: int, hi: int) -> int:
    """Where a content right after its cue starts once a time phrase the parser gave the
    clause is left to the cue: "said on Thursday it would cut", "said Tuesday that"."""
    doc = cue.doc
    if lo != cue.i + 1 or hi - lo < 3:
        return lo
    first = doc[lo]
    phrase = first if first.left_edge.i == lo else None
    if phrase is None or phrase.dep_ not in ("prep", "npadvmod", "advmod", "tmod"):
        return lo
    end = phrase.right_edge.i + 1
    if end >= hi or not any(t.ent_type_ in ("DATE", "TIME") for t in doc[lo:end]):
        return lo
    rest = doc[end:hi]
    if not any(t.dep_ in ("nsubj", "nsubjpass", "expl") for t in rest):
        return lo  # "said on Thursday to ...": no clause of its own follows
    return end


def _transcript_label(tok: Token) -> bool:
    """A transcript's label opening a line: "Q:", "A:", a speaker's initials ("JB:")."""
    doc = tok.doc
    return (
        tok.i + 1 < len(doc)
        and doc[tok.i + 1].text == ":"
        and 1 <= len(tok.text) <= 3
        and tok.text.isupper()
        and (tok.idx == 0 or doc.text[tok.idx - 1] == "\n")
    )


def _strip_leading(span: Span) -> Span:
    """A content span without a leading "that"/"whether" mark (or a "that" the parser made
    a relative pronoun), punctuation or space, nor a trailing conjunction ("crews were
    working to restore power but warned ...")."""
    doc = span.doc
    lo, hi = span.start, span.end
    if hi - lo > 2 and _transcript_label(doc[lo]):
        lo += 2  # "A: That depends on where you go, says X": the answer, not its label
    while lo < hi and (
        doc[lo].dep_ == "mark"
        or (doc[lo].lower_ == "that" and doc[lo].dep_ in ("dobj", "advmod"))  # as a relative
        or doc[lo].is_punct
        or doc[lo].is_space
    ):
        lo += 1
    while hi > lo + 1 and (doc[hi - 1].dep_ == "cc" or doc[hi - 1].is_space):
        hi -= 1
    return doc[lo:hi] if lo < hi else span


def _parenthetical(verb: Token) -> Span | None:
    """The clause a parenthetical cue interrupts ("The rules, he said, are ..."): the part
    after the cue when the cue has a subject and the clause goes on, else the part before.
    (Ranges of the rest of a clause: no dependency pattern can say this.)"""
    if verb.dep_ not in ("parataxis", "advcl", "ccomp") or verb.head.i == verb.i:
        return None
    if any(
        (c.dep_ == "mark" and c.lower_ != "as")
        or (c.dep_ == "advmod" and c.tag_ == "WRB")
        or (c.dep_ == "aux" and c.lower_ == "to")  # "trained for years to tell them apart"
        for c in verb.children
    ):
        # "that it did not agree": a complement clause; "killed when the army responded": an
        # adverbial clause; only "as X said" is an aside with a mark
        return None
    if _participle_of_subject(verb):
        return None  # "The cuts, agreed with the union, will be made": no one speaks
    hearer = verb.lemma_.lower() in _HEARER_CUES  # "As Heald told The Huffington Post, ..."
    if any(c.dep_ in _COMPLEMENTS and not (hearer and c.dep_ in _OBJECTS) for c in verb.children):
        return None  # "cases surge as officials urge vaccination": the cue has its own content
    head = verb.head
    if head.pos_ not in ("VERB", "AUX") or verb.i <= head.left_edge.i:
        return None
    doc = verb.doc
    lo, hi = verb.left_edge.i, verb.right_edge.i + 1
    last = head.right_edge.i
    if hi <= last and _trim_span(doc[hi : last + 1]) is None:
        hi = last + 1  # only a point or a line break follows: the cue ends the clause
    if hi < last and any(c.dep_ == "nsubj" for c in verb.children):
        after = _trim_span(doc[hi : last + 1])
        if (
            after is not None
            and any(t.pos_ in ("VERB", "AUX") for t in after)  # a clause, not "less than ..."
            and not (after[0].pos_ == "CCONJ" and lo > head.left_edge.i)
            and not (head.i < lo and after.root.head.i == head.i)
        ):
            return after
        # "X fired missiles, the military said, days after Y warned": the clause's verb comes
        # before the cue, so what follows is more of that clause (here an adverbial), X is said
        hi = last + 1  # "X struck, the agency said, but there were no reports": X is said
    if hi >= last and lo > head.left_edge.i:
        return _trim_span(doc[head.left_edge.i : lo])
    return None


def _participle_of_subject(verb: Token) -> bool:
    """A past form set off from its subject by a comma ("The cuts, agreed with the union
    after weeks of talks, will be made"): a participle that modifies the noun, which the
    parser made the subject of a clause."""
    doc = verb.doc
    if verb.tag_ not in ("VBD", "VBN") or verb.i < 2 or doc[verb.i - 1].text != ",":
        return False
    if verb.i + 1 >= len(doc) or doc[verb.i + 1].pos_ not in ("ADP", "ADV"):
        return False  # "Recipients, said Mauer, are required": a speech tag
    return any(
        c.dep_ == "nsubj" and all(t.is_punct for t in doc[c.i + 1 : verb.i]) for c in verb.lefts
    )


def _trimmed(span: Span) -> tuple[int, int] | None:
    words = _word_range(span)
    if words is None:
        return None
    first, last = span.doc[words[0]], span.doc[words[1] - 1]
    return first.idx, last.idx + len(last.text)


def _char_range(span: Span) -> tuple[int, int]:
    rng = _trimmed(span)
    return rng if rng is not None else (span.start_char, span.end_char)
