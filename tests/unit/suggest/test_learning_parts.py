"""``bench/bench_learning_parts.py`` splits the held-out check of ``annotator train`` into what
the stacked decision does (drops only, relabels and additions only): its "trained" row must be
the very counts ``learn`` judges, and each part must do only its own kind of change."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any

from annotator.scheme import Scheme
from annotator.suggest.correction import NEVER
from annotator.suggest.training import learn

from .test_learning_repeats import _inputs

BENCH = Path(__file__).resolve().parents[3] / "bench" / "bench_learning_parts.py"


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_learning_parts", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_restricted_keeps_only_its_part_of_the_decision() -> None:
    bench = _bench()
    th = {"ACTOR": 0.4, "ACTOR:drop": 0.6, "ACTOR:relabel": 0.7}
    assert bench.restricted(th, "drops") == {
        "ACTOR": NEVER,
        "ACTOR:drop": 0.6,
        "ACTOR:relabel": NEVER,
    }
    assert bench.restricted(th, "adds") == {
        "ACTOR": 0.4,
        "ACTOR:drop": NEVER,
        "ACTOR:relabel": 0.7,
    }
    assert bench.restricted(th, "trained") == th


def test_trained_row_is_what_learn_judges_and_parts_only_do_their_part(
    nlp_sm: Any, scheme: Scheme
) -> None:
    bench = _bench()
    analysed, golds = _inputs(nlp_sm, scheme)
    judged = learn(analysed, golds, scheme, "sm", folds=2, seed=0, max_iter=30, repeats=2)
    found = bench.parts(analysed, golds, scheme, [0, 1], 2, max_iter=30)
    for label, row in judged.comparison["spans"].items():
        for which in ("trained", "default"):
            mine = found[which].spans[label]
            assert (mine.tp, mine.fp, mine.fn) == (
                row[which]["tp"],
                row[which]["fp"],
                row[which]["fn"],
            ), (label, which)
        default = found["default"].spans[label]
        drops = found["drops"].spans[label]
        # dropping never finds a span the default missed nor adds a wrong one
        assert drops.tp <= default.tp and drops.fp <= default.fp
        assert drops.tp + drops.fn == default.tp + default.fn
