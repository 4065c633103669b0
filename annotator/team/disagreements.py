"""The disagreements between annotator layers: a pure comparison, no database.

``disagreements`` compares the layers of every document that at least two annotators covered
and yields one item per disagreement:

- ``label``: spans at the same offsets with different labels;
- ``missing``: a span (same offsets for all who marked it) that some annotators did not mark;
- ``boundaries``: overlapping spans with the same label at other offsets;
- ``attribute``: spans every annotator marked alike whose attribute (or actor link, shown as the
  attribute ``@entity``) differs;
- ``relation``: two spans every annotator marked alike, linked by different relation labels.

Each item has a stable key (document id, kind, positions), the versions (annotator -> value), a
hash of those inputs, and ``unanimous``: every annotator who gave a value gave the same one (an
attribute some left empty), so "accept all unanimous" resolves it.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.values import AttrValue, DocData
from annotator.vocabulary import Layer

KINDS = ("missing", "label", "boundaries", "attribute", "relation")
ENTITY_ATTR = "@entity"

Key3 = tuple[int, int, str]


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


def entity_value(name: str | None, type_: str | None) -> str | None:
    if not name:
        return None
    return f"{name} [{type_}]" if type_ else name


def _view(sp: Any) -> SpanView:
    return SpanView(
        sp.start,
        sp.end,
        sp.label,
        tuple(sorted(dict(sp.attrs).items())),
        entity_value(sp.entity, sp.entity_type),
    )


def _hash(kind: str, versions: Mapping[str, Version]) -> str:
    body = json.dumps(
        [kind, {a: version_json(v) for a, v in sorted(versions.items())}],
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(body.encode()).hexdigest()[:16]


def rel_index(doc: DocData) -> dict[tuple[Key3, Key3], set[str]]:
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
        layers = {a: d for a, d in layers_by_doc[doc_id].items() if a != Layer.GOLD}
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
    views = {a: [_view(sp) for sp in layers[a].spans] for a in names}
    rels = {a: rel_index(layers[a]) for a in names}
    first = names[0]
    if all(
        set(views[a]) == set(views[first])
        and rels[a] == rels[first]
        and len(views[a]) == len(views[first])
        for a in names[1:]
    ):
        return []  # the layers are identical
    gold_views = [_view(sp) for sp in gold.spans] if gold else []
    doc = _DocCompare(doc_id, next(iter(layers.values())).id, names, views, gold_views)
    candidates = doc.by_offsets()  # 1. spans by exact offsets (only where some annotator differs)
    doc.overlapping(candidates)  # 2. the rest: same label, overlapping -> one item
    agreed = agreed_spans(layers, views)
    doc.attributes(agreed)  # 3. attributes of agreed spans
    doc.relations(agreed, rels, rel_index(gold) if gold else {})  # 4. relations between them
    doc.out.sort(key=lambda d: (d.start, d.end, KINDS.index(d.kind), d.key))
    return doc.out


@dataclass
class _DocCompare:
    """One document's layers compared, one pass per kind of disagreement; ``out`` collects the
    items."""

    doc_id: int
    ext: str  # the document's external id
    names: list[str]  # the annotators, sorted
    views: dict[str, list[SpanView]]
    gold_views: list[SpanView]
    out: list[Disagreement] = field(default_factory=list)

    def emit(
        self,
        kind: str,
        start: int,
        end: int,
        key: str,
        versions: dict[str, Version],
        unanimous: bool,
        gold_value: Version,
        **extra: Any,
    ) -> None:
        self.out.append(
            Disagreement(
                self.doc_id,
                self.ext,
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

    def gold_in(self, start: int, end: int, labels: Collection[str]) -> tuple[SpanView, ...]:
        return tuple(
            v for v in self.gold_views if v.label in labels and v.start < end and start < v.end
        )

    def by_offsets(self) -> dict[str, list[tuple[str, SpanView]]]:
        """``label`` items: spans at the same offsets with other labels. The other spans where
        some annotator differs are returned by label, for :meth:`overlapping`."""
        names, doc_id = self.names, self.doc_id
        keys = [{v.key for v in self.views[a]} for a in names]
        differ = {(k[0], k[1]) for k in set[Key3]().union(*keys) - keys[0].intersection(*keys[1:])}
        by_pos: dict[tuple[int, int], dict[str, list[SpanView]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for a in names:
            for v in self.views[a]:
                if (v.start, v.end) in differ:
                    by_pos[(v.start, v.end)][a].append(v)
        candidates: dict[str, list[tuple[str, SpanView]]] = defaultdict(list)
        for (start, end), marks in sorted(by_pos.items()):
            label_sets = {a: frozenset(v.label for v in marks.get(a, ())) for a in names}
            labels = frozenset().union(*label_sets.values())
            if all(label_sets[a] == labels for a in names):
                continue  # agreed; attributes below
            if len(labels) > 1 and len(marks) > 1:
                versions = {
                    a: tuple(sorted(marks.get(a, ()), key=lambda v: v.label)) for a in names
                }
                self.emit(
                    "label",
                    start,
                    end,
                    f"{doc_id}:label:{start}-{end}",
                    versions,
                    False,
                    tuple(v for v in self.gold_views if (v.start, v.end) == (start, end)),
                )
                continue
            for a, marked in marks.items():
                for v in marked:
                    candidates[v.label].append((a, v))
        return candidates

    def overlapping(self, candidates: dict[str, list[tuple[str, SpanView]]]) -> None:
        """``missing`` (one position) and ``boundaries`` items: overlapping spans of one label
        grouped into one item."""
        for label, items in sorted(candidates.items()):
            items.sort(key=lambda t: (t[1].start, t[1].end, t[0]))
            group: list[tuple[str, SpanView]] = []
            reach = -1
            for a, v in [*items, ("", SpanView(1 << 62, 1 << 62, ""))]:
                if group and v.start >= reach:
                    self._group_item(label, group)
                    group = []
                group.append((a, v))
                reach = max(reach, v.end) if len(group) > 1 else v.end

    def _group_item(self, label: str, group: list[tuple[str, SpanView]]) -> None:
        start = min(x.start for _, x in group)
        end = max(x.end for _, x in group)
        positions = {(x.start, x.end) for _, x in group}
        kind = "missing" if len(positions) == 1 else "boundaries"
        versions = {n: tuple(x for m, x in group if m == n) for n in self.names}
        self.emit(
            kind,
            start,
            end,
            f"{self.doc_id}:{kind}:{start}-{end}:{label}",
            versions,
            False,
            self.gold_in(start, end, {label}),
            label=label,
        )

    def attributes(self, agreed: dict[Key3, dict[str, SpanView]]) -> None:
        """``attribute`` items: an attribute or the actor link of an agreed span differs."""
        names = self.names
        gold_by_key = {v.key: v for v in self.gold_views}
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
                self.emit(
                    "attribute",
                    key[0],
                    key[1],
                    f"{self.doc_id}:attribute:{key[0]}-{key[1]}:{key[2]}.{attr}",
                    dict(values),
                    len(given) == 1,
                    gold_value,
                    label=key[2],
                    attribute=attr,
                )

    def relations(
        self,
        agreed: dict[Key3, dict[str, SpanView]],
        rels: dict[str, dict[tuple[Key3, Key3], set[str]]],
        gold_rels: dict[tuple[Key3, Key3], set[str]],
    ) -> None:
        """``relation`` items: two agreed spans linked by different relation labels."""
        names = self.names
        pairs = sorted({p for a in names for p in rels[a] if p[0] in agreed and p[1] in agreed})
        for head, tail in pairs:
            drawn: dict[str, Version] = {
                a: tuple(sorted(rels[a].get((head, tail), ()))) for a in names
            }
            if len(set(drawn.values())) < 2:
                continue
            self.emit(
                "relation",
                head[0],
                head[1],
                f"{self.doc_id}:relation:{head[0]}-{head[1]}:{head[2]}>{tail[0]}-{tail[1]}:{tail[2]}",
                drawn,
                False,
                tuple(sorted(gold_rels.get((head, tail), ()))),
                label=head[2],
                head=head,
                tail=tail,
            )
