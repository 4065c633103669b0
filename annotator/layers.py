"""Reading a layer of the project as plain DocData values (for export, agreement, review)."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from annotator.values import DocData, RelationData, SpanData
from annotator.vocabulary import Layer, SuggestionState
from storage.db import stored_json
from storage.records import (
    DocumentRecord,
    EntityRecord,
    RelationRecord,
    SpanRecord,
    SuggestionRecord,
    SuggestionRelationRecord,
)
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo


def doc_meta(doc: DocumentRecord) -> dict[str, object]:
    return _meta(doc.meta, doc.title, doc.source, doc.url, doc.published)


def _meta(
    stored: dict[str, Any], title: str, source: str, url: str, published: str | None
) -> dict[str, object]:
    meta: dict[str, object] = dict(stored)
    if title:
        meta["title"] = title
    if source:
        meta["source"] = source
    if url:
        meta["url"] = url
    if published:
        meta["published"] = published
    return meta


def annotator_names(session: Session) -> list[str]:
    """Human annotators with at least one span or assignment (not the gold layer)."""
    names = {a.name for a in ann_repo.list_annotators(session)}
    active = set(span_repo.layers_with_spans(session)) | ann_repo.annotators_with_assignments(
        session
    )
    return sorted(n for n in names & active if n != Layer.GOLD)


def layers_with_spans(session: Session) -> list[str]:
    return span_repo.layers_with_spans(session)


def _span_data(rec: SpanRecord | SuggestionRecord, entities: dict[int, EntityRecord]) -> SpanData:
    ent = entities.get(rec.entity_id) if rec.entity_id else None
    return SpanData(
        f"s{rec.id}",
        rec.start,
        rec.end,
        rec.label,
        dict(rec.attrs),
        ent.name if ent else None,
        ent.type if ent else None,
    )


def _relation_data(rel: RelationRecord | SuggestionRelationRecord) -> RelationData:
    return RelationData(f"r{rel.id}", rel.label, f"s{rel.head_id}", f"s{rel.tail_id}")


def _docs(
    session: Session,
    doc_ids: Collection[int],
    layer: str,
    spans: dict[int, list[SpanData]],
    relations: dict[int, list[RelationData]],
) -> list[DocData]:
    return [
        DocData(
            d.external_id,
            d.text,
            {**doc_meta(d), "doc_id": d.id},
            tuple(spans[d.id]),
            tuple(relations[d.id]),
            layer=layer,
        )
        for d in doc_repo.get_documents(session, sorted(doc_ids))
    ]


def load_layer(
    session: Session, layer: str, doc_ids: Collection[int] | None = None
) -> list[DocData]:
    """One layer (an annotator, ``gold`` or ``suggestions``) as DocData, one per document that
    the layer covers. ``meta['doc_id']`` holds the database id."""
    entities = {e.id: e for e in registry_repo.list_entities(session)}
    span_by_doc: dict[int, list[SpanData]] = defaultdict(list)
    rel_by_doc: dict[int, list[RelationData]] = defaultdict(list)
    if layer == Layer.SUGGESTIONS:
        suggs = sugg_repo.suggestions_of(session, state=SuggestionState.PENDING, doc_ids=doc_ids)
        for sug in suggs:
            span_by_doc[sug.document_id].append(_span_data(sug, entities))
        doc_of = {sug.id: sug.document_id for sug in suggs}
        for srel in sugg_repo.suggestion_relations_of(
            session, list(doc_of), state=SuggestionState.PENDING
        ):
            if srel.head_id in doc_of and srel.tail_id in doc_of:
                rel_by_doc[doc_of[srel.head_id]].append(_relation_data(srel))
        return _docs(session, list(span_by_doc), Layer.SUGGESTIONS, span_by_doc, rel_by_doc)
    covered = span_repo.documents_in_layer(session, layer)
    if doc_ids is not None:
        covered &= set(doc_ids)
    doc_of_span: dict[int, int] = {}
    for rec in span_repo.spans_of(session, annotator=layer, doc_ids=covered if doc_ids else None):
        if rec.document_id in covered:
            span_by_doc[rec.document_id].append(_span_data(rec, entities))
            doc_of_span[rec.id] = rec.document_id
    for rel in span_repo.relations_of_spans(session, list(doc_of_span)):
        rel_by_doc[doc_of_span[rel.head_id]].append(_relation_data(rel))
    return _docs(session, covered, layer, span_by_doc, rel_by_doc)


def unannotated_documents(session: Session) -> list[DocData]:
    """Documents that no layer covers (no span and no assignment in progress or done in any
    layer, gold included), as DocData with ``annotated=False``."""
    covered: set[int] = set()
    for ann in ann_repo.list_annotators(session):
        covered |= span_repo.documents_in_layer(session, ann.name)
    return [
        DocData(d.external_id, d.text, {**doc_meta(d), "doc_id": d.id}, annotated=False)
        for d in doc_repo.get_documents(session)
        if d.id not in covered
    ]


BATCH = 500  # documents per read when streaming a layer


def layer_documents(session: Session, layer: str) -> list[int]:
    """Database ids of the documents a human or gold layer covers, in id order."""
    return sorted(span_repo.documents_in_layer(session, layer))


def canonical_order(
    rows: Sequence[tuple[int, int, int, int, str, str | None, int | None]],
    attrs_of: dict[str | None, tuple[dict[str, Any], str]],
    entities: Mapping[int, tuple[str, str | None]],
) -> list[int]:
    """Indices of span rows in canonical order: (start, end, label, attrs as sorted JSON, entity
    name, entity type, position); the order ``annotator.transfer.exporting.canonical_ids`` uses."""

    def key(i: int) -> tuple[Any, ...]:
        row = rows[i]
        ent = entities.get(row[6]) if row[6] else None
        return (
            row[2],
            row[3],
            row[4],
            attrs_of[row[5]][1],
            ent[0] if ent else "",
            (ent[1] if ent else None) or "",
            i,
        )

    return sorted(range(len(rows)), key=key)


def iter_layer(
    session: Session,
    layer: str,
    doc_ids: Sequence[int],
    canonical: bool = False,
    batch: int | None = None,
) -> Iterator[DocData]:
    """Documents ``doc_ids`` (database ids, in that order) of a human or gold layer as DocData,
    read ``batch`` (default ``BATCH``) documents at a time with plain-tuple queries, so a whole
    layer is never in memory. ``meta['doc_id']`` holds the database id. With ``canonical``,
    spans come in text order named ``s1, s2, ...`` and relations ``r1, ...`` in (head, tail,
    label) order (what ``annotator.transfer.exporting.canonical_ids`` makes of ``load_layer``'s
    documents), built once without copying."""
    # the actor registry is small: read once
    entities: dict[int, tuple[str, str | None]] = {
        e.id: (e.name, e.type) for e in registry_repo.list_entities(session)
    }
    attrs_of: dict[str | None, tuple[dict[str, Any], str]] = {None: ({}, "{}")}
    step = batch or BATCH
    for i in range(0, len(doc_ids), step):
        chunk = doc_ids[i : i + step]
        span_rows: dict[int, list[Any]] = defaultdict(list)
        for row in span_repo.layer_span_rows(session, layer, chunk):
            span_rows[row[0]].append(row)
            raw = row[5]
            if raw not in attrs_of:
                what = f"the attributes of span {row[1]}"
                parsed = stored_json(raw, what) if raw and raw != "null" else {}
                attrs_of[raw] = (parsed, json.dumps(parsed, sort_keys=True, default=str))
        rel_rows: dict[int, list[Any]] = defaultdict(list)
        for rrow in span_repo.layer_relation_rows(session, layer, chunk):
            rel_rows[rrow[0]].append(rrow)
        for did, ext, title, source, url, published, text, meta in doc_repo.document_rows(
            session, chunk
        ):
            rows = span_rows.get(did, [])
            rels = rel_rows.get(did, [])
            order = canonical_order(rows, attrs_of, entities) if canonical else range(len(rows))
            names: dict[int, str] = {}
            spans = []
            for k, idx in enumerate(order, start=1):
                _d, sid, start, end, label, raw, ent_id = rows[idx]
                ent = entities.get(ent_id) if ent_id else None
                name = f"s{k}" if canonical else f"s{sid}"
                names[sid] = name
                spans.append(
                    SpanData(
                        name,
                        start,
                        end,
                        label,
                        dict(attrs_of[raw][0]),
                        ent[0] if ent else None,
                        ent[1] if ent else None,
                    )
                )
            relations = [
                RelationData(
                    f"r{rid}",
                    label,
                    names.get(head, f"s{head}"),
                    names.get(tail, f"s{tail}"),
                )
                for _d, rid, head, tail, label in rels
            ]
            if canonical:
                rank = {f"s{k}": k for k in range(1, len(spans) + 1)}
                relations.sort(key=lambda r: (rank.get(r.head, 0), rank.get(r.tail, 0), r.label))
                relations = [
                    RelationData(f"r{k}", r.label, r.head, r.tail)
                    for k, r in enumerate(relations, start=1)
                ]
            yield DocData(
                ext,
                text,
                {**_meta(meta, title, source, url, published), "doc_id": did},
                tuple(spans),
                tuple(relations),
                layer=layer,
            )
