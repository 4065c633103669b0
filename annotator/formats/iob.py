"""Token-level IOB2 views of documents, shared by the CoNLL and Hugging Face writers.

Tokens come from ``spacy.blank(lang)`` (whitespace tokens left out), sentences from its rule-based
``sentencizer`` (no trained parser). IOB cannot nest, so of overlapping spans the longest (then
the earliest) is kept and every other one is counted as skipped. A sentence break that would cut a
kept span is removed (the two sentences are merged) and counted.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

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
        # the words (tokens that are not whitespace): their offsets, and which ones open a
        # sentence (the first word after a sentence start)
        starts: list[int] = []
        ends: list[int] = []
        breaks: set[int] = set()
        pending = False
        for j, (idx, length, space, sent_start) in enumerate(sdoc.to_array(columns).tolist()):
            if j == 0 or sent_start == 1:
                pending = True
            if space:
                continue
            if pending:
                breaks.add(len(starts))
                pending = False
            starts.append(idx)
            ends.append(idx + length)
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
        n_words = len(starts)
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
        sentences: list[Sentence] = []
        current: Sentence = []
        for i in range(n_words):
            if current and i in breaks:
                if inside[i]:
                    summary.merge("sentence break inside a span removed (sentences joined)")
                else:
                    sentences.append(current)
                    current = []
            current.append((_clean(text[starts[i] : ends[i]], summary), tags[i]))
        if current:
            sentences.append(current)
        for rel in doc.relations:
            summary.skip(f"{rel.label} relation (the format has no relations)")
        yield IobDoc(doc, split, sentences)
