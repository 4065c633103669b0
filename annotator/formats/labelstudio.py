"""Label Studio JSON: reader of its exports and writer of tasks + labelling config.

Reading (a list of tasks, or one task object):

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
- A per-region text area named ``actor`` is the span's actor registry link; ``data.doc_id``
  (written by this tool's exporter) is the document id.
- A HyperText task (``hypertextlabels`` results, or its text under a ``<HyperText>`` tag of the
  config) is refused: its data is an HTML page and its regions XPath ranges in the page as a
  browser renders it; its markup is not a text to annotate. Image/audio regions, task-level
  choices and other result types are skipped and counted per type.
- The task's structure (the data key of its text, each region's id and ``from_name``/``to_name``)
  is kept in ``meta["labelstudio"]`` for the export (``annotator.formats.ls_structure``).

Writing: ``tasks.json`` (``train.json``... with a split) and ``config.xml``. One task per
document: ``data`` holds the text (under ``text``, or the data key it was imported with),
``doc_id`` and title/url/published/source, ``meta`` the
metadata; ``annotations`` one annotation of the exported layer (``completed_by.email`` = the
layer, ``ground_truth`` for gold), then one per other annotator who did the document, each with
``labels`` regions (UTF-16 offsets), per-region
``choices`` (attributes with a value list), ``textarea`` (free text; ``actor`` = the registry
link), ``number`` results, and ``relation`` results; ``predictions`` the pending suggestions of
the document (``model_version`` ``suggestions``). A document nobody annotated has no annotation.
Regions imported from Label Studio keep their ids and control names (the peer's config loads
them); other spans get ours (``label`` -> ``text``).
``config.xml`` is the labelling interface generated from the scheme, with the control and
object names the tasks use; this reader reads the export back identically (booleans excepted:
Label Studio has none, they come back as text).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from annotator.errors import ImportFailed
from annotator.formats.common import (
    UniqueIds,
    files_with_suffix,
    is_offset,
    iter_json_document,
    json_name,
    rel_name,
)
from annotator.formats.ls_structure import (
    DATA_KEY,
    LABELS_NAME,
    STRUCTURE_META,
    TEXT_NAME,
    Control,
    Kept,
    KeptRegions,
    Placed,
    Structure,
    place_spans,
    structure_of,
)
from annotator.formats.reading import ReadOptions
from annotator.formats.textfile import iter_chunks
from annotator.formats.writing import ALL, ExportContext, ExportSummary, new_summary, split_names
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
        config = _config_keys(file)
        stem = rel_name(file, root)
        tasks = iter_json_document(iter_chunks(file, options.encoding), name)
        for n, (line, task) in enumerate(tasks, start=1):
            if isinstance(task, dict) and "data" not in task and isinstance(task.get("text"), str):
                task = _from_min(task, options)  # the JSON-MIN shape
            if not isinstance(task, dict) or not isinstance(task.get("data"), dict):
                raise ImportFailed(
                    f"task {n} is not a Label Studio task (no 'data' object)", path=name, line=line
                )
            own_id = task["data"].get("doc_id")  # written by this tool's exporter
            if isinstance(own_id, str) and own_id:
                doc_id = ids(own_id)
            else:
                own = json_name(task.get("id"), "id", name, line)
                doc_id = ids(own if own is not None else f"{stem}:{n}")
            yield from _task(task, doc_id, config, name, n, line, options)


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


@dataclass(frozen=True)
class _Config:
    """What a labelling config next to the file says: ``to_name`` -> data key, and the
    ``to_name``s of ``<HyperText>`` tags (their data is HTML)."""

    keys: dict[str, str] = field(default_factory=dict)
    html: frozenset[str] = frozenset()


def _config_keys(file: Path) -> _Config:
    for folder in (file.parent, file.parent.parent):
        for conf in ("config.xml", "label_config.xml"):
            p = folder / conf
            if p.is_file():
                xml = p.read_text(encoding="utf-8", errors="replace")
                tags = [(m.group(1), m.group(2), m.group(3)) for m in _TEXT_TAG.finditer(xml)]
                tags += [(m.group(1), m.group(3), m.group(2)) for m in _TEXT_TAG2.finditer(xml)]
                keys = {name: key for _tag, name, key in tags}
                html = frozenset(name for tag, name, _key in tags if tag == "HyperText")
                return _Config(keys, html)
    return _Config()


def _text_of(
    task: dict[str, Any], results: list[Any], keys: dict[str, str], name: str, n: int, line: int
) -> tuple[str, str]:
    """The data key holding the task's text, and the text."""
    data = task["data"]
    for res in results:
        key = keys.get(res.get("to_name", "")) if isinstance(res, dict) else None
        if key and isinstance(data.get(key), str):
            return key, str(data[key])
    if isinstance(data.get("text"), str):
        return "text", str(data["text"])
    for key in keys.values():
        if isinstance(data.get(key), str):
            return key, str(data[key])
    strings = [
        k
        for k, v in data.items()
        if isinstance(v, str) and not v.startswith(("http://", "https://", "/data/"))
    ]
    if len(strings) == 1:
        return strings[0], str(data[strings[0]])
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
    config: _Config,
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
    data_key, text = _text_of(task, all_results, config.keys, name, n, line)
    _refuse_html(all_results, data_key, config, name, n, line)
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
        yield DocData(doc_id, text, meta, source_path=name, source_line=line, annotated=False)
        return
    index = Utf16Index(text)
    kept = Kept(data_key)
    read = [
        (layer, _results(results, text, index, name, n, line, options, kept.regions(layer)))
        for layer, results in layers
    ]
    structure = kept.as_meta()
    if structure is not None:
        meta[STRUCTURE_META] = structure
    for layer, (spans, rels) in read:
        yield DocData(
            doc_id,
            text,
            meta,
            spans,
            rels,
            layer=layer,
            source_path=name,
            source_line=line,
            annotated=True,
        )


