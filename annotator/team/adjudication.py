"""Adjudication: the corpus-wide queue of disagreements and the reviewer's decisions.

``disagreements`` is pure: it compares the layers of every document that at least two annotators
covered and yields one item per disagreement:

- ``label``: spans at the same offsets with different labels;
- ``missing``: a span (same offsets for all who marked it) that some annotators did not mark;
- ``boundaries``: overlapping spans with the same label at other offsets;
- ``attribute``: spans every annotator marked alike whose attribute (or actor link, shown as the
  attribute ``@entity``) differs;
- ``relation``: two spans every annotator marked alike, linked by different relation labels.

Each item has a stable key (document id, kind, positions), the versions (annotator -> value), a
hash of those inputs, and ``unanimous``: every annotator who gave a value gave the same one (an
attribute some left empty), so "accept all unanimous" resolves it.

Decisions write the ``gold`` layer through ``annotator.services`` and an event-log entry with
action ``adjudicate`` (reviewer, time, key, choice, input hash). An item decided with the same
inputs leaves the queue; if its inputs change later (a re-merge of newer work), it comes back
flagged ``changed``. Every decision returns a ``Decision`` that ``undo`` reverses.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from annotator import services
from annotator.errors import AnnotatorError, NotFound, ValidationError
from annotator.project import GOLD
from annotator.scheme import Scheme
from annotator.values import AttrValue, DocData, RelationData, SpanData
from storage import repository as repo
from storage import team_queries as tq
from storage.records import RelationRecord, SpanRecord

KINDS = ("missing", "label", "boundaries", "attribute", "relation")
ENTITY_ATTR = "@entity"
REJECT = "reject"  # choice: gold gets none of the versions
KEEP = "keep"  # choice: gold stays as it is (after editing it by hand)
UNANIMOUS = "unanimous"
ACTION = "adjudicate"
UNDO_ACTION = "adjudicate.undo"

Key3 = tuple[int, int, str]


class StaleItem(AnnotatorError):
    """The annotators' layers changed since the queue was built."""

    code = "E163"


# ---------------------------------------------------------------- values


@dataclass(frozen=True, slots=True)
class SpanView:
    start: int
    end: int
    label: str
    attrs: tuple[tuple[str, AttrValue], ...] = ()
    entity: str | None = None

    @property
    def key(self) -> Key3:
        return (self.start, self.end, self.label)

    def to_json(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "attrs": dict(self.attrs),
            "entity": self.entity,
        }


Version = Any  # tuple[SpanView, ...] | AttrValue | None | tuple[str, ...]


def version_json(value: Version) -> Any:
    if isinstance(value, tuple):
        return [v.to_json() if isinstance(v, SpanView) else v for v in value]
    return value


@dataclass(frozen=True)
class Disagreement:
    doc_id: int
    external_id: str
    kind: str
    start: int  # region of the item (head span for relations)
    end: int
    key: str
    versions: Mapping[str, Version]  # every annotator of the document -> value
    unanimous: bool
    inputs: str  # hash of the versions
    label: str | None = None  # the span's label (None for "label" items)
    attribute: str | None = None
    head: Key3 | None = None  # relation: the spans it links
    tail: Key3 | None = None
    gold: Version = None  # the gold layer's current value, same shape as a version

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "document": self.external_id,
            "doc_id": self.doc_id,
            "kind": self.kind,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "attribute": self.attribute,
            "head": self.head,
            "tail": self.tail,
            "unanimous": self.unanimous,
            "inputs": self.inputs,
            "versions": {a: version_json(v) for a, v in self.versions.items()},
            "gold": version_json(self.gold),
        }


def _entity_value(name: str | None, type_: str | None) -> str | None:
    if not name:
        return None
    return f"{name} [{type_}]" if type_ else name


def _view(sp: Any) -> SpanView:
    return SpanView(
        sp.start,
        sp.end,
        sp.label,
        tuple(sorted(dict(sp.attrs).items())),
        _entity_value(sp.entity, sp.entity_type),
    )


