"""Active-learning order: an annotator's queue, most uncertain documents first.

With a model folder written by ``annotator train``, every document of the queue goes through
the default pipeline and the trained classifiers score its candidates (the same decisions
``preannotate --model`` makes). A document's uncertainty is the summed uncertainty of those
decisions per 1,000 characters (:func:`decision_uncertainty`): by default the normalised entropy
of each decision's class probabilities, so a document full of decisions the model is unsure of
ranks first, and a long document does not win by length alone. Annotating those first teaches
the model most. The default order is the assignment order (by document).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.cancel import Progress, quiet
from annotator.errors import NotFound, ValidationError
from annotator.vocabulary import AssignmentStatus

if TYPE_CHECKING:
    from annotator.project import Project
    from annotator.suggest.correction import Analysed, LearnedModel

ORDERS = ("default", "uncertainty")
OPEN = (AssignmentStatus.TODO, AssignmentStatus.IN_PROGRESS)


@dataclass(frozen=True, slots=True)
class QueueEntry:
    document_id: int
    external_id: str
    title: str
    status: str
    uncertainty: float | None = None


MEASURES = ("entropy", "margin", "disagreement")


def decision_uncertainty(
    model: LearnedModel, analysed: Analysed, length: int, measure: str = "entropy"
) -> float:
    """Uncertainty of ``model``'s decisions on one analysed document of ``length`` characters,
    per 1,000 characters, summed over its candidates:

    * ``entropy``: entropy of each candidate's class probabilities, over log(classes);
    * ``margin``: one minus the gap between the two likeliest classes;
    * ``disagreement``: 1 where the model's decision differs from the default suggestions' (a
      default suggestion dropped or relabelled, or a candidate added).
    """
    import numpy as np

    from annotator.suggest.correction import NONE

    if measure not in MEASURES:
        raise ValidationError(
            f"unknown uncertainty '{measure}' (choose from {', '.join(MEASURES)})"
        )
    total = 0.0
    for group, clf in model.groups.items():
        cands = [c for c in analysed.cands if c.group == group]
        if not cands:
            continue
        probs = np.clip(clf.proba(cands), 1e-12, 1.0)
        if measure == "entropy":
            k = probs.shape[1]
            per = -(probs * np.log(probs)).sum(axis=1) / (np.log(k) if k > 1 else 1.0)
            total += float(per.sum())
        elif measure == "margin":
            top2 = np.sort(probs, axis=1)[:, -2:]
            total += float((1.0 - (top2[:, 1] - top2[:, 0])).sum())
        else:
            decided = clf.decide(probs)
            total += sum(
                1.0
                for cand, (label, _p) in zip(cands, decided, strict=True)
                if label != (cand.default or NONE)
            )
    return total / max(length, 1) * 1000.0


def document_uncertainty(
    project: Project,
    model: str,
    doc_ids: list[int],
    progress: Progress | None = None,
    measure: str = "entropy",
) -> dict[int, float]:
    """Document id -> uncertainty of the trained ``model`` (a folder) on that document."""
    from annotator import services
    from annotator.suggest.correction import analyse, is_learned_model, load_model
    from annotator.suggest.propose import Suggester, load_pipeline
    from storage.repository import documents as doc_repo

    if not is_learned_model(model):
        raise ValidationError(
            f"'{model}' is not a model folder written by annotator train; uncertainty order "
            "needs one"
        )
    learned = load_model(model)
    watch = progress or quiet()
    with project.session() as s:
        docs = doc_repo.get_documents(s, doc_ids)
        registry = [(e.name, e.type or None, e.aliases) for e in services.list_entities(s)]
    watch.report(0, len(docs))
    nlp = load_pipeline(learned.base)
    rules = Suggester(nlp, project.scheme, registry)
    lengths = {d.id: len(d.text) for d in docs}
    out: dict[int, float] = {}
    for done, (doc_id, item) in enumerate(
        analyse(((d.text, d.id) for d in docs), nlp, rules), start=1
    ):
        watch.check()
        out[doc_id] = round(decision_uncertainty(learned, item, lengths[doc_id], measure), 4)
        watch.report(done, len(docs))
    return out


def annotator_queue(
    project: Project,
    annotator: str,
    order: str = "default",
    model: str | None = None,
    include_done: bool = False,
    progress: Progress | None = None,
) -> list[QueueEntry]:
    """The documents assigned to ``annotator`` (open ones unless ``include_done``), in
    ``order``: "default" (by document) or "uncertainty" (needs ``model``)."""
    from storage.repository import annotators_assignments as ann_repo
    from storage.repository import documents as doc_repo

    if order not in ORDERS:
        raise ValidationError(f"unknown order '{order}' (choose from {', '.join(ORDERS)})")
    if order == "uncertainty" and not model:
        raise ValidationError("uncertainty order needs a trained model (--model DIR)")
    with project.session() as s:
        assigned = ann_repo.assignments(s, annotator=annotator)
        if not assigned:
            raise NotFound(f"no documents are assigned to '{annotator}'")
        status = {a.document_id: a.status for a in assigned}
        wanted = [d for d, st in status.items() if include_done or st in OPEN]
        summaries = {d.id: d for d in doc_repo.document_summaries(s, annotator)}
    scores: dict[int, float] = {}
    if order == "uncertainty" and wanted:
        assert model is not None
        scores = document_uncertainty(project, model, wanted, progress)
    entries = [
        QueueEntry(
            d,
            summaries[d].external_id if d in summaries else str(d),
            summaries[d].title if d in summaries else "",
            status[d],
            scores.get(d),
        )
        for d in sorted(wanted)
    ]
    if order == "uncertainty":
        entries.sort(key=lambda e: (-(e.uncertainty or 0.0), e.document_id))
    return entries
