"""spaCy export of a split larger than the shard bound: a folder of .spacy shards that spaCy's own
Corpus, the training config and our import read as the one file an unsharded export writes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import spacy

from annotator.errors import ExportFailed
from annotator.formats import docbin as spacy_writer
from annotator.formats.reading import ReadOptions
from annotator.formats.writing import ExportContext
from annotator.values import DocData

from .conftest import split_of

BOUND = 60  # tokens per shard: a news_doc has about 25, so two documents a shard


def _corpus_docs(path: Path) -> list[Any]:
    """The reference documents spaCy's training Corpus yields for a file or folder."""
    from spacy.training import Corpus

    nlp = spacy.blank("en")
    return [eg.reference for eg in Corpus(path)(nlp)]


def _view(doc: Any) -> tuple[Any, ...]:
    return (
        doc.text,
        [(e.start_char, e.end_char, e.label_, e.kb_id_) for e in doc.ents],
        [(s.start_char, s.end_char, s.label_, s.id_) for s in doc.spans["sc"]],
        doc.spans["sc"].attrs["annotator"],
    )


@pytest.fixture()
def exports(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> tuple[Path, Path, spacy_writer.ExportSummary]:
    ctx.splits = split_of(news_docs)
    whole, sharded = tmp_path / "whole", tmp_path / "sharded"
    spacy_writer.write(news_docs, whole, ctx)
    summary = spacy_writer.write(news_docs, sharded, ctx, shard_tokens=BOUND)
    return whole, sharded, summary


def test_a_large_split_is_a_folder_of_bounded_shards(
    exports: tuple[Path, Path, spacy_writer.ExportSummary],
) -> None:
    whole, sharded, summary = exports
    assert sorted(p.name for p in whole.iterdir()) == [
        "config.cfg",
        "dev.spacy",
        "test.spacy",
        "train.spacy",
    ]
    # train (8 documents of 23 or 25 tokens) passes the bound; dev and test (2 each) do not.
    assert sorted(p.name for p in sharded.iterdir()) == [
        "config.cfg",
        "dev.spacy",
        "test.spacy",
        "train",
    ]
    shards = sorted((sharded / "train").iterdir())
    assert [p.name for p in shards] == [f"train-{k:04d}.spacy" for k in range(1, 5)]
    for shard in shards:
        docs = _corpus_docs(shard)
        assert len(docs) == 2 and sum(len(d) for d in docs) <= BOUND
    assert "train/train-*.spacy" in summary.files
    assert any(n.startswith(f"train is {len(shards)} DocBin files") for n in summary.notes)
    assert "--paths.train train --paths.dev dev.spacy" in summary.notes[-1]
    assert not list(sharded.rglob(".docbin-*")), "temporary files left behind"


def test_spacy_corpus_reads_the_shard_folder_as_the_whole_file(
    exports: tuple[Path, Path, spacy_writer.ExportSummary],
) -> None:
    whole, sharded, _ = exports
    expected = [_view(d) for d in _corpus_docs(whole / "train.spacy")]
    assert len(expected) == 8
    assert [_view(d) for d in _corpus_docs(sharded / "train")] == expected
    # the config names the folder, so `spacy train config.cfg` runs as written
    config = spacy.util.load_config(sharded / "config.cfg")
    assert config["paths"]["train"] == "train"
    assert config["paths"]["dev"] == "dev.spacy"
    assert spacy.util.load_config(whole / "config.cfg")["paths"]["train"] == "train.spacy"


def test_import_reads_a_sharded_export_as_the_whole_one(
    exports: tuple[Path, Path, spacy_writer.ExportSummary], news_docs: list[DocData]
) -> None:
    whole, sharded, _ = exports

    def read(path: Path) -> list[tuple[Any, ...]]:
        docs = spacy_writer.read(path, ReadOptions())
        return sorted((d.id, d.text, d.spans, d.relations, d.meta) for d in docs)

    from_whole = read(whole)
    assert len(from_whole) == len(news_docs)
    assert read(sharded) == from_whole
    assert read(sharded / "train") == read(whole / "train.spacy")


def test_no_split_over_the_bound_writes_the_same_bytes(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    ctx.splits = split_of(news_docs)
    spacy_writer.write(news_docs, tmp_path / "a", ctx)
    spacy_writer.write(news_docs, tmp_path / "b", ctx, shard_tokens=10_000)
    for name in ("train.spacy", "dev.spacy", "test.spacy", "config.cfg"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_a_docbin_array_past_msgpack_limit_is_our_error() -> None:
    """The 100k failure: 13 attributes x 8 bytes per token; from about 41 M tokens in one DocBin
    the token array passes msgpack's bin 32 length (was OverflowError from int.to_bytes)."""
    from spacy.tokens import DocBin

    per_token = 8 * len(DocBin(store_user_data=False).attrs)
    assert per_token == 104
    too_many = spacy_writer.MAX_BIN_BYTES // per_token + 1  # tokens
    assert 41_000_000 < too_many < 42_000_000
    assert too_many > 40 * spacy_writer.SHARD_TOKENS
    spacy_writer._bin_header(spacy_writer.MAX_BIN_BYTES)  # the longest still fits
    with pytest.raises(ExportFailed, match="longer than msgpack allows"):
        spacy_writer._bin_header(too_many * per_token)


def test_without_a_split_every_document_is_in_the_train_folder(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    summary = spacy_writer.write(news_docs, tmp_path, ctx, shard_tokens=BOUND)
    assert "no split given: every document is in the folder train/" in summary.notes
    assert "no split given: every document is in train.spacy" not in summary.notes
    assert len(list((tmp_path / "train").glob("*.spacy"))) == 6  # 12 documents, two a shard
    assert len(_corpus_docs(tmp_path / "train")) == len(news_docs)
