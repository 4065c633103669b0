"""The sparse features of a candidate: of English, not of a text (lemma, part of speech,
dependency, neighbours, the recogniser's label, capitalisation, a verb or subject inside,
inside a quotation), and ``doc=L`` for a head labelled L elsewhere in the document."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

    from annotator.suggest.actors import ActorLexicon
    from annotator.suggest.correction.candidates import Candidate

QUOTES = '"“”«»„'


def document_features(cands: Sequence[Candidate]) -> None:
    """Add ``doc=L`` to each entity candidate whose head lemma heads another default entity
    suggestion of label L in the same document (a name or a noun is usually labelled alike
    throughout; not for claims and events, whose heads are verbs that recur for any reason)."""
    seen: dict[tuple[str, str], dict[str, int]] = {}
    cands = [c for c in cands if c.group == "entity"]
    lemma = {id(c): next((f for f in c.feats if f.startswith("hl=")), "") for c in cands}
    for c in cands:
        if c.default is not None:
            counts = seen.setdefault((c.group, lemma[id(c)]), {})
            counts[c.default] = counts.get(c.default, 0) + 1
    for c in cands:
        for label, n in seen.get((c.group, lemma[id(c)]), {}).items():
            if n > (c.default == label):
                c.feats.append(f"doc={label}")


def span_features(doc: Doc, span: Span) -> list[str]:
    h = span.root
    lemma = h.lemma_.lower()
    parent = h.head
    first, last = span[0], span[-1]
    before = doc[span.start - 1].lower_ if span.start else "<s>"
    before2 = doc[span.start - 2].lemma_.lower() if span.start > 1 else "<s>"
    after = doc[span.end].lower_ if span.end < len(doc) else "</s>"
    n = len(span)
    feats = [
        "bias",
        f"hl={lemma}",
        f"hp={h.pos_}",
        f"ht={h.tag_}",
        f"hd={h.dep_}",
        f"hpd={h.pos_}|{h.dep_}",
        f"hsh={h.shape_[:4]}",
        f"suf={h.lower_[-3:]}",
        f"suf2={h.lower_[-2:]}",  # agent nouns: -er, -or, -st, -an ...
        f"pl={parent.lemma_.lower()}",
        f"pp={parent.pos_}",
        f"pd={parent.dep_}",
        f"dpl={h.dep_}|{parent.lemma_.lower()}",
        f"fl={first.lower_}",
        f"fp={first.pos_}",
        f"ll={last.lower_}",
        f"len={n if n < 6 else int(math.log2(n)) + 3}",
        f"pv={before}",
        f"pv2={before2}",
        f"nx={after}",
        f"iob={h.ent_type_ or 'O'}",
        f"title={first.is_title}|{h.is_title}",
    ]
    feats.extend(f"in={e.label_}" for e in span.ents)
    words = [t for t in span if t.is_alpha]
    caps = sum(t.is_title or t.is_upper for t in words) / len(words) if words else 0.0
    feats.append(f"caps={'none' if not caps else 'all' if caps == 1 else round(caps * 2) / 2}")
    feats.append(f"verb={any(t.pos_ in ('VERB', 'AUX') for t in span)}")
    feats.append(f"subj={any(t.dep_ in ('nsubj', 'nsubjpass') for t in span)}")
    feats.append(f"inquote={_quoted(doc, span)}")
    return feats


def _quoted(doc: Doc, span: Span) -> bool:
    """Whether ``span`` starts inside a quotation of its sentence (an odd number of quote
    marks before it, or one right before it)."""
    sent_start = span.sent.start if doc.has_annotation("SENT_START") else 0
    marks = sum(1 for t in doc[sent_start : span.start] if t.text in QUOTES or t.text == "''")
    return marks % 2 == 1 or (span.start > 0 and doc[span.start - 1].text in QUOTES)


def mention_key(text: str) -> str:
    """A mention's text as its repeats in one document share it: lower case, without a leading
    "the" and a final possessive ("the Sea Org's" and "Sea Org" are one key)."""
    key = text.lower().replace("’", "'").strip()
    if key.startswith("the "):
        key = key[4:]
    if key.endswith("'s"):
        key = key[:-2]
    return key.strip()


def context_features(doc: Doc, cands: Sequence[Candidate]) -> None:
    """``same=L`` on each entity candidate: the label the default gives most of the other
    mentions with the same text (``mention_key``) in the document, ``same=-`` when it gives
    them none. News writes a participant alike throughout: a country that plays ("Belgium"
    the team) or a group that acts ("the Sea Org") is an actor in every mention, a town a place."""
    ents = [c for c in cands if c.group == "entity"]
    text = doc.text
    keys = [mention_key(text[c.start : c.end]) for c in ents]
    labels: dict[str, dict[str, int]] = {}
    for c, key in zip(ents, keys, strict=True):
        if c.default is not None:
            counts = labels.setdefault(key, {})
            counts[c.default] = counts.get(c.default, 0) + 1
    for c, key in zip(ents, keys, strict=True):
        counts = dict(labels.get(key, {}))
        if c.default is not None:
            counts[c.default] -= 1
        top = max(counts.values(), default=0)
        c.feats.extend(f"same={lab}" for lab, n in sorted(counts.items()) if n and n == top)
        if not top:
            c.feats.append("same=-")


def lexicon_features(head: Token, lexicon: ActorLexicon | None) -> list[str]:
    """What the scheme's word lists say the head noun is (``lex=person``, ``lex=artifact``,
    ...): the English the rules know, as features that generalise across words."""
    if lexicon is None:
        return []
    out = []
    words = {head.lemma_.lower(), head.lower_}
    for word in words:
        kind = lexicon.noun_type.get(word)
        if kind:
            out.append(f"lex={kind}")
    for kind, known in (
        ("artifact", lexicon.artifacts),
        ("facility", lexicon.facilities),
        ("place", lexicon.places),
        ("vehicle", lexicon.vehicles),
    ):
        if words & known:
            out.append(f"lex={kind}")
    if head.lower_.endswith(("er", "ers", "or", "ors", "ist", "ists", "ian", "ians")):
        out.append("lex=agent-suffix")
    return sorted(set(out))
