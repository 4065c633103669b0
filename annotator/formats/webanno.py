"""WebAnno / INCEpTION TSV 3.x reader (also third-party TSV 3, e.g. the GUM corpus).

- Header ``#T_SP=layer|feature|...`` (span), ``#T_RL=layer|feature|...|BT_base`` (relation),
  ``#T_CH=layer|...`` (chain) lines fix the columns after the first three. Unknown ``#`` lines
  (``#Summary1=``, ``#Sentence.id=``) are skipped. Legacy TSV 2 files are refused.
- Spans come from one span layer: by default the first ``#T_SP`` layer, its first feature giving
  the label; ``--tsv-feature LAYER|FEATURE`` (full or short layer name) chooses another. The
  layer's other features become attributes. A span without a value (``*``) takes the layer's
  short name as label. Annotations of other span layers, chain layers and slot (role) features
  are not imported; they are counted in the report.
- Relations: relation layers whose base type is the chosen span layer; the label is the first
  feature's value (the layer's short name when there is none); the head is the source (governor)
  and the tail the annotation on the row holding the relation.
- Stacked values ``X[1]|Y[2]``, multi-token and cross-sentence spans (same ``[id]`` on several
  rows), sub-token rows (``1-1.1``) and the escapes ``\\\\ \\| \\_ \\* \\[ \\] \\; \\t \\n``
  are handled. Zero-length annotations cannot be spans here; they are skipped and counted.
- Text: sentences' ``#Text=`` lines (several lines joined by a newline) placed at their token
  offsets; gaps between sentences are filled with newlines. When a ``#Text`` disagrees with the
  token offsets the text is rebuilt from the tokens alone (gaps filled with spaces). Offsets are
  UTF-16 units in the file and are converted to code points.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.errors import ImportFailed
from annotator.formats.common import UniqueIds, files_with_suffix, rel_name
from annotator.formats.reading import ReadOptions, ReadReport
from annotator.formats.textfile import read_text
from annotator.offsets import Utf16Index, utf16_len
from annotator.values import AttrValue, DocData, RelationData, SpanData

_ROW = re.compile(r"^([0-9]+)-([0-9]+)(?:\.([0-9]+))?$")
_OFFSETS = re.compile(r"^([0-9]+)-([0-9]+)$")  # ASCII digits only ("1_4" and "٣" are not)
_MAX_GAP = 1_000_000  # UTF-16 units of blank text allowed between two tokens
_ID_SUFFIX = re.compile(r"\[(\d+(?:_\d+)?)\]$")
_REF = re.compile(r"^(\d+-\d+(?:\.\d+)?)(?:\[(\d+)_(\d+)\])?$")
_UNESCAPE = {"t": "\t", "n": "\n", "r": "\r"}


@dataclass
class _Column:
    kind: str  # "SP", "RL", "CH"
    layer: str
    feature: str | None  # None: the BT column, a chain column or a featureless span column
    role: str = "feat"  # feat, bt, slot_role, slot_target, chain, bare


@dataclass
class _Row:
    addr: str
    begin: int
    end: int
    token: str
    cells: list[str]
    line: int
    sub: bool


@dataclass
class _Ann:
    rows: list[_Row] = field(default_factory=list)
    values: dict[str, str | None] = field(default_factory=dict)


def short(layer: str) -> str:
    return layer.rsplit(".", 1)[-1]


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    ids = UniqueIds()
    root = path if path.is_dir() else path.parent
    for file in files_with_suffix(path, (".tsv",)):
        text, spans, rels = read_file(file, options)
        yield DocData(
            id=ids(rel_name(file, root)),
            text=text,
            meta={"source": file.name},
            spans=spans,
            relations=rels,
            source_path=str(file),
        )


def _split(cell: str, sep: str) -> list[str]:
    out, cur, esc = [], [], False
    for ch in cell:
        if esc:
            cur.append("\\" + ch)
            esc = False
        elif ch == "\\":
            esc = True
        elif ch == sep:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if esc:
        cur.append("\\")
    out.append("".join(cur))
    return out


def _unescape(value: str) -> str:
    out, esc = [], False
    for ch in value:
        if esc:
            out.append(_UNESCAPE.get(ch, ch))
            esc = False
        elif ch == "\\":
            esc = True
        else:
            out.append(ch)
    return "".join(out)


def _items(cell: str) -> list[tuple[str | None, str | None]]:
    """``(value, id)`` per stacked item; value None for ``*``; [] for ``_``."""
    if cell in ("_", ""):
        return []
    out: list[tuple[str | None, str | None]] = []
    for item in _split(cell, "|"):
        ident = None
        m = _ID_SUFFIX.search(item)
        if m:
            before = item[: m.start()]
            slashes = len(before) - len(before.rstrip("\\"))
            if slashes % 2 == 0:
                ident, item = m.group(1), before
        value = None if item == "*" else _unescape(item)
        out.append((value, ident))
    return out


def _columns(headers: list[tuple[str, str, int]], name: str) -> list[_Column]:
    cols: list[_Column] = []
    for kind, spec, lineno in headers:
        parts = spec.split("|")
        layer, feats = parts[0], [p for p in parts[1:]]
        if kind == "SP":
            real = [f for f in feats if f]
            if not real:
                cols.append(_Column(kind, layer, None, "bare"))
                continue
            skip = False
            for i, feat in enumerate(real):
                if skip:
                    skip = False
                    continue
                if feat.startswith("ROLE_"):
                    cols.append(_Column(kind, layer, feat, "slot_role"))
                    cols.append(
                        _Column(
                            kind, layer, real[i + 1] if i + 1 < len(real) else None, "slot_target"
                        )
                    )
                    skip = True
                else:
                    cols.append(_Column(kind, layer, feat))
        elif kind == "RL":
            for feat in feats:
                if feat.startswith("BT_"):
                    cols.append(_Column(kind, layer, feat[3:], "bt"))
                elif feat:
                    cols.append(_Column(kind, layer, feat))
        elif kind == "CH":
            for feat in feats or ["chain"]:
                cols.append(_Column(kind, layer, feat, "chain"))
        else:
            raise ImportFailed(f"unknown layer kind '#T_{kind}'", path=name, line=lineno)
    return cols


def _parse(
    file: Path, options: ReadOptions
) -> tuple[list[_Column], list[_Row], list[tuple[list[str], list[_Row]]]]:
    name = str(file)
    content = read_text(file, options.encoding)
    lines = [ln.removesuffix("\r") for ln in content.split("\n")]
    first = lines[0].strip() if lines else ""
    if not first.startswith("#FORMAT=WebAnno TSV 3"):
        legacy = any(ln.startswith(("#id=", "#text=", " # ")) for ln in lines[:5])
        if legacy or first.startswith("#FORMAT=WebAnno TSV"):
            raise ImportFailed(
                "legacy WebAnno TSV 2 is not supported; export the documents "
                "again as WebAnno TSV 3 (INCEpTION: 'WebAnno TSV v3.x')",
                path=name,
                line=1,
            )
        raise ImportFailed(
            "not a WebAnno TSV 3 file (no '#FORMAT=WebAnno TSV 3' line)", path=name, line=1
        )
    headers: list[tuple[str, str, int]] = []
    rows: list[_Row] = []
    sentences: list[tuple[list[str], list[_Row]]] = []
    texts: list[str] = []
    in_sentence = False
    cols: list[_Column] | None = None
    for lineno, raw in enumerate(lines, start=1):
        if lineno == 1:
            continue
        if not raw.strip():
            in_sentence = False
            continue
        if raw.startswith("#"):
            if raw.startswith("#T_") and "=" in raw and cols is None and not rows:
                kind, spec = raw[3:].split("=", 1)
                headers.append((kind.strip(), spec.rstrip("\t\r "), lineno))
            elif raw.startswith("#Text="):
                if in_sentence and sentences and not sentences[-1][1]:
                    sentences[-1][0].append(raw[6:])
                else:
                    texts = [raw[6:]]
                    sentences.append((texts, []))
                    in_sentence = True
            continue  # other '#' lines: skipped (e.g. GUM's #Summary1=, #Sentence.id=)
        if cols is None:
            cols = _columns(headers, name)
        fields = raw.split("\t")
        m = _ROW.match(fields[0])
        if not m or len(fields) < 3:
            raise ImportFailed(f"malformed token line '{raw[:40]}'", path=name, line=lineno)
        om = _OFFSETS.match(fields[1])
        if om is None:
            raise ImportFailed(f"malformed offsets '{fields[1]}'", path=name, line=lineno)
        begin, end = int(om.group(1)), int(om.group(2))
        if (
            end < begin
            or end - begin > 1_000_000
            or begin - (rows[-1].end if rows else 0) > _MAX_GAP
        ):
            raise ImportFailed(
                f"offsets '{fields[1]}' are out of order or far beyond the previous token",
                path=name,
                line=lineno,
            )
        cells = fields[3:]
        if cells and cells[-1] == "" and len(cells) == len(cols) + 1:
            cells = cells[:-1]
        if len(cells) < len(cols):
            raise ImportFailed(
                f"token line has {len(cells)} annotation columns, the header declares {len(cols)}",
                path=name,
                line=lineno,
            )
        row = _Row(fields[0], begin, end, fields[2], cells, lineno, m.group(3) is not None)
        rows.append(row)
        if not sentences:
            sentences.append(([], []))
        sentences[-1][1].append(row)
        in_sentence = True
    return cols or _columns(headers, name), rows, sentences


def _build_text(sentences: list[tuple[list[str], list[_Row]]], report: ReadReport) -> str:
    """Text in which every token row's UTF-16 offsets hold its token (see module docstring)."""
    for unescape in (True, False):
        text = _from_sentences(sentences, unescape)
        if text is not None:
            return text
    report.add("WebAnno #Text lines disagree with token offsets; text rebuilt from tokens")
    buf: list[str] = []
    pos = 0
    for _lines, toks in sentences:
        for r in toks:
            if r.sub or r.begin < pos:
                continue
            buf.append(" " * (r.begin - pos))
            buf.append(r.token)
            pos = r.begin + utf16_len(r.token)
    return "".join(buf)


