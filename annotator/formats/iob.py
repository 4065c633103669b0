"""Token-level IOB2 views of documents, shared by the CoNLL and Hugging Face writers.

Tokens come from ``spacy.blank(lang)`` (whitespace tokens left out), sentences from its rule-based
``sentencizer`` (no trained parser), except for documents that came tokenised
(``meta["tokens"] == "conll"``): their own words and lines are the tokens and sentences.
IOB cannot nest, so of overlapping spans the longest (then
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

from annotator.formats.pipelines import RENEW_EVERY, renewed_pipe
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


Words = list[tuple[int, int]]  # (start, end) of each token


def spacy_tokens(sdoc: Any) -> tuple[Words, set[int]]:
    """Non-space tokens of a spaCy doc and the indices (into them) that start a sentence."""
    index: dict[int, int] = {}
    words: Words = []
    for t in sdoc:
        if not t.is_space:
            index[t.i] = len(words)
            words.append((t.idx, t.idx + len(t.text)))
    breaks: set[int] = set()
    for sent in sdoc.sents:
        word = next((t.i for t in sent if not t.is_space), None)
        if word is not None:
            breaks.add(index[word])
    return words, breaks


def given_tokens(doc: DocData) -> tuple[Words, set[int]] | None:
    """The tokens and sentence starts of a document that came tokenised (CoNLL): its words
    (split at single spaces) and lines. None for other documents."""
    if doc.meta.get("tokens") != "conll":
        return None
    words: Words = []
    breaks: set[int] = set()
    pos = 0
    for line in doc.text.split("\n"):
        breaks.add(len(words))
        for word in line.split(" "):
            if word:
                words.append((pos, pos + len(word)))
            pos += len(word) + 1
    return words, breaks


_SPACE = re.compile(r"\s")  # the characters str.isspace() accepts


def _clean(text: str, summary: ExportSummary) -> str:
    if _SPACE.search(text) is None:
        return text
    summary.merge("token containing whitespace written with '_' for it")
    return _SPACE.sub("_", text)


def _spacy_words(sdoc: Any, columns: list[Any]) -> tuple[list[int], list[int], set[int]]:
    """The words of a spaCy doc (tokens that are not whitespace): their starts and ends, and the
    words that open a sentence (the first word at or after a sentence start)."""
    cols = sdoc.to_array(columns).astype(np.int64)
    word = cols[:, 2] == 0
    starts_a = cols[word, 0]
    starts: list[int] = starts_a.tolist()
    ends: list[int] = (starts_a + cols[word, 1]).tolist()
    before = np.cumsum(word) - word  # words before each token
    opening = cols[:, 3] == 1
    if len(opening):
        opening[0] = True
    breaks = {b for b in before[opening].tolist() if b < len(starts)}
    return starts, ends, breaks


def iob_docs(
    docs: Iterable[DocData],
    ctx: ExportContext,
    summary: ExportSummary,
    renew_every: int = RENEW_EVERY,
) -> Iterator[IobDoc]:
    """Yield each document as IOB2-tagged sentences, counting changes into ``summary``
    (``docs`` is read once, as it comes; the blank pipeline is renewed every ``renew_every``
    documents, see ``annotator.formats.pipelines``)."""
    from spacy.attrs import IDX, IS_SPACE, LENGTH, SENT_START

    pairs = ((doc.text, doc) for doc in docs)
    columns = [IDX, LENGTH, IS_SPACE, SENT_START]
    for sdoc, doc in renewed_pipe(lambda: sentencizer(ctx.lang), pairs, every=renew_every):
        split = ctx.split_of(doc)
        summary.add_doc(split)
        given = given_tokens(doc)
        if given is not None:  # a document that came tokenised keeps its own tokens and lines
            own_words, breaks = given
            starts = [a for a, _b in own_words]
            ends = [b for _a, b in own_words]
        else:
            starts, ends, breaks = _spacy_words(sdoc, columns)
        kept, rest = outermost(_aligned(doc.spans, starts, ends, ctx, summary))
        for _, _, span in rest:
            summary.skip(f"{span.label} span overlaps a longer span (IOB keeps the outermost)")
        tags, inside = _tags(kept, len(starts), split, summary)
        words = [doc.text[a:b] for a, b in zip(starts, ends, strict=True)]
        if _SPACE.search("".join(words)) is not None:  # rare: a token holding whitespace
            words = [_clean(w, summary) for w in words]
        sentences = _sentences(words, tags, breaks, inside, summary)
        for rel in doc.relations:
            summary.skip(f"{rel.label} relation (the format has no relations)")
        yield IobDoc(doc, split, sentences)


def _aligned(
    spans: Iterable[SpanData],
    starts: list[int],
    ends: list[int],
    ctx: ExportContext,
    summary: ExportSummary,
) -> list[tuple[int, int, SpanData]]:
    """Each span as (first token, end token, span); a span not on token bounds is widened to
    them (or dropped with ``ctx.strict``), one that covers no token is skipped."""
    items: list[tuple[int, int, SpanData]] = []
    for span in spans:
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
    return items


def _tags(
    kept: Iterable[tuple[int, int, SpanData]], n_words: int, split: str, summary: ExportSummary
) -> tuple[list[str], list[bool]]:
    """The IOB2 tag of every token, and ``inside[i]``: tokens i-1 and i are in one kept span."""
    tags = ["O"] * n_words
    inside = [False] * (n_words + 1)
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
    return tags, inside


def _sentences(
    words: list[str], tags: list[str], breaks: set[int], inside: list[bool], summary: ExportSummary
) -> list[Sentence]:
    """The tagged tokens cut at the sentence breaks, except those inside a kept span."""
    cuts = [0]
    for i in sorted(breaks):
        if i == 0:
            continue
        if inside[i]:
            summary.merge("sentence break inside a span removed (sentences joined)")
        else:
            cuts.append(i)
    cuts.append(len(words))
    pairs = list(zip(words, tags, strict=True))
    return [pairs[a:b] for a, b in itertools.pairwise(cuts) if b > a]
