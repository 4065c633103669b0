"""doccano JSONL reader: current, relation and older exports.

Accepted record shapes (one JSON object per line, or pretty-printed objects one after another):

- sequence labelling: ``{"text": ..., "label": [[start, end, "TAG"], ...]}``; doccano >= 1.6
  writes the text under ``data`` instead of ``text`` (``{"id": 7, "data": ..., "label": ...}``);
- v1.2 export: the same under ``"labels"`` (with ``annotation_approver``, ``meta``);
- relation export: ``"entities"`` (``id``, ``start_offset``, ``end_offset``, ``label``) and
  ``"relations"`` (``from_id``, ``to_id``, ``type``);
- old v1.0 export: ``"annotations"`` with integer label ids and integer ``user`` ids. Choice:
  one DocData **per user**, same document id, ``layer`` = ``"doccano-user-<id>"``; the label is
  the id as a string (``"12"``), to be named with ``--label-map``.

Offsets are UTF-16 code units (doccano counts in JavaScript) and are converted to code points.
A ``label`` list of plain strings (text classification) is kept in ``meta["categories"]``.
Exact duplicate spans are merged and counted. The document id is the record's ``id`` when it
has one, else ``<file>:<record number>``; ``meta`` is kept.

Writing:

doccano sequence-labelling-with-relations JSONL: one document per line with ``entities``
(``id``, ``start_offset``, ``end_offset``, ``label``) and ``relations`` (``id``, ``from_id``,
``to_id``, ``type``).

Offsets are UTF-16 code units, as doccano (JavaScript) counts them. Span and relation ids are
integers unique in the file, as doccano writes them. The document's own id is written as ``id``
(an integer when it is one, as doccano's are) and its metadata as ``meta``. A record with
``label``/``entities`` is annotated even when empty; a document nobody annotated
(``--include-unannotated``) is written without them.
doccano has no span attributes and no registry links: those are
counted in the summary as left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from annotator.errors import ImportFailed
from annotator.formats.common import UniqueIds, is_offset, json_list, json_name, json_records
from annotator.formats.jsonl import PRIVATE_META, dumps_line, file_names, open_split_files
from annotator.formats.reading import ReadOptions, drop_repeated_spans
from annotator.formats.writing import ExportContext, ExportSummary, new_summary
from annotator.offsets import Utf16Index
from annotator.values import DocData, RelationData, SpanData


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    ids = UniqueIds()
    for rec in json_records(path, (".jsonl", ".json"), options.encoding, arrays=True):
        value, name, line = rec.value, rec.file, rec.line
        own = json_name(value.get("id"), "id", name, line) if isinstance(value, dict) else None
        doc_id = ids(own) if own is not None else None
        yield from _record(value, doc_id or ids(f"{rec.stem}:{rec.number}"), name, line, options)


def _record(rec: Any, doc_id: str, name: str, line: int, options: ReadOptions) -> Iterator[DocData]:
    """One record, in one of doccano's three shapes: per-user ``annotations`` (one document per
    user), ``label``/``labels`` lists, ``entities`` with ``relations``."""
    text = _text_of(rec, name, line)
    meta: dict[str, Any] = dict(rec["meta"]) if isinstance(rec.get("meta"), dict) else {}
    base = DocData(id=doc_id, text=text, source_path=name, source_line=line)
    span = _SpanReader(text, name, line)
    if isinstance(rec.get("annotations"), list):
        yield from _per_user(rec["annotations"], replace(base, meta=meta), span, options)
        return
    spans = _labelled_spans(rec, meta, span)
    ent_ids = _entities(rec, span, spans)
    annotated = True if any(k in rec for k in ("label", "labels", "entities")) else None
    yield replace(
        base,
        meta=meta,
        spans=_dedupe(spans, options),
        relations=tuple(_relations(rec, ent_ids, name, line)),
        annotated=annotated,
    )


def _text_of(rec: Any, name: str, line: int) -> str:
    if not isinstance(rec, dict):
        raise ImportFailed("a record must be a JSON object", path=name, line=line)
    text = rec.get("text")
    if text is None and isinstance(rec.get("data"), str):
        text = rec["data"]  # doccano >= 1.6 writes the text under "data"
    if not isinstance(text, str):
        keys = ", ".join(sorted(rec)) or "none"
        hint = " (rename the 'column_data' field to 'text')" if "column_data" in rec else ""
        raise ImportFailed(f"record has no 'text' (its keys: {keys}){hint}", path=name, line=line)
    if not text:
        raise ImportFailed("record has an empty 'text'", path=name, line=line)
    return text


class _SpanReader:
    """Makes the spans of one record, its UTF-16 offsets checked and turned into code points."""

    def __init__(self, text: str, name: str, line: int) -> None:
        self.text, self.name, self.line = text, name, line
        self.index = Utf16Index(text)

    def __call__(self, sid: str, start: Any, end: Any, label: Any) -> SpanData:
        if (
            not (is_offset(start) and is_offset(end))
            or not isinstance(label, str | int)
            or (isinstance(label, bool))
        ):
            raise self.error(f"span {sid}: offsets must be integers and the label a name")
        a, b = self.index.from_utf16(start), self.index.from_utf16(end)
        if not 0 <= a < b <= len(self.text):
            raise self.error(
                f"span [{start}, {end}) is outside the text (length {len(self.text)}) or empty"
            )
        return SpanData(sid, a, b, str(label))

    def error(self, message: str) -> ImportFailed:
        return ImportFailed(message, path=self.name, line=self.line)


def _per_user(
    annotations: list[Any], base: DocData, span: _SpanReader, options: ReadOptions
) -> Iterator[DocData]:
    """The old v1.0 shape: one document per user, in the layer ``doccano-user-<id>``."""
    by_user: dict[str, list[SpanData]] = {}
    for k, ann in enumerate(annotations, start=1):
        if not isinstance(ann, dict):
            raise span.error("'annotations' items must be objects")
        user = json_name(ann.get("user"), "user", span.name, span.line) or "unknown"
        by_user.setdefault(user, []).append(
            span(f"s{k}", ann.get("start_offset"), ann.get("end_offset"), ann.get("label"))
        )
    if not by_user:
        yield base
    for user, user_spans in by_user.items():
        yield replace(base, spans=_dedupe(user_spans, options), layer=f"doccano-user-{user}")


def _labelled_spans(rec: dict[str, Any], meta: dict[str, Any], span: _SpanReader) -> list[SpanData]:
    """The ``label``/``labels`` lists: ``[start, end, label]`` spans; plain strings (text
    classification) go to ``meta["categories"]``."""
    spans: list[SpanData] = []
    for key in ("label", "labels"):
        items = rec.get(key)
        if not isinstance(items, list):
            continue
        for k, item in enumerate(items, start=1):
            if isinstance(item, str):
                meta.setdefault("categories", []).append(item)
            elif isinstance(item, list) and len(item) == 3:
                spans.append(span(f"s{len(spans) + 1}", *item))
            else:
                raise span.error(f"'{key}' item {k} is not [start, end, label]")
    return spans


def _entities(rec: dict[str, Any], span: _SpanReader, spans: list[SpanData]) -> dict[Any, str]:
    """Add the ``entities`` to ``spans``; return entity id -> span id (for the relations)."""
    ent_ids: dict[Any, str] = {}
    for k, ent in enumerate(json_list(rec, "entities", span.name, span.line), start=1):
        if not isinstance(ent, dict):
            raise span.error("'entities' items must be objects")
        sid = f"e{ent.get('id', k)}"
        ent_ids[ent.get("id", k)] = sid
        spans.append(span(sid, ent.get("start_offset"), ent.get("end_offset"), ent.get("label")))
    return ent_ids


def _relations(
    rec: dict[str, Any], ent_ids: dict[Any, str], name: str, line: int
) -> list[RelationData]:
    """The ``relations`` between the entities of ``ent_ids``."""
    relations: list[RelationData] = []
    for k, rel in enumerate(json_list(rec, "relations", name, line), start=1):
        if not isinstance(rel, dict):
            raise ImportFailed("'relations' items must be objects", path=name, line=line)
        head, tail = ent_ids.get(rel.get("from_id")), ent_ids.get(rel.get("to_id"))
        if head is None or tail is None:
            raise ImportFailed(
                f"relation {rel.get('id', k)} points to a missing entity", path=name, line=line
            )
        label = rel.get("type", rel.get("label"))
        if not isinstance(label, str | int):
            raise ImportFailed(f"relation {rel.get('id', k)} has no type", path=name, line=line)
        relations.append(RelationData(f"r{rel.get('id', k)}", str(label), head, tail))
    return relations


def _dedupe(spans: list[SpanData], options: ReadOptions) -> tuple[SpanData, ...]:
    return drop_repeated_spans(spans, options.report, "doccano duplicate span merged")


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
        entities.append(
            {
                "id": ids.span,
                "label": span.label,
                "start_offset": index.to_utf16(span.start),
                "end_offset": index.to_utf16(span.end),
            }
        )
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
        relations.append(
            {
                "id": ids.relation,
                "from_id": span_ids[rel.head],
                "to_id": span_ids[rel.tail],
                "type": rel.label,
            }
        )
        summary.relations[rel.label] += 1
    out: dict[str, Any] = {
        "id": _doc_id(doc.id),
        "text": doc.text,
        "meta": {k: v for k, v in doc.meta.items() if k not in PRIVATE_META},
    }
    if doc.annotated is not False:  # a document nobody annotated has no annotation fields
        out["entities"] = entities
        out["relations"] = relations
    return out


def _doc_id(doc_id: str) -> str | int:
    """doccano's integer ids stay integers (``"7"`` was read from ``7``)."""
    return (
        int(doc_id)
        if doc_id.isascii() and doc_id.isdigit() and str(int(doc_id)) == doc_id
        else doc_id
    )


def write(docs: Iterable[DocData], out: Path, ctx: ExportContext) -> ExportSummary:
    summary = new_summary("doccano", ctx)
    handles = open_split_files(out, ctx, ".jsonl")
    ids = {split: _Ids() for split in handles}  # span and relation ids are unique per file
    try:
        for doc in docs:
            split = ctx.split_of(doc)
            summary.add_doc(split)
            summary.spans[split].update([s.label for s in doc.spans])
            handles[split].write(dumps_line(record(doc, ids[split], summary)))
    finally:
        for fh in handles.values():
            fh.close()
    summary.files += file_names(out, ctx, ".jsonl")
    return summary
