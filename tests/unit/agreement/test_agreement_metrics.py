"""Metric primitives against independent implementations (krippendorff, scikit-learn, a loop)."""

from __future__ import annotations

import math

import krippendorff
import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score

from annotator.agreement.metrics import (
    cohen_kappa,
    f1_score,
    fleiss_kappa,
    krippendorff_alpha,
    krippendorff_alpha_from_counts,
)

from .helpers import fleiss_reference


def _random_codes(seed: int, raters: int, units: int, cats: int, p_missing: float) -> np.ndarray:
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, cats, size=units)
    noise = rng.integers(0, cats, (raters, units))
    data = np.where(rng.random((raters, units)) < 0.6, truth, noise)
    data = data.astype(np.float64)
    data[rng.random((raters, units)) < p_missing] = np.nan
    return data


@pytest.mark.parametrize("seed", range(12))
def test_alpha_matches_the_krippendorff_package(seed: int) -> None:
    raters, units, cats = 2 + seed % 4, 30 + 17 * seed, 2 + seed % 3
    data = _random_codes(seed, raters, units, cats, p_missing=0.25)
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert krippendorff_alpha(data) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", range(12))
def test_cohen_matches_scikit_learn_on_units_both_coded(seed: int) -> None:
    data = _random_codes(100 + seed, 2, 50 + seed * 9, 2 + seed % 3, p_missing=0.2)
    both = ~np.isnan(data).any(axis=0)
    expected = cohen_kappa_score(data[0, both], data[1, both])
    assert cohen_kappa(data[0], data[1]) == pytest.approx(expected, abs=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_fleiss_fixed_raters_matches_reference(seed: int) -> None:
    data = _random_codes(200 + seed, 3 + seed % 3, 40, 2 + seed % 2, p_missing=0.0)
    assert fleiss_kappa(data) == pytest.approx(fleiss_reference(data), abs=1e-12)


@pytest.mark.parametrize("seed", range(8))
def test_fleiss_with_missing_codes_matches_reference(seed: int) -> None:
    data = _random_codes(300 + seed, 4, 60, 2, p_missing=0.35)
    assert fleiss_kappa(data) == pytest.approx(fleiss_reference(data), abs=1e-12)


def test_fleiss_hand_computed() -> None:
    # 2 raters, 4 units: agree 1, agree 0, agree 1, disagree. P_i = 1,1,1,0 -> P = 0.75;
    # p(1) = 5/8, p(0) = 3/8 -> Pe = 34/64; kappa = (0.75 - 34/64) / (1 - 34/64) = 14/30
    data = np.array([[1, 0, 1, 1], [1, 0, 1, 0]], dtype=float)
    assert fleiss_kappa(data) == pytest.approx(14 / 30)


def test_weighted_counts_equal_repeated_units() -> None:
    counts = np.array([[2, 1], [0, 3], [1, 1]], dtype=float)
    repeated = np.repeat(counts, [3, 1, 2], axis=0)
    assert krippendorff_alpha_from_counts(counts, [3, 1, 2]) == pytest.approx(
        krippendorff_alpha_from_counts(repeated)
    )


@pytest.mark.parametrize(
    "data",
    [
        np.zeros((3, 10)),  # everybody codes 0 everywhere: no variation
        np.ones((2, 5)),
        np.array([[1.0, 0.0, 1.0]]),  # a single rater
        np.array([[1.0, np.nan], [np.nan, 0.0]]),  # no unit coded twice
        np.zeros((2, 0)),
    ],
)
def test_undefined_values_are_nan(data: np.ndarray) -> None:
    assert math.isnan(krippendorff_alpha(data))
    assert math.isnan(fleiss_kappa(data))
    if len(data) == 2:
        assert math.isnan(cohen_kappa(data[0], data[1]))


def test_f1() -> None:
    assert f1_score(3, 4, 5) == pytest.approx(6 / 9)
    assert f1_score(0, 2, 0) == 0.0
    assert math.isnan(f1_score(0, 0, 0))
