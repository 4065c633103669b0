"""Relabelling a default suggestion: when another label of its group is at least as likely as
not (``relabel_thresholds``), without a search that needs a summed gain to move."""

from __future__ import annotations

import numpy as np

from annotator.suggest.correction import NEVER, NONE, relabel_thresholds, stack_decide, tune_stacked


def test_a_default_place_the_model_calls_an_actor_is_relabelled_without_a_search() -> None:
    # 1,000 right default actors, 500 right default places and one default place that is an
    # actor (an organisation the recogniser took for a place), which the model calls ACTOR
    # with 0.8: one relabel moves the summed F of the group by less than MIN_GAIN, so a
    # search leaves the threshold at "never"; its expected F for ACTOR rises all the same
    classes = (NONE, "ACTOR", "PLACE")
    probs = np.array(
        [[0.05, 0.9, 0.05]] * 1000
        + [[0.05, 0.05, 0.9]] * 500
        + [[0.05, 0.8, 0.15], [0.1, 0.45, 0.4]],
        dtype=np.float64,
    )
    y = np.array([1] * 1000 + [2] * 500 + [1, 2])
    dflt = np.array([1] * 1000 + [2] * 502)
    elig = np.zeros((len(y), 3), dtype=bool)
    th = tune_stacked(probs, y, dflt, elig, classes, {"ACTOR": 1100, "PLACE": 550})
    assert th["ACTOR:relabel"] == th["PLACE:relabel"] == 0.5
    out, _ = stack_decide(classes, th, probs, dflt, elig)
    assert out[-2] == 1  # relabelled into ACTOR
    assert out[-1] == 2  # ACTOR likeliest but below one half: stays a place
    assert (out[:1000] == 1).all() and (out[1000:1500] == 2).all()


def test_a_single_label_group_or_a_label_without_gold_is_never_relabelled_into() -> None:
    assert relabel_thresholds({"CLAIM:drop": 0.55}, ["CLAIM"]) == {"CLAIM:relabel": NEVER}
    th = {"ACTOR:drop": 0.6, "PLACE:drop": 0.7, "TIME:drop": NEVER}
    assert relabel_thresholds(th, ["ACTOR", "PLACE", "TIME"]) == {
        "ACTOR:relabel": 0.5,
        "PLACE:relabel": 0.5,
        "TIME:relabel": NEVER,
    }
