"""A correction layer learned from the team's labels, on top of the default suggestions.

The default pipeline (pretrained entity recogniser, parser, claim and event rules) proposes
candidates; a small softmax regression per group, trained on the team's layer, scores them.
It is *stacked* on the default: the default suggestion is its strongest input and the
decision (``stack_decide``) starts from it:

* a default suggestion stays unless the model relabels it (another label of its group likelier
  than its own, above that label's relabel threshold) or is confident it is wrong (no-span
  probability above its label's drop threshold);
* any other candidate is added only where the default has no span of that label with the same
  head or mostly the same characters (``eligible``), above the label's add threshold.

Training targets follow (``targets``): a default suggestion is right when it matches a gold
span with only the default suggestions matched (the scorer's greedy one-to-one overlap); a new
candidate is right when it matches a gold span that no default suggestion found, or nearly
copies the candidate that does (``targets_and_gold``: copies count once when tuning). Add and
relabel thresholds start at "never" (the trained model then is the default) and move only for a
held-out gain of the group's F on inner folds of the training documents (``tune_stacked``); a
default suggestion is dropped when the model's probability that it is wrong exceeds
``1 - F / 2``, F the default's held-out F of its label (``drop_thresholds``: the drop that
maximises the expected F, where a search over drop thresholds on the inner folds was noise).

* ``entity``: the default ACTOR/PLACE/TIME suggestions, every entity the pretrained recogniser
  finds (mapped or not) and every noun chunk; classes ``-``, ACTOR, PLACE, TIME;
* ``claim``: the rule CLAIMs, the complements of a wider set of cue verbs (``MORE_CUES``) and
  quotation paragraphs; classes ``-``, CLAIM;
* ``event``: the rule EVENTs and every verb and noun; classes ``-``, EVENT.

Features are sparse and of English, not of a text (lemma, part of speech, dependency,
neighbours, the recogniser's label, the rule that made the candidate, its relations,
capitalisation, a verb or subject inside, inside a quotation); a default suggestion gets each
feature twice, once prefixed ``D:``, so it has weights of its own. Everything is numpy; nothing
here needs a Doc once ``candidates`` has run, so documents are parsed once however often the
model is refitted.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from annotator.errors import ModelFormatError, ModelUnavailable
from annotator.scheme import Scheme
from annotator.suggest.claims import ClaimRules
from annotator.suggest.entities import Cand, RelCand, SentIndex, SpanIndex
from annotator.suggest.evaluation import greedy_pairs, iou
from annotator.suggest.linker import (
    LINKER,
    RULES,
    STACKED,
    LinkCand,
    Linker,
    decided_on,
    figure_name,
    link_candidates,
    load_linker,
    why_rules,
)
from annotator.suggest.propose import Proposal, Suggester
from annotator.values import AttrValue, RelationData, SpanData

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

NONE = "-"
GROUPS: dict[str, tuple[str, ...]] = {
    "entity": ("ACTOR", "PLACE", "TIME"),
    "claim": ("CLAIM",),
    "event": ("EVENT",),
}
GROUP_OF = {label: group for group, labels in GROUPS.items() for label in labels}
MODEL_FILE = "annotator-model.json"
WEIGHTS_FILE = "weights.npz"
COMPARISON_FILE = "comparison.json"
FORMAT = 2  # 2: the stacked decision (drop/relabel/add thresholds)
TRAINED, DEFAULT = "trained", "default"
EVENT_POS = frozenset({"VERB", "NOUN"})
# The pipeline's contextual vectors (doc.tensor) as features: off. On GUM 4-fold they made the
# claim corrector worse held out (the few hundred claims are learned by heart) and training slower.
DENSE = False
PRIOR = 3.0  # L2 strength of the weights' prior, in examples (see ``fit``)
MIN_GAIN = 0.002  # summed held-out F a threshold must gain to move from "never"
UNCERTAIN_TOP = 20  # a document's uncertainty: mean of its most uncertain decisions
# Verbs that may introduce a claim besides the scheme's reporting verbs: their claims are only
# candidates, which the claim classifier keeps or drops.
MORE_CUES = frozenset(
    "observe find describe explain show estimate request ask plead conclude believe think call"
    " predict expect indicate reveal recall respond reply agree promise threaten vow complain"
    " concede emphasize emphasise point comment contend assert testify speculate fear hope"
    " question propose recommend demand charge order want accept recognise recognize feel"
    " know announce admit argue claim tell say write report suggest add insist warn".split()
)


@dataclass(slots=True)
class Candidate:
    """A span the classifier decides on; plain values only (the Doc is gone)."""

    group: str
    start: int
    end: int
    head: int  # token index of the syntactic head
    feats: list[str]
    dense: Any  # float32 vector: the pipeline's contextual vector of the head, or empty
    default: str | None = None  # label of the default suggestion with these offsets
    sid: str | None = None  # id of that default suggestion
    attrs: dict[str, AttrValue] = field(default_factory=dict)
    # relations a new candidate brings: (relation, tail start, tail end, tail label)
    links: list[tuple[str, int, int, str]] = field(default_factory=list)


@dataclass(slots=True)
class Analysed:
    """One document through the default pipeline: its default proposal, the candidates, and
    the claimant/role candidate pairs of its claims and events (:mod:`.linker`)."""

    proposal: Proposal
    cands: list[Candidate]
    links: list[LinkCand] = field(default_factory=list)


# ------------------------------------------------------------------ candidates and features


def more_claims(rules: Suggester) -> ClaimRules:
    """Claim rules with the scheme's reporting verbs and ``MORE_CUES``."""
    return ClaimRules(set(rules.claims.reporting) | MORE_CUES)


