"""brat standoff reader: ``.txt`` + ``.ann`` pairs (a folder, searched recursively, or one file).

Offsets are code points of the ``.txt`` text (brat counts Python ``str`` indices). Lines:

- ``T`` text-bound annotations become spans. **Discontinuous** ``T`` (``5 7;9 10``): when only
  whitespace separates the fragments (brat splits a span at line breaks this way) they are
  joined into one span, which loses nothing; otherwise one span per fragment: the first keeps
  the brat id, the others get ``<id>~2``, ``<id>~3``...; every fragment carries the annotation's
  attributes, note and normalisation; relations and event roles attach to the first fragment.
  Both cases are counted in the report.
- ``R`` relations: ``Arg1`` is the head, ``Arg2`` the tail (other role names: first, second).
- ``E`` events (contract): the trigger ``T`` span takes the event type as label, and each argument
  becomes a relation from the trigger span to the argument labelled with the role name exactly as
  written (``Org-Arg2`` stays ``Org-Arg2``). An argument that is itself an event points at that
  event's trigger span. When several events share one trigger (or the event type differs from the
  trigger's label) the later event gets its own copy of the span, with the event id as span id.
- ``A``/``M`` attributes and modifications: binary -> ``True``, valued -> the value string, on the
  span (for an event: on its trigger span).
- ``N`` normalisations: ``span.entity`` is the normalised name (or the reference when brat
  stores no name); the reference itself (``Wikipedia:64488``) is not kept, which is counted.
- ``#`` notes on spans and events: ``AnnotatorNotes`` in the attribute ``note``, any other note
  type ``X`` in the attribute ``X`` (the writer writes both back as ``#`` lines of their type);
  notes on relations are skipped and counted (relations have no attributes).
- ``*`` equivalences are skipped and counted (they have no id to link to).

A 0-byte ``.ann`` gives a document without annotations; in a folder, a ``.txt`` without an
``.ann`` (brat refuses those; often a README) and an ``.ann`` without a ``.txt`` are skipped and
counted. Given one ``.txt`` file without ``.ann``, the text is read without annotations.
``annotation.conf`` (in the folder or a parent) is read when present: labels it does not declare
are counted in the report. A span whose offsets fall outside the text or whose stored text
differs from the text at its offsets stops the import with an error naming the ``.ann`` file and
line.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from annotator.errors import ImportFailed
from annotator.formats.brat.conf import NOTE_ATTRIBUTE
from annotator.formats.common import UniqueIds, rel_name
from annotator.formats.reading import ReadOptions, ReadReport
from annotator.formats.textfile import read_text
from annotator.values import AttrValue, DocData, RelationData, SpanData

_WS_RUN = re.compile(r"\s+")
NOTE_TYPE = "AnnotatorNotes"  # brat's own note type, held in the attribute NOTE_ATTRIBUTE


def note_attribute(note_type: str) -> str:
    """The span attribute holding a ``#`` line of ``note_type`` (``AnnotatorNotes`` -> note)."""
    return NOTE_ATTRIBUTE if note_type == NOTE_TYPE else note_type


_DIGITS = re.compile(r"[0-9]+")  # ASCII digits only: int() would also take "1_4" and "٣"
_UNICODE_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _ann_encoding(ann: Path) -> str | None:
    """UTF-8 unless the .ann starts with a byte-order mark (then the mark decides)."""
    try:
        with ann.open("rb") as fh:
            head = fh.read(4)
    except OSError:
        return "utf-8"
    return None if head.startswith(_UNICODE_BOMS) else "utf-8"


@dataclass
class _TextBound:
    id: str
    label: str
    fragments: list[tuple[int, int]]
    line: int
    attrs: dict[str, AttrValue] = field(default_factory=dict)
    entity: str | None = None


