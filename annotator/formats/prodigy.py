"""Prodigy / spaCy-style JSONL reader.

- Spans: ``start``/``end`` character offsets (code points); when they are missing, the
  ``token_start``/``token_end`` indices into ``tokens`` give them. ``label`` is the span label.
- Relations (Prodigy ``relations`` view): ``head``/``child`` are token indices; the spans are
  found from ``head_span``/``child_span`` (or the span covering the token). A ``*_span`` not in
  ``spans`` is added as a span. Relations pointing at plain tokens are skipped and counted.
- ``answer`` ``reject`` and ``ignore`` records are skipped and counted.
- Entity linking tasks (``options`` + ``accept``): the accepted option id becomes
  ``span.entity`` when the task has exactly one span (``NIL_*`` ids are ignored).
- The document id is ``doc_id`` when present (this tool's exports), else
  ``<file>:<_input_hash>`` (else the record number); ``meta`` is kept, with the task's
  ``_input_hash`` as ``prodigy_input_hash``; the layer is
  ``_annotator_id`` or ``_session_id`` when present. A span's ``attrs`` (object) and ``kb_id``
  are its attributes and actor link. An ``accept`` record without spans is annotated-empty.

Writing: Prodigy JSONL, one task per document: ``text``, ``tokens`` (spaCy's tokenizer for the
language; ``id``, ``start``, ``end``, ``ws``), ``spans`` with ``token_start``/``token_end`` (and the
exact character offsets, kept even off token boundaries, counted), ``relations`` in the ``rel``
layout (``head``/``child`` token indices with ``head_span``/``child_span``), ``answer``
``accept``, ``_annotator_id`` the layer, ``_input_hash`` (the one the document was imported with
from Prodigy, so that Prodigy knows its input again, else a hash of the text; no
``_task_hash``: Prodigy computes it for the new annotations), plus ``doc_id``, ``meta``
and per span ``attrs``/``kb_id`` for a lossless read back. A document nobody annotated has no
``spans`` and no ``answer``. Prodigy keeps one span per offsets and label: two events on one
trigger become one.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from annotator.errors import ImportFailed
from annotator.formats.common import UniqueIds, is_offset, json_list, json_name, json_records
from annotator.formats.jsonl import dumps_line
from annotator.formats.pipelines import RENEW_EVERY, Renewed
from annotator.formats.reading import ReadOptions
from annotator.formats.writing import ALL, ExportContext, ExportSummary, new_summary, split_names
from annotator.values import AttrValue, DocData, RelationData, SpanData

# The document metadata key that keeps a Prodigy task's ``_input_hash`` from import to export.
INPUT_HASH_META = "prodigy_input_hash"


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    ids = UniqueIds()
    for rec in json_records(path, (".jsonl",), options.encoding):
        value, name, line = rec.value, rec.file, rec.line
        if not isinstance(value, dict):
            raise ImportFailed("a record must be a JSON object", path=name, line=line)
        answer = value.get("answer")
        if answer in ("reject", "ignore"):
            options.report.add(f"Prodigy '{answer}' record skipped")
            continue
        key = value.get("_input_hash", rec.number)
        own = value.get("doc_id")  # written by this tool's exporter
        doc_id = ids(own) if isinstance(own, str) and own else ids(f"{rec.stem}:{key}")
        yield _record(value, doc_id, name, line, options)


def _record(
    rec: dict[str, Any], doc_id: str, name: str, line: int, options: ReadOptions
) -> DocData:
    """One task: spans by offsets or tokens, an accepted option, relations."""
    text = rec.get("text")
    if not isinstance(text, str) or not text:
        raise ImportFailed("record has no 'text'", path=name, line=line)
    found = _TaskSpans(text, json_list(rec, "tokens", name, line), name, line)
    for sp in json_list(rec, "spans", name, line):
        if not isinstance(sp, dict):
            raise found.error("'spans' items must be objects")
        found.add(sp)
    _link_accepted_option(rec, found.spans, options, name, line)
    rels = _relations(rec, found, options)
    meta = dict(rec["meta"]) if isinstance(rec.get("meta"), dict) else {}
    peer_hash = rec.get("_input_hash")
    if isinstance(peer_hash, int) and not isinstance(peer_hash, bool):
        meta[INPUT_HASH_META] = peer_hash  # written back as is: Prodigy knows the input again
    layer = json_name(
        rec.get("_annotator_id") or rec.get("_session_id"), "_annotator_id", name, line
    )
    return DocData(
        doc_id,
        text,
        meta,
        tuple(found.spans),
        tuple(rels),
        layer=layer,
        source_path=name,
        source_line=line,
        # an accepted task is annotated even without spans (a negative example)
        annotated=True if rec.get("answer") == "accept" or "spans" in rec else None,
    )


class _TaskSpans:
    """The spans of one task, each (start, end, label) once; a span is given by character
    offsets or by token indices."""

    def __init__(self, text: str, tokens: list[Any], name: str, line: int) -> None:
        self.text, self.tokens, self.name, self.line = text, tokens, name, line
        self.spans: list[SpanData] = []
        self.by_key: dict[tuple[int, int, str], str] = {}
        self.tok_range: list[tuple[int, int, str]] = []  # token_start, token_end, span id

    def error(self, message: str) -> ImportFailed:
        return ImportFailed(message, path=self.name, line=self.line)

    def offsets(self, sp: dict[str, Any]) -> tuple[int, int]:
        start, end = sp.get("start"), sp.get("end")
        if start is not None or end is not None:
            if not (is_offset(start) and is_offset(end)):
                raise self.error(
                    f"span offsets must be non-negative integers, got {start!r}, {end!r}"
                )
        else:
            first, last = sp.get("token_start"), sp.get("token_end")
            try:
                if not (is_offset(first) and is_offset(last)):
                    raise IndexError
                start = self.tokens[first]["start"]
                end = self.tokens[last]["end"]
            except (KeyError, IndexError, TypeError):
                raise self.error(
                    "span has neither start/end nor valid token indices "
                    f"(token_start {first!r}, token_end {last!r})"
                ) from None
        if not (is_offset(start) and is_offset(end) and start < end <= len(self.text)):
            raise self.error(
                f"span [{start}, {end}) is outside the text (length {len(self.text)}) or empty"
            )
        return start, end

    def add(self, sp: dict[str, Any]) -> str:
        """The id of the span ``sp`` (added unless one with its offsets and label is there)."""
        a, b = self.offsets(sp)
        label = sp.get("label")
        if not isinstance(label, str) or not label:
            raise self.error(f"span [{a}, {b}) has no label")
        k = (a, b, label)
        if k in self.by_key:
            return self.by_key[k]
        sid = f"s{len(self.spans) + 1}"
        self.by_key[k] = sid
        given = sp.get("attrs")
        attrs: dict[str, AttrValue] = dict(given) if isinstance(given, dict) else {}
        kb_id = sp.get("kb_id")
        self.spans.append(SpanData(sid, a, b, label, attrs, str(kb_id) if kb_id else None))
        if is_offset(sp.get("token_start")) and is_offset(sp.get("token_end")):
            self.tok_range.append((sp["token_start"], sp["token_end"], sid))
        return sid

    def end_of(self, token: Any, sp: Any) -> str | None:
        """A relation's end: its own span (added if new), else the span covering its token."""
        if isinstance(sp, dict) and sp.get("label"):
            return self.add(sp)
        for first, last, sid in self.tok_range:
            if isinstance(token, int) and first <= token <= last:
                return sid
        return None


