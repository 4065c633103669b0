"""Project statistics (plain numbers; plots live in app/)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from storage import repository as repo


def project_stats(session: Session) -> dict[str, Any]:
    """documents, annotators, spans/relations per annotator and label, suggestions per state,
    and assignment status per annotator."""
    status: dict[str, dict[str, int]] = {}
    seconds: dict[str, float] = {}
    for a in repo.assignments(session):
        status.setdefault(a.annotator, {}).setdefault(a.status, 0)
        status[a.annotator][a.status] += 1
        seconds[a.annotator] = seconds.get(a.annotator, 0.0) + a.seconds_spent
    return {
        "documents": repo.count_documents(session),
        "annotators": [a.name for a in repo.list_annotators(session)],
        "spans": repo.span_counts(session),
        "relations": repo.relation_counts(session),
        "suggestions": repo.suggestion_counts(session),
        "status": status,
        "seconds_spent": seconds,
        "actors": len(repo.list_entities(session)),
    }
