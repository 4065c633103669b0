"""Reading a layer of the project as plain DocData values (for export, agreement, review)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy.orm import Session

from annotator.values import DocData, RelationData, SpanData
from annotator.vocabulary import Layer, SuggestionState
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
    meta: dict[str, object] = dict(doc.meta)
    for key in ("title", "source", "url"):
        value = getattr(doc, key)
        if value:
            meta[key] = value
    if doc.published:
        meta["published"] = doc.published
    return meta


def annotator_names(session: Session) -> list[str]:
    """Human annotators with at least one span or assignment (not the gold layer)."""
    names = {a.name for a in ann_repo.list_annotators(session)}
    active = set(span_repo.layers_with_spans(session)) | {
        a.annotator for a in ann_repo.assignments(session)
    }
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