def _link_accepted_option(
    rec: dict[str, Any], spans: list[SpanData], options: ReadOptions, name: str, line: int
) -> None:
    """Entity linking: the accepted option id becomes the entity of the task's one span."""
    accepted = [
        a
        for a in json_list(rec, "accept", name, line)
        if isinstance(a, str) and not a.startswith("NIL")
    ]
    if rec.get("options") and accepted:
        if len(spans) == 1:
            spans[0] = SpanData(
                spans[0].id, spans[0].start, spans[0].end, spans[0].label, entity=accepted[0]
            )
        else:
            options.report.add("Prodigy accepted option not linked (not exactly one span)")


def _relations(rec: dict[str, Any], found: _TaskSpans, options: ReadOptions) -> list[RelationData]:
    rels: list[RelationData] = []
    for k, rel in enumerate(json_list(rec, "relations", found.name, found.line), start=1):
        if not isinstance(rel, dict):
            raise found.error("'relations' items must be objects")
        head = found.end_of(rel.get("head"), rel.get("head_span"))
        tail = found.end_of(rel.get("child"), rel.get("child_span"))
        label = rel.get("label")
        if head is None or tail is None or not isinstance(label, str):
            options.report.add("Prodigy relation between plain tokens (or unlabelled) skipped")
            continue
        rels.append(RelationData(f"r{k}", label, head, tail))
    return rels


# ---------------------------------------------------------------- writing


def _kept_input_hash(doc: DocData) -> int:
    """The ``_input_hash`` a Prodigy file gave the document when it was imported (the text
    never changes here, so Prodigy's own hash of it still holds), else one of our own."""
    kept = doc.meta.get(INPUT_HASH_META)
    if isinstance(kept, int) and not isinstance(kept, bool):
        return kept
    return _input_hash(doc.text)


