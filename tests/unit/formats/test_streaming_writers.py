"""The Label Studio, WebAnno and Prodigy writers write each document before they take the next
one (the exporter hands them a stream read from the database in batches)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.formats import labelstudio, webanno
from annotator.formats.writing import ExportContext
from annotator.values import DocData

from .conftest import split_of


def _watched(docs: list[DocData], written: list[str]) -> Iterator[DocData]:
    """``docs`` one at a time; before handing out the next, the previous must be written."""
    for k, doc in enumerate(docs):
        if k:
            assert written[-1:] == [docs[k - 1].id], f"document {k} asked before {k - 1} written"
        yield doc


def test_label_studio_writes_each_task_before_reading_the_next_document(
    tmp_path: Path,
    news_docs: list[DocData],
    ctx: ExportContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    written: list[str] = []
    task_of = labelstudio.task_of

    def recording(doc: DocData, *args: object, **kwargs: object) -> object:
        task = task_of(doc, *args, **kwargs)  # type: ignore[arg-type]
        written.append(doc.id)
        return task

    monkeypatch.setattr(labelstudio, "task_of", recording)
    ctx = replace(ctx, splits=split_of(news_docs))
    summary = labelstudio.write(_watched(news_docs, written), tmp_path / "out", ctx)
    assert written == [d.id for d in news_docs]
    tasks = {
        name: json.loads((tmp_path / "out" / f"{name}.json").read_text("utf-8"))
        for name in ("train", "dev", "test")
    }
    assert [len(t) for t in tasks.values()] == [8, 2, 2]
    assert summary.files == ["config.xml", "train.json", "dev.json", "test.json"]


def test_webanno_writes_each_file_before_reading_the_next_document(
    tmp_path: Path, news_docs: list[DocData], ctx: ExportContext
) -> None:
    out = tmp_path / "out"
    written: list[str] = []

    def watched() -> Iterator[DocData]:
        for k, doc in enumerate(news_docs):
            if k:
                assert (out / f"news/{k - 1:03d}.tsv").is_file(), f"{k - 1} not written yet"
                written.append(news_docs[k - 1].id)
            yield doc

    keys = frozenset(k for d in news_docs for s in d.spans for k in s.attrs)
    webanno.write(watched(), out, replace(ctx, attribute_keys=keys))
    assert len(written) == len(news_docs) - 1
    assert len(list(out.rglob("*.tsv"))) == len(news_docs)


def test_webanno_finds_the_attribute_names_itself_when_called_directly(
    tmp_path: Path, news_docs: list[DocData], ctx: ExportContext
) -> None:
    webanno.write(iter(news_docs), tmp_path / "a", ctx)
    given = frozenset(k for d in news_docs for s in d.spans for k in s.attrs)
    webanno.write(iter(news_docs), tmp_path / "b", replace(ctx, attribute_keys=given))
    a = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.tsv"))
    assert a and all(
        (tmp_path / "a" / p).read_bytes() == (tmp_path / "b" / p).read_bytes() for p in a
    )


def test_prodigy_writes_each_task_before_reading_the_next_document(
    tmp_path: Path,
    news_docs: list[DocData],
    ctx: ExportContext,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from annotator.formats import prodigy

    written: list[str] = []
    task_of = prodigy.task_of

    def recording(doc: DocData, *args: object, **kwargs: object) -> object:
        task = task_of(doc, *args, **kwargs)  # type: ignore[arg-type]
        written.append(doc.id)
        return task

    monkeypatch.setattr(prodigy, "task_of", recording)
    ctx = replace(ctx, splits=split_of(news_docs))
    summary = prodigy.write(_watched(news_docs, written), tmp_path / "out", ctx)
    assert written == [d.id for d in news_docs]
    lines = [
        len((tmp_path / "out" / f"{name}.jsonl").read_text("utf-8").splitlines())
        for name in ("train", "dev", "test")
    ]
    assert lines == [8, 2, 2] and summary.files == ["train.jsonl", "dev.jsonl", "test.jsonl"]
