"""Spans and relations of every layer (an annotator's, gold's).

Spans are read as columns, not ORM instances: a layer can hold 100,000 spans, and building
ORM objects for them dominated exports and merges. Bulk writes go through ``storage.bulk``.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Select, Text, delete, func, select, type_coerce, update
from sqlalchemy.orm import Session

from storage.bulk import bulk_insert_ids, bulk_insert_values
from storage.db import stored_json
from storage.models import Annotator, Assignment, Relation, Span, utcnow
from storage.records import RelationRecord, SpanRecord
from storage.repository.annotators_assignments import annotator_id
from storage.vocabulary import SQL_BATCH_LIMIT, AssignmentStatus

# Ids per IN (...) list: below SQLite's limit on bound parameters (32,766).
SQL_BATCH = SQL_BATCH_LIMIT

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
_UPDATABLE = frozenset({"start", "end", "label", "attrs", "entity_id", "origin"})

# ---------------------------------------------------------------- reading spans


def _span_columns() -> Select[*tuple[Any, ...]]:
    return select(
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


def _read_spans(session: Session, stmt: Select[*tuple[Any, ...]]) -> list[SpanRecord]:
    session.flush()  # the rows are read on the connection, past the session's autoflush
    parsed: dict[str | None, dict[str, Any]] = {None: {}, "null": {}}
    out: list[SpanRecord] = []
    for sid, doc, name, start, end, label, raw, ent, origin in session.connection().execute(stmt):
        attrs: dict[str, Any] | None
        if isinstance(raw, dict):  # PostgreSQL's driver hands JSON back already decoded
            attrs = raw
        elif (attrs := parsed.get(raw)) is None:
            attrs = parsed[raw] = stored_json(raw, f"the attributes of span {sid}")
        out.append(SpanRecord(sid, doc, name, start, end, label, dict(attrs), ent, origin))
    return out


def spans_of(
    session: Session,
    document_id: int | None = None,
    annotator: str | None = None,
    doc_ids: Collection[int] | None = None,
    entity_id: int | None = None,
) -> list[SpanRecord]:
    """Spans of one layer (every layer when None), of one document, of some documents or
    linked to one registry entry, in (document, start, end, id) order."""
    stmt = _span_columns()
    if document_id is not None:
        stmt = stmt.where(Span.document_id == document_id)
    if annotator is not None:
        stmt = stmt.where(Annotator.name == annotator)
    if entity_id is not None:
        stmt = stmt.where(Span.entity_id == entity_id)
    wanted = None
    if doc_ids is not None and len(doc_ids) > SQL_BATCH:
        wanted = set(doc_ids)  # too many to list in SQL: filtered here
    elif doc_ids is not None:
        stmt = stmt.where(Span.document_id.in_(list(doc_ids)))
    out = _read_spans(session, stmt.order_by(Span.document_id, Span.start, Span.end, Span.id))
    return out if wanted is None else [s for s in out if s.document_id in wanted]


def _in_layers(ann_ids: Sequence[int] | None, column: str) -> tuple[str, list[int]]:
    if ann_ids is None:
        return "", []
    return f" AND {column} IN ({','.join('?' * len(ann_ids))})", list(ann_ids)


def span_keys_of_documents(
    session: Session,
    doc_ids: Sequence[int],
    ann_ids: Sequence[int] | None = None,
    *,
    attrs: bool = False,
) -> list[tuple[Any, ...]]:
    """``(id, document_id, annotator_id, start, end, label)`` of every span of ``doc_ids`` (in
    the layers ``ann_ids``; None: every layer), in id order, as plain tuples: what an import
    compares its spans with. With ``attrs``, each row ends with the attributes as stored JSON
    text."""
    out: list[tuple[Any, ...]] = _of_documents(
        session,
        'SELECT id, document_id, annotator_id, start, "end", label'
        + (", attrs" if attrs else "")
        + " FROM span WHERE document_id IN ({marks})",
        doc_ids,
        ann_ids,
        "annotator_id",
    )
    out.sort()  # ids are unique: rows compare by id alone
    return out


def _of_documents(
    session: Session,
    select: str,
    doc_ids: Sequence[int],
    ann_ids: Sequence[int] | None,
    layer_column: str,
) -> list[Any]:
    """The rows of ``select`` (whose ``{marks}`` takes the document ids) for ``doc_ids`` in
    batches under the driver's parameter limit, in the layers ``ann_ids`` (None: all)."""
    out: list[Any] = []
    ids = list(doc_ids)
    layers, layer_ids = _in_layers(ann_ids, layer_column)
    step = SQL_BATCH - len(layer_ids)
    for i in range(0, len(ids), step):
        chunk = ids[i : i + step]
        sql = select.format(marks=",".join("?" * len(chunk))) + layers
        out.extend(driver_rows(session, sql, [*chunk, *layer_ids]))
    return out