def _input_hash(text: str) -> int:
    """A stable 32-bit signed hash of the text (Prodigy's hashes are such integers)."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big", signed=True)


def task_of(
    doc: DocData, tokenizer: Any, ctx: ExportContext, summary: ExportSummary, split: str
) -> dict[str, Any]:
    """One Prodigy task: tokens, token-aligned spans (exact character offsets kept), relations
    in the ``rel`` layout, ``answer`` accept (none for a document nobody annotated)."""
    sdoc = tokenizer(doc.text)
    tokens = [
        {
            "text": t.text,
            "start": t.idx,
            "end": t.idx + len(t.text),
            "id": t.i,
            "ws": bool(t.whitespace_),
        }
        for t in sdoc
    ]
    starts = [t["start"] for t in tokens]
    ends = [t["end"] for t in tokens]
    task: dict[str, Any] = {
        "text": doc.text,
        "_input_hash": _kept_input_hash(doc),
        "meta": {k: v for k, v in doc.meta.items() if k not in ("doc_id", INPUT_HASH_META)},
        "doc_id": doc.id,
        "tokens": tokens,
    }
    if doc.annotated is False:
        return task
    span_rec: dict[str, dict[str, Any]] = {}
    spans = []
    alike: dict[tuple[int, int, str], dict[str, Any]] = {}
    for span in doc.spans:
        twin = alike.get((span.start, span.end, span.label))
        if twin is not None:  # Prodigy reads one span per offsets and label
            summary.merge(f"{span.label} spans alike (e.g. events on one trigger) read as one")
            span_rec[span.id] = twin
            continue
        first = bisect_right(ends, span.start)
        last = bisect_left(starts, span.end) - 1
        rec: dict[str, Any] = {"start": span.start, "end": span.end, "label": span.label}
        if first <= last:
            rec["token_start"], rec["token_end"] = first, last
            if starts[first] != span.start or ends[last] != span.end:
                summary.merge(f"{span.label} span off token boundaries (its offsets kept)")
        else:
            summary.merge(f"{span.label} span inside one token (no token indices)")
        if span.attrs:
            rec["attrs"] = dict(span.attrs)
        if span.entity:
            rec["kb_id"] = span.entity
        span_rec[span.id] = rec
        alike[(span.start, span.end, span.label)] = rec
        spans.append(rec)
        summary.add_span(split, span.label)
    rels = []
    for rel in doc.relations:
        head, child = span_rec.get(rel.head), span_rec.get(rel.tail)
        if head is None or child is None or "token_end" not in head or "token_end" not in child:
            summary.skip(f"{rel.label} relation without token-aligned ends")
            continue
        summary.relations[rel.label] += 1
        rels.append(
            {
                "head": head["token_end"],
                "child": child["token_end"],
                "head_span": {
                    k: head[k] for k in ("start", "end", "token_start", "token_end", "label")
                },
                "child_span": {
                    k: child[k] for k in ("start", "end", "token_start", "token_end", "label")
                },
                "label": rel.label,
            }
        )
    task["spans"] = spans
    task["relations"] = rels
    task["answer"] = "accept"
    task["_annotator_id"] = doc.layer or ctx.layer
    return task


def write(
    docs: Iterable[DocData], out: Path, ctx: ExportContext, *, renew_every: int = RENEW_EVERY
) -> ExportSummary:
    """Tasks written as documents come, one file per split open at once."""
    import spacy

    summary = new_summary("prodigy", ctx)
    pipelines = Renewed(lambda: spacy.blank(ctx.lang), renew_every)

    def tokenizer(text: str) -> Any:
        return pipelines.get().tokenizer(text)

    handles: dict[str, tuple[str, IO[str]]] = {}  # split -> (file name, open file)

    def handle(split: str) -> IO[str]:
        if split not in handles:
            path = out if split == ALL else out / f"{split}.jsonl"
            if split != ALL:
                out.mkdir(parents=True, exist_ok=True)
            handles[split] = path.name, path.open("w", encoding="utf-8", newline="\n")
        return handles[split][1]

    try:
        for split in split_names(ctx):
            handle(split)
        for doc in docs:
            split = ctx.split_of(doc)
            summary.add_doc(split)
            handle(split).write(dumps_line(task_of(doc, tokenizer, ctx, summary, split)))
    finally:
        for _name, fh in handles.values():
            fh.close()
    summary.files += [name for name, _fh in handles.values()]
    return summary