def _from_sentences(sentences: list[tuple[list[str], list[_Row]]], unescape: bool) -> str | None:
    parts: list[str] = []
    pos = 0
    ok = True
    for lines, toks in sentences:
        toks = [r for r in toks if not r.sub]
        if not toks:
            continue
        sent = "\n".join(_unescape(ln) if unescape else ln for ln in lines)
        idx = sent.find(toks[0].token) if lines else -1
        if idx < 0:
            ok = False
            break
        start = toks[0].begin - utf16_len(sent[:idx])
        if start < pos:
            ok = False
            break
        parts.append(("\n" if parts else " ") * (start - pos))
        parts.append(sent)
        pos = start + utf16_len(sent)
    if not ok:
        return None
    text = "".join(parts)
    units = text.encode("utf-16-le")
    for _lines, toks in sentences:
        for r in toks:
            if r.sub:
                continue
            if units[2 * r.begin : 2 * r.end].decode("utf-16-le", errors="replace") != r.token:
                return None
    return text


def _choose(cols: list[_Column], options: ReadOptions, name: str) -> tuple[str, str | None]:
    span_cols = [c for c in cols if c.kind == "SP" and c.role in ("feat", "bare")]
    if options.tsv_feature:
        layer, _, feat = options.tsv_feature.partition("|")
        for c in span_cols:
            if (c.layer == layer or short(c.layer) == layer) and (c.feature or "") == feat:
                return c.layer, c.feature
        known = ", ".join(f"{short(c.layer)}|{c.feature or ''}" for c in span_cols) or "none"
        raise ImportFailed(
            f"--tsv-feature '{options.tsv_feature}' is not a span layer feature "
            f"of this file (it has {known})",
            path=name,
        )
    if not span_cols:
        return "", None
    return span_cols[0].layer, span_cols[0].feature


