"""Adjudication: the reviewer's decisions on the review queue, written to the gold layer.

Decisions write the ``gold`` layer through ``annotator.services`` (the same rules as editing,
the reviewer logged as the user who made each change) and an event-log entry with action
``adjudicate`` (reviewer, time, key, choice, input hash). Every decision returns a ``Decision``
that ``undo`` reverses. The comparison itself is in ``annotator.team.disagreements``, the queue
in ``annotator.team.review_queue``, "accept all unanimous" in ``annotator.team.unanimous``.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from annotator import services
from annotator.errors import NotFound, StaleItem, ValidationError
from annotator.scheme import Scheme
from annotator.team.disagreements import (
    ENTITY_ATTR,
    Disagreement,
    Key3,
    disagreements,
    version_json,
)
from annotator.team.review_queue import load_for_review
from annotator.vocabulary import EventAction, Layer, adjudication_origin
from storage.records import RelationRecord, SpanRecord
from storage.repository import events as event_repo
from storage.repository import spans as span_repo

REJECT = "reject"  # choice: gold gets none of the versions
KEEP = "keep"  # choice: gold stays as it is (after editing it by hand)


# ---------------------------------------------------------------- decisions


@dataclass(frozen=True)
class Decision:
    """What one decision changed, to undo it."""

    keys: tuple[str, ...]
    doc_ids: tuple[int, ...]
    choice: str
    reviewer: str
    token: str
    created_spans: tuple[int, ...] = ()
    created_relations: tuple[int, ...] = ()
    deleted_spans: tuple[services.SpanSnapshot, ...] = ()
    deleted_relations: tuple[RelationRecord, ...] = ()
    updated_spans: tuple[SpanRecord, ...] = ()  # values before
    counts: Mapping[str, int] = field(default_factory=dict)
    problems: tuple[str, ...] = ()  # what was not written because it breaks the scheme


class _Changes:
    def __init__(self) -> None:
        self.created_spans: list[int] = []
        self.created_relations: list[int] = []
        self.deleted_spans: list[services.SpanSnapshot] = []
        self.deleted_relations: list[RelationRecord] = []
        self.updated_spans: list[SpanRecord] = []


def _gold_spans(session: Session, doc_id: int) -> dict[Key3, SpanRecord]:
    return {
        (s.start, s.end, s.label): s
        for s in span_repo.spans_of(session, document_id=doc_id, annotator=Layer.GOLD)
    }


def _layer_span(session: Session, doc_id: int, annotator: str, key: Key3) -> SpanRecord:
    for s in span_repo.spans_of(session, document_id=doc_id, annotator=annotator):
        if (s.start, s.end, s.label) == key:
            return s
    raise StaleItem(
        f"{annotator} has no {key[2]} span at {key[0]}-{key[1]} any more; refresh the queue"
    )


def _copy_span(
    session: Session, scheme: Scheme, src: SpanRecord, reviewer: str, ch: _Changes
) -> int:
    new_id = services.add_span(
        session,
        scheme,
        src.document_id,
        Layer.GOLD,
        src.start,
        src.end,
        src.label,
        src.attrs,
        src.entity_id,
        origin=adjudication_origin(src.annotator),
        user=reviewer,
    ).id
    ch.created_spans.append(new_id)
    return new_id


def _copy_relations(
    session: Session,
    scheme: Scheme,
    doc_id: int,
    annotator: str,
    keys: Collection[Key3],
    reviewer: str,
    ch: _Changes,
) -> None:
    """Copy the annotator's relations touching ``keys`` whose ends are both in gold."""
    spans = {s.id: s for s in span_repo.spans_of(session, document_id=doc_id, annotator=annotator)}
    gold = _gold_spans(session, doc_id)
    existing = {
        (r.head_id, r.tail_id, r.label)
        for r in span_repo.relations_of_spans(session, [g.id for g in gold.values()])
    }
    for r in span_repo.relations_of_spans(session, list(spans)):
        head, tail = spans.get(r.head_id), spans.get(r.tail_id)
        if head is None or tail is None:
            continue
        hk, tk = (head.start, head.end, head.label), (tail.start, tail.end, tail.label)
        if hk not in keys and tk not in keys:
            continue
        if hk in gold and tk in gold and (gold[hk].id, gold[tk].id, r.label) not in existing:
            try:
                rid = services.add_relation(
                    session,
                    scheme,
                    gold[hk].id,
                    gold[tk].id,
                    r.label,
                    reviewer,
                    origin=adjudication_origin(annotator),
                ).id
            except ValidationError:
                continue
            ch.created_relations.append(rid)


