"""The agreement report: every metric the ``agreement`` command prints, for every label, pair
of annotators, relation and attribute (``agreement_report(layers, labels)``).

Pure functions, no I/O. The metrics are in ``annotator.agreement.metrics``, the span matching
in ``annotator.agreement.matching``, the layers as columns in ``annotator.agreement.columns``.
Undefined values (no pairs, no units, no variation) are NaN, shown as null in JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from annotator.agreement.columns import Columns, collect_documents, layer_columns
from annotator.agreement.matching import exact_matching, overlap_matching
from annotator.agreement.metrics import (
    NAN,
    FloatArray,
    IntArray,
    binary_counts,
    cohen_kappa_from_table,
    f1_score,
    fleiss_kappa_from_counts,
    krippendorff_alpha_from_counts,
    nanmean,
)
from annotator.values import DocData

LABEL_METRICS = (
    "span_f1_exact",
    "span_f1_overlap",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
)


# -------------------------------------------------------------------------------------- report


@dataclass(frozen=True, slots=True)
class AgreementReport:
    """Everything ``annotator agreement`` prints. Metric values are floats, NaN = undefined."""

    annotators: tuple[str, ...]
    documents: int  # documents annotated by at least two of the annotators
    documents_total: int  # documents annotated by at least one
    labels: Mapping[str, Mapping[str, float]]
    overall: Mapping[str, float]
    pairs: Mapping[str, Mapping[str, float]]
    relations: Mapping[str, Mapping[str, float]]
    attributes: Mapping[str, Mapping[str, float]]
    spans: Mapping[str, int]  # spans per annotator (selected labels, all their documents)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; NaN becomes None."""
        return {
            "annotators": list(self.annotators),
            "documents": self.documents,
            "documents_total": self.documents_total,
            "labels": _clean(self.labels),
            "overall": _clean(self.overall),
            "pairs": _clean(self.pairs),
            "relations": _clean(self.relations),
            "attributes": _clean(self.attributes),
            "spans": dict(self.spans),
        }

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, allow_nan=False, ensure_ascii=False)


