"""Prodigy / spaCy-style JSONL reader.

- Spans: ``start``/``end`` character offsets (code points); when they are missing, the
  ``token_start``/``token_end`` indices into ``tokens`` give them. ``label`` is the span label.
- Relations (Prodigy ``relations`` view): ``head``/``child`` are token indices; the spans are
  found from ``head_span``/``child_span`` (or the span covering the token). A ``*_span`` not in
  ``spans`` is added as a span. Relations pointing at plain tokens are skipped and counted.
- ``answer`` ``reject`` and ``ignore`` records are skipped and counted.
- Entity linking tasks (``options`` + ``accept``): the accepted option id becomes
  ``span.entity`` when the task has exactly one span (``NIL_*`` ids are ignored).
- The document id is ``<file>:<_input_hash>`` (else the record number); ``meta`` is kept; the
  layer is ``_annotator_id`` or ``_session_id`` when present.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.errors import ImportFailed
from annotator.formats.common import (
    UniqueIds,
    files_with_suffix,
    is_offset,
    iter_json_records,
    json_list,
    json_name,
    rel_name,
)
from annotator.formats.reading import ReadOptions
from annotator.formats.textfile import read_text
from annotator.values import DocData, RelationData, SpanData


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    ids = UniqueIds()
    root = path if path.is_dir() else path.parent
    for file in files_with_suffix(path, (".jsonl",)):
        name = str(file)
        stem = rel_name(file, root)
        for n, (line, rec) in enumerate(
            iter_json_records(read_text(file, options.encoding), name), start=1
        ):
            if not isinstance(rec, dict):
                raise ImportFailed("a record must be a JSON object", path=name, line=line)
            answer = rec.get("answer")
            if answer in ("reject", "ignore"):
                options.report.add(f"Prodigy '{answer}' record skipped")
                continue
            key = rec.get("_input_hash", n)
            yield _record(rec, ids(f"{stem}:{key}"), name, line, options)


def _record(
    rec: dict[str, Any], doc_id: str, name: str, line: int, options: ReadOptions
) -> DocData:
    text = rec.get("text")
    if not isinstance(text, str) or not text:
        raise ImportFailed("record has no 'text'", path=name, line=line)
    tokens = json_list(rec, "tokens", name, line)

    def offsets(sp: dict[str, Any]) -> tuple[int, int]:
        start, end = sp.get("start"), sp.get("end")
        if start is not None or end is not None:
            if not (is_offset(start) and is_offset(end)):
                raise ImportFailed(
                    f"span offsets must be non-negative integers, got {start!r}, {end!r}",
                    path=name,
                    line=line,
                )
        else:
            first, last = sp.get("token_start"), sp.get("token_end")
            try:
                if not (is_offset(first) and is_offset(last)):
                    raise IndexError
                start = tokens[first]["start"]
                end = tokens[last]["end"]
            except (KeyError, IndexError, TypeError):
                raise ImportFailed(
                    "span has neither start/end nor valid token indices "
                    f"(token_start {first!r}, token_end {last!r})",
                    path=name,
                    line=line,
                ) from None
        if not (is_offset(start) and is_offset(end) and start < end <= len(text)):
            raise ImportFailed(
                f"span [{start}, {end}) is outside the text (length {len(text)}) or empty",
                path=name,
                line=line,
            )
        return start, end

    spans: list[SpanData] = []
    by_key: dict[tuple[int, int, str], str] = {}
    tok_range: list[tuple[int, int, str]] = []  # token_start, token_end, span id

    def add(sp: dict[str, Any]) -> str:
        a, b = offsets(sp)
        label = sp.get("label")
        if not isinstance(label, str) or not label:
            raise ImportFailed(f"span [{a}, {b}) has no label", path=name, line=line)
        k = (a, b, label)
        if k in by_key:
            return by_key[k]
        sid = f"s{len(spans) + 1}"
        by_key[k] = sid
        spans.append(SpanData(sid, a, b, label))
        if is_offset(sp.get("token_start")) and is_offset(sp.get("token_end")):
            tok_range.append((sp["token_start"], sp["token_end"], sid))
        return sid

    for sp in json_list(rec, "spans", name, line):
        if not isinstance(sp, dict):
            raise ImportFailed("'spans' items must be objects", path=name, line=line)
        add(sp)

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

    def end_of(token: Any, sp: Any) -> str | None:
        if isinstance(sp, dict) and sp.get("label"):
            return add(sp)
        for first, last, sid in tok_range:
            if isinstance(token, int) and first <= token <= last:
                return sid
        return None

    rels: list[RelationData] = []
    for k, rel in enumerate(json_list(rec, "relations", name, line), start=1):
        if not isinstance(rel, dict):
            raise ImportFailed("'relations' items must be objects", path=name, line=line)
        head = end_of(rel.get("head"), rel.get("head_span"))
        tail = end_of(rel.get("child"), rel.get("child_span"))
        label = rel.get("label")
        if head is None or tail is None or not isinstance(label, str):
            options.report.add("Prodigy relation between plain tokens (or unlabelled) skipped")
            continue
        rels.append(RelationData(f"r{k}", label, head, tail))

    meta = dict(rec["meta"]) if isinstance(rec.get("meta"), dict) else {}
    layer = json_name(
        rec.get("_annotator_id") or rec.get("_session_id"), "_annotator_id", name, line
    )
    return DocData(
        doc_id,
        text,
        meta,
        tuple(spans),
        tuple(rels),
        layer=layer,
        source_path=name,
        source_line=line,
    )
