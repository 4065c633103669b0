"""The majority layer: what more than half of a document's annotators agree on.

Per document, with ``n`` = the annotators whose layer lists the document:

- a span (same start, end and label) is kept when more than ``n / 2`` annotators have it;
- each attribute of a kept span, and its actor link, takes the value that more than half of the
  annotators who have the span gave it ("no value" counts as a vote); otherwise it is left out;
- a relation (same head span, tail span and label) is kept when more than ``n / 2`` annotators
  have it (its head and tail are then kept spans too);
- spans and relations marked by exactly half, and attributes without a majority, are left out
  and reported as one line each.

Span ids are ``s1, s2, ...`` in (start, end, label) order, relation ids ``r1, r2, ...`` in
(head, tail, label) order, so the same input always gives the same layer.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Mapping, Sequence
from functools import partial
from typing import cast

from annotator.errors import AgreementFailed
from annotator.values import AttrValue, DocData, RelationData, SpanData
from annotator.vocabulary import Layer

SpanKey = tuple[int, int, str]
RelKey = tuple[SpanKey, SpanKey, str]


def _excerpt(text: str, key: SpanKey) -> str:
    piece = text[key[0] : key[1]].replace("\n", " ")
    return repr(piece if len(piece) <= 40 else piece[:37] + "...")


def _show(value: Hashable) -> str:
    if value is None:
        return "no value"
    return str(value[0]) if isinstance(value, tuple) else str(value)


def _who(names: Sequence[str]) -> str:
    return ", ".join(names)


def _vote(
    marked: Mapping[str, SpanData],
    value: Callable[[SpanData], Hashable],
    what: str,
    where: str,
    ties: list[str],
) -> Hashable:
    """The value more than half of the annotators who marked a span gave it, else None (and a
    line in ``ties`` when at least one of them gave a value)."""
    votes: dict[Hashable, list[str]] = {}
    for name, sp in marked.items():
        votes.setdefault(value(sp), []).append(name)
    best, voters = max(votes.items(), key=lambda item: len(item[1]))
    if 2 * len(voters) > len(marked):
        return best
    split = "; ".join(
        f"{_show(v)}: {_who(names)}"
        for v, names in sorted(votes.items(), key=lambda item: str(item[0]))
    )
    ties.append(f"{where}: no majority for {what} ({split}); left out")
    return None


def _attr_value(attr: str, span: SpanData) -> AttrValue | None:
    return span.attrs.get(attr)


def _majority_attrs(
    doc: DocData, key: SpanKey, marked: Mapping[str, SpanData], ties: list[str]
) -> tuple[dict[str, AttrValue], str | None, str | None]:
    where = f"{doc.id}: {key[2]} [{key[0]}, {key[1]}) {_excerpt(doc.text, key)}"
    attrs: dict[str, AttrValue] = {}
    for attr in sorted({a for sp in marked.values() for a in sp.attrs}):
        value = _vote(marked, partial(_attr_value, attr), attr, where, ties)
        if value is not None:
            attrs[attr] = cast(AttrValue, value)
    link = _vote(
        marked,
        lambda sp: (sp.entity, sp.entity_type) if sp.entity else None,
        "the actor link",
        where,
        ties,
    )
    entity, entity_type = cast(tuple[str | None, str | None], link or (None, None))
    return attrs, entity, entity_type


def _majority_doc(doc_id: str, versions: list[tuple[str, DocData]], ties: list[str]) -> DocData:
    first = versions[0][1]
    n = len(versions)
    span_votes: dict[SpanKey, dict[str, SpanData]] = {}
    rel_votes: dict[RelKey, list[str]] = {}
    for name, doc in versions:
        if doc.text != first.text:
            raise AgreementFailed(
                f"document {doc_id!r}: {name}'s text differs from {versions[0][0]}'s"
            )
        keys: dict[str, SpanKey] = {}
        for sp in doc.spans:
            key = (sp.start, sp.end, sp.label)
            keys[sp.id] = key
            span_votes.setdefault(key, {}).setdefault(name, sp)
        for rel in doc.relations:
            if rel.head in keys and rel.tail in keys:
                voters = rel_votes.setdefault((keys[rel.head], keys[rel.tail], rel.label), [])
                if name not in voters:
                    voters.append(name)
    spans: list[SpanData] = []
    new_id: dict[SpanKey, str] = {}
    for key in sorted(span_votes):
        marked = span_votes[key]
        if 2 * len(marked) > n:
            attrs, entity, entity_type = _majority_attrs(first, key, marked, ties)
            new_id[key] = f"s{len(spans) + 1}"
            spans.append(SpanData(new_id[key], key[0], key[1], key[2], attrs, entity, entity_type))
        elif 2 * len(marked) == n:
            ties.append(
                f"{doc_id}: span {key[2]} [{key[0]}, {key[1]}) {_excerpt(first.text, key)}: "
                f"tie, marked by {len(marked)} of {n} ({_who(list(marked))}); left out"
            )
    order = {key: i for i, key in enumerate(sorted(span_votes))}
    relations: list[RelationData] = []
    for rkey in sorted(rel_votes, key=lambda r: (order[r[0]], order[r[1]], r[2])):
        voters = rel_votes[rkey]
        head, tail, label = rkey
        if 2 * len(voters) > n:
            relations.append(
                RelationData(f"r{len(relations) + 1}", label, new_id[head], new_id[tail])
            )
        elif 2 * len(voters) == n:
            ties.append(
                f"{doc_id}: relation {label} {head[2]} [{head[0]}, {head[1]}) -> "
                f"{tail[2]} [{tail[0]}, {tail[1]}): tie, marked by {len(voters)} of {n} "
                f"({_who(voters)}); left out"
            )
    return DocData(
        id=doc_id,
        text=first.text,
        meta=dict(first.meta),
        spans=tuple(spans),
        relations=tuple(relations),
        layer=Layer.MAJORITY,
    )


def majority_layer(layers: Mapping[str, Sequence[DocData]]) -> tuple[list[DocData], list[str]]:
    """Build the majority layer from each annotator's documents (``layers[name]`` lists the
    documents ``name`` annotated). Returns the documents, in the order they are first met, and
    one human-readable line per tie or attribute without a majority."""
    copies: dict[str, list[tuple[str, DocData]]] = {}
    for name, docs in layers.items():
        for doc in docs:
            versions = copies.setdefault(doc.id, [])
            if any(other == name for other, _ in versions):
                raise AgreementFailed(f"document {doc.id!r} is listed twice for {name}")
            versions.append((name, doc))
    ties: list[str] = []
    docs_out = [_majority_doc(doc_id, versions, ties) for doc_id, versions in copies.items()]
    return docs_out, ties