def _refuse_html(
    results: list[Any], key: str, config: _Config, name: str, n: int, line: int
) -> None:
    """Refuse a HyperText task: its data is an HTML page and its regions are XPath ranges in
    the page as a browser renders it, which no offsets in a stored text can reproduce (its
    markup taken as the text would be wrong, its regions lost)."""
    html_keys = {config.keys[to] for to in config.html if to in config.keys}
    if key in html_keys or any(
        isinstance(r, dict) and r.get("type") == "hypertextlabels" for r in results
    ):
        raise ImportFailed(
            f"task {n} is a HyperText (HTML) task: its regions are XPath ranges in the rendered "
            "page, not offsets in a text, so it is not imported; label plain text in a <Text> tag",
            path=name,
            line=line,
        )


def _results(
    results: list[Any],
    text: str,
    index: Utf16Index,
    name: str,
    n: int,
    line: int,
    options: ReadOptions,
    kept: KeptRegions,
) -> tuple[tuple[SpanData, ...], tuple[RelationData, ...]]:
    """The spans (``labels`` regions, with their per-region attributes) and relations of one
    annotation's results; each region's id and control names are noted in ``kept``."""
    report = options.report
    spans: list[SpanData] = []
    first_span: dict[str, str] = {}
    pending: list[dict[str, Any]] = []
    region_ids = {
        str(r.get("id")) for r in results if isinstance(r, dict) and r.get("type") == "labels"
    }
    region_attrs = _region_attributes(results, region_ids, name, n, line)
    for k, res in enumerate(results, start=1):
        if not isinstance(res, dict):
            raise ImportFailed(f"task {n}: result {k} is not an object", path=name, line=line)
        kind = res.get("type")
        if kind in _PER_REGION and str(res.get("id")) in region_ids:
            continue  # an attribute of its region, read above
        if kind == "relation":
            pending.append(res)
            continue
        if kind != "labels":
            report.add(f"Label Studio result of type '{kind}' skipped")
            continue
        value = _value_of(res, f"region {res.get('id', k)}", name, n, line)
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
            attrs = dict(region_attrs.get(rid, {}))
            actor = attrs.pop(ACTOR_FIELD, None)
            spans.append(
                SpanData(sid, a, b, str(label), attrs, str(actor) if actor is not None else None)
            )
            first_span.setdefault(rid, sid)
            kept.add(a, b, str(label), rid, res.get("from_name"), res.get("to_name"))
    return tuple(spans), tuple(_relations(pending, first_span, name, n, line, options))


