"""Native JSONL reader (DESIGN.md contract): one document per line.

Writing:

Native JSON Lines (DESIGN.md "Native JSONL", a contract): one document per line, lossless.

``meta`` is written as stored except ``doc_id`` (the project database's own row id, meaningless
outside it). ``entity_type`` is written on a span only when known. Characters that some line
splitters treat as line breaks (U+0085, U+2028, U+2029) are escaped, so every record is exactly
one physical line whatever reads it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from annotator.errors import ImportFailed
from annotator.formats.common import name_value
from annotator.formats.reading import ReadOptions
from annotator.formats.textfile import iter_lines
from annotator.formats.writing import (
    ALL,
    ExportContext,
    ExportSummary,
    new_summary,
    split_names,
)
from annotator.values import DocData, RelationData, SpanData


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.rglob("*.jsonl") if p.is_file())
    return [path]


def _need(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    if key not in obj:
        raise ValueError(f"{what} has no '{key}'")
    value = obj[key]
    if not isinstance(value, kind) or isinstance(value, bool) and kind is int:
        raise ValueError(f"{what} '{key}' has the wrong type ({type(value).__name__})")
    return value


def _list(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValueError(f"'{key}' must be a list, not {type(value).__name__}")
    return value


def _name(value: Any, what: str) -> str | None:
    """A name-like field (:func:`name_value`); anything else is refused naming ``what``."""
    try:
        return name_value(value)
    except TypeError:
        raise ValueError(f"{what} must be a string, not {type(value).__name__}") from None


def parse_record(obj: Any, line_no: int) -> DocData:
    """One parsed JSON object -> DocData; raise ValueError naming the problem."""
    if not isinstance(obj, dict):
        raise ValueError("a line must be a JSON object")
    text = _need(obj, "text", str, "the record")
    if not text:
        raise ValueError("the record's text is empty")
    doc_id = obj.get("id")
    doc_id = str(doc_id) if doc_id not in (None, "") else ""
    meta = obj.get("meta") or {}
    if not isinstance(meta, dict):
        raise ValueError("'meta' must be an object")
    spans: list[SpanData] = []
    n = len(text)
    for i, raw in enumerate(_list(obj, "spans")):
        if type(raw) is not dict:
            raise ValueError(f"span #{i + 1} must be an object")
        raw_id = raw.get("id")
        sid = _name(raw_id, f"span #{i + 1} 'id'") or f"s{i + 1}"
        start, end, label = raw.get("start"), raw.get("end"), raw.get("label")
        if type(start) is not int or type(end) is not int or type(label) is not str:
            # Slow path only to name the problem precisely.
            start = _need(raw, "start", int, f"span '{sid}'")
            end = _need(raw, "end", int, f"span '{sid}'")
            label = _need(raw, "label", str, f"span '{sid}'")
        attrs = raw.get("attrs") or {}
        if type(attrs) is not dict:
            raise ValueError(f"span '{sid}' 'attrs' must be an object")
        stored = raw.get("text")
        if stored is not None and 0 <= start < end <= n and stored != text[start:end]:
            raise ValueError(
                f"span '{sid}' text {stored!r} does not match the text at [{start}, {end})"
            )
        entity = _name(raw.get("entity"), f"span '{sid}' 'entity'")
        entity_type = _name(raw.get("entity_type"), f"span '{sid}' 'entity_type'")
        spans.append(
            SpanData(sid, start, end, label, attrs, entity, entity_type if entity else None)
        )
    relations: list[RelationData] = []
    for i, raw in enumerate(_list(obj, "relations")):
        if not isinstance(raw, dict):
            raise ValueError(f"relation #{i + 1} must be an object")
        rid = _name(raw.get("id"), f"relation #{i + 1} 'id'") or f"r{i + 1}"
        head = _name(_need(raw, "head", (str, int), f"relation '{rid}'"), f"relation '{rid}' head")
        tail = _name(_need(raw, "tail", (str, int), f"relation '{rid}'"), f"relation '{rid}' tail")
        relations.append(
            RelationData(rid, _need(raw, "label", str, f"relation '{rid}'"), head or "", tail or "")
        )
    layer = _name(obj.get("layer"), "'layer'")
    return DocData(
        doc_id,
        text,
        meta,
        tuple(spans),
        tuple(relations),
        layer=layer,
        source_line=line_no,
        annotated=True if isinstance(obj.get("spans"), list) else None,
    )


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    for file in _files(path):
        # Only "\n" ends a record: U+2028 and U+0085 are valid inside JSON strings.
        for line_no, line in enumerate(iter_lines(file, options.encoding), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ImportFailed(
                    f"invalid JSON: {exc.msg} (column {exc.colno})", path=str(file), line=line_no
                ) from None
            except RecursionError:
                raise ImportFailed(
                    "JSON nested too deeply to read", path=str(file), line=line_no
                ) from None
            try:
                doc = parse_record(obj, line_no)
            except ValueError as exc:
                raise ImportFailed(str(exc), path=str(file), line=line_no) from None
            yield DocData(
                doc.id or f"{file.stem}-{line_no}",
                doc.text,
                doc.meta,
                doc.spans,
                doc.relations,
                doc.layer,
                str(file),
                line_no,
                doc.annotated,
            )


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
    meta = {k: v for k, v in doc.meta.items() if k not in PRIVATE_META}
    if doc.annotated is False:  # nobody annotated it: no layer, no "spans" (reads back as such)
        return {"id": doc.id, "text": doc.text, "meta": meta}
    return {
        "id": doc.id,
        "text": doc.text,
        "meta": meta,
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


def open_split_files(out: Path, ctx: ExportContext, suffix: str) -> dict[str, IO[str]]:
    """One text handle per split: ``out`` itself without a split, else ``out/<split><suffix>``."""
    names = split_names(ctx)
    if names != (ALL,):
        out.mkdir(parents=True, exist_ok=True)
    handles: dict[str, IO[str]] = {}
    try:
        for split in names:
            path = out if split == ALL else out / f"{split}{suffix}"
            handles[split] = path.open("w", encoding="utf-8", newline="\n")
    except BaseException:
        for fh in handles.values():
            fh.close()
        raise
    return handles


def file_names(out: Path, ctx: ExportContext, suffix: str) -> list[str]:
    return [out.name if split == ALL else f"{split}{suffix}" for split in split_names(ctx)]


def write(docs: Iterable[DocData], out: Path, ctx: ExportContext) -> ExportSummary:
    summary = new_summary("jsonl", ctx)
    handles = open_split_files(out, ctx, ".jsonl")
    layer = ctx.layer
    relations = summary.relations
    try:
        for doc in docs:
            split = ctx.split_of(doc)
            handles[split].write(dumps_line(doc_record(doc, layer)))
            summary.add_doc(split)
            summary.spans[split].update([s.label for s in doc.spans])
            relations.update([r.label for r in doc.relations])
    finally:
        for fh in handles.values():
            fh.close()
    summary.files += file_names(out, ctx, ".jsonl")
    return summary
