"""Blank spaCy pipelines for the token-based writers, renewed as a long export goes on.

A pipeline's vocabulary, string store and tokenizer cache gain an entry for every new word and
are never emptied, so one pipeline over a whole corpus grows with it (at 50,000 synthetic
articles the token-based exports peaked 20 % above their 5,000-article figure). Tokenisation is
rule-based and does not depend on what the pipeline has seen, so a new pipeline every
``RENEW_EVERY`` documents gives the same tokens with memory bounded by one stretch of documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any, TypeVar

RENEW_EVERY = 5_000  # documents per pipeline

T = TypeVar("T")


class Renewed:
    """``get()`` gives the pipeline ``make()`` built, a new one every ``every`` calls."""

    def __init__(self, make: Callable[[], Any], every: int = RENEW_EVERY) -> None:
        self.make = make
        self.every = max(1, every)
        self.used = 0
        self.nlp = make()

    def get(self) -> Any:
        if self.used >= self.every:
            self.nlp = self.make()
            self.used = 0
        self.used += 1
        return self.nlp


def renewed_pipe(
    make: Callable[[], Any],
    pairs: Iterable[tuple[str, T]],
    every: int = RENEW_EVERY,
    batch_size: int = 64,
) -> Iterator[tuple[Any, T]]:
    """``make().pipe(pairs, as_tuples=True)`` with a new pipeline every ``every`` documents
    (``pairs`` is read once, as it comes)."""
    rest = iter(pairs)
    every = max(1, every)
    while True:
        n = 0
        for out in make().pipe(islice(rest, every), as_tuples=True, batch_size=batch_size):
            n += 1
            yield out
        if n < every:
            return
