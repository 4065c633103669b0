"""Agreement metric primitives: F1, Cohen's and Fleiss' kappa, Krippendorff's alpha.

Pure functions, no I/O. Definitions, conventions and worked examples: ``docs/agreement.md``.
They take codes as arrays, raters x units, with NaN for a missing code; the ``*_from_counts``
variants take a units x categories matrix of how many raters chose each category (optionally
weighted, so that identical units can be counted once). Undefined values (no pairs, no units,
no variation) are NaN.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

NAN = float("nan")


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


def binary_counts(hist: npt.NDArray[Any]) -> tuple[FloatArray, FloatArray]:
    """A histogram ``hist[n, k]`` (units with n coders, k of them coding 1) as counts + weights."""
    n_idx, k_idx = np.nonzero(hist)
    counts = np.stack([n_idx - k_idx, k_idx], axis=1).astype(np.float64)
    return counts, hist[n_idx, k_idx].astype(np.float64)


def nanmean(values: Sequence[float]) -> float:
    """Mean of the defined values; NaN when none is defined (never a warning)."""
    good = [v for v in values if not math.isnan(v)]
    return sum(good) / len(good) if good else NAN
