"""CoNLL (IOB2): ``-DOCSTART-`` before each document, one ``token<TAB>tag`` per line, a blank line
between sentences. Without a split one file at OUT; with one, ``train.conll``, ``dev.conll`` and
``test.conll`` in the folder OUT.

Tokens and sentences come from ``annotator.exporters._tokens`` (spaCy's blank tokenizer and
rule-based sentencizer). Nested or overlapping spans: the outermost (longest) is written and the
others are counted as skipped; relations and attributes have no place in the format and are
counted too.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO

from annotator.exporters import (
    ALL,
    SPLIT_NAMES,
    ExportContext,
    ExportSummary,
    group_by_split,
    new_summary,
)
from annotator.exporters._tokens import iob_docs
from annotator.model import DocData

DOCSTART = "-DOCSTART-\tO"


def _open(path: Path) -> IO[str]:
    return path.open("w", encoding="utf-8", newline="\n")


def write(docs: Sequence[DocData], out: Path, ctx: ExportContext) -> ExportSummary:
    summary = new_summary("conll", ctx)
    groups = group_by_split(docs, ctx)
    if ALL in groups:
        handles = {ALL: _open(out)}
        summary.files.append(out.name)
    else:
        out.mkdir(parents=True, exist_ok=True)
        handles = {name: _open(out / f"{name}.conll") for name in SPLIT_NAMES}
        summary.files += [f"{name}.conll" for name in SPLIT_NAMES]
    try:
        for item in iob_docs(docs, ctx, summary):
            fh = handles[item.split]
            fh.write(DOCSTART + "\n\n")
            for sentence in item.sentences:
                fh.writelines(f"{tok}\t{tag}\n" for tok, tag in sentence)
                fh.write("\n")
    finally:
        for fh in handles.values():
            fh.close()
    return summary
