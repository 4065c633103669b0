"""The candidates of one group over many documents encoded once as rows (:class:`GroupData`),
so that the classifiers are refitted without parsing again."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.suggest.correction.candidates import NONE, Analysed, Candidate
from annotator.suggest.correction.decision import eligibility
from annotator.suggest.linker import LinkCand
from annotator.values import SpanData

# The pipeline's contextual vectors (doc.tensor) as features: off. On GUM 4-fold they made the
# claim corrector worse held out (the few hundred claims are learned by heart) and training slower.
DENSE = False


@dataclass(slots=True)
class GroupData:
    """The candidates of one group over many documents, encoded once: sparse features as
    (row, column) pairs sorted by row, the dense vectors, the target class per row."""

    classes: tuple[str, ...]
    vocab: dict[str, int]
    doc_of: Any  # (n,) document index per row
    rows: Any
    cols: Any
    x: Any  # (n, dense width)
    y: Any  # (n,) class index
    gold: Any  # (documents, classes) gold spans per document and label (column 0 unused)
    dflt: Any  # (n,) class index of the default suggestion a row is (0: a new candidate)
    elig: Any  # (n, classes) whether a new candidate may become that label
    gid: Any = None  # (n,) the gold span a right new candidate finds (unique over documents), or -1

    @property
    def n(self) -> int:
        return len(self.doc_of)

    def subset(self, docs: Iterable[int]) -> GroupData:
        keep = np.isin(self.doc_of, np.fromiter(docs, dtype=np.int64))
        new_id = np.cumsum(keep) - 1
        nz = keep[self.rows]
        return GroupData(
            self.classes,
            self.vocab,
            self.doc_of[keep],
            new_id[self.rows[nz]],
            self.cols[nz],
            self.x[keep],
            self.y[keep],
            self.gold,
            self.dflt[keep],
            self.elig[keep],
            None if self.gid is None else self.gid[keep],
        )

    def gold_counts(self, docs: Iterable[int]) -> dict[str, int]:
        total = self.gold[np.fromiter(docs, dtype=np.int64)].sum(axis=0)
        return {label: int(total[k]) for k, label in enumerate(self.classes) if k}


def group_data(
    analysed: Sequence[Analysed],
    golds: Sequence[Sequence[SpanData]],
    group: str,
    classes: Sequence[str],
    ys: Sequence[Sequence[str | None]],
    found: Sequence[Sequence[int]] | None = None,
) -> GroupData:
    vocab: dict[str, int] = {"bias": 0}
    doc_of: list[int] = []
    rows: list[int] = []
    cols: list[int] = []
    dense: list[Any] = []
    y: list[int] = []
    dflt: list[int] = []
    elig: list[list[bool]] = []
    gid: list[int] = []
    index = {c: i for i, c in enumerate(classes)}
    width = 0
    offset = 0  # gold indices made unique over documents
    for d, (an, targets_) in enumerate(zip(analysed, ys, strict=True)):
        mine = [c for c in an.cands if c.group == group]
        flags = dict(zip(map(id, mine), eligibility(mine, classes), strict=True))
        hits = found[d] if found is not None else [-1] * len(targets_)
        for cand, target, hit in zip(an.cands, targets_, hits, strict=True):
            if cand.group != group or target is None:
                continue
            r = len(doc_of)
            doc_of.append(d)
            gid.append(offset + hit if hit >= 0 else -1)
            dflt.append(index.get(cand.default or NONE, 0))
            elig.append(flags[id(cand)])
            for f in stacked_feats(cand):
                j = vocab.setdefault(f, len(vocab))
                rows.append(r)
                cols.append(j)
            if DENSE:
                dense.append(cand.dense)
                width = max(width, len(cand.dense))
            y.append(index.get(target, 0))
        offset += len(golds[d]) if d < len(golds) else 0
    x = np.zeros((len(doc_of), width), dtype="float32")
    for r, vec in enumerate(dense):  # empty unless DENSE
        if len(vec) == width:
            x[r] = vec
    gold = np.zeros((len(analysed), len(classes)), dtype=np.int64)
    for d, spans in enumerate(golds):
        for sp in spans:
            k = index.get(sp.label)
            if k:
                gold[d, k] += 1
    return GroupData(
        tuple(classes),
        vocab,
        np.asarray(doc_of, dtype=np.int64),
        np.asarray(rows, dtype=np.int64),
        np.asarray(cols, dtype=np.int64),
        x,
        np.asarray(y, dtype=np.int64),
        gold,
        np.asarray(dflt, dtype=np.int64),
        np.asarray(elig, dtype=bool).reshape(len(doc_of), len(classes)),
        np.asarray(gid, dtype=np.int64),
    )


def stacked_feats(cand: Candidate | LinkCand) -> list[str]:
    """The candidate's features, and for a default suggestion each again prefixed ``D:``:
    the default suggestions get weights of their own beside the ones they share (a link
    candidate of the linker is never a default suggestion)."""
    if not isinstance(cand, Candidate) or cand.default is None:
        return cand.feats
    return [*cand.feats, *(f"D:{f}" for f in cand.feats)]
