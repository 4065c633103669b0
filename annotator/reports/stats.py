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
    for name, state, n, spent in ann_repo.assignment_totals(session):
        status.setdefault(name, {})[state] = n
        seconds[name] = seconds.get(name, 0.0) + spent
    return {
        "documents": doc_repo.count_documents(session),
        "annotators": [a.name for a in ann_repo.list_annotators(session)],
        "spans": span_repo.span_counts(session),
        "relations": span_repo.relation_counts(session),
        "suggestions": sugg_repo.suggestion_counts(session),
        "status": status,
        "seconds_spent": seconds,
        "actors": registry_repo.count_entities(session),
    }
