"""Reading a layer of the project as plain DocData values (for export, agreement, review)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from sqlalchemy.orm import Session

from annotator.model import DocData, RelationData, SpanData
from storage import repository as repo
from storage.records import DocumentRecord

SUGGESTIONS = "suggestions"


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
    names = {a.name for a in repo.list_annotators(session)}
    active = set(repo.layers_with_spans(session)) | {a.annotator for a in repo.assignments(session)}
    return sorted(n for n in names & active if n != "gold")


def layers_with_spans(session: Session) -> list[str]:
    return repo.layers_with_spans(session)


def load_layer(
    session: Session, layer: str, doc_ids: Collection[int] | None = None
) -> list[DocData]:
    """One layer (an annotator, ``gold`` or ``suggestions``) as DocData, one per document that
    the layer covers. ``meta['doc_id']`` holds the database id."""
    entities = {e.id: e for e in repo.list_entities(session)}
    if layer == SUGGESTIONS:
        suggs = repo.suggestions_of(session, state="pending", doc_ids=doc_ids)
        by_doc: dict[int, list[SpanData]] = defaultdict(list)
        for s in suggs:
            ent = entities.get(s.entity_id) if s.entity_id else None
            by_doc[s.document_id].append(
                SpanData(f"s{s.id}", s.start, s.end, s.label, dict(s.attrs),
                         ent.name if ent else None, ent.type if ent else None)
            )
        rels_by_doc: dict[int, list[RelationData]] = defaultdict(list)
        doc_of = {s.id: s.document_id for s in suggs}
        for r in repo.suggestion_relations_of(session, list(doc_of), state="pending"):
            if r.head_id in doc_of and r.tail_id in doc_of:
                rels_by_doc[doc_of[r.head_id]].append(
                    RelationData(f"r{r.id}", r.label, f"s{r.head_id}", f"s{r.tail_id}"))
        docs = repo.get_documents(session, list(by_doc))
        return [
            DocData(d.external_id, d.text, {**doc_meta(d), "doc_id": d.id},
                    tuple(by_doc[d.id]), tuple(rels_by_doc[d.id]), layer=SUGGESTIONS)
            for d in docs
        ]
    covered = repo.documents_in_layer(session, layer)
    if doc_ids is not None:
        covered &= set(doc_ids)
    spans = repo.spans_of(session, annotator=layer, doc_ids=covered if doc_ids else None)
    span_by_doc: dict[int, list[SpanData]] = defaultdict(list)
    doc_of_span: dict[int, int] = {}
    for s in spans:
        if s.document_id not in covered:
            continue
        ent = entities.get(s.entity_id) if s.entity_id else None
        span_by_doc[s.document_id].append(
            SpanData(f"s{s.id}", s.start, s.end, s.label, dict(s.attrs),
                     ent.name if ent else None, ent.type if ent else None)
        )
        doc_of_span[s.id] = s.document_id
    rel_by_doc: dict[int, list[RelationData]] = defaultdict(list)
    for r in repo.relations_of_spans(session, list(doc_of_span)):
        rel_by_doc[doc_of_span[r.head_id]].append(
            RelationData(f"r{r.id}", r.label, f"s{r.head_id}", f"s{r.tail_id}"))
    docs = repo.get_documents(session, sorted(covered))
    return [
        DocData(d.external_id, d.text, {**doc_meta(d), "doc_id": d.id},
                tuple(span_by_doc[d.id]), tuple(rel_by_doc[d.id]), layer=layer)
        for d in docs
    ]
