"""Inter-annotator agreement: span F1, Cohen's and Fleiss' kappa, Krippendorff's alpha.

Pure functions, no I/O. Definitions, conventions and worked examples: ``docs/agreement.md``.

- Metric primitives (``cohen_kappa``, ``fleiss_kappa``, ``krippendorff_alpha``) take codes as
  arrays, raters x units, with NaN for a missing code; the ``*_from_counts`` variants take a
  units x categories matrix of how many raters chose each category (optionally weighted, so
  that identical units can be counted once).
- Span matching (``exact_matching``, ``overlap_matching``) works on columns of integers and
  returns index pairs; ``overlap_matching`` is the greedy matching described in the docs.
- ``agreement_report(layers, labels)`` computes everything the ``agreement`` command prints.
  Undefined values (no pairs, no units, no variation) are NaN, shown as null in JSON.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any

import numpy as np
import numpy.typing as npt

from annotator.errors import AnnotatorError
from annotator.values import DocData

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

NAN = float("nan")
LABEL_METRICS = (
    "span_f1_exact",
    "span_f1_overlap",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha",
)


class AgreementFailed(AnnotatorError):
    """The layers cannot be compared (e.g. two copies of a document have different texts)."""

    code = "E180"


# ----------------------------------------------------------------------------- metric primitives


def f1_score(matches: float, n_a: float, n_b: float) -> float:
    """``2 * matches / (n_a + n_b)``; NaN when both sides are empty."""
    total = n_a + n_b
    return float(2.0 * matches / total) if total > 0 else NAN


def value_counts(data: npt.ArrayLike) -> FloatArray:
    """Raters x units codes (NaN = missing) -> units x categories counts (categories sorted)."""
    arr = np.asarray(data, dtype=np.float64)
    if arr.ndim != 2:
        raise ValueError("codes must be a 2-D array: raters x units")
    present = ~np.isnan(arr)
    categories = np.unique(arr[present])
    counts = np.zeros((arr.shape[1], len(categories)), dtype=np.float64)
    for j, cat in enumerate(categories):
        counts[:, j] = np.count_nonzero(present & (arr == cat), axis=0)
    return counts


def cohen_kappa_from_table(table: npt.ArrayLike) -> float:
    """Cohen's kappa of a square contingency table (rows: rater A, columns: rater B)."""
    t = np.asarray(table, dtype=np.float64)
    n = t.sum()
    if n <= 0:
        return NAN
    p_o = np.trace(t) / n
    p_e = float(np.dot(t.sum(axis=1), t.sum(axis=0))) / (n * n)
    return NAN if math.isclose(p_e, 1.0) else float((p_o - p_e) / (1.0 - p_e))


