"""The token-based writers renew their blank spaCy pipeline every so many documents (its
vocabulary grows with every new word): renewing after every document writes the same bytes,
and the pipeline really is renewed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from annotator.formats import docbin, iob, prodigy, webanno
from annotator.formats.pipelines import Renewed, renewed_pipe
from annotator.formats.writing import ExportContext
from annotator.values import DocData

from .conftest import split_of


def _files(root: Path) -> dict[str, bytes]:
    if root.is_file():
        return {root.name: root.read_bytes()}
    return {
        str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()
    }


def _numbered(news_docs: list[DocData]) -> list[DocData]:
    # a new word in every document, as real news has (numbers, names)
    return [replace(d, text=d.text + f" Ref {1000 + k}x.") for k, d in enumerate(news_docs)]


WRITERS: dict[str, Callable[..., Any]] = {
    "webanno": webanno.write,
    "prodigy": prodigy.write,
    "spacy": docbin.write,
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_renewing_after_every_document_writes_the_same_bytes(
    name: str, tmp_path: Path, news_docs: list[DocData], ctx: ExportContext
) -> None:
    docs = _numbered(news_docs)
    ctx = replace(ctx, splits=split_of(docs))
    write = WRITERS[name]
    suffix = ".jsonl" if name == "prodigy" else ""
    write(docs, tmp_path / f"once{suffix}", ctx)
    write(docs, tmp_path / f"each{suffix}", ctx, renew_every=1)
    once, each = _files(tmp_path / f"once{suffix}"), _files(tmp_path / f"each{suffix}")
    assert once and once == each


def test_iob_sentences_are_the_same_with_a_pipeline_per_document(
    news_docs: list[DocData], ctx: ExportContext
) -> None:
    from annotator.formats.writing import new_summary

    docs = _numbered(news_docs)
    one = list(iob.iob_docs(docs, ctx, new_summary("conll", ctx)))
    each = list(iob.iob_docs(docs, ctx, new_summary("conll", ctx), renew_every=1))
    assert [d.sentences for d in one] == [d.sentences for d in each]
    assert len(one) == len(docs)


def test_a_new_pipeline_every_n_documents() -> None:
    made: list[int] = []

    def make() -> Any:
        made.append(len(made))
        return len(made)

    renewed = Renewed(make, every=3)
    assert [renewed.get() for _ in range(7)] == [1, 1, 1, 2, 2, 2, 3]

    class Pipe:
        def __init__(self) -> None:
            made.append(len(made))
            self.n = len(made)

        def pipe(self, pairs: Any, as_tuples: bool, batch_size: int) -> Any:
            assert as_tuples
            return ((self.n, ctx) for _text, ctx in pairs)

    made.clear()
    out = list(renewed_pipe(Pipe, ((f"t{i}", i) for i in range(7)), every=3))
    assert out == [(1, 0), (1, 1), (1, 2), (2, 3), (2, 4), (2, 5), (3, 6)]
    made.clear()
    assert list(renewed_pipe(Pipe, ((f"t{i}", i) for i in range(6)), every=3))[-1] == (2, 5)
    assert len(made) == 3  # the third pipeline finds nothing left and ends the stream