@dataclass
class _Event:
    id: str
    label: str
    trigger: str
    args: list[tuple[str, str]]
    line: int
    span_id: str = ""


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    pairs = _pairs(path, options)
    ids = UniqueIds()
    root = path if path.is_dir() else path.parent
    confs: dict[Path, set[str] | None] = {}
    for txt, ann in pairs:
        if txt.parent not in confs:
            confs[txt.parent] = _declared_types(txt.parent, root)
        doc = _read_pair(txt, ann, options, confs[txt.parent])
        yield DocData(
            id=ids(rel_name(txt, root)),
            text=doc[0],
            meta={"source": txt.name},
            spans=doc[1],
            relations=doc[2],
            source_path=str(ann or txt),
            annotated=True if ann is not None else None,  # an empty .ann: annotated-empty
        )


def _pairs(path: Path, options: ReadOptions) -> list[tuple[Path, Path | None]]:
    if path.is_file():
        suffix = path.suffix.lower()
        if suffix not in (".ann", ".txt"):
            raise ImportFailed("a brat file must end in .ann or .txt", path=str(path))
        txt, ann = path.with_suffix(".txt"), path.with_suffix(".ann")
        if not txt.exists():
            raise ImportFailed(f"no text file {txt.name} next to the .ann file", path=str(path))
        return [(txt, ann if ann.exists() else None)]
    anns = sorted(p for p in path.rglob("*.ann") if not p.name.startswith("."))
    txts = sorted(p for p in path.rglob("*.txt") if not p.name.startswith("."))
    pairs: list[tuple[Path, Path | None]] = []
    ann_set = {a.with_suffix("") for a in anns}
    for ann in anns:
        txt = ann.with_suffix(".txt")
        if not txt.exists():
            # e.g. DKPro's "document1-ref.ann": expected outputs without their own text
            options.report.add("brat .ann file without a .txt file skipped")
            continue
        pairs.append((txt, ann))
    for txt in txts:
        if txt.with_suffix("") not in ann_set:
            # brat itself refuses such a document; often a README or SOURCE.txt
            options.report.add("brat .txt file without an .ann file skipped")
    if not pairs:
        raise ImportFailed("no brat .txt/.ann files in the folder", path=str(path))
    return sorted(pairs, key=lambda p: p[0])


def _declared_types(folder: Path, root: Path) -> set[str] | None:
    """Entity, relation and event type names from the nearest annotation.conf (up to ``root``)."""
    chain = [folder, *folder.parents]
    if root in chain:
        chain = chain[: chain.index(root) + 1]
    conf = next((f / "annotation.conf" for f in chain if (f / "annotation.conf").is_file()), None)
    if conf is None:
        return None
    names: set[str] = set()
    section = ""
    for raw in read_text(conf, allow_empty=True).splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
            continue
        if section in ("entities", "relations", "events") and "=" not in line.split()[0]:
            names.add(line.split()[0].lstrip("!").split("|", 1)[0])
    return names


@dataclass
class _AnnLines:
    """The annotation lines of one ``.ann`` file, by kind, in file order."""

    tbs: dict[str, _TextBound] = field(default_factory=dict)
    events: dict[str, _Event] = field(default_factory=dict)
    relations: list[tuple[str, str, str, str, int]] = field(default_factory=list)
    # id, label, head, tail, line
    attrs: list[tuple[str, str, AttrValue, int]] = field(default_factory=list)
    # target, name, value, line
    seen: dict[str, int] = field(default_factory=dict)  # id -> line, for T, E, R, A, M, N and #


def _read_pair(
    txt: Path, ann: Path | None, options: ReadOptions, declared: set[str] | None
) -> tuple[str, tuple[SpanData, ...], tuple[RelationData, ...]]:
    text = read_text(txt, options.encoding)
    if ann is None:
        return text, (), ()
    name = str(ann)
    found = _AnnLines()
    report = options.report
    content = read_text(ann, options.encoding or _ann_encoding(ann), allow_empty=True)
    # Only "\n" ends a line: brat texts may hold U+2028, U+0085 and friends inside a span.
    for lineno, raw in enumerate(content.split("\n"), start=1):
        line = raw.rstrip("\r")
        if line.strip():
            _read_line(line, lineno, text, found, report, name)
    spans_rels = _assemble(
        text, found.tbs, found.events, found.relations, found.attrs, declared, report, name
    )
    return text, *spans_rels


