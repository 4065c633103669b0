"""Use-case services shared by the command line and the GUI.

Every function receives a session (one per user action) and plain values, checks the scheme's
rules, writes the change and an event-log entry, and returns the plain records it wrote, so a
caller (the GUI's undo commands) shows them without reading storage again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import EllipsisType
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from annotator.errors import NotFound, ValidationError
from annotator.reads import document as _document
from annotator.scheme import Scheme
from annotator.validation import check_relation_labels, check_span_values
from annotator.values import AttrValue, RelationData, SpanData
from annotator.vocabulary import AssignmentStatus, EventAction, Origin, SuggestionState
from storage.records import (
    EntityRecord,
    RelationRecord,
    SpanRecord,
    SuggestionRecord,
)
from storage.repository import annotators_assignments as ann_repo
from storage.repository import events as event_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo

STATUSES = tuple(AssignmentStatus)
_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class SpanWithRelations:
    """A span and the relations of its layer that link it."""

    span: SpanRecord
    relations: tuple[RelationRecord, ...]


class SpanSnapshot(SpanWithRelations):
    """Everything needed to restore a deleted span exactly (used by undo)."""

    __slots__ = ()


class Restored(SpanWithRelations):
    """What :func:`restore_span` put back: the span and those of its relations that could be."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class SpanChange:
    """A span before and after :func:`update_span`."""

    before: SpanRecord
    after: SpanRecord


@dataclass(frozen=True, slots=True)
class SuggestedLink:
    """A pending suggested relation (a claimant or an event role) as one annotator sees it.

    ``head_id`` and ``tail_id`` are the suggestions it was proposed between; an end that is not
    a pending suggestion shown to the annotator stands for the annotator's span with the same
    start, end and label (``head_span``/``tail_span``): a suggestion accepted earlier, or one
    the annotator had already drawn herself.
    """

    id: int
    label: str
    head_id: int
    tail_id: int
    score: float = 1.0
    head_span: int | None = None
    tail_span: int | None = None


