"""CoNLL and Hugging Face exports (IOB2 over spaCy tokens and sentences)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.formats import conll as conll_writer
from annotator.formats import hf as hf_writer
from annotator.formats.writing import ExportContext
from annotator.values import DocData, SpanData

from .conftest import split_of


def _kept(doc: DocData) -> list[tuple[str, str]]:
    """IOB keeps the claim (it contains five other spans), "UN" and "attac" widened to "attack"."""
    claim = next(s for s in doc.spans if s.label == "CLAIM")
    return [
        ("CLAIM", doc.text[claim.start : claim.end].replace(" ", "")),
        ("ACTOR", "UN"),
        ("EVENT", "attack"),
    ]


def test_conll_layout_and_summary(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    out = tmp_path / "gold.conll"
    summary = conll_writer.write(news_docs, out, ctx)
    lines = out.read_text("utf-8").split("\n")
    assert lines[:3] == ["-DOCSTART-\tO", "", "Khalifa\tB-CLAIM"]
    assert lines.count("-DOCSTART-\tO") == 12
    body = [ln for ln in lines if ln and not ln.startswith("-DOCSTART-")]
    assert all(len(ln.split("\t")) == 2 for ln in body)
    # three sentences per document, each followed by a blank line
    first_doc = lines[2 : lines.index("-DOCSTART-\tO", 1)]
    assert first_doc.count("") == 3
    assert summary.label_totals() == {"CLAIM": 12, "ACTOR": 12, "EVENT": 12}
    assert summary.expanded == {"EVENT": 12}
    nested = "span overlaps a longer span (IOB keeps the outermost)"
    assert summary.skipped[f"ACTOR {nested}"] == 24
    assert summary.skipped[f"TIME {nested}"] == 12
    assert summary.skipped["agent relation (the format has no relations)"] == 24


def test_conll_reads_back_with_the_project_reader(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    from annotator.formats import conll as reader
    from annotator.formats.reading import ReadOptions

    out = tmp_path / "gold.conll"
    conll_writer.write(news_docs, out, ctx)
    back = list(reader.read(out, ReadOptions()))
    assert len(back) == len(news_docs)
    for doc, orig in zip(back, news_docs, strict=True):
        got = [(s.label, doc.text[s.start : s.end].replace(" ", "")) for s in doc.spans]
        assert got == _kept(orig)


def test_sentence_break_inside_a_span_is_merged(ctx: ExportContext, tmp_path: Path) -> None:
    text = "He said: Stop. Now. Then he left."
    doc = DocData("d", text, spans=(SpanData("s1", 9, 19, "CLAIM"),))  # "Stop. Now."
    out = tmp_path / "x.conll"
    summary = conll_writer.write([doc], out, ctx)
    sentences = out.read_text("utf-8").split("\n\n")[1:]
    claim_sentence = next(s for s in sentences if "B-CLAIM" in s)
    assert "Now\tI-CLAIM" in claim_sentence
    assert summary.merged["sentence break inside a span removed (sentences joined)"] == 1


def test_strict_drops_spans_off_token_boundaries(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    ctx.strict = True
    summary = conll_writer.write(news_docs, tmp_path / "s.conll", ctx)
    assert summary.dropped == {"EVENT": 12} and not summary.expanded
    assert "attack\tO" in (tmp_path / "s.conll").read_text("utf-8")


def test_hf_export_loads_with_datasets(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import datasets

    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    ctx.splits = split_of(news_docs)
    out = tmp_path / "hf"
    summary = hf_writer.write(news_docs, out, ctx)
    names = json.loads((out / "labels.json").read_text("utf-8"))
    assert names[0] == "O" and names[1:3] == ["B-ACTOR", "I-ACTOR"] and len(names) == 11
    assert sorted(p.name for p in out.glob("*.jsonl")) == [
        "test.jsonl",
        "train.jsonl",
        "validation.jsonl",
    ]
    # the folder alone: split names and ClassLabel names come from the dataset card
    ds = datasets.load_dataset(str(out), cache_dir=str(tmp_path / "cache"))
    assert ds.num_rows == {"train": 24, "validation": 6, "test": 6}  # 3 sentences per document
    tags = ds["train"].features["ner_tags"]
    inner = getattr(tags, "feature", None) or tags[0]
    assert inner.names == names
    row = ds["train"][0]
    assert row["tokens"][:2] == ["Khalifa", "Haftar"]
    assert [inner.int2str(t) for t in row["ner_tags"][:2]] == ["B-CLAIM", "I-CLAIM"]
    assert all(isinstance(t, int) for t in row["ner_tags"])
    assert summary.documents == {"train": 8, "dev": 2, "test": 2}


def test_hf_without_split_writes_only_train(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    summary = hf_writer.write(news_docs, tmp_path, ctx)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["README.md", "labels.json", "train.jsonl"]
    assert summary.documents == {"train": 12}
    assert "validation.jsonl not written: no sentences in validation" in summary.notes
