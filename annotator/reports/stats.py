"""Project statistics (plain numbers; plots live in app/)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo


def project_stats(session: Session) -> dict[str, Any]:
    """documents, annotators, spans/relations per annotator and label, suggestions per state,
    and assignment status per annotator."""
    status: dict[str, dict[str, int]] = {}
    seconds: dict[str, float] = {}
    for a in ann_repo.assignments(session):
        status.setdefault(a.annotator, {}).setdefault(a.status, 0)
        status[a.annotator][a.status] += 1
        seconds[a.annotator] = seconds.get(a.annotator, 0.0) + a.seconds_spent
    return {
        "documents": doc_repo.count_documents(session),
        "annotators": [a.name for a in ann_repo.list_annotators(session)],
        "spans": span_repo.span_counts(session),
        "relations": span_repo.relation_counts(session),
        "suggestions": sugg_repo.suggestion_counts(session),
        "status": status,
        "seconds_spent": seconds,
        "actors": len(registry_repo.list_entities(session)),
    }