def get_span(session: Session, span_id: int) -> SpanRecord | None:
    found = _read_spans(session, _span_columns().where(Span.id == span_id))
    return found[0] if found else None


# ---------------------------------------------------------------- writing spans


def insert_span_values(session: Session, values: Sequence[Sequence[Any]]) -> list[int]:
    """Bulk-insert spans given as tuples in SPAN_VALUE_COLUMNS order; return ids in order."""
    if not values:
        return []
    now = utcnow()
    return bulk_insert_values(
        session,
        Span.__table__,
        SPAN_VALUE_COLUMNS,
        values,
        {"created_at": now, "updated_at": now},
    )


def insert_spans(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Bulk-insert spans given as dicts of Span columns (``attrs``, ``entity_id`` and ``origin``
    may be left out); return ids in order."""
    return insert_span_values(
        session,
        [
            (
                r["document_id"],
                r["annotator_id"],
                r["start"],
                r["end"],
                r["label"],
                r.get("attrs") or {},
                r.get("entity_id"),
                r.get("origin", "manual"),
            )
            for r in rows
        ],
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
    origin: str = "manual",
    span_id: int | None = None,
) -> int:
    """Add one span (with ``span_id`` when an undo puts a deleted span back); return its id."""
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


def update_spans(session: Session, values: Mapping[int, Mapping[str, Any]]) -> None:
    """Change columns of spans: span id -> {column: value} (start, end, label, attrs,
    entity_id, origin)."""
    bad = {k for vals in values.values() for k in vals} - _UPDATABLE
    if bad:
        raise ValueError(f"cannot update span fields {sorted(bad)}")
    now = utcnow()
    for span_id, vals in values.items():
        session.execute(update(Span).where(Span.id == span_id).values(updated_at=now, **vals))


def delete_spans(session: Session, span_ids: Collection[int]) -> None:
    """Delete spans and every relation touching them."""
    ids = list(span_ids)
    for i in range(0, len(ids), SQL_BATCH):
        chunk = ids[i : i + SQL_BATCH]
        session.execute(
            delete(Relation).where(Relation.head_id.in_(chunk) | Relation.tail_id.in_(chunk))
        )
        session.execute(delete(Span).where(Span.id.in_(chunk)))


# ---------------------------------------------------------------- relations


def relations_of(
    session: Session,
    document_id: int | None = None,
    annotator: str | None = None,
    doc_ids: Collection[int] | None = None,
) -> list[RelationRecord]:
    """Relations whose head span is in one layer (every layer when None), of one document or
    of some documents, in id order (read as columns)."""
    stmt: Select[*tuple[Any, ...]] = select(
        Relation.id, Relation.head_id, Relation.tail_id, Relation.label, Relation.origin
    )
    if document_id is not None or annotator is not None or doc_ids is not None:
        stmt = stmt.join(Span, Span.id == Relation.head_id)
    if document_id is not None:
        stmt = stmt.where(Span.document_id == document_id)
    if annotator is not None:
        stmt = stmt.join(Annotator, Annotator.id == Span.annotator_id).where(
            Annotator.name == annotator
        )
    wanted = None
    if doc_ids is not None and len(doc_ids) > SQL_BATCH:
        wanted = set(doc_ids)  # too many to list in SQL: filtered here
        stmt = stmt.add_columns(Span.document_id)
    elif doc_ids is not None:
        stmt = stmt.where(Span.document_id.in_(list(doc_ids)))
    session.flush()
    return [
        RelationRecord(row[0], row[1], row[2], row[3], row[4])
        for row in session.connection().execute(stmt.order_by(Relation.id))
        if wanted is None or row[5] in wanted
    ]


def relations_without_head(session: Session) -> list[int]:
    """Ids of relations whose head span does not exist (a damaged project), in id order."""
    session.flush()
    stmt = (
        select(Relation.id)
        .outerjoin(Span, Span.id == Relation.head_id)
        .where(Span.id.is_(None))
        .order_by(Relation.id)
    )
    return list(session.scalars(stmt))


def relations_of_spans(session: Session, span_ids: Collection[int]) -> list[RelationRecord]:
    """Relations whose head is one of ``span_ids``, in id order."""
    ids = list(span_ids)
    out: list[RelationRecord] = []
    for i in range(0, len(ids), SQL_BATCH):
        chunk = ids[i : i + SQL_BATCH]
        stmt = select(Relation).where(Relation.head_id.in_(chunk)).order_by(Relation.id)
        out.extend(
            RelationRecord(r.id, r.head_id, r.tail_id, r.label, r.origin)
            for r in session.scalars(stmt)
        )
    return out


def relation_keys_of_documents(
    session: Session, doc_ids: Sequence[int], ann_ids: Sequence[int] | None = None
) -> list[tuple[int, int, str]]:
    """``(head_id, tail_id, label)`` of every relation whose head is a span of ``doc_ids`` (in
    the layers ``ann_ids``; None: every layer)."""
    return _of_documents(
        session,
        "SELECT relation.head_id, relation.tail_id, relation.label FROM relation "
        "JOIN span ON span.id = relation.head_id WHERE span.document_id IN ({marks})",
        doc_ids,
        ann_ids,
        "span.annotator_id",
    )


def get_relation(session: Session, relation_id: int) -> RelationRecord | None:
    r = session.get(Relation, relation_id)
    return RelationRecord(r.id, r.head_id, r.tail_id, r.label, r.origin) if r else None


def insert_relations(session: Session, rows: Sequence[Mapping[str, Any]]) -> list[int]:
    """Bulk-insert relations (head_id, tail_id, label, origin); return their ids in order."""
    now = utcnow()
    return bulk_insert_ids(
        session,
        Relation.__table__,
        [{"origin": "manual", "created_at": now, **r} for r in rows],
    )


def add_relation(
    session: Session,
    head_id: int,
    tail_id: int,
    label: str,
    origin: str = "manual",
    relation_id: int | None = None,
) -> int:
    row = Relation(head_id=head_id, tail_id=tail_id, label=label, origin=origin)
    if relation_id is not None:
        row.id = relation_id
    session.add(row)
    session.flush()
    return row.id


def delete_relations(session: Session, relation_ids: Collection[int]) -> None:
    ids = list(relation_ids)
    for i in range(0, len(ids), SQL_BATCH):
        session.execute(delete(Relation).where(Relation.id.in_(ids[i : i + SQL_BATCH])))


# ---------------------------------------------------------------- layers and counts


def span_counts(session: Session) -> dict[str, dict[str, int]]:
    """Layer -> label -> number of spans."""
    return _by_layer_and_label(
        session,
        select(Annotator.name, Span.label, func.count(Span.id))
        .join(Annotator, Annotator.id == Span.annotator_id)
        .group_by(Annotator.name, Span.label),
    )


def relation_counts(session: Session) -> dict[str, dict[str, int]]:
    """Layer -> relation label -> number of relations."""
    return _by_layer_and_label(
        session,
        select(Annotator.name, Relation.label, func.count(Relation.id))
        .join(Span, Span.id == Relation.head_id)
        .join(Annotator, Annotator.id == Span.annotator_id)
        .group_by(Annotator.name, Relation.label),
    )


def _by_layer_and_label(session: Session, stmt: Select[str, str, int]) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for name, label, n in session.execute(stmt):
        out.setdefault(name, {})[label] = n
    return out


def span_count(session: Session, doc_id: int, annotator: str) -> int:
    """Number of spans of one layer in one document."""
    stmt = (
        select(func.count(Span.id))
        .join(Annotator, Annotator.id == Span.annotator_id)
        .where(Span.document_id == doc_id, Annotator.name == annotator)
    )
    return session.scalar(stmt) or 0


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


# ---------------------------------------------------------------- streaming a layer (plain tuples)


def driver_rows(session: Session, sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of one SQL statement run on the session's own DB-API connection (inside its
    transaction), as the driver's plain tuples: for the hot readers that stream a whole layer,
    where building SQLAlchemy rows costs as much as the query."""
    session.flush()
    raw = session.connection().connection.driver_connection
    assert raw is not None
    if session.get_bind().dialect.name == "sqlite":
        rows: list[tuple[Any, ...]] = raw.execute(sql, tuple(params)).fetchall()
        return rows
    # psycopg: "%s" placeholders, and JSON columns arrive decoded: give them back as text, as
    # SQLite does, so the readers above see one shape
    cursor = raw.execute(sql.replace("?", "%s"), tuple(params))
    return [
        tuple(json.dumps(v) if isinstance(v, dict | list) else v for v in row)
        for row in cursor.fetchall()
    ]


def layer_span_rows(
    session: Session, annotator: str, doc_ids: Sequence[int]
) -> list[tuple[int, int, int, int, str, str | None, int | None]]:
    """Spans of one layer in some documents as plain tuples ``(document_id, id, start, end,
    label, attrs as JSON text, entity_id)`` in (document, start, end, id) order. For reading a
    layer batch by batch (``doc_ids`` at most ``SQL_BATCH`` long)."""
    return _layer_rows(
        session,
        annotator,
        doc_ids,
        'SELECT document_id, id, start, "end", label, attrs, entity_id FROM span '
        "WHERE annotator_id = ? AND document_id IN ({marks}) "
        'ORDER BY document_id, start, "end", id',
    )


def layer_labels(session: Session, annotator: str, doc_ids: Sequence[int]) -> set[str]:
    """The span labels one layer uses in some documents (``doc_ids`` at most ``SQL_BATCH``)."""
    rows = _layer_rows(
        session,
        annotator,
        doc_ids,
        "SELECT DISTINCT label FROM span WHERE annotator_id = ? AND document_id IN ({marks})",
    )
    return {row[0] for row in rows}


def layer_relation_rows(
    session: Session, annotator: str, doc_ids: Sequence[int]
) -> list[tuple[int, int, int, int, str]]:
    """Relations whose head span is in one layer and in some documents, as plain tuples
    ``(document_id, id, head_id, tail_id, label)`` in id order."""
    return _layer_rows(
        session,
        annotator,
        doc_ids,
        "SELECT s.document_id, r.id, r.head_id, r.tail_id, r.label FROM relation r "
        "JOIN span s ON s.id = r.head_id "
        "WHERE s.annotator_id = ? AND s.document_id IN ({marks}) ORDER BY r.id",
    )


def _layer_rows(session: Session, annotator: str, doc_ids: Sequence[int], sql: str) -> list[Any]:
    """The rows of ``sql`` (its parameters: the layer's annotator id, then ``doc_ids`` in
    place of ``{marks}``); none for an unknown layer or no documents."""
    ann = annotator_id(session, annotator)
    if ann is None or not doc_ids:
        return []
    return driver_rows(session, sql.format(marks=",".join("?" * len(doc_ids))), [ann, *doc_ids])


def iter_layer_geometry(session: Session, annotator: str) -> Iterator[tuple[int, int, int, str]]:
    """``(document_id, start, end, label)`` of every span of one layer, in (document, start,
    end) order, streamed from the cursor (no list of the whole layer is built)."""
    stmt = (
        select(Span.document_id, Span.start, Span.end, Span.label)
        .join(Annotator, Annotator.id == Span.annotator_id)
        .where(Annotator.name == annotator)
        .order_by(Span.document_id, Span.start, Span.end, Span.id)
    )
    session.flush()
    for row in session.connection().execute(stmt):
        yield row[0], row[1], row[2], row[3]


def layer_attribute_keys(session: Session, annotator: str) -> set[tuple[str, str]]:
    """``(label, attribute name)`` of every attribute on the spans of one layer, found in the
    database (no span is loaded)."""
    ann = annotator_id(session, annotator)
    if ann is None:
        return set()
    if session.get_bind().dialect.name == "sqlite":
        sql = (
            "SELECT DISTINCT s.label, j.key FROM span s, json_each(s.attrs) j "
            "WHERE s.annotator_id = ? AND json_type(s.attrs) = 'object'"
        )
    else:
        sql = (
            "SELECT DISTINCT s.label, k.key FROM span s CROSS JOIN LATERAL json_object_keys("
            "CASE WHEN json_typeof(s.attrs::json) = 'object' THEN s.attrs::json "
            "ELSE '{}'::json END) AS k(key) WHERE s.annotator_id = ?"
        )
    return {(str(label), str(key)) for label, key in driver_rows(session, sql, [ann])}
