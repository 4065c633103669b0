"""Documents, project meta and the scheme tables."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from storage.bulk import bulk_insert_ids
from storage.db import stored_json
from storage.models import (
    Assignment,
    AttributeRow,
    Document,
    LabelRow,
    ProjectMeta,
    RelationTypeRow,
    Span,
    utcnow,
)
from storage.records import DocumentRecord, DocumentSummary
from storage.repository.annotators_assignments import annotator_id

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
    """Documents in id order: all of them, or those of ``doc_ids``."""
    stmt = select(Document).order_by(Document.id)
    if doc_ids is not None:
        stmt = stmt.where(Document.id.in_(list(doc_ids)))
    return [_doc_record(d) for d in session.scalars(stmt)]


def text_lengths(session: Session, doc_ids: Collection[int] | None = None) -> dict[int, int]:
    """Document id -> length of its text (in characters), without reading the texts."""
    stmt = select(Document.id, func.length(Document.text))
    if doc_ids is not None:
        stmt = stmt.where(Document.id.in_(list(doc_ids)))
    return {did: n or 0 for did, n in session.execute(stmt)}


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


def documents_containing(
    session: Session, needle: str, limit: int = 500
) -> list[tuple[int, str, str]]:
    """(id, title, text) of documents whose text or title contains ``needle``
    (case-insensitive for ASCII), in id order."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = "%" + escaped + "%"
    stmt = (
        select(Document.id, Document.title, Document.text)
        .where(
            Document.text.ilike(pattern, escape="\\") | Document.title.ilike(pattern, escape="\\")
        )
        .order_by(Document.id)
        .limit(limit)
    )
    return [(doc_id, title, text) for doc_id, title, text in session.execute(stmt)]


def document_rows(
    session: Session, doc_ids: Sequence[int]
) -> list[tuple[int, str, str, str, str, str | None, str, dict[str, Any]]]:
    """Documents as plain tuples ``(id, external_id, title, source, url, published, text,
    meta)`` in id order, for reading a corpus batch by batch (``doc_ids`` at most a few
    thousand long)."""
    from storage.repository.spans import driver_rows

    if not doc_ids:
        return []
    marks = ",".join("?" * len(doc_ids))
    rows = driver_rows(
        session,
        "SELECT id, external_id, title, source, url, published, text, meta FROM document "
        f"WHERE id IN ({marks}) ORDER BY id",
        doc_ids,
    )
    return [
        (
            did,
            ext,
            title,
            source,
            url,
            published,
            text,
            stored_json(meta, f"the metadata of document {did}") if meta else {},
        )
        for did, ext, title, source, url, published, text, meta in rows
    ]


def document_id_batches(session: Session, size: int) -> Iterator[list[int]]:
    """Every document id in order, ``size`` at a time (never the whole list at once)."""
    last = None
    while True:
        stmt = select(Document.id).order_by(Document.id).limit(size)
        if last is not None:
            stmt = stmt.where(Document.id > last)
        ids = list(session.scalars(stmt))
        if not ids:
            return
        yield ids
        last = ids[-1]


def texts_and_hashes(session: Session, doc_ids: Sequence[int]) -> list[tuple[int, str, str, str]]:
    """``(id, external_id, text, sha256)`` of some documents (a batch) in id order."""
    from storage.repository.spans import driver_rows

    if not doc_ids:
        return []
    marks = ",".join("?" * len(doc_ids))
    return driver_rows(
        session,
        f"SELECT id, external_id, text, sha256 FROM document WHERE id IN ({marks}) ORDER BY id",
        doc_ids,
    )


def document_texts(session: Session, doc_ids: Sequence[int]) -> Iterator[tuple[int, str]]:
    """``(id, text)`` of some documents in id order, streamed from the cursor."""
    session.flush()
    ids = list(doc_ids)
    for i in range(0, len(ids), 20000):
        stmt = (
            select(Document.id, Document.text)
            .where(Document.id.in_(ids[i : i + 20000]))
            .order_by(Document.id)
        )
        for row in session.connection().execute(stmt):
            yield row[0], row[1]


def external_ids_of(session: Session, doc_ids: Sequence[int]) -> list[str]:
    """External ids of ``doc_ids``, in that order."""
    found = {did: ext for did, ext in session.execute(select(Document.id, Document.external_id))}
    return [found[did] for did in doc_ids]


def ids_of_hashes(session: Session, shas: Sequence[str]) -> dict[str, int]:
    """Text hash -> document id, for those of ``shas`` in the project (a batch at a time)."""
    return _document_lookup(session, "sha256", "id", shas)


def hashes_of_external_ids(session: Session, external: Sequence[str]) -> dict[str, str]:
    """External id -> text hash, for those of ``external`` used in the project."""
    return _document_lookup(session, "external_id", "sha256", external)


def _document_lookup(session: Session, key: str, value: str, keys: Sequence[Any]) -> dict[Any, Any]:
    """``document.key`` -> ``document.value`` for the documents whose ``key`` is one of
    ``keys``, asked a batch of 20000 at a time."""
    from storage.repository.spans import driver_rows

    out: dict[Any, Any] = {}
    wanted = list(dict.fromkeys(keys))
    for i in range(0, len(wanted), 20000):
        chunk = wanted[i : i + 20000]
        marks = ",".join("?" * len(chunk))
        sql = f"SELECT {key}, {value} FROM document WHERE {key} IN ({marks})"
        out.update(driver_rows(session, sql, chunk))
    return out