def _value_of(res: dict[str, Any], what: str, name: str, n: int, line: int) -> dict[str, Any]:
    """A result's ``value`` object (``what``: the result, for the message)."""
    value = res.get("value")
    if not isinstance(value, dict):
        raise ImportFailed(f"task {n}: {what} 'value' is not an object", path=name, line=line)
    return value


def _region_attributes(
    results: list[Any], region_ids: set[str], name: str, n: int, line: int
) -> dict[str, dict[str, AttrValue]]:
    """Region id -> the attributes given by per-region results (choices, text areas...)."""
    region_attrs: dict[str, dict[str, AttrValue]] = {}
    for res in results:
        if (
            isinstance(res, dict)
            and res.get("type") in _PER_REGION
            and str(res.get("id")) in region_ids
        ):
            raw_value = _value_of(res, f"result {res.get('id')}", name, n, line)
            value = raw_value.get("text" if res["type"] == "textarea" else res["type"])
            if isinstance(value, list) and len(value) == 1:
                value = value[0]
            if isinstance(value, list):
                value = ", ".join(str(v) for v in value)
            if isinstance(value, str | int | float | bool):
                key = str(res.get("from_name") or res["type"])
                region_attrs.setdefault(str(res["id"]), {})[key] = value
    return region_attrs


def _relations(
    pending: list[dict[str, Any]],
    first_span: dict[str, str],
    name: str,
    n: int,
    line: int,
    options: ReadOptions,
) -> list[RelationData]:
    """The ``relation`` results between regions read (region id -> its first span)."""
    report = options.report
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
    return rels


# ---------------------------------------------------------------- writing

ACTOR_FIELD = "actor"  # per-region text area holding a span's actor registry link


def _region_attr_results(
    rid: str, to_name: str, span: SpanData, ctx: ExportContext, summary: ExportSummary
) -> list[dict[str, Any]]:
    """Per-region results (same id as the region): choices for attributes with a value list,
    text areas for free text, numbers for numbers; the actor link as the ``actor`` text area."""
    out: list[dict[str, Any]] = []
    lab = ctx.scheme.label(span.label)
    for name, value in span.attrs.items():
        adef = lab.attribute(name) if lab is not None else None
        base = {"id": rid, "from_name": name, "to_name": to_name}
        if isinstance(value, bool):
            summary.merge(f"boolean attribute {span.label}.{name} written as a text area")
            out.append({**base, "type": "textarea", "value": {"text": [str(value).lower()]}})
        elif isinstance(value, int | float):
            out.append({**base, "type": "number", "value": {"number": value}})
        elif adef is not None and adef.values:
            out.append({**base, "type": "choices", "value": {"choices": [str(value)]}})
        else:
            out.append({**base, "type": "textarea", "value": {"text": [str(value)]}})
    if span.entity:
        out.append(
            {
                "id": rid,
                "from_name": ACTOR_FIELD,
                "to_name": to_name,
                "type": "textarea",
                "value": {"text": [span.entity]},
            }
        )
    return out


@dataclass
class _Names:
    """The controls and data keys the tasks of one export use, for its ``config.xml``."""

    controls: dict[Control, None] = field(default_factory=dict)
    data_keys: dict[str, Counter[str]] = field(default_factory=dict)  # to_name -> data keys

    def use(self, control: Control, data_key: str) -> None:
        self.controls.setdefault(control)
        self.data_keys.setdefault(control[1], Counter())[data_key] += 1


