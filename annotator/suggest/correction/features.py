"""The sparse features of a candidate: of English, not of a text (lemma, part of speech,
dependency, neighbours, the recogniser's label, capitalisation, a verb or subject inside,
inside a quotation), and ``doc=L`` for a head labelled L elsewhere in the document."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span

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