def read_file(
    file: Path, options: ReadOptions
) -> tuple[str, tuple[SpanData, ...], tuple[RelationData, ...]]:
    name = str(file)
    report = options.report
    cols, rows, sentences = _parse(file, options)
    text = _build_text(sentences, report)
    if not text:
        raise ImportFailed("the file holds no tokens", path=name)
    index = Utf16Index(text)
    layer, label_feat = _choose(cols, options, name)
    by_addr = {r.addr: r for r in rows}

    # Annotations of every span layer, keyed by layer and by [id] or (row, stack position).
    anns: dict[str, dict[tuple[str, ...], _Ann]] = {}
    at_row: dict[tuple[str, str], list[tuple[str, ...]]] = {}
    for row in rows:
        for ci, col in enumerate(cols):
            if col.kind == "CH":
                if row.cells[ci] not in ("_", "") and col is next(
                    c for c in cols if c.layer == col.layer
                ):
                    report.add("WebAnno chain link skipped")
                continue
            if col.kind != "SP":
                continue
            if col.role in ("slot_role", "slot_target"):
                if col.role == "slot_role" and row.cells[ci] not in ("_", ""):
                    report.add("WebAnno slot (role) feature skipped")
                continue
            layer_anns = anns.setdefault(col.layer, {})
            for k, (value, ident) in enumerate(_items(row.cells[ci])):
                key = ("id", ident) if ident else ("pos", row.addr, str(k))
                ann = layer_anns.get(key)
                if ann is None:
                    ann = layer_anns[key] = _Ann()
                    at_row.setdefault((col.layer, row.addr), []).append(key)
                if not ann.rows or ann.rows[-1] is not row:
                    ann.rows.append(row)
                    if key not in at_row.setdefault((col.layer, row.addr), []):
                        at_row[(col.layer, row.addr)].append(key)
                ann.values[col.feature or ""] = value

    spans: list[SpanData] = []
    span_of: dict[tuple[str, ...], str] = {}
    for other, layer_anns in anns.items():
        if other != layer:
            report.add(f"WebAnno annotation of layer {short(other)} not imported", len(layer_anns))
    for key, ann in anns.get(layer, {}).items():
        begin = min(r.begin for r in ann.rows)
        end = max(r.end for r in ann.rows)
        start, stop = index.from_utf16(begin), index.from_utf16(end)
        if stop <= start:
            report.add("WebAnno zero-length annotation skipped")
            continue
        value = ann.values.get(label_feat or "")
        label = value if value else short(layer)
        attrs: dict[str, AttrValue] = {
            f: v for f, v in ann.values.items() if f and f != (label_feat or "") and v
        }
        span_id = f"a{key[1]}" if key[0] == "id" else f"t{key[1]}.{key[2]}"
        span_of[key] = span_id
        spans.append(SpanData(span_id, start, stop, label, attrs))

    relations = _relations(cols, rows, layer, by_addr, at_row, span_of, report, name)
    return text, tuple(spans), tuple(relations)


