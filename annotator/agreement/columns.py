"""The layers to compare, as integer columns: one document index for all annotators, and per
annotator its spans (selected labels), attribute codes and relations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np

from annotator.agreement.metrics import IntArray
from annotator.errors import AgreementFailed
from annotator.values import DocData


@dataclass(slots=True)
class Columns:
    """One annotator's spans (selected labels) and relations as integer columns."""

    doc: IntArray
    start: IntArray
    end: IntArray
    label: IntArray
    attrs: dict[str, IntArray]  # "LABEL.name" -> value code per span, -1 = no value
    relations: IntArray  # rows: doc, head start/end/label, tail start/end/label, relation label


def collect_documents(
    layers: Mapping[str, Sequence[DocData]],
) -> tuple[list[str], list[str], list[list[tuple[int, DocData]]]]:
    """Index the documents (by id) of all layers; check that copies of a document agree."""
    index: dict[str, int] = {}
    ids: list[str] = []
    texts: list[str] = []
    owner: list[str] = []
    per_annotator: list[list[tuple[int, DocData]]] = []
    for name, docs in layers.items():
        seen: set[int] = set()
        mine: list[tuple[int, DocData]] = []
        for doc in docs:
            d = index.setdefault(doc.id, len(ids))
            if d == len(ids):
                ids.append(doc.id)
                texts.append(doc.text)
                owner.append(name)
            elif texts[d] != doc.text:
                raise AgreementFailed(
                    f"document {doc.id!r}: {name}'s text differs from {owner[d]}'s; "
                    "layers of different texts cannot be compared"
                )
            if d in seen:
                raise AgreementFailed(f"document {doc.id!r} is listed twice for {name}")
            seen.add(d)
            mine.append((d, doc))
        per_annotator.append(mine)
    return ids, texts, per_annotator


def _find_spans(
    span_doc: IntArray, span_ids: list[str], rel_doc: IntArray, *wanted: list[str]
) -> list[IntArray]:
    """For each list of span ids in ``wanted`` (one per relation), the index of the span with
    that id in the relation's document (the last one if several), or -1."""
    if not span_ids:
        return [np.full(len(ids), -1, dtype=np.int64) for ids in wanted]
    codes = dict(zip(dict.fromkeys(span_ids), range(len(span_ids)), strict=False))
    width = len(codes) + 1
    key = span_doc * width + np.fromiter(map(codes.__getitem__, span_ids), np.int64, len(span_ids))
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    out: list[IntArray] = []
    for ids in wanted:
        code = np.fromiter(map(codes.get, ids, [-1] * len(ids)), np.int64, len(ids))
        query = rel_doc * width + code
        at = np.searchsorted(sorted_key, query, side="right") - 1
        hit = (code >= 0) & (at >= 0)
        hit[hit] = sorted_key[at[hit]] == query[hit]
        out.append(np.where(hit, order[np.maximum(at, 0)], -1))
    return out