def decide(
    session: Session, scheme: Scheme, item: Disagreement, choice: str, reviewer: str
) -> Decision:
    """Resolve one item: ``choice`` is an annotator (accept her version), ``reject`` (gold gets
    none) or ``keep`` (gold stays as the reviewer edited it)."""
    if choice not in (REJECT, KEEP) and choice not in item.versions:
        raise ValidationError(
            f"'{choice}' is not a version of this item "
            f"({', '.join([*item.versions, REJECT, KEEP])})"
        )
    layers, gold = load_for_review(session, [item.doc_id])
    fresh = {d.key: d for d in disagreements(layers, gold)}
    if item.key not in fresh or fresh[item.key].inputs != item.inputs:
        raise StaleItem(f"item {item.key} changed since the queue was built; refresh the queue")
    ch = _Changes()
    if choice != KEEP:
        if item.kind in ("missing", "label", "boundaries"):
            _decide_spans(session, scheme, item, choice, reviewer, ch)
        elif item.kind == "attribute":
            _decide_attribute(session, scheme, item, choice, reviewer, ch)
        else:
            _decide_relation(session, scheme, item, choice, reviewer, ch)
    token = uuid.uuid4().hex
    chosen = item.versions.get(choice) if choice in item.versions else None
    event_repo.log_event(
        session,
        reviewer,
        EventAction.ADJUDICATE,
        item.doc_id,
        f"adj:{item.key}"[:64],
        None,
        {
            "key": item.key,
            "kind": item.kind,
            "choice": choice,
            "version": version_json(chosen),
            "inputs": item.inputs,
            "token": token,
        },
    )
    return Decision(
        (item.key,),
        (item.doc_id,),
        choice,
        reviewer,
        token,
        tuple(ch.created_spans),
        tuple(ch.created_relations),
        tuple(ch.deleted_spans),
        tuple(ch.deleted_relations),
        tuple(ch.updated_spans),
    )


def _decide_spans(
    session: Session, scheme: Scheme, item: Disagreement, choice: str, reviewer: str, ch: _Changes
) -> None:
    all_keys = {v.key for views in item.versions.values() for v in views}
    chosen = {v.key for v in item.versions[choice]} if choice != REJECT else set()
    gold = _gold_spans(session, item.doc_id)
    for key in sorted(all_keys - chosen):
        if key in gold:
            ch.deleted_spans.append(services.delete_span(session, gold[key].id, reviewer))
    for key in sorted(chosen):
        src = _layer_span(session, item.doc_id, choice, key)
        if key in gold:
            g = gold[key]
            if dict(g.attrs) != dict(src.attrs) or g.entity_id != src.entity_id:
                ch.updated_spans.append(
                    services.update_span(
                        session, scheme, g.id, reviewer, attrs=src.attrs, entity_id=src.entity_id
                    ).before
                )
        else:
            _copy_span(session, scheme, src, reviewer, ch)
    if chosen:
        _copy_relations(session, scheme, item.doc_id, choice, chosen, reviewer, ch)


