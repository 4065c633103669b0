"""Scoring suggestions against a human layer: per-label precision, recall and F.

Two ways of matching (``Evaluation.match``):

* ``exact``: spans match when start, end and label are equal; relations when their label and
  the (start, end, label) of both ends are equal;
* ``overlap``: one-to-one pairs of the same label sharing at least one character, chosen
  greedily by IoU (intersection over union of the character ranges), best first, as the dev
  set's scorer does; relations pair when both their heads and their tails overlap (ranked by
  the sum of the two IoUs).

Documents added with their text are also scored as the dev-set scorer does (trimmed, lenient
and overlap matching, claimant accuracy, role recall and precision on matched triggers;
:mod:`annotator.suggest.metrics`). ``evaluate_project`` runs ``propose`` on the documents a
layer covers and scores the result, so a lead can see whether suggestions help.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from annotator.suggest.metrics import NewsScores
from annotator.values import RelationData, SpanData
from annotator.vocabulary import Layer

if TYPE_CHECKING:
    from annotator.project import Project

SpanKey = tuple[int, int, str]


MATCH_WORDING = {
    "exact": "same start, end and label",
    "overlap": "same label, sharing a character, paired by overlap",
}


@dataclass(slots=True)
class LabelScore:
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f": round(self.f1, 4),
        }


@dataclass(slots=True)
class Evaluation:
    """Exact-match counts per label and relation, plus (for documents added with their text)
    the dev-set scorer's metrics in ``news`` (see :mod:`annotator.suggest.metrics`)."""

    spans: dict[str, LabelScore] = field(default_factory=dict)
    relations: dict[str, LabelScore] = field(default_factory=dict)
    documents: int = 0
    news: NewsScores = field(default_factory=NewsScores)
    match: str = "exact"  # or "overlap"

    def add(
        self,
        gold_spans: Sequence[SpanData],
        gold_rels: Sequence[RelationData],
        pred_spans: Sequence[SpanData],
        pred_rels: Sequence[RelationData],
        text: str | None = None,
    ) -> None:
        """Count one document (with its ``text``, also for the scorer's metrics)."""
        self.documents += 1
        if text is not None:
            self.news.add(text, gold_spans, gold_rels, pred_spans, pred_rels)
        if self.match == "overlap":
            _count_overlap(self.spans, gold_spans, pred_spans, gold_rels, pred_rels, self.relations)
            return
        _count(
            self.spans, {_key(s) for s in gold_spans}, {_key(s) for s in pred_spans}, lambda k: k[2]
        )
        _count(
            self.relations,
            _triples(gold_spans, gold_rels),
            _triples(pred_spans, pred_rels),
            lambda t: t[0],
        )

    @staticmethod
    def total(scores: dict[str, LabelScore]) -> LabelScore:
        out = LabelScore("ALL")
        for s in scores.values():
            out.tp, out.fp, out.fn = out.tp + s.tp, out.fp + s.fp, out.fn + s.fn
        return out

    def lines(self) -> list[str]:
        how = MATCH_WORDING.get(self.match, self.match)
        out = [f"{self.documents} documents, {self.match} match ({how})"]
        for title, scores in (("spans", self.spans), ("relations", self.relations)):
            out.append(f"{title:<10} {'P':>6} {'R':>6} {'F':>6} {'tp':>6} {'fp':>6} {'fn':>6}")
            rows = [scores[k] for k in sorted(scores)] + ([self.total(scores)] if scores else [])
            for s in rows:
                out.append(
                    f"  {s.label:<8} {s.precision:6.3f} {s.recall:6.3f} {s.f1:6.3f} "
                    f"{s.tp:6d} {s.fp:6d} {s.fn:6d}"
                )
        if self.news.documents:
            out.append("")
            out.append(
                "as the dev-set scorer measures it (its exact ignores surrounding spaces, quote "
                "marks and edge punctuation; lenient also leading articles and prepositions):"
            )
            out.extend(self.news.lines())
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "match": self.match,
            "spans": [s.to_dict() for _, s in sorted(self.spans.items())],
            "relations": [s.to_dict() for _, s in sorted(self.relations.items())],
            "scores": self.news.report() if self.news.documents else None,
        }


def _key(span: SpanData) -> SpanKey:
    return (span.start, span.end, span.label)


def _triples(
    spans: Sequence[SpanData], rels: Iterable[RelationData]
) -> set[tuple[str, SpanKey, SpanKey]]:
    by_id = {s.id: s for s in spans}
    return {
        (r.label, _key(by_id[r.head]), _key(by_id[r.tail]))
        for r in rels
        if r.head in by_id and r.tail in by_id
    }