def _hash(kind: str, versions: Mapping[str, Version]) -> str:
    body = json.dumps(
        [kind, {a: version_json(v) for a, v in sorted(versions.items())}],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def _rel_index(doc: DocData) -> dict[tuple[Key3, Key3], set[str]]:
    by_id = {sp.id: (sp.start, sp.end, sp.label) for sp in doc.spans}
    out: dict[tuple[Key3, Key3], set[str]] = defaultdict(set)
    for r in doc.relations:
        if r.head in by_id and r.tail in by_id:
            out[(by_id[r.head], by_id[r.tail])].add(r.label)
    return out


# ---------------------------------------------------------------- the pure comparison


def disagreements(
    layers_by_doc: Mapping[int, Mapping[str, DocData]],
    gold_by_doc: Mapping[int, DocData] | None = None,
) -> list[Disagreement]:
    """Every disagreement of every document with at least two annotator layers (see module)."""
    gold_by_doc = gold_by_doc or {}
    out: list[Disagreement] = []
    for doc_id in sorted(layers_by_doc):
        layers = {a: d for a, d in layers_by_doc[doc_id].items() if a != GOLD}
        if len(layers) < 2:
            continue
        out.extend(_doc_disagreements(doc_id, layers, gold_by_doc.get(doc_id)))
    return out


def agreed_spans(
    layers: Mapping[str, DocData], views: Mapping[str, list[SpanView]] | None = None
) -> dict[Key3, dict[str, SpanView]]:
    """Spans every annotator marked at the same offsets with the same label."""
    names = sorted(layers)
    if views is None:
        views = {a: [_view(sp) for sp in layers[a].spans] for a in names}
    per: dict[str, dict[Key3, SpanView]] = {a: {} for a in names}
    for a in names:
        for v in views[a]:
            per[a].setdefault(v.key, v)
    common = set.intersection(*(set(per[a]) for a in names)) if names else set()
    return {k: {a: per[a][k] for a in names} for k in sorted(common)}


def _doc_disagreements(
    doc_id: int, layers: Mapping[str, DocData], gold: DocData | None
) -> list[Disagreement]:
    names = sorted(layers)
    ext = next(iter(layers.values())).id
    views = {a: [_view(sp) for sp in layers[a].spans] for a in names}
    rels = {a: _rel_index(layers[a]) for a in names}
    first = names[0]
    if all(
        set(views[a]) == set(views[first])
        and rels[a] == rels[first]
        and len(views[a]) == len(views[first])
        for a in names[1:]
    ):
        return []  # the layers are identical
    gold_views = [_view(sp) for sp in gold.spans] if gold else []
    out: list[Disagreement] = []

    def emit(
        kind: str,
        start: int,
        end: int,
        key: str,
        versions: dict[str, Version],
        unanimous: bool,
        gold_value: Version,
        **extra: Any,
    ) -> None:
        out.append(
            Disagreement(
                doc_id,
                ext,
                kind,
                start,
                end,
                key,
                versions,
                unanimous,
                _hash(kind, versions),
                gold=gold_value,
                **extra,
            )
        )

    def gold_in(start: int, end: int, labels: Collection[str]) -> tuple[SpanView, ...]:
        return tuple(v for v in gold_views if v.label in labels and v.start < end and start < v.end)

    # 1. spans by exact offsets (only where some annotator differs)
    keys = [{v.key for v in views[a]} for a in names]
    differ = {(k[0], k[1]) for k in set.union(*keys) - set.intersection(*keys)}
    by_pos: dict[tuple[int, int], dict[str, list[SpanView]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for a in names:
        for v in views[a]:
            if (v.start, v.end) in differ:
                by_pos[(v.start, v.end)][a].append(v)
    candidates: dict[str, list[tuple[str, SpanView]]] = defaultdict(list)
    for (start, end), marks in sorted(by_pos.items()):
        label_sets = {a: frozenset(v.label for v in marks.get(a, ())) for a in names}
        labels = frozenset().union(*label_sets.values())
        if all(label_sets[a] == labels for a in names):
            continue  # agreed; attributes below
        if len(labels) > 1 and len(marks) > 1:
            versions = {a: tuple(sorted(marks.get(a, ()), key=lambda v: v.label)) for a in names}
            emit(
                "label",
                start,
                end,
                f"{doc_id}:label:{start}-{end}",
                versions,
                False,
                tuple(v for v in gold_views if (v.start, v.end) == (start, end)),
            )
            continue
        for a, marked in marks.items():
            for v in marked:
                candidates[v.label].append((a, v))
    # 2. the rest: same label, overlapping -> one item
    for label, items in sorted(candidates.items()):
        items.sort(key=lambda t: (t[1].start, t[1].end, t[0]))
        group: list[tuple[str, SpanView]] = []
        reach = -1
        for a, v in [*items, ("", SpanView(1 << 62, 1 << 62, ""))]:
            if group and v.start >= reach:
                start = min(x.start for _, x in group)
                end = max(x.end for _, x in group)
                positions = {(x.start, x.end) for _, x in group}
                kind = "missing" if len(positions) == 1 else "boundaries"
                versions = {n: tuple(x for m, x in group if m == n) for n in names}
                emit(
                    kind,
                    start,
                    end,
                    f"{doc_id}:{kind}:{start}-{end}:{label}",
                    versions,
                    False,
                    gold_in(start, end, {label}),
                    label=label,
                )
                group = []
            group.append((a, v))
            reach = max(reach, v.end) if len(group) > 1 else v.end
    # 3. attributes of agreed spans
    agreed = agreed_spans(layers, views)
    gold_by_key = {v.key: v for v in gold_views}
    for key, same in agreed.items():
        attr_names = sorted({n for v in same.values() for n, _ in v.attrs})
        checks = [(n, {a: dict(same[a].attrs).get(n) for a in names}) for n in attr_names]
        checks.append((ENTITY_ATTR, {a: same[a].entity for a in names}))
        g = gold_by_key.get(key)
        for attr, values in checks:
            if len(set(values.values())) < 2:
                continue
            given = {v for v in values.values() if v is not None}
            gold_value = None
            if g is not None:
                gold_value = g.entity if attr == ENTITY_ATTR else dict(g.attrs).get(attr)
            emit(
                "attribute",
                key[0],
                key[1],
                f"{doc_id}:attribute:{key[0]}-{key[1]}:{key[2]}.{attr}",
                dict(values),
                len(given) == 1,
                gold_value,
                label=key[2],
                attribute=attr,
            )
    # 4. relations between agreed spans
    gold_rels = _rel_index(gold) if gold else {}
    pairs = sorted({p for a in names for p in rels[a] if p[0] in agreed and p[1] in agreed})
    for head, tail in pairs:
        versions = {a: tuple(sorted(rels[a].get((head, tail), ()))) for a in names}
        if len(set(versions.values())) < 2:
            continue
        emit(
            "relation",
            head[0],
            head[1],
            f"{doc_id}:relation:{head[0]}-{head[1]}:{head[2]}>{tail[0]}-{tail[1]}:{tail[2]}",
            versions,
            False,
            tuple(sorted(gold_rels.get((head, tail), ()))),
            label=head[2],
            head=head,
            tail=tail,
        )
    out.sort(key=lambda d: (d.start, d.end, KINDS.index(d.kind), d.key))
    return out


# ---------------------------------------------------------------- reading from a project


def load_for_review(
    session: Session, doc_ids: Collection[int] | None = None, texts: bool = False
) -> tuple[dict[int, dict[str, DocData]], dict[int, DocData]]:
    """(annotator layers by document, gold by document) for the documents with >= 2 annotator
    layers (spans, or an assignment in progress or done). Texts are loaded only when asked
    (``DocData.text`` is "" otherwise); ``meta['doc_id']`` holds the database id."""
    entities = {e.id: e for e in repo.list_entities(session)}
    spans = tq.layer_spans(session, doc_ids=doc_ids)
    covered: dict[int, set[str]] = defaultdict(set)
    for sp in spans:
        covered[sp.document_id].add(sp.annotator)
    for d, name in tq.active_assignments(session, doc_ids):
        covered[d].add(name)
    multi = {d for d, names in covered.items() if len(names - {GOLD}) >= 2}
    if doc_ids is not None:
        multi &= set(doc_ids)
    if not multi:
        return {}, {}
    by_key: dict[tuple[int, str], list[SpanData]] = defaultdict(list)
    span_owner: dict[int, tuple[int, str]] = {}
    for sp in spans:
        if sp.document_id not in multi:
            continue
        ent = entities.get(sp.entity_id) if sp.entity_id is not None else None
        by_key[(sp.document_id, sp.annotator)].append(
            SpanData(
                f"s{sp.id}",
                sp.start,
                sp.end,
                sp.label,
                sp.attrs,
                ent.name if ent else None,
                ent.type if ent else None,
            )
        )
        span_owner[sp.id] = (sp.document_id, sp.annotator)
    rels: dict[tuple[int, str], list[RelationData]] = defaultdict(list)
    for r in tq.layer_relations(session, doc_ids=doc_ids):
        owner = span_owner.get(r.head_id)
        if owner is not None and r.tail_id in span_owner:
            rels[owner].append(RelationData(f"r{r.id}", r.label, f"s{r.head_id}", f"s{r.tail_id}"))
    ext = {did: e for e, did in repo.external_ids(session).items() if did in multi}
    text = {d.id: d.text for d in repo.get_documents(session, multi)} if texts else {}
    layers: dict[int, dict[str, DocData]] = {}
    gold: dict[int, DocData] = {}
    for d in sorted(multi):
        for name in sorted(covered[d] | ({GOLD} if (d, GOLD) in by_key else set())):
            data = DocData(
                ext[d],
                text.get(d, ""),
                {"doc_id": d},
                tuple(by_key[(d, name)]),
                tuple(rels[(d, name)]),
                layer=name,
            )
            if name == GOLD:
                gold[d] = data
            else:
                layers.setdefault(d, {})[name] = data
    return layers, gold


@dataclass(frozen=True, slots=True)
class DecisionInfo:
    event_id: int
    reviewer: str
    at: str
    choice: str
    inputs: str
    token: str


@dataclass(frozen=True, slots=True)
class QueueItem:
    item: Disagreement
    state: str  # "open", "changed" (decided, then its inputs changed) or "decided"
    decision: DecisionInfo | None = None


def decisions(session: Session, doc_ids: Collection[int] | None = None) -> dict[str, DecisionInfo]:
    """The standing decision of every key (undone decisions removed)."""
    wanted = set(doc_ids) if doc_ids is not None else None
    evs = [
        e
        for e in repo.events(session, action=ACTION) + repo.events(session, action=UNDO_ACTION)
        if wanted is None or e.document_id in wanted
    ]
    stacks: dict[str, list[DecisionInfo]] = defaultdict(list)
    for e in sorted(evs, key=lambda e: e.id):
        after = e.after or {}
        key = str(after.get("key", ""))
        if e.action == ACTION:
            stacks[key].append(
                DecisionInfo(
                    e.id,
                    e.actor,
                    e.at.isoformat(timespec="seconds"),
                    str(after.get("choice", "")),
                    str(after.get("inputs", "")),
                    str(after.get("token", "")),
                )
            )
        else:
            stacks[key] = [d for d in stacks[key] if d.token != after.get("token")]
    return {k: s[-1] for k, s in stacks.items() if s}


def queue(
    session: Session, doc_ids: Collection[int] | None = None, include_decided: bool = False
) -> list[QueueItem]:
    """The corpus-wide disagreement queue in document order; changed items are flagged."""
    layers, gold = load_for_review(session, doc_ids)
    decided = decisions(session, list(layers))
    out: list[QueueItem] = []
    for item in disagreements(layers, gold):
        info = decided.get(item.key)
        if info is None:
            out.append(QueueItem(item, "open"))
        elif info.inputs != item.inputs:
            out.append(QueueItem(item, "changed", info))
        elif include_decided:
            out.append(QueueItem(item, "decided", info))
    return out


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
        for s in repo.spans_of(session, document_id=doc_id, annotator=GOLD)
    }


def _layer_span(session: Session, doc_id: int, annotator: str, key: Key3) -> SpanRecord:
    for s in repo.spans_of(session, document_id=doc_id, annotator=annotator):
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
        GOLD,
        src.start,
        src.end,
        src.label,
        src.attrs,
        src.entity_id,
        origin=f"adjudication:{src.annotator}",
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
    spans = {s.id: s for s in repo.spans_of(session, document_id=doc_id, annotator=annotator)}
    gold = _gold_spans(session, doc_id)
    existing = {
        (r.head_id, r.tail_id, r.label)
        for r in repo.relations_of_spans(session, [g.id for g in gold.values()])
    }
    for r in repo.relations_of_spans(session, list(spans)):
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
                    origin=f"adjudication:{annotator}",
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
    repo.log_event(
        session,
        reviewer,
        ACTION,
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
                    )
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
                    services.update_span(session, scheme, gold.id, reviewer, entity_id=None)
                )
        elif item.attribute in gold.attrs:
            attrs = {k: v for k, v in gold.attrs.items() if k != item.attribute}
            ch.updated_spans.append(
                services.update_span(session, scheme, gold.id, reviewer, attrs=attrs)
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
                services.update_span(session, scheme, gold.id, reviewer, entity_id=src.entity_id)
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
            services.update_span(session, scheme, gold.id, reviewer, attrs=attrs)
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
    have = {r.label: r for r in repo.relations_of_spans(session, [head]) if r.tail_id == tail}
    for label, rel in have.items():
        if label not in wanted:
            ch.deleted_relations.append(services.delete_relation(session, rel.id, reviewer))
    for label in sorted(wanted - set(have)):
        ch.created_relations.append(
            services.add_relation(
                session, scheme, head, tail, label, reviewer, origin=f"adjudication:{choice}"
            ).id
        )


def undo(session: Session, decision: Decision, reviewer: str) -> None:
    """Reverse a decision (or an ``accept_unanimous`` run) and withdraw its log entries."""
    for rid in decision.created_relations:
        if repo.get_relation(session, rid) is not None:
            repo.delete_relation(session, rid)
    for sid in decision.created_spans:
        if repo.get_span(session, sid) is not None:
            repo.delete_span(session, sid)
    for before in reversed(decision.updated_spans):
        if repo.get_span(session, before.id) is None:
            raise NotFound(f"gold span {before.id} was deleted since; cannot undo")
        repo.update_span(
            session,
            before.id,
            start=before.start,
            end=before.end,
            label=before.label,
            attrs=dict(before.attrs),
            entity_id=before.entity_id,
        )
    for snap in decision.deleted_spans:
        if repo.get_span(session, snap.span.id) is None:
            services.restore_span(session, snap, reviewer)
    for rel in decision.deleted_relations:
        if (
            repo.get_relation(session, rel.id) is None
            and repo.get_span(session, rel.head_id)
            and repo.get_span(session, rel.tail_id)
        ):
            repo.add_relation(
                session, rel.head_id, rel.tail_id, rel.label, rel.origin, relation_id=rel.id
            )
    repo.log_events(
        session,
        [
            {
                "actor": reviewer,
                "action": UNDO_ACTION,
                "document_id": doc_id,
                "target": f"adj:{key}"[:64],
                "after": {"key": key, "token": decision.token},
            }
            for key, doc_id in zip(decision.keys, _doc_of_keys(decision), strict=True)
        ],
    )


def _doc_of_keys(decision: Decision) -> list[int]:
    return [int(k.split(":", 1)[0]) for k in decision.keys]


# ---------------------------------------------------------------- accept all unanimous


def _merged_value(values: Iterable[Any]) -> tuple[bool, Any]:
    """(usable, value): all equal, or all given values equal and the rest empty."""
    vals = list(values)
    given = {v for v in vals if v is not None}
    if len(given) == 1:
        return True, next(iter(given))
    return (not given), None


def accept_unanimous(
    session: Session, scheme: Scheme, doc_ids: Collection[int] | None, reviewer: str
) -> Decision:
    """Copy into gold every span and relation all annotators agree on (with the attributes they
    agree on, and those only some filled in alike), for some documents or the whole corpus.
    Gold spans that exist already are left as they are. Returns a Decision for ``undo``."""
    layers, gold_docs = load_for_review(session, doc_ids)
    gold_id = repo.ensure_annotator(session, GOLD, role="reviewer")
    entity_ids = {_entity_value(e.name, e.type): e.id for e in repo.list_entities(session)}
    token = uuid.uuid4().hex
    rows: list[dict[str, Any]] = []
    row_keys: list[tuple[int, Key3]] = []
    agreed_by_doc: dict[int, dict[Key3, dict[str, SpanView]]] = {}
    for doc_id in sorted(layers):
        agreed = agreed_spans(layers[doc_id])
        agreed_by_doc[doc_id] = agreed
        have = (
            {(s.start, s.end, s.label) for s in gold_docs[doc_id].spans}
            if doc_id in gold_docs
            else set()
        )
        for key, views in agreed.items():
            if key in have:
                continue
            attrs: dict[str, Any] = {}
            for name in sorted({n for v in views.values() for n, _ in v.attrs}):
                ok, value = _merged_value(dict(v.attrs).get(name) for v in views.values())
                if ok and value is not None:
                    attrs[name] = value
            ok, ent = _merged_value(v.entity for v in views.values())
            rows.append(
                {
                    "document_id": doc_id,
                    "annotator_id": gold_id,
                    "start": key[0],
                    "end": key[1],
                    "label": key[2],
                    "attrs": attrs,
                    "entity_id": entity_ids.get(ent) if ok else None,
                    "origin": "adjudication:unanimous",
                }
            )
            row_keys.append((doc_id, key))
    new_ids = repo.insert_spans(session, rows)
    gold_span_ids: dict[tuple[int, Key3], int] = dict(zip(row_keys, new_ids, strict=True))
    for doc_id, g in gold_docs.items():
        for sp in g.spans:
            gold_span_ids.setdefault((doc_id, (sp.start, sp.end, sp.label)), int(sp.id[1:]))
    existing_rels = {
        (r.head_id, r.tail_id, r.label)
        for r in repo.relations_of_spans(session, list(gold_span_ids.values()))
    }
    rel_rows: list[dict[str, Any]] = []
    rel_docs: set[int] = set()
    for doc_id, doc_layers in layers.items():
        agreed = agreed_by_doc[doc_id]
        indexes = [_rel_index(d) for d in doc_layers.values()]
        for (hk, tk), labels in indexes[0].items():
            if hk not in agreed or tk not in agreed:
                continue
            for label in sorted(
                labels.intersection(*(ix.get((hk, tk), set()) for ix in indexes[1:]))
            ):
                head, tail = gold_span_ids.get((doc_id, hk)), gold_span_ids.get((doc_id, tk))
                if head is None or tail is None or (head, tail, label) in existing_rels:
                    continue
                existing_rels.add((head, tail, label))
                rel_docs.add(doc_id)
                rel_rows.append(
                    {
                        "head_id": head,
                        "tail_id": tail,
                        "label": label,
                        "origin": "adjudication:unanimous",
                    }
                )
    rel_ids = tq.insert_relations_returning(session, rel_rows)
    # Mark the unanimous items now settled in gold as decided (a span created here carries the
    # merged value; one that existed already must hold it).
    decided = decisions(session, list(layers))
    created = set(row_keys)
    keys: list[str] = []
    log_rows: list[dict[str, Any]] = []
    for item in disagreements(layers, gold_docs):
        if not item.unanimous:
            continue
        info = decided.get(item.key)
        if info is not None and info.inputs == item.inputs:
            continue
        ok, value = _merged_value(item.versions.values())
        if ok and (
            (item.doc_id, (item.start, item.end, item.label)) in created or item.gold == value
        ):
            keys.append(item.key)
            log_rows.append(
                {
                    "actor": reviewer,
                    "action": ACTION,
                    "document_id": item.doc_id,
                    "target": f"adj:{item.key}"[:64],
                    "after": {
                        "key": item.key,
                        "kind": item.kind,
                        "choice": UNANIMOUS,
                        "version": value,
                        "inputs": item.inputs,
                        "token": token,
                    },
                }
            )
    touched = sorted({d for d, _ in row_keys} | rel_docs)
    log_rows.extend(
        {
            "actor": reviewer,
            "action": "adjudicate.unanimous",
            "document_id": d,
            "target": "layer:gold",
            "after": {"token": token},
        }
        for d in touched
    )
    repo.log_events(session, log_rows)
    counts = {
        "documents": len(layers),
        "spans_added": len(new_ids),
        "relations_added": len(rel_ids),
        "items_settled": len(keys),
    }
    return Decision(
        tuple(keys),
        tuple(sorted(layers)),
        UNANIMOUS,
        reviewer,
        token,
        tuple(new_ids),
        tuple(rel_ids),
        counts=counts,
    )
