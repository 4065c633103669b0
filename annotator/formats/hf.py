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
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from annotator.formats.iob import iob_docs
from annotator.formats.writing import (
    SPLIT_NAMES,
    ExportContext,
    ExportSummary,
    new_summary,
)
from annotator.values import DocData


def tag_names(ctx: ExportContext, docs: Sequence[DocData]) -> list[str]:
    """``O`` then ``B-X``, ``I-X`` for the scheme's labels, then any other label found, sorted."""
    labels = list(ctx.label_names())
    extra = sorted({s.label for d in docs for s in d.spans} - set(labels))
    names = ["O"]
    for label in labels + extra:
        names += [f"B-{label}", f"I-{label}"]
    return names


def write(docs: Sequence[DocData], out: Path, ctx: ExportContext) -> ExportSummary:
    summary = new_summary("hf", ctx)
    out.mkdir(parents=True, exist_ok=True)
    names = tag_names(ctx, docs)
    index = {name: i for i, name in enumerate(names)}
    (out / "labels.json").write_text(
        json.dumps(names, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    if ctx.splits is None:
        summary.notes.append("no split given: every document is in train.jsonl")
        ctx = replace(ctx, splits={doc.id: "train" for doc in docs})
    rows: dict[str, list[str]] = {name: [] for name in SPLIT_NAMES}
    for item in iob_docs(docs, ctx, summary):
        for k, sentence in enumerate(item.sentences):
            row = {
                "id": f"{item.doc.id}#{k}",
                "doc_id": item.doc.id,
                "tokens": [tok for tok, _ in sentence],
                "ner_tags": [index[tag] for _, tag in sentence],
            }
            rows[item.split].append(json.dumps(row, ensure_ascii=False) + "\n")
    for name in SPLIT_NAMES:
        if not rows[name]:  # datasets refuses a split without rows
            summary.notes.append(f"{name}.jsonl not written: no sentences in {name}")
            continue
        with (out / f"{name}.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
            fh.writelines(rows[name])
        summary.files.append(f"{name}.jsonl")
    summary.files.append("labels.json")
    return summary
