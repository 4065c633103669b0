"""What the correction decides on: the candidates of one document (:class:`Candidate`), per
group (``GROUPS``), from the default proposal, the recogniser's entities, noun chunks, more
claim cues and quotation paragraphs, and every verb and noun; ``analyse`` parses once."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from annotator.suggest.claims import ClaimRules
from annotator.suggest.correction.features import (
    QUOTES,
    context_features,
    document_features,
    lexicon_features,
    span_features,
)
from annotator.suggest.entities import Cand, RelCand, SentIndex, SpanIndex
from annotator.suggest.linker import LinkCand, link_candidates
from annotator.suggest.propose import Proposal, Suggester
from annotator.values import AttrValue, SpanData

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

NONE = "-"
GROUPS: dict[str, tuple[str, ...]] = {
    "entity": ("ACTOR", "PLACE", "TIME"),
    "claim": ("CLAIM",),
    "event": ("EVENT",),
}
GROUP_OF = {label: group for group, labels in GROUPS.items() for label in labels}
EVENT_POS = frozenset({"VERB", "NOUN"})
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
    head_span: tuple[int, int] | None = None  # character offsets of the head token


@dataclass(slots=True)
class Analysed:
    """One document through the default pipeline: its default proposal, the candidates, and
    the claimant/role candidate pairs of its claims and events (:mod:`.linker`)."""

    proposal: Proposal
    cands: list[Candidate]
    links: list[LinkCand] = field(default_factory=list)


def more_claims(rules: Suggester) -> ClaimRules:
    """Claim rules with the scheme's reporting verbs and ``MORE_CUES``."""
    return ClaimRules(set(rules.claims.reporting) | MORE_CUES)


def candidates(  # noqa: C901 - one block per candidate source (claims, entities, chunks, events)
    doc: Doc, proposal: Proposal, rules: Suggester, extra: ClaimRules | None = None
) -> list[Candidate]:
    """Candidates of one processed doc (see the module docstring); ``extra``: claim rules
    whose claims join the rule CLAIMs as candidates."""
    labels = rules.labels
    lexicon = getattr(rules, "lexicon", None)
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
            feats = span_features(doc, span)
            if group == "entity":
                feats.extend(lexicon_features(span.root, lexicon))
            root = span.root
            cand = Candidate(group, start, end, head, feats, dense)
            cand.head_span = (root.idx, root.idx + len(root))
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
        tags.extend(rel_tags.get(sp.id, ()) or ["rel=none"])
        if group == "claim" and "\n" in doc.text[sp.start : sp.end]:
            tags.append("paragraphs")
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
    context_features(doc, out)
    return out


_EMPTY = np.zeros(0, dtype="float32")
_CONTENT_DEPS = frozenset({"ccomp", "xcomp", "dobj", "parataxis"})


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
        if len(stripped) > 1 and stripped[0] in QUOTES:
            offset = pos + line.index(stripped[0]) + 1
            close = min((i for i in (stripped.find(q, 1) for q in QUOTES) if i > 0), default=-1)
            inner = stripped[1:close] if close > 0 else stripped[1:]
            inner_trim = inner.strip().rstrip(",.;:")
            if len(inner_trim.split()) >= 2:
                lead = len(inner) - len(inner.lstrip())
                start = offset + lead
                yield start, start + len(inner_trim), ["quote-line", f"closed={close > 0}"], None
        pos += len(line) + 1


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
