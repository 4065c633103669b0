"""Why the rules were kept over a trained linker variant, as ``preannotate --model`` and the
app's dialogs both say it (``linker.why_rules``), mirroring ``compare_links``'s conditions."""

from __future__ import annotations

from typing import Any

import pytest

from annotator.suggest.correction.model import _link_figures
from annotator.suggest.linker import LINKER, RULES, STACKED, why_rules


def _role(linker: dict[str, float], share: float, **stacked: float) -> dict[str, Any]:
    row: dict[str, Any] = {
        RULES: {"score": 0.6565, "recall": 0.6056, "precision": 0.7167, "suggested": 60},
        LINKER: {"suggested": 55, **linker},
        "linker_better_share": share,
        "use": RULES,
    }
    if stacked:
        row[STACKED] = {"suggested": 60, **stacked}
        row["stacked_better_share"] = 0.0
    return row


def test_a_higher_linker_score_kept_out_by_the_resamples_says_so() -> None:
    # what 'preannotate --model' printed without a reason: "agent rules (held-out 0.667
    # linker vs 0.656 rules)", the linker's figure higher and yet the rules used
    row = _role({"score": 0.6666, "recall": 0.5915, "precision": 0.7636}, 0.738)
    assert why_rules(row, LINKER) == "better in only 74 % of resamples (90 % needed)"
    assert _link_figures(row, RULES) == (
        " (held-out F 0.667 linker vs 0.656 rules; better in only 74 % of resamples (90 % needed))"
    )


@pytest.mark.parametrize(
    ("linker", "share", "why"),
    [
        (
            {"score": 0.60, "recall": 0.62, "precision": 0.8},
            0.0,
            "the rules were better (F 65.6 vs 60.0)",
        ),
        (
            {"score": 0.66, "recall": 0.62, "precision": 0.8},
            0.95,
            "the rules were as good (F 65.6 vs 66.0)",
        ),
        ({"score": 0.70, "recall": 0.70, "precision": 0.70}, 0.95, "less precise (70.0 < 71.7)"),
        ({"score": 0.70, "recall": 0.60, "precision": 0.9}, 0.95, "finds fewer arguments"),
    ],
)
def test_each_condition_of_the_comparison_has_its_reason(
    linker: dict[str, float], share: float, why: str
) -> None:
    assert why_rules(_role(linker, share), LINKER) == why


def test_stacking_is_judged_on_recall_and_the_claimant_on_accuracy() -> None:
    row = _role({"score": 0.5, "recall": 0.5, "precision": 0.9}, 0.0, score=0.6, recall=0.6056)
    assert why_rules(row, STACKED) == "the rules were as good (recall 60.6 vs 60.6)"
    claimant = {
        RULES: {"score": 0.865, "accuracy": 0.865, "precision": 0.91, "suggested": 190},
        LINKER: {"score": 0.875, "accuracy": 0.875, "precision": 0.90, "suggested": 193},
        "linker_better_share": 0.5,
        "use": RULES,
    }
    assert _link_figures(claimant, RULES) == (
        " (held-out accuracy 0.875 linker vs 0.865 rules;"
        " better in only 50 % of resamples (90 % needed))"
    )
    claimant["linker_better_share"] = 0.95
    # a claimant replaces the rules' on the same claims: it must keep their precision
    assert why_rules(claimant, LINKER) == "less precise (90.0 < 91.0)"
    claimant[LINKER]["precision"] = 0.91  # every condition met: nothing to explain
    assert why_rules(claimant, LINKER) == "not proven better"
    claimant["use"] = LINKER
    assert _link_figures(claimant, LINKER) == " (held-out accuracy 0.875 linker vs 0.865 rules)"