def results_of(
    doc: DocData,
    ctx: ExportContext,
    summary: ExportSummary,
    counted: bool = True,
    *,
    structure: Structure | None = None,
    main: bool = True,
    names: _Names | None = None,
) -> list[dict[str, Any]]:
    """Label Studio results for one layer of one document (UTF-16 offsets). Only the exported
    layer is ``counted`` in the summary: the other annotators' layers and the suggestions
    ride along in the same tasks but are not what the summary's span counts describe. Region
    ids and control names are those kept from a Label Studio import (``structure``, see
    ``annotator.formats.ls_structure``; ``main``: the exported layer), else our own."""
    index = Utf16Index(doc.text)
    structure = structure or Structure()
    kept = structure.layer_regions(doc.layer or ctx.layer, main)
    # without kept regions every span is its own region under our id and the task's control
    placed = place_spans(doc.spans, kept, structure) if kept else {}
    plain = Placed("", structure.default_control)
    results: list[dict[str, Any]] = []
    region: dict[str, dict[str, Any]] = {}  # span id -> its labels result (when joined)
    for span in doc.spans:
        where = placed.get(span.id, plain)
        rid = where.rid or span.id
        if where.joins is not None:  # another label of a region written already
            region[span.id] = region[where.joins]
            region[span.id]["value"]["labels"].append(span.label)
            continue
        result = {
            "id": rid,
            "from_name": where.control[0],
            "to_name": where.control[1],
            "type": "labels",
            "value": {
                "start": index.to_utf16(span.start),
                "end": index.to_utf16(span.end),
                "text": doc.text[span.start : span.end],
                "labels": [span.label],
            },
        }
        if placed:
            region[span.id] = result
        results.append(result)
        results += _region_attr_results(rid, where.control[1], span, ctx, summary)
    if names is not None:
        for control in dict.fromkeys(p.control for p in placed.values()):
            names.use(control, structure.data_key)
    ids = {span.id for span in doc.spans}
    for rel in doc.relations:
        if rel.head not in ids or rel.tail not in ids:
            if counted:
                summary.skip(f"{rel.label} relation pointing to a span not in the export")
            continue
        if counted:
            summary.relations[rel.label] += 1
        results.append(
            {
                "from_id": placed[rel.head].rid if placed else rel.head,
                "to_id": placed[rel.tail].rid if placed else rel.tail,
                "type": "relation",
                "direction": "right",
                "labels": [rel.label],
            }
        )
    return results


def task_of(
    doc: DocData,
    ctx: ExportContext,
    summary: ExportSummary,
    predictions: DocData | None = None,
    names: _Names | None = None,
) -> dict[str, Any]:
    """One task: the text under the data key it was imported with (``text`` otherwise), the
    exported layer's annotation, the other annotators' and the suggestions."""
    meta = {k: v for k, v in doc.meta.items() if k not in ("doc_id", STRUCTURE_META)}
    structure = structure_of(doc.meta)
    if names is not None:
        names.use(structure.default_control, structure.data_key)
    data: dict[str, Any] = {structure.data_key: doc.text, "doc_id": doc.id}
    for key in ("title", "url", "published", "source"):
        if isinstance(meta.get(key), str):
            data[key] = meta[key]
    task: dict[str, Any] = {"data": data, "meta": meta, "annotations": [], "predictions": []}
    if doc.annotated is not False:
        layer = doc.layer or ctx.layer
        task["annotations"].append(
            {
                "completed_by": {"email": layer},
                "ground_truth": layer == "gold",
                "was_cancelled": False,
                "result": results_of(doc, ctx, summary, structure=structure, names=names),
            }
        )
    for name, layer_docs in sorted(ctx.other_layers.items()):
        other = layer_docs.get(doc.id)
        if other is not None and other.annotated is not False:
            task["annotations"].append(
                {
                    "completed_by": {"email": name},
                    "ground_truth": False,
                    "was_cancelled": False,
                    "result": results_of(
                        other, ctx, summary, False, structure=structure, main=False, names=names
                    ),
                }
            )
    if predictions is not None and predictions.spans:
        task["predictions"].append(
            {
                "model_version": "suggestions",
                "result": results_of(
                    predictions, ctx, summary, False, structure=structure, main=False, names=names
                ),
            }
        )
    return task


def _xml(value: str) -> str:
    return (
        value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")
    )


