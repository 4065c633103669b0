"""Repository functions: each takes a session and returns plain records (never ORM objects)."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from storage.bulk import bulk_insert, bulk_insert_ids, bulk_insert_values
from storage.models import (
    Annotator,
    Assignment,
    AttributeRow,
    Document,
    Entity,
    EntityAlias,
    EventLog,
    LabelRow,
    ProjectMeta,
    Relation,
    RelationTypeRow,
    Span,
    Suggestion,
    SuggestionRelation,
    utcnow,
)
from storage.records import (
    AnnotatorRecord,
    AssignmentRecord,
    DocumentRecord,
    DocumentSummary,
    EntityRecord,
    EventRecord,
    RelationRecord,
    SpanRecord,
    SuggestionRecord,
    SuggestionRelationRecord,
)
from storage.vocabulary import (
    SQL_BATCH_LIMIT,
    AnnotatorRole,
    AssignmentStatus,
    Origin,
    SuggestionState,
)

# ---------------------------------------------------------------- project meta and scheme


def get_meta(session: Session, key: str) -> str | None:
    row = session.get(ProjectMeta, key)
    return row.value if row else None


def set_meta(session: Session, key: str, value: str) -> None:
    row = session.get(ProjectMeta, key)
    if row is None:
        session.add(ProjectMeta(key=key, value=value))
    else:
        row.value = value


def write_scheme_tables(session: Session, scheme: Mapping[str, Any]) -> None:
    """Mirror a scheme (as a plain dict, see annotator.scheme.Scheme.to_dict) into its tables."""
    session.execute(delete(AttributeRow))
    session.execute(delete(LabelRow))
    session.execute(delete(RelationTypeRow))
    for lab in scheme["labels"]:
        row = LabelRow(
            name=lab["name"],
            key=lab.get("key", ""),
            color=lab.get("color", "#888888"),
            description=lab.get("description", ""),
            links_entity=bool(lab.get("links_entity")),
        )
        session.add(row)
        session.flush()
        for attr in lab.get("attributes", []):
            session.add(
                AttributeRow(
                    label_id=row.id,
                    name=attr["name"],
                    values=list(attr.get("values", [])),
                    required=bool(attr.get("required")),
                )
            )
    for rel in scheme.get("relations", []):
        session.add(
            RelationTypeRow(
                name=rel["name"],
                heads=list(rel["heads"]),
                tails=list(rel["tails"]),
                required=bool(rel.get("required")),
                unless=dict(rel.get("unless", {})),
            )
        )


# ---------------------------------------------------------------- documents


def _doc_record(d: Document) -> DocumentRecord:
    return DocumentRecord(
        id=d.id,
        external_id=d.external_id,
        title=d.title,
        source=d.source,
        url=d.url,
        published=d.published,
        text=d.text,
        sha256=d.sha256,
        meta=dict(d.meta or {}),
        imported_at=d.imported_at,
    )


def document_hashes(session: Session) -> dict[str, int]:
    """sha256 of every document text -> document id."""
    return {sha: did for did, sha in session.execute(select(Document.id, Document.sha256))}


def external_ids(session: Session) -> dict[str, int]:
    return {ext: did for did, ext in session.execute(select(Document.id, Document.external_id))}


def insert_documents(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Bulk-insert documents (dicts of Document columns); return their ids in order."""
    if not rows:
        return []
    now = utcnow()
    params = [{"imported_at": now, "meta": {}, **r} for r in rows]
    return bulk_insert_ids(session, Document.__table__, params)


def get_document(session: Session, doc_id: int) -> DocumentRecord | None:
    d = session.get(Document, doc_id)
    return _doc_record(d) if d else None


def get_documents(session: Session, doc_ids: Collection[int] | None = None) -> list[DocumentRecord]:
    stmt = select(Document).order_by(Document.id)
    if doc_ids is not None:
        stmt = stmt.where(Document.id.in_(list(doc_ids)))
    return [_doc_record(d) for d in session.scalars(stmt)]


def list_documents(session: Session) -> list[DocumentRecord]:
    return get_documents(session)


def count_documents(session: Session) -> int:
    return session.scalar(select(func.count(Document.id))) or 0


def document_summaries(session: Session, annotator: str | None = None) -> list[DocumentSummary]:
    """Rows for the document list, with span counts of ``annotator`` (all layers when None)."""
    span_q = select(Span.document_id, func.count(Span.id).label("n"))
    status_q = None
    if annotator is not None:
        ann_id = annotator_id(session, annotator)
        span_q = span_q.where(Span.annotator_id == (ann_id or -1))
        status_q = (
            select(Assignment.document_id, Assignment.status)
            .where(Assignment.annotator_id == (ann_id or -1))
            .subquery()
        )
    counts = span_q.group_by(Span.document_id).subquery()
    cols = [
        Document.id,
        Document.external_id,
        Document.title,
        Document.source,
        Document.published,
        func.length(Document.text),
        func.coalesce(counts.c.n, 0),
    ]
    stmt = select(*cols).outerjoin(counts, counts.c.document_id == Document.id)
    if status_q is not None:
        stmt = stmt.add_columns(func.coalesce(status_q.c.status, "")).outerjoin(
            status_q, status_q.c.document_id == Document.id
        )
    else:
        stmt = stmt.add_columns(func.coalesce(None, ""))
    stmt = stmt.order_by(Document.id)
    return [DocumentSummary(*row) for row in session.execute(stmt)]


