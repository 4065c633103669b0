"""Hugging Face token classification data: ``train.jsonl``, ``validation.jsonl``, ``test.jsonl``
(the hub's split names), ``labels.json`` and a dataset card (``README.md``) whose front matter
names the splits and describes the features, so ``datasets.load_dataset(FOLDER)`` returns the
splits with ``ner_tags`` as class labels carrying their names (no side file needed).

One JSON line per sentence: ``id`` (document id and sentence number), ``doc_id``, ``tokens`` and
``ner_tags`` (integers indexing ``labels.json``, IOB2: ``O``, then ``B-``/``I-`` per label in
scheme order). Tokens, sentences and the outermost-span rule are those of the CoNLL export
(``annotator.formats.iob``). A split without sentences gets no file: ``datasets`` refuses an
empty split. An annotated-empty document gives sentences of ``O`` (negative examples).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
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
    counts: dict[str, int] = {}
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
                    path = out / f"{HUB_SPLITS[item.split]}.jsonl"
                    fh = handles[item.split] = path.open("w", encoding="utf-8", newline="\n")
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                counts[item.split] = counts.get(item.split, 0) + 1
    finally:
        for fh in handles.values():
            fh.close()
    written: list[tuple[str, int]] = []
    for name in SPLIT_NAMES:
        hub = HUB_SPLITS[name]
        if name not in handles:  # datasets refuses a split without rows
            summary.notes.append(f"{hub}.jsonl not written: no sentences in {hub}")
            continue
        summary.files.append(f"{hub}.jsonl")
        written.append((hub, counts[name]))
    summary.files.append("labels.json")
    (out / "README.md").write_text(dataset_card(names, written), encoding="utf-8")
    summary.notes.append("load it with datasets.load_dataset(FOLDER) (the card names the splits)")
    return summary


HUB_SPLITS = {"train": "train", "dev": "validation", "test": "test"}


def _yaml_str(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid YAML scalar


def dataset_card(names: Sequence[str], splits: Sequence[tuple[str, int]]) -> str:
    """The card's front matter: data files per split and the features (``ner_tags`` a sequence
    of class labels with their names), as the hub and ``datasets`` read them."""
    out = ["---", "configs:", "- config_name: default", "  data_files:"]
    for split, _n in splits:
        out += [f"  - split: {split}", f"    path: {split}.jsonl"]
    out += [
        "dataset_info:",
        "  features:",
        "  - name: id",
        "    dtype: string",
        "  - name: doc_id",
        "    dtype: string",
        "  - name: tokens",
        "    sequence: string",
        "  - name: ner_tags",
        "    sequence:",
        "      class_label:",
        "        names:",
    ]
    out += [f"          '{i}': {_yaml_str(name)}" for i, name in enumerate(names)]
    out.append("  splits:")
    for split, n in splits:
        out += [f"  - name: {split}", f"    num_examples: {n}"]
    out += ["task_categories:", "- token-classification", "---", ""]
    return "\n".join(out)
