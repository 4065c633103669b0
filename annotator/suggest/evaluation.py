"""Scoring suggestions against a human layer: per-label precision, recall and F.

Spans match when start, end and label are equal; relations match when their label and the
(start, end, label) of both ends are equal. Documents added with their text are also scored as
the dev-set scorer does (trimmed, lenient and overlap matching, claimant accuracy, role recall
and precision on matched triggers; :mod:`annotator.suggest.metrics`). ``evaluate_project``
runs ``propose`` on the documents a layer covers and scores the result, so a lead can see
whether suggestions help.
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
        out = [f"{self.documents} documents"]
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
            out.append("as the dev-set scorer measures it (exact, lenient and overlap matching):")
            out.extend(self.news.lines())
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
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


def evaluate_project(
    project: Project,
    model: str | None,
    layer: str = Layer.GOLD,
    nlp: Any = None,
    batch_size: int = 64,
) -> Evaluation:
    """Run the model over the documents ``layer`` covers and score it against that layer."""
    from annotator import services
    from annotator.errors import NotFound
    from annotator.layers import load_layer
    from annotator.suggest.propose import load_pipeline, propose

    with project.session() as s:
        docs = load_layer(s, layer)
        registry = [(e.name, e.type or None, e.aliases) for e in services.list_entities(s)]
    if not docs:
        raise NotFound(f"layer '{layer}' has no annotated documents to evaluate against")
    if nlp is None:
        nlp = load_pipeline(model)
    result = Evaluation()
    by_index = {i: d for i, d in enumerate(docs)}
    for i, proposal in propose(
        ((d.text, i) for i, d in enumerate(docs)),
        nlp,
        project.scheme,
        registry=registry,
        batch_size=batch_size,
    ):
        gold = by_index[i]
        result.add(gold.spans, gold.relations, proposal.spans, proposal.relations, gold.text)
    return result
