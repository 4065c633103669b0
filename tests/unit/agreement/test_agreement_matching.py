"""Span matching (exact multiset, greedy overlap) and token coding against plain loops."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.agreement.matching import exact_matching, overlap_matching
from annotator.agreement.tokens import cover_tokens, token_bounds, tokenize_texts

from .helpers import random_text


def _greedy_reference(a: list[tuple[int, int, int]], b: list[tuple[int, int, int]]) -> set:
    cands = []
    for i, (ga, sa, ea) in enumerate(a):
        for j, (gb, sb, eb) in enumerate(b):
            ov = min(ea, eb) - max(sa, sb)
            if ga == gb and (ov > 0 or (sa, ea) == (sb, eb)):
                cands.append((-ov, abs(sa - sb) + abs(ea - eb), i, j))
    used_a: set[int] = set()
    used_b: set[int] = set()
    out = set()
    for _, _, i, j in sorted(cands):
        if i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            out.add((i, j))
    return out


spans = st.lists(
    st.tuples(st.integers(0, 2), st.integers(0, 30), st.integers(0, 12)).map(
        lambda t: (t[0], t[1], t[1] + t[2])
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(spans, spans)
def test_overlap_matching_is_the_greedy_matching(a: list, b: list) -> None:
    cols_a = np.array(a, dtype=np.int64).reshape(-1, 3).T
    cols_b = np.array(b, dtype=np.int64).reshape(-1, 3).T
    ia, ib = overlap_matching(*cols_a, *cols_b)
    assert set(zip(ia.tolist(), ib.tolist(), strict=True)) == _greedy_reference(a, b)
    assert len(set(ia.tolist())) == len(ia) and len(set(ib.tolist())) == len(ib)


def test_overlap_prefers_larger_overlap_then_closer_bounds() -> None:
    # A0 [0,10) overlaps B0 [5,12) by 5 and B1 [0,9) by 9 -> A0-B1; A1 [8,12) then takes B0.
    ia, ib = overlap_matching([0, 0], [0, 8], [10, 12], [0, 0], [5, 0], [12, 9])
    assert list(zip(ia, ib, strict=True)) == [(0, 1), (1, 0)]
    # same overlap (4): the closer bounds win
    ia, ib = overlap_matching([0], [0], [4], [0, 0], [0, 0], [8, 4])
    assert list(zip(ia, ib, strict=True)) == [(0, 1)]
    # different groups never match; an empty span matches only an identical one
    ia, ib = overlap_matching([0, 1, 1], [0, 3, 3], [5, 3, 3], [1, 1, 1], [0, 3, 2], [5, 3, 4])
    assert list(zip(ia, ib, strict=True)) == [(1, 1)]


@settings(max_examples=150, deadline=None)
@given(spans, spans)
def test_exact_matching_is_a_multiset_intersection(a: list, b: list) -> None:
    ia, ib = exact_matching(np.array(a).reshape(-1, 3), np.array(b).reshape(-1, 3))
    assert [a[i] for i in ia] == [b[j] for j in ib]
    assert len(ia) == sum((Counter(a) & Counter(b)).values())
    assert len(set(ib.tolist())) == len(ib)


def test_token_bounds_are_spacy_tokens() -> None:
    import spacy

    text = "Haftar's forces 😊 didn't\r\n\n  attack U.S. bases, said al-Sarraj (GNA)."
    doc = spacy.blank("en")(text)
    starts, ends = token_bounds(text)
    assert list(zip(starts, ends, strict=True)) == [(t.idx, t.idx + len(t)) for t in doc]
    assert [text[s:e] for s, e in zip(starts, ends, strict=True)][:3] == ["Haftar", "'s", "forces"]
    assert token_bounds("")[0].size == 0


@pytest.mark.parametrize("seed", range(10))
def test_cover_tokens_matches_a_loop(seed: int) -> None:
    rng = random.Random(seed)
    texts = [random_text(rng) for _ in range(6)]
    table = tokenize_texts(texts)
    for d, text in enumerate(texts):
        ts, te = table.doc_bounds(d)
        assert list(zip(ts, te, strict=True)) == list(zip(*token_bounds(text), strict=True))
        spans = [
            (s, min(len(text), s + rng.randint(0, 12)))
            for s in (rng.randint(0, len(text)) for _ in range(rng.randint(0, 5)))
        ]
        got = cover_tokens(ts, te, [s for s, _ in spans], [e for _, e in spans])
        want = [
            any(s < e2 and e > s2 and e > s for s, e in spans)
            for s2, e2 in zip(ts, te, strict=True)
        ]
        assert got.tolist() == want


def test_cover_tokens_spans_touching_and_inside_tokens() -> None:
    starts, ends = np.array([0, 6, 12]), np.array([5, 11, 13])  # "Hello world !"
    assert cover_tokens(starts, ends, [5], [6]).tolist() == [False, False, False]  # a space
    assert cover_tokens(starts, ends, [4], [7]).tolist() == [True, True, False]
    assert cover_tokens(starts, ends, [7, 8], [8, 13]).tolist() == [False, True, True]
    assert cover_tokens(starts, ends, [3], [3]).tolist() == [False, False, False]  # empty


def test_token_cache_reuses_and_stays_bounded() -> None:
    from annotator.agreement.tokens import _TokenCache

    cache = _TokenCache(max_tokens=10)
    first = cache.bounds("Haftar said no.")
    assert cache.bounds("Haftar said " + "no.") is first  # equal text, another object: a hit
    assert [int(x) for x in first[0]] == [0, 7, 12, 14]
    cache.bounds("one two three four five six seven")  # 7 tokens: the oldest text goes
    assert cache.tokens <= 10 and len(cache.items) == 1
    table = tokenize_texts(["a b", "", "c"])
    assert table.tokens_per_doc().tolist() == [2, 0, 1]
    assert table.starts.tolist() == [0, 2, 3] and table.ends.tolist() == [1, 3, 4]