def candidates(  # noqa: C901 - one block per candidate source (claims, entities, chunks, events)
    doc: Doc, proposal: Proposal, rules: Suggester, extra: ClaimRules | None = None
) -> list[Candidate]:
    """Candidates of one processed doc (see the module docstring); ``extra``: claim rules
    whose claims join the rule CLAIMs as candidates."""
    labels = rules.labels
    tensor = doc.tensor if getattr(doc, "tensor", None) is not None else None
    if tensor is not None and (tensor.ndim != 2 or tensor.shape[0] != len(doc)):
        tensor = None
    found: dict[tuple[str, int, int], Candidate] = {}

    def add(
        group: str,
        start: int,
        end: int,
        tags: Iterable[str],
        attrs: Mapping[str, AttrValue] | None = None,
        default: SpanData | None = None,
    ) -> None:
        key = (group, start, end)
        cand = found.get(key)
        if cand is None:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is None or not len(span):
                return
            head = span.root.i
            dense = tensor[head].astype("float32") if tensor is not None else _EMPTY
            cand = Candidate(group, start, end, head, _features(doc, span), dense)
            found[key] = cand
        cand.feats.extend(tags)
        if default is not None:
            cand.default, cand.sid = default.label, default.id
            cand.attrs = dict(default.attrs)
        elif attrs:
            for name, value in attrs.items():
                cand.attrs.setdefault(name, value)

    by_id = {s.id: s for s in proposal.spans}
    rel_tags: dict[str, list[str]] = {}
    for rel in proposal.relations:
        tail = by_id.get(rel.tail)
        head = by_id.get(rel.head)
        if tail is None or head is None:
            continue
        rel_tags.setdefault(rel.head, []).append(f"rel={rel.label}")
        rel_tags.setdefault(rel.tail, []).append(f"tailof={rel.label}")
        if rel.label == "claimant":
            word = doc.text[tail.start : tail.end].lower()
            rel_tags[rel.head].append(f"claimant={word if len(word) < 6 else 'long'}")
    for sp in proposal.spans:
        group = GROUP_OF.get(sp.label)
        if group is None:
            continue
        tags = [f"def={sp.label}", f"defscore={proposal.scores.get(sp.id, 0.0)}"]
        tags.extend(f"attr={k}:{v}" for k, v in sp.attrs.items())
        tags.extend(rel_tags.get(sp.id, ()))
        if sp.entity:
            tags.append("registry")
        add(group, sp.start, sp.end, tags, default=sp)
    if extra is not None and "CLAIM" in labels and doc.has_annotation("DEP"):
        actors = SpanIndex(
            Cand(s.start, s.end, s.label, 0.5, dict(s.attrs))
            for s in proposal.spans
            if s.label == "ACTOR"
        )
        claims, links = extra.find(doc, actors, SentIndex(doc, None))
        tails: dict[int, list[RelCand]] = {}
        for link in links:
            tails.setdefault(id(link.head), []).append(link)
        for claim in claims:
            key = ("claim", claim.start, claim.end)
            known = key in found
            add("claim", claim.start, claim.end, [] if known else ["more"], attrs=claim.attrs)
            cand = found.get(key)
            if cand is None or known:
                continue
            for link in tails.get(id(claim), ()):
                cand.links.append((link.label, link.tail.start, link.tail.end, link.tail.label))
                cand.feats.append(f"rel={link.label}")
    if extra is not None and "CLAIM" in labels and doc.has_annotation("DEP"):
        for start, end, tags, claimant in _claim_spans(doc, proposal, extra):
            key = ("claim", start, end)
            known = key in found
            add("claim", start, end, tags)
            cand = found.get(key)
            if cand is not None and not known and claimant is not None:
                cand.links.append(claimant)
                cand.feats.append("rel=claimant")
    if any(lab in labels for lab in GROUPS["entity"]):
        for ent in doc.ents:
            target = rules.mapping.get(ent.label_)
            add(
                "entity",
                ent.start_char,
                ent.end_char,
                [f"ner={ent.label_}"],
                attrs=target[1] if target else None,
            )
        if doc.has_annotation("DEP"):
            for chunk in doc.noun_chunks:
                if chunk.root.pos_ != "PRON":
                    add("entity", chunk.start_char, chunk.end_char, ["chunk"])
    if "EVENT" in labels and doc.has_annotation("POS"):
        covered = {c.head for c in found.values() if c.group == "event"}
        for tok in doc:
            if tok.pos_ in EVENT_POS and tok.i not in covered:
                etype = rules.events.type_of(tok) or "other"
                add("event", tok.idx, tok.idx + len(tok), ["token"], attrs={"type": etype})
    out = list(found.values())
    document_features(out)
    return out


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


_EMPTY = np.zeros(0, dtype="float32")
_CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "parataxis"})
_QUOTES = '"“”«»„'


