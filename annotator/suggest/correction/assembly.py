"""Applying the decisions to a proposal: the picked candidates, without near-duplicates
(``dedupe``), become the suggestions of the trained labels beside the default ones of the
others, with their attributes and relations (``assemble``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from annotator.scheme import Scheme
from annotator.suggest.correction.candidates import Candidate
from annotator.suggest.evaluation import iou
from annotator.suggest.propose import Proposal
from annotator.values import AttrValue, RelationData, SpanData


def dedupe(picked: list[tuple[Candidate, str, float]]) -> list[tuple[Candidate, str, float]]:
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


def assemble(
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
