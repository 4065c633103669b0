"""doccano sequence-labelling-with-relations JSONL: one document per line with ``entities``
(``id``, ``start_offset``, ``end_offset``, ``label``) and ``relations`` (``id``, ``from_id``,
``to_id``, ``type``).

Offsets are UTF-16 code units, as doccano (JavaScript) counts them. Span and relation ids are
integers unique in the file, as doccano writes them. The document's own id is written as ``id``
and its metadata as ``meta``. doccano has no span attributes and no registry links: those are
counted in the summary as left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from annotator.exporters import (
    ALL,
    ExportContext,
    ExportSummary,
    group_by_split,
    new_summary,
)
from annotator.exporters.jsonl import PRIVATE_META, dumps_line
from annotator.model import DocData
from annotator.offsets import Utf16Index


class _Ids:
    def __init__(self) -> None:
        self.span = 0
        self.relation = 0


def record(doc: DocData, ids: _Ids, summary: ExportSummary) -> dict[str, Any]:
    index = Utf16Index(doc.text)
    span_ids: dict[str, int] = {}
    entities = []
    for span in doc.spans:
        ids.span += 1
        span_ids[span.id] = ids.span
        entities.append({
            "id": ids.span,
            "label": span.label,
            "start_offset": index.to_utf16(span.start),
            "end_offset": index.to_utf16(span.end),
        })
        if span.attrs:
            summary.skip("attributes of a span (doccano has none)")
        if span.entity:
            summary.skip("registry link of a span (doccano has none)")
    relations = []
    for rel in doc.relations:
        if rel.head not in span_ids or rel.tail not in span_ids:
            summary.skip(f"{rel.label} relation pointing to a span not in the export")
            continue
        ids.relation += 1
        relations.append({"id": ids.relation, "from_id": span_ids[rel.head],
                          "to_id": span_ids[rel.tail], "type": rel.label})
        summary.relations[rel.label] += 1
    return {
        "id": doc.id,
        "text": doc.text,
        "meta": {k: v for k, v in doc.meta.items() if k not in PRIVATE_META},
        "entities": entities,
        "relations": relations,
    }


def _write(fh: IO[str], docs: Sequence[DocData], split: str, summary: ExportSummary) -> None:
    ids = _Ids()
    for doc in docs:
        summary.add_doc(split)
        for span in doc.spans:
            summary.add_span(split, span.label)
        fh.write(dumps_line(record(doc, ids, summary)))


def write(docs: Sequence[DocData], out: Path, ctx: ExportContext) -> ExportSummary:
    summary = new_summary("doccano", ctx)
    for split, group in group_by_split(docs, ctx).items():
        if split == ALL:
            path = out
        else:
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"{split}.jsonl"
        with path.open("w", encoding="utf-8", newline="\n") as fh:
            _write(fh, group, split, summary)
        summary.files.append(path.name)
    return summary
