"""Active-learning order: an annotator's queue, the documents that would teach the model most
first.

With a model folder written by ``annotator train``, every document of the queue goes through
the default pipeline and the trained classifiers score its candidates (the same decisions
``preannotate --model`` makes). What a document would teach is what the corrector learns from
it once annotated: one example per candidate that gets a training target (:func:`trainable`:
every default suggestion, and the other candidates that duplicate none). The app's score
(``APP_SCORE``, :func:`score_documents`) sums the model's uncertainty over those candidates
(not per character: every decision is an example). Before any model the rule scores stand in
(:func:`rule_uncertainty`). The default order is the assignment order (by document).

Measured by ``bench/bench_learning.py`` (c) on GUM (10 held-out sets, the default order in 6
assignment orders per set): no order, this one included, reaches the same F with fewer
documents beyond the spread of the default orders. Area under the mean-F curve against the
default order, and in units of a random order's spread over the 10 sets (z):

* ``total`` +.0011 (z 0.8), ``threshold`` +.0012 (0.9), ``novel`` +.0008 (0.6), ``dense``
  +.0006 (0.4), ``committee`` (the inner folds' classifiers; not in a model folder) +.0008
  (0.6);
* benchmark-only (:data:`BENCH_SCORES`), measured no better: ``gain`` (the labels training
  helps decide, by their inner-fold gain) +.0011 (0.8),
  ``coverage`` (the classic cold start: features not yet annotated, no model) +.0010 (0.7),
  ``dense-per-1000`` (per character, so size does not win) -.0012 (-0.9).

PLACE, the label that learns most (same order of measures): +.0031 / +.0037 / +.0056 /
+.0028 / +.0037 / +.0037 / +.0032 / -.0042, |z| at most 1.5. Telling +.001 from a random
order at z 2 would take about 60 independent held-out sets, more than 24 articles give.
``total`` stays the app's: no measure measured better, and it is the cheapest.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from annotator.cancel import Progress, quiet
from annotator.errors import NotFound, ValidationError
from annotator.vocabulary import AssignmentStatus

if TYPE_CHECKING:
    from annotator.project import Project
    from annotator.suggest.correction import Analysed, Candidate, LearnedModel, Softmax

Key = TypeVar("Key", bound=Hashable)

ORDERS = ("default", "uncertainty")
OPEN = (AssignmentStatus.TODO, AssignmentStatus.IN_PROGRESS)


@dataclass(frozen=True, slots=True)
class QueueEntry:
    document_id: int
    external_id: str
    title: str
    status: str
    uncertainty: float | None = None


MEASURES = ("entropy", "margin", "disagreement")  # per 1,000 characters (the first app measure)
# what a document would teach (score_documents)
TOTAL, THRESHOLD, NOVEL, DENSE = "total", "threshold", "novel", "dense"
SCORES = (TOTAL, THRESHOLD, NOVEL, DENSE)
APP_SCORE = TOTAL  # the measure of the app's and worklist's uncertainty order
MEASURE_CHOICES = (*SCORES, *MEASURES)  # what worklist --measure accepts
# needs the inner folds' classifiers, which a model folder does not keep: the benchmark's only
COMMITTEE = "committee"
# measured by the benchmark beside the app's (score_documents; see the module docstring)
GAIN, COVERAGE, DENSE_PER_1000 = "gain", "coverage", "dense-per-1000"
BENCH_SCORES = (COMMITTEE, GAIN, COVERAGE, DENSE_PER_1000)
_TIE = 1e-12  # a recomputed greedy value this far below the next bound still counts as equal
GAIN_FLOOR = 0.005  # a label's weight in ``gain`` when training did not help it (half an F point)


def decision_uncertainty(
    model: LearnedModel, analysed: Analysed, length: int, measure: str = "entropy"
) -> float:
    """Uncertainty of ``model``'s decisions on one analysed document of ``length`` characters,
    per 1,000 characters, summed over its candidates:

    * ``entropy``: entropy of each candidate's class probabilities, over log(classes);
    * ``margin``: one minus the gap between the two likeliest classes;
    * ``disagreement``: 1 where the model's decision differs from the default suggestions' (a
      default suggestion dropped or relabelled, or a candidate added).
    """
    import numpy as np

    from annotator.suggest.correction import NONE

    if measure not in MEASURES:
        raise ValidationError(
            f"unknown uncertainty '{measure}' (choose from {', '.join(MEASURES)})"
        )
    total = 0.0
    for group, clf in model.groups.items():
        cands = [c for c in analysed.cands if c.group == group]
        if not cands:
            continue
        probs = np.clip(clf.proba(cands), 1e-12, 1.0)
        if measure == "entropy":
            k = probs.shape[1]
            per = -(probs * np.log(probs)).sum(axis=1) / (np.log(k) if k > 1 else 1.0)
            total += float(per.sum())
        elif measure == "margin":
            top2 = np.sort(probs, axis=1)[:, -2:]
            total += float((1.0 - (top2[:, 1] - top2[:, 0])).sum())
        else:
            decided = clf.decide(probs, cands)
            total += sum(
                1.0
                for cand, (label, _p) in zip(cands, decided, strict=True)
                if label != (cand.default or NONE)
            )
    return total / max(length, 1) * 1000.0


def document_uncertainty(
    project: Project,
    model: str,
    doc_ids: list[int],
    progress: Progress | None = None,
    measure: str | None = None,
) -> dict[int, float]:
    """Document id -> how much the trained ``model`` (a folder) would learn from that
    document, by ``measure`` (default ``APP_SCORE``): one of :data:`SCORES`
    (:func:`score_documents`; ``novel`` discounts only what documents ranked above cover) or
    of :data:`MEASURES` (:func:`decision_uncertainty`, per 1,000 characters)."""
    from annotator import services
    from annotator.suggest.correction import analyse, is_learned_model, load_model
    from annotator.suggest.propose import Suggester, load_pipeline
    from storage.repository import documents as doc_repo

    measure = measure or APP_SCORE
    if measure not in SCORES and measure not in MEASURES:
        raise ValidationError(
            f"unknown uncertainty '{measure}' (choose from {', '.join((*SCORES, *MEASURES))})"
        )
    if not is_learned_model(model):
        raise ValidationError(
            f"'{model}' is not a model folder written by annotator train; uncertainty order "
            "needs one"
        )
    learned = load_model(model)
    watch = progress or quiet()
    with project.session() as s:
        docs = doc_repo.get_documents(s, doc_ids)
        registry = [(e.name, e.type or None, e.aliases) for e in services.list_entities(s)]
    total = len(docs)
    watch.report(0, total)
    nlp = load_pipeline(learned.base)
    rules = Suggester(nlp, project.scheme, registry)
    lengths = {d.id: len(d.text) for d in docs}
    analysed: dict[int, Analysed] = {}
    out: dict[int, float] = {}
    for done, (doc_id, item) in enumerate(
        analyse(((d.text, d.id) for d in docs), nlp, rules), start=1
    ):
        watch.check()
        if measure in MEASURES:
            out[doc_id] = round(decision_uncertainty(learned, item, lengths[doc_id], measure), 4)
        else:
            analysed[doc_id] = item
        watch.report(done, total)
    if analysed:
        ranked = score_documents(learned, analysed, measure)
        out = {doc_id: round(value, 4) for doc_id, value in ranked}
    return out


def annotator_queue(
    project: Project,
    annotator: str,
    order: str = "default",
    model: str | None = None,
    include_done: bool = False,
    progress: Progress | None = None,
    measure: str | None = None,
) -> list[QueueEntry]:
    """The documents assigned to ``annotator`` (open ones unless ``include_done``), in
    ``order``: "default" (by document) or "uncertainty" (needs ``model``), by ``measure``
    (:data:`MEASURE_CHOICES`; default the app's, :data:`APP_SCORE`)."""
    from storage.repository import annotators_assignments as ann_repo
    from storage.repository import documents as doc_repo

    if order not in ORDERS:
        raise ValidationError(f"unknown order '{order}' (choose from {', '.join(ORDERS)})")
    if measure is not None and measure not in MEASURE_CHOICES:
        raise ValidationError(
            f"unknown uncertainty measure '{measure}' (choose from {', '.join(MEASURE_CHOICES)})"
        )
    if measure is not None and order != "uncertainty":
        raise ValidationError(
            f"an uncertainty measure ('{measure}') needs uncertainty order (--order uncertainty)"
        )
    if order == "uncertainty" and not model:
        raise ValidationError("uncertainty order needs a trained model (--model DIR)")
    with project.session() as s:
        assigned = ann_repo.assignments(s, annotator=annotator)
        if not assigned:
            raise NotFound(f"no documents are assigned to '{annotator}'")
        status = {a.document_id: a.status for a in assigned}
        wanted = [d for d, st in status.items() if include_done or st in OPEN]
        summaries = {d.id: d for d in doc_repo.document_summaries(s, annotator)}
    scores: dict[int, float] = {}
    if order == "uncertainty" and wanted:
        assert model is not None
        scores = document_uncertainty(project, model, wanted, progress, measure)
    entries = [
        QueueEntry(
            d,
            summaries[d].external_id if d in summaries else str(d),
            summaries[d].title if d in summaries else "",
            status[d],
            scores.get(d),
        )
        for d in sorted(wanted)
    ]
    if order == "uncertainty":
        entries.sort(key=lambda e: (-(e.uncertainty or 0.0), e.document_id))
    return entries


# ------------------------------------------------------------------ what a document would teach


def trainable(analysed: Analysed, labels: Sequence[str] | None = None) -> list[Candidate]:
    """The candidates the corrector learns from once the document is annotated: every default
    suggestion of a group, and each other candidate that may become one of its group's labels
    (it duplicates no default suggestion of that label; :func:`correction.eligible`). These
    are exactly the rows ``correction.targets`` gives a target; the others teach nothing."""
    from annotator.suggest.correction import GROUPS, eligible

    out: list[Candidate] = []
    for group, group_labels in GROUPS.items():
        wanted = [lab for lab in group_labels if labels is None or lab in labels]
        cands = [c for c in analysed.cands if c.group == group]
        if not cands or not wanted:
            continue
        new = [c for c in cands if c.default is None]
        flags = iter(eligible(new, cands, wanted))
        out.extend(c for c in cands if c.default is not None or any(next(flags)))
    return out


def head_key(cand: Candidate) -> tuple[str, str]:
    """What a candidate is about, for coverage: its group and head lemma."""
    lemma = next((f for f in cand.feats if f.startswith("hl=")), "")
    return cand.group, lemma


def rule_uncertainty(analysed: Analysed) -> dict[int, float]:
    """Before any model: per trainable candidate (by ``id``), how unsure the default is of it:
    for a default suggestion one minus how far its rule score is from a coin flip, for any
    other candidate 1 (nothing has decided on it yet)."""
    scores = analysed.proposal.scores
    out: dict[int, float] = {}
    for cand in trainable(analysed):
        if cand.default is not None and cand.sid is not None and cand.sid in scores:
            out[id(cand)] = 1.0 - abs(2.0 * float(scores[cand.sid]) - 1.0)
        else:
            out[id(cand)] = 1.0
    return out


def candidate_uncertainty(
    model: LearnedModel | None, analysed: Analysed, how: str = "entropy"
) -> dict[int, float]:
    """Per trainable candidate (by ``id``), how much the trained ``model`` could learn from its
    label, in [0, 1]:

    * ``entropy``: the normalised entropy of its class probabilities;
    * ``threshold``: how close it is to changing the stacked decision: for a default
      suggestion, the no-span probability against its label's drop threshold; for another
      candidate, its likeliest label's probability against that label's add threshold (a
      threshold still at "never" counts as 1): 1 on the threshold, 0 half a unit away.

    Without a model (or a group it has no classifier for) every candidate counts as
    :func:`rule_uncertainty` says.
    """
    import numpy as np

    from annotator.suggest.correction import NEVER, NONE

    cold = rule_uncertainty(analysed)
    if model is None:
        return cold
    out: dict[int, float] = {}
    by_group: dict[str, list[Candidate]] = {}
    for cand in trainable(analysed):
        by_group.setdefault(cand.group, []).append(cand)
    for group, cands in by_group.items():
        clf = model.groups.get(group)
        if clf is None:
            out.update((id(c), cold[id(c)]) for c in cands)
            continue
        probs = np.clip(clf.proba(cands), 1e-12, 1.0)
        if how == "entropy":
            k = probs.shape[1]
            per = -(probs * np.log(probs)).sum(axis=1) / (np.log(k) if k > 1 else 1.0)
            out.update((id(c), float(u)) for c, u in zip(cands, per, strict=True))
            continue
        th = clf.thresholds
        for cand, row in zip(cands, probs, strict=True):
            if cand.default is not None and cand.default in clf.classes:
                p = float(row[clf.classes.index(NONE)])
                t = th.get(f"{cand.default}:drop", 0.5)
            else:
                k = int(np.argmax(row[1:])) + 1
                p, t = float(row[k]), th.get(clf.classes[k], 0.5)
            t = min(t, 1.0) if t < NEVER else 1.0
            out[id(cand)] = max(0.0, 1.0 - 2.0 * abs(p - t))
    return out


def committee_disagreement(
    committee: Sequence[Mapping[str, Softmax]], analysed: Analysed
) -> dict[int, float]:
    """Per trainable candidate (by ``id``), how much the members of ``committee`` (classifiers
    per group) disagree on it, in [0, 1]: the Jensen-Shannon divergence of their class
    probabilities (the entropy of the mean less the mean entropy), over log(classes). A group
    no member has a classifier for counts as :func:`rule_uncertainty` says."""
    import numpy as np

    cold = rule_uncertainty(analysed)
    out: dict[int, float] = {}
    by_group: dict[str, list[Candidate]] = {}
    for cand in trainable(analysed):
        by_group.setdefault(cand.group, []).append(cand)
    for group, cands in by_group.items():
        members = [m[group] for m in committee if group in m]
        if not members:
            out.update((id(c), cold[id(c)]) for c in cands)
            continue
        probs = np.stack([np.clip(m.proba(cands), 1e-12, 1.0) for m in members])
        k = probs.shape[2]

        def entropy(p: Any) -> Any:
            return -(p * np.log(p)).sum(axis=-1)

        js = entropy(probs.mean(axis=0)) - entropy(probs).mean(axis=0)
        js = np.clip(js / (np.log(k) if k > 1 else 1.0), 0.0, 1.0)
        out.update((id(c), float(u)) for c, u in zip(cands, js, strict=True))
    return out


def label_gains(model: LearnedModel | None) -> dict[str, float]:
    """Per label, how much training helped it held out: trained minus default F in the model's
    comparison (``comparison.json``; empty without one)."""
    from annotator.suggest.correction import DEFAULT, TRAINED

    table = ((model.meta.get("comparison") or {}) if model is not None else {}).get("spans", {})
    out: dict[str, float] = {}
    for label, row in table.items():
        try:
            out[label] = float(row[TRAINED]["f"]) - float(row[DEFAULT]["f"])
        except (KeyError, TypeError, ValueError):
            continue
    return out


def gain_weights(
    model: LearnedModel | None, analysed: Analysed, gains: Mapping[str, float]
) -> dict[int, float]:
    """Per trainable candidate (by ``id``), the weight of its label in ``gain``: the label's
    held-out gain from training (at least ``GAIN_FLOOR``) for a default suggestion's label; for
    another candidate the mean over the labels it may be added as, weighted by the model's
    probabilities (equal weights without a classifier)."""
    import numpy as np

    from annotator.suggest.correction import GROUPS, NONE

    def weight(label: str) -> float:
        return max(float(gains.get(label, 0.0)), GAIN_FLOOR)

    out: dict[int, float] = {}
    by_group: dict[str, list[Candidate]] = {}
    for cand in trainable(analysed):
        by_group.setdefault(cand.group, []).append(cand)
    for group, cands in by_group.items():
        clf = model.groups.get(group) if model is not None else None
        if clf is not None:
            probs = clf.proba(cands)
            labels = [c for c in clf.classes if c != NONE]
            cols = [clf.classes.index(c) for c in labels]
        else:
            labels = list(GROUPS[group])
        w = np.array([weight(label) for label in labels])
        for r, cand in enumerate(cands):
            if cand.default is not None:
                out[id(cand)] = weight(cand.default)
                continue
            p = probs[r, cols] if clf is not None else np.ones(len(labels))
            out[id(cand)] = float((p * w).sum() / max(float(p.sum()), 1e-12))
    return out


def feature_keys(analysed: Analysed) -> set[tuple[str, str]]:
    """What a document's trainable candidates carry that a classifier can learn a weight for:
    (group, feature) pairs (each group has a classifier of its own)."""
    return {(c.group, f) for c in trainable(analysed) for f in c.feats}


def score_documents(  # noqa: C901 - one branch per measure, as the docstring lists
    model: LearnedModel | None,
    analysed: Mapping[Key, Analysed],
    how: str = NOVEL,
    annotated: Iterable[Analysed] = (),
    committee: Sequence[Mapping[str, Softmax]] = (),
    lengths: Mapping[Key, int] | None = None,
) -> list[tuple[Key, float]]:
    """The documents of ``analysed`` best to annotate next first, with their scores: how much
    each would teach ``model`` (None: no model yet; the rule scores decide).

    * ``total``: the summed entropy of its trainable candidates (not per character: a
      document teaches through every decision it labels);
    * ``threshold``: the summed closeness to the decision thresholds (the decisions the model
      would change with a little more evidence);
    * ``dense``: the summed entropy, each candidate weighted by how typical what it is about
      (its group and head lemma) is of the documents ranked: the share of them that have a
      candidate about it (uncertain *and* typical, so what is learned carries over);
    * ``committee``: the summed disagreement of ``committee`` (classifiers per group, e.g. the
      inner folds' of training) on each trainable candidate (:func:`committee_disagreement`);
    * ``novel``: the summed entropy, each candidate weighted by how new what it is about is
      (``1 / (1 + n)``, ``n`` the candidates with its group and head lemma in the
      ``annotated`` documents and in those ranked above it): picked greedily, so a document
      about what is already labelled, or like one just ranked, goes down;
    * ``gain``: the summed entropy, each candidate weighted by how much training helped its
      label held out (:func:`label_gains`, :func:`gain_weights`): labels the model cannot
      improve do not decide the order;
    * ``coverage``: the features (:func:`feature_keys`) no ``annotated`` document nor one
      ranked above carries, each counted by the share of the queue's documents that carry it
      (greedy weighted coverage: what is common and not yet learned first; no model needed);
    * ``dense-per-1000``: ``dense`` per 1,000 characters (``lengths``), so that a long
      document does not win by its size.
    """
    choices = (*SCORES, *BENCH_SCORES)
    if how not in choices:
        raise ValidationError(f"unknown score '{how}' (choose from {', '.join(choices)})")
    if how == COVERAGE:
        return _coverage(analysed, annotated)
    gains = label_gains(model) if how == GAIN else {}
    per: dict[Key, list[tuple[tuple[str, str], float]]] = {}
    for key, item in analysed.items():
        if how == COMMITTEE and committee:
            unc = committee_disagreement(committee, item)
        else:
            unc = candidate_uncertainty(model, item, THRESHOLD if how == THRESHOLD else "entropy")
        if how == GAIN:
            weights = gain_weights(model, item, gains)
            unc = {k: u * weights.get(k, GAIN_FLOOR) for k, u in unc.items()}
        per[key] = [(head_key(c), unc[id(c)]) for c in trainable(item) if id(c) in unc]
    if how in (DENSE, DENSE_PER_1000):
        docs_with: dict[tuple[str, str], int] = {}
        for rows in per.values():
            for k in {k for k, _u in rows}:
                docs_with[k] = docs_with.get(k, 0) + 1
        n = max(len(per), 1)
        dense = [(key, sum(u * docs_with[k] / n for k, u in rows)) for key, rows in per.items()]
        if how == DENSE_PER_1000:
            if lengths is None:
                raise ValidationError(f"'{DENSE_PER_1000}' needs the documents' lengths")
            dense = [(key, value * 1000.0 / max(lengths[key], 1)) for key, value in dense]
        return sorted(dense, key=lambda t: -t[1])
    if how != NOVEL:
        ranked = [(key, sum(u for _, u in rows)) for key, rows in per.items()]
        return sorted(ranked, key=lambda t: -t[1])
    seen: dict[tuple[str, str], int] = {}
    for item in annotated:
        for cand in trainable(item):
            k = head_key(cand)
            seen[k] = seen.get(k, 0) + 1

    def novelty(key: Key) -> float:
        return sum(u / (1 + seen.get(k, 0)) for k, u in per[key])

    def take(key: Key) -> None:
        for k, _u in per[key]:
            seen[k] = seen.get(k, 0) + 1

    return _lazy_greedy(per, novelty, take)


def _coverage(
    analysed: Mapping[Key, Analysed], annotated: Iterable[Analysed]
) -> list[tuple[Key, float]]:
    """``coverage`` (see :func:`score_documents`): greedy, lazily re-evaluated."""
    keys = {key: feature_keys(item) for key, item in analysed.items()}
    share: dict[tuple[str, str], float] = {}
    for found in keys.values():
        for k in found:
            share[k] = share.get(k, 0.0) + 1.0 / max(len(keys), 1)
    seen: set[tuple[str, str]] = set()
    for item in annotated:
        seen |= feature_keys(item)

    def uncovered(key: Key) -> float:
        return sum(share[k] for k in keys[key] - seen)

    def take(key: Key) -> None:
        seen.update(keys[key])

    return _lazy_greedy(keys, uncovered, take)


def _lazy_greedy(
    keys: Iterable[Key], value: Callable[[Key], float], take: Callable[[Key], None]
) -> list[tuple[Key, float]]:
    """``keys`` greedily, the highest ``value`` first, with the value each had when taken;
    ``take(key)`` records a taken key (what ``value`` reads). A key's value only falls as keys
    are taken, so a stale one is an upper bound: recompute the top one and take it if it is
    still the best (ties: the first in ``keys``)."""
    order = {key: n for n, key in enumerate(keys)}
    heap = [(-value(key), n, key) for key, n in order.items()]
    heapq.heapify(heap)
    out: list[tuple[Key, float]] = []
    while heap:
        _bound, n, key = heapq.heappop(heap)
        fresh = value(key)
        if heap and fresh < -heap[0][0] - _TIE:
            heapq.heappush(heap, (-fresh, n, key))
            continue
        out.append((key, fresh))
        take(key)
    return out
