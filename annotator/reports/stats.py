"""Project statistics (plain numbers; plots live in app/)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the light ``annotator stats`` imports this module without SQLAlchemy
    from sqlalchemy.orm import Session

    from storage.peek import ProjectCounts


def project_stats(session: Session) -> dict[str, Any]:
    """documents, annotators, spans/relations per annotator and label, suggestions per state,
    and assignment status per annotator."""
    from storage.repository import annotators_assignments as ann_repo
    from storage.repository import documents as doc_repo
    from storage.repository import registry as registry_repo
    from storage.repository import spans as span_repo
    from storage.repository import suggestions as sugg_repo

    return stats_of(
        documents=doc_repo.count_documents(session),
        annotators=[a.name for a in ann_repo.list_annotators(session)],
        spans=span_repo.span_counts(session),
        relations=span_repo.relation_counts(session),
        suggestions=sugg_repo.suggestion_counts(session),
        assignments=ann_repo.assignment_totals(session),
        actors=registry_repo.count_entities(session),
    )


def stats_from_counts(counts: ProjectCounts) -> dict[str, Any]:
    """``project_stats`` from the counts of a quick read-only look (``storage.peek``)."""
    return stats_of(
        documents=counts.documents,
        annotators=counts.annotators,
        spans=counts.spans,
        relations=counts.relations,
        suggestions=counts.suggestions,
        assignments=counts.assignments,
        actors=counts.actors,
    )


def stats_of(
    *,
    documents: int,
    annotators: list[str],
    spans: dict[str, dict[str, int]],
    relations: dict[str, dict[str, int]],
    suggestions: dict[str, int],
    assignments: list[tuple[str, str, int, float]],
    actors: int,
) -> dict[str, Any]:
    status: dict[str, dict[str, int]] = {}
    seconds: dict[str, float] = {}
    for name, state, n, spent in assignments:
        status.setdefault(name, {})[state] = n
        seconds[name] = seconds.get(name, 0.0) + spent
    return {
        "documents": documents,
        "annotators": annotators,
        "spans": spans,
        "relations": relations,
        "suggestions": suggestions,
        "status": status,
        "seconds_spent": seconds,
        "actors": actors,
    }
