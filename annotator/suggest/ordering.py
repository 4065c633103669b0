"""Active-learning order: an annotator's queue, most uncertain documents first.

With a model folder written by ``annotator train``, every document of the queue goes through
the model; its uncertainty is the mean of its most uncertain keep-or-drop decisions (one minus
the margin between the two likeliest classes, see ``LearnedModel.apply``). Annotating those
first teaches the model most. The default order is the assignment order (by document).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from annotator.cancel import Progress, quiet
from annotator.errors import NotFound, ValidationError
from annotator.vocabulary import AssignmentStatus

if TYPE_CHECKING:
    from annotator.project import Project

ORDERS = ("default", "uncertainty")
OPEN = (AssignmentStatus.TODO, AssignmentStatus.IN_PROGRESS)


@dataclass(frozen=True, slots=True)
class QueueEntry:
    document_id: int
    external_id: str
    title: str
    status: str
    uncertainty: float | None = None


def document_uncertainty(
    project: Project,
    model: str,
    doc_ids: list[int],
    progress: Progress | None = None,
) -> dict[int, float]:
    """Document id -> uncertainty of the trained ``model`` (a folder) on that document."""
    from annotator import services
    from annotator.suggest.correction import is_learned_model, load_model
    from annotator.suggest.propose import load_pipeline
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
    nlp = load_pipeline(learned.base)
    every = {label: "trained" for label in learned.use}
    learned.use = every  # every label's decisions count, whichever is used for suggestions
    rules = learned.suggester(nlp, project.scheme, registry)
    out: dict[int, float] = {}
    with nlp.memory_zone():
        for done, (doc, (text, doc_id)) in enumerate(
            nlp.pipe(((d.text, (d.text, d.id)) for d in docs), as_tuples=True, batch_size=32),
            start=1,
        ):
            watch.check()
            out[doc_id] = rules.analyse_with_uncertainty(doc, text)[1]
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
