"""Document-level splits: parsing, proportions, stratification, duplicates, determinism."""

from __future__ import annotations

import random
from collections import Counter

import pytest

from annotator.errors import SplitError
from annotator.transfer.splits import duplicate_groups, parse_split, split_documents
from annotator.values import DocData, SpanData

WORDS = [f"w{i}" for i in range(3000)]


def _text(rng: random.Random, n: int = 120) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def _doc(i: int, text: str, labels: tuple[str, ...] = ("ACTOR",)) -> DocData:
    return DocData(
        f"d{i}", text, spans=tuple(SpanData(f"s{k}", 0, 2, lab) for k, lab in enumerate(labels))
    )


def test_parse_split() -> None:
    assert parse_split("80,10,10") == (80, 10, 10)
    assert parse_split(" 8, 1 ,1") == (8, 1, 1)
    for bad in ("80,20", "a,b,c", "0,0,0", "-1,50,51", "80,10,10,0"):
        with pytest.raises(SplitError, match="a split must"):
            parse_split(bad)


def test_duplicates_exact_and_near() -> None:
    rng = random.Random(1)
    base = _text(rng, 200)
    words = base.split()
    words[50] = "changed"  # one word in 200: Jaccard of 5-gram sets about 0.95
    near = " ".join(words)
    far = " ".join(words[:100]) + " " + _text(rng, 100)  # half the text: about 0.33
    texts = [base, _text(rng), base, near, far, near.upper()]
    groups, exact, near_n = duplicate_groups(texts)
    assert groups[0] == groups[2] == groups[3] == groups[5]  # case is ignored
    assert len({groups[0], groups[1], groups[4]}) == 3
    assert exact == 1 and near_n == 2


def test_proportions_stratification_and_duplicates_together() -> None:
    rng = random.Random(7)
    docs = [
        _doc(i, _text(rng), ("ACTOR", "RARE") if i % 20 == 0 else ("ACTOR",)) for i in range(400)
    ]
    copies = [_doc(1000 + i, docs[i].text) for i in range(0, 60, 3)]
    plan = split_documents(docs + copies, (80, 10, 10), seed=3)
    counts = Counter(plan.assignment.values())
    assert abs(counts["train"] - 336) <= 6 and abs(counts["dev"] - 42) <= 6
    rare = Counter(plan.assignment[d.id] for d in docs if len(d.spans) == 2)
    assert rare == {"train": 16, "dev": 2, "test": 2}  # 20 RARE documents, stratified
    for i, copy in zip(range(0, 60, 3), copies, strict=True):
        assert plan.assignment[copy.id] == plan.assignment[f"d{i}"]
    assert plan.exact_duplicates == 20 and "20 exact" in plan.notes[0]


def test_seeded_and_deterministic() -> None:
    rng = random.Random(2)
    docs = [_doc(i, _text(rng, 30)) for i in range(100)]
    a = split_documents(docs, (80, 10, 10), seed=1).assignment
    assert a == split_documents(docs, (80, 10, 10), seed=1).assignment
    assert a != split_documents(docs, (80, 10, 10), seed=2).assignment


def test_small_corpus_and_zero_ratio() -> None:
    docs = [_doc(i, f"text number {i}") for i in range(3)]
    plan = split_documents(docs, (1, 1, 1))
    assert sorted(plan.assignment.values()) == ["dev", "test", "train"]
    plan = split_documents(docs, (100, 0, 0))
    assert set(plan.assignment.values()) == {"train"}
    plan = split_documents(docs, (80, 10, 10))  # dev and test each get one document
    assert sorted(plan.assignment.values()) == ["dev", "test", "train"]
    assert "tiny corpus: dev, test" in plan.notes[0]
    plan = split_documents(docs[:1], (80, 10, 10))
    assert "left empty" in plan.notes[-1]


def test_duplicate_groups_streamed_past_the_first_buffer() -> None:
    """More texts than the signature buffer first holds, read once from an iterator."""
    import random

    rnd = random.Random(4)
    vocab = [f"w{k}" for k in range(5000)]
    texts = [" ".join(rnd.choices(vocab, k=120)) for _ in range(2500)]
    texts[2400] = texts[5]  # exact
    words = texts[10].split()
    words[60] = "changed"
    texts[2450] = " ".join(words)  # near
    groups, exact, near = duplicate_groups(iter(texts), text_of=texts.__getitem__)
    assert (exact, near) == (1, 1)
    assert groups[2400] == groups[5] == 5 and groups[2450] == groups[10] == 10
    assert len(set(groups)) == 2498
