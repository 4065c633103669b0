"""The actor registry: entities (people and organisations spans link to) and their aliases."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from storage.models import Entity, EntityAlias, Span, Suggestion, utcnow
from storage.records import EntityRecord, SpanRecord
from storage.repository.spans import spans_of


def _entity_records(session: Session, stmt: Any) -> list[EntityRecord]:
    entities = list(session.scalars(stmt))
    if not entities:
        return []
    ids = [e.id for e in entities]
    counts = {
        eid: (n, d)
        for eid, n, d in session.execute(
            select(Span.entity_id, func.count(Span.id), func.count(Span.document_id.distinct()))
            .where(Span.entity_id.in_(ids))
            .group_by(Span.entity_id)
        )
    }
    return [
        EntityRecord(
            id=e.id,
            name=e.name,
            type=e.type,
            aliases=tuple(a.alias for a in e.aliases),
            external_id=e.external_id,
            mention_count=counts.get(e.id, (0, 0))[0],
            document_count=counts.get(e.id, (0, 0))[1],
        )
        for e in entities
    ]


def list_entities(session: Session) -> list[EntityRecord]:
    return _entity_records(session, select(Entity).order_by(Entity.name, Entity.type))


def get_entity(session: Session, entity_id: int) -> EntityRecord | None:
    found = _entity_records(session, select(Entity).where(Entity.id == entity_id))
    return found[0] if found else None


def find_entity(session: Session, name: str, type_: str | None = None) -> int | None:
    stmt = select(Entity.id).where(Entity.name == name)
    if type_ is not None:
        stmt = stmt.where(Entity.type == type_)
    return session.scalars(stmt.order_by(Entity.id)).first()


def add_entity(
    session: Session,
    name: str,
    type_: str = "",
    aliases: Iterable[str] = (),
    external_id: str | None = None,
) -> int:
    row = Entity(name=name, type=type_, external_id=external_id)
    row.aliases = [EntityAlias(alias=a) for a in dict.fromkeys(aliases) if a and a != name]
    session.add(row)
    session.flush()
    return row.id


def insert_entities(
    session: Session, rows: Sequence[Mapping[str, Any]], aliases: Sequence[Mapping[str, Any]]
) -> None:
    """Bulk-copy registry entries with their ids (``id, name, type, external_id``) and aliases
    (``entity_id, alias``), e.g. into a work file."""
    if rows:
        now = utcnow()
        session.execute(
            insert(Entity), [{"created_at": now, "external_id": None, **r} for r in rows]
        )
    if aliases:
        session.execute(insert(EntityAlias), [dict(a) for a in aliases])


def rename_entity(session: Session, entity_id: int, name: str) -> None:
    session.execute(update(Entity).where(Entity.id == entity_id).values(name=name))


def add_alias(session: Session, entity_id: int, alias: str) -> None:
    exists = session.scalar(
        select(EntityAlias.id).where(EntityAlias.entity_id == entity_id, EntityAlias.alias == alias)
    )
    if exists is None:
        session.add(EntityAlias(entity_id=entity_id, alias=alias))
        session.flush()


def merge_entities(session: Session, keep_id: int, drop_id: int) -> None:
    """Move mentions and aliases of ``drop_id`` onto ``keep_id`` and delete ``drop_id``."""
    drop = session.get(Entity, drop_id)
    if drop is None:
        return
    session.execute(update(Span).where(Span.entity_id == drop_id).values(entity_id=keep_id))
    session.execute(
        update(Suggestion).where(Suggestion.entity_id == drop_id).values(entity_id=keep_id)
    )
    for alias in [drop.name, *(a.alias for a in drop.aliases)]:
        add_alias(session, keep_id, alias)
    session.delete(drop)
    session.flush()


def entity_mentions(session: Session, entity_id: int) -> list[SpanRecord]:
    """Spans of every layer linked to one registry entry."""
    return spans_of(session, entity_id=entity_id)


def count_entities(session: Session) -> int:
    return session.scalar(select(func.count(Entity.id))) or 0


# ---------------------------------------------------------------- undoing registry edits


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