def _read_line(
    line: str, lineno: int, text: str, found: _AnnLines, report: ReadReport, name: str
) -> None:
    """Read one non-blank ``.ann`` line into ``found`` (one branch per line kind)."""
    parts = line.split("\t")
    ident = parts[0].strip()
    body = parts[1].strip() if len(parts) > 1 else ""
    kind = ident[:1]
    if kind and kind in "TERAMN#":
        _check_unique(ident, lineno, found.seen, name)
    if kind == "T":
        tb = _text_bound(ident, body, parts[2] if len(parts) > 2 else None, text, name, lineno)
        found.tbs[ident] = tb
    elif kind == "E":
        found.events[ident] = _event(ident, body, name, lineno)
    elif kind == "R":
        found.relations.append(_relation(ident, body, name, lineno))
    elif kind in ("A", "M"):
        found.attrs.append(_attribute(ident, body, name, lineno))
    elif kind == "N":
        found.attrs.append(_normalisation(ident, body, parts, name, lineno, report))
    elif kind == "#":
        found.attrs.extend(_note(body, parts, lineno))
    elif kind == "*":
        report.add("brat equivalence (*) line skipped")
    else:
        raise ImportFailed(f"unknown annotation line '{ident}'", path=name, line=lineno)


def _check_unique(ident: str, lineno: int, seen: dict[str, int], name: str) -> None:
    if ident in seen:
        raise ImportFailed(
            f"duplicate annotation id {ident} (also on line {seen[ident]})",
            path=name,
            line=lineno,
        )
    seen[ident] = lineno


def _event(ident: str, body: str, name: str, lineno: int) -> _Event:
    """An E line: ``TYPE:TRIGGER ROLE:ARG...``."""
    fields = body.split()
    if not fields or ":" not in fields[0]:
        raise ImportFailed(f"event {ident} has no TYPE:TRIGGER", path=name, line=lineno)
    label, trigger = fields[0].split(":", 1)
    args = [_role(f, name, lineno) for f in fields[1:]]
    return _Event(ident, label, trigger, args, lineno)


def _relation(ident: str, body: str, name: str, lineno: int) -> tuple[str, str, str, str, int]:
    """An R line: ``TYPE Arg1:HEAD Arg2:TAIL`` as (id, label, head, tail, line)."""
    fields = body.split()
    if len(fields) < 3:
        raise ImportFailed(
            f"relation {ident} needs a type and two arguments", path=name, line=lineno
        )
    head = _role(fields[1], name, lineno)[1]
    tail = _role(fields[2], name, lineno)[1]
    return ident, fields[0], head, tail, lineno


def _attribute(ident: str, body: str, name: str, lineno: int) -> tuple[str, str, AttrValue, int]:
    """An A or M line: ``NAME TARGET [VALUE]`` (no value: binary, True)."""
    fields = body.split()
    if len(fields) < 2:
        raise ImportFailed(f"attribute {ident} needs a name and a target", path=name, line=lineno)
    value: AttrValue = " ".join(fields[2:]) if len(fields) > 2 else True
    return fields[1], fields[0], value, lineno


def _normalisation(
    ident: str, body: str, parts: list[str], name: str, lineno: int, report: ReadReport
) -> tuple[str, str, AttrValue, int]:
    """An N line as the actor link of its target (the reserved attribute name ``\\x00entity``):
    the name shown is the line's text, else the key of a ``Registry:`` reference."""
    fields = body.split()
    if len(fields) < 3:
        raise ImportFailed(
            f"normalisation {ident} needs a type, target and reference",
            path=name,
            line=lineno,
        )
    shown = parts[2].strip() if len(parts) > 2 else ""
    db, _, key = fields[2].partition(":")
    if not shown and db == "Registry":
        shown = unquote(key)
    if db != "Registry":
        report.add("brat normalisation reference not kept (the entity name is)")
    return fields[1], "\x00entity", shown or fields[2], lineno