def _decide_attribute(
    session: Session, scheme: Scheme, item: Disagreement, choice: str, reviewer: str, ch: _Changes
) -> None:
    key = (item.start, item.end, str(item.label))
    gold = _gold_spans(session, item.doc_id).get(key)
    if choice == REJECT:
        if gold is None:
            return
        if item.attribute == ENTITY_ATTR:
            if gold.entity_id is not None:
                ch.updated_spans.append(
                    services.update_span(session, scheme, gold.id, reviewer, entity_id=None).before
                )
        elif item.attribute in gold.attrs:
            attrs = {k: v for k, v in gold.attrs.items() if k != item.attribute}
            ch.updated_spans.append(
                services.update_span(session, scheme, gold.id, reviewer, attrs=attrs).before
            )
        return
    src = _layer_span(session, item.doc_id, choice, key)
    if gold is None:
        _copy_span(session, scheme, src, reviewer, ch)
        _copy_relations(session, scheme, item.doc_id, choice, {key}, reviewer, ch)
        return
    if item.attribute == ENTITY_ATTR:
        if gold.entity_id != src.entity_id:
            ch.updated_spans.append(
                services.update_span(
                    session, scheme, gold.id, reviewer, entity_id=src.entity_id
                ).before
            )
        return
    attrs = dict(gold.attrs)
    value = src.attrs.get(str(item.attribute))
    if value is None:
        attrs.pop(str(item.attribute), None)
    else:
        attrs[str(item.attribute)] = value
    if attrs != dict(gold.attrs):
        ch.updated_spans.append(
            services.update_span(session, scheme, gold.id, reviewer, attrs=attrs).before
        )


def _decide_relation(
    session: Session, scheme: Scheme, item: Disagreement, choice: str, reviewer: str, ch: _Changes
) -> None:
    assert item.head is not None and item.tail is not None
    gold = _gold_spans(session, item.doc_id)
    wanted: set[str] = set() if choice == REJECT else set(item.versions[choice])
    if wanted:
        for key in (item.head, item.tail):
            if key not in gold:
                _copy_span(
                    session, scheme, _layer_span(session, item.doc_id, choice, key), reviewer, ch
                )
        gold = _gold_spans(session, item.doc_id)
    if item.head not in gold or item.tail not in gold:
        return
    head, tail = gold[item.head].id, gold[item.tail].id
    have = {r.label: r for r in span_repo.relations_of_spans(session, [head]) if r.tail_id == tail}
    for label, rel in have.items():
        if label not in wanted:
            ch.deleted_relations.append(services.delete_relation(session, rel.id, reviewer))
    for label in sorted(wanted - set(have)):
        ch.created_relations.append(
            services.add_relation(
                session, scheme, head, tail, label, reviewer, origin=adjudication_origin(choice)
            ).id
        )


def undo(session: Session, decision: Decision, reviewer: str) -> None:
    """Reverse a decision (or an ``accept_unanimous`` run) and withdraw its log entries."""
    for rid in decision.created_relations:
        if span_repo.get_relation(session, rid) is not None:
            span_repo.delete_relations(session, [rid])
    for sid in decision.created_spans:
        if span_repo.get_span(session, sid) is not None:
            span_repo.delete_spans(session, [sid])
    for before in reversed(decision.updated_spans):
        if span_repo.get_span(session, before.id) is None:
            raise NotFound(f"gold span {before.id} was deleted since; cannot undo")
        span_repo.update_spans(
            session,
            {
                before.id: {
                    "start": before.start,
                    "end": before.end,
                    "label": before.label,
                    "attrs": dict(before.attrs),
                    "entity_id": before.entity_id,
                }
            },
        )
    for snap in decision.deleted_spans:
        if span_repo.get_span(session, snap.span.id) is None:
            services.restore_span(session, snap, reviewer)
    for rel in decision.deleted_relations:
        if (
            span_repo.get_relation(session, rel.id) is None
            and span_repo.get_span(session, rel.head_id)
            and span_repo.get_span(session, rel.tail_id)
        ):
            span_repo.add_relation(
                session, rel.head_id, rel.tail_id, rel.label, rel.origin, relation_id=rel.id
            )
    event_repo.log_events(
        session,
        [
            {
                "actor": reviewer,
                "action": EventAction.ADJUDICATE_UNDO,
                "document_id": doc_id,
                "target": f"adj:{key}"[:64],
                "after": {"key": key, "token": decision.token},
            }
            for key, doc_id in zip(decision.keys, _doc_of_keys(decision), strict=True)
        ],
    )


def _doc_of_keys(decision: Decision) -> list[int]:
    return [int(k.split(":", 1)[0]) for k in decision.keys]
