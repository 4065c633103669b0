"""brat standoff: ``<id>.txt`` + ``<id>.ann`` per document, ``annotation.conf`` and ``visual.conf``.

- ``T``: every span (code-point offsets, brat's own unit). A span with a line break inside is
  written as fragments split at the breaks (``0 5;6 11``), as brat itself does.
- ``E``: each span of an event-type label (``kind: event`` in the scheme) is an event on its
  ``T`` trigger; relations that start at an event are its role arguments, repeated roles
  numbered brat's way (``agent``, ``agent2``; a role named ``Theme2`` counts as ``Theme``).
  Events on the same trigger (same offsets and type) are separate ``E`` lines on one ``T``.
  Pointing to another event uses its E.
- ``R``: every other relation (``claimant``, ``about``), with ``Arg1`` = head and ``Arg2`` = tail.
- ``A``: valued and ``true`` attributes, on the ``E`` of events and on the ``T`` of other spans
  (a value brat cannot hold, with spaces or symbols, is written with ``_`` and counted).
- ``#``: the ``note`` attribute as ``AnnotatorNotes``, any other free-text attribute (no value
  list in the scheme) as a note of its own name; the reader reads both back.
- ``N``: one per registry link, the canonical name as the shown text; the reference is the
  entry's external id (``Wikidata:<Q-id>``, else ``External:<id>``) or, without one,
  ``Registry:<name>`` (percent-encoded).
``annotation.conf`` declares every label, relation type, event role and attribute of the scheme
so that brat's verifier accepts the export.
Document ids with ``/`` become sub-folders; characters brat cannot take in a file name become
``_``. With a split, documents go in ``train/``, ``dev/``, ``test/`` below the config files.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from urllib.parse import quote

from annotator.formats.brat.conf import NOTE_ATTRIBUTE
from annotator.formats.brat.reader import NOTE_TYPE
from annotator.formats.common import unique_file_stem
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

_UNSAFE = re.compile(r"[^\w.\-]+")
_BREAK = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
_WIKIDATA = re.compile(r"^(?:wikidata:)?(Q\d+)$", re.IGNORECASE)
_NOTE_BREAK = re.compile(r"[\t\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
_NUMBERED_ROLE = re.compile(r"^(.*\D)(\d+)$")


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
    return frozenset(scheme.event_labels)


def role_base(role: str) -> tuple[str, int]:
    """brat reads a trailing number of a role as its repeat count: ``Theme2`` is ``Theme`` #2."""
    m = _NUMBERED_ROLE.match(role)
    return (m.group(1), int(m.group(2))) if m else (role, 1)


def _free_text(ctx: ExportContext, label: str, name: str) -> bool:
    """An attribute the scheme gives no value list: written as a ``#`` note line."""
    lab = ctx.scheme.label(label)
    adef = lab.attribute(name) if lab is not None else None
    return name == NOTE_ATTRIBUTE or (adef is not None and not adef.values)


def _attr_lines(
    owner: str, span: SpanData, ctx: ExportContext, ids: Counter[str], summary: ExportSummary
) -> list[str]:
    lines = []
    for name, value in span.attrs.items():
        if value is False or value is None:
            continue
        if value is True:
            ids["A"] += 1
            lines.append(f"A{ids['A']}\t{name} {owner}")
        elif _free_text(ctx, span.label, name):
            note = _NOTE_BREAK.sub(" ", str(value))
            if note != str(value):
                summary.merge(f"line breaks or tabs in a {name} note written as spaces")
            ids["#"] += 1
            note_type = NOTE_TYPE if name == NOTE_ATTRIBUTE else name
            lines.append(f"#{ids['#']}\t{note_type} {owner}\t{note}")
        else:
            safe = _UNSAFE.sub("_", str(value))
            if safe != str(value):
                summary.merge(f"{span.label}.{name} value with spaces or symbols written with _")
            ids["A"] += 1
            lines.append(f"A{ids['A']}\t{name} {owner} {safe}")
    return lines


def ann_lines(
    doc: DocData, ctx: ExportContext, events: frozenset[str], summary: ExportSummary
) -> list[str]:
    """The lines of one ``.ann`` file: T, E, R, then A, # and N per span."""
    text = doc.text
    cut = {s.id: fragments(text, s.start, s.end) for s in doc.spans}
    for s in doc.spans:
        if not cut[s.id]:
            summary.skip(f"{s.label} span holding only line breaks (brat cannot show it)")
    doc_spans = [s for s in doc.spans if cut[s.id]]
    tid, lines = _t_lines(doc_spans, cut, text, events, summary)
    eid = {s.id: f"E{k}" for k, s in enumerate((s for s in doc_spans if s.label in events), 1)}

    def ref(span_id: str) -> str:
        return eid.get(span_id) or tid[span_id]

    args, rel_lines = _event_args_and_relations(doc, {s.id for s in doc_spans}, eid, ref, summary)
    lines += [
        _e_line(eid[span.id], span, tid[span.id], args[span.id])
        for span in doc_spans
        if span.id in eid
    ]
    lines += [f"R{k}\t{body}" for k, body in enumerate(rel_lines, 1)]
    ids: Counter[str] = Counter()
    for span in doc_spans:
        lines += _attr_lines(ref(span.id), span, ctx, ids, summary)
        if span.entity:
            ids["N"] += 1
            lines.append(_n_line(f"N{ids['N']}", span.entity, tid[span.id], ctx))
    return lines