def _note(body: str, parts: list[str], lineno: int) -> list[tuple[str, str, AttrValue, int]]:
    """A ``#`` line as an attribute of its target (none when it has no target or no text)."""
    fields = body.split()
    note = "\t".join(parts[2:]).strip()
    if len(fields) >= 2 and note:
        return [(fields[1], note_attribute(fields[0]), note, lineno)]
    return []


def _text_bound(
    ident: str, body: str, stored: str | None, text: str, name: str, lineno: int
) -> _TextBound:
    label, _, offsets = body.partition(" ")
    fragments: list[tuple[int, int]] = []
    try:
        for frag in offsets.split(";"):
            first, last = frag.split()
            if not (_DIGITS.fullmatch(first) and _DIGITS.fullmatch(last)):
                raise ValueError(frag)
            fragments.append((int(first), int(last)))
    except ValueError:
        raise ImportFailed(
            f"span {ident} has malformed offsets '{offsets}'", path=name, line=lineno
        ) from None
    for a, b in fragments:
        if not 0 <= a <= b <= len(text):
            raise ImportFailed(
                f"span {ident} [{a}, {b}) is outside the text (length {len(text)})",
                path=name,
                line=lineno,
            )
    if stored is not None:
        actual = " ".join(text[a:b] for a, b in fragments)
        want = stored.rstrip("\r\n")
        if actual != want and _WS_RUN.sub(" ", actual) != _WS_RUN.sub(" ", want):
            raise ImportFailed(
                f"span {ident} [{fragments[0][0]}, {fragments[-1][1]}) reads {actual[:40]!r} "
                f"in the text but the .ann says {want[:40]!r}",
                path=name,
                line=lineno,
            )
    return _TextBound(ident, label, fragments, lineno)


def _role(field_: str, name: str, lineno: int) -> tuple[str, str]:
    role, sep, target = field_.partition(":")
    if not sep or not target:
        raise ImportFailed(f"argument '{field_}' is not ROLE:ID", path=name, line=lineno)
    return role, target


def _assemble(
    text: str,
    tbs: dict[str, _TextBound],
    events: dict[str, _Event],
    relations: list[tuple[str, str, str, str, int]],
    attrs: list[tuple[str, str, AttrValue, int]],
    declared: set[str] | None,
    report: ReadReport,
    name: str,
) -> tuple[tuple[SpanData, ...], tuple[RelationData, ...]]:
    """Events, attributes, fragments, relations, in that order."""
    # Spans: the T lines, then a copy per event whose trigger is taken or differently labelled.
    all_tbs = {**tbs, **_event_spans(tbs, events, report, name)}
    refs = _Refs(all_tbs, events, name)
    _attach_attributes(attrs, refs, {r[0] for r in relations}, report, name)
    spans = [sp for tb in all_tbs.values() for sp in _fragment_spans(tb, text, declared, report)]
    # Fragments skipped above (empty) must not be referenced.
    have = {s.id for s in spans}
    rels = _relations(relations, refs, have, declared, report)
    rels += _event_roles(events, refs, have, report)
    return tuple(spans), tuple(rels)


@dataclass
class _Refs:
    """What an annotation id in an R, E, A, M, N or # line refers to."""

    tbs: dict[str, _TextBound]
    events: dict[str, _Event]
    name: str

    def known(self, ref: str) -> bool:
        return ref in self.tbs or ref in self.events

    def span_of(self, ref: str, line: int) -> str:
        """The span id of a T line, or of an event's trigger span."""
        if ref in self.tbs:
            return ref
        if ref in self.events:
            return self.events[ref].span_id
        raise ImportFailed(f"reference to unknown annotation '{ref}'", path=self.name, line=line)


