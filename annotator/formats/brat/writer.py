"""brat standoff: ``<id>.txt`` + ``<id>.ann`` per document, ``annotation.conf`` and ``visual.conf``.

- ``T``: every span (code-point offsets, brat's own unit). A span with a line break inside is
  written as fragments split at the breaks (``0 5;6 11``), as brat itself does.
- ``E``: each span of an event label (``EVENT``) is an event on its ``T`` trigger; relations that
  start at an event (``agent``, ``target``, ``place``, ``time``, ...) become its role arguments,
  repeated roles numbered brat's way (``agent``, ``agent2``). Pointing to another event uses its E.
- ``R``: every other relation (``claimant``, ``about``), with ``Arg1`` = head and ``Arg2`` = tail.
- ``A``: attributes, on the ``E`` of events and on the ``T`` of other spans; ``true`` booleans are
  binary attributes, other values multi-valued.
- ``N``: one per registry link, the canonical name as the shown text; the reference is the
  entry's external id (``Wikidata:<Q-id>``, else ``External:<id>``) or, without one,
  ``Registry:<name>`` (percent-encoded).
Document ids with ``/`` become sub-folders; characters brat cannot take in a file name become
``_``. With a split, documents go in ``train/``, ``dev/``, ``test/`` below the config files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import quote

from annotator.formats.writing import (
    ALL,
    ExportContext,
    ExportSummary,
    corpus_stats,
    new_summary,
    split_names,
)
from annotator.scheme import Scheme
from annotator.values import DocData, SpanData

EVENT_LABELS = frozenset({"EVENT"})
_UNSAFE = re.compile(r"[^\w.\-]+")
_BREAK = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_WIKIDATA = re.compile(r"^(?:wikidata:)?(Q\d+)$", re.IGNORECASE)


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``[start, end)`` cut at line breaks; blank pieces left out unless all are blank. Empty
    when the span holds nothing but line breaks (brat cannot show such a span)."""
    out: list[tuple[int, int]] = []
    pos = start
    for m in _BREAK.finditer(text, start, end):
        out.append((pos, m.start()))
        pos = m.end()
    out.append((pos, end))
    pieces = [(s, e) for s, e in out if e > s]
    return [(s, e) for s, e in pieces if text[s:e].strip()] or pieces


def event_labels(scheme: Scheme) -> frozenset[str]:
    return frozenset(lab for lab in scheme.label_names if lab in EVENT_LABELS)


def _attr_lines(owner: str, span: SpanData, next_id: int) -> tuple[list[str], int]:
    lines = []
    for name, value in span.attrs.items():
        if value is False or value is None:
            continue
        if value is True:
            lines.append(f"A{next_id}\t{name} {owner}")
        else:
            lines.append(f"A{next_id}\t{name} {owner} {_UNSAFE.sub('_', str(value))}")
        next_id += 1
    return lines, next_id


def ann_lines(
    doc: DocData, ctx: ExportContext, events: frozenset[str], summary: ExportSummary
) -> list[str]:
    """The lines of one ``.ann`` file."""
    text = doc.text
    tid: dict[str, str] = {}
    lines: list[str] = []
    cut = {s.id: fragments(text, s.start, s.end) for s in doc.spans}
    for s in doc.spans:
        if not cut[s.id]:
            summary.skip(f"{s.label} span holding only line breaks (brat cannot show it)")
    doc_spans = [s for s in doc.spans if cut[s.id]]
    for i, span in enumerate(doc_spans, start=1):
        tid[span.id] = f"T{i}"
        frags = cut[span.id]
        if len(frags) > 1:
            summary.merge(f"{span.label} span with a line break written as brat fragments")
        offsets = ";".join(f"{s} {e}" for s, e in frags)
        shown = " ".join(text[s:e] for s, e in frags)
        lines.append(f"T{i}\t{span.label} {offsets}\t{shown}")
    spans = {s.id: s for s in doc_spans}
    eid = {s.id: f"E{k}" for k, s in enumerate((s for s in doc_spans if s.label in events), 1)}

    def ref(span_id: str) -> str:
        return eid.get(span_id) or tid[span_id]

    args: dict[str, list[tuple[str, str]]] = {s: [] for s in eid}
    rel_lines: list[str] = []
    for rel in doc.relations:
        if rel.head not in spans or rel.tail not in spans:
            summary.skip(f"{rel.label} relation pointing to a span not in the export")
            continue
        summary.relations[rel.label] += 1
        if rel.head in eid:
            args[rel.head].append((rel.label, ref(rel.tail)))
        else:
            rel_lines.append(f"{rel.label} Arg1:{ref(rel.head)} Arg2:{ref(rel.tail)}")
    for span in doc_spans:
        if span.id not in eid:
            continue
        seen: Counter[str] = Counter()
        parts = [f"{span.label}:{tid[span.id]}"]
        for role, target in args[span.id]:
            seen[role] += 1
            parts.append(f"{role}{seen[role] if seen[role] > 1 else ''}:{target}")
        lines.append(f"{eid[span.id]}\t{' '.join(parts)}")
    lines += [f"R{k}\t{body}" for k, body in enumerate(rel_lines, 1)]
    next_a, next_n = 1, 1
    for span in doc_spans:
        attr, next_a = _attr_lines(ref(span.id), span, next_a)
        lines += attr
        if span.entity:
            shown = span.entity.replace("\t", " ").replace("\n", " ")
            entry = ctx.entity(span.entity)
            external = (entry.external_id or "").strip() if entry is not None else ""
            m = _WIKIDATA.match(external)
            db, key = (
                ("Wikidata", m.group(1))
                if m
                else (("External", external) if external else ("Registry", span.entity))
            )
            lines.append(f"N{next_n}\tReference {tid[span.id]} {db}:{quote(key)}\t{shown}")
            next_n += 1
    return lines


