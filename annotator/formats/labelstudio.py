"""Label Studio JSON export reader (a list of tasks, or one task object).

- The JSON-MIN export (rows with ``text`` and ``label: [{start, end, text, labels}]``) is read
  as one annotation per row (``layer`` = ``annotator``).
- Text: ``data["text"]``; else the ``$key`` of a ``<Text>`` tag in a ``config.xml`` or
  ``label_config.xml`` next to the file (or one folder up); else the task's only string value.
- One DocData per annotation (``layer`` = the annotator's e-mail or id); cancelled annotations are
  skipped and counted. Predictions are read only with ``ReadOptions.predictions`` and only for
  tasks without annotations (``layer`` = ``prediction:<model_version>``); otherwise counted.
  A task without any annotation gives its text with no spans.
- ``labels`` results: ``value.start``/``value.end`` are UTF-16 units, converted to code points;
  one span per label in ``value.labels``. ``relation`` results link ``from_id`` -> ``to_id``
  (reversed for ``direction: "left"``), labelled with their first label or ``related``.
- Policy for a stored ``value.text`` that differs from the text at the offsets: the offsets are
  trusted and the mismatch is counted in the report (Label Studio itself highlights by offsets).
- Per-region results (``choices``, ``textarea``, ``rating``, ``number`` sharing the id of a
  ``labels`` region) become attributes of that span, named by their ``from_name``.
- HyperText (XPath) regions, image/audio regions, task-level choices and other result types are
  skipped and counted per type.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.errors import ImportFailed
from annotator.formats.common import (
    UniqueIds,
    files_with_suffix,
    is_offset,
    iter_json_document,
    json_name,
    rel_name,
)
from annotator.formats.reading import ReadOptions
from annotator.formats.textfile import read_text
from annotator.offsets import Utf16Index
from annotator.values import AttrValue, DocData, RelationData, SpanData

_TEXT_TAG = re.compile(r"<(Text|HyperText)\b[^>]*?\bname=\"([^\"]+)\"[^>]*?\bvalue=\"\$(\w+)\"")
_MIN_KNOWN = frozenset(
    {"text", "id", "annotator", "annotation_id", "created_at", "updated_at", "lead_time"}
)
_PER_REGION = ("choices", "textarea", "rating", "number")
_TEXT_TAG2 = re.compile(r"<(Text|HyperText)\b[^>]*?\bvalue=\"\$(\w+)\"[^>]*?\bname=\"([^\"]+)\"")


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    ids = UniqueIds()
    root = path if path.is_dir() else path.parent
    for file in files_with_suffix(path, (".json",)):
        name = str(file)
        if file.name in ("config.json",):
            continue
        text_keys = _config_keys(file)
        stem = rel_name(file, root)
        tasks = iter_json_document(read_text(file, options.encoding), name)
        for n, (line, task) in enumerate(tasks, start=1):
            if isinstance(task, dict) and "data" not in task and isinstance(task.get("text"), str):
                task = _from_min(task, options)  # the JSON-MIN shape
            if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
                raise ImportFailed(
                    f"task {n} is not a Label Studio task (no 'data' object)", path=name, line=line
                )
            own = json_name(task.get("id"), "id", name, line)
            doc_id = ids(own if own is not None else f"{stem}:{n}")
            yield from _task(task, doc_id, text_keys, name, n, line, options)


def _from_min(row: dict[str, Any], options: ReadOptions) -> dict[str, Any]:
    """A JSON-MIN export row (``text``, ``label: [{start, end, labels}]``...) as a full task."""
    results: list[dict[str, Any]] = []
    for key, value in row.items():
        if not isinstance(value, list):
            if key not in _MIN_KNOWN:
                options.report.add(f"Label Studio JSON-MIN field '{key}' not read")
            continue
        for k, item in enumerate(value, start=1):
            if isinstance(item, dict) and {"start", "end"} <= set(item):
                labels = item.get("labels") or item.get(key) or []
                results.append(
                    {
                        "id": f"{key}{len(results) + 1}",
                        "type": "labels",
                        "from_name": key,
                        "value": {
                            "start": item["start"],
                            "end": item["end"],
                            "text": item.get("text"),
                            "labels": labels if isinstance(labels, list) else [labels],
                        },
                    }
                )
            elif k == 1 and key != "text":
                options.report.add(f"Label Studio JSON-MIN field '{key}' not read")
                break
    task: dict[str, Any] = {"data": {"text": row["text"]}}
    if "id" in row:
        task["id"] = row["id"]
    task["annotations"] = [{"completed_by": row.get("annotator"), "result": results}]
    return task


def _config_keys(file: Path) -> dict[str, str]:
    """``to_name`` -> data key, from a labelling config next to the file."""
    for folder in (file.parent, file.parent.parent):
        for conf in ("config.xml", "label_config.xml"):
            p = folder / conf
            if p.is_file():
                xml = p.read_text(encoding="utf-8", errors="replace")
                keys = {m.group(2): m.group(3) for m in _TEXT_TAG.finditer(xml)}
                keys.update({m.group(3): m.group(2) for m in _TEXT_TAG2.finditer(xml)})
                return keys
    return {}


def _text_of(
    task: dict[str, Any], results: list[Any], keys: dict[str, str], name: str, n: int, line: int
) -> str:
    data = task["data"]
    for res in results:
        key = keys.get(res.get("to_name", "")) if isinstance(res, dict) else None
        if key and isinstance(data.get(key), str):
            return str(data[key])
    if isinstance(data.get("text"), str):
        return str(data["text"])
    for key in keys.values():
        if isinstance(data.get(key), str):
            return str(data[key])
    strings = [
        k
        for k, v in data.items()
        if isinstance(v, str) and not v.startswith(("http://", "https://", "/data/"))
    ]
    if len(strings) == 1:
        return str(data[strings[0]])
    raise ImportFailed(
        f"task {n}: cannot tell which data field holds the text "
        f"(fields: {', '.join(sorted(data)) or 'none'})",
        path=name,
        line=line,
    )


def _layer(ann: dict[str, Any], name: str, line: int) -> str | None:
    who = ann.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("id")
    return json_name(who, "completed_by", name, line)


def _items(task: dict[str, Any], key: str, name: str, n: int, line: int) -> list[Any]:
    """A task's ``annotations`` or ``predictions``: a list of objects; one object alone (as some
    scripts write it) is one item; anything else is refused."""
    value = task.get(key)
    if value is None:
        return []
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        raise ImportFailed(f"task {n}: '{key}' must be a list", path=name, line=line)
    for k, item in enumerate(value, start=1):
        if not isinstance(item, dict):
            raise ImportFailed(f"task {n}: {key} item {k} is not an object", path=name, line=line)
    return value


def _results_of(item: dict[str, Any], name: str, n: int, line: int) -> list[Any]:
    value = item.get("result")
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportFailed(f"task {n}: 'result' must be a list", path=name, line=line)
    return value


def _label_list(value: Any, what: str, name: str, n: int, line: int) -> list[str]:
    """``labels``: a list of strings; one string alone is one label (never its letters)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v for v in value if v]
    raise ImportFailed(f"task {n}: {what} labels must be strings", path=name, line=line)