def cohen_kappa(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Cohen's kappa of two raters over the units both coded (NaN = missing)."""
    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    both = ~np.isnan(x) & ~np.isnan(y)
    x, y = x[both], y[both]
    cats, inv = np.unique(np.concatenate([x, y]), return_inverse=True)
    k = len(cats)
    table = np.bincount(inv[: len(x)] * k + inv[len(x) :], minlength=k * k).reshape(k, k)
    return cohen_kappa_from_table(table)


def _pairable(counts: npt.ArrayLike, weights: npt.ArrayLike | None) -> tuple[FloatArray, ...]:
    c = np.asarray(counts, dtype=np.float64)
    w = np.ones(len(c)) if weights is None else np.asarray(weights, dtype=np.float64)
    n_u = c.sum(axis=1)
    keep = n_u >= 2
    return c[keep], w[keep], n_u[keep]


def fleiss_kappa_from_counts(counts: npt.ArrayLike, weights: npt.ArrayLike | None = None) -> float:
    """Fleiss' kappa; units coded by fewer than two raters are left out. Each unit's observed
    agreement uses its own number of raters, so with a fixed number this is Fleiss (1971)."""
    c, w, n_u = _pairable(counts, weights)
    if w.sum() <= 0:
        return NAN
    p_unit = (c * (c - 1)).sum(axis=1) / (n_u * (n_u - 1))
    p_obs = float(np.dot(w, p_unit) / w.sum())
    p_cat = (w[:, None] * c).sum(axis=0) / np.dot(w, n_u)
    p_exp = float(np.dot(p_cat, p_cat))
    return NAN if math.isclose(p_exp, 1.0) else (p_obs - p_exp) / (1.0 - p_exp)


def fleiss_kappa(data: npt.ArrayLike) -> float:
    """Fleiss' kappa of raters x units codes (NaN = missing)."""
    return fleiss_kappa_from_counts(value_counts(data))


def krippendorff_alpha_from_counts(
    counts: npt.ArrayLike, weights: npt.ArrayLike | None = None
) -> float:
    """Krippendorff's alpha, nominal, from units x categories counts (units with fewer than two
    values are not pairable and are left out)."""
    c, w, n_u = _pairable(counts, weights)
    n_c = (w[:, None] * c).sum(axis=0)
    n = float(n_c.sum())
    expected = n * n - float(np.dot(n_c, n_c))
    if n <= 1 or expected <= 0:
        return NAN
    diagonal = float(np.dot(w, (c * (c - 1)).sum(axis=1) / (n_u - 1)))
    return 1.0 - (n - 1.0) * (n - diagonal) / expected


def krippendorff_alpha(data: npt.ArrayLike) -> float:
    """Krippendorff's alpha (nominal) of raters x units codes (NaN = missing)."""
    return krippendorff_alpha_from_counts(value_counts(data))


def _binary_counts(hist: npt.NDArray[Any]) -> tuple[FloatArray, FloatArray]:
    """A histogram ``hist[n, k]`` (units with n coders, k of them coding 1) as counts + weights."""
    n_idx, k_idx = np.nonzero(hist)
    counts = np.stack([n_idx - k_idx, k_idx], axis=1).astype(np.float64)
    return counts, hist[n_idx, k_idx].astype(np.float64)


def nanmean(values: Sequence[float]) -> float:
    """Mean of the defined values; NaN when none is defined (never a warning)."""
    good = [v for v in values if not math.isnan(v)]
    return sum(good) / len(good) if good else NAN


# ------------------------------------------------------------------------------------ matching


def _pack(rows: npt.NDArray[np.int64]) -> list[IntArray] | None:
    """Rows of non-negative integers as few int64 words each: consecutive columns packed into
    one word while they fit in 61 bits (so comparing the words in order compares the rows)."""
    if rows.size == 0 or int(np.min(rows)) < 0:
        return None
    words: list[IntArray] = []
    used = 62
    for col, x in enumerate(rows.max(axis=0)):
        width = int(x).bit_length()
        if width > 61:
            return None
        if used + width > 61:
            words.append(np.zeros(len(rows), dtype=np.int64))
            used = 0
        words[-1] = (words[-1] << width) | rows[:, col]
        used += width
    return words


def exact_matching(rows_a: npt.ArrayLike, rows_b: npt.ArrayLike) -> tuple[IntArray, IntArray]:
    """Pair identical rows of A and B (multiset: each row used at most once, the k-th copy in A
    with the k-th copy in B). Returns index arrays (ia, ib), sorted by ia."""
    a = np.asarray(rows_a, dtype=np.int64)
    b = np.asarray(rows_b, dtype=np.int64)
    if len(a) == 0 or len(b) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    rows = np.concatenate([a.reshape(len(a), -1), b.reshape(len(b), -1)])
    n_a = len(a)
    src = np.r_[np.zeros(n_a, np.int64), np.ones(len(b), np.int64)]
    words = _pack(rows)
    # sort by row, then A before B, then by index (all sorts are stable, and A's indices come
    # before B's in ``rows``), so that every run of equal rows lists its copies in A, then in B
    if words is not None and len(words) == 1:
        order = np.argsort(words[0] * 2 + src, kind="stable")
        new = np.r_[True, np.diff(words[0][order]) != 0]
    elif words is not None:
        order = np.lexsort((src, *words[::-1]))
        new = np.zeros(len(order), dtype=bool)
        new[0] = True
        for w in words:
            ws = w[order]
            new[1:] |= ws[1:] != ws[:-1]
    else:
        order = np.lexsort((src, *rows.T[::-1]))
        new = np.ones(len(order), dtype=bool)
        new[1:] = np.any(rows[order][1:] != rows[order][:-1], axis=1)
    run = np.cumsum(new) - 1
    run_start = np.flatnonzero(new)
    in_a = np.bincount(run, weights=order < n_a, minlength=len(run_start)).astype(np.int64)
    size = np.diff(np.r_[run_start, len(order)])
    # the k-th copy in A (position run_start + k) pairs with the k-th in B (run_start + in_a + k)
    pos = np.arange(len(order))
    rank = pos - run_start[run]
    take = (rank < in_a[run]) & (rank < size[run] - in_a[run])
    pa = pos[take]
    pb = run_start[run[take]] + in_a[run[take]] + rank[take]
    partner = np.full(n_a, -1, dtype=np.int64)
    partner[order[pa]] = order[pb] - n_a
    ia = np.flatnonzero(partner >= 0)
    return ia, partner[ia]


def overlap_matching(
    group_a: npt.ArrayLike,
    start_a: npt.ArrayLike,
    end_a: npt.ArrayLike,
    group_b: npt.ArrayLike,
    start_b: npt.ArrayLike,
    end_b: npt.ArrayLike,
) -> tuple[IntArray, IntArray]:
    """Greedy one-to-one matching of spans of A and B in the same group (document and label)
    that share at least one character (or are identical, for empty spans). Candidate pairs are
    taken best first: larger overlap, then smaller boundary distance
    ``|start_a-start_b| + |end_a-end_b|``, then lower index in A, then in B; a pair is kept when
    neither span is matched yet. Returns (ia, ib) sorted by ia.

    Implemented without a Python loop over pairs: in each round every candidate that is the
    best remaining one of both its spans is accepted (this gives exactly the greedy result)."""
    ga, sa, ea = (np.asarray(x, dtype=np.int64) for x in (group_a, start_a, end_a))
    gb, sb, eb = (np.asarray(x, dtype=np.int64) for x in (group_b, start_b, end_b))
    ob = np.argsort(gb, kind="stable")
    gbs = gb[ob]
    lo = np.searchsorted(gbs, ga, side="left")
    cnt = np.searchsorted(gbs, ga, side="right") - lo
    ia = np.repeat(np.arange(len(ga)), cnt)
    within = np.arange(len(ia)) - np.repeat(np.cumsum(cnt) - cnt, cnt)
    ib = ob[lo[ia] + within]
    s_a, e_a, s_b, e_b = sa[ia], ea[ia], sb[ib], eb[ib]
    overlap = np.minimum(e_a, e_b) - np.maximum(s_a, s_b)
    ok = (overlap > 0) | ((s_a == s_b) & (e_a == e_b))  # identical empty spans too
    ia, ib, overlap = ia[ok], ib[ok], overlap[ok]
    dist = np.abs(s_a[ok] - s_b[ok]) + np.abs(e_a[ok] - e_b[ok])
    # best first; the four keys order the pairs totally, so when they fit in one integer a
    # plain sort of that integer gives the same order as the lexsort
    words = _pack(np.column_stack([overlap.max() - overlap, dist, ia, ib])) if len(ia) else None
    if words is not None and len(words) == 1:
        order = np.argsort(words[0])
    else:
        order = np.lexsort((ib, ia, dist, -overlap))
    ia, ib = ia[order], ib[order]
    out_a: list[IntArray] = []
    out_b: list[IntArray] = []
    used_a = np.zeros(len(ga), dtype=bool)
    used_b = np.zeros(len(gb), dtype=bool)
    while len(ia):
        best = np.zeros(len(ia), dtype=bool)
        best[np.unique(ia, return_index=True)[1]] = True
        best_b = np.zeros(len(ia), dtype=bool)
        best_b[np.unique(ib, return_index=True)[1]] = True
        take = best & best_b
        out_a.append(ia[take])
        out_b.append(ib[take])
        used_a[ia[take]] = True
        used_b[ib[take]] = True
        left = ~used_a[ia] & ~used_b[ib]
        ia, ib = ia[left], ib[left]
    ma = np.concatenate(out_a) if out_a else np.zeros(0, np.int64)
    mb = np.concatenate(out_b) if out_b else np.zeros(0, np.int64)
    keep = np.argsort(ma, kind="stable")
    return ma[keep], mb[keep]


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


@dataclass(slots=True)
class _Columns:
    """One annotator's spans (selected labels) and relations as integer columns."""

    doc: IntArray
    start: IntArray
    end: IntArray
    label: IntArray
    attrs: dict[str, IntArray]  # "LABEL.name" -> value code per span, -1 = no value
    relations: IntArray  # rows: doc, head start/end/label, tail start/end/label, relation label


def _collect(
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


def _columns(
    name: str,
    docs: list[tuple[int, DocData]],
    label_ix: Mapping[str, int],
    rel_ix: dict[str, int],
    values: dict[str, dict[str, int]],
    key_label: dict[str, int],
    ids: Sequence[str],
    text_len: IntArray,
) -> _Columns:
    every = [sp for _, doc in docs for sp in doc.spans]
    per_doc = np.fromiter((len(doc.spans) for _, doc in docs), dtype=np.int64, count=len(docs))
    doc_of = np.repeat(np.fromiter((d for d, _ in docs), np.int64, len(docs)), per_doc)
    names = list(map(attrgetter("label"), every))
    code = dict.fromkeys(set(names), -1) | dict(label_ix)
    label = np.fromiter(map(code.__getitem__, names), dtype=np.int64, count=len(every))
    kept = np.flatnonzero(label >= 0)
    spans = [every[i] for i in kept.tolist()] if len(kept) < len(every) else every
    n = len(spans)
    cols = _Columns(
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
    for pos in [i for i, sp in enumerate(spans) if sp.attrs or sp.entity is not None]:
        sp = spans[pos]
        extra = (("entity", sp.entity),) if sp.entity is not None else ()
        for attr, value in (*sp.attrs.items(), *extra):
            slot = attr_pos.get((sp.label, attr))
            if slot is None:
                key = f"{sp.label}.{attr}"
                key_label.setdefault(key, label_ix[sp.label])
                slot = attr_pos[(sp.label, attr)] = ([], [], values.setdefault(key, {}))
            where, got, codes = slot
            where.append(pos)
            got.append(codes.setdefault(str(value), len(codes)))
    bad = (cols.start < 0) | (cols.end < cols.start) | (cols.end > text_len[cols.doc])
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise AgreementFailed(
            f"document {ids[cols.doc[i]]!r}: {name}'s span [{cols.start[i]}, {cols.end[i]}) "
            f"lies outside the text ({text_len[cols.doc[i]]} characters)"
        )
    for (lab, attr), (where, got, _) in attr_pos.items():
        attr_codes = np.full(n, -1, dtype=np.int64)
        attr_codes[where] = got
        cols.attrs[f"{lab}.{attr}"] = attr_codes
    return cols


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
    cols: Sequence[_Columns],
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
    table = tokenize_texts([texts[int(i)] for i in shared])
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
        counts = np.bincount(coders * (n_ann + 1) + ones, minlength=(n_ann + 1) ** 2)
        hist = counts.reshape(n_ann + 1, n_ann + 1).astype(np.int64)
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
    ca: _Columns,
    cb: _Columns,
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
            "span_f1_exact": f1_score(int(exact.sum()), int(n_a.sum()), int(n_b.sum())),
            "span_f1_overlap": f1_score(int(over.sum()), int(n_a.sum()), int(n_b.sum())),
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
    ids, texts, per_annotator = _collect(layers)
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
        _columns(name, docs, label_ix, rel_ix, values, key_label, ids, text_len)
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
        counts, weights = _binary_counts(hists[i])
        label_out[lab] = {
            "span_f1_exact": pair_mean(per_label["exact"], i),
            "span_f1_overlap": pair_mean(per_label["overlap"], i),
            "cohen_kappa": pair_mean(per_label["kappa"], i),
            "fleiss_kappa": fleiss_kappa_from_counts(counts, weights),
            "krippendorff_alpha": krippendorff_alpha_from_counts(counts, weights),
        }
    pooled = sum(hists) if hists else np.zeros((len(names) + 1, len(names) + 1), np.int64)
    counts, weights = _binary_counts(np.asarray(pooled))
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
