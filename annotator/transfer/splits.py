"""Document-level train/dev/test splits: seeded, stratified by label, duplicates kept together.

Documents with the same text (same SHA-256) or nearly the same text (Jaccard similarity of their
word 5-gram sets >= ``threshold``, found with MinHash and banded LSH, then checked exactly) form
one group, and a group goes to one split, so no article leaks from train into test by being
re-published with a new headline. Groups are then placed one by one, rarest label first, in the
split that most lacks that label (then documents), ties broken by a seeded random draw: the
iterative stratification of Sechidis et al. (2011), applied to groups.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.errors import SplitError

if TYPE_CHECKING:  # numpy is imported where it is used: ``parse_split`` alone must stay light
    import numpy as np
from annotator.values import DocData

SPLIT_NAMES = ("train", "dev", "test")
SHINGLE = 5
NUM_PERM = 64
BANDS = 16  # 16 bands x 4 rows: a pair at Jaccard 0.8 becomes a candidate with p > 0.999
_WORD = re.compile(r"\w+")
_MASK61 = (1 << 61) - 1


def parse_split(spec: str) -> tuple[int, int, int]:
    """``"80,10,10"`` -> ``(80, 10, 10)``; any three non-negative whole numbers, not all zero."""
    parts = [p.strip() for p in spec.replace("/", ",").split(",")]
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        raise SplitError(f"a split must be three whole numbers like 80,10,10, got '{spec}'")
    train, dev, test = (int(p) for p in parts)
    if train + dev + test == 0:
        raise SplitError(f"a split must not be all zero, got '{spec}'")
    return train, dev, test


@dataclass
class SplitPlan:
    assignment: dict[str, str]  # document id -> split name
    exact_duplicates: int = 0  # documents that share their text with an earlier one
    near_duplicates: int = 0  # documents joined to a group by near-identical text
    groups: int = 0
    notes: list[str] = field(default_factory=list)


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        parent = self.parent
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def union(self, a: int, b: int) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        self.parent[max(ra, rb)] = min(ra, rb)
        return True


def _shingles(
    text: str, vocab: dict[str, int], fresh: Iterator[int], unique: bool = True
) -> np.ndarray:
    """Sorted unique 64-bit hashes of the word 5-grams of ``text`` (lower-cased words); with
    ``unique=False`` the hashes as they come, repeats included (enough for a minimum).

    A word's number is its first ``fresh`` value (unique and deterministic, not dense).
    """
    import numpy as np

    words = _WORD.findall(text.lower())
    ids = np.fromiter(map(vocab.setdefault, words, fresh), dtype=np.uint64, count=len(words))
    if ids.size == 0:
        return ids
    if ids.size < SHINGLE:
        ids = np.concatenate([ids, np.zeros(SHINGLE - ids.size, dtype=np.uint64)])
    n = ids.size - SHINGLE + 1
    h = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for k in range(SHINGLE):
            h = h * np.uint64(1_000_003) + ids[k : k + n]
    return np.unique(h) if unique else h


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    import numpy as np

    if a.size == 0 or b.size == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


def duplicate_groups(
    texts: Iterable[str],
    threshold: float = 0.8,
    text_of: Callable[[int], str] | None = None,
    expected: int = 0,
) -> tuple[list[int], int, int]:
    """Group index per text (exact and near duplicates share one), and the two duplicate counts.

    ``texts`` is read once, in order; only a SHA-256 digest and the MinHash signature of each text
    are kept, so a corpus can be streamed. Candidate pairs are checked
    exactly on their shingles, rebuilt from ``text_of(index)`` (default: ``texts[index]``,
    which then must be a sequence). ``expected``, the number of texts when known, sizes the
    signature table once (no copy while it grows: that copy was the peak of a large split)."""
    if text_of is None:
        seq = texts if isinstance(texts, Sequence) else list(texts)
        texts, text_of = seq, seq.__getitem__
    vocab: dict[str, int] = {}
    n, exact_pairs, signed, table = _signatures(texts, vocab, expected)
    uf = _UnionFind(n)
    for i, j in exact_pairs:
        uf.union(i, j)
    near = _join_near_duplicates(uf, signed, table, text_of, vocab, threshold) if signed else 0
    return [uf.find(i) for i in range(n)], len(exact_pairs), near


def _signatures(
    texts: Iterable[str], vocab: dict[str, int], expected: int = 0
) -> tuple[int, list[tuple[int, int]], list[int], np.ndarray]:
    """One pass over the texts: how many, the (later, first) pairs of exact duplicates, the
    unique texts with at least one word in order, and their MinHash signatures (one row each)."""
    import numpy as np

    first: dict[bytes, int] = {}
    exact_pairs: list[tuple[int, int]] = []
    fresh = itertools.count(1)
    rng = np.random.default_rng(0x5EED)
    a = rng.integers(1, int(_MASK61), size=NUM_PERM, dtype=np.uint64)
    b = rng.integers(0, int(_MASK61), size=NUM_PERM, dtype=np.uint64)
    signed: list[int] = []  # unique texts with at least one word, in order
    # their MinHash signatures, NUM_PERM uint64 each, in a buffer grown by halves
    table = np.empty((max(expected, 1024), NUM_PERM), dtype=np.uint64)
    n = 0
    with np.errstate(over="ignore"):
        for i, text in enumerate(texts):
            n += 1
            digest = hashlib.sha256(text.encode("utf-8")).digest()
            j = first.setdefault(digest, i)
            if j != i:
                exact_pairs.append((i, j))
                continue
            sh = _shingles(text, vocab, fresh, unique=False)  # repeats leave a minimum as is
            if sh.size == 0:
                continue
            hashed = np.multiply.outer(sh, a)  # one (shingles x NUM_PERM) block, worked in place
            hashed += b
            hashed >>= np.uint64(29)  # high bits
            sig = hashed.min(axis=0)
            if len(signed) == len(table):
                table = np.concatenate([table, np.empty_like(table[: len(table) // 2 + 1])])
            table[len(signed)] = sig
            signed.append(i)
    return n, exact_pairs, signed, table[: len(signed)]


def _band_buckets(table: np.ndarray, signed: list[int]) -> Iterator[list[int]]:
    """Per LSH band, the groups (of two or more) of texts whose signatures agree on the band,
    each in text order."""
    import numpy as np

    rows = NUM_PERM // BANDS
    order_ids = np.asarray(signed)
    for band in range(BANDS):
        sub = table[:, band * rows : (band + 1) * rows]
        order = np.lexsort(sub.T[::-1])  # rows with equal bands end up next to each other
        ordered = sub[order]
        cuts = np.flatnonzero((ordered[1:] != ordered[:-1]).any(axis=1)) + 1
        del ordered
        bounds = np.r_[0, cuts, len(order)]
        shared = np.flatnonzero(np.diff(bounds) >= 2)  # buckets of two or more only
        for lo, hi in zip(bounds[shared].tolist(), bounds[shared + 1].tolist(), strict=True):
            yield [int(x) for x in order_ids[np.sort(order[lo:hi])]]


def _join_near_duplicates(
    uf: _UnionFind,
    signed: list[int],
    table: np.ndarray,
    text_of: Callable[[int], str],
    vocab: dict[str, int],
    threshold: float,
) -> int:
    """Join candidate pairs (same band, at most 50 apart in a bucket) whose shingle sets have
    a Jaccard similarity of at least ``threshold``; return how many joins were made."""
    cache: dict[int, np.ndarray] = {}

    def shingles(i: int) -> np.ndarray:
        found = cache.get(i)
        if found is None:
            if len(cache) > 512:
                cache.clear()
            found = cache[i] = _shingles(text_of(i), vocab, itertools.count(1 << 62))
        return found

    near = 0
    checked: set[tuple[int, int]] = set()
    for members in _band_buckets(table, signed):
        for pos, i in enumerate(members[1:], start=1):
            for j in members[max(0, pos - 50) : pos]:
                if uf.find(i) == uf.find(j) or (j, i) in checked:
                    continue
                checked.add((j, i))
                if _jaccard(shingles(i), shingles(j)) >= threshold:
                    uf.union(i, j)
                    near += 1
    return near


def _fill_empty(
    placed: dict[int, list[int]], members: dict[int, list[int]], usable: list[int]
) -> list[str]:
    """Give each empty split with a positive ratio one group from the fullest split, so that
    a small corpus still has dev and test data (spaCy cannot train with an empty dev set)."""
    moved: list[str] = []
    for k in usable:
        if placed[k]:
            continue
        donor = max(usable, key=lambda d: (len(placed[d]), -d))
        if len(placed[donor]) < 2:
            break
        # the last group placed there is the one the stratification cared least about
        g = min(reversed(placed[donor]), key=lambda x: len(members[x]))
        placed[donor].remove(g)
        placed[k].append(g)
        moved.append(SPLIT_NAMES[k])
    return moved


def split_documents(
    docs: Sequence[DocData],
    ratios: tuple[int, int, int],
    seed: int = 0,
    threshold: float = 0.8,
) -> SplitPlan:
    """Assign every document to train, dev or test (see the module docstring)."""
    return plan_split(
        [d.id for d in docs],
        [{s.label for s in d.spans} for d in docs],
        (d.text for d in docs),
        ratios,
        seed,
        threshold,
        text_of=lambda i: docs[i].text,
    )


def plan_split(
    ids: Sequence[str],
    label_sets: Sequence[Collection[str]],
    texts: Iterable[str],
    ratios: tuple[int, int, int],
    seed: int = 0,
    threshold: float = 0.8,
    text_of: Callable[[int], str] | None = None,
) -> SplitPlan:
    """``split_documents`` from what it needs of each document: its id, the set of its span
    labels and its text (``texts`` is read once, in the order of ``ids``; ``text_of(index)``
    gives one text again for the exact check of a near-duplicate candidate)."""
    total_ratio = sum(ratios)
    if total_ratio <= 0 or min(ratios) < 0:
        raise SplitError(f"split ratios must be non-negative and not all zero, got {ratios}")
    fractions = [r / total_ratio for r in ratios]
    group_of, exact, near = duplicate_groups(texts, threshold, text_of, expected=len(ids))
    if len(group_of) != len(ids):
        raise ValueError("plan_split: as many texts as ids are needed")
    members: dict[int, list[int]] = {}
    for i, g in enumerate(group_of):
        members.setdefault(g, []).append(i)
    group_labels, label_docs = _labels_per_group(label_sets, members)
    want_docs = [f * len(ids) for f in fractions]
    want_label = {lab: [f * n for f in fractions] for lab, n in label_docs.items()}
    rng = random.Random(seed)
    groups = list(members)
    rng.shuffle(groups)

    def rarest(g: int) -> tuple[int, int]:
        labels = group_labels[g]
        return (min((label_docs[lab] for lab in labels), default=len(ids) + 1), -len(members[g]))

    groups.sort(key=rarest)  # stable: the shuffle breaks ties
    usable = [k for k, f in enumerate(fractions) if f > 0]
    placed: dict[int, list[int]] = {k: [] for k in usable}  # split -> groups, in placing order
    for g in groups:
        labels = group_labels[g]
        if labels:
            lab = min(labels, key=lambda x: (label_docs[x], x))
            key = [(want_label[lab][k], want_docs[k], rng.random()) for k in usable]
        else:
            key = [(0.0, want_docs[k], rng.random()) for k in usable]
        k = usable[max(range(len(usable)), key=lambda u: key[u])]
        want_docs[k] -= len(members[g])
        for lab2, n in labels.items():
            want_label[lab2][k] -= n
        placed[k].append(g)
    moved = _fill_empty(placed, members, usable)
    split_of = {g: k for k, gs in placed.items() for g in gs}
    assignment = {ids[i]: SPLIT_NAMES[split_of[g]] for g in groups for i in members[g]}
    plan = SplitPlan(assignment, exact, near, len(members))
    plan.notes += _plan_notes(moved, exact, near, len(members), assignment, usable)
    return plan


def _labels_per_group(
    label_sets: Sequence[Collection[str]], members: dict[int, list[int]]
) -> tuple[dict[int, Counter[str]], Counter[str]]:
    """Per duplicate group, in how many of its documents each label occurs; and per label, in
    how many documents overall."""
    label_docs: Counter[str] = Counter()
    group_labels: dict[int, Counter[str]] = {}
    alone: dict[frozenset[str], Counter[str]] = {}  # one shared (read-only) count per label set
    for g, idx in members.items():
        if len(idx) == 1:  # most groups: one document, whose labels count once each
            key = frozenset(label_sets[idx[0]])
            counts = alone.get(key)
            if counts is None:
                counts = alone[key] = Counter(dict.fromkeys(key, 1))
        else:
            counts = Counter()
            for i in idx:
                counts.update(set(label_sets[i]))
        group_labels[g] = counts
        label_docs.update(counts)
    return group_labels, label_docs


def _plan_notes(
    moved: list[str],
    exact: int,
    near: int,
    n_groups: int,
    assignment: dict[str, str],
    usable: list[int],
) -> list[str]:
    notes = []
    if moved:
        notes.append(
            f"tiny corpus: {', '.join(moved)} would have been empty and got one "
            "document group from the fullest split"
        )
    if exact or near:
        notes.append(
            f"{exact} exact and {near} near-duplicate document(s) kept in the same split as "
            f"their look-alikes ({n_groups} groups)"
        )
    counts = Counter(assignment.values())
    empty = [SPLIT_NAMES[k] for k in usable if counts[SPLIT_NAMES[k]] == 0]
    if empty:
        notes.append(f"split(s) left empty for lack of documents: {', '.join(empty)}")
    return notes