def _t_lines(
    doc_spans: list[SpanData],
    cut: dict[str, list[tuple[int, int]]],
    text: str,
    events: frozenset[str],
    summary: ExportSummary,
) -> tuple[dict[str, str], list[str]]:
    """The T line of every span (events on one trigger share its T), and each span's T id."""
    tid: dict[str, str] = {}
    lines: list[str] = []
    triggers: dict[tuple[int, int, str], str] = {}  # events on one trigger share its T
    t_count = 0
    for span in doc_spans:
        key = (span.start, span.end, span.label)
        if span.label in events and key in triggers:
            tid[span.id] = triggers[key]
            summary.merge(f"{span.label} events sharing one trigger written on one T")
            continue
        t_count += 1
        tid[span.id] = f"T{t_count}"
        if span.label in events:
            triggers[key] = tid[span.id]
        frags = cut[span.id]
        if len(frags) > 1:
            summary.merge(f"{span.label} span with a line break written as brat fragments")
        offsets = ";".join(f"{s} {e}" for s, e in frags)
        shown = " ".join(text[s:e] for s, e in frags)
        lines.append(f"{tid[span.id]}\t{span.label} {offsets}\t{shown}")
    return tid, lines


def _event_args_and_relations(
    doc: DocData,
    kept: set[str],
    eid: dict[str, str],
    ref: Callable[[str], str],
    summary: ExportSummary,
) -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
    """Relations from an event's span as its (role, target) arguments; the others as the bodies
    of R lines."""
    args: dict[str, list[tuple[str, str]]] = {s: [] for s in eid}
    rel_lines: list[str] = []
    for rel in doc.relations:
        if rel.head not in kept or rel.tail not in kept:
            summary.skip(f"{rel.label} relation pointing to a span not in the export")
            continue
        summary.relations[rel.label] += 1
        if rel.head in eid:
            args[rel.head].append((rel.label, ref(rel.tail)))
        else:
            rel_lines.append(f"{rel.label} Arg1:{ref(rel.head)} Arg2:{ref(rel.tail)}")
    return args, rel_lines


def _e_line(event_id: str, span: SpanData, trigger: str, args: list[tuple[str, str]]) -> str:
    """One E line; repeated roles numbered brat's way (Theme before Theme2 before Theme3, so
    that brat's numbering gives the labels back)."""
    seen: Counter[str] = Counter()
    parts = [f"{span.label}:{trigger}"]
    for role, target in sorted(args, key=lambda a: role_base(a[0])):
        base = role_base(role)[0]
        seen[base] += 1
        parts.append(f"{base}{seen[base] if seen[base] > 1 else ''}:{target}")
    return f"{event_id}\t{' '.join(parts)}"


def _n_line(n_id: str, entity: str, trigger: str, ctx: ExportContext) -> str:
    """The N line of a registry link: Wikidata or External reference, else Registry:<name>."""
    shown = entity.replace("\t", " ").replace("\n", " ")
    entry = ctx.entity(entity)
    external = (entry.external_id or "").strip() if entry is not None else ""
    m = _WIKIDATA.match(external)
    db, ref_key = (
        ("Wikidata", m.group(1))
        if m
        else (("External", external) if external else ("Registry", entity))
    )
    return f"{n_id}\tReference {trigger} {db}:{quote(ref_key)}\t{shown}"


def annotation_conf(scheme: Scheme, labels: Sequence[str], extra: Sequence[str] = ()) -> str:
    """brat's ``annotation.conf`` for the scheme (labels restricted to ``labels``): entities,
    every relation type, events with their roles (numbered role names declared once, as the
    role brat reads them as) and the valued and binary attributes."""
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
        heads = [h for h in rdef.heads if h not in events and h in wanted]
        tails = [t for t in rdef.tails if t in wanted]
        if heads and tails:
            out.append(f"{rdef.name} Arg1:{'|'.join(heads)}, Arg2:{'|'.join(tails)}")
    out.append("<OVERLAP> Arg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>")
    out.append("[events]")
    for ev in evs:
        roles: dict[str, list[str]] = {}
        for r in scheme.relations:
            if ev in r.heads:
                tails = roles.setdefault(role_base(r.name)[0], [])
                tails += [t for t in r.tails if t in wanted and t not in tails]
        parts = [f"{role}*:{'|'.join(tails) or '<ANY>'}" for role, tails in roles.items()]
        out.append(f"{ev} {', '.join(parts)}".rstrip())
    out.append("[attributes]")
    attrs: dict[str, tuple[list[str], list[str]]] = {}
    for lab in scheme.labels:
        if lab.name not in wanted:
            continue
        for adef in lab.attributes:
            if adef.name == NOTE_ATTRIBUTE:
                continue
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
        stem = unique_file_stem(doc.id, taken[split])
        renamed += stem != doc.id
        txt = folder / f"{stem}.txt"
        txt.parent.mkdir(parents=True, exist_ok=True)
        with txt.open("w", encoding="utf-8", newline="") as fh:
            fh.write(doc.text)
        if doc.annotated is False:
            summary.merge("document nobody annotated written with an empty .ann (brat needs one)")
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
