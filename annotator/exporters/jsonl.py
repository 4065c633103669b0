"""Native JSON Lines (DESIGN.md "Native JSONL", a contract): one document per line, lossless.

``meta`` is written as stored except ``doc_id`` (the project database's own row id, meaningless
outside it). ``entity_type`` is written on a span only when known. Characters that some line
splitters treat as line breaks (U+0085, U+2028, U+2029) are escaped, so every record is exactly
one physical line whatever reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from annotator.exporters import (
    ALL,
    ExportContext,
    ExportSummary,
    group_by_split,
    new_summary,
)
from annotator.model import DocData

_LINE_BREAKS = {"\x85": "\\u0085", "\u2028": "\\u2028", "\u2029": "\\u2029"}
PRIVATE_META = frozenset({"doc_id"})


def doc_record(doc: DocData, layer: str | None = None) -> dict[str, Any]:
    """The contract's record for one document."""
    spans = []
    for s in doc.spans:
        rec: dict[str, Any] = {
            "id": s.id,
            "start": s.start,
            "end": s.end,
            "label": s.label,
            "text": doc.text[s.start : s.end],
            "attrs": dict(s.attrs),
            "entity": s.entity,
        }
        if s.entity_type is not None:
            rec["entity_type"] = s.entity_type
        spans.append(rec)
    return {
        "id": doc.id,
        "text": doc.text,
        "meta": {k: v for k, v in doc.meta.items() if k not in PRIVATE_META},
        "layer": doc.layer if doc.layer is not None else layer,
        "spans": spans,
        "relations": [
            {"id": r.id, "label": r.label, "head": r.head, "tail": r.tail} for r in doc.relations
        ],
    }


def dumps_line(record: dict[str, Any]) -> str:
    line = json.dumps(record, ensure_ascii=False, separators=(", ", ": "))
    for ch, esc in _LINE_BREAKS.items():
        if ch in line:  # only possible inside JSON strings, where the escape means the same
            line = line.replace(ch, esc)
    return line + "\n"


def write_lines(fh: IO[str], docs: Iterable[DocData], layer: str | None) -> None:
    for doc in docs:
        fh.write(dumps_line(doc_record(doc, layer)))


def write(docs: Sequence[DocData], out: Path, ctx: ExportContext) -> ExportSummary:
    summary = new_summary("jsonl", ctx)
    for split, group in group_by_split(docs, ctx).items():
        path = out if split == ALL else out / f"{split}.jsonl"
        if split != ALL:
            out.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            write_lines(fh, group, ctx.layer)
        summary.files.append(path.name)
        for doc in group:
            summary.add_doc(split)
            for span in doc.spans:
                summary.add_span(split, span.label)
            summary.relations.update(r.label for r in doc.relations)
    return summary
