"""Writes that take back an edit of the actor registry (used by undo): remove an alias, put a
merged-away actor back with its id, and point mentions at an actor again."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from storage.models import Entity, EntityAlias, Span, Suggestion
from storage.records import EntityRecord


def remove_alias(session: Session, entity_id: int, alias: str) -> None:
    session.execute(
        delete(EntityAlias).where(EntityAlias.entity_id == entity_id, EntityAlias.alias == alias)
    )
    session.flush()


def mention_ids(session: Session, entity_id: int) -> tuple[list[int], list[int]]:
    """Ids of the spans and of the suggestions linked to an actor."""
    spans = list(session.scalars(select(Span.id).where(Span.entity_id == entity_id)))
    suggs = list(session.scalars(select(Suggestion.id).where(Suggestion.entity_id == entity_id)))
    return spans, suggs


def restore_entity(session: Session, rec: EntityRecord) -> None:
    """Insert an actor exactly as it was (same id, name, type, aliases, external id)."""
    row = Entity(id=rec.id, name=rec.name, type=rec.type, external_id=rec.external_id)
    row.aliases = [EntityAlias(alias=a) for a in dict.fromkeys(rec.aliases) if a != rec.name]
    session.add(row)
    session.flush()


def link_mentions(
    session: Session, entity_id: int, span_ids: Collection[int], suggestion_ids: Collection[int]
) -> None:
    """Point the given spans and suggestions at ``entity_id``."""
    ids = list(span_ids)
    for i in range(0, len(ids), 30000):
        session.execute(
            update(Span).where(Span.id.in_(ids[i : i + 30000])).values(entity_id=entity_id)
        )
    ids = list(suggestion_ids)
    for i in range(0, len(ids), 30000):
        session.execute(
            update(Suggestion)
            .where(Suggestion.id.in_(ids[i : i + 30000]))
            .values(entity_id=entity_id)
        )
    session.flush()
