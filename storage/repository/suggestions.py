"""Pre-annotation suggestions and the relations proposed between them."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, func, insert, select, update
from sqlalchemy.orm import Session

from storage.models import Suggestion, SuggestionRelation, utcnow
from storage.records import SuggestionRecord, SuggestionRelationRecord
from storage.vocabulary import SuggestionState


def _sugg_record(s: Suggestion) -> SuggestionRecord:
    return SuggestionRecord(
        s.id,
        s.document_id,
        s.start,
        s.end,
        s.label,
        dict(s.attrs or {}),
        s.entity_id,
        s.model,
        s.score,
        s.state,
    )


def insert_suggestions(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    if not rows:
        return []
    now = utcnow()
    params = [
        {
            "attrs": {},
            "entity_id": None,
            "score": 1.0,
            "state": SuggestionState.PENDING,
            "created_at": now,
            **r,
        }
        for r in rows
    ]
    result = session.execute(
        insert(Suggestion).returning(Suggestion.id, sort_by_parameter_order=True), params
    )
    return [r[0] for r in result]


def insert_suggestion_relations(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    if rows:
        session.execute(
            insert(SuggestionRelation),
            [{"score": 1.0, "state": SuggestionState.PENDING, **r} for r in rows],
        )


def suggestions_of(
    session: Session,
    document_id: int | None = None,
    state: str | None = SuggestionState.PENDING,
    doc_ids: Collection[int] | None = None,
) -> list[SuggestionRecord]:
    stmt = select(Suggestion)
    if document_id is not None:
        stmt = stmt.where(Suggestion.document_id == document_id)
    if doc_ids is not None:
        stmt = stmt.where(Suggestion.document_id.in_(list(doc_ids)))
    if state is not None:
        stmt = stmt.where(Suggestion.state == state)
    stmt = stmt.order_by(Suggestion.document_id, Suggestion.start, Suggestion.end, Suggestion.id)
    return [_sugg_record(s) for s in session.scalars(stmt)]


def get_suggestion(session: Session, suggestion_id: int) -> SuggestionRecord | None:
    s = session.get(Suggestion, suggestion_id)
    return _sugg_record(s) if s else None


def suggestion_relations_of(
    session: Session, suggestion_ids: Collection[int], state: str | None = None
) -> list[SuggestionRelationRecord]:
    if not suggestion_ids:
        return []
    stmt = select(SuggestionRelation).where(
        SuggestionRelation.head_id.in_(list(suggestion_ids))
        | SuggestionRelation.tail_id.in_(list(suggestion_ids))
    )
    return _relation_records(session, stmt, state)


def suggestion_relations_of_document(
    session: Session, document_id: int, state: str | None = SuggestionState.PENDING
) -> list[SuggestionRelationRecord]:
    """Suggested relations whose head is a suggestion of one document, in id order."""
    stmt = (
        select(SuggestionRelation)
        .join(Suggestion, Suggestion.id == SuggestionRelation.head_id)
        .where(Suggestion.document_id == document_id)
    )
    return _relation_records(session, stmt, state)


def get_suggestion_relations(
    session: Session, relation_ids: Collection[int]
) -> list[SuggestionRelationRecord]:
    """Suggested relations by id, in id order (unknown ids are left out)."""
    if not relation_ids:
        return []
    stmt = select(SuggestionRelation).where(SuggestionRelation.id.in_(list(relation_ids)))
    return _relation_records(session, stmt)


def _relation_records(
    session: Session, stmt: Select[SuggestionRelation], state: str | None = None
) -> list[SuggestionRelationRecord]:
    """The suggested relations ``stmt`` selects (only those in ``state`` when given), in id
    order, as records."""
    if state is not None:
        stmt = stmt.where(SuggestionRelation.state == state)
    return [
        SuggestionRelationRecord(r.id, r.head_id, r.tail_id, r.label, r.score, r.state)
        for r in session.scalars(stmt.order_by(SuggestionRelation.id))
    ]


def set_suggestion_state(session: Session, suggestion_ids: Collection[int], state: str) -> None:
    if suggestion_ids:
        session.execute(
            update(Suggestion).where(Suggestion.id.in_(list(suggestion_ids))).values(state=state)
        )


def set_suggestion_relation_state(
    session: Session, relation_ids: Collection[int], state: str
) -> None:
    if relation_ids:
        session.execute(
            update(SuggestionRelation)
            .where(SuggestionRelation.id.in_(list(relation_ids)))
            .values(state=state)
        )


def suggestion_counts(session: Session) -> dict[str, int]:
    stmt = select(Suggestion.state, func.count(Suggestion.id)).group_by(Suggestion.state)
    return {state: n for state, n in session.execute(stmt)}


def suggestion_keys(session: Session, document_id: int) -> set[tuple[int, int, str]]:
    """(start, end, label) of every suggestion of a document, whatever its state."""
    stmt = select(Suggestion.start, Suggestion.end, Suggestion.label).where(
        Suggestion.document_id == document_id
    )
    return {(s, e, lab) for s, e, lab in session.execute(stmt)}