def labelling_config(ctx: ExportContext, labels: Sequence[str], names: _Names | None = None) -> str:
    """The labelling config XML for the scheme: labels (one ``<Labels>`` control per control
    name the tasks use, each with every label), the text objects and their data keys,
    relations, per-region attributes (shown for the labels that have them) and the actor
    link."""
    scheme = ctx.scheme
    controls = list(names.controls) if names is not None and names.controls else []
    controls = controls or [(LABELS_NAME, TEXT_NAME)]
    text_name = controls[0][1]
    out = ["<View>"]
    for frm, to in controls:
        out.append(f'  <Labels name="{_xml(frm)}" toName="{_xml(to)}">')
        for name in labels:
            lab = scheme.label(name)
            color = lab.color if lab is not None else "#888888"
            out.append(f'    <Label value="{_xml(name)}" background="{_xml(color)}"/>')
        out.append("  </Labels>")
    for to in dict.fromkeys(to for _frm, to in controls):
        keys = names.data_keys.get(to) if names is not None else None
        key = keys.most_common(1)[0][0] if keys else DATA_KEY
        out.append(f'  <Text name="{_xml(to)}" value="${_xml(key)}"/>')
    if scheme.relations:
        out.append("  <Relations>")
        out += [f'    <Relation value="{_xml(r.name)}"/>' for r in scheme.relations]
        out.append("  </Relations>")
    attrs: dict[str, tuple[list[str], list[str]]] = {}
    for lab in scheme.labels:
        if lab.name not in labels:
            continue
        for adef in lab.attributes:
            owners, values = attrs.setdefault(adef.name, ([], []))
            owners.append(lab.name)
            values += [v for v in adef.values if v not in values]
    for name, (owners, values) in attrs.items():
        when = f'visibleWhen="region-selected" whenLabelValue="{_xml(",".join(owners))}"'
        if values:
            out.append(
                f'  <Choices name="{_xml(name)}" toName="{_xml(text_name)}" perRegion="true" '
                f"{when}>"
            )
            out += [f'    <Choice value="{_xml(v)}"/>' for v in values]
            out.append("  </Choices>")
        else:
            out.append(
                f'  <TextArea name="{_xml(name)}" toName="{_xml(text_name)}" perRegion="true" '
                f"{when}/>"
            )
    linked = [lab.name for lab in scheme.labels if lab.links_entity and lab.name in labels]
    if linked:
        when = f'visibleWhen="region-selected" whenLabelValue="{_xml(",".join(linked))}"'
        out.append(
            f'  <TextArea name="{ACTOR_FIELD}" toName="{_xml(text_name)}" perRegion="true" {when}/>'
        )
    out.append("</View>")
    return "\n".join(out) + "\n"


def write(docs: Iterable[DocData], out: Path, ctx: ExportContext) -> ExportSummary:
    """Tasks written as documents come, one JSON list per split file (the bytes of
    ``json.dumps(tasks, indent=1)``); ``config.xml`` last, once every label is known."""
    summary = new_summary("labelstudio", ctx)
    out.mkdir(parents=True, exist_ok=True)
    found: set[str] = set()
    names = _Names()
    handles: dict[str, IO[str]] = {}  # split -> its open file, in the order first written
    for split in split_names(ctx):
        handles[split] = _tasks_file(out, split)
    written: dict[str, int] = dict.fromkeys(handles, 0)
    try:
        for doc in docs:
            split = ctx.split_of(doc)
            fh = handles.get(split)
            if fh is None:
                fh = handles[split] = _tasks_file(out, split)
                written[split] = 0
            summary.add_doc(split)
            for span in doc.spans:
                summary.add_span(split, span.label)
                found.add(span.label)
            task = task_of(doc, ctx, summary, ctx.predictions.get(doc.id), names)
            # one item of a list dumped with indent=1: every line one space further in
            fh.write("[\n " if not written[split] else ",\n ")
            fh.write(json.dumps(task, ensure_ascii=False, indent=1).replace("\n", "\n "))
            written[split] += 1
        for split, fh in handles.items():
            fh.write("\n]\n" if written[split] else "[]\n")
    finally:
        for fh in handles.values():
            fh.close()
    labels = list(ctx.label_names())
    labels += sorted(found - set(labels))
    (out / "config.xml").write_text(labelling_config(ctx, labels, names), encoding="utf-8")
    summary.files.append("config.xml")
    for to, keys in names.data_keys.items():
        if len(keys) > 1:
            key, _n = keys.most_common(1)[0]
            summary.notes.append(
                f"Label Studio: config.xml reads the text object '{to}' from ${key}; "
                f"{sum(keys.values()) - keys[key]} task(s) imported with another data key keep it "
                "and need their own project"
            )
    summary.files += [_tasks_name(split) for split in handles]
    summary.notes.append(
        "Label Studio: create a project with config.xml as its labelling interface, then import "
        "the tasks file (offsets are UTF-16, as Label Studio counts)"
    )
    return summary


def _tasks_name(split: str) -> str:
    return "tasks.json" if split == ALL else f"{split}.json"


def _tasks_file(out: Path, split: str) -> IO[str]:
    return (out / _tasks_name(split)).open("w", encoding="utf-8", newline="\n")
