"""Learning the correction: what each candidate should learn (``targets_and_gold``) and the
classifiers per group, fitted per fold and on everything with thresholds tuned on the
held-out folds (``learn_groups``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.suggest.correction.candidates import GROUPS, NONE, Analysed, Candidate
from annotator.suggest.correction.classifier import Softmax, fit
from annotator.suggest.correction.decision import NEVER, SUFFIXES, eligible, tune_stacked
from annotator.suggest.correction.encoding import GroupData, group_data
from annotator.suggest.evaluation import greedy_pairs, iou
from annotator.values import SpanData


def targets(analysed: Analysed, gold: Sequence[SpanData]) -> list[str | None]:
    """Per candidate, what the stacked corrector should learn (``targets_and_gold``)."""
    return targets_and_gold(analysed, gold)[0]


def targets_and_gold(  # noqa: C901 - one pass per kind of candidate, as the docstring lists
    analysed: Analysed, gold: Sequence[SpanData]
) -> tuple[list[str | None], list[int]]:
    """Per candidate, what the stacked corrector should learn, and for a new candidate that is
    right the index (in ``gold``) of the gold span it finds (-1 otherwise):

    * a default suggestion of label L: L if it matches a gold L span when only the default
      suggestions are matched (the scorer's greedy one-to-one overlap), else another label of
      its group whose gold span no default matched and that it overlaps (a relabel), else NONE;
    * another candidate: the label of a gold span that no default suggestion matched, if it is
      matched to it (among the candidates that overlap no default suggestion of that label),
      else NONE; None when it overlaps a default suggestion of every label of its group (it is
      never added, so nothing is learned from it);
    * also right: a new candidate that covers at least half of the union with a gold span no
      default found (IoU >= 0.5) while another candidate is matched to it: the near-copies
      of a right span ("a few stray photographers" beside "just a few stray photographers")
      are not taught as wrong; one that overlaps such a gold span less is not learned from
      (adding it would find the span with other boundaries). Near-copies share the gold
      index, so that the tuning counts one found span once (``tune_stacked``);
    * nor is a new candidate whose head lies outside every gold span it overlaps
      (``_beside``: "police response" beside the gold "police").
    """
    cands = analysed.cands
    out: list[str | None] = [None] * len(cands)
    found: list[int] = [-1] * len(cands)
    gold_index = {(s.label, s.start, s.end): k for k, s in enumerate(gold)}
    unsure: set[int] = set()
    for group, labels in GROUPS.items():
        idx = [i for i, c in enumerate(cands) if c.group == group]
        if not idx:
            continue
        residual: dict[str, list[tuple[int, int]]] = {}
        for label in labels:
            golds = [(s.start, s.end) for s in gold if s.label == label]
            mine = [i for i in idx if cands[i].default == label]
            pairs = greedy_pairs(golds, [(cands[i].start, cands[i].end) for i in mine])
            for p in pairs:
                out[mine[p]] = label
            used = set(pairs.values())
            residual[label] = [g for k, g in enumerate(golds) if k not in used]
        astray = [i for i in idx if cands[i].default in labels and out[i] is None]
        for i in astray:
            out[i] = NONE
        for label in labels:
            others = [i for i in astray if cands[i].default != label and out[i] == NONE]
            pairs = greedy_pairs(residual[label], [(cands[i].start, cands[i].end) for i in others])
            for p in pairs:
                out[others[p]] = label
            used = set(pairs.values())
            residual[label] = [g for k, g in enumerate(residual[label]) if k not in used]
        new = [i for i in idx if cands[i].default not in labels]
        elig = eligible([cands[i] for i in new], [cands[i] for i in idx], labels)
        best = [0.0] * len(new)
        for k, label in enumerate(labels):
            pool = [j for j in range(len(new)) if elig[j][k]]
            for j in pool:
                if out[new[j]] is None:
                    out[new[j]] = NONE
            aside = [j for j in pool if _beside(cands[new[j]], residual[label])]
            unsure.update(new[j] for j in aside)
            pool = [j for j in pool if j not in set(aside)]
            ranges = [(cands[new[j]].start, cands[new[j]].end) for j in pool]
            for p, g in greedy_pairs(residual[label], ranges).items():
                value = iou(residual[label][g], ranges[p])
                if value > best[pool[p]]:
                    best[pool[p]], out[new[pool[p]]] = value, label
                    found[new[pool[p]]] = gold_index.get((label, *residual[label][g]), -1)
            for j, (start, end) in zip(pool, ranges, strict=True):
                if out[new[j]] != NONE:
                    continue
                near = [
                    (iou(r, (start, end)), r)
                    for r in residual[label]
                    if r[0] < end and start < r[1]
                ]
                if not near:
                    continue
                value, nearest = max(near)
                if value >= 0.5:
                    out[new[j]] = label
                    found[new[j]] = gold_index.get((label, *nearest), -1)
                else:
                    unsure.add(new[j])
    for i in unsure:
        if out[i] == NONE:  # not right for another label either
            out[i] = None
    return out, found


def _beside(cand: Candidate, golds: Sequence[tuple[int, int]]) -> bool:
    """Whether ``cand`` overlaps a gold span only with words around its head: its head lies
    outside every gold span it overlaps ("police response" beside the gold "police"). Such a
    candidate names something else; the scorer's overlap would count it, but learning it as
    right teaches that "response" is an actor, and as wrong that the phrase is not there."""
    if cand.head_span is None:
        return False
    hs, he = cand.head_span
    hit = [g for g in golds if g[0] < cand.end and cand.start < g[1]]
    return bool(hit) and not any(g[0] < he and hs < g[1] for g in hit)


@dataclass(slots=True)
class FoldModels:
    """Per fold, the classifiers trained without it; the final ones trained on everything."""

    folds: list[list[int]]
    per_fold: list[dict[str, Softmax]]
    final: dict[str, Softmax]


def learn_groups(
    analysed: Sequence[Analysed],
    golds: Sequence[Sequence[SpanData]],
    labels: Iterable[str],
    folds: list[list[int]],
    max_iter: int = 300,
    step: Callable[[], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    final: bool = True,
) -> FoldModels:
    """Fit each group's classifier once per fold (without it) and once on all documents
    (``final=False``: not, where only the folds' models are wanted).

    Thresholds: each fold's classifiers get those that maximise F on the held-out predictions
    of the other folds; the final ones those that maximise it on all held-out predictions.
    """
    wanted = set(labels)
    both = [targets_and_gold(a, g) for a, g in zip(analysed, golds, strict=True)]
    ys = [b[0] for b in both]
    found = [b[1] for b in both]
    out = FoldModels(folds, [{} for _ in folds], {})
    everything = range(len(analysed))
    for group, group_labels in GROUPS.items():
        classes = (NONE, *[lab for lab in group_labels if lab in wanted])
        if len(classes) < 2:
            continue
        data = group_data(analysed, golds, group, classes, ys, found)
        if not data.n or not (data.y > 0).any():
            continue
        held_probs: list[Any] = []
        held_data: list[GroupData] = []
        for f, test in enumerate(folds):
            if cancelled is not None and cancelled():
                return out
            held = set(test)
            model = fit(data.subset(i for i in everything if i not in held), max_iter=max_iter)
            part = data.subset(test)
            held_probs.append(model.proba_rows(part))
            held_data.append(part)
            out.per_fold[f][group] = model
            if step is not None:
                step()
        for f in range(len(folds)):
            others = [g for g in range(len(folds)) if g != f]
            out.per_fold[f][group].thresholds = _tune(held_probs, held_data, others, folds, data)
        if not final:
            continue
        model = fit(data, max_iter=max_iter)
        if step is not None:
            step()
        model.thresholds = _tune(held_probs, held_data, range(len(folds)), folds, data)
        out.final[group] = model
    return out


def _tune(
    probs: Sequence[Any],
    parts: Sequence[GroupData],
    which: Iterable[int],
    folds: Sequence[Sequence[int]],
    data: GroupData,
) -> dict[str, float]:
    """Thresholds tuned on the held-out predictions of the folds ``which`` (none: every
    threshold "never", so the trained model is the default)."""
    which = list(which)
    if not which:
        return {f"{label}{suffix}": NEVER for label in data.classes[1:] for suffix in SUFFIXES}
    return tune_stacked(
        np.concatenate([probs[f] for f in which]),
        np.concatenate([parts[f].y for f in which]),
        np.concatenate([parts[f].dflt for f in which]),
        np.concatenate([parts[f].elig for f in which]),
        data.classes,
        data.gold_counts(d for f in which for d in folds[f]),
        np.concatenate([parts[f].gid for f in which]) if data.gid is not None else None,
    )


def document_folds(n: int, k: int, seed: int = 0) -> list[list[int]]:
    """``k`` (at most ``n``) folds of document indices, shuffled with ``seed``."""
    import random

    order = list(range(n))
    random.Random(seed).shuffle(order)
    k = max(1, min(k, n))
    return [sorted(order[i::k]) for i in range(k)]
