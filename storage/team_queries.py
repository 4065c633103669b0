"""Bulk queries for the team workflow: assignments, work files and merges.

Like ``storage.repository``, every function takes a session (or a database) and returns plain
values; nothing here imports ``annotator``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Text, delete, insert, select, type_coerce, update

from storage.db import Database
from storage.models import Annotator, Assignment, Entity, EntityAlias, Relation, Span, utcnow
from storage.records import RelationRecord, SpanRecord


def layer_spans(
    session: Any, annotator: str | None = None, doc_ids: Collection[int] | None = None
) -> list[SpanRecord]:
    """Spans of one layer (every layer when None), optionally of some documents only, read as
    columns (fast for large layers)."""
    stmt = select(
        Span.id,
        Span.document_id,
        Annotator.name,
        Span.start,
        Span.end,
        Span.label,
        type_coerce(Span.attrs, Text),
        Span.entity_id,
        Span.origin,
    ).join(Annotator, Annotator.id == Span.annotator_id)
    if annotator is not None:
        stmt = stmt.where(Annotator.name == annotator)
    if doc_ids is not None and len(doc_ids) <= 30000:
        stmt = stmt.where(Span.document_id.in_(list(doc_ids)))
    stmt = stmt.order_by(Span.document_id, Span.start, Span.end, Span.id)
    parsed: dict[str | None, dict[str, Any]] = {None: {}, "null": {}}
    out: list[SpanRecord] = []
    for sid, doc, name, start, end, label, raw, ent, origin in session.connection().execute(stmt):
        attrs = parsed.get(raw)
        if attrs is None:
            attrs = parsed[raw] = json.loads(raw)
        out.append(SpanRecord(sid, doc, name, start, end, label, dict(attrs), ent, origin))
    if doc_ids is not None and len(doc_ids) > 30000:
        wanted = set(doc_ids)
        out = [s for s in out if s.document_id in wanted]
    return out


def layer_relations(
    session: Any, annotator: str | None = None, doc_ids: Collection[int] | None = None
) -> list[RelationRecord]:
    """Relations whose head span belongs to one layer (every layer when None), optionally of
    some documents only (a superset when more than 30,000 are given)."""
    stmt = select(Relation.id, Relation.head_id, Relation.tail_id, Relation.label, Relation.origin)
    if doc_ids is not None and len(doc_ids) > 30000:
        doc_ids = None  # too many to list: the caller keeps the relations of its spans
    if annotator is not None or doc_ids is not None:
        stmt = stmt.join(Span, Span.id == Relation.head_id)
    if annotator is not None:
        stmt = stmt.join(Annotator, Annotator.id == Span.annotator_id).where(
            Annotator.name == annotator
        )
    if doc_ids is not None:
        stmt = stmt.where(Span.document_id.in_(list(doc_ids)))
    return [
        RelationRecord(*row) for row in session.connection().execute(stmt.order_by(Relation.id))
    ]


def active_assignments(
    session: Any, doc_ids: Collection[int] | None = None
) -> list[tuple[int, str]]:
    """(document id, annotator) of assignments in progress or done."""
    stmt = (
        select(Assignment.document_id, Annotator.name)
        .join(Annotator, Annotator.id == Assignment.annotator_id)
        .where(Assignment.status.in_(["in_progress", "done"]))
    )
    if doc_ids is not None:
        stmt = stmt.where(Assignment.document_id.in_(list(doc_ids)))
    return [(d, n) for d, n in session.connection().execute(stmt)]


def insert_assignments(session: Any, rows: Sequence[Mapping[str, Any]]) -> None:
    """Bulk-insert assignments (dicts with document_id, annotator_id, status, seconds_spent)."""
    if rows:
        now = utcnow()
        session.execute(
            insert(Assignment),
            [{"status": "todo", "seconds_spent": 0.0, "updated_at": now, **r} for r in rows],
        )


def put_assignment(
    session: Any, document_id: int, annotator_id: int, status: str, seconds_spent: float
) -> None:
    """Set an assignment's status and total time (absolute values), creating it if needed."""
    row = session.scalar(
        select(Assignment).where(
            Assignment.document_id == document_id, Assignment.annotator_id == annotator_id
        )
    )
    if row is None:
        session.add(
            Assignment(
                document_id=document_id,
                annotator_id=annotator_id,
                status=status,
                seconds_spent=seconds_spent,
                updated_at=utcnow(),
            )
        )
    else:
        row.status = status
        row.seconds_spent = seconds_spent
        row.updated_at = utcnow()
    session.flush()


def insert_entities(
    session: Any, rows: Sequence[Mapping[str, Any]], aliases: Sequence[Mapping[str, Any]]
) -> None:
    """Bulk-insert registry entries with their ids (``id, name, type, external_id``) and aliases
    (``entity_id, alias``)."""
    if rows:
        now = utcnow()
        session.execute(
            insert(Entity), [{"created_at": now, "external_id": None, **r} for r in rows]
        )
    if aliases:
        session.execute(insert(EntityAlias), [dict(a) for a in aliases])


def delete_spans(session: Any, span_ids: Collection[int]) -> None:
    """Delete spans and every relation touching them."""
    ids = list(span_ids)
    for i in range(0, len(ids), 30000):
        chunk = ids[i : i + 30000]
        session.execute(
            delete(Relation).where(Relation.head_id.in_(chunk) | Relation.tail_id.in_(chunk))
        )
        session.execute(delete(Span).where(Span.id.in_(chunk)))


def insert_relations_returning(session: Any, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Bulk-insert relations (head_id, tail_id, label, origin); return their ids in order."""
    if not rows:
        return []
    now = utcnow()
    result = session.execute(
        insert(Relation).returning(Relation.id, sort_by_parameter_order=True),
        [{"origin": "manual", "created_at": now, **r} for r in rows],
    )
    return [r[0] for r in result]


def delete_relations(session: Any, relation_ids: Collection[int]) -> None:
    ids = list(relation_ids)
    for i in range(0, len(ids), 30000):
        session.execute(delete(Relation).where(Relation.id.in_(ids[i : i + 30000])))


def set_span_values(session: Any, values: Mapping[int, Mapping[str, Any]]) -> None:
    """Update attrs/entity_id of several spans: span id -> {column: value}."""
    now = utcnow()
    for span_id, vals in values.items():
        session.execute(update(Span).where(Span.id == span_id).values(updated_at=now, **vals))


def make_single_file(db: Database) -> None:
    """Fold the write-ahead log into the database file and leave it in rollback-journal mode,
    so the file can be copied or mailed on its own."""
    db.pragma("PRAGMA wal_checkpoint(TRUNCATE)")
    db.pragma("PRAGMA journal_mode=DELETE")
