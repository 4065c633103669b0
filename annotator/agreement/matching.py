"""Span matching between two annotators, on columns of integers.

``exact_matching`` pairs spans with the same offsets and label; ``overlap_matching`` is the
greedy matching of overlapping spans described in ``docs/agreement.md``. Both return index
pairs.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from annotator.agreement.metrics import IntArray


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
