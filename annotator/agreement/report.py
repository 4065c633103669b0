"""The agreement report: every metric the ``agreement`` command prints, for every label, pair
of annotators, relation and attribute (``agreement_report(layers, labels)``).

Computed one batch of documents at a time (``AgreementAccumulator``): each batch adds counts
(span matches, token histograms, contingency tables, attribute value pairs), and the figures
come from the sums, so they do not depend on the batch size and memory holds one batch
(``annotator.agreement.streaming`` reads a project's layers that way). No I/O. The metrics
are in ``annotator.agreement.metrics``, the span matching in ``annotator.agreement.matching``,
the layers as columns in ``annotator.agreement.columns``.
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


def _attribute_pairs(
    key_label: int,
    codes_a: IntArray | None,
    codes_b: IntArray | None,
    label_a: IntArray,
    ia: IntArray,
    ib: IntArray,
) -> dict[tuple[int, int], int]:
    """How many exactly matched span pairs (of the attribute's label, with a value on at least
    one side) have each pair of value codes; 0 = no value, a category of its own."""
    sel = label_a[ia] == key_label
    va = codes_a[ia[sel]] if codes_a is not None else np.full(int(sel.sum()), -1)
    vb = codes_b[ib[sel]] if codes_b is not None else np.full(int(sel.sum()), -1)
    some = (va >= 0) | (vb >= 0)
    va, vb = va[some] + 1, vb[some] + 1
    if len(va) == 0:
        return {}
    k = int(max(va.max(), vb.max())) + 1
    found = np.bincount(va * k + vb)
    codes = np.flatnonzero(found)
    return {(int(c) // k, int(c) % k): int(found[c]) for c in codes}


def _attribute_agreement(table: Mapping[tuple[int, int], int]) -> tuple[int, float, float]:
    """(items, percent agreement, kappa) of one attribute from its counts of value pairs."""
    items = sum(table.values())
    if items == 0:
        return 0, NAN, NAN
    k = max(max(a, b) for a, b in table) + 1
    square = np.zeros((k, k), dtype=np.int64)
    for (a, b), n in table.items():
        square[a, b] = n
    agree = float(np.float64(np.trace(square)) / items)
    return items, agree, cohen_kappa_from_table(square)


class _PairCounts:
    """What the report needs of one pair of annotators, summed over document batches."""

    def __init__(self, n_lab: int) -> None:
        self.documents = 0
        self.n_a = np.zeros(n_lab, dtype=np.int64)
        self.n_b = np.zeros(n_lab, dtype=np.int64)
        self.exact = np.zeros(n_lab, dtype=np.int64)
        self.over = np.zeros(n_lab, dtype=np.int64)
        self.r_match = np.zeros(0, dtype=np.int64)  # per relation label code
        self.r_a = np.zeros(0, dtype=np.int64)
        self.r_b = np.zeros(0, dtype=np.int64)
        self.rel_matched = 0
        self.rel_a = 0
        self.rel_b = 0
        self.attrs: dict[str, dict[tuple[int, int], int]] = {}

    def add(
        self,
        ca: Columns,
        cb: Columns,
        common: npt.NDArray[np.bool_],
        n_lab: int,
        n_rel: int,
        key_label: Mapping[str, int],
    ) -> None:
        """Span matches (exact, overlap), relation matches and attribute value pairs over the
        documents of one batch both annotated (``common``)."""
        sa, sb = common[ca.doc], common[cb.doc]
        la, lb = ca.label[sa], cb.label[sb]
        self.documents += int(common.sum())
        self.n_a += np.bincount(la, minlength=n_lab)
        self.n_b += np.bincount(lb, minlength=n_lab)
        ia, ib = exact_matching(
            np.column_stack([ca.doc[sa], ca.start[sa], ca.end[sa], la]),
            np.column_stack([cb.doc[sb], cb.start[sb], cb.end[sb], lb]),
        )
        self.exact += np.bincount(la[ia], minlength=n_lab)
        oa, _ = overlap_matching(
            ca.doc[sa] * n_lab + la,
            ca.start[sa],
            ca.end[sa],
            cb.doc[sb] * n_lab + lb,
            cb.start[sb],
            cb.end[sb],
        )
        self.over += np.bincount(la[oa], minlength=n_lab)
        ra = ca.relations[common[ca.relations[:, 0]]]
        rb = cb.relations[common[cb.relations[:, 0]]]
        ra_i, _ = exact_matching(ra, rb)
        grow = n_rel - len(self.r_match)
        if grow > 0:
            self.r_match, self.r_a, self.r_b = (
                np.r_[x, np.zeros(grow, dtype=np.int64)] for x in (self.r_match, self.r_a, self.r_b)
            )
        self.r_match += np.bincount(ra[ra_i, 7], minlength=n_rel)
        self.r_a += np.bincount(ra[:, 7], minlength=n_rel)
        self.r_b += np.bincount(rb[:, 7], minlength=n_rel)
        self.rel_matched += len(ra_i)
        self.rel_a += len(ra)
        self.rel_b += len(rb)
        for key, lab in key_label.items():
            codes_a, codes_b = ca.attrs.get(key), cb.attrs.get(key)
            found = _attribute_pairs(
                lab,
                codes_a[sa] if codes_a is not None else None,
                codes_b[sb] if codes_b is not None else None,
                la,
                ia,
                ib,
            )
            table = self.attrs.setdefault(key, {})
            for cell, n in found.items():
                table[cell] = table.get(cell, 0) + n


@dataclass(slots=True)
class _PairResult:
    exact: list[float]  # per label
    overlap: list[float]
    kappa: list[float]
    relations: dict[str, float]  # relation label -> F1
    attributes: dict[str, tuple[int, float, float]]  # key -> (items, agreement, kappa)
    summary: dict[str, float]  # what ``pairs`` shows


def _pair_result(
    counts: _PairCounts,
    n_lab: int,
    rel_ix: Mapping[str, int],
    keys: Sequence[str],
    label_tables: list[FloatArray],
) -> _PairResult:
    """The figures of one pair of annotators from its counts over every batch."""
    c = counts
    n_rel = len(rel_ix)
    r_match, r_a, r_b = (
        np.r_[x, np.zeros(n_rel - len(x), dtype=np.int64)] for x in (c.r_match, c.r_a, c.r_b)
    )
    return _PairResult(
        exact=[f1_score(c.exact[i], c.n_a[i], c.n_b[i]) for i in range(n_lab)],
        overlap=[f1_score(c.over[i], c.n_a[i], c.n_b[i]) for i in range(n_lab)],
        kappa=[cohen_kappa_from_table(t) for t in label_tables],
        relations={r: f1_score(r_match[i], r_a[i], r_b[i]) for r, i in rel_ix.items()},
        attributes={key: _attribute_agreement(c.attrs.get(key, {})) for key in keys},
        summary={
            "documents": c.documents,
            "span_f1_exact": f1_score(float(c.exact.sum()), float(c.n_a.sum()), float(c.n_b.sum())),
            "span_f1_overlap": f1_score(
                float(c.over.sum()), float(c.n_a.sum()), float(c.n_b.sum())
            ),
            "cohen_kappa": cohen_kappa_from_table(sum(label_tables)) if label_tables else NAN,
            "relation_f1": f1_score(c.rel_matched, c.rel_a, c.rel_b),
        },
    )


BATCH = 500  # documents per batch: memory holds one batch's layers and tokens


class AgreementAccumulator:
    """The agreement report computed batch by batch: ``add`` each batch of documents (every
    document in one batch only, with all its annotators' layers), then ``report``. Only
    counts are kept between batches (matches, token histograms, contingency tables), so
    memory does not grow with the corpus; the figures are those of one pass over all of it."""

    def __init__(self, names: Sequence[str], labels: Sequence[str]) -> None:
        self.names = tuple(names)
        self.label_names = list(dict.fromkeys(labels))
        self.label_ix = {lab: i for i, lab in enumerate(self.label_names)}
        n_ann, n_lab = len(self.names), len(self.label_names)
        self.pairs = [(a, b) for a in range(n_ann) for b in range(a + 1, n_ann)]
        self.rel_ix: dict[str, int] = {}
        self.values: dict[str, dict[str, int]] = {}
        self.key_label: dict[str, int] = {}
        self.hists = [np.zeros((n_ann + 1, n_ann + 1), dtype=np.int64) for _ in range(n_lab)]
        self.tables = [[np.zeros((2, 2)) for _ in self.pairs] for _ in range(n_lab)]
        self.counts = [_PairCounts(n_lab) for _ in self.pairs]
        self.spans = [0] * n_ann
        self.shared = 0  # documents annotated by two or more
        self.total = 0  # documents annotated by one or more

    def add(self, layers: Mapping[str, Sequence[DocData]]) -> None:
        """One batch: ``layers[name]`` lists the batch's documents that ``name`` annotated
        (every annotator of the report, in order; an empty list for none)."""
        if tuple(layers) != self.names:
            raise ValueError(f"a batch must list the annotators {self.names}")
        ids, texts, per_annotator = collect_documents(layers)
        n_lab = len(self.label_names)
        text_len = np.array([len(t) for t in texts], dtype=np.int64)
        cols = [
            layer_columns(
                name,
                docs,
                self.label_ix,
                self.rel_ix,
                self.values,
                self.key_label,
                ids,
                text_len,
            )
            for name, docs in zip(self.names, per_annotator, strict=True)
        ]
        annotated = np.zeros((len(self.names), len(ids)), dtype=bool)
        for a, docs in enumerate(per_annotator):
            annotated[a, [d for d, _ in docs]] = True
        hists, tables = _token_statistics(cols, annotated, texts, n_lab, self.pairs)
        for i in range(n_lab):
            self.hists[i] += hists[i]
            for p in range(len(self.pairs)):
                self.tables[i][p] += tables[i][p]
        for p, (a, b) in enumerate(self.pairs):
            self.counts[p].add(
                cols[a],
                cols[b],
                annotated[a] & annotated[b],
                n_lab,
                len(self.rel_ix),
                self.key_label,
            )
        n_coders = annotated.sum(axis=0)
        self.shared += int(np.count_nonzero(n_coders >= 2))
        self.total += int(np.count_nonzero(n_coders >= 1))
        for a, c in enumerate(cols):
            self.spans[a] += len(c.start)

    def report(self) -> AgreementReport:
        names, pairs, label_names = self.names, self.pairs, self.label_names
        n_lab = len(label_names)
        rel_names = sorted(self.rel_ix)
        attr_keys = sorted(self.values)
        results = [
            _pair_result(self.counts[p], n_lab, self.rel_ix, attr_keys, [t[p] for t in self.tables])
            for p in range(len(pairs))
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
            counts, weights = binary_counts(self.hists[i])
            label_out[lab] = {
                "span_f1_exact": pair_mean(per_label["exact"], i),
                "span_f1_overlap": pair_mean(per_label["overlap"], i),
                "cohen_kappa": pair_mean(per_label["kappa"], i),
                "fleiss_kappa": fleiss_kappa_from_counts(counts, weights),
                "krippendorff_alpha": krippendorff_alpha_from_counts(counts, weights),
            }
        pooled = (
            sum(self.hists) if self.hists else np.zeros((len(names) + 1, len(names) + 1), np.int64)
        )
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
        return AgreementReport(
            annotators=names,
            documents=self.shared,
            documents_total=self.total,
            labels=label_out,
            overall=overall,
            pairs=pair_out,
            relations={r: {"f1": pair_mean(rel_f1, j)} for j, r in enumerate(rel_names)},
            attributes=attributes,
            spans=dict(zip(names, self.spans, strict=True)),
        )


def agreement_report(
    layers: Mapping[str, Sequence[DocData]],
    labels: Sequence[str] | None = None,
    batch: int | None = None,
) -> AgreementReport:
    """Agreement between annotators. ``layers[name]`` lists the documents (``DocData``) that
    ``name`` annotated; a document in the list with no spans counts as annotated with none.
    ``labels`` restricts the span labels (default: every label used); relations and attributes
    are compared on spans of those labels only. Computed ``batch`` (default ``BATCH``)
    documents at a time. See ``docs/agreement.md``."""
    ids, _texts, per_annotator = collect_documents(layers)  # checks every copy first
    if labels is None:
        labels = sorted({sp.label for docs in layers.values() for doc in docs for sp in doc.spans})
    acc = AgreementAccumulator(tuple(layers), labels)
    step = max(1, batch or BATCH)
    n_batches = max(1, -(-len(ids) // step))
    parts: list[list[list[DocData]]] = [[[] for _ in layers] for _ in range(n_batches)]
    for a, docs in enumerate(per_annotator):
        for d, doc in docs:
            parts[d // step][a].append(doc)
    for part in parts:
        acc.add(dict(zip(layers, part, strict=True)))
    return acc.report()
