"""The event log: who changed what, when (one row per change)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from storage.models import EventLog, utcnow
from storage.records import EventRecord
from storage.vocabulary import EventAction


def log_event(
    session: Session,
    actor: str,
    action: str,
    document_id: int | None = None,
    target: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> None:
    session.add(
        EventLog(
            actor=actor,
            action=action,
            document_id=document_id,
            target=target,
            before=dict(before) if before is not None else None,
            after=dict(after) if after is not None else None,
        )
    )


def log_events(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    """Bulk-append events (dicts with ``actor``, ``action`` and optionally ``document_id``,
    ``target``, ``before``, ``after``)."""
    if rows:
        now = utcnow()
        session.execute(
            insert(EventLog),
            [
                {"at": now, "target": "", "before": None, "after": None, "document_id": None, **r}
                for r in rows
            ],
        )


def events(
    session: Session,
    document_id: int | None = None,
    action: str | None = None,
    limit: int | None = None,
) -> list[EventRecord]:
    stmt = select(EventLog)
    if document_id is not None:
        stmt = stmt.where(EventLog.document_id == document_id)
    if action is not None:
        stmt = stmt.where(EventLog.action == action)
    stmt = stmt.order_by(EventLog.id)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [
        EventRecord(e.id, e.at, e.actor, e.action, e.document_id, e.target, e.before, e.after)
        for e in session.scalars(stmt)
    ]


def activity_events(session: Session) -> list[EventRecord]:
    """``status`` events (with their ``after``), ``span.add`` and ``suggestion.accept`` events
    (without), for the dashboard's activity over time."""
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
            select(*cols, EventLog.after).where(EventLog.action == "status")
        )
    ]
    out += [
        EventRecord(i, at, actor, action, doc, target or "", None, None)
        for i, at, actor, action, doc, target in session.execute(
            select(*cols).where(
                EventLog.action.in_((EventAction.SPAN_ADD, EventAction.SUGGESTION_ACCEPT))
            )
        )
    ]
    return out


def last_event_id(session: Session) -> int:
    """The id of the newest event (0 when none): where a watcher starts."""
    return session.scalar(select(func.max(EventLog.id))) or 0


def changes_after(
    session: Session, after_id: int, limit: int = 1000
) -> list[tuple[int, str, str, int | None]]:
    """(id, actor, action, document id) of events newer than ``after_id``, oldest first: a
    cheap poll (one indexed range scan) for what others changed."""
    stmt = (
        select(EventLog.id, EventLog.actor, EventLog.action, EventLog.document_id)
        .where(EventLog.id > after_id)
        .order_by(EventLog.id)
        .limit(limit)
    )
    return [(i, actor, action, doc) for i, actor, action, doc in session.execute(stmt)]
