"""The held-out comparison of ``annotator train`` over repeated k-fold splits: each document's
counts are summed over the splits before the per-label decision and its paired bootstrap."""

from __future__ import annotations

from typing import Any

from annotator.scheme import Scheme
from annotator.suggest.correction import analyse
from annotator.suggest.propose import Suggester
from annotator.suggest.selection import comparison_lines
from annotator.suggest.training import fits_needed, learn

from .helpers import gold_doc
from .test_learning import MORE
from .test_project_training import TEXTS


def _inputs(nlp: Any, scheme: Scheme) -> tuple[list[Any], list[Any]]:
    golds = [gold_doc(f"d{i}", text, spans) for i, (text, spans) in enumerate(TEXTS + MORE)]
    rules = Suggester(nlp, scheme)
    analysed = [a for _, a in analyse(((g.text, i) for i, g in enumerate(golds)), nlp, rules)]
    return analysed, golds


def _counts(comparison: dict[str, Any], which: str) -> dict[str, tuple[int, int, int]]:
    return {
        label: (row[which]["tp"], row[which]["fp"], row[which]["fn"])
        for label, row in comparison["spans"].items()
    }


def test_repeated_splits_sum_each_documents_counts_over_the_splits(
    nlp_sm: Any, scheme: Scheme
) -> None:
    analysed, golds = _inputs(nlp_sm, scheme)
    one = learn(analysed, golds, scheme, "sm", folds=2, seed=0, max_iter=30, repeats=1)
    other = learn(analysed, golds, scheme, "sm", folds=2, seed=1, max_iter=30, repeats=1)
    both = learn(analysed, golds, scheme, "sm", folds=2, seed=0, max_iter=30, repeats=2)
    for which in ("trained", "default"):
        a, b, ab = (_counts(x.comparison, which) for x in (one, other, both))
        assert ab == {
            label: tuple(x + y for x, y in zip(a[label], b[label], strict=True)) for label in ab
        }, which
    assert both.comparison["repeats"] == 2 and both.comparison["documents"] == len(golds)
    # the final model and the held-out suggestions shown to the user are those of the first
    # split: the repeats only judge
    assert [i for i, _ in both.trained] == [i for i, _ in one.trained]
    assert both.model.groups.keys() == one.model.groups.keys()
    for name, model in both.model.groups.items():
        assert (model.w == one.model.groups[name].w).all()
        assert model.thresholds == one.model.groups[name].thresholds
    assert "2-fold by document over 2 shuffles" in comparison_lines(both.comparison)[0]
    assert "shuffles" not in comparison_lines(one.comparison)[0]


def test_progress_counts_every_fit_of_the_repeats(nlp_sm: Any, scheme: Scheme) -> None:
    analysed, golds = _inputs(nlp_sm, scheme)
    for repeats in (1, 3):
        steps: list[int] = []
        tick = steps.append
        learn(
            analysed,
            golds,
            scheme,
            "sm",
            folds=2,
            max_iter=10,
            step=lambda tick=tick: tick(1),
            repeats=repeats,
        )
        assert len(steps) == fits_needed(len(golds), 2, repeats), repeats
