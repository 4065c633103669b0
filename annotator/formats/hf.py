"""Hugging Face token classification data: ``train.jsonl``, ``dev.jsonl``, ``test.jsonl`` and
``labels.json``.

One JSON line per sentence: ``id`` (document id and sentence number), ``doc_id``, ``tokens`` and
``ner_tags`` (integers indexing ``labels.json``, IOB2: ``O``, then ``B-``/``I-`` per label in
scheme order). Load it with ``datasets.load_dataset("json", data_files={"train":
".../train.jsonl", "validation": ".../dev.jsonl", "test": ".../test.jsonl"})``. Tokens, sentences
and the outermost-span rule are those of the CoNLL export (``annotator.formats.iob``).
A split without sentences gets no file: ``datasets`` refuses an empty split.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import IO

from annotator.formats.iob import iob_docs
from annotator.formats.writing import (
    SPLIT_NAMES,
    ExportContext,
    ExportSummary,
    corpus_stats,
    new_summary,
)
from annotator.values import DocData


def tag_names(ctx: ExportContext, found: Iterable[str]) -> list[str]:
    """``O`` then ``B-X``, ``I-X`` for the scheme's labels, then any other label ``found``,
    sorted."""
    labels = list(ctx.label_names())
    extra = sorted(set(found) - set(labels))
    names = ["O"]
    for label in labels + extra:
        names += [f"B-{label}", f"I-{label}"]
    return names


NEEDS_STATS = True  # the tag list needs every label of the export up front


def write(docs: Iterable[DocData], out: Path, ctx: ExportContext) -> ExportSummary:
    summary = new_summary("hf", ctx)
    out.mkdir(parents=True, exist_ok=True)
    docs, stats = corpus_stats(docs, ctx)
    names = tag_names(ctx, stats.label_counts)
    index = {name: i for i, name in enumerate(names)}
    (out / "labels.json").write_text(
        json.dumps(names, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    if ctx.splits is None:
        summary.notes.append("no split given: every document is in train.jsonl")
        ctx = replace(ctx, splits={})  # every document in train
    handles: dict[str, IO[str]] = {}  # opened at a split's first sentence
    try:
        for item in iob_docs(docs, ctx, summary):
            for k, sentence in enumerate(item.sentences):
                row = {
                    "id": f"{item.doc.id}#{k}",
                    "doc_id": item.doc.id,
                    "tokens": [tok for tok, _ in sentence],
                    "ner_tags": [index[tag] for _, tag in sentence],
                }
                fh = handles.get(item.split)
                if fh is None:
                    path = out / f"{item.split}.jsonl"
                    fh = handles[item.split] = path.open("w", encoding="utf-8", newline="\n")
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    finally:
        for fh in handles.values():
            fh.close()
    for name in SPLIT_NAMES:
        if name not in handles:  # datasets refuses a split without rows
            summary.notes.append(f"{name}.jsonl not written: no sentences in {name}")
            continue
        summary.files.append(f"{name}.jsonl")
    summary.files.append("labels.json")
    return summary
