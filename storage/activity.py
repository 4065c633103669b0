"""Light read-only queries behind the dashboard: activity over time and layer fingerprints."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Annotator, Assignment, EventLog, Relation, Span
from storage.records import EventRecord
from storage.vocabulary import EventAction


def activity_events(session: Session) -> list[EventRecord]:
    """``status`` events (with their ``after``) and ``span.add`` events (without)."""
    cols = (
        EventLog.id,
        EventLog.at,
        EventLog.actor,
        EventLog.action,
        EventLog.document_id,
        EventLog.target,
    )
    out = [
        EventRecord(i, at, actor, action, doc, target or "", None, after)
        for i, at, actor, action, doc, target, after in session.execute(
            select(*cols, EventLog.after).where(EventLog.action == EventAction.STATUS)
        )
    ]
    out += [
        EventRecord(i, at, actor, action, doc, target or "", None, None)
        for i, at, actor, action, doc, target in session.execute(
            select(*cols).where(EventLog.action == EventAction.SPAN_ADD)
        )
    ]
    return out


def layer_fingerprint(session: Session, names: Sequence[str]) -> tuple[Any, ...]:
    """A cheap summary that changes whenever an annotator's spans, relations or finished
    documents change (counts, largest ids, last update, a checksum of the offsets)."""
    wanted = sorted(set(names))
    spans = session.execute(
        select(
            Annotator.name,
            func.count(Span.id),
            func.max(Span.id),
            func.max(Span.updated_at),
            func.sum(Span.start * 7 + Span.end * 13 + func.length(Span.label)),
        )
        .join(Span, Span.annotator_id == Annotator.id)
        .where(Annotator.name.in_(wanted))
        .group_by(Annotator.name)
        .order_by(Annotator.name)
    )
    rels = session.execute(
        select(Annotator.name, func.count(Relation.id), func.max(Relation.id))
        .join(Span, Span.id == Relation.head_id)
        .join(Annotator, Annotator.id == Span.annotator_id)
        .where(Annotator.name.in_(wanted))
        .group_by(Annotator.name)
        .order_by(Annotator.name)
    )
    status = session.execute(
        select(Annotator.name, Assignment.status, func.count(Assignment.id))
        .join(Assignment, Assignment.annotator_id == Annotator.id)
        .where(Annotator.name.in_(wanted))
        .group_by(Annotator.name, Assignment.status)
        .order_by(Annotator.name, Assignment.status)
    )
    return (
        tuple(wanted),
        tuple(map(tuple, spans)),
        tuple(map(tuple, rels)),
        tuple(map(tuple, status)),
    )