def layer_columns(
    name: str,
    docs: list[tuple[int, DocData]],
    label_ix: Mapping[str, int],
    rel_ix: dict[str, int],
    values: dict[str, dict[str, int]],
    key_label: dict[str, int],
    ids: Sequence[str],
    text_len: IntArray,
) -> Columns:
    every = [sp for _, doc in docs for sp in doc.spans]
    per_doc = np.fromiter((len(doc.spans) for _, doc in docs), dtype=np.int64, count=len(docs))
    doc_of = np.repeat(np.fromiter((d for d, _ in docs), np.int64, len(docs)), per_doc)
    names = list(map(attrgetter("label"), every))
    code = dict.fromkeys(set(names), -1) | dict(label_ix)
    label = np.fromiter(map(code.__getitem__, names), dtype=np.int64, count=len(every))
    kept = np.flatnonzero(label >= 0)
    spans = [every[i] for i in kept.tolist()] if len(kept) < len(every) else every
    n = len(spans)
    cols = Columns(
        doc=doc_of[kept],
        start=np.fromiter(map(attrgetter("start"), spans), dtype=np.int64, count=n),
        end=np.fromiter(map(attrgetter("end"), spans), dtype=np.int64, count=n),
        label=label[kept],
        attrs={},
        relations=np.zeros((0, 8), dtype=np.int64),
    )
    rels = [rel for _, doc in docs for rel in doc.relations]
    if rels:
        per_doc_rel = [len(doc.relations) for _, doc in docs]
        rel_doc = np.repeat(np.fromiter((d for d, _ in docs), np.int64, len(docs)), per_doc_rel)
        h, t = _find_spans(
            cols.doc,
            list(map(attrgetter("id"), spans)),
            rel_doc,
            list(map(attrgetter("head"), rels)),
            list(map(attrgetter("tail"), rels)),
        )
        ok = (h >= 0) & (t >= 0)
        h, t = h[ok], t[ok]
        names_r = list(map(attrgetter("label"), rels))
        local = dict(zip(dict.fromkeys(names_r), range(len(names_r)), strict=False))
        lab_code = np.fromiter(map(local.__getitem__, names_r), np.int64, len(rels))[ok]
        # codes in order of first use among the kept relations, as ``setdefault`` would give
        first_code, first_at = np.unique(lab_code, return_index=True)
        to_global = np.zeros(len(local), dtype=np.int64)
        local_names = list(local)
        for c in first_code[np.argsort(first_at)].tolist():
            to_global[c] = rel_ix.setdefault(local_names[c], len(rel_ix))
        cols.relations = np.column_stack(
            [
                cols.doc[h],
                cols.start[h],
                cols.end[h],
                cols.label[h],
                cols.start[t],
                cols.end[t],
                cols.label[t],
                to_global[lab_code],
            ]
        )
    attr_pos: dict[tuple[str, str], tuple[list[int], list[int], dict[str, int]]] = {}
    # spans repeat a few attribute sets: (label, attributes, entity) -> where each of its values
    # goes (its column's positions and codes, and the value's code), worked out once
    seen: dict[tuple[str, tuple[tuple[str, object], ...], str | None], list[Any]] = {}
    for pos, sp in enumerate(spans):
        if not sp.attrs and sp.entity is None:
            continue
        items = tuple(sp.attrs.items())
        try:
            plan = seen.get((sp.label, items, sp.entity))
        except TypeError:  # a value that cannot be a key (a list from a foreign file)
            plan = None
        if plan is None:
            plan = []
            extra = (("entity", sp.entity),) if sp.entity is not None else ()
            for attr, value in (*items, *extra):
                slot = attr_pos.get((sp.label, attr))
                if slot is None:
                    key = f"{sp.label}.{attr}"
                    key_label.setdefault(key, label_ix[sp.label])
                    slot = attr_pos[(sp.label, attr)] = ([], [], values.setdefault(key, {}))
                where, got, codes = slot
                plan.append((where.append, got.append, codes.setdefault(str(value), len(codes))))
            # only all-text values are remembered: True, 1 and 1.0 are equal keys but
            # different values ("True", "1", "1.0")
            if all(type(v) is str for _a, v in items):
                seen[(sp.label, items, sp.entity)] = plan
        for add_where, add_got, value_code in plan:
            add_where(pos)
            add_got(value_code)
    bad = (cols.start < 0) | (cols.end < cols.start) | (cols.end > text_len[cols.doc])
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AgreementFailed(
            f"document {ids[cols.doc[i]]!r}: {name}'s span [{cols.start[i]}, {cols.end[i]}) "
            f"lies outside the text ({text_len[cols.doc[i]]} characters)"
        )
    for (lab, attr), (where, got, _) in attr_pos.items():
        column = np.full(n, -1, dtype=np.int64)
        column[where] = got
        cols.attrs[f"{lab}.{attr}"] = column
    return cols
