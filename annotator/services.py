"""Use-case services shared by the command line and the GUI.

Every function receives a session (one per user action) and plain values, checks the scheme's
rules, writes the change and an event-log entry, and returns ids or plain records.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from annotator.errors import NotFound, ValidationError
from annotator.scheme import Scheme
from annotator.validation import check_relation_labels, check_span_values
from annotator.values import AttrValue, RelationData, SpanData
from storage import repository as repo
from storage.records import (
    DocumentRecord,
    EntityRecord,
    RelationRecord,
    SpanRecord,
    SuggestionRecord,
)

STATUSES = ("todo", "in_progress", "done", "skipped")


@dataclass(frozen=True, slots=True)
class SpanSnapshot:
    """Everything needed to restore a deleted span exactly (used by undo)."""

    span: SpanRecord
    relations: tuple[RelationRecord, ...]


def _span_dict(rec: SpanRecord) -> dict[str, Any]:
    return {
        "start": rec.start,
        "end": rec.end,
        "label": rec.label,
        "attrs": rec.attrs,
        "entity_id": rec.entity_id,
        "annotator": rec.annotator,
    }


def _document(session: Session, doc_id: int) -> DocumentRecord:
    doc = repo.get_document(session, doc_id)
    if doc is None:
        raise NotFound(f"no document with id {doc_id}")
    return doc


def _span(session: Session, span_id: int) -> SpanRecord:
    rec = repo.get_span(session, span_id)
    if rec is None:
        raise NotFound(f"no span with id {span_id}")
    return rec


# ---------------------------------------------------------------- spans


def add_span(
    session: Session,
    scheme: Scheme,
    doc_id: int,
    annotator: str,
    start: int,
    end: int,
    label: str,
    attrs: Mapping[str, AttrValue] | None = None,
    entity_id: int | None = None,
    origin: str = "manual",
    span_id: int | None = None,
    actor: str | None = None,
) -> int:
    """Add a span to ``annotator``'s layer; ``actor`` (default: the annotator) is who did it,
    e.g. a reviewer editing the gold layer."""
    doc = _document(session, doc_id)
    attrs = dict(attrs or {})
    check_span_values(scheme, len(doc.text), start, end, label, attrs)
    ann_id = repo.ensure_annotator(session, annotator)
    if span_id is not None and repo.get_span(session, span_id) is not None:
        span_id = None  # another writer took the id meanwhile (redo after undo): a new one
    new_id = repo.add_span(
        session, doc_id, ann_id, start, end, label, attrs, entity_id, origin, span_id=span_id
    )
    repo.log_event(
        session,
        actor or annotator,
        "span.add",
        doc_id,
        f"span:{new_id}",
        None,
        {
            "start": start,
            "end": end,
            "label": label,
            "attrs": attrs,
            "entity_id": entity_id,
            "origin": origin,
        },
    )
    return new_id


def update_span(
    session: Session,
    scheme: Scheme,
    span_id: int,
    actor: str,
    *,
    start: int | None = None,
    end: int | None = None,
    label: str | None = None,
    attrs: Mapping[str, AttrValue] | None = None,
    entity_id: int | None | type[Ellipsis] = ...,
) -> SpanRecord:
    """Change a span's boundaries, label, attributes or actor link; return the span before."""
    before = _span(session, span_id)
    doc = _document(session, before.document_id)
    new_label = label if label is not None else before.label
    new_attrs = dict(attrs) if attrs is not None else dict(before.attrs)
    if label is not None and label != before.label and attrs is None:
        # Keep only the attributes the new label knows.
        ldef = scheme.label(new_label)
        new_attrs = {
            k: v for k, v in new_attrs.items() if ldef is not None and ldef.attribute(k) is not None
        }
    new_start = start if start is not None else before.start
    new_end = end if end is not None else before.end
    check_span_values(scheme, len(doc.text), new_start, new_end, new_label, new_attrs)
    values: dict[str, Any] = {
        "start": new_start,
        "end": new_end,
        "label": new_label,
        "attrs": new_attrs,
    }
    if entity_id is not ...:
        values["entity_id"] = entity_id
    if new_label != before.label:
        _check_relations_after_relabel(session, scheme, span_id, new_label)
    repo.update_span(session, span_id, **values)
    repo.log_event(
        session,
        actor,
        "span.update",
        before.document_id,
        f"span:{span_id}",
        _span_dict(before),
        {**_span_dict(before), **values},
    )
    return before


