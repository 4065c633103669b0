"""Token-level IOB2 views of documents, shared by the CoNLL and Hugging Face writers.

Tokens come from ``spacy.blank(lang)`` (whitespace tokens left out), sentences from its rule-based
``sentencizer`` (no trained parser). IOB cannot nest, so of overlapping spans the longest (then
the earliest) is kept and every other one is counted as skipped. A sentence break that would cut a
kept span is removed (the two sentences are merged) and counted.
"""

from __future__ import annotations

import itertools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.formats.span_geometry import outermost
from annotator.formats.writing import ExportContext, ExportSummary
from annotator.values import DocData, SpanData

Sentence = list[tuple[str, str]]  # (token text, IOB2 tag)


@dataclass(frozen=True, slots=True)
class IobDoc:
    doc: DocData
    split: str
    sentences: list[Sentence]


def sentencizer(lang: str) -> Any:
    import spacy

    nlp = spacy.blank(lang)
    nlp.add_pipe("sentencizer")
    return nlp


_SPACE = re.compile(r"\s")  # the characters str.isspace() accepts


def _clean(text: str, summary: ExportSummary) -> str:
    if _SPACE.search(text) is None:
        return text
    summary.merge("token containing whitespace written with '_' for it")
    return _SPACE.sub("_", text)


def iob_docs(
    docs: Iterable[DocData], ctx: ExportContext, summary: ExportSummary
) -> Iterator[IobDoc]:
    """Yield each document as IOB2-tagged sentences, counting changes into ``summary``
    (``docs`` is read once, as it comes)."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    nlp = sentencizer(ctx.lang)
    pairs = ((doc.text, doc) for doc in docs)
    columns = [IDX, LENGTH, IS_SPACE, SENT_START]
    for sdoc, doc in nlp.pipe(pairs, as_tuples=True, batch_size=64):
        split = ctx.split_of(doc)
        summary.add_doc(split)
        text = doc.text
        # the words (tokens that are not whitespace), their offsets, and the words that open a
        # sentence (the first word at or after a sentence start)
        cols = sdoc.to_array(columns).astype(np.int64)
        word = cols[:, 2] == 0
        starts_a = cols[word, 0]
        starts: list[int] = starts_a.tolist()
        ends: list[int] = (starts_a + cols[word, 1]).tolist()
        n_words = len(starts)
        before = np.cumsum(word) - word  # words before each token
        opening = cols[:, 3] == 1
        if len(opening):
            opening[0] = True
        breaks = {b for b in before[opening].tolist() if b < n_words}
        items: list[tuple[int, int, SpanData]] = []
        for span in doc.spans:
            first = bisect_right(ends, span.start)  # first token ending after the span starts
            last = bisect_left(starts, span.end) - 1  # last token starting before it ends
            if first > last:
                summary.skip(f"{span.label} span covers no token")
                continue
            if starts[first] != span.start or ends[last] != span.end:
                if ctx.strict:
                    summary.dropped[span.label] += 1
                    continue
                summary.expanded[span.label] += 1
            items.append((first, last + 1, span))
        kept, rest = outermost(items)
        for _, _, span in rest:
            summary.skip(f"{span.label} span overlaps a longer span (IOB keeps the outermost)")
        tags = ["O"] * n_words
        inside = [False] * (n_words + 1)  # inside[i]: tokens i-1 and i are in one kept span
        for first, end, span in kept:
            summary.add_span(split, span.label)
            if span.attrs:
                summary.skip("attributes of a span (the format has none)")
            if span.entity:
                summary.skip("registry link of a span (the format has none)")
            tags[first] = f"B-{span.label}"
            for i in range(first + 1, end):
                tags[i] = f"I-{span.label}"
                inside[i] = True
        words = [text[a:b] for a, b in zip(starts, ends, strict=True)]
        if _SPACE.search("".join(words)) is not None:  # rare: a token holding whitespace
            words = [_clean(w, summary) for w in words]
        cuts = [0]
        for i in sorted(breaks):
            if i == 0:
                continue
            if inside[i]:
                summary.merge("sentence break inside a span removed (sentences joined)")
            else:
                cuts.append(i)
        cuts.append(n_words)
        pairs_ = list(zip(words, tags, strict=True))
        sentences: list[Sentence] = [pairs_[a:b] for a, b in itertools.pairwise(cuts) if b > a]
        for rel in doc.relations:
            summary.skip(f"{rel.label} relation (the format has no relations)")
        yield IobDoc(doc, split, sentences)
