"""The stacked decision (``stack_decide``) and its thresholds: the drop and relabel rules
(``drop_thresholds``, ``relabel_thresholds``), the add thresholds tuned on held-out predictions
(``tune_stacked``), and which new candidates may become a label at all (``eligible``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from annotator.suggest.correction.candidates import Candidate
from annotator.suggest.evaluation import iou

MIN_GAIN = 0.002  # summed held-out F a threshold must gain to move from "never"
NEVER = 1.01  # a threshold no probability reaches
RELABEL = 0.5  # a default suggestion is relabelled when another label is at least this likely
SUFFIXES = ("", ":drop", ":relabel")  # threshold names: add, drop, relabel (into) per label


def eligible(
    new: Sequence[Candidate], group_cands: Sequence[Candidate], labels: Sequence[str]
) -> list[list[bool]]:
    """Per new candidate and label: it does not duplicate a default suggestion of that label,
    i.e. every one it overlaps has another head and shares less than half of their union
    ("critics of President Trump" beside "President Trump"); adding a duplicate cannot find
    anything the default misses."""
    import bisect

    index: list[tuple[list[int], list[Candidate], int]] = []
    for label in labels:
        spans = sorted((c for c in group_cands if c.default == label), key=lambda c: c.start)
        longest = max((c.end - c.start for c in spans), default=0)
        index.append(([c.start for c in spans], spans, longest))
    out = []
    for c in new:
        row = []
        for starts, spans, longest in index:
            lo = bisect.bisect_left(starts, c.start - longest)
            hi = bisect.bisect_left(starts, c.end)
            row.append(
                not any(
                    d.end > c.start
                    and (d.head == c.head or iou((d.start, d.end), (c.start, c.end)) >= 0.5)
                    for d in spans[lo:hi]
                )
            )
        out.append(row)
    return out


def eligibility(cands: Sequence[Candidate], classes: Sequence[str]) -> list[list[bool]]:
    """Per candidate of one group, per class: may it become that label (see ``eligible``)?
    Column 0 and the rows of default suggestions are False."""
    labels = list(classes[1:])
    new_flags = iter(eligible([c for c in cands if c.default is None], cands, labels))
    return [
        [False] * len(classes) if c.default is not None else [False, *next(new_flags)]
        for c in cands
    ]


def stack_decide(
    classes: Sequence[str],
    thresholds: Mapping[str, float],
    probs: Any,
    dflt: Any,
    elig: Any,
) -> tuple[Any, Any]:
    """The stacked decision per row: (class index, its probability); 0 means no span.

    ``dflt``: per row the class index of the default suggestion it is (0: a new candidate);
    ``elig``: (rows, classes) whether a new candidate may become that label. A default
    suggestion stays unless the model relabels it (another label likelier than its own and
    above ``L:relabel``) or is confident it is wrong (NONE at least ``L:drop``); a new candidate
    is added when its likeliest label is at least ``L``.
    """
    n, k = probs.shape if len(probs) else (0, len(classes))
    if not n:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    add = np.array([NEVER] + [thresholds.get(c, 0.5) for c in classes[1:]])
    drop = np.array([NEVER] + [thresholds.get(f"{c}:drop", 0.5) for c in classes[1:]])
    rel = np.array([NEVER] + [thresholds.get(f"{c}:relabel", NEVER) for c in classes[1:]])
    best = probs[:, 1:].argmax(axis=1) + 1
    rows = np.arange(n)
    pbest = probs[rows, best]
    out = np.zeros(n, dtype=np.int64)
    is_new = dflt == 0
    ok_new = is_new & elig[rows, best] & (pbest >= add[best])
    out[ok_new] = best[ok_new]
    own = np.where(is_new, 0, dflt)
    relabel = ~is_new & (best != own) & (pbest >= rel[best])
    keep = ~is_new & ~relabel & (probs[:, 0] < drop[own])
    out[relabel] = best[relabel]
    out[keep] = own[keep]
    p = probs[rows, out]
    return out, p


def tune_stacked(
    probs: Any,
    y: Any,
    dflt: Any,
    elig: Any,
    classes: Sequence[str],
    gold: Mapping[str, int],
    gid: Any = None,
) -> dict[str, float]:
    """Add, drop and relabel thresholds per label for the held-out predictions ``probs``.

    Drop: ``drop_thresholds`` (no search: a default suggestion goes when it is wrong with
    probability above ``1 - F / 2``, F the default's held-out F of its label). Relabel:
    ``relabel_thresholds`` (no search either). Add: those that maximise the summed F of the
    group (coordinate ascent from "never"; a threshold moves only for a gain of
    ``MIN_GAIN``). ``gid``: per row the gold span a right new candidate finds (-1: none or
    unknown); right rows that find the same span count once, the others neither right nor
    wrong (the suggester keeps one of them).

    The F searched for here may be bought with precision, which the selection then refuses
    (``annotator.suggest.selection``). Requiring what is added or relabelled to be as precise
    as the default's own rows was tried: ACTOR and CLAIM were still never chosen, and PLACE
    was chosen in one or two of four GUM folds and lost named places held out."""
    labels = list(classes[1:])
    th = {f"{label}{suffix}": NEVER for label in labels for suffix in SUFFIXES}
    if not len(probs):
        return th
    th.update(drop_thresholds(y, dflt, classes, gold))
    th.update(relabel_thresholds(th, labels))
    gold_arr = np.array([0] + [gold.get(c, 0) for c in labels])
    gid = np.full(len(y), -1, dtype=np.int64) if gid is None else np.asarray(gid)

    def score(t: Mapping[str, float]) -> float:
        out, _ = stack_decide(classes, t, probs, dflt, elig)
        total = 0.0
        for c in range(1, len(classes)):
            chosen = out == c
            right = chosen & (y == c)
            shared = right & (gid >= 0)
            tp = int((right & (gid < 0)).sum()) + len(np.unique(gid[shared]))
            fp = int(chosen.sum()) - int(right.sum())
            den = tp + fp + gold_arr[c]
            total += 2 * tp / den if den else 0.0
        return total

    grids = {"": [*np.arange(0.2, 0.96, 0.05).round(3).tolist(), NEVER]}
    current = score(th)
    for _ in range(2):
        changed = False
        for label in labels:
            for suffix, grid in grids.items():
                key = label + suffix
                best_v, best_s = th[key], current
                for v in reversed(grid):  # ties keep the more cautious value
                    trial = dict(th)
                    trial[key] = v
                    s = score(trial)
                    if s > best_s + MIN_GAIN:
                        best_v, best_s = v, s
                if best_v != th[key]:
                    th[key], current, changed = best_v, best_s, True
        if not changed:
            break
    return th


def drop_thresholds(
    y: Any, dflt: Any, classes: Sequence[str], gold: Mapping[str, int]
) -> dict[str, float]:
    """Per label L, ``L:drop`` = ``1 - F / 2``, F the held-out F of the default suggestions of
    L (rows ``dflt == L``, right when ``y == L``; ``gold``: the gold spans of L).

    Dropping a suggestion that is right with probability q changes the expected F of its label
    by about (F/2 - q)/(number of spans): dropping pays exactly when q < F / 2, i.e. when the
    probability that it is wrong exceeds ``1 - F / 2``. The rule needs no search over
    thresholds: a grid chosen on the inner folds picked values at random between 0.5 and
    "never" (a few dozen wrong suggestions decide it), while this one only needs F, which the
    same rows estimate well. A label without gold spans or default suggestions never drops.
    """
    out: dict[str, float] = {}
    for c, label in enumerate(classes):
        if not c:
            continue
        mine = dflt == c
        tp = int((mine & (y == c)).sum())
        fp = int(mine.sum()) - tp
        den = tp + fp + gold.get(label, 0)
        if not mine.any() or not gold.get(label, 0) or not den:
            out[f"{label}:drop"] = NEVER
            continue
        out[f"{label}:drop"] = round(1.0 - tp / den, 4)  # 1 - F/2, F = 2tp/den
    return out


def relabel_thresholds(th: Mapping[str, float], labels: Sequence[str]) -> dict[str, float]:
    """Per label M of a group of several labels, ``M:relabel`` = ``RELABEL``: a default
    suggestion of another label L becomes M when M is the model's likeliest label with
    probability at least one half (no search).

    Relabelling adds to M a span that is right with probability q_M: M's expected F rises
    when q_M > F_M / 2 (see ``drop_thresholds``), which q_M >= 1/2 ensures whatever F_M; and
    L keeps it only with q_L <= 1 - q_M <= 1/2. Searched on the inner folds instead, the
    relabel thresholds stayed at "never" in three of four GUM folds for want of a summed gain
    of ``MIN_GAIN``, while held out the organisations the recogniser takes for places
    ("Scientology", "North Korea" where it acts) were relabelled right about twice as often as
    wrong (GUM 4-fold, seed 0: trained ACTOR 82.8 -> 83.2, PLACE 69.3 -> 69.8). A label
    without gold spans (it never drops, ``L:drop`` "never") is never relabelled into."""
    if len(labels) < 2:
        return {f"{label}:relabel": NEVER for label in labels}
    return {
        f"{label}:relabel": NEVER if th.get(f"{label}:drop", NEVER) >= NEVER else RELABEL
        for label in labels
    }