def _check_relations_after_relabel(
    session: Session, scheme: Scheme, span_id: int, new_label: str
) -> None:
    doc_rels = repo.relations_of(session, document_id=_span(session, span_id).document_id)
    for rel in doc_rels:
        if span_id not in (rel.head_id, rel.tail_id):
            continue
        head_label = new_label if rel.head_id == span_id else _span(session, rel.head_id).label
        tail_label = new_label if rel.tail_id == span_id else _span(session, rel.tail_id).label
        try:
            check_relation_labels(scheme, rel.label, head_label, tail_label)
        except ValidationError as exc:
            raise ValidationError(
                f"cannot relabel as {new_label}: its '{rel.label}' relation would break "
                f"({exc.message}); remove the relation first"
            ) from None


def delete_span(session: Session, span_id: int, actor: str) -> SpanSnapshot:
    rec = _span(session, span_id)
    rels = tuple(
        r
        for r in repo.relations_of(session, document_id=rec.document_id)
        if span_id in (r.head_id, r.tail_id)
    )
    repo.delete_span(session, span_id)
    repo.log_event(
        session, actor, "span.delete", rec.document_id, f"span:{span_id}", _span_dict(rec), None
    )
    return SpanSnapshot(rec, rels)


def restore_span(session: Session, snapshot: SpanSnapshot, actor: str) -> int:
    """Put back a deleted span with its id and relations (undo of delete); return its id, a new
    one when another writer took the old id meanwhile."""
    rec = snapshot.span
    ann_id = repo.ensure_annotator(session, rec.annotator)
    span_id: int | None = rec.id
    if repo.get_span(session, rec.id) is not None:
        span_id = None
    new_id = repo.add_span(
        session,
        rec.document_id,
        ann_id,
        rec.start,
        rec.end,
        rec.label,
        rec.attrs,
        rec.entity_id,
        rec.origin,
        span_id=span_id,
    )
    for rel in snapshot.relations:
        head = new_id if rel.head_id == rec.id else rel.head_id
        tail = new_id if rel.tail_id == rec.id else rel.tail_id
        if repo.get_span(session, head) and repo.get_span(session, tail):
            rel_id: int | None = rel.id
            if repo.get_relation(session, rel.id) is not None:
                rel_id = None
            repo.add_relation(session, head, tail, rel.label, rel.origin, relation_id=rel_id)
    repo.log_event(
        session, actor, "span.restore", rec.document_id, f"span:{new_id}", None, _span_dict(rec)
    )
    return new_id


# ---------------------------------------------------------------- relations


def add_relation(
    session: Session,
    scheme: Scheme,
    head_id: int,
    tail_id: int,
    label: str,
    actor: str,
    origin: str = "manual",
    relation_id: int | None = None,
) -> int:
    head, tail = _span(session, head_id), _span(session, tail_id)
    if head.document_id != tail.document_id or head.annotator != tail.annotator:
        raise ValidationError("a relation links two spans of the same document and layer")
    if head_id == tail_id:
        raise ValidationError("a relation cannot link a span to itself")
    check_relation_labels(scheme, label, head.label, tail.label)
    for rel in repo.relations_of_spans(session, [head_id]):
        if rel.tail_id == tail_id and rel.label == label:
            return rel.id
    if relation_id is not None and repo.get_relation(session, relation_id) is not None:
        relation_id = None  # another writer took the id meanwhile: a new one
    new_id = repo.add_relation(session, head_id, tail_id, label, origin, relation_id=relation_id)
    repo.log_event(
        session,
        actor,
        "relation.add",
        head.document_id,
        f"relation:{new_id}",
        None,
        {"head": head_id, "tail": tail_id, "label": label},
    )
    return new_id


def delete_relation(session: Session, relation_id: int, actor: str) -> RelationRecord:
    rel = repo.get_relation(session, relation_id)
    if rel is None:
        raise NotFound(f"no relation with id {relation_id}")
    head = _span(session, rel.head_id)
    repo.delete_relation(session, relation_id)
    repo.log_event(
        session,
        actor,
        "relation.delete",
        head.document_id,
        f"relation:{relation_id}",
        {"head": rel.head_id, "tail": rel.tail_id, "label": rel.label},
        None,
    )
    return rel


# ---------------------------------------------------------------- document status


def set_status(
    session: Session,
    doc_id: int,
    annotator: str,
    status: str,
    add_seconds: float = 0.0,
    actor: str | None = None,
) -> None:
    """Set ``annotator``'s status of a document; ``actor`` (default: the annotator) did it."""
    if status not in STATUSES:
        raise ValidationError(f"unknown status '{status}' ({', '.join(STATUSES)})")
    _document(session, doc_id)
    ann_id = repo.ensure_annotator(session, annotator)
    repo.set_assignment(session, doc_id, ann_id, status, add_seconds)
    repo.log_event(
        session,
        actor or annotator,
        "status",
        doc_id,
        f"status:{annotator}",
        None,
        {"status": status},
    )


