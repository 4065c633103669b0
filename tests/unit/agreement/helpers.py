"""Random layers and straightforward reference implementations for the agreement tests."""

from __future__ import annotations

import random

import numpy as np

from annotator.agreement.tokens import token_bounds
from annotator.values import DocData, RelationData, SpanData

WORDS = (
    "The minister said on Tuesday that rebels had attacked Tripoli , killing 12 people . "
    "“ We will not accept this , ” he told reporters in Benghazi 😊 . U.S. officials "
    "didn't comment\r\n"
).split(" ")
LABELS = ("ACTOR", "EVENT", "PLACE")


def random_text(rng: random.Random) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 40)))


def random_layers(
    seed: int,
    n_docs: int = 12,
    names: tuple[str, ...] = ("a", "b", "c"),
    p_missing: float = 0.3,
) -> dict[str, list[DocData]]:
    """Each annotator skips a document with probability ``p_missing``; spans are partly shared
    (copied from a per-document pool) so that agreement is neither 0 nor 1."""
    rng = random.Random(seed)
    layers: dict[str, list[DocData]] = {n: [] for n in names}
    for d in range(n_docs):
        text = random_text(rng)
        pool = []
        for _ in range(rng.randint(0, 6)):
            s = rng.randint(0, len(text))
            pool.append((s, min(len(text), s + rng.randint(0, 15)), rng.choice(LABELS)))
        for name in names:
            if rng.random() < p_missing:
                continue
            spans = []
            for k, (s, e, lab) in enumerate(pool):
                if rng.random() < 0.7:
                    attrs = {"type": rng.choice(["x", "y"])} if lab == "ACTOR" else {}
                    spans.append(SpanData(f"s{k}", s, e, lab, attrs))
            if text and rng.random() < 0.5:
                s = rng.randint(0, len(text) - 1)
                spans.append(SpanData("extra", s, s + 1, rng.choice(LABELS)))
            rels = tuple(
                RelationData(f"r{i}", rng.choice(["agent", "place"]), spans[i].id, spans[i + 1].id)
                for i in range(len(spans) - 1)
                if rng.random() < 0.6
            )
            layers[name].append(DocData(f"d{d}", text, spans=tuple(spans), relations=rels))
    return layers


def reference_codes(layers: dict[str, list[DocData]], label: str) -> np.ndarray:
    """Annotators x tokens (all documents, first-seen order), NaN = not annotated; coded with a
    plain loop over tokens and spans."""
    texts: dict[str, str] = {}
    for docs in layers.values():
        for doc in docs:
            texts.setdefault(doc.id, doc.text)
    toks = {i: list(zip(*token_bounds(t), strict=True)) for i, t in texts.items()}
    rows = []
    for docs in layers.values():
        by_id = {doc.id: doc for doc in docs}
        row: list[float] = []
        for doc_id in texts:
            for ts, te in toks[doc_id]:
                if doc_id not in by_id:
                    row.append(np.nan)
                    continue
                hit = any(
                    sp.label == label and sp.start < te and sp.end > ts and sp.end > sp.start
                    for sp in by_id[doc_id].spans
                )
                row.append(1.0 if hit else 0.0)
        rows.append(row)
    return np.array(rows, dtype=np.float64).reshape(len(rows), -1)


def fleiss_reference(data: np.ndarray) -> float:
    """Fleiss' kappa written out unit by unit; units with fewer than two codes are skipped and
    each unit's agreement uses its own number of raters (equals Fleiss 1971 for a fixed one)."""
    cats = sorted({float(v) for v in data.ravel() if not np.isnan(v)})
    per_unit = []
    totals = dict.fromkeys(cats, 0.0)
    n_all = 0.0
    for u in range(data.shape[1]):
        vals = [float(v) for v in data[:, u] if not np.isnan(v)]
        n = len(vals)
        if n < 2:
            continue
        agree = sum(vals.count(c) * (vals.count(c) - 1) for c in cats) / (n * (n - 1))
        per_unit.append(agree)
        for c in cats:
            totals[c] += vals.count(c)
        n_all += n
    if not per_unit:
        return float("nan")
    p_bar = sum(per_unit) / len(per_unit)
    p_e = sum((t / n_all) ** 2 for t in totals.values())
    return float("nan") if p_e == 1 else (p_bar - p_e) / (1 - p_e)
