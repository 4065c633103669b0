"""Deterministic synthetic news-length articles with spans, shared by the benchmarks."""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator

WORDS = (
    "the government said on Monday that talks with rebel leaders in the capital would "
    "resume next week after clashes near the border killed several soldiers and forced "
    "thousands of residents to flee their homes according to officials and witnesses who "
    "spoke to reporters"
).split()
NAMES = [
    "Khalifa Haftar",
    "Noman Benotman",
    "Presidential Council",
    "Tripoli",
    "Sabha",
    "United Nations",
    "Libyan National Army",
    "Government of National Accord",
]
LABELS = [
    ("ACTOR", {"type": "person"}),
    ("ACTOR", {"type": "organisation"}),
    ("PLACE", {}),
    ("TIME", {}),
    ("EVENT", {"type": "attack", "status": "occurred"}),
    ("CLAIM", {"form": "reported", "stance": "neutral"}),
]


def article(i: int, words: int = 600, spans: int = 20) -> dict:
    rnd = random.Random(i)
    parts: list[str] = []
    marks: list[tuple[int, int]] = []
    pos = 0
    every = max(1, words // spans)
    for w in range(words):
        if w % every == 0 and len(marks) < spans:
            token = rnd.choice(NAMES)
            marks.append((pos, pos + len(token)))
        else:
            token = rnd.choice(WORDS)
        parts.append(token)
        pos += len(token) + 1
    text = f"Article {i}. " + " ".join(parts)
    shift = len(f"Article {i}. ")
    out_spans = []
    for j, (s, e) in enumerate(marks):
        label, attrs = LABELS[(i + j) % len(LABELS)]
        out_spans.append(
            {"id": f"s{j}", "start": s + shift, "end": e + shift, "label": label, "attrs": attrs}
        )
    return {
        "id": f"a{i}",
        "text": text,
        "meta": {"title": f"Article {i}"},
        "layer": "gold",
        "spans": out_spans,
        "relations": [],
    }


def articles(n: int, words: int = 600, spans: int = 20) -> Iterator[dict]:
    for i in range(n):
        yield article(i, words, spans)


def document_row(i: int, rec: dict) -> tuple:
    """The ``document`` table row (id ``i``) of a native JSONL record, as the bare baselines
    of the import benchmarks write it next to the program (SQLite and PostgreSQL alike)."""
    text = rec["text"]
    sha = hashlib.sha256(text.encode()).hexdigest()
    return (
        i,
        rec["id"],
        rec["meta"]["title"],
        "",
        "",
        None,
        text,
        sha,
        "{}",
        "2026-01-01 00:00:00",
    )