def _event_spans(
    tbs: dict[str, _TextBound], events: dict[str, _Event], report: ReadReport, name: str
) -> dict[str, _TextBound]:
    """Set each event's span: its trigger, or a copy of it (returned, by event id) when the
    trigger is taken by an earlier event or labelled differently."""
    extra: dict[str, _TextBound] = {}
    used: set[str] = set()
    for ev in events.values():
        tb = tbs.get(ev.trigger)
        if tb is None:
            raise ImportFailed(
                f"event {ev.id} has unknown trigger '{ev.trigger}'", path=name, line=ev.line
            )
        if ev.trigger in used or tb.label != ev.label:
            extra[ev.id] = _TextBound(ev.id, ev.label, list(tb.fragments), ev.line)
            ev.span_id = ev.id
            report.add("brat event sharing its trigger given its own span")
        else:
            used.add(ev.trigger)
            ev.span_id = ev.trigger
    return extra


def _attach_attributes(
    attrs: list[tuple[str, str, AttrValue, int]],
    refs: _Refs,
    relation_ids: set[str],
    report: ReadReport,
    name: str,
) -> None:
    """Put attributes, notes and actor links on their spans (an event's: on its span)."""
    for target, attr_name, value, line in attrs:
        if refs.known(target):
            tb = refs.tbs[refs.span_of(target, line)]
            if attr_name == "\x00entity":
                tb.entity = str(value)
            else:
                tb.attrs[attr_name] = value
        elif target in relation_ids:
            report.add(f"brat {attr_name} on a relation skipped")
        elif target.startswith("*") or not target:
            report.add("brat attribute on an equivalence skipped")
        else:
            raise ImportFailed(f"reference to unknown annotation '{target}'", path=name, line=line)


def _fragment_spans(
    tb: _TextBound, text: str, declared: set[str] | None, report: ReadReport
) -> list[SpanData]:
    """The spans of one text-bound annotation: one, or one per fragment of a discontinuous one
    (fragments apart only by whitespace are joined); empty fragments skipped."""
    if declared is not None and tb.label not in declared:
        report.add("brat label not declared in annotation.conf")
    if len(tb.fragments) > 1:
        if all(
            not text[a:b].strip()
            for (_x, a), (b, _y) in zip(tb.fragments, tb.fragments[1:], strict=False)
        ):
            tb.fragments = [(tb.fragments[0][0], tb.fragments[-1][1])]
            report.add("brat fragments separated only by whitespace joined into one span")
        else:
            report.add("brat discontinuous span split into one span per fragment")
    spans: list[SpanData] = []
    for k, (a, b) in enumerate(tb.fragments, start=1):
        if a == b:
            report.add("brat empty fragment skipped")
            continue
        span_id = tb.id if k == 1 else f"{tb.id}~{k}"
        spans.append(SpanData(span_id, a, b, tb.label, dict(tb.attrs), tb.entity))
    return spans


def _relations(
    relations: list[tuple[str, str, str, str, int]],
    refs: _Refs,
    have: set[str],
    declared: set[str] | None,
    report: ReadReport,
) -> list[RelationData]:
    """The R lines between spans that were kept."""
    rels: list[RelationData] = []
    for rid, label, head, tail, line in relations:
        h, t = refs.span_of(head, line), refs.span_of(tail, line)
        if declared is not None and label not in declared:
            report.add("brat label not declared in annotation.conf")
        if h not in have or t not in have:
            report.add("brat relation to an empty span skipped")
            continue
        rels.append(RelationData(rid, label, h, t))
    return rels


def _event_roles(
    events: dict[str, _Event], refs: _Refs, have: set[str], report: ReadReport
) -> list[RelationData]:
    """Each event argument as a relation from the event's span to the argument's."""
    rels: list[RelationData] = []
    for ev in events.values():
        for role, ref in ev.args:
            t = refs.span_of(ref, ev.line)
            if ev.span_id not in have or t not in have:
                report.add("brat event role to an empty span skipped")
                continue
            rels.append(RelationData(f"{ev.id}.{role}", role, ev.span_id, t))
    return rels