def _count(table: dict[str, LabelScore], gold: set[Any], pred: set[Any], label_of: Any) -> None:
    for item in gold | pred:
        score = table.setdefault(label_of(item), LabelScore(label_of(item)))
        if item in gold and item in pred:
            score.tp += 1
        elif item in pred:
            score.fp += 1
        else:
            score.fn += 1


def iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    """Intersection over union of two character ranges (0.0 when they do not overlap)."""
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def greedy_pairs(
    gold: Sequence[tuple[int, int]], pred: Sequence[tuple[int, int]]
) -> dict[int, int]:
    """One-to-one overlap pairs, best IoU first: predicted index -> gold index."""
    import bisect

    order = sorted(range(len(gold)), key=lambda i: gold[i][0])
    starts = [gold[i][0] for i in order]
    longest = max((g[1] - g[0] for g in gold), default=0)
    cands: list[tuple[float, int, int]] = []
    for p, (ps, pe) in enumerate(pred):
        lo = bisect.bisect_left(starts, ps - longest)
        hi = bisect.bisect_left(starts, pe)
        for k in range(lo, hi):
            g = order[k]
            value = iou(gold[g], (ps, pe))
            if value > 0:
                cands.append((-value, g, p))
    cands.sort()
    used_g: set[int] = set()
    out: dict[int, int] = {}
    for _, g, p in cands:
        if g in used_g or p in out:
            continue
        used_g.add(g)
        out[p] = g
    return out


def _count_overlap(
    table: dict[str, LabelScore],
    gold_spans: Sequence[SpanData],
    pred_spans: Sequence[SpanData],
    gold_rels: Sequence[RelationData],
    pred_rels: Sequence[RelationData],
    rel_table: dict[str, LabelScore],
) -> None:
    for label in {s.label for s in gold_spans} | {s.label for s in pred_spans}:
        gold = [(s.start, s.end) for s in gold_spans if s.label == label]
        pred = [(s.start, s.end) for s in pred_spans if s.label == label]
        tp = len(greedy_pairs(gold, pred))
        score = table.setdefault(label, LabelScore(label))
        score.tp += tp
        score.fp += len(pred) - tp
        score.fn += len(gold) - tp
    gby = {s.id: s for s in gold_spans}
    pby = {s.id: s for s in pred_spans}
    grels = [r for r in gold_rels if r.head in gby and r.tail in gby]
    prels = [r for r in pred_rels if r.head in pby and r.tail in pby]
    for label in {r.label for r in grels} | {r.label for r in prels}:
        gl = [r for r in grels if r.label == label]
        pl = [r for r in prels if r.label == label]
        cands: list[tuple[float, int, int]] = []
        for i, g in enumerate(gl):
            gh, gt = gby[g.head], gby[g.tail]
            for j, p in enumerate(pl):
                ph, pt = pby[p.head], pby[p.tail]
                a = iou((gh.start, gh.end), (ph.start, ph.end))
                b = iou((gt.start, gt.end), (pt.start, pt.end))
                if a > 0 and b > 0:
                    cands.append((-(a + b), i, j))
        cands.sort()
        used_g: set[int] = set()
        used_p: set[int] = set()
        for _, i, j in cands:
            if i not in used_g and j not in used_p:
                used_g.add(i)
                used_p.add(j)
        score = rel_table.setdefault(label, LabelScore(label))
        score.tp += len(used_g)
        score.fp += len(pl) - len(used_g)
        score.fn += len(gl) - len(used_g)


def evaluate_project(
    project: Project,
    model: str | None,
    layer: str = Layer.GOLD,
    nlp: Any = None,
    batch_size: int = 64,
    match: str = "exact",
) -> Evaluation:
    """Run the model over the documents ``layer`` covers and score it against that layer
    (``model`` may also be a folder written by ``annotator train``)."""
    from annotator import services
    from annotator.errors import NotFound
    from annotator.layers import load_layer
    from annotator.suggest.correction import is_learned_model, load_model
    from annotator.suggest.propose import load_pipeline, propose

    with project.session() as s:
        docs = load_layer(s, layer)
        registry = [(e.name, e.type or None, e.aliases) for e in services.list_entities(s)]
    if not docs:
        raise NotFound(f"layer '{layer}' has no annotated documents to evaluate against")
    suggester = None
    if nlp is None and is_learned_model(model):
        learned = load_model(str(model))
        nlp = load_pipeline(learned.base)
        suggester = learned.suggester(nlp, project.scheme, registry)
    if nlp is None:
        nlp = load_pipeline(model)
    result = Evaluation(match=match)
    by_index = {i: d for i, d in enumerate(docs)}
    for i, proposal in propose(
        ((d.text, i) for i, d in enumerate(docs)),
        nlp,
        project.scheme,
        registry=registry,
        batch_size=batch_size,
        suggester=suggester,
    ):
        gold = by_index[i]
        result.add(gold.spans, gold.relations, proposal.spans, proposal.relations, gold.text)
    return result