def _task(
    task: dict[str, Any],
    doc_id: str,
    keys: dict[str, str],
    name: str,
    n: int,
    line: int,
    options: ReadOptions,
) -> Iterator[DocData]:
    report = options.report
    anns = _items(task, "annotations", name, n, line)
    preds = _items(task, "predictions", name, n, line)
    cancelled = [a for a in anns if a.get("was_cancelled")]
    report.add("Label Studio cancelled annotation skipped", len(cancelled))
    anns = [a for a in anns if not a.get("was_cancelled")]
    layers: list[tuple[str | None, list[Any]]] = [
        (_layer(a, name, line), _results_of(a, name, n, line)) for a in anns
    ]
    if preds and (anns or not options.predictions):
        report.add("Label Studio prediction not read", len(preds))
    elif preds:
        layers = [
            (
                "prediction:"
                + (json_name(p.get("model_version"), "model_version", name, line) or "unknown"),
                _results_of(p, name, n, line),
            )
            for p in preds
        ]
    all_results = [r for _l, res in layers for r in res]
    text = _text_of(task, all_results, keys, name, n, line)
    if not text:
        raise ImportFailed(f"task {n} has an empty text", path=name, line=line)
    meta = (
        {k: v for k, v in (task.get("meta") or {}).items()}
        if isinstance(task.get("meta"), dict)
        else {}
    )
    for key in ("title", "url", "published", "author", "source"):
        if isinstance(task["data"].get(key), str):
            meta[key] = task["data"][key]
    if not layers:
        yield DocData(doc_id, text, meta, source_path=name, source_line=line)
        return
    index = Utf16Index(text)
    for layer, results in layers:
        spans, rels = _results(results, text, index, name, n, line, options)
        yield DocData(
            doc_id, text, meta, spans, rels, layer=layer, source_path=name, source_line=line
        )