# ---------------------------------------------------------------- actor registry


def list_entities(session: Session) -> list[EntityRecord]:
    return repo.list_entities(session)


def ensure_entity(session: Session, name: str, type_: str = "", actor: str = "") -> int:
    name = name.strip()
    if not name:
        raise ValidationError("an actor needs a name")
    found = repo.find_entity(session, name, type_)
    if found is not None:
        return found
    new_id = repo.add_entity(session, name, type_)
    repo.log_event(
        session,
        actor or "system",
        "entity.add",
        None,
        f"entity:{new_id}",
        None,
        {"name": name, "type": type_},
    )
    return new_id


def rename_entity(session: Session, entity_id: int, name: str, actor: str) -> None:
    rec = repo.get_entity(session, entity_id)
    if rec is None:
        raise NotFound(f"no actor with id {entity_id}")
    if not name.strip():
        raise ValidationError("an actor needs a name")
    if repo.find_entity(session, name.strip(), rec.type) not in (None, entity_id):
        raise ValidationError(f"an actor '{name}' of type '{rec.type}' exists already; merge")
    repo.rename_entity(session, entity_id, name.strip())
    repo.log_event(
        session,
        actor,
        "entity.rename",
        None,
        f"entity:{entity_id}",
        {"name": rec.name},
        {"name": name.strip()},
    )


def add_alias(session: Session, entity_id: int, alias: str, actor: str) -> None:
    if not alias.strip():
        raise ValidationError("an alias cannot be empty")
    repo.add_alias(session, entity_id, alias.strip())
    repo.log_event(
        session, actor, "entity.alias", None, f"entity:{entity_id}", None, {"alias": alias.strip()}
    )


def merge_entities(session: Session, keep_id: int, drop_id: int, actor: str) -> None:
    if keep_id == drop_id:
        raise ValidationError("cannot merge an actor with itself")
    keep, drop = repo.get_entity(session, keep_id), repo.get_entity(session, drop_id)
    if keep is None or drop is None:
        raise NotFound("no such actor to merge")
    repo.merge_entities(session, keep_id, drop_id)
    repo.log_event(
        session,
        actor,
        "entity.merge",
        None,
        f"entity:{keep_id}",
        {"dropped": drop.name, "dropped_id": drop_id},
        {"kept": keep.name},
    )


# ---------------------------------------------------------------- suggestions


def add_suggestions(
    session: Session,
    doc_id: int,
    spans: Sequence[SpanData],
    relations: Sequence[RelationData],
    model: str,
    scores: Mapping[str, float] | None = None,
) -> int:
    """Store model suggestions for one document; return how many new spans were stored.

    A suggestion that repeats an existing suggestion (same start, end, label, any state) or a
    span of the gold layer is skipped, so running a model twice adds nothing. Suggestions are
    shared by every annotator: :func:`pending_suggestions` hides, for each annotator, those
    that repeat one of their own spans, so a suggestion never duplicates the work it is shown
    with.
    """
    scores = scores or {}
    human = {
        (s.start, s.end, s.label)
        for s in repo.spans_of(session, document_id=doc_id, annotator="gold")
    }
    seen = repo.suggestion_keys(session, doc_id)
    rows: list[dict[str, Any]] = []
    keys: list[str] = []
    for sp in spans:
        key = (sp.start, sp.end, sp.label)
        if key in human or key in seen:
            continue
        seen.add(key)
        entity_id = None
        if sp.entity:
            entity_id = repo.find_entity(session, sp.entity, sp.entity_type)
        rows.append(
            {
                "document_id": doc_id,
                "start": sp.start,
                "end": sp.end,
                "label": sp.label,
                "attrs": dict(sp.attrs),
                "entity_id": entity_id,
                "model": model,
                "score": float(scores.get(sp.id, 1.0)),
            }
        )
        keys.append(sp.id)
    ids = dict(zip(keys, repo.insert_suggestions(session, rows), strict=True))
    rel_rows = [
        {
            "head_id": ids[r.head],
            "tail_id": ids[r.tail],
            "label": r.label,
            "score": float(scores.get(r.id, 1.0)),
        }
        for r in relations
        if r.head in ids and r.tail in ids
    ]
    repo.insert_suggestion_relations(session, rel_rows)
    return len(rows)