def _clean(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def _table_2x2(n: int, ones_a: int, ones_b: int, both: int) -> FloatArray:
    return np.array(
        [[n - ones_a - ones_b + both, ones_b - both], [ones_a - both, both]], dtype=np.float64
    )


def _common_count(x: IntArray, y: IntArray) -> int:
    """How many values two sorted arrays of unique values share."""
    if len(x) == 0 or len(y) == 0:
        return 0
    at = np.minimum(np.searchsorted(y, x), len(y) - 1)
    return int(np.count_nonzero(y[at] == x))


def _token_statistics(
    cols: Sequence[Columns],
    annotated: npt.NDArray[np.bool_],
    texts: Sequence[str],
    n_labels: int,
    pairs: Sequence[tuple[int, int]],
) -> tuple[list[npt.NDArray[np.int64]], list[list[FloatArray]]]:
    """Per label: histogram hist[n coders, n coding 1] over tokens, and per pair the 2x2 table
    of Cohen's kappa. Only documents with at least two annotators are tokenised (once each).
    Works on the indices of covered tokens (a small share of all tokens): every other token
    of a document is a 0 of each of its annotators."""
    from annotator.agreement.tokens import covered_tokens_in_table, tokenize_texts

    n_ann = len(cols)
    n_coders = annotated.sum(axis=0)
    shared = np.flatnonzero(n_coders >= 2)
    remap = np.full(annotated.shape[1], -1, dtype=np.int64)
    remap[shared] = np.arange(len(shared))
    table = tokenize_texts([texts[i] for i in shared.tolist()])
    per_doc = table.tokens_per_doc()
    doc_of_token = np.repeat(np.arange(len(shared)), per_doc)
    tokens_with = np.bincount(n_coders[shared], weights=per_doc, minlength=n_ann + 1)
    n_common = [int(per_doc[annotated[a, shared] & annotated[b, shared]].sum()) for a, b in pairs]
    hists: list[npt.NDArray[np.int64]] = []
    tables: list[list[FloatArray]] = []
    for lab in range(n_labels):
        covered = []
        for c in cols:
            sel = (c.label == lab) & (remap[c.doc] >= 0)
            covered.append(
                covered_tokens_in_table(table, remap[c.doc[sel]], c.start[sel], c.end[sel])
            )
        # each annotator's covered tokens are sorted and unique: a stable sort (a merge of
        # sorted runs) and run lengths give what ``np.unique(..., return_counts=True)`` would
        every = np.concatenate(covered) if covered else np.zeros(0, dtype=np.int64)
        every.sort(kind="stable")
        first = np.flatnonzero(np.r_[True, every[1:] != every[:-1]]) if len(every) else every
        tokens, ones = every[first], np.diff(np.r_[first, len(every)])
        coders = n_coders[shared][doc_of_token[tokens]]
        flat = np.bincount(coders * (n_ann + 1) + ones, minlength=(n_ann + 1) ** 2)
        hist = flat.reshape(n_ann + 1, n_ann + 1).astype(np.int64)
        hist[:, 0] = tokens_with.astype(np.int64) - hist[:, 1:].sum(axis=1)
        hists.append(hist)
        row = []
        for p, (a, b) in enumerate(pairs):
            doc_a, doc_b = doc_of_token[covered[a]], doc_of_token[covered[b]]
            ones_a = int(np.count_nonzero(annotated[b, shared][doc_a]))
            ones_b = int(np.count_nonzero(annotated[a, shared][doc_b]))
            both = _common_count(covered[a], covered[b])
            row.append(_table_2x2(n_common[p], ones_a, ones_b, both))
        tables.append(row)
    return hists, tables


def _attribute_agreement(
    key_label: int,
    codes_a: IntArray | None,
    codes_b: IntArray | None,
    label_a: IntArray,
    ia: IntArray,
    ib: IntArray,
) -> tuple[int, float, float]:
    """(items, percent agreement, kappa) of one attribute over exactly matched span pairs."""
    sel = label_a[ia] == key_label
    va = codes_a[ia[sel]] if codes_a is not None else np.full(int(sel.sum()), -1)
    vb = codes_b[ib[sel]] if codes_b is not None else np.full(int(sel.sum()), -1)
    some = (va >= 0) | (vb >= 0)
    va, vb = va[some] + 1, vb[some] + 1  # 0 = no value, a category of its own
    if len(va) == 0:
        return 0, NAN, NAN
    k = int(max(va.max(), vb.max())) + 1
    table = np.bincount(va * k + vb, minlength=k * k).reshape(k, k)
    return len(va), float(np.mean(va == vb)), cohen_kappa_from_table(table)


@dataclass(slots=True)
class _PairResult:
    exact: list[float]  # per label
    overlap: list[float]
    kappa: list[float]
    relations: dict[str, float]  # relation label -> F1
    attributes: dict[str, tuple[int, float, float]]  # key -> (items, agreement, kappa)
    summary: dict[str, float]  # what ``pairs`` shows


def _compare_pair(
    ca: Columns,
    cb: Columns,
    common: npt.NDArray[np.bool_],
    n_lab: int,
    rel_ix: Mapping[str, int],
    key_label: Mapping[str, int],
    label_tables: list[FloatArray],
) -> _PairResult:
    """Span F1 (exact, overlap), relation F1 and attribute agreement of one pair of annotators
    over the documents both annotated (``common``)."""
    sa, sb = common[ca.doc], common[cb.doc]
    la, lb = ca.label[sa], cb.label[sb]
    n_a = np.bincount(la, minlength=n_lab)
    n_b = np.bincount(lb, minlength=n_lab)
    ia, ib = exact_matching(
        np.column_stack([ca.doc[sa], ca.start[sa], ca.end[sa], la]),
        np.column_stack([cb.doc[sb], cb.start[sb], cb.end[sb], lb]),
    )
    exact = np.bincount(la[ia], minlength=n_lab)
    oa, _ = overlap_matching(
        ca.doc[sa] * n_lab + la,
        ca.start[sa],
        ca.end[sa],
        cb.doc[sb] * n_lab + lb,
        cb.start[sb],
        cb.end[sb],
    )
    over = np.bincount(la[oa], minlength=n_lab)
    ra = ca.relations[common[ca.relations[:, 0]]]
    rb = cb.relations[common[cb.relations[:, 0]]]
    ra_i, _ = exact_matching(ra, rb)
    n_rel = len(rel_ix)
    r_match = np.bincount(ra[ra_i, 7], minlength=n_rel)
    r_a, r_b = np.bincount(ra[:, 7], minlength=n_rel), np.bincount(rb[:, 7], minlength=n_rel)
    codes_a = {k: v[sa] for k, v in ca.attrs.items()}
    codes_b = {k: v[sb] for k, v in cb.attrs.items()}
    return _PairResult(
        exact=[f1_score(exact[i], n_a[i], n_b[i]) for i in range(n_lab)],
        overlap=[f1_score(over[i], n_a[i], n_b[i]) for i in range(n_lab)],
        kappa=[cohen_kappa_from_table(t) for t in label_tables],
        relations={r: f1_score(r_match[i], r_a[i], r_b[i]) for r, i in rel_ix.items()},
        attributes={
            key: _attribute_agreement(lab, codes_a.get(key), codes_b.get(key), la, ia, ib)
            for key, lab in key_label.items()
        },
        summary={
            "documents": int(common.sum()),
            "span_f1_exact": f1_score(float(exact.sum()), float(n_a.sum()), float(n_b.sum())),
            "span_f1_overlap": f1_score(float(over.sum()), float(n_a.sum()), float(n_b.sum())),
            "cohen_kappa": cohen_kappa_from_table(sum(label_tables)) if label_tables else NAN,
            "relation_f1": f1_score(len(ra_i), len(ra), len(rb)),
        },
    )


def agreement_report(
    layers: Mapping[str, Sequence[DocData]], labels: Sequence[str] | None = None
) -> AgreementReport:
    """Agreement between annotators. ``layers[name]`` lists the documents (``DocData``) that
    ``name`` annotated; a document in the list with no spans counts as annotated with none.
    ``labels`` restricts the span labels (default: every label used); relations and attributes
    are compared on spans of those labels only. See ``docs/agreement.md``."""
    names = tuple(layers)
    ids, texts, per_annotator = collect_documents(layers)
    if labels is None:
        labels = sorted({sp.label for docs in layers.values() for doc in docs for sp in doc.spans})
    label_names = list(dict.fromkeys(labels))
    label_ix = {lab: i for i, lab in enumerate(label_names)}
    n_lab = len(label_names)
    rel_ix: dict[str, int] = {}
    values: dict[str, dict[str, int]] = {}
    key_label: dict[str, int] = {}
    text_len = np.array([len(t) for t in texts], dtype=np.int64)
    cols = [
        layer_columns(name, docs, label_ix, rel_ix, values, key_label, ids, text_len)
        for name, docs in zip(names, per_annotator, strict=True)
    ]
    annotated = np.zeros((len(names), len(ids)), dtype=bool)
    for a, docs in enumerate(per_annotator):
        annotated[a, [d for d, _ in docs]] = True
    pairs = [(a, b) for a in range(len(names)) for b in range(a + 1, len(names))]
    hists, tables = _token_statistics(cols, annotated, texts, n_lab, pairs)
    rel_names = sorted(rel_ix)
    attr_keys = sorted(values)

    results = [
        _compare_pair(
            cols[a],
            cols[b],
            annotated[a] & annotated[b],
            n_lab,
            rel_ix,
            key_label,
            [t[p] for t in tables],
        )
        for p, (a, b) in enumerate(pairs)
    ]
    pair_out = {
        f"{names[a]}|{names[b]}": r.summary for (a, b), r in zip(pairs, results, strict=True)
    }
    per_label = {m: [getattr(r, m) for r in results] for m in ("exact", "overlap", "kappa")}
    rel_f1 = [[r.relations.get(name, NAN) for name in rel_names] for r in results]
    attr_stats = {k: [r.attributes.get(k, (0, NAN, NAN)) for r in results] for k in attr_keys}

    def pair_mean(rows: list[list[float]], i: int) -> float:
        return nanmean([row[i] for row in rows])

    label_out: dict[str, dict[str, float]] = {}
    for i, lab in enumerate(label_names):
        counts, weights = binary_counts(hists[i])
        label_out[lab] = {
            "span_f1_exact": pair_mean(per_label["exact"], i),
            "span_f1_overlap": pair_mean(per_label["overlap"], i),
            "cohen_kappa": pair_mean(per_label["kappa"], i),
            "fleiss_kappa": fleiss_kappa_from_counts(counts, weights),
            "krippendorff_alpha": krippendorff_alpha_from_counts(counts, weights),
        }
    pooled = sum(hists) if hists else np.zeros((len(names) + 1, len(names) + 1), np.int64)
    counts, weights = binary_counts(np.asarray(pooled))
    overall = {
        "span_f1_exact": nanmean([v["span_f1_exact"] for v in pair_out.values()]),
        "span_f1_overlap": nanmean([v["span_f1_overlap"] for v in pair_out.values()]),
        "cohen_kappa": nanmean([v["cohen_kappa"] for v in pair_out.values()]),
        "fleiss_kappa": fleiss_kappa_from_counts(counts, weights),
        "krippendorff_alpha": krippendorff_alpha_from_counts(counts, weights),
        "relation_f1": nanmean([v["relation_f1"] for v in pair_out.values()]),
    }
    attributes = {
        key: {
            "items": sum(s[0] for s in stats),
            "percent_agreement": nanmean([s[1] for s in stats]),
            "cohen_kappa": nanmean([s[2] for s in stats]),
        }
        for key, stats in attr_stats.items()
    }
    n_coders = annotated.sum(axis=0)
    return AgreementReport(
        annotators=names,
        documents=int(np.count_nonzero(n_coders >= 2)),
        documents_total=int(np.count_nonzero(n_coders >= 1)),
        labels=label_out,
        overall=overall,
        pairs=pair_out,
        relations={r: {"f1": pair_mean(rel_f1, j)} for j, r in enumerate(rel_names)},
        attributes=attributes,
        spans={name: len(c.start) for name, c in zip(names, cols, strict=True)},
    )
