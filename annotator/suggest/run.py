"""Pre-annotating a project: run ``propose`` over its documents and store the suggestions.

Used by ``annotator preannotate`` and by the GUI's background task (progress and cancel
through ``annotator.cancel``). The pipeline runs outside any transaction; everything is
written at the end in one session, so a failure or a cancel changes nothing, and a second run
adds nothing new.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator import services
from annotator.cancel import Progress, quiet
from annotator.errors import ModelUnavailable, NotFound
from annotator.project import Project
from annotator.suggest.correction import is_learned_model, learned_name, load_model
from annotator.suggest.propose import Proposal, Suggester, load_pipeline, pipeline_name, propose
from annotator.wording import count_of
from storage.records import DocumentRecord
from storage.repository import documents as doc_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo

REGISTRY_ONLY = "registry"


@dataclass(slots=True)
class PreannotateReport:
    model: str
    documents: int = 0
    proposed: Counter[str] = field(default_factory=Counter)  # label -> spans proposed
    stored: int = 0  # new suggestions (or new spans with --as)
    into: str = ""  # the annotator whose layer got the spans (--as); "" for suggestions
    relations: int = 0  # relations proposed
    states: dict[str, int] = field(default_factory=dict)  # suggestion state -> count, all docs
    warning: str = ""
    choices: list[str] = field(default_factory=list)  # trained model: per label, which is used

    def lines(self) -> list[str]:
        proposed = sum(self.proposed.values())
        skipped = proposed - self.stored
        why = f"already in {self.into}'s layer" if self.into else "already suggested"
        out = [
            f"model {self.model}: {count_of(self.documents, 'document')}, "
            f"{proposed} spans and {self.relations} relations proposed, {self.stored} new"
            + (f" ({skipped} {why})" if skipped > 0 else "")
        ]
        for label, n in sorted(self.proposed.items()):
            out.append(f"  {label:<8} {n:>7}")
        if self.choices:
            out.append("per label (trained model or default, as its comparison decided):")
            out.extend(self.choices)
        out.append(
            "suggestions by state: "
            + (", ".join(f"{state} {n}" for state, n in sorted(self.states.items())) or "none")
        )
        return out


def select_documents(
    records: Sequence[DocumentRecord], wanted: Collection[str] | None
) -> list[DocumentRecord]:
    """Documents named by database id or external id (all when ``wanted`` is None)."""
    if not wanted:
        return list(records)
    by_ext = {d.external_id: d for d in records}
    by_id = {str(d.id): d for d in records}
    out: list[DocumentRecord] = []
    for name in wanted:
        doc = by_ext.get(name) or by_id.get(name)
        if doc is None:
            raise NotFound(f"no document with id or external id '{name}'")
        if doc not in out:
            out.append(doc)
    return out


def load_or_blank(model: str | None) -> tuple[Any, str]:
    """The pipeline to use and a warning: with no model named and none installed, a blank
    English pipeline that still finds registered actors."""
    try:
        return load_pipeline(model), ""
    except ModelUnavailable as exc:
        if model is not None:
            raise
        import spacy

        return spacy.blank("en"), exc.message + "; only registered actors are suggested"


def preannotate_project(
    project: Project,
    model: str | None = None,
    documents: Collection[str] | None = None,
    as_annotator: str | None = None,
    n_process: int = 1,
    batch_size: int = 64,
    progress: Progress | None = None,
    nlp: Any = None,
) -> PreannotateReport:
    """Suggest spans and relations for the project's documents and store them.

    Suggestions go to the ``suggestion`` table; with ``as_annotator`` they become that
    annotator's spans (origin = the model), skipping spans the layer already has. A cancel
    (``progress.check()``, once per document) stores nothing.
    """
    progress = progress or quiet()
    with project.session() as s:
        docs = select_documents(doc_repo.get_documents(s), documents)
        registry = [(e.name, e.type or None, e.aliases) for e in services.list_entities(s)]
    warning = ""
    progress.report(0, len(docs))  # known before the (slow) pipeline loads
    learned = None
    if nlp is None and is_learned_model(model):
        learned = load_model(str(model))
        nlp = load_pipeline(learned.base)
    if nlp is None:
        nlp, warning = load_or_blank(model)
    progress.check()
    name = pipeline_name(nlp) if list(nlp.pipe_names) else REGISTRY_ONLY
    report = PreannotateReport(
        model=name, documents=len(docs), warning=warning, into=as_annotator or ""
    )
    rules: Suggester
    if learned is not None:
        rules = learned.suggester(nlp, project.scheme, registry)
        report.model = f"{name}+{learned_name(learned)}"
        report.choices = learned.lines()
    else:
        rules = Suggester(nlp, project.scheme, registry)
    results: list[tuple[int, Proposal]] = []
    total = len(docs)
    for done, (doc_id, proposal) in enumerate(
        propose(
            ((d.text, d.id) for d in docs),
            nlp,
            project.scheme,
            n_process=n_process,
            batch_size=batch_size,
            suggester=rules,
        ),
        start=1,
    ):
        progress.check()
        results.append((doc_id, proposal))
        report.proposed.update(proposal.label_counts())
        report.relations += len(proposal.relations)
        progress.report(done, total)
    progress.check()
    with project.session() as s:
        for doc_id, proposal in results:
            if as_annotator:
                report.stored += _store_as(s, project, doc_id, proposal, as_annotator, name)
            else:
                report.stored += services.add_suggestions(
                    s,
                    doc_id,
                    list(proposal.spans),
                    list(proposal.relations),
                    name,
                    dict(proposal.scores),
                )
        report.states = sugg_repo.suggestion_counts(s)
    return report


def _store_as(
    session: Any, project: Project, doc_id: int, proposal: Proposal, annotator: str, model: str
) -> int:
    have = {
        (sp.start, sp.end, sp.label): sp.id
        for sp in span_repo.spans_of(session, document_id=doc_id, annotator=annotator)
    }
    ids: dict[str, int] = {}
    new = 0
    for span in proposal.spans:
        key = (span.start, span.end, span.label)
        if key in have:
            ids[span.id] = have[key]
            continue
        entity_id = None
        if span.entity:
            entity_id = registry_repo.find_entity(session, span.entity, span.entity_type)
        ids[span.id] = services.add_span(
            session,
            project.scheme,
            doc_id,
            annotator,
            span.start,
            span.end,
            span.label,
            dict(span.attrs),
            entity_id=entity_id,
            origin=model,
        ).id
        have[key] = ids[span.id]
        new += 1
    for rel in proposal.relations:
        if rel.head in ids and rel.tail in ids:
            services.add_relation(
                session,
                project.scheme,
                ids[rel.head],
                ids[rel.tail],
                rel.label,
                annotator,
                origin=model,
            )
    return new
