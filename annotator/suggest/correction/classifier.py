"""The classifier: a softmax regression over sparse string features (:class:`Softmax`, numpy),
fitted by full-batch Adam with an L2 prior of fixed strength (``fit``)."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.suggest.correction.candidates import NONE, Candidate
from annotator.suggest.correction.decision import eligibility, stack_decide
from annotator.suggest.correction.encoding import GroupData, stacked_feats
from annotator.suggest.linker import LinkCand

# L2 strength of the weights' prior, in examples (see ``fit``). Priors of 1, 10 and 30 moved the
# held-out F of ACTOR and CLAIM by at most 0.4 (GUM, 4-fold, seed 0), and zero weights for features
# seen in only one training document lowered both (ACTOR 81.1 -> 80.3, CLAIM 86.1 -> 85.6).
PRIOR = 3.0


@dataclass(slots=True)
class Softmax:
    """Multinomial logistic regression over sparse string features and a dense vector."""

    classes: tuple[str, ...]
    vocab: dict[str, int]
    w: Any  # (features, classes)
    wd: Any  # (dense, classes)
    b: Any  # (classes,)
    mu: Any  # dense mean
    sd: Any  # dense scale
    thresholds: dict[str, float] = field(default_factory=dict)
    iterations: int = 0

    def _design(self, cands: Sequence[Candidate | LinkCand]) -> tuple[Any, Any, Any]:
        rows: list[int] = []
        cols: list[int] = []
        vocab = self.vocab
        for r, c in enumerate(cands):
            for f in stacked_feats(c):
                j = vocab.get(f)
                if j is not None:
                    rows.append(r)
                    cols.append(j)
        dense = _dense_matrix(cands, len(self.mu))
        if len(self.mu):
            dense = (dense - self.mu) / self.sd
        return np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64), dense

    def proba(self, cands: Sequence[Candidate | LinkCand]) -> Any:
        if not cands:
            return np.zeros((0, len(self.classes)), dtype="float64")
        rows, cols, dense = self._design(cands)
        return _softmax(_logits(self.w, self.wd, self.b, rows, cols, dense, len(cands)))

    def proba_rows(self, data: GroupData) -> Any:
        """Probabilities of already encoded rows (``data`` shares this model's vocabulary)."""
        if not data.n:
            return np.zeros((0, len(self.classes)))
        x = (data.x - self.mu) / self.sd if len(self.mu) else data.x
        return _softmax(_logits(self.w, self.wd, self.b, data.rows, data.cols, x, data.n))

    def decide(self, probs: Any, cands: Sequence[Candidate]) -> list[tuple[str, float]]:
        """Per candidate (rows of ``probs``): the label it gets (NONE: no span) and its
        probability, by ``stack_decide``."""
        if not len(probs):
            return []
        index = {c: i for i, c in enumerate(self.classes)}
        dflt = np.array([index.get(c.default or NONE, 0) for c in cands], dtype=np.int64)
        elig = np.asarray(eligibility(cands, self.classes), dtype=bool)
        out, p = stack_decide(self.classes, self.thresholds, probs, dflt, elig)
        return [(self.classes[k], float(q)) for k, q in zip(out.tolist(), p.tolist(), strict=True)]

    def to_json(self) -> dict[str, Any]:
        return {
            "classes": list(self.classes),
            "vocab": sorted(self.vocab, key=self.vocab.__getitem__),
            "thresholds": self.thresholds,
            "iterations": self.iterations,
        }

    def arrays(self, name: str) -> dict[str, Any]:
        """The weights to save in an ``.npz`` beside ``to_json``, each under ``name.part``."""
        return {f"{name}.{part}": getattr(self, part) for part in _SAVED_ARRAYS}

    @classmethod
    def saved(cls, name: str, spec: Mapping[str, Any], weights: Any) -> Softmax:
        """The model ``to_json`` (``spec``) and ``arrays`` (in ``weights``) saved as ``name``."""
        w, wd, b, mu, sd = (weights[f"{name}.{part}"] for part in _SAVED_ARRAYS)
        return cls(
            tuple(spec["classes"]),
            {f: i for i, f in enumerate(spec["vocab"])},
            w,
            wd,
            b,
            mu,
            sd,
            {k: float(v) for k, v in spec["thresholds"].items()},
            int(spec.get("iterations", 0)),
        )


_SAVED_ARRAYS = ("w", "wd", "b", "mu", "sd")


def _dense_matrix(cands: Sequence[Candidate | LinkCand], width: int) -> Any:
    out = np.zeros((len(cands), width), dtype="float32")
    if width:
        for r, c in enumerate(cands):
            if len(c.dense) == width:
                out[r] = c.dense
    return out


def _logits(w: Any, wd: Any, b: Any, rows: Any, cols: Any, dense: Any, n: int) -> Any:
    out = np.zeros((n, w.shape[1]), dtype="float64") + b
    if len(rows):
        starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
        out[rows[starts]] += np.add.reduceat(w[cols], starts, axis=0)
    if wd.shape[0]:
        out += dense @ wd
    return out


def _softmax(z: Any) -> Any:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit(
    data: GroupData,
    l2: float | None = None,
    max_iter: int = 300,
    lr: float = 0.05,
    tol: float = 1e-4,
    patience: int = 10,
    min_iter: int = 40,
) -> Softmax:
    """Full-batch Adam on the mean cross-entropy plus L2, stopping early once the loss stops
    improving by ``tol`` (relative) for ``patience`` iterations. Features never seen in
    ``data`` keep a zero weight. ``l2`` defaults to ``PRIOR`` over the number of rows: a prior
    of fixed strength, so a group with few candidates (claims) is regularised more per row."""
    if l2 is None:
        l2 = PRIOR / max(data.n, 1)
    k = len(data.classes)
    width = data.x.shape[1]
    n = data.n
    mu = data.x.mean(axis=0) if width and n else np.zeros(width, dtype="float32")
    sd = data.x.std(axis=0) + 1e-3 if width and n else np.ones(width, dtype="float32")
    model = Softmax(
        data.classes,
        data.vocab,
        np.zeros((len(data.vocab), k)),
        np.zeros((width, k)),
        np.zeros(k),
        mu,
        sd,
    )
    if not n:
        return model
    with _one_blas_thread():
        _adam(model, data, l2, max_iter, lr, tol, patience, min_iter)
    return model


def _one_blas_thread() -> Any:
    """Small matrix products run faster on one BLAS thread, much faster on a busy machine."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # optional: only a speed-up
        from contextlib import nullcontext

        return nullcontext()
    return threadpool_limits(limits=1, user_api="blas")


def _adam(
    model: Softmax,
    data: GroupData,
    l2: float,
    max_iter: int,
    lr: float,
    tol: float,
    patience: int,
    min_iter: int,
) -> None:
    n, k = data.n, len(data.classes)
    mu, sd = model.mu, model.sd
    rows, cols = data.rows, data.cols
    x = ((data.x - mu) / sd).astype("float64")
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else rows
    first = rows[starts] if len(rows) else rows
    y = np.zeros((n, k))
    y[np.arange(n), data.y] = 1.0
    model.b = np.log((y.sum(axis=0) + 1.0) / (n + k))
    wt = np.zeros((k, len(data.vocab)))  # class-major: every per-class step is 1-D
    params = [wt, model.wd, model.b]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    best, stale = math.inf, 0
    it = 0
    vocab_size = len(data.vocab)
    for it in range(1, max_iter + 1):
        z = x @ model.wd + model.b
        if len(rows):
            for j in range(k):
                z[first, j] += np.add.reduceat(wt[j][cols], starts)
        p = _softmax(z)
        loss = -float(np.log(p[np.arange(n), data.y] + 1e-12).mean())
        loss += 0.5 * l2 * float((wt**2).sum() + (model.wd**2).sum())
        g = (p - y) / n
        gt = np.ascontiguousarray(g.T)
        gw = np.stack(
            [np.bincount(cols, weights=gt[j][rows], minlength=vocab_size) for j in range(k)]
        )
        grads = [gw + l2 * wt, x.T @ g + l2 * model.wd, g.sum(axis=0)]
        for i, (param, grad) in enumerate(zip(params, grads, strict=True)):
            m[i] = beta1 * m[i] + (1 - beta1) * grad
            v[i] = beta2 * v[i] + (1 - beta2) * grad * grad
            param -= lr * (m[i] / (1 - beta1**it)) / (np.sqrt(v[i] / (1 - beta2**it)) + eps)
        if loss < best * (1 - tol):
            best, stale = loss, 0
        else:
            stale += 1
            if stale >= patience and it >= min_iter:
                break
    model.w = np.ascontiguousarray(wt.T)
    model.iterations = it