def annotation_conf(scheme: Scheme, labels: Sequence[str], extra: Sequence[str] = ()) -> str:
    """brat's ``annotation.conf`` for the scheme (labels restricted to ``labels``)."""
    events = event_labels(scheme)
    wanted = [*labels, *extra]
    ents = [lab for lab in wanted if lab not in events]
    evs = [lab for lab in wanted if lab in events]

    def alt(names: Sequence[str]) -> str:
        kept = [n for n in names if n in wanted]
        return "|".join(kept) or "<ANY>"

    out = ["# Generated by News Annotator from the scheme '" + scheme.name + "'.", "[entities]"]
    out += ents
    out.append("[relations]")
    for rdef in scheme.relations:
        if any(h in evs for h in rdef.heads):
            continue
        out.append(f"{rdef.name} Arg1:{alt(rdef.heads)}, Arg2:{alt(rdef.tails)}")
    out.append("<OVERLAP> Arg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>")
    out.append("[events]")
    for ev in evs:
        roles = [f"{r.name}*:{alt(r.tails)}" for r in scheme.relations if ev in r.heads]
        out.append(f"{ev} {', '.join(roles)}".rstrip())
    out.append("[attributes]")
    attrs: dict[str, tuple[list[str], list[str]]] = {}
    for lab in scheme.labels:
        if lab.name not in wanted:
            continue
        for adef in lab.attributes:
            owners, values = attrs.setdefault(adef.name, ([], []))
            owners.append(lab.name)
            values += [v for v in adef.values if v not in values]
    for name, (owners, values) in attrs.items():
        value = f", Value:{'|'.join(_UNSAFE.sub('_', v) for v in values)}" if values else ""
        out.append(f"{name} Arg:{'|'.join(owners)}{value}")
    return "\n".join(out) + "\n"


def visual_conf(scheme: Scheme, labels: Sequence[str]) -> str:
    out = ["[labels]"]
    out += [f"{lab} | {lab.capitalize()}" for lab in labels]
    out += ["[drawing]"]
    for lab in scheme.labels:
        if lab.name in labels:
            out.append(f"{lab.name}\tbgColor:{lab.color}")
    out.append("SPAN_DEFAULT\tfgColor:black, bgColor:lightgray, borderColor:darken")
    out.append("ARC_DEFAULT\tcolor:black, arrowHead:triangle-5")
    return "\n".join(out) + "\n"


def _file_stem(doc_id: str, taken: set[str]) -> str:
    parts = [_UNSAFE.sub("_", p).strip(".") or "_" for p in doc_id.split("/") if p]
    stem = "/".join(parts) or "doc"
    candidate, n = stem, 1
    while candidate.lower() in taken:
        n += 1
        candidate = f"{stem}-{n}"
    taken.add(candidate.lower())
    return candidate


NEEDS_STATS = True  # annotation.conf lists every label of the export up front


def write(docs: Iterable[DocData], out: Path, ctx: ExportContext) -> ExportSummary:
    summary = new_summary("brat", ctx)
    out.mkdir(parents=True, exist_ok=True)
    docs, stats = corpus_stats(docs, ctx)
    events = event_labels(ctx.scheme)
    labels = list(ctx.label_names())
    extra = sorted(set(stats.label_counts) - set(labels))
    (out / "annotation.conf").write_text(annotation_conf(ctx.scheme, labels, extra), "utf-8")
    (out / "visual.conf").write_text(visual_conf(ctx.scheme, [*labels, *extra]), "utf-8")
    summary.files += ["annotation.conf", "visual.conf"]
    renamed = 0
    folders = {split: out if split == ALL else out / split for split in split_names(ctx)}
    taken: dict[str, set[str]] = {split: set() for split in folders}
    for folder in folders.values():
        folder.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        split = ctx.split_of(doc)
        folder = folders[split]
        summary.add_doc(split)
        stem = _file_stem(doc.id, taken[split])
        renamed += stem != doc.id
        txt = folder / f"{stem}.txt"
        txt.parent.mkdir(parents=True, exist_ok=True)
        with txt.open("w", encoding="utf-8", newline="") as fh:
            fh.write(doc.text)
        lines = ann_lines(doc, ctx, events, summary)
        with txt.with_suffix(".ann").open("w", encoding="utf-8", newline="\n") as fh:
            fh.write("".join(line + "\n" for line in lines))
        for span in doc.spans:
            if fragments(doc.text, span.start, span.end):
                summary.add_span(split, span.label)
    summary.files += [
        f"{folder.name}/*.txt, *.ann" if split != ALL else "*.txt, *.ann"
        for split, folder in folders.items()
    ]
    if renamed:
        summary.notes.append(f"{renamed} document id(s) changed to make file names")
    return summary