# ---------------------------------------------------------------- annotators


def annotator_id(session: Session, name: str) -> int | None:
    return session.scalar(select(Annotator.id).where(Annotator.name == name))


def ensure_annotator(session: Session, name: str, role: str = AnnotatorRole.ANNOTATOR) -> int:
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


# ---------------------------------------------------------------- spans and relations


def _span_record(s: Span, annotator: str) -> SpanRecord:
    return SpanRecord(
        id=s.id,
        document_id=s.document_id,
        annotator=annotator,
        start=s.start,
        end=s.end,
        label=s.label,
        attrs=dict(s.attrs or {}),
        entity_id=s.entity_id,
        origin=s.origin,
    )


def insert_spans(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Bulk-insert spans (dicts of Span columns) with one executemany; return ids in order."""
    if not rows:
        return []
    now = utcnow()
    params = [
        {
            "attrs": {},
            "entity_id": None,
            "origin": Origin.MANUAL,
            "created_at": now,
            "updated_at": now,
            **r,
        }
        for r in rows
    ]
    return bulk_insert_ids(session, Span.__table__, params)


SPAN_VALUE_COLUMNS = (
    "document_id",
    "annotator_id",
    "start",
    "end",
    "label",
    "attrs",
    "entity_id",
    "origin",
)


def insert_span_values(session: Session, values: Sequence[Sequence[Any]]) -> list[int]:
    """Bulk-insert spans given as tuples in SPAN_VALUE_COLUMNS order; return ids in order."""
    if not values:
        return []
    now = utcnow()
    return bulk_insert_values(
        session, Span.__table__, SPAN_VALUE_COLUMNS, values, {"created_at": now, "updated_at": now}
    )


def insert_relations(session: Session, rows: Sequence[Mapping[str, Any]]) -> None:
    if not rows:
        return
    now = utcnow()
    bulk_insert(
        session,
        Relation.__table__,
        [{"origin": Origin.MANUAL, "created_at": now, **r} for r in rows],
    )


def add_span(
    session: Session,
    document_id: int,
    annotator_id_: int,
    start: int,
    end: int,
    label: str,
    attrs: Mapping[str, Any] | None = None,
    entity_id: int | None = None,
    origin: str = Origin.MANUAL,
    span_id: int | None = None,
) -> int:
    row = Span(
        document_id=document_id,
        annotator_id=annotator_id_,
        start=start,
        end=end,
        label=label,
        attrs=dict(attrs or {}),
        entity_id=entity_id,
        origin=origin,
    )
    if span_id is not None:
        row.id = span_id
    session.add(row)
    session.flush()
    return row.id


def get_span(session: Session, span_id: int) -> SpanRecord | None:
    row = session.execute(
        select(Span, Annotator.name).join(Annotator).where(Span.id == span_id)
    ).first()
    return _span_record(row[0], row[1]) if row else None


def update_span(session: Session, span_id: int, **values: Any) -> None:
    allowed = {"start", "end", "label", "attrs", "entity_id", "origin"}
    bad = set(values) - allowed
    if bad:
        raise ValueError(f"cannot update span fields {sorted(bad)}")
    session.execute(update(Span).where(Span.id == span_id).values(updated_at=utcnow(), **values))


def delete_span(session: Session, span_id: int) -> None:
    session.execute(
        delete(Relation).where((Relation.head_id == span_id) | (Relation.tail_id == span_id))
    )
    session.execute(delete(Span).where(Span.id == span_id))


def spans_of(
    session: Session,
    document_id: int | None = None,
    annotator: str | None = None,
    doc_ids: Collection[int] | None = None,
) -> list[SpanRecord]:
    stmt = select(Span, Annotator.name).join(Annotator, Annotator.id == Span.annotator_id)
    if document_id is not None:
        stmt = stmt.where(Span.document_id == document_id)
    if doc_ids is not None:
        stmt = stmt.where(Span.document_id.in_(list(doc_ids)))
    if annotator is not None:
        stmt = stmt.where(Annotator.name == annotator)
    stmt = stmt.order_by(Span.document_id, Span.start, Span.end, Span.id)
    return [_span_record(s, name) for s, name in session.execute(stmt)]


def relations_of_spans(session: Session, span_ids: Collection[int]) -> list[RelationRecord]:
    if not span_ids:
        return []
    ids = list(span_ids)
    out: list[RelationRecord] = []
    for i in range(0, len(ids), SQL_BATCH_LIMIT):
        chunk = ids[i : i + SQL_BATCH_LIMIT]
        stmt = select(Relation).where(Relation.head_id.in_(chunk)).order_by(Relation.id)
        out.extend(
            RelationRecord(r.id, r.head_id, r.tail_id, r.label, r.origin)
            for r in session.scalars(stmt)
        )
    return out


def relations_of(
    session: Session, document_id: int | None = None, annotator: str | None = None
) -> list[RelationRecord]:
    stmt = select(Relation).join(Span, Span.id == Relation.head_id)
    if document_id is not None:
        stmt = stmt.where(Span.document_id == document_id)
    if annotator is not None:
        stmt = stmt.join(Annotator, Annotator.id == Span.annotator_id).where(
            Annotator.name == annotator
        )
    return [
        RelationRecord(r.id, r.head_id, r.tail_id, r.label, r.origin)
        for r in session.scalars(stmt.order_by(Relation.id))
    ]


def add_relation(
    session: Session,
    head_id: int,
    tail_id: int,
    label: str,
    origin: str = Origin.MANUAL,
    relation_id: int | None = None,
) -> int:
    row = Relation(head_id=head_id, tail_id=tail_id, label=label, origin=origin)
    if relation_id is not None:
        row.id = relation_id
    session.add(row)
    session.flush()
    return row.id


def get_relation(session: Session, relation_id: int) -> RelationRecord | None:
    r = session.get(Relation, relation_id)
    return RelationRecord(r.id, r.head_id, r.tail_id, r.label, r.origin) if r else None


def delete_relation(session: Session, relation_id: int) -> None:
    session.execute(delete(Relation).where(Relation.id == relation_id))


def span_counts(session: Session) -> dict[str, dict[str, int]]:
    stmt = (
        select(Annotator.name, Span.label, func.count(Span.id))
        .join(Annotator, Annotator.id == Span.annotator_id)
        .group_by(Annotator.name, Span.label)
    )
    out: dict[str, dict[str, int]] = {}
    for name, label, n in session.execute(stmt):
        out.setdefault(name, {})[label] = n
    return out


def relation_counts(session: Session) -> dict[str, dict[str, int]]:
    stmt = (
        select(Annotator.name, Relation.label, func.count(Relation.id))
        .join(Span, Span.id == Relation.head_id)
        .join(Annotator, Annotator.id == Span.annotator_id)
        .group_by(Annotator.name, Relation.label)
    )
    out: dict[str, dict[str, int]] = {}
    for name, label, n in session.execute(stmt):
        out.setdefault(name, {})[label] = n
    return out


def layers_with_spans(session: Session) -> list[str]:
    stmt = (
        select(Annotator.name)
        .join(Span, Span.annotator_id == Annotator.id)
        .group_by(Annotator.name)
        .order_by(Annotator.name)
    )
    return list(session.scalars(stmt))


def documents_in_layer(session: Session, annotator: str) -> set[int]:
    """Documents an annotator has spans in or an assignment marked in progress/done."""
    ann = annotator_id(session, annotator)
    if ann is None:
        return set()
    ids = set(session.scalars(select(Span.document_id).where(Span.annotator_id == ann).distinct()))
    ids |= set(
        session.scalars(
            select(Assignment.document_id).where(
                Assignment.annotator_id == ann,
                Assignment.status.in_([AssignmentStatus.IN_PROGRESS, AssignmentStatus.DONE]),
            )
        )
    )
    return ids


# ---------------------------------------------------------------- suggestions


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


# ---------------------------------------------------------------- actor registry


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
    stmt = (
        select(Span, Annotator.name)
        .join(Annotator, Annotator.id == Span.annotator_id)
        .where(Span.entity_id == entity_id)
        .order_by(Span.document_id, Span.start)
    )
    return [_span_record(s, name) for s, name in session.execute(stmt)]


# ---------------------------------------------------------------- assignments


def set_assignment(
    session: Session,
    document_id: int,
    annotator_id_: int,
    status: str | None = None,
    add_seconds: float = 0.0,
) -> None:
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
    row.seconds_spent = (row.seconds_spent or 0.0) + add_seconds
    row.updated_at = utcnow()
    session.flush()


def add_assignments(
    session: Session, pairs: Collection[tuple[int, int]], status: str = AssignmentStatus.TODO
) -> int:
    """Create the (document id, annotator id) assignments that do not exist yet; return how many."""
    if not pairs:
        return 0
    ann_ids = {a for _, a in pairs}
    existing = set(
        tuple(row)
        for row in session.execute(
            select(Assignment.document_id, Assignment.annotator_id).where(
                Assignment.annotator_id.in_(list(ann_ids))
            )
        )
    )
    now = utcnow()
    rows = [
        {
            "document_id": d,
            "annotator_id": a,
            "status": status,
            "seconds_spent": 0.0,
            "updated_at": now,
        }
        for d, a in pairs
        if (d, a) not in existing
    ]
    if rows:
        session.connection().execute(Assignment.__table__.insert(), rows)
    return len(rows)


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


# ---------------------------------------------------------------- event log


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
