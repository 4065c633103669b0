"""Span geometry shared by the writers: overlaps, label sets that never overlap, outermost spans."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import TypeVar

from annotator.values import DocData, SpanData

T = TypeVar("T")


def overlapping_label_pairs(spans: Iterable[SpanData]) -> Counter[tuple[str, str]]:
    """Pairs of labels (sorted) whose spans overlap in ``spans``, with how often."""
    pairs: Counter[tuple[str, str]] = Counter()
    active: list[SpanData] = []
    for span in sorted(spans, key=lambda s: (s.start, s.end)):
        active = [a for a in active if a.end > span.start]
        for a in active:
            pairs[(a.label, span.label) if a.label <= span.label else (span.label, a.label)] += 1
        active.append(span)
    return pairs


def non_overlapping_labels(docs: Sequence[DocData]) -> tuple[list[str], Counter[tuple[str, str]]]:
    """A largest-first set of labels whose spans never overlap one another in any document.

    Returns the chosen labels (most frequent first) and every overlapping label pair found.
    """
    pairs: Counter[tuple[str, str]] = Counter()
    freq: Counter[str] = Counter()
    for doc in docs:
        freq.update(s.label for s in doc.spans)
        pairs.update(overlapping_label_pairs(doc.spans))
    return choose_non_overlapping(freq, pairs), pairs


def choose_non_overlapping(freq: Counter[str], pairs: Counter[tuple[str, str]]) -> list[str]:
    """``non_overlapping_labels`` from label counts and overlapping pairs already counted."""
    conflicts: dict[str, set[str]] = {}
    for a, b in pairs:
        conflicts.setdefault(a, set()).add(b)
        conflicts.setdefault(b, set()).add(a)
    chosen: list[str] = []
    for label, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0])):
        mine = conflicts.get(label, set())
        if label in mine or mine.intersection(chosen):
            continue
        chosen.append(label)
    return chosen


def outermost(
    items: Sequence[tuple[int, int, T]],
) -> tuple[list[tuple[int, int, T]], list[tuple[int, int, T]]]:
    """Split ``(start, end, payload)`` items into a non-overlapping kept list and the rest.

    Longer items win; between equally long ones the earlier wins. Kept items come back sorted.
    """
    order = sorted(range(len(items)), key=lambda i: (-(items[i][1] - items[i][0]), items[i][0], i))
    taken: list[tuple[int, int]] = []
    kept: list[tuple[int, int, T]] = []
    rest: list[tuple[int, int, T]] = []
    for i in order:
        start, end, _ = items[i]
        if any(start < e and s < end for s, e in taken):
            rest.append(items[i])
        else:
            taken.append((start, end))
            kept.append(items[i])
    kept.sort(key=lambda it: (it[0], it[1]))
    return kept, rest