@dataclass(frozen=True, slots=True)
class Accepted:
    """What :func:`accept_suggestions` wrote.

    ``created``: suggestion id -> span made now; ``reused``: suggestion id -> the annotator's
    span it repeated (kept as it was); ``spans``: the spans made now; ``relations``: every
    relation of the layer touching an accepted span (made now or earlier); ``links``: the
    suggested relations accepted; ``new_relations``: suggested relation id -> relation made now.
    """

    created: Mapping[int, int]
    spans: tuple[SpanRecord, ...]
    relations: tuple[RelationRecord, ...]
    reused: Mapping[int, int] = field(default_factory=dict)
    links: tuple[int, ...] = ()
    new_relations: Mapping[int, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Rejected:
    """What :func:`reject_suggestions` marked rejected: suggestions and suggested relations."""

    suggestions: tuple[int, ...]
    links: tuple[int, ...]


def _span_dict(rec: SpanRecord) -> dict[str, Any]:
    return {
        "start": rec.start,
        "end": rec.end,
        "label": rec.label,
        "attrs": rec.attrs,
        "entity_id": rec.entity_id,
        "annotator": rec.annotator,
    }


def _found(record: _R | None, what: str, ident: int) -> _R:
    """``record``, read by its id ``ident``; NotFound ("no span with id 7") when it is None."""
    if record is None:
        raise NotFound(f"no {what} with id {ident}")
    return record


def _span(session: Session, span_id: int) -> SpanRecord:
    return _found(span_repo.get_span(session, span_id), "span", span_id)


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
    origin: str = Origin.MANUAL,
    span_id: int | None = None,
    user: str | None = None,
) -> SpanRecord:
    """Add a span to ``annotator``'s layer and return it; ``user`` (default: the annotator)
    is who did it, e.g. a reviewer editing the gold layer."""
    doc = _document(session, doc_id)
    attrs = dict(attrs or {})
    check_span_values(scheme, len(doc.text), start, end, label, attrs)
    ann_id = ann_repo.ensure_annotator(session, annotator)
    if span_id is not None and span_repo.get_span(session, span_id) is not None:
        span_id = None  # another writer took the id meanwhile (redo after undo): a new one
    new_id = span_repo.add_span(
        session, doc_id, ann_id, start, end, label, attrs, entity_id, origin, span_id=span_id
    )
    event_repo.log_event(
        session,
        user or annotator,
        EventAction.SPAN_ADD,
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
    return _span(session, new_id)


def update_span(
    session: Session,
    scheme: Scheme,
    span_id: int,
    user: str,
    *,
    start: int | None = None,
    end: int | None = None,
    label: str | None = None,
    attrs: Mapping[str, AttrValue] | None = None,
    entity_id: int | None | EllipsisType = ...,
) -> SpanChange:
    """Change a span's boundaries, label, attributes or actor link; return it before and
    after."""
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
    if not isinstance(entity_id, EllipsisType):  # `...` = leave the actor link as it is
        values["entity_id"] = entity_id
    if new_label != before.label:
        _check_relations_after_relabel(session, scheme, span_id, new_label)
    span_repo.update_spans(session, {span_id: values})
    event_repo.log_event(
        session,
        user,
        EventAction.SPAN_UPDATE,
        before.document_id,
        f"span:{span_id}",
        _span_dict(before),
        {**_span_dict(before), **values},
    )
    return SpanChange(before, _span(session, span_id))


def _check_relations_after_relabel(
    session: Session, scheme: Scheme, span_id: int, new_label: str
) -> None:
    doc_rels = span_repo.relations_of(session, document_id=_span(session, span_id).document_id)
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


def delete_span(session: Session, span_id: int, user: str) -> SpanSnapshot:
    rec = _span(session, span_id)
    rels = tuple(
        r
        for r in span_repo.relations_of(session, document_id=rec.document_id)
        if span_id in (r.head_id, r.tail_id)
    )
    span_repo.delete_spans(session, [span_id])
    event_repo.log_event(
        session,
        user,
        EventAction.SPAN_DELETE,
        rec.document_id,
        f"span:{span_id}",
        _span_dict(rec),
        None,
    )
    return SpanSnapshot(rec, rels)


def restore_span(session: Session, snapshot: SpanSnapshot, user: str) -> Restored:
    """Put back a deleted span with its id and relations (undo of delete); a new id when another
    writer took the old one meanwhile (``Restored.span.id`` says which)."""
    rec = snapshot.span
    ann_id = ann_repo.ensure_annotator(session, rec.annotator)
    span_id: int | None = rec.id
    if span_repo.get_span(session, rec.id) is not None:
        span_id = None
    new_id = span_repo.add_span(
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
    restored = []
    for rel in snapshot.relations:
        head = new_id if rel.head_id == rec.id else rel.head_id
        tail = new_id if rel.tail_id == rec.id else rel.tail_id
        if span_repo.get_span(session, head) and span_repo.get_span(session, tail):
            rel_id: int | None = rel.id
            if span_repo.get_relation(session, rel.id) is not None:
                rel_id = None
            new_rel = span_repo.add_relation(
                session, head, tail, rel.label, rel.origin, relation_id=rel_id
            )
            if (back := span_repo.get_relation(session, new_rel)) is not None:
                restored.append(back)
    event_repo.log_event(
        session,
        user,
        EventAction.SPAN_RESTORE,
        rec.document_id,
        f"span:{new_id}",
        None,
        _span_dict(rec),
    )
    return Restored(_span(session, new_id), tuple(restored))


# ---------------------------------------------------------------- relations


def add_relation(
    session: Session,
    scheme: Scheme,
    head_id: int,
    tail_id: int,
    label: str,
    user: str,
    origin: str = Origin.MANUAL,
    relation_id: int | None = None,
) -> RelationRecord:
    """Link two spans of one layer (an existing identical link is returned as it is)."""
    head, tail = _span(session, head_id), _span(session, tail_id)
    if head.document_id != tail.document_id or head.annotator != tail.annotator:
        raise ValidationError("a relation links two spans of the same document and layer")
    if head_id == tail_id:
        raise ValidationError("a relation cannot link a span to itself")
    check_relation_labels(scheme, label, head.label, tail.label)
    for rel in span_repo.relations_of_spans(session, [head_id]):
        if rel.tail_id == tail_id and rel.label == label:
            return rel
    if relation_id is not None and span_repo.get_relation(session, relation_id) is not None:
        relation_id = None  # another writer took the id meanwhile: a new one
    new_id = span_repo.add_relation(
        session, head_id, tail_id, label, origin, relation_id=relation_id
    )
    event_repo.log_event(
        session,
        user,
        EventAction.RELATION_ADD,
        head.document_id,
        f"relation:{new_id}",
        None,
        {"head": head_id, "tail": tail_id, "label": label},
    )
    return RelationRecord(new_id, head_id, tail_id, label, origin)


def delete_relation(session: Session, relation_id: int, user: str) -> RelationRecord:
    rel = _found(span_repo.get_relation(session, relation_id), "relation", relation_id)
    head = _span(session, rel.head_id)
    span_repo.delete_relations(session, [relation_id])
    event_repo.log_event(
        session,
        user,
        EventAction.RELATION_DELETE,
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
    user: str | None = None,
) -> str:
    """Set ``annotator``'s status of a document; ``user`` (default: the annotator) did it.
    Return the status before ("" when the document was not assigned)."""
    if status not in STATUSES:
        raise ValidationError(f"unknown status '{status}' ({', '.join(STATUSES)})")
    _document(session, doc_id)
    found = ann_repo.assignments(session, annotator=annotator, document_id=doc_id)
    before = found[0].status if found else ""
    ann_id = ann_repo.ensure_annotator(session, annotator)
    ann_repo.set_assignment(session, doc_id, ann_id, status, add_seconds)
    event_repo.log_event(
        session,
        user or annotator,
        EventAction.STATUS,
        doc_id,
        f"status:{annotator}",
        None,
        {"status": status},
    )
    return before


def add_time(session: Session, doc_id: int, annotator: str, seconds: float) -> None:
    """Add active editing time to ``annotator``'s work on a document (status unchanged)."""
    if seconds <= 0:
        return
    _document(session, doc_id)
    ann_id = ann_repo.ensure_annotator(session, annotator)
    ann_repo.set_assignment(session, doc_id, ann_id, None, float(seconds))


# ---------------------------------------------------------------- actor registry


def list_entities(session: Session) -> list[EntityRecord]:
    return registry_repo.list_entities(session)


def ensure_entity(session: Session, name: str, type_: str = "", user: str = "") -> int:
    name = name.strip()
    if not name:
        raise ValidationError("an actor needs a name")
    found = registry_repo.find_entity(session, name, type_)
    if found is not None:
        return found
    new_id = registry_repo.add_entity(session, name, type_)
    event_repo.log_event(
        session,
        user or "system",
        EventAction.ENTITY_ADD,
        None,
        f"entity:{new_id}",
        None,
        {"name": name, "type": type_},
    )
    return new_id


def _entity(session: Session, entity_id: int) -> EntityRecord:
    return _found(registry_repo.get_entity(session, entity_id), "actor", entity_id)


def rename_entity(session: Session, entity_id: int, name: str, user: str) -> EntityRecord:
    """Rename an actor; return it before the change."""
    rec = _entity(session, entity_id)
    if not name.strip():
        raise ValidationError("an actor needs a name")
    if registry_repo.find_entity(session, name.strip(), rec.type) not in (None, entity_id):
        raise ValidationError(f"an actor '{name}' of type '{rec.type}' exists already; merge")
    registry_repo.rename_entity(session, entity_id, name.strip())
    event_repo.log_event(
        session,
        user,
        EventAction.ENTITY_RENAME,
        None,
        f"entity:{entity_id}",
        {"name": rec.name},
        {"name": name.strip()},
    )
    return rec


def add_alias(session: Session, entity_id: int, alias: str, user: str) -> bool:
    """Give an actor another name; return whether the alias is new (False: it was there)."""
    if not alias.strip():
        raise ValidationError("an alias cannot be empty")
    rec = _entity(session, entity_id)
    if alias.strip() in rec.aliases:
        return False
    registry_repo.add_alias(session, entity_id, alias.strip())
    event_repo.log_event(
        session,
        user,
        EventAction.ENTITY_ALIAS,
        None,
        f"entity:{entity_id}",
        None,
        {"alias": alias.strip()},
    )
    return True


def remove_alias(session: Session, entity_id: int, alias: str, user: str) -> None:
    """Take an alias away from an actor (undo of :func:`add_alias`)."""
    _entity(session, entity_id)
    registry_repo.remove_alias(session, entity_id, alias)
    event_repo.log_event(
        session, user, "entity.alias_remove", None, f"entity:{entity_id}", {"alias": alias}, None
    )


@dataclass(frozen=True, slots=True)
class Merged:
    """What :func:`merge_entities` changed, enough to take it back exactly."""

    kept: EntityRecord  # before the merge
    dropped: EntityRecord
    span_ids: tuple[int, ...]  # mentions moved from the dropped actor
    suggestion_ids: tuple[int, ...]
    document_ids: tuple[int, ...]  # documents whose spans changed actor


def merge_entities(session: Session, keep_id: int, drop_id: int, user: str) -> Merged:
    """Move the mentions and names of ``drop_id`` onto ``keep_id`` and delete ``drop_id``."""
    if keep_id == drop_id:
        raise ValidationError("cannot merge an actor with itself")
    keep, drop = (
        registry_repo.get_entity(session, keep_id),
        registry_repo.get_entity(session, drop_id),
    )
    if keep is None or drop is None:
        raise NotFound("no such actor to merge")
    span_ids, sugg_ids = registry_repo.mention_ids(session, drop_id)
    docs = sorted({m.document_id for m in registry_repo.entity_mentions(session, drop_id)})
    registry_repo.merge_entities(session, keep_id, drop_id)
    event_repo.log_event(
        session,
        user,
        EventAction.ENTITY_MERGE,
        None,
        f"entity:{keep_id}",
        {"dropped": drop.name, "dropped_id": drop_id},
        {"kept": keep.name},
    )
    return Merged(keep, drop, tuple(span_ids), tuple(sugg_ids), tuple(docs))


def unmerge_entities(session: Session, merged: Merged, user: str) -> None:
    """Undo of :func:`merge_entities`: the dropped actor comes back with its id, names and
    mentions; the kept one loses the names it got."""
    drop, keep = merged.dropped, merged.kept
    if registry_repo.get_entity(session, drop.id) is not None or registry_repo.find_entity(
        session, drop.name, drop.type
    ):
        raise ValidationError(f"the actor '{drop.name}' exists again; nothing was changed")
    now = _entity(session, keep.id)
    for alias in set(now.aliases) - set(keep.aliases):
        registry_repo.remove_alias(session, keep.id, alias)
    registry_repo.restore_entity(session, drop)
    registry_repo.link_mentions(session, drop.id, merged.span_ids, merged.suggestion_ids)
    event_repo.log_event(
        session,
        user,
        "entity.unmerge",
        None,
        f"entity:{drop.id}",
        {"kept": keep.name},
        {"restored": drop.name, "restored_id": drop.id},
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

    A suggestion that repeats an existing suggestion (same start, end, label, any state) is
    skipped, so running a model twice adds nothing. Suggestions are shared by every annotator:
    :func:`pending_suggestions` hides, for each annotator, those that repeat one of their own
    spans, so a suggestion never duplicates the work it is shown with. A suggestion that
    repeats a span of the gold layer is stored all the same: an annotator labelling the
    document on her own sees it (dropping it left her only the wrong suggestions and cut their
    links), the gold layer's own view hides it.
    """
    scores = scores or {}
    seen = sugg_repo.suggestion_keys(session, doc_id)
    rows: list[dict[str, Any]] = []
    keys: list[str] = []
    for sp in spans:
        key = (sp.start, sp.end, sp.label)
        if key in seen:
            continue
        seen.add(key)
        entity_id = None
        if sp.entity:
            entity_id = registry_repo.find_entity(session, sp.entity, sp.entity_type)
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
    ids = dict(zip(keys, sugg_repo.insert_suggestions(session, rows), strict=True))
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
    sugg_repo.insert_suggestion_relations(session, rel_rows)
    return len(rows)


def pending_suggestions(session: Session, doc_id: int, annotator: str) -> list[SuggestionRecord]:
    """Pending suggestions of a document as ``annotator`` sees them: without those that repeat
    one of the annotator's spans (same start, end and label)."""
    own = {
        (s.start, s.end, s.label)
        for s in span_repo.spans_of(session, document_id=doc_id, annotator=annotator)
    }
    return [
        g
        for g in sugg_repo.suggestions_of(session, document_id=doc_id)
        if (g.start, g.end, g.label) not in own
    ]


def suggested_links(session: Session, doc_id: int, annotator: str) -> list[SuggestedLink]:
    """The pending suggested relations of a document that ``annotator`` can see and accept.

    Each end is a pending suggestion shown to the annotator, or else the annotator's span with
    the same start, end and label; a relation with an end that is neither (its suggestion was
    rejected, or accepted by someone else) is left out, and so is one the annotator's layer
    already holds."""
    rels = sugg_repo.suggestion_relations_of_document(session, doc_id)
    if not rels:
        return []
    own: dict[tuple[int, int, str], int] = {}
    for sp in span_repo.spans_of(session, document_id=doc_id, annotator=annotator):
        own.setdefault((sp.start, sp.end, sp.label), sp.id)
    suggs = {g.id: g for g in sugg_repo.suggestions_of(session, document_id=doc_id, state=None)}
    made = {
        (r.head_id, r.tail_id, r.label)
        for r in span_repo.relations_of(session, document_id=doc_id, annotator=annotator)
    }
    out: list[SuggestedLink] = []
    for rel in rels:
        ends: list[int | None] = []
        for sid in (rel.head_id, rel.tail_id):
            g = suggs.get(sid)
            if g is None or g.state == SuggestionState.REJECTED:
                break
            span_id = own.get((g.start, g.end, g.label))
            if span_id is None and g.state != SuggestionState.PENDING:
                break
            ends.append(span_id)
        if len(ends) != 2:
            continue
        head_span, tail_span = ends
        if head_span is not None and tail_span is not None:
            if head_span == tail_span or (head_span, tail_span, rel.label) in made:
                continue
        out.append(
            SuggestedLink(
                rel.id, rel.label, rel.head_id, rel.tail_id, rel.score, head_span, tail_span
            )
        )
    return out


def accept_suggestions(
    session: Session,
    scheme: Scheme,
    suggestion_ids: Iterable[int],
    annotator: str,
    user: str | None = None,
    *,
    with_arguments: bool = True,
    link_ids: Iterable[int] = (),
    span_ids: Mapping[int, int] | None = None,
    relation_ids: Mapping[int, int] | None = None,
) -> Accepted:
    """Turn suggestions into the annotator's spans, with their suggested relations.

    With ``with_arguments``, accepting a claim or an event also accepts its suggested
    arguments (claimant, roles: the suggested relations it heads and the suggestions they
    point at). A suggested relation between an accepted suggestion and a span of the layer
    (accepted earlier or drawn by the annotator), or between two suggestions accepted in this
    call, becomes a relation too. ``link_ids`` accepts suggested relations one by one (with the
    suggestions at their ends, but not the ends' other arguments).

    ``span_ids`` (suggestion id -> span id) and ``relation_ids`` (suggested relation id ->
    relation id) give the ids to write again when an undone accept is redone. A suggested
    relation the scheme refuses stays pending.
    """
    primary: dict[int, SuggestionRecord] = {}
    for sid in suggestion_ids:
        rec = sugg_repo.get_suggestion(session, sid)
        if rec is not None and rec.state == SuggestionState.PENDING:
            primary[rec.id] = rec
    wanted_links = set(link_ids)
    doc_ids = {rec.document_id for rec in primary.values()}
    for rel in sugg_repo.get_suggestion_relations(session, wanted_links):
        head = sugg_repo.get_suggestion(session, rel.head_id)
        if head is not None:
            doc_ids.add(head.document_id)
    if not doc_ids:
        return Accepted({}, (), ())
    run = _Acceptance(session, scheme, annotator, user or annotator, span_ids, relation_ids)
    for doc_id in sorted(doc_ids):
        chosen = [
            link
            for link in suggested_links(session, doc_id, annotator)
            if (link.id in wanted_links or _comes_along(link, primary, with_arguments))
            and _allowed(session, scheme, link)
        ]
        to_accept = {rec.id: rec for rec in primary.values() if rec.document_id == doc_id}
        for link in chosen:
            for sid, span in ((link.head_id, link.head_span), (link.tail_id, link.tail_span)):
                if span is None and sid not in to_accept:
                    rec = sugg_repo.get_suggestion(session, sid)
                    if rec is not None and rec.state == SuggestionState.PENDING:
                        to_accept[sid] = rec
        span_of = run.accept_spans(doc_id, list(to_accept.values()))
        run.accept_links(doc_id, chosen, span_of)
    return run.result(doc_ids)


def _comes_along(
    link: SuggestedLink, accepted: Mapping[int, SuggestionRecord], with_arguments: bool
) -> bool:
    """Whether accepting the suggestions ``accepted`` accepts the suggested relation too: an
    argument of an accepted head, or a relation whose other end is (or becomes) a span."""
    head_in, tail_in = link.head_id in accepted, link.tail_id in accepted
    if head_in and (with_arguments or tail_in or link.tail_span is not None):
        return True
    return tail_in and (head_in or link.head_span is not None)


def _allowed(session: Session, scheme: Scheme, link: SuggestedLink) -> bool:
    """Whether the scheme allows the suggested relation between the labels of its ends (one
    it refuses stays pending, and brings no argument along)."""
    ends = [sugg_repo.get_suggestion(session, sid) for sid in (link.head_id, link.tail_id)]
    if ends[0] is None or ends[1] is None:
        return False
    try:
        check_relation_labels(scheme, link.label, ends[0].label, ends[1].label)
    except ValidationError:
        return False
    return True


class _Acceptance:
    """One call of :func:`accept_suggestions`: what it wrote so far."""

    def __init__(
        self,
        session: Session,
        scheme: Scheme,
        annotator: str,
        user: str,
        span_ids: Mapping[int, int] | None,
        relation_ids: Mapping[int, int] | None,
    ) -> None:
        self.session, self.scheme, self.annotator, self.user = session, scheme, annotator, user
        self.span_ids = span_ids or {}
        self.relation_ids = relation_ids or {}
        self.ann_id = ann_repo.ensure_annotator(session, annotator)
        self.created: dict[int, int] = {}
        self.reused: dict[int, int] = {}
        self.links: list[int] = []
        self.new_relations: dict[int, int] = {}

    def accept_spans(self, doc_id: int, recs: list[SuggestionRecord]) -> dict[int, int]:
        """Make (or find) the annotator's span of each suggestion; suggestion id -> span id."""
        session = self.session
        doc = _document(session, doc_id)
        own: dict[tuple[int, int, str], int] = {}
        for sp in span_repo.spans_of(session, document_id=doc_id, annotator=self.annotator):
            own.setdefault((sp.start, sp.end, sp.label), sp.id)
        span_of: dict[int, int] = {}
        for rec in recs:
            check_span_values(self.scheme, len(doc.text), rec.start, rec.end, rec.label, rec.attrs)
            key = (rec.start, rec.end, rec.label)
            if key in own:
                self.reused[rec.id] = span_of[rec.id] = own[key]
            else:
                own[key] = self.created[rec.id] = span_of[rec.id] = span_repo.add_span(
                    session,
                    doc_id,
                    self.ann_id,
                    rec.start,
                    rec.end,
                    rec.label,
                    rec.attrs,
                    rec.entity_id,
                    origin=rec.model,
                    span_id=self.span_ids.get(rec.id),
                )
            event_repo.log_event(
                session,
                self.user,
                EventAction.SUGGESTION_ACCEPT,
                doc_id,
                f"suggestion:{rec.id}",
                None,
                {"span": span_of[rec.id], "model": rec.model},
            )
        sugg_repo.set_suggestion_state(session, list(span_of), SuggestionState.ACCEPTED)
        return span_of

    def accept_links(
        self, doc_id: int, links: list[SuggestedLink], span_of: Mapping[int, int]
    ) -> None:
        """Make the relations of suggested relations whose ends are now spans."""
        session = self.session
        before = {
            r.id
            for r in span_repo.relations_of(session, document_id=doc_id, annotator=self.annotator)
        }
        accepted = []
        for link in links:
            head = link.head_span if link.head_span is not None else span_of.get(link.head_id)
            tail = link.tail_span if link.tail_span is not None else span_of.get(link.tail_id)
            if head is None or tail is None:
                continue
            try:
                rel = add_relation(
                    session,
                    self.scheme,
                    head,
                    tail,
                    link.label,
                    self.user,
                    origin=Origin.SUGGESTION,
                    relation_id=self.relation_ids.get(link.id),
                )
            except ValidationError:
                continue  # the scheme refuses it: it stays a pending suggestion
            accepted.append(link.id)
            if rel.id not in before:
                self.new_relations[link.id] = rel.id
            event_repo.log_event(
                session,
                self.user,
                EventAction.SUGGESTION_ACCEPT,
                doc_id,
                f"suggestion_relation:{link.id}",
                None,
                {"relation": rel.id},
            )
        sugg_repo.set_suggestion_relation_state(session, accepted, SuggestionState.ACCEPTED)
        self.links.extend(accepted)

    def result(self, doc_ids: Iterable[int]) -> Accepted:
        session = self.session
        spans = tuple(_span(session, sid) for sid in sorted(self.created.values()))
        accepted_spans = set(self.created.values()) | set(self.reused.values())
        new_ids = set(self.new_relations.values())
        relations = tuple(
            r
            for doc_id in sorted(doc_ids)
            for r in span_repo.relations_of(session, document_id=doc_id, annotator=self.annotator)
            if r.head_id in accepted_spans or r.tail_id in accepted_spans or r.id in new_ids
        )
        return Accepted(
            self.created, spans, relations, self.reused, tuple(self.links), self.new_relations
        )


def reject_suggestions(
    session: Session,
    suggestion_ids: Iterable[int],
    annotator: str,
    link_ids: Iterable[int] = (),
) -> Rejected:
    """Mark pending suggestions rejected, with every pending suggested relation touching them,
    and the pending suggested relations ``link_ids`` (a claimant or role rejected alone: the
    suggestions at its ends stay pending)."""
    ids = [
        sid
        for sid in dict.fromkeys(suggestion_ids)
        if (rec := sugg_repo.get_suggestion(session, sid)) is not None
        and rec.state == SuggestionState.PENDING
    ]
    sugg_repo.set_suggestion_state(session, ids, SuggestionState.REJECTED)
    rels = {
        r.id for r in sugg_repo.suggestion_relations_of(session, ids, state=SuggestionState.PENDING)
    }
    rels.update(
        r.id
        for r in sugg_repo.get_suggestion_relations(session, set(link_ids))
        if r.state == SuggestionState.PENDING
    )
    sugg_repo.set_suggestion_relation_state(session, rels, SuggestionState.REJECTED)
    for sid in ids:
        event_repo.log_event(
            session, annotator, EventAction.SUGGESTION_REJECT, None, f"suggestion:{sid}"
        )
    for rid in sorted(rels):
        event_repo.log_event(
            session, annotator, EventAction.SUGGESTION_REJECT, None, f"suggestion_relation:{rid}"
        )
    return Rejected(tuple(ids), tuple(sorted(rels)))


def reset_suggestions(
    session: Session,
    suggestion_ids: Iterable[int],
    span_ids: Iterable[int],
    annotator: str,
    *,
    link_ids: Iterable[int] | None = None,
    relation_ids: Iterable[int] = (),
) -> list[SuggestionRecord]:
    """Undo of accept/reject: delete the relations (``relation_ids``) and spans made from them,
    mark the suggestions and the suggested relations ``link_ids`` pending again (every
    suggested relation touching the suggestions when ``link_ids`` is None); return the
    suggestions as they now are."""
    rel_ids = [r for r in relation_ids if span_repo.get_relation(session, r) is not None]
    span_repo.delete_relations(session, rel_ids)
    for span_id in span_ids:
        if span_repo.get_span(session, span_id) is not None:
            span_repo.delete_spans(session, [span_id])
    ids = list(suggestion_ids)
    sugg_repo.set_suggestion_state(session, ids, SuggestionState.PENDING)
    if link_ids is None:
        links = [r.id for r in sugg_repo.suggestion_relations_of(session, ids)]
    else:
        links = list(link_ids)
    sugg_repo.set_suggestion_relation_state(session, links, SuggestionState.PENDING)
    for sid in ids:
        event_repo.log_event(
            session, annotator, EventAction.SUGGESTION_RESET, None, f"suggestion:{sid}"
        )
    for rid in links:
        event_repo.log_event(
            session, annotator, EventAction.SUGGESTION_RESET, None, f"suggestion_relation:{rid}"
        )
    return [r for sid in ids if (r := sugg_repo.get_suggestion(session, sid)) is not None]