def _results(
    results: list[Any],
    text: str,
    index: Utf16Index,
    name: str,
    n: int,
    line: int,
    options: ReadOptions,
) -> tuple[tuple[SpanData, ...], tuple[RelationData, ...]]:
    report = options.report
    spans: list[SpanData] = []
    first_span: dict[str, str] = {}
    pending: list[dict[str, Any]] = []
    region_ids = {
        str(r.get("id")) for r in results if isinstance(r, dict) and r.get("type") == "labels"
    }
    region_attrs: dict[str, dict[str, AttrValue]] = {}
    for res in results:
        if (
            isinstance(res, dict)
            and res.get("type") in _PER_REGION
            and str(res.get("id")) in region_ids
        ):
            raw_value = res.get("value")
            if not isinstance(raw_value, dict):
                raise ImportFailed(
                    f"task {n}: result {res.get('id')} 'value' is not an object",
                    path=name,
                    line=line,
                )
            value = raw_value.get(res["type"])
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            if isinstance(value, str | int | float | bool):
                key = str(res.get("from_name") or res["type"])
                region_attrs.setdefault(str(res["id"]), {})[key] = value
    for k, res in enumerate(results, start=1):
        if not isinstance(res, dict):
            raise ImportFailed(f"task {n}: result {k} is not an object", path=name, line=line)
        kind = res.get("type")
        if kind in _PER_REGION and str(res.get("id")) in region_ids:
            continue  # an attribute of its region, read above
        if kind == "relation":
            pending.append(res)
            continue
        if kind == "hypertextlabels":
            report.add("Label Studio HyperText (XPath) region skipped")
            continue
        if kind != "labels":
            report.add(f"Label Studio result of type '{kind}' skipped")
            continue
        value = res.get("value")
        if not isinstance(value, dict):
            raise ImportFailed(
                f"task {n}: region {res.get('id', k)} 'value' is not an object",
                path=name,
                line=line,
            )
        start, end = value.get("start"), value.get("end")
        labels = _label_list(value.get("labels"), f"region {res.get('id', k)}", name, n, line)
        if not (is_offset(start) and is_offset(end)):
            raise ImportFailed(
                f"task {n}: region {res.get('id', k)} has no integer start/end "
                f"(got {start!r}, {end!r})",
                path=name,
                line=line,
            )
        a, b = index.from_utf16(start), index.from_utf16(end)
        if not 0 <= a < b <= len(text):
            raise ImportFailed(
                f"task {n}: region {res.get('id', k)} [{start}, {end}) is outside "
                f"the text (length {len(text)}) or empty",
                path=name,
                line=line,
            )
        stored = value.get("text")
        if isinstance(stored, str) and stored != text[a:b]:
            report.add(
                "Label Studio value.text differs from the text at its offsets (offsets kept)"
            )
        rid = json_name(res.get("id"), "id", name, line) or f"r{k}"
        if not labels:
            report.add("Label Studio region without a label skipped")
            continue
        for j, label in enumerate(labels, start=1):
            sid = rid if j == 1 else f"{rid}~{j}"
            if any(s.id == sid for s in spans):
                sid = f"{sid}#{k}"
            spans.append(SpanData(sid, a, b, label, dict(region_attrs.get(rid, {}))))
            first_span.setdefault(rid, sid)
    rels: list[RelationData] = []
    for k, res in enumerate(pending, start=1):
        head, tail = first_span.get(str(res.get("from_id"))), first_span.get(str(res.get("to_id")))
        if head is None or tail is None:
            report.add("Label Studio relation to a skipped region skipped")
            continue
        if res.get("direction") == "left":
            head, tail = tail, head
        elif res.get("direction") == "bi":
            report.add("Label Studio bidirectional relation read as from -> to")
        labels = _label_list(res.get("labels"), "relation", name, n, line)
        if not labels:
            report.add("Label Studio relation without a label named 'related'")
        rels.append(RelationData(f"rel{k}", str(labels[0]) if labels else "related", head, tail))
    return tuple(spans), tuple(rels)