def _claim_spans(
    doc: Doc, proposal: Proposal, extra: ClaimRules
) -> Iterator[tuple[int, int, list[str], tuple[str, int, int, str] | None]]:
    """More claim candidates: the complements of every cue verb, and quotations the rules
    leave out (short ones, a paragraph opened by a quote mark that does not close)."""
    actors = [s for s in proposal.spans if s.label == "ACTOR"]
    cues = extra.reporting
    for tok in doc:
        if tok.pos_ != "VERB" or tok.lemma_.lower() not in cues:
            continue
        claimant: tuple[str, int, int, str] | None = None
        subj = next((c for c in tok.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subj is not None and subj.pos_ != "PRON":
            lo, hi = subj.left_edge.idx, subj.idx + len(subj)
            hit = [a for a in actors if a.start < hi and lo < a.end]
            if hit:
                claimant = ("claimant", hit[-1].start, hit[-1].end, "ACTOR")
            else:
                claimant = ("claimant", lo, hi, "ACTOR")
        for child in tok.children:
            if child.dep_ not in _CONTENT_DEPS or child.i < tok.i and child.dep_ == "dobj":
                continue
            first, last = child.left_edge.i, child.right_edge.i
            while first <= last and (
                doc[first].is_punct or doc[first].lower_ in ("that", "whether", "if")
            ):
                first += 1
            while last >= first and doc[last].is_punct:
                last -= 1
            if last < first or last - first < 1:
                continue
            start, end = doc[first].idx, doc[last].idx + len(doc[last])
            tags = [f"cue={tok.lemma_.lower()}", f"cuedep={child.dep_}", "complement"]
            if subj is None:
                tags.append("nosubj")
            else:  # only actors' statements are claims ("the report says" is not)
                tags.append(f"subj={subj.ent_type_ or subj.pos_}")
                tags.append(f"subjl={subj.lemma_.lower()}")
                tags.append(f"subjactor={claimant is not None and claimant[1] < subj.idx + 1}")
            yield start, end, tags, claimant
    text = doc.text
    pos = 0
    for line in text.split("\n"):
        stripped = line.strip()
        if len(stripped) > 1 and stripped[0] in _QUOTES:
            offset = pos + line.index(stripped[0]) + 1
            close = min((i for i in (stripped.find(q, 1) for q in _QUOTES) if i > 0), default=-1)
            inner = stripped[1:close] if close > 0 else stripped[1:]
            inner_trim = inner.strip().rstrip(",.;:")
            if len(inner_trim.split()) >= 2:
                lead = len(inner) - len(inner.lstrip())
                start = offset + lead
                yield start, start + len(inner_trim), ["quote-line", f"closed={close > 0}"], None
        pos += len(line) + 1


def _features(doc: Doc, span: Span) -> list[str]:
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
    marks = sum(1 for t in doc[sent_start : span.start] if t.text in _QUOTES or t.text == "''")
    return marks % 2 == 1 or (span.start > 0 and doc[span.start - 1].text in _QUOTES)


def analyse(
    items: Iterable[tuple[str, Any]],
    nlp: Language,
    rules: Suggester,
    batch_size: int = 32,
) -> Iterator[tuple[Any, Analysed]]:
    """``(key, Analysed)`` for ``(text, key)`` items: default proposal plus candidates."""
    from contextlib import nullcontext

    extra = more_claims(rules)
    zone = nlp.memory_zone() if hasattr(nlp, "memory_zone") else nullcontext()
    with zone:
        for doc, (text, key) in nlp.pipe(
            ((text, (text, key)) for text, key in items), as_tuples=True, batch_size=batch_size
        ):
            proposal = Suggester.analyse(rules, doc, text)
            yield (
                key,
                Analysed(
                    proposal,
                    candidates(doc, proposal, rules, extra),
                    link_candidates(doc, proposal),
                ),
            )


def targets(analysed: Analysed, gold: Sequence[SpanData]) -> list[str | None]:
    """Per candidate, what the stacked corrector should learn (``targets_and_gold``)."""
    return targets_and_gold(analysed, gold)[0]


def targets_and_gold(  # noqa: C901 - one pass per kind of candidate, as the docstring lists
    analysed: Analysed, gold: Sequence[SpanData]
) -> tuple[list[str | None], list[int]]:
    """Per candidate, what the stacked corrector should learn, and for a new candidate that is
    right the index (in ``gold``) of the gold span it finds (-1 otherwise):

    * a default suggestion of label L: L if it matches a gold L span when only the default
      suggestions are matched (the scorer's greedy one-to-one overlap), else another label of
      its group whose gold span no default matched and that it overlaps (a relabel), else NONE;
    * another candidate: the label of a gold span that no default suggestion matched, if it is
      matched to it (among the candidates that overlap no default suggestion of that label),
      else NONE; None when it overlaps a default suggestion of every label of its group (it is
      never added, so nothing is learned from it);
    * also right: a new candidate that covers at least half of the union with a gold span no
      default found (IoU >= 0.5) while another candidate is matched to it: the near-copies
      of a right span ("a few stray photographers" beside "just a few stray photographers")
      are not taught as wrong; one that overlaps such a gold span less is not learned from
      (adding it would find the span with other boundaries). Near-copies share the gold
      index, so that the tuning counts one found span once (``tune_stacked``).
    """
    cands = analysed.cands
    out: list[str | None] = [None] * len(cands)
    found: list[int] = [-1] * len(cands)
    gold_index = {(s.label, s.start, s.end): k for k, s in enumerate(gold)}
    unsure: set[int] = set()
    for group, labels in GROUPS.items():
        idx = [i for i, c in enumerate(cands) if c.group == group]
        if not idx:
            continue
        residual: dict[str, list[tuple[int, int]]] = {}
        for label in labels:
            golds = [(s.start, s.end) for s in gold if s.label == label]
            mine = [i for i in idx if cands[i].default == label]
            pairs = greedy_pairs(golds, [(cands[i].start, cands[i].end) for i in mine])
            for p in pairs:
                out[mine[p]] = label
            used = set(pairs.values())
            residual[label] = [g for k, g in enumerate(golds) if k not in used]
        astray = [i for i in idx if cands[i].default in labels and out[i] is None]
        for i in astray:
            out[i] = NONE
        for label in labels:
            others = [i for i in astray if cands[i].default != label and out[i] == NONE]
            pairs = greedy_pairs(residual[label], [(cands[i].start, cands[i].end) for i in others])
            for p in pairs:
                out[others[p]] = label
            used = set(pairs.values())
            residual[label] = [g for k, g in enumerate(residual[label]) if k not in used]
        new = [i for i in idx if cands[i].default not in labels]
        elig = eligible([cands[i] for i in new], [cands[i] for i in idx], labels)
        best = [0.0] * len(new)
        for k, label in enumerate(labels):
            pool = [j for j in range(len(new)) if elig[j][k]]
            for j in pool:
                if out[new[j]] is None:
                    out[new[j]] = NONE
            ranges = [(cands[new[j]].start, cands[new[j]].end) for j in pool]
            for p, g in greedy_pairs(residual[label], ranges).items():
                value = iou(residual[label][g], ranges[p])
                if value > best[pool[p]]:
                    best[pool[p]], out[new[pool[p]]] = value, label
                    found[new[pool[p]]] = gold_index.get((label, *residual[label][g]), -1)
            for j, (start, end) in zip(pool, ranges, strict=True):
                if out[new[j]] != NONE:
                    continue
                near = [
                    (iou(r, (start, end)), r)
                    for r in residual[label]
                    if r[0] < end and start < r[1]
                ]
                if not near:
                    continue
                value, nearest = max(near)
                if value >= 0.5:
                    out[new[j]] = label
                    found[new[j]] = gold_index.get((label, *nearest), -1)
                else:
                    unsure.add(new[j])
    for i in unsure:
        if out[i] == NONE:  # not right for another label either
            out[i] = None
    return out, found


def eligible(
    new: Sequence[Candidate], group_cands: Sequence[Candidate], labels: Sequence[str]
) -> list[list[bool]]:
    """Per new candidate and label: it does not duplicate a default suggestion of that label,
    i.e. every one it overlaps has another head and shares less than half of their union
    ("critics of President Trump" beside "President Trump"); adding a duplicate cannot find
    anything the default misses."""
    import bisect

    index: list[tuple[list[int], list[Candidate], int]] = []
    for label in labels:
        spans = sorted((c for c in group_cands if c.default == label), key=lambda c: c.start)
        longest = max((c.end - c.start for c in spans), default=0)
        index.append(([c.start for c in spans], spans, longest))
    out = []
    for c in new:
        row = []
        for starts, spans, longest in index:
            lo = bisect.bisect_left(starts, c.start - longest)
            hi = bisect.bisect_left(starts, c.end)
            row.append(
                not any(
                    d.end > c.start
                    and (d.head == c.head or iou((d.start, d.end), (c.start, c.end)) >= 0.5)
                    for d in spans[lo:hi]
                )
            )
        out.append(row)
    return out


NEVER = 1.01  # a threshold no probability reaches
SUFFIXES = ("", ":drop", ":relabel")  # threshold names: add, drop, relabel (into) per label


def stack_decide(
    classes: Sequence[str],
    thresholds: Mapping[str, float],
    probs: Any,
    dflt: Any,
    elig: Any,
) -> tuple[Any, Any]:
    """The stacked decision per row: (class index, its probability); 0 means no span.

    ``dflt``: per row the class index of the default suggestion it is (0: a new candidate);
    ``elig``: (rows, classes) whether a new candidate may become that label. A default
    suggestion stays unless the model relabels it (another label likelier than its own and
    above ``L:relabel``) or is confident it is wrong (NONE at least ``L:drop``); a new candidate
    is added when its likeliest label is at least ``L``.
    """
    n, k = probs.shape if len(probs) else (0, len(classes))
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    add = np.array([NEVER] + [thresholds.get(c, 0.5) for c in classes[1:]])
    drop = np.array([NEVER] + [thresholds.get(f"{c}:drop", 0.5) for c in classes[1:]])
    rel = np.array([NEVER] + [thresholds.get(f"{c}:relabel", NEVER) for c in classes[1:]])
    best = probs[:, 1:].argmax(axis=1) + 1
    rows = np.arange(n)
    pbest = probs[rows, best]
    out = np.zeros(n, dtype=np.int64)
    is_new = dflt == 0
    ok_new = is_new & elig[rows, best] & (pbest >= add[best])
    out[ok_new] = best[ok_new]
    own = np.where(is_new, 0, dflt)
    relabel = ~is_new & (best != own) & (pbest >= rel[best])
    keep = ~is_new & ~relabel & (probs[:, 0] < drop[own])
    out[relabel] = best[relabel]
    out[keep] = own[keep]
    p = probs[rows, out]
    return out, p


def tune_stacked(
    probs: Any,
    y: Any,
    dflt: Any,
    elig: Any,
    classes: Sequence[str],
    gold: Mapping[str, int],
    gid: Any = None,
) -> dict[str, float]:
    """Add, drop and relabel thresholds per label for the held-out predictions ``probs``.

    Drop: ``drop_thresholds`` (no search: a default suggestion goes when it is wrong with
    probability above ``1 - F / 2``, F the default's held-out F of its label). Add and relabel:
    those that maximise the summed F of the group (coordinate ascent from "never"; a threshold
    moves only for a gain of ``MIN_GAIN``). ``gid``: per row the gold span a right new
    candidate finds (-1: none or unknown); right rows that find the same span count once, the
    others neither right nor wrong (the suggester keeps one of them)."""
    labels = list(classes[1:])
    th = {f"{label}{suffix}": NEVER for label in labels for suffix in SUFFIXES}
    if not len(probs):
        return th
    th.update(drop_thresholds(y, dflt, classes, gold))
    gold_arr = np.array([0] + [gold.get(c, 0) for c in labels])
    gid = np.full(len(y), -1, dtype=np.int64) if gid is None else np.asarray(gid)

    def score(t: Mapping[str, float]) -> float:
        out, _ = stack_decide(classes, t, probs, dflt, elig)
        total = 0.0
        for c in range(1, len(classes)):
            chosen = out == c
            right = chosen & (y == c)
            shared = right & (gid >= 0)
            tp = int((right & (gid < 0)).sum()) + len(np.unique(gid[shared]))
            fp = int(chosen.sum()) - int(right.sum())
            den = tp + fp + gold_arr[c]
            total += 2 * tp / den if den else 0.0
        return total

    grids = {
        "": [*np.arange(0.2, 0.96, 0.05).round(3).tolist(), NEVER],
        ":relabel": [*np.arange(0.5, 0.96, 0.05).round(3).tolist(), NEVER],
    }
    current = score(th)
    for _ in range(2):
        changed = False
        for label in labels:
            for suffix, grid in grids.items():
                key = label + suffix
                best_v, best_s = th[key], current
                for v in reversed(grid):  # ties keep the more cautious value
                    trial = dict(th)
                    trial[key] = v
                    s = score(trial)
                    if s > best_s + MIN_GAIN:
                        best_v, best_s = v, s
                if best_v != th[key]:
                    th[key], current, changed = best_v, best_s, True
        if not changed:
            break
    return th


def drop_thresholds(
    y: Any, dflt: Any, classes: Sequence[str], gold: Mapping[str, int]
) -> dict[str, float]:
    """Per label L, ``L:drop`` = ``1 - F / 2``, F the held-out F of the default suggestions of
    L (rows ``dflt == L``, right when ``y == L``; ``gold``: the gold spans of L).

    Dropping a suggestion that is right with probability q changes the expected F of its label
    by about (F/2 - q)/(number of spans): dropping pays exactly when q < F / 2, i.e. when the
    probability that it is wrong exceeds ``1 - F / 2``. The rule needs no search over
    thresholds: a grid chosen on the inner folds picked values at random between 0.5 and
    "never" (a few dozen wrong suggestions decide it), while this one only needs F, which the
    same rows estimate well. A label without gold spans or default suggestions never drops.
    """
    out: dict[str, float] = {}
    for c, label in enumerate(classes):
        if not c:
            continue
        mine = dflt == c
        tp = int((mine & (y == c)).sum())
        fp = int(mine.sum()) - tp
        den = tp + fp + gold.get(label, 0)
        if not mine.any() or not gold.get(label, 0) or not den:
            out[f"{label}:drop"] = NEVER
            continue
        out[f"{label}:drop"] = round(1.0 - tp / den, 4)  # 1 - F/2, F = 2tp/den
    return out


# ------------------------------------------------------------------ the classifier


@dataclass(slots=True)
class Softmax:
    """Multinomial logistic regression over sparse string features and a dense vector."""

    classes: tuple[str, ...]
    vocab: dict[str, int]
    w: Any  # (features, classes)
    wd: Any  # (dense, classes)
    b: Any  # (classes,)
    mu: Any  # dense mean
    sd: Any  # dense scale
    thresholds: dict[str, float] = field(default_factory=dict)
    iterations: int = 0

    def _design(self, cands: Sequence[Candidate | LinkCand]) -> tuple[Any, Any, Any]:
        rows: list[int] = []
        cols: list[int] = []
        vocab = self.vocab
        for r, c in enumerate(cands):
            for f in _stacked_feats(c):
                j = vocab.get(f)
                if j is not None:
                    rows.append(r)
                    cols.append(j)
        dense = _dense_matrix(cands, len(self.mu))
        if len(self.mu):
            dense = (dense - self.mu) / self.sd
        return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), dense

    def proba(self, cands: Sequence[Candidate | LinkCand]) -> Any:
        if not cands:
            return np.zeros((0, len(self.classes)), dtype="float64")
        rows, cols, dense = self._design(cands)
        return _softmax(_logits(self.w, self.wd, self.b, rows, cols, dense, len(cands)))

    def proba_rows(self, data: GroupData) -> Any:
        """Probabilities of already encoded rows (``data`` shares this model's vocabulary)."""
        if not data.n:
            return np.zeros((0, len(self.classes)))
        x = (data.x - self.mu) / self.sd if len(self.mu) else data.x
        return _softmax(_logits(self.w, self.wd, self.b, data.rows, data.cols, x, data.n))

    def decide(self, probs: Any, cands: Sequence[Candidate]) -> list[tuple[str, float]]:
        """Per candidate (rows of ``probs``): the label it gets (NONE: no span) and its
        probability, by ``stack_decide``."""
        if not len(probs):
            return []
        index = {c: i for i, c in enumerate(self.classes)}
        dflt = np.array([index.get(c.default or NONE, 0) for c in cands], dtype=np.int64)
        elig = np.asarray(_eligibility(cands, self.classes), dtype=bool)
        out, p = stack_decide(self.classes, self.thresholds, probs, dflt, elig)
        return [(self.classes[k], float(q)) for k, q in zip(out.tolist(), p.tolist(), strict=True)]

    def to_json(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "vocab": sorted(self.vocab, key=self.vocab.__getitem__),
            "thresholds": self.thresholds,
            "iterations": self.iterations,
        }

    def arrays(self, name: str) -> dict[str, Any]:
        """The weights to save in an ``.npz`` beside ``to_json``, each under ``name.part``."""
        return {f"{name}.{part}": getattr(self, part) for part in _SAVED_ARRAYS}

    @classmethod
    def saved(cls, name: str, spec: Mapping[str, Any], weights: Any) -> Softmax:
        """The model ``to_json`` (``spec``) and ``arrays`` (in ``weights``) saved as ``name``."""
        w, wd, b, mu, sd = (weights[f"{name}.{part}"] for part in _SAVED_ARRAYS)
        return cls(
            tuple(spec["classes"]),
            {f: i for i, f in enumerate(spec["vocab"])},
            w,
            wd,
            b,
            mu,
            sd,
            {k: float(v) for k, v in spec["thresholds"].items()},
            int(spec.get("iterations", 0)),
        )


_SAVED_ARRAYS = ("w", "wd", "b", "mu", "sd")


def _dense_matrix(cands: Sequence[Candidate | LinkCand], width: int) -> Any:
    out = np.zeros((len(cands), width), dtype="float32")
    if width:
        for r, c in enumerate(cands):
            if len(c.dense) == width:
                out[r] = c.dense
    return out


def _logits(w: Any, wd: Any, b: Any, rows: Any, cols: Any, dense: Any, n: int) -> Any:
    out = np.zeros((n, w.shape[1]), dtype="float64") + b
    if len(rows):
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        out[rows[starts]] += np.add.reduceat(w[cols], starts, axis=0)
    if wd.shape[0]:
        out += dense @ wd
    return out


def _softmax(z: Any) -> Any:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


@dataclass(slots=True)
class GroupData:
    """The candidates of one group over many documents, encoded once: sparse features as
    (row, column) pairs sorted by row, the dense vectors, the target class per row."""

    classes: tuple[str, ...]
    vocab: dict[str, int]
    doc_of: Any  # (n,) document index per row
    rows: Any
    cols: Any
    x: Any  # (n, dense width)
    y: Any  # (n,) class index
    gold: Any  # (documents, classes) gold spans per document and label (column 0 unused)
    dflt: Any  # (n,) class index of the default suggestion a row is (0: a new candidate)
    elig: Any  # (n, classes) whether a new candidate may become that label
    gid: Any = None  # (n,) the gold span a right new candidate finds (unique over documents), or -1

    @property
    def n(self) -> int:
        return len(self.doc_of)

    def subset(self, docs: Iterable[int]) -> GroupData:
        keep = np.isin(self.doc_of, np.fromiter(docs, dtype=np.int64))
        new_id = np.cumsum(keep) - 1
        nz = keep[self.rows]
        return GroupData(
            self.classes,
            self.vocab,
            self.doc_of[keep],
            new_id[self.rows[nz]],
            self.cols[nz],
            self.x[keep],
            self.y[keep],
            self.gold,
            self.dflt[keep],
            self.elig[keep],
            None if self.gid is None else self.gid[keep],
        )

    def gold_counts(self, docs: Iterable[int]) -> dict[str, int]:
        total = self.gold[np.fromiter(docs, dtype=np.int64)].sum(axis=0)
        return {label: int(total[k]) for k, label in enumerate(self.classes) if k}


def group_data(
    analysed: Sequence[Analysed],
    golds: Sequence[Sequence[SpanData]],
    group: str,
    classes: Sequence[str],
    ys: Sequence[Sequence[str | None]],
    found: Sequence[Sequence[int]] | None = None,
) -> GroupData:
    vocab: dict[str, int] = {"bias": 0}
    doc_of: list[int] = []
    rows: list[int] = []
    cols: list[int] = []
    dense: list[Any] = []
    y: list[int] = []
    dflt: list[int] = []
    elig: list[list[bool]] = []
    gid: list[int] = []
    index = {c: i for i, c in enumerate(classes)}
    width = 0
    offset = 0  # gold indices made unique over documents
    for d, (an, targets_) in enumerate(zip(analysed, ys, strict=True)):
        mine = [c for c in an.cands if c.group == group]
        flags = dict(zip(map(id, mine), _eligibility(mine, classes), strict=True))
        hits = found[d] if found is not None else [-1] * len(targets_)
        for cand, target, hit in zip(an.cands, targets_, hits, strict=True):
            if cand.group != group or target is None:
                continue
            r = len(doc_of)
            doc_of.append(d)
            gid.append(offset + hit if hit >= 0 else -1)
            dflt.append(index.get(cand.default or NONE, 0))
            elig.append(flags[id(cand)])
            for f in _stacked_feats(cand):
                j = vocab.setdefault(f, len(vocab))
                rows.append(r)
                cols.append(j)
            if DENSE:
                dense.append(cand.dense)
                width = max(width, len(cand.dense))
            y.append(index.get(target, 0))
        offset += len(golds[d]) if d < len(golds) else 0
    x = np.zeros((len(doc_of), width), dtype="float32")
    for r, vec in enumerate(dense):  # empty unless DENSE
        if len(vec) == width:
            x[r] = vec
    gold = np.zeros((len(analysed), len(classes)), dtype=np.int64)
    for d, spans in enumerate(golds):
        for sp in spans:
            k = index.get(sp.label)
            if k:
                gold[d, k] += 1
    return GroupData(
        tuple(classes),
        vocab,
        np.asarray(doc_of, dtype=np.int64),
        np.asarray(rows, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        x,
        np.asarray(y, dtype=np.int64),
        gold,
        np.asarray(dflt, dtype=np.int64),
        np.asarray(elig, dtype=bool).reshape(len(doc_of), len(classes)),
        np.asarray(gid, dtype=np.int64),
    )


def _stacked_feats(cand: Candidate | LinkCand) -> list[str]:
    """The candidate's features, and for a default suggestion each again prefixed ``D:``:
    the default suggestions get weights of their own beside the ones they share (a link
    candidate of the linker is never a default suggestion)."""
    if not isinstance(cand, Candidate) or cand.default is None:
        return cand.feats
    return [*cand.feats, *(f"D:{f}" for f in cand.feats)]


def _eligibility(cands: Sequence[Candidate], classes: Sequence[str]) -> list[list[bool]]:
    """Per candidate of one group, per class: may it become that label (see ``eligible``)?
    Column 0 and the rows of default suggestions are False."""
    labels = list(classes[1:])
    new_flags = iter(eligible([c for c in cands if c.default is None], cands, labels))
    return [
        [False] * len(classes) if c.default is not None else [False, *next(new_flags)]
        for c in cands
    ]


def fit(
    data: GroupData,
    l2: float | None = None,
    max_iter: int = 300,
    lr: float = 0.05,
    tol: float = 1e-4,
    patience: int = 10,
    min_iter: int = 40,
) -> Softmax:
    """Full-batch Adam on the mean cross-entropy plus L2, stopping early once the loss stops
    improving by ``tol`` (relative) for ``patience`` iterations. Features never seen in
    ``data`` keep a zero weight. ``l2`` defaults to ``PRIOR`` over the number of rows: a prior
    of fixed strength, so a group with few candidates (claims) is regularised more per row."""
    if l2 is None:
        l2 = PRIOR / max(data.n, 1)
    k = len(data.classes)
    width = data.x.shape[1]
    n = data.n
    mu = data.x.mean(axis=0) if width and n else np.zeros(width, dtype="float32")
    sd = data.x.std(axis=0) + 1e-3 if width and n else np.ones(width, dtype="float32")
    model = Softmax(
        data.classes,
        data.vocab,
        np.zeros((len(data.vocab), k)),
        np.zeros((width, k)),
        np.zeros(k),
        mu,
        sd,
    )
    if not n:
        return model
    with _one_blas_thread():
        _adam(model, data, l2, max_iter, lr, tol, patience, min_iter)
    return model


def _one_blas_thread() -> Any:
    """Small matrix products run faster on one BLAS thread, much faster on a busy machine."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: only a speed-up
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _adam(
    model: Softmax,
    data: GroupData,
    l2: float,
    max_iter: int,
    lr: float,
    tol: float,
    patience: int,
    min_iter: int,
) -> None:
    n, k = data.n, len(data.classes)
    mu, sd = model.mu, model.sd
    rows, cols = data.rows, data.cols
    x = ((data.x - mu) / sd).astype("float64")
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
    first = rows[starts] if len(rows) else rows
    y = np.zeros((n, k))
    y[np.arange(n), data.y] = 1.0
    model.b = np.log((y.sum(axis=0) + 1.0) / (n + k))
    wt = np.zeros((k, len(data.vocab)))  # class-major: every per-class step is 1-D
    params = [wt, model.wd, model.b]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    best, stale = math.inf, 0
    it = 0
    vocab_size = len(data.vocab)
    for it in range(1, max_iter + 1):
        z = x @ model.wd + model.b
        if len(rows):
            for j in range(k):
                z[first, j] += np.add.reduceat(wt[j][cols], starts)
        p = _softmax(z)
        loss = -float(np.log(p[np.arange(n), data.y] + 1e-12).mean())
        loss += 0.5 * l2 * float((wt**2).sum() + (model.wd**2).sum())
        g = (p - y) / n
        gt = np.ascontiguousarray(g.T)
        gw = np.stack(
            [np.bincount(cols, weights=gt[j][rows], minlength=vocab_size) for j in range(k)]
        )
        grads = [gw + l2 * wt, x.T @ g + l2 * model.wd, g.sum(axis=0)]
        for i, (param, grad) in enumerate(zip(params, grads, strict=True)):
            m[i] = beta1 * m[i] + (1 - beta1) * grad
            v[i] = beta2 * v[i] + (1 - beta2) * grad * grad
            param -= lr * (m[i] / (1 - beta1**it)) / (np.sqrt(v[i] / (1 - beta2**it)) + eps)
        if loss < best * (1 - tol):
            best, stale = loss, 0
        else:
            stale += 1
            if stale >= patience and it >= min_iter:
                break
    model.w = np.ascontiguousarray(wt.T)
    model.iterations = it


# ------------------------------------------------------------------ a learned model


@dataclass(slots=True)
class LearnedModel:
    """Classifiers per group, the base pipeline they sit on and, per label, which to use."""

    base: str
    groups: dict[str, Softmax]
    use: dict[str, str] = field(default_factory=dict)  # label -> "trained" | "default"
    meta: dict[str, Any] = field(default_factory=dict)
    linker: Linker | None = None  # claimant/role links, used per relation where it won

    def trained_labels(self) -> frozenset[str]:
        return frozenset(label for label, how in self.use.items() if how == TRAINED)

    def apply(
        self,
        analysed: Analysed,
        scheme: Scheme,
        use: Mapping[str, str] | None = None,
    ) -> tuple[Proposal, float]:
        """The suggestions of one document (per label trained or default) and its uncertainty."""
        use = self.use if use is None else use
        trained = {label for label, how in use.items() if how == TRAINED}
        base = analysed.proposal
        picked: list[tuple[Candidate, str, float]] = []
        margins: list[float] = []
        for group, model in self.groups.items():
            cands = [c for c in analysed.cands if c.group == group]
            if not cands or not trained & set(model.classes):
                continue
            probs = model.proba(cands)
            top2 = np.sort(probs, axis=1)[:, -2:]
            margins.extend((1.0 - (top2[:, 1] - top2[:, 0])).tolist())
            column = {label: k for k, label in enumerate(model.classes)}
            decided = model.decide(probs, cands)
            for r, (cand, (label, p)) in enumerate(zip(cands, decided, strict=True)):
                if cand.default is None:
                    if label in trained:
                        picked.append((cand, label, p))
                elif cand.default in trained and cand.default in column and label != NONE:
                    if label not in trained:  # relabelled to a label the default serves
                        label, p = cand.default, float(probs[r, column[cand.default]])
                    picked.append((cand, label, p))
        proposal = _assemble(base, _dedupe(picked), trained, scheme)
        worst = sorted(margins, reverse=True)[:UNCERTAIN_TOP]
        return proposal, (float(np.mean(worst)) if worst else 0.0)

    def suggester(
        self, nlp: Language, scheme: Scheme, registry: Iterable[Any] = ()
    ) -> LearnedSuggester:
        return LearnedSuggester(nlp, scheme, self, registry)

    def lines(self) -> list[str]:
        """Which labels use the trained model, with the F figures that decided it."""
        table = (self.meta.get("comparison") or {}).get("spans", {})
        out = []
        for label in sorted(self.use):
            row = table.get(label, {})
            figures = ""
            if row:
                reason = f"; {row['reason']}" if row.get("reason") else ""
                figures = (
                    f" (held-out F {row['trained']['f']:.3f} trained vs "
                    f"{row['default']['f']:.3f} default{reason})"
                )
            out.append(f"  {label:<8} {self.use[label]}{figures}")
        if self.linker is not None:
            table = (self.meta.get("comparison") or {}).get("links", {}).get("relations", {})
            out.append("per relation (trained linker or the rules, as its comparison decided):")
            for rel, how in self.linker.use.items():
                out.append(f"  {rel:<8} {how}{_link_figures(table.get(rel) or {}, how)}")
        return out

    def save(self, outdir: Path) -> None:
        outdir.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {}
        groups: dict[str, Any] = {}
        for name, model in self.groups.items():
            groups[name] = model.to_json()
            arrays.update(model.arrays(name))
        np.savez_compressed(outdir / WEIGHTS_FILE, **arrays)
        body = {
            "kind": "annotator-correction",
            "format": FORMAT,
            "base": self.base,
            "use": self.use,
            "groups": groups,
            "meta": {k: v for k, v in self.meta.items() if k != "comparison"},
        }
        (outdir / MODEL_FILE).write_text(json.dumps(body, indent=1), encoding="utf-8")
        if self.linker is not None:
            self.linker.save(outdir)


def learned_name(model: LearnedModel) -> str:
    """A short name for the ``model``/``origin`` of suggestions made with a trained model."""
    project = str(model.meta.get("project") or "project").rsplit(".", 1)[0]
    return f"learned_{project}_{model.meta.get('trained_at', '')}".rstrip("_")


def is_learned_model(path: str | Path | None) -> bool:
    return path is not None and (Path(path) / MODEL_FILE).is_file()


def load_model(path: str | Path) -> LearnedModel:
    """Read a model folder written by ``annotator train``; its ``comparison.json`` (if any)
    decides, per label, whether the trained classifier or the default is used."""
    folder = Path(path)
    try:
        body = json.loads((folder / MODEL_FILE).read_text(encoding="utf-8"))
        weights = np.load(folder / WEIGHTS_FILE)
    except FileNotFoundError as exc:
        raise ModelUnavailable(f"not a trained model folder ({exc.filename} missing)") from exc
    except (OSError, ValueError) as exc:
        raise ModelFormatError(f"cannot read the model: {exc}", path=str(folder)) from exc
    if body.get("kind") != "annotator-correction" or body.get("format") != FORMAT:
        raise ModelFormatError("unknown model format", path=str(folder / MODEL_FILE))
    groups = {name: Softmax.saved(name, spec, weights) for name, spec in body["groups"].items()}
    model = LearnedModel(str(body["base"]), groups, dict(body.get("use") or {}), body["meta"])
    model.linker = load_linker(folder)
    comparison = folder / COMPARISON_FILE
    if comparison.is_file():
        from annotator.suggest.linker import choose_links
        from annotator.suggest.selection import choose, read_comparison

        data = read_comparison(comparison)
        model.meta["comparison"] = data
        model.use = choose(data, model.use)
        if model.linker is not None:
            model.linker.use = choose_links(data, model.linker.use)
    return model


class LearnedSuggester(Suggester):
    """The default rules, then the learned correction for the labels it is used for."""

    def __init__(
        self, nlp: Language, scheme: Scheme, model: LearnedModel, registry: Iterable[Any] = ()
    ) -> None:
        super().__init__(nlp, scheme, registry)
        self.model = model
        self.more_claims = more_claims(self)

    def analyse(self, doc: Doc, text: str | None = None) -> Proposal:
        return self.analyse_with_uncertainty(doc, text)[0]

    def analyse_with_uncertainty(self, doc: Doc, text: str | None = None) -> tuple[Proposal, float]:
        proposal = super().analyse(doc, text)
        uncertainty = 0.0
        if self.model.trained_labels():
            cands = candidates(doc, proposal, self, self.more_claims)
            proposal, uncertainty = self.model.apply(Analysed(proposal, cands), self.scheme)
        linker = self.model.linker
        if linker is not None and linker.used():
            # the claims and events suggested (default or trained) get the linker's arguments
            proposal = linker.apply(proposal, link_candidates(doc, proposal))
        return proposal, uncertainty


# ------------------------------------------------------------------ assembling suggestions


def _dedupe(picked: list[tuple[Candidate, str, float]]) -> list[tuple[Candidate, str, float]]:
    """Default suggestions kept as they are all stay; of the other picked candidates (added or
    relabelled), one that shares a head with or mostly overlaps a span of its label already
    kept goes (the likelier first)."""
    out = [t for t in picked if t[0].default == t[1]]
    rest = [t for t in picked if t[0].default != t[1]]
    for cand, label, p in sorted(rest, key=lambda t: -t[2]):
        clash = any(
            lab == label
            and other.start < cand.end
            and cand.start < other.end
            and (
                other.head == cand.head
                or iou((other.start, other.end), (cand.start, cand.end)) >= 0.5
            )
            for other, lab, _ in out
        )
        if not clash:
            out.append((cand, label, p))
    return sorted(out, key=lambda t: (t[0].start, -t[0].end))


def _allowed_attrs(
    scheme: Scheme, label: str, attrs: Mapping[str, AttrValue]
) -> dict[str, AttrValue]:
    lab = scheme.label(label)
    if lab is None:
        return {}
    allowed = {a.name: frozenset(a.values) for a in lab.attributes}
    return {
        k: v for k, v in attrs.items() if k in allowed and (not allowed[k] or str(v) in allowed[k])
    }


def _inherited(
    spans: Sequence[SpanData], start: int, end: int, label: str
) -> Mapping[str, AttrValue]:
    """Attributes of the default suggestion of ``label`` inside or around [start, end), the
    best overlapping first ("U.S. President Donald Trump" takes the type of "Donald Trump")."""
    best: SpanData | None = None
    best_iou = 0.0
    for sp in spans:
        if sp.label == label and sp.start < end and start < sp.end and sp.attrs:
            value = iou((sp.start, sp.end), (start, end))
            if value > best_iou:
                best, best_iou = sp, value
    return best.attrs if best is not None else {}


def _assemble(
    base: Proposal,
    picked: list[tuple[Candidate, str, float]],
    trained: set[str],
    scheme: Scheme,
) -> Proposal:
    spans: list[SpanData] = []
    scores: dict[str, float] = {}
    by_id = {s.id: s for s in base.spans}
    kept: set[str] = set()
    for sp in base.spans:
        if sp.label not in trained:
            spans.append(sp)
            scores[sp.id] = base.scores.get(sp.id, 0.0)
            kept.add(sp.id)
    n = 0
    new_links: list[tuple[str, str, int, int, str]] = []
    for cand, label, p in picked:
        if cand.default == label and cand.sid in by_id:
            sp = by_id[cand.sid]
        else:
            n += 1
            attrs = dict(cand.attrs)
            if cand.default != label:  # relabelled or new: the recogniser's type is not for it
                attrs = {k: v for k, v in attrs.items() if cand.default is None}
            for k, v in _inherited(base.spans, cand.start, cand.end, label).items():
                attrs.setdefault(k, v)
            sp = SpanData(
                f"t{n}", cand.start, cand.end, label, _allowed_attrs(scheme, label, attrs)
            )
            new_links.extend(
                (rel, sp.id, t_start, t_end, t_label) for rel, t_start, t_end, t_label in cand.links
            )
        spans.append(sp)
        scores[sp.id] = round(p, 4)
        kept.add(sp.id)
    relations: list[RelationData] = []
    for rel in base.relations:
        if rel.head not in kept:
            continue
        tail = rel.tail
        if tail not in kept:
            old = by_id.get(tail)
            if old is None:
                continue
            same = [
                s for s in spans if s.label == old.label and s.start < old.end and old.start < s.end
            ]
            if same:
                tail = max(same, key=lambda s: iou((s.start, s.end), (old.start, old.end))).id
            else:  # the relation needs its end: keep the default span it points at
                spans.append(old)
                scores[old.id] = base.scores.get(old.id, 0.0)
                kept.add(old.id)
        if tail == rel.head:
            continue
        relations.append(RelationData(rel.id, rel.label, rel.head, tail))
        scores[rel.id] = base.scores.get(rel.id, 0.0)
    for rel_label, head_id, start, end, tail_label in new_links:
        tail_span = next(
            (s for s in spans if (s.start, s.end, s.label) == (start, end, tail_label)), None
        )
        if tail_span is None:
            n += 1
            tail_span = SpanData(f"t{n}", start, end, tail_label)
            spans.append(tail_span)
            scores[tail_span.id] = 0.5
        rid = f"u{len(relations) + 1}"
        relations.append(RelationData(rid, rel_label, head_id, tail_span.id))
        scores[rid] = 0.5
    spans.sort(key=lambda s: (s.start, -s.end, s.label))
    return Proposal(tuple(spans), tuple(relations), scores)


# ------------------------------------------------------------------ learning


@dataclass(slots=True)
class FoldModels:
    """Per fold, the classifiers trained without it; the final ones trained on everything."""

    folds: list[list[int]]
    per_fold: list[dict[str, Softmax]]
    final: dict[str, Softmax]


def learn_groups(
    analysed: Sequence[Analysed],
    golds: Sequence[Sequence[SpanData]],
    labels: Iterable[str],
    folds: list[list[int]],
    max_iter: int = 300,
    step: Callable[[], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    final: bool = True,
) -> FoldModels:
    """Fit each group's classifier once per fold (without it) and once on all documents
    (``final=False``: not, where only the folds' models are wanted).

    Thresholds: each fold's classifiers get those that maximise F on the held-out predictions
    of the other folds; the final ones those that maximise it on all held-out predictions.
    """
    wanted = set(labels)
    both = [targets_and_gold(a, g) for a, g in zip(analysed, golds, strict=True)]
    ys = [b[0] for b in both]
    found = [b[1] for b in both]
    out = FoldModels(folds, [{} for _ in folds], {})
    everything = range(len(analysed))
    for group, group_labels in GROUPS.items():
        classes = (NONE, *[lab for lab in group_labels if lab in wanted])
        if len(classes) < 2:
            continue
        data = group_data(analysed, golds, group, classes, ys, found)
        if not data.n or not (data.y > 0).any():
            continue
        held_probs: list[Any] = []
        held_data: list[GroupData] = []
        for f, test in enumerate(folds):
            if cancelled is not None and cancelled():
                return out
            held = set(test)
            model = fit(data.subset(i for i in everything if i not in held), max_iter=max_iter)
            part = data.subset(test)
            held_probs.append(model.proba_rows(part))
            held_data.append(part)
            out.per_fold[f][group] = model
            if step is not None:
                step()
        for f in range(len(folds)):
            others = [g for g in range(len(folds)) if g != f]
            out.per_fold[f][group].thresholds = _tune(held_probs, held_data, others, folds, data)
        if not final:
            continue
        model = fit(data, max_iter=max_iter)
        if step is not None:
            step()
        model.thresholds = _tune(held_probs, held_data, range(len(folds)), folds, data)
        out.final[group] = model
    return out


def _tune(
    probs: Sequence[Any],
    parts: Sequence[GroupData],
    which: Iterable[int],
    folds: Sequence[Sequence[int]],
    data: GroupData,
) -> dict[str, float]:
    """Thresholds tuned on the held-out predictions of the folds ``which`` (none: every
    threshold "never", so the trained model is the default)."""
    which = list(which)
    if not which:
        return {f"{label}{suffix}": NEVER for label in data.classes[1:] for suffix in SUFFIXES}
    return tune_stacked(
        np.concatenate([probs[f] for f in which]),
        np.concatenate([parts[f].y for f in which]),
        np.concatenate([parts[f].dflt for f in which]),
        np.concatenate([parts[f].elig for f in which]),
        data.classes,
        data.gold_counts(d for f in which for d in folds[f]),
        np.concatenate([parts[f].gid for f in which]) if data.gid is not None else None,
    )


def document_folds(n: int, k: int, seed: int = 0) -> list[list[int]]:
    """``k`` (at most ``n``) folds of document indices, shuffled with ``seed``."""
    import random

    order = list(range(n))
    random.Random(seed).shuffle(order)
    k = max(1, min(k, n))
    return [sorted(order[i::k]) for i in range(k)]


def _link_figures(row: Mapping[str, Any], how: str) -> str:
    """The held-out figures that decided a relation, and why the rules were kept when they
    were (the linker's when it is not stacking that is used)."""
    if not row:
        return ""
    name = STACKED if how == STACKED and STACKED in row else LINKER
    measure = decided_on(row, name)
    figures = (
        f" (held-out {figure_name(row, measure)} {float(row[name][measure]):.3f} {name} vs "
        f"{float(row[RULES][measure]):.3f} rules"
    )
    if how == RULES:
        figures += f"; {why_rules(row, name, figures=False)}"
    return figures + ")"