def pending_suggestions(session: Session, doc_id: int, annotator: str) -> list[SuggestionRecord]:
    """Pending suggestions of a document as ``annotator`` sees them: without those that repeat
    one of the annotator's spans (same start, end and label)."""
    own = {
        (s.start, s.end, s.label)
        for s in repo.spans_of(session, document_id=doc_id, annotator=annotator)
    }
    return [
        g
        for g in repo.suggestions_of(session, document_id=doc_id)
        if (g.start, g.end, g.label) not in own
    ]


def accept_suggestions(
    session: Session,
    scheme: Scheme,
    suggestion_ids: Iterable[int],
    annotator: str,
    actor: str | None = None,
) -> dict[int, int]:
    """Turn suggestions into the annotator's spans (with their accepted relations).

    Returns suggestion id -> new span id. Relations between two accepted suggestions (in this
    call or earlier) become relations of the annotator's layer.
    """
    created: dict[int, int] = {}
    recs: list[SuggestionRecord] = []
    for sid in suggestion_ids:
        rec = repo.get_suggestion(session, sid)
        if rec is None or rec.state != "pending":
            continue
        recs.append(rec)
    if not recs:
        return created
    ann_id = repo.ensure_annotator(session, annotator)
    for rec in recs:
        doc = _document(session, rec.document_id)
        check_span_values(scheme, len(doc.text), rec.start, rec.end, rec.label, rec.attrs)
        existing = next(
            (
                s
                for s in repo.spans_of(session, document_id=rec.document_id, annotator=annotator)
                if (s.start, s.end, s.label) == (rec.start, rec.end, rec.label)
            ),
            None,
        )
        span_id = (
            existing.id
            if existing
            else repo.add_span(
                session,
                rec.document_id,
                ann_id,
                rec.start,
                rec.end,
                rec.label,
                rec.attrs,
                rec.entity_id,
                origin=rec.model,
            )
        )
        created[rec.id] = span_id
        repo.log_event(
            session,
            actor or annotator,
            "suggestion.accept",
            rec.document_id,
            f"suggestion:{rec.id}",
            None,
            {"span": span_id, "model": rec.model},
        )
    repo.set_suggestion_state(session, list(created), "accepted")
    _materialise_relations(session, scheme, list(created), annotator, actor or annotator)
    return created


def _materialise_relations(
    session: Session, scheme: Scheme, suggestion_ids: list[int], annotator: str, actor: str
) -> None:
    rels = repo.suggestion_relations_of(session, suggestion_ids, state="pending")
    if not rels:
        return
    involved = {r.head_id for r in rels} | {r.tail_id for r in rels}
    span_of: dict[int, int] = {}
    for sid in involved:
        rec = repo.get_suggestion(session, sid)
        if rec is None or rec.state != "accepted":
            continue
        match = next(
            (
                s
                for s in repo.spans_of(session, document_id=rec.document_id, annotator=annotator)
                if (s.start, s.end, s.label) == (rec.start, rec.end, rec.label)
            ),
            None,
        )
        if match:
            span_of[sid] = match.id
    done = []
    for rel in rels:
        if rel.head_id in span_of and rel.tail_id in span_of:
            try:
                add_relation(
                    session,
                    scheme,
                    span_of[rel.head_id],
                    span_of[rel.tail_id],
                    rel.label,
                    actor,
                    origin="suggestion",
                )
            except ValidationError:
                continue
            done.append(rel.id)
    repo.set_suggestion_relation_state(session, done, "accepted")


def reject_suggestions(session: Session, suggestion_ids: Iterable[int], annotator: str) -> int:
    ids = [
        sid
        for sid in suggestion_ids
        if (rec := repo.get_suggestion(session, sid)) is not None and rec.state == "pending"
    ]
    repo.set_suggestion_state(session, ids, "rejected")
    rels = repo.suggestion_relations_of(session, ids, state="pending")
    repo.set_suggestion_relation_state(session, [r.id for r in rels], "rejected")
    for sid in ids:
        repo.log_event(session, annotator, "suggestion.reject", None, f"suggestion:{sid}")
    return len(ids)


def reset_suggestions(
    session: Session, suggestion_ids: Iterable[int], span_ids: Iterable[int], annotator: str
) -> None:
    """Undo of accept/reject: delete the spans made from them and mark them pending again."""
    for span_id in span_ids:
        if repo.get_span(session, span_id) is not None:
            repo.delete_span(session, span_id)
    ids = list(suggestion_ids)
    repo.set_suggestion_state(session, ids, "pending")
    rels = repo.suggestion_relations_of(session, ids)
    repo.set_suggestion_relation_state(session, [r.id for r in rels], "pending")
    for sid in ids:
        repo.log_event(session, annotator, "suggestion.reset", None, f"suggestion:{sid}")
