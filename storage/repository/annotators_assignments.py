"""Annotators (one per layer) and their assignments (document, status, time spent)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.orm import Session

from storage.models import Annotator, Assignment, utcnow
from storage.records import AnnotatorRecord, AssignmentRecord
from storage.vocabulary import SQL_BATCH_LIMIT, AssignmentStatus

# ---------------------------------------------------------------- annotators


def annotator_id(session: Session, name: str) -> int | None:
    return session.scalar(select(Annotator.id).where(Annotator.name == name))


def ensure_annotator(session: Session, name: str, role: str = "annotator") -> int:
    existing = annotator_id(session, name)
    if existing is not None:
        return existing
    row = Annotator(name=name, role=role)
    session.add(row)
    session.flush()
    return row.id


def list_annotators(session: Session) -> list[AnnotatorRecord]:
    return [
        AnnotatorRecord(a.id, a.name, a.role)
        for a in session.scalars(select(Annotator).order_by(Annotator.name))
    ]


# ---------------------------------------------------------------- assignments


def set_assignment(
    session: Session,
    document_id: int,
    annotator_id_: int,
    status: str | None = None,
    add_seconds: float = 0.0,
    *,
    seconds_spent: float | None = None,
) -> None:
    """Create or change one assignment: ``status`` when given (a new one starts as "todo"), the
    time spent set to ``seconds_spent`` when given, plus ``add_seconds``."""
    row = session.scalar(
        select(Assignment).where(
            Assignment.document_id == document_id, Assignment.annotator_id == annotator_id_
        )
    )
    if row is None:
        row = Assignment(
            document_id=document_id,
            annotator_id=annotator_id_,
            status=status or AssignmentStatus.TODO,
            seconds_spent=0.0,
        )
        session.add(row)
    elif status is not None:
        row.status = status
    base = seconds_spent if seconds_spent is not None else (row.seconds_spent or 0.0)
    row.seconds_spent = base + add_seconds
    row.updated_at = utcnow()
    session.flush()


def add_assignments(session: Session, rows: Sequence[Mapping[str, Any]]) -> int:
    """Bulk-create assignments (dicts with ``document_id``, ``annotator_id`` and optionally
    ``status`` (default "todo") and ``seconds_spent``), skipping (document, annotator) pairs
    that have one already; return how many were created."""
    if not rows:
        return 0
    ann_ids = list({r["annotator_id"] for r in rows})
    doc_ids = list({r["document_id"] for r in rows})
    existing: set[tuple[int, int]] = set()
    for i in range(0, len(doc_ids), SQL_BATCH_LIMIT):
        existing.update(
            (d, a)
            for d, a in session.execute(
                select(Assignment.document_id, Assignment.annotator_id).where(
                    Assignment.annotator_id.in_(ann_ids),
                    Assignment.document_id.in_(doc_ids[i : i + SQL_BATCH_LIMIT]),
                )
            )
        )
    now = utcnow()
    params = []
    for r in rows:
        pair = (r["document_id"], r["annotator_id"])
        if pair in existing:
            continue
        existing.add(pair)
        params.append(
            {"status": AssignmentStatus.TODO, "seconds_spent": 0.0, "updated_at": now, **r}
        )
    if params:
        session.execute(insert(Assignment), params)
    return len(params)


def finish_assignments(session: Session, annotator_id_: int, doc_ids: Collection[int]) -> None:
    """Mark done the assignments of ``doc_ids`` in one layer that are neither in progress nor
    done (an import that brings a document annotated with no span)."""
    ids = list(doc_ids)
    now = utcnow()
    for i in range(0, len(ids), SQL_BATCH_LIMIT):
        session.execute(
            update(Assignment)
            .where(
                Assignment.annotator_id == annotator_id_,
                Assignment.document_id.in_(ids[i : i + SQL_BATCH_LIMIT]),
                Assignment.status.not_in([AssignmentStatus.IN_PROGRESS, AssignmentStatus.DONE]),
            )
            .values(status=AssignmentStatus.DONE, updated_at=now)
            .execution_options(synchronize_session=False)
        )


def assignments(
    session: Session, annotator: str | None = None, document_id: int | None = None
) -> list[AssignmentRecord]:
    stmt = select(Assignment, Annotator.name).join(
        Annotator, Annotator.id == Assignment.annotator_id
    )
    if annotator is not None:
        stmt = stmt.where(Annotator.name == annotator)
    if document_id is not None:
        stmt = stmt.where(Assignment.document_id == document_id)
    return [
        AssignmentRecord(a.id, a.document_id, name, a.status, a.seconds_spent, a.updated_at)
        for a, name in session.execute(stmt.order_by(Assignment.document_id, Annotator.name))
    ]


def active_assignments(
    session: Session, doc_ids: Collection[int] | None = None
) -> list[tuple[int, str]]:
    """(document id, annotator) of assignments in progress or done."""
    stmt = (
        select(Assignment.document_id, Annotator.name)
        .join(Annotator, Annotator.id == Assignment.annotator_id)
        .where(Assignment.status.in_([AssignmentStatus.IN_PROGRESS, AssignmentStatus.DONE]))
    )
    if doc_ids is not None:
        stmt = stmt.where(Assignment.document_id.in_(list(doc_ids)))
    return [(d, n) for d, n in session.connection().execute(stmt)]


def assignment_totals(session: Session) -> list[tuple[str, str, int, float]]:
    """``(annotator, status, assignments, seconds spent)`` per annotator and status, counted in
    the database (no assignment is loaded)."""
    stmt = (
        select(
            Annotator.name,
            Assignment.status,
            func.count(Assignment.id),
            func.coalesce(func.sum(Assignment.seconds_spent), 0.0),
        )
        .join(Annotator, Annotator.id == Assignment.annotator_id)
        .group_by(Annotator.name, Assignment.status)
        .order_by(Annotator.name, Assignment.status)
    )
    return [(name, status, n, float(secs)) for name, status, n, secs in session.execute(stmt)]


def annotators_with_assignments(session: Session) -> set[str]:
    """Names of the annotators holding at least one assignment."""
    stmt = (
        select(Annotator.name)
        .join(Assignment, Assignment.annotator_id == Annotator.id)
        .group_by(Annotator.name)
    )
    return set(session.scalars(stmt))