def _relations(
    cols: list[_Column],
    rows: list[_Row],
    layer: str,
    by_addr: dict[str, _Row],
    at_row: dict[tuple[str, str], list[tuple[str, ...]]],
    span_of: dict[tuple[str, ...], str],
    report: ReadReport,
    name: str,
) -> list[RelationData]:
    def resolve(base: str, addr: str, ident: str | None) -> str | None:
        if ident and ident != "0":
            return span_of.get(("id", ident))
        keys = at_row.get((base, addr), [])
        if not keys:
            return None
        if len(keys) > 1:
            report.add("WebAnno relation end ambiguous between stacked spans; first taken")
        return span_of.get(keys[0])

    out: list[RelationData] = []
    rl_layers = dict.fromkeys(c.layer for c in cols if c.kind == "RL")
    for rl in rl_layers:
        idx = [i for i, c in enumerate(cols) if c.layer == rl and c.kind == "RL"]
        bt = next((i for i in idx if cols[i].role == "bt"), None)
        if bt is None:
            raise ImportFailed(f"relation layer {rl} has no BT_ column", path=name)
        base = cols[bt].feature or ""
        feats = [i for i in idx if cols[i].role == "feat"]
        for row in rows:
            refs = _split(row.cells[bt], "|") if row.cells[bt] not in ("_", "") else []
            if not refs:
                continue
            if base != layer:
                report.add(f"WebAnno relation of layer {short(rl)} not imported", len(refs))
                continue
            values = [_items(row.cells[i]) for i in feats]
            for k, ref in enumerate(refs):
                m = _REF.match(ref)
                if not m or m.group(1) not in by_addr:
                    raise ImportFailed(f"bad relation reference '{ref}'", path=name, line=row.line)
                head = resolve(base, m.group(1), m.group(2))
                tail = resolve(base, row.addr, m.group(3))
                if head is None or tail is None:
                    report.add("WebAnno relation to a missing or skipped span skipped")
                    continue
                label = None
                if values and k < len(values[0]):
                    label = values[0][k][0]
                out.append(
                    RelationData(f"r{row.addr}.{k + 1}.{short(rl)}", label or short(rl), head, tail)
                )
    return out
