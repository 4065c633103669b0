"""WebAnno / INCEpTION TSV 3.x reader (also third-party TSV 3, e.g. the GUM corpus).

- Header ``#T_SP=layer|feature|...`` (span), ``#T_RL=layer|feature|...|BT_base`` (relation),
  ``#T_CH=layer|...`` (chain) lines fix the columns after the first three. Unknown ``#`` lines
  (``#Summary1=``, ``#Sentence.id=``) are skipped. Legacy TSV 2 files are refused.
- Spans come from one span layer: by default the first ``#T_SP`` layer, its first feature giving
  the label; ``--tsv-feature LAYER|FEATURE`` (full or short layer name) chooses another. The
  layer's other features become attributes, except a feature named ``actor``: the actor registry
  link (as this tool's export writes it; ``--label-map`` can name another, see
  ``annotator.transfer.label_map``). A span without a value (``*``) takes the layer's short name
  as label. Slot (link) features of that layer are relations from the host to each filler,
  labelled with the role (event roles). Annotations of other span layers, chain layers and other
  layers' slot features are not imported; they are counted in the report.
- Header lines ``#Key=value`` other than ``#FORMAT``/``#T_`` before the first sentence (GUM's
  ``#Summary1=``) are kept in ``meta["tsv_header"]`` and written back by the exporter.
- The file's structure is kept for the exporter in ``meta["webanno"]``: the span layer read and
  its label feature, the relation layer on it and its label feature, and the sentence starts
  (code points). When the file's tokens are the text's words (one space apart, one sentence a
  line, as in GUM) ``meta["tokens"] = "conll"`` says so instead of the starts: the tokens and
  sentences are then the text's words and lines, as for a CoNLL file.
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
- The file is read as it comes (``_Reader``): each token row is used and dropped, so reading
  holds about the document's text and annotations, not the file's lines. Errors keep the order
  of a whole-file reading: any line error first, then ``--tsv-feature`` and relation references.

Writing: WebAnno TSV 3.3, one ``.tsv`` per document, for INCEpTION. One span layer
``webanno.custom.Span`` with the features ``label``, one per scheme attribute, ``actor`` (the
registry link) and a link (slot) feature ``roles`` whose fillers are spans of the same layer:
the roles of event-type spans. Other relations go in the relation layer
``webanno.custom.Relation`` (feature ``label``). A document read from a TSV file keeps the names
of its file's layers and label features (``Names``; the other features are ours, added) and its
sentences. Tokens and sentences are those of the CoNLL export
(a document that came tokenised keeps its own); a span inside one token gets a sub-token row,
one across token parts is widened to the tokens (counted). ``#Text`` lines cover the text
between sentence starts, so the text reads back exactly; ``meta["tsv_header"]`` lines are
written back after the layer headers.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Container, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import Any

from annotator.errors import ImportFailed
from annotator.formats.common import UniqueIds, files_with_suffix, rel_name, unique_file_stem
from annotator.formats.conll import TOKENS_CONLL
from annotator.formats.iob import _spacy_words, given_tokens
from annotator.formats.pipelines import RENEW_EVERY, Renewed
from annotator.formats.reading import ReadOptions, ReadReport
from annotator.formats.textfile import iter_split_lines
from annotator.formats.writing import (
    ALL,
    ExportContext,
    ExportSummary,
    attribute_keys,
    new_summary,
    split_names,
)
from annotator.offsets import Utf16Index, utf16_len
from annotator.values import AttrValue, DocData, RelationData, SpanData

_ROW = re.compile(r"^([0-9]+)-([0-9]+)(?:\.([0-9]+))?$")
_OFFSETS = re.compile(r"^([0-9]+)-([0-9]+)$")  # ASCII digits only ("1_4" and "٣" are not)
_MAX_GAP = 1_000_000  # UTF-16 units of blank text allowed between two tokens
_ID_SUFFIX = re.compile(r"\[(\d+(?:_\d+)?)\]$")
_REF = re.compile(r"^(\d+-\d+(?:\.\d+)?)(?:\[(\d+)_(\d+)\])?$")
_UNESCAPE = {"t": "\t", "n": "\n", "r": "\r"}
HEADER_META = "tsv_header"  # meta key: the file's other "#Key=value" header lines
STRUCTURE_META = "webanno"  # meta key: the file's layer and feature names, its sentence starts
ACTOR_FEATURE = "actor"  # a span feature of this name is the actor registry link
TOKENS_KEY = "tokens"  # meta key of the CoNLL reader: "conll" = the text's words are tokens


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
    """One annotation of the chosen span layer: the UTF-16 extent of the rows that hold it,
    the line of the last of them, and its feature values."""

    begin: int
    end: int
    last: int
    values: dict[str, str | None] = field(default_factory=dict)


def short(layer: str) -> str:
    return layer.rsplit(".", 1)[-1]


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    ids = UniqueIds()
    root = path if path.is_dir() else path.parent
    for file in files_with_suffix(path, (".tsv",)):
        text, spans, rels, header, structure = read_file(file, options)
        meta: dict[str, object] = {"source": file.name}
        if header:
            meta[HEADER_META] = header
        if structure.pop(TOKENS_KEY, None):
            meta[TOKENS_KEY] = TOKENS_CONLL
        meta[STRUCTURE_META] = structure
        yield DocData(
            id=ids(rel_name(file, root)),
            text=text,
            meta=meta,
            spans=spans,
            relations=rels,
            source_path=str(file),
            annotated=True,
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


_LEGACY_MARKERS = ("#id=", "#text=", " # ")  # the sentence header lines of WebAnno TSV 2


def is_webanno(lines: list[str]) -> bool:
    """Whether a .tsv file's first lines are WebAnno's: a ``#FORMAT=WebAnno`` line (TSV 3) or
    the sentence header lines of legacy TSV 2 (which the reader refuses with its own message)."""
    first = lines[0].strip() if lines else ""
    return first.startswith("#FORMAT=WebAnno") or _is_legacy(lines)


def _is_legacy(lines: list[str]) -> bool:
    return any(ln.startswith(_LEGACY_MARKERS) for ln in lines[:5])


def _check_format_line(lines: list[str], name: str) -> None:
    """Refuse a file that is not WebAnno TSV 3 (legacy TSV 2 with its own message)."""
    first = lines[0].strip() if lines else ""
    if first.startswith("#FORMAT=WebAnno TSV 3"):
        return
    if _is_legacy(lines) or first.startswith("#FORMAT=WebAnno TSV"):
        raise ImportFailed(
            "legacy WebAnno TSV 2 is not supported; export the documents "
            "again as WebAnno TSV 3 (INCEpTION: 'WebAnno TSV v3.x')",
            path=name,
            line=1,
        )
    raise ImportFailed(
        "not a WebAnno TSV 3 file (no '#FORMAT=WebAnno TSV 3' line)", path=name, line=1
    )


def _token_row(raw: str, lineno: int, n_cols: int, previous_end: int, name: str) -> _Row:
    """One token line: address, UTF-16 offsets (in order, not far beyond the previous token),
    token and as many annotation cells as the header declares."""
    fields = raw.split("\t")
    m = _ROW.match(fields[0])
    if not m or len(fields) < 3:
        raise ImportFailed(f"malformed token line '{raw[:40]}'", path=name, line=lineno)
    om = _OFFSETS.match(fields[1])
    if om is None:
        raise ImportFailed(f"malformed offsets '{fields[1]}'", path=name, line=lineno)
    begin, end = int(om.group(1)), int(om.group(2))
    if end < begin or end - begin > 1_000_000 or begin - previous_end > _MAX_GAP:
        raise ImportFailed(
            f"offsets '{fields[1]}' are out of order or far beyond the previous token",
            path=name,
            line=lineno,
        )
    cells = fields[3:]
    if cells and cells[-1] == "" and len(cells) == n_cols + 1:
        cells = cells[:-1]
    if len(cells) < n_cols:
        raise ImportFailed(
            f"token line has {len(cells)} annotation columns, the header declares {n_cols}",
            path=name,
            line=lineno,
        )
    return _Row(fields[0], begin, end, fields[2], cells, lineno, m.group(3) is not None)


class _Placed:
    """One candidate text as its sentences come: the ``#Text`` lines (unescaped or verbatim)
    placed at their first token's offset, after the previous sentence, the gap filled with
    newlines (spaces before the first); every token checked against it. A token outside its
    own sentence is checked at the end, against the whole text."""

    def __init__(self) -> None:
        self.ok = True
        self.parts: list[str] = []
        self.pos = 0  # UTF-16 end of the text placed so far
        self.start = 0  # where the current sentence starts (UTF-16)
        self.sent = ""  # the current sentence
        self.units: bytes | None = None  # and its UTF-16 units (None: all in the BMP)
        self.late: list[tuple[int, int, str]] = []

    def copy(self) -> _Placed:
        other = _Placed()
        other.ok, other.parts, other.pos, other.start = (
            self.ok,
            list(self.parts),
            self.pos,
            self.start,
        )
        other.sent, other.units, other.late = self.sent, self.units, list(self.late)
        return other

    def _fail(self) -> None:
        self.ok = False
        self.parts, self.late, self.sent, self.units = [], [], "", None

    def place(self, sent: str, has_lines: bool, first: _Row) -> None:
        if not self.ok:
            return
        idx = sent.find(first.token) if has_lines else -1
        if idx < 0:
            self._fail()
            return
        start = first.begin - utf16_len(sent[:idx])
        if start < self.pos:
            self._fail()
            return
        self.parts.append(("\n" if self.parts else " ") * (start - self.pos))
        self.parts.append(sent)
        units = None if sent.isascii() else sent.encode("utf-16-le")
        self.sent, self.start = sent, start
        self.units = units if units is not None and len(units) != 2 * len(sent) else None
        self.pos = start + (len(sent) if units is None else len(units) // 2)

    def check(self, row: _Row) -> None:
        if not self.ok:
            return
        b, e = row.begin - self.start, row.end - self.start
        units = self.units
        if units is None:  # the sentence is in the BMP: a UTF-16 unit is a character
            if b < 0 or e > len(self.sent):
                self.late.append((row.begin, row.end, row.token))
            elif self.sent[b:e] != row.token:
                self._fail()
        elif b < 0 or 2 * e > len(units):
            self.late.append((row.begin, row.end, row.token))
        elif units[2 * b : 2 * e].decode("utf-16-le", errors="replace") != row.token:
            self._fail()

    def text(self) -> str | None:
        """The text, when every token is where its offsets say."""
        if not self.ok:
            return None
        text = "".join(self.parts)
        self.parts = []
        if self.late:
            units = text.encode("utf-16-le")
            for begin, end, token in self.late:
                if units[2 * begin : 2 * end].decode("utf-16-le", errors="replace") != token:
                    return None
        return text


class _Texts:
    """The document text from the sentences' ``#Text`` lines (unescaped first, then verbatim),
    built as the sentences come (see module docstring). Until a ``#Text`` line holds a
    backslash the two are the same, and only one is built."""

    def __init__(self) -> None:
        self.unescaped = _Placed()
        self.verbatim: _Placed | None = None  # None: the same as the unescaped one so far

    def sentence(self, lines: list[str], first: _Row) -> None:
        """A sentence's ``#Text`` lines, met at its first token row (not a sub-token)."""
        raw = "\n".join(lines)
        plain = raw
        if "\\" in raw:
            if self.verbatim is None:
                self.verbatim = self.unescaped.copy()
            plain = "\n".join(_unescape(ln) for ln in lines)
        self.unescaped.place(plain, bool(lines), first)
        if self.verbatim is not None:
            self.verbatim.place(raw, bool(lines), first)

    def token(self, row: _Row) -> None:
        self.unescaped.check(row)
        if self.verbatim is not None:
            self.verbatim.check(row)

    def text(self) -> str | None:
        text = self.unescaped.text()
        if text is None and self.verbatim is not None:
            return self.verbatim.text()
        return text  # (a verbatim text never apart from the unescaped one fails with it)


def _text_from_tokens(file: Path, options: ReadOptions) -> str:
    """The text rebuilt from the token rows alone (gaps filled with spaces), reading the file
    again: the ``#Text`` lines disagree with the offsets (the file has been read once without
    an error)."""
    buf: list[str] = []
    pos = 0
    lines = iter_split_lines(file, options.encoding)
    next(lines, None)  # the #FORMAT line
    for raw in lines:
        line = raw.removesuffix("\r")
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        m, om = _ROW.match(fields[0]), _OFFSETS.match(fields[1])
        assert m is not None and om is not None  # checked on the first reading
        begin = int(om.group(1))
        if m.group(3) is not None or begin < pos:
            continue
        buf.append(" " * (begin - pos))
        buf.append(fields[2])
        pos = begin + utf16_len(fields[2])
    return "".join(buf)


@dataclass
class _RelationLayer:
    """A relation layer's columns, and the rows whose base-type cell is filled (address, line,
    that cell, the feature cells), kept when its base is the chosen span layer."""

    name: str
    bt: int | None  # the BT_ column (None: the layer has none, an error at the end)
    base: str
    feats: list[int]
    rows: list[tuple[str, int, str, list[str]]] = field(default_factory=list)


class _Addresses:
    """The token rows' addresses, for checking the ends of relations and slots, kept as runs:
    ``S-T`` addresses in their usual form (no leading zero) that follow one another (``S-1``,
    ``S-2``, ...) are one run (sentence, first and last token, in three arrays); any other
    address (a sub-token ``S-T.U``) is kept as itself. A file's addresses as strings would cost
    about as much memory as its lines."""

    def __init__(self) -> None:
        self.sentences, self.firsts, self.lasts = array("q"), array("q"), array("q")
        self.other: set[str] = set()
        self.next = ""  # the address that would continue the last run
        self.by_sentence: dict[int, list[int]] | None = None  # runs of each sentence, once asked

    @staticmethod
    def _numbers(addr: str) -> tuple[int, int] | None:
        """Sentence and token of an ``S-T`` address in its usual form (None for any other)."""
        sent, _, tok = addr.partition("-")
        try:
            s, t = int(sent), int(tok)
        except ValueError:
            return None
        if f"{s}-{t}" != addr or not (0 <= s < 1 << 62 and 0 <= t < 1 << 62):
            return None
        return s, t

    def add(self, addr: str) -> None:
        if addr == self.next:
            last = self.lasts[-1] + 1
            self.lasts[-1] = last
            self.next = f"{self.sentences[-1]}-{last + 1}"
            return
        numbers = self._numbers(addr)
        if numbers is None:
            self.other.add(addr)
            return
        sentence, token = numbers
        self.sentences.append(sentence)
        self.firsts.append(token)
        self.lasts.append(token)
        self.next = f"{sentence}-{token + 1}"

    def __contains__(self, addr: object) -> bool:
        if not isinstance(addr, str):
            return False
        if addr in self.other:
            return True
        numbers = self._numbers(addr)
        if numbers is None:
            return False
        if self.by_sentence is None:
            self.by_sentence = {}
            for k, sentence in enumerate(self.sentences):
                self.by_sentence.setdefault(sentence, []).append(k)
        s, t = numbers
        firsts, lasts = self.firsts, self.lasts
        return any(firsts[k] <= t <= lasts[k] for k in self.by_sentence.get(s, ()))


class _Reader:
    """One TSV file read line by line: headers, sentences and token rows. Each token row is
    used as it comes (its text checked, its cells read) and then dropped; what is kept is the
    text, the annotations of the chosen layer, the rows holding a relation, and (when the file
    has relations or slots of that layer) the token addresses. Errors found after the parse
    (``--tsv-feature``, relation references) are raised at the end, after any parse error,
    in the order reading the whole file gives them."""

    def __init__(self, name: str, options: ReadOptions) -> None:
        self.name = name
        self.options = options
        self.headers: list[tuple[str, str, int]] = []
        self.header_meta: dict[str, str] = {}  # other "#Key=value" lines before the text
        self.cols: list[_Column] | None = None  # fixed by the first token row
        self.choice: tuple[str, str | None] | ImportFailed = ("", None)
        self.texts = _Texts()
        self.lines: list[str] | None = None  # the current sentence's #Text lines (None: none)
        self.has_rows = False  # the current sentence has token rows
        self.placed = False  # the current sentence's text is placed (a token row came)
        self.in_sentence = False
        self.previous_end = 0
        self.cells = _Cells("")
        self.relation_layers: list[_RelationLayer] = []
        self.addresses: _Addresses | None = None  # kept when relations or slots may need them
        self.sentence_starts = array("q")  # UTF-16 offset of each sentence's first token
        self.tokens = 0  # token rows (sub-tokens aside)
        self.spaced = True  # so far every token one unit after the previous, none with a space
        self.last_end = -1  # (the first token may start anywhere)

    def line(self, raw: str, lineno: int) -> None:
        if not raw.strip():
            self.in_sentence = False
        elif raw.startswith("#"):
            self._hash_line(raw, lineno)
        else:
            self._token_line(raw, lineno)

    def _hash_line(self, raw: str, lineno: int) -> None:
        """A ``#`` line: a layer header, a sentence's ``#Text``, or another header line kept
        (other '#' lines, e.g. #Sentence.id=, are skipped)."""
        if raw.startswith("#T_") and "=" in raw and self.cols is None:
            kind, spec = raw[3:].split("=", 1)
            self.headers.append((kind.strip(), spec.rstrip("\t\r "), lineno))
        elif raw.startswith("#Text="):
            if self.in_sentence and self.lines is not None and not self.has_rows:
                self.lines.append(raw[6:])
            else:
                self.lines, self.has_rows, self.placed = [raw[6:]], False, False
                self.in_sentence = True
        elif self.lines is None and "=" in raw and not raw.startswith("#T_"):
            key, _, value = raw[1:].partition("=")
            self.header_meta[key] = value.rstrip("\r")  # e.g. GUM's #Summary1=

    def _token_line(self, raw: str, lineno: int) -> None:
        if self.cols is None:
            self.cols = _columns(self.headers, self.name)
            self._layout(self.cols)
        cols = self.cols
        row = _token_row(raw, lineno, len(cols), self.previous_end, self.name)
        self.previous_end = row.end
        if self.lines is None:
            self.lines, self.placed = [], False
        self.has_rows = self.in_sentence = True
        if not row.sub:
            if not self.placed:
                self.texts.sentence(self.lines, row)
                self.placed = True
                self.sentence_starts.append(row.begin)
            self.texts.token(row)
            self.tokens += 1
            # (a token holding another space character is one word of the text all the same)
            if self.spaced and (row.begin != self.last_end + 1 or " " in row.token):
                self.spaced = self.tokens == 1 and " " not in row.token
            self.last_end = row.end
        if isinstance(self.choice, ImportFailed):
            return  # the file is refused at the end; only parse errors may come first
        if self.addresses is not None:
            self.addresses.add(row.addr)
        cells, layer, report = self.cells, self.choice[0], self.options.report
        for ci, col in enumerate(cols):
            cells.read(row, ci, col, cols, layer, report)
        for rl in self.relation_layers:
            if rl.bt is None or row.cells[rl.bt] in ("_", ""):
                continue
            if rl.base != layer:
                refs = _split(row.cells[rl.bt], "|")
                report.add(f"WebAnno relation of layer {short(rl.name)} not imported", len(refs))
                continue
            rl.rows.append((row.addr, row.line, row.cells[rl.bt], [row.cells[i] for i in rl.feats]))

    def _layout(self, cols: list[_Column]) -> None:
        """What the columns decide: the chosen layer, the relation layers, whether token
        addresses are needed."""
        try:
            self.choice = _choose(cols, self.options, self.name)
        except ImportFailed as exc:
            self.choice = exc
            return
        layer = self.choice[0]
        self.cells = _Cells(layer)
        for rl in dict.fromkeys(c.layer for c in cols if c.kind == "RL"):
            idx = [i for i, c in enumerate(cols) if c.layer == rl and c.kind == "RL"]
            bt = next((i for i in idx if cols[i].role == "bt"), None)
            base = cols[bt].feature or "" if bt is not None else ""
            feats = [i for i in idx if cols[i].role == "feat"]
            self.relation_layers.append(_RelationLayer(rl, bt, base, feats))
        if any(rl.base == layer for rl in self.relation_layers) or any(
            c.role == "slot_role" and c.layer == layer for c in cols
        ):
            self.addresses = _Addresses()

    def document(
        self, file: Path
    ) -> tuple[str, tuple[SpanData, ...], tuple[RelationData, ...], dict[str, str], dict[str, Any]]:
        """The text, spans, relations, other header lines and structure (``_structure``), once
        every line is read."""
        name, report = self.name, self.options.report
        if self.cols is None:
            _columns(self.headers, name)  # its error comes before "no tokens"
        text = self.texts.text()
        if text is None:
            report.add("WebAnno #Text lines disagree with token offsets; text rebuilt from tokens")
            text = _text_from_tokens(file, self.options)
        if not text:
            raise ImportFailed("the file holds no tokens", path=name)
        if isinstance(self.choice, ImportFailed):
            raise self.choice
        layer, label_feat = self.choice  # (a token row came: the text is not empty)
        cells = self.cells
        for other, keys in cells.others.items():
            report.add(f"WebAnno annotation of layer {short(other)} not imported", len(keys))
        index = Utf16Index(text)
        spans, span_of = _spans(cells.anns, layer, label_feat, index, report)
        found = _SpansFound(
            layer, self.addresses or _Addresses(), cells.at_row, span_of, report, name
        )
        relations = _relations(self.relation_layers, found) + _slot_relations(cells.links, found)
        structure = self._structure(text, index, layer, label_feat)
        return text, tuple(spans), tuple(relations), self.header_meta, structure

    def _structure(
        self, text: str, index: Utf16Index, layer: str, label_feat: str | None
    ) -> dict[str, Any]:
        """What the export needs to write the document back in the file's terms: the span layer
        read and its label feature, the relation layer on it and its label feature, and the
        sentences: as the text's lines when the file's tokens are the text's words (``TOKENS_KEY``
        true: the tokens are kept too), else their starts (code points)."""
        out: dict[str, Any] = {}
        if layer:
            out["span_layer"] = layer
            if label_feat:
                out["label_feature"] = label_feat
        rl = next((rl for rl in self.relation_layers if rl.base == layer and layer), None)
        if rl is not None and self.cols is not None:
            out["relation_layer"] = rl.name
            if rl.feats and self.cols[rl.feats[0]].feature:
                out["relation_feature"] = self.cols[rl.feats[0]].feature
        starts = [index.from_utf16(b) for b in self.sentence_starts]
        if self.spaced and _words_and_lines(text, starts, self.tokens):
            out[TOKENS_KEY] = True
        else:
            out["sentences"] = starts
        return out


def _words_and_lines(text: str, starts: list[int], tokens: int) -> bool:
    """Whether the text's lines are the sentences (starting at ``starts``) and its words split
    at single spaces the ``tokens`` tokens (the tokens are known to be one unit apart)."""
    if tokens == 0 or not starts or starts[0] != 0:
        return False
    lines = text.split("\n")
    if len(lines) != len(starts):
        return False
    pos = 0
    words = 0
    for line, start in zip(lines, starts, strict=True):
        if pos != start:
            return False
        words += len(line.split(" "))
        pos += len(line) + 1
    return words == tokens


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
) -> tuple[str, tuple[SpanData, ...], tuple[RelationData, ...], dict[str, str], dict[str, Any]]:
    """One TSV file's document, its lines read as they come (``_Reader``)."""
    name = str(file)
    lines = iter_split_lines(file, options.encoding)
    head = [ln.removesuffix("\r") for ln in islice(lines, 5)]
    _check_format_line(head, name)
    reader = _Reader(name, options)
    for lineno, raw in enumerate(chain(head[1:], lines), start=2):
        reader.line(raw.removesuffix("\r"), lineno)
    return reader.document(file)


@dataclass
class _Cells:
    """The annotations of the chosen span layer, keyed by [id] or (row, stack position), and
    which of them each row holds; the keys of other span layers' annotations (counted); the
    slot features."""

    layer: str
    anns: dict[tuple[str, ...], _Ann] = field(default_factory=dict)
    others: dict[str, set[tuple[str, ...]]] = field(default_factory=dict)
    links: list[tuple[tuple[str, ...], list[str], list[str], int]] = field(default_factory=list)
    at_row: dict[str, list[tuple[str, ...]]] = field(default_factory=dict)

    def read(
        self, row: _Row, ci: int, col: _Column, cols: list[_Column], layer: str, report: ReadReport
    ) -> None:
        """One cell: span, chain and slot columns are decided here."""
        if col.kind == "CH":
            if row.cells[ci] not in ("_", "") and col is next(
                c for c in cols if c.layer == col.layer
            ):
                report.add("WebAnno chain link skipped")
        elif col.kind != "SP" or col.role == "slot_target":
            return  # relation columns are read per layer; a slot target with its role column
        elif col.role == "slot_role":
            self._slot(row, ci, col, cols, layer, report)
        elif col.layer == self.layer:
            self._span_cell(row, row.cells[ci], col)
        else:
            keys = self.others.setdefault(col.layer, set())
            for k, (_value, ident) in enumerate(_items(row.cells[ci])):
                keys.add(("id", ident) if ident else ("pos", row.addr, str(k)))

    def _slot(
        self, row: _Row, ci: int, col: _Column, cols: list[_Column], layer: str, report: ReadReport
    ) -> None:
        if row.cells[ci] in ("_", ""):
            return
        if col.layer != layer:
            report.add("WebAnno slot (role) feature skipped")
            return
        targets = _split(row.cells[ci + 1], "|") if ci + 1 < len(cols) else []
        for k, (value, ident) in enumerate(_items(row.cells[ci])):
            key: tuple[str, ...] = ("id", ident) if ident else ("pos", row.addr, str(k))
            roles = [] if value is None else value.split(";")
            goals = targets[k].split(";") if k < len(targets) else []
            self.links.append((key, roles, goals, row.line))

    def _span_cell(self, row: _Row, cell: str, col: _Column) -> None:
        for k, (value, ident) in enumerate(_items(cell)):
            key = ("id", ident) if ident else ("pos", row.addr, str(k))
            ann = self.anns.get(key)
            if ann is None:
                ann = self.anns[key] = _Ann(row.begin, row.end, row.line)
                self.at_row.setdefault(row.addr, []).append(key)
            elif ann.last != row.line:
                ann.begin, ann.end = min(ann.begin, row.begin), max(ann.end, row.end)
                ann.last = row.line
                here = self.at_row.setdefault(row.addr, [])
                if key not in here:
                    here.append(key)
            ann.values[col.feature or ""] = value


def _spans(
    layer_anns: dict[tuple[str, ...], _Ann],
    layer: str,
    label_feat: str | None,
    index: Utf16Index,
    report: ReadReport,
) -> tuple[list[SpanData], dict[tuple[str, ...], str]]:
    """The chosen layer's annotations as spans (label from ``label_feat``, the other features as
    attributes, ``actor`` as the registry link), and the span id of each annotation key."""
    spans: list[SpanData] = []
    span_of: dict[tuple[str, ...], str] = {}
    for key, ann in layer_anns.items():
        start, stop = index.from_utf16(ann.begin), index.from_utf16(ann.end)
        if stop <= start:
            report.add("WebAnno zero-length annotation skipped")
            continue
        value = ann.values.get(label_feat or "")
        label = value if value else short(layer)
        attrs: dict[str, AttrValue] = {
            f: v for f, v in ann.values.items() if f and f != (label_feat or "") and v
        }
        actor = attrs.pop(ACTOR_FEATURE, None)
        span_id = f"a{key[1]}" if key[0] == "id" else f"t{key[1]}.{key[2]}"
        span_of[key] = span_id
        spans.append(SpanData(span_id, start, stop, label, attrs, str(actor) if actor else None))
    return spans, span_of


_TARGET = re.compile(r"^(\d+-\d+(?:\.\d+)?)(?:\[(\d+)\])?$")


@dataclass(frozen=True)
class _SpansFound:
    """The spans read from one document's rows, for resolving the ends of its relations."""

    layer: str  # the span layer imported
    addresses: Container[str]  # every token row's address
    at_row: dict[str, list[tuple[str, ...]]]  # address -> annotation keys of the layer
    span_of: dict[tuple[str, ...], str]  # annotation key -> span id
    report: ReadReport
    name: str  # the file, for error messages


def _slot_relations(
    links: list[tuple[tuple[str, ...], list[str], list[str], int]], found: _SpansFound
) -> list[RelationData]:
    """Slot (link) features of the chosen layer: a relation from the host annotation to each
    filler, labelled with its role (event roles)."""
    addresses, at_row, span_of = found.addresses, found.at_row, found.span_of
    report, name = found.report, found.name
    out: list[RelationData] = []
    for key, roles, goals, line in links:
        head = span_of.get(key)
        if head is None:
            report.add("WebAnno slot of a skipped annotation skipped")
            continue
        for k, goal in enumerate(goals):
            m = _TARGET.match(goal.strip())
            if not m or m.group(1) not in addresses:
                raise ImportFailed(f"bad slot filler reference '{goal}'", path=name, line=line)
            if m.group(2):
                tail = span_of.get(("id", m.group(2)))
            else:
                keys = at_row.get(m.group(1), [])
                tail = span_of.get(keys[0]) if keys else None
            role = roles[k] if k < len(roles) else ""
            if tail is None or not role or role == "*":
                report.add("WebAnno slot filler without a role or a span skipped")
                continue
            out.append(RelationData(f"{head}.{role}.{k + 1}", role, head, tail))
    return out


def _relations(layers: list[_RelationLayer], found: _SpansFound) -> list[RelationData]:
    """Relation (RL) columns whose base is the chosen layer: one relation per reference."""
    layer, addresses, at_row, span_of = found.layer, found.addresses, found.at_row, found.span_of
    report, name = found.report, found.name

    def resolve(addr: str, ident: str | None) -> str | None:
        if ident and ident != "0":
            return span_of.get(("id", ident))
        keys = at_row.get(addr, [])
        if not keys:
            return None
        if len(keys) > 1:
            report.add("WebAnno relation end ambiguous between stacked spans; first taken")
        return span_of.get(keys[0])

    out: list[RelationData] = []
    for rl in layers:
        if rl.bt is None:
            raise ImportFailed(f"relation layer {rl.name} has no BT_ column", path=name)
        if rl.base != layer:
            continue  # counted as the rows came
        for addr, line, bt_cell, feat_cells in rl.rows:
            refs = _split(bt_cell, "|")
            values = [_items(cell) for cell in feat_cells]
            for k, ref in enumerate(refs):
                m = _REF.match(ref)
                if not m or m.group(1) not in addresses:
                    raise ImportFailed(f"bad relation reference '{ref}'", path=name, line=line)
                head = resolve(m.group(1), m.group(2))
                tail = resolve(addr, m.group(3))
                if head is None or tail is None:
                    report.add("WebAnno relation to a missing or skipped span skipped")
                    continue
                label = None
                if values and k < len(values[0]):
                    label = values[0][k][0]
                out.append(
                    RelationData(
                        f"r{addr}.{k + 1}.{short(rl.name)}", label or short(rl.name), head, tail
                    )
                )
    return out


# ---------------------------------------------------------------- writing

SPAN_LAYER = "webanno.custom.Span"
RELATION_LAYER = "webanno.custom.Relation"
ROLE_LINK = "webanno.custom.SpanRole"
LABEL_FEATURE = "label"
ROLES_FEATURE = "roles"
_LAYER_NAME = re.compile(r"^[A-Za-z_][\w.$-]{0,199}$")  # a UIMA type name, as WebAnno has them
_FEATURE_NAME = re.compile(r"^[A-Za-z_]\w{0,99}$")


@dataclass(frozen=True)
class Names:
    """The layer and feature names a document is written with: those of the file it was read
    from (``meta["webanno"]``), else ours."""

    span_layer: str = SPAN_LAYER
    label: str = LABEL_FEATURE
    relation_layer: str = RELATION_LAYER
    relation_label: str = LABEL_FEATURE

    @property
    def role_link(self) -> str:
        return ROLE_LINK if self.span_layer == SPAN_LAYER else f"{self.span_layer}Role"


def names_of(meta: Mapping[str, Any], features: list[str]) -> Names:
    """The names kept in ``meta`` (each one that is a sound name and does not clash with the
    columns written beside it), ours for the rest."""
    kept = meta.get(STRUCTURE_META)
    if not isinstance(kept, dict):
        return Names()

    def good(key: str, pattern: re.Pattern[str], default: str, taken: Container[str] = ()) -> str:
        value = kept.get(key)
        ok = isinstance(value, str) and pattern.match(value) and value not in taken
        return str(value) if ok else default

    taken = {*features, ACTOR_FEATURE, ROLES_FEATURE}
    span_layer = good("span_layer", _LAYER_NAME, SPAN_LAYER)
    relation_layer = good("relation_layer", _LAYER_NAME, RELATION_LAYER, {span_layer})
    return Names(
        span_layer,
        good("label_feature", _FEATURE_NAME, LABEL_FEATURE, taken),
        relation_layer,
        good("relation_feature", _FEATURE_NAME, LABEL_FEATURE),
    )


def kept_sentences(doc: DocData) -> list[int] | None:
    """The sentence starts kept from the file the document was read from (code points, in
    order, inside the text), None when there are none or they are unsound."""
    kept = doc.meta.get(STRUCTURE_META)
    starts = kept.get("sentences") if isinstance(kept, dict) else None
    if not isinstance(starts, list) or not starts:
        return None
    n = len(doc.text)
    previous = -1
    for start in starts:
        if not isinstance(start, int) or isinstance(start, bool) or not previous < start < n:
            return None
        previous = start
    return starts


_ESCAPED = str.maketrans(
    {"\\": "\\\\", "[": "\\[", "]": "\\]", "|": "\\|", "_": "\\_", "*": "\\*"}
    | {";": "\\;", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
)
_TEXT_ESCAPED = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _escape(value: str, table: dict[int, str] = _ESCAPED) -> str:
    return value.translate(table)


@dataclass
class _Out:
    """One span as written: its rows (addresses) and its [id] (0: none needed)."""

    span: SpanData
    rows: list[str]
    ident: int = 0
    cells: list[str] = field(default_factory=list)  # its item of each span feature column

    def set_cells(self, features: list[str]) -> None:
        """Its item in the label, feature and actor columns: the value escaped (``*`` for
        none), with its [id] when it has one."""
        tag = f"[{self.ident}]" if self.ident else ""
        span = self.span
        values = [span.label, *(span.attrs.get(f) for f in features), span.entity]
        self.cells = [(_escape(str(v)) if v not in (None, "") else "*") + tag for v in values]


def _feature_names(ctx: ExportContext, found: Iterable[str]) -> list[str]:
    """The scheme's attribute names in scheme order, then those ``found`` in the export only."""
    names: list[str] = []
    for lab in ctx.scheme.labels:
        names += [a.name for a in lab.attributes if a.name not in names]
    names += sorted(set(found) - set(names))
    return [n for n in names if n != ACTOR_FEATURE]


_COLUMNS = ["IDX", "LENGTH", "IS_SPACE", "SENT_START"]  # spaCy attributes, by name


def _tokens(nlp: Any, text: str) -> tuple[list[int], list[int], set[int]]:
    """Word starts, ends and sentence-opening words of ``text``, as ``nlp(text)`` (the blank
    pipeline with the sentencizer) gives them, without ``Language.__call__``'s overhead."""
    sdoc = nlp.get_pipe("sentencizer")(nlp.make_doc(text))
    return _spacy_words(sdoc, _COLUMNS)


def _layout(
    doc: DocData, nlp: Any, summary: ExportSummary
) -> tuple[list[tuple[str, int, int]], list[tuple[int, int]], dict[str, _Out]]:
    """Rows (address, start, end) in order, sentences (first row, last row + 1) and
    where each span goes (token rows, or a sub-token row for a span inside one token)."""
    given = given_tokens(doc)
    if given is not None:
        words, breaks = given
        starts = [a for a, _b in words]
        ends = [b for _a, b in words]
    else:
        starts, ends, breaks = _tokens(nlp, doc.text)
        kept = kept_sentences(doc)
        if kept is not None:  # the file's own sentences: each opens at its first word
            breaks = {bisect_left(starts, start) for start in kept}
    subs: dict[int, list[tuple[int, int]]] = {}
    place: dict[str, tuple[int, int] | tuple[int, int, int, int]] = {}
    for span in doc.spans:
        first = bisect_right(ends, span.start)
        last = bisect_left(starts, span.end) - 1
        if first > last:
            summary.skip(f"{span.label} span covers no token")
            continue
        if starts[first] == span.start and ends[last] == span.end:
            place[span.id] = (first, last)
        elif first == last:
            subs.setdefault(first, [])
            if (span.start, span.end) not in subs[first]:
                subs[first].append((span.start, span.end))
            place[span.id] = (first, last, span.start, span.end)
        else:
            summary.expanded[span.label] += 1
            place[span.id] = (first, last)
    rows: list[tuple[str, int, int]] = []
    sentences: list[tuple[int, int]] = []
    word_addr: list[str] = []  # word index -> its row's address
    sub_addr: dict[tuple[int, int, int], str] = {}  # (word, start, end) -> sub-token address
    n = len(starts)
    cuts = [0, *sorted(b for b in breaks if 0 < b < n), n] if n else []
    for sent_no, (first_word, stop_word) in enumerate(zip(cuts, cuts[1:], strict=False), 1):
        first_row = len(rows)
        addrs = [f"{sent_no}-{k}" for k in range(1, stop_word - first_word + 1)]
        word_addr += addrs
        if not any(first_word <= i < stop_word for i in subs):
            rows += zip(
                addrs, starts[first_word:stop_word], ends[first_word:stop_word], strict=True
            )
        else:
            for i, addr in enumerate(addrs, first_word):
                rows.append((addr, starts[i], ends[i]))
                for k, (sa, sb) in enumerate(sorted(subs.get(i, [])), start=1):
                    sub_addr[(i, sa, sb)] = f"{addr}.{k}"
                    rows.append((f"{addr}.{k}", sa, sb))
        sentences.append((first_row, len(rows)))
    outs: dict[str, _Out] = {}
    for span in doc.spans:
        spot = place.get(span.id)
        if spot is None:
            continue
        if len(spot) == 4:
            outs[span.id] = _Out(span, [sub_addr[(spot[0], spot[2], spot[3])]])
        else:
            outs[span.id] = _Out(span, word_addr[spot[0] : spot[1] + 1])
    return rows, sentences, outs


def document_tsv(
    doc: DocData,
    ctx: ExportContext,
    nlp: Any,
    summary: ExportSummary,
    features: list[str],
    names: Names | None = None,
) -> str:
    rows, sentences, outs = _layout(doc, nlp, summary)
    text = doc.text
    # UTF-16 offsets are the code-point offsets unless the text has characters beyond the BMP
    index = None if utf16_len(text) == len(text) else Utf16Index(text)
    at_row = _number_stacked(outs)
    roles, rels = _links(doc, outs, set(ctx.scheme.event_labels), summary)
    lines = _header_lines(doc, features, names or Names())
    for out in outs.values():
        out.set_cells(features)
    # a row no span touches: "_" in the label, feature, actor, two role and two relation columns
    empty = "\t" + "\t".join(["_"] * (len(features) + 6)) + "\t"
    for s_i, (first, stop) in enumerate(sentences):
        begin = 0 if s_i == 0 else rows[first][1]
        end = rows[sentences[s_i + 1][0]][1] if s_i + 1 < len(sentences) else len(text)
        if s_i:
            lines.append("")
        lines.append("#Text=" + _escape(text[begin:end], _TEXT_ESCAPED))
        if index is None:
            lines += [
                f"{addr}\t{a}-{b}\t{text[a:b]}"
                + (empty if addr not in at_row else _span_tail(at_row[addr], addr, roles, rels))
                for addr, a, b in rows[first:stop]
            ]
            continue
        for addr, a, b in rows[first:stop]:
            offsets = f"{index.to_utf16(a)}-{index.to_utf16(b)}"
            here = at_row.get(addr)
            tail = empty if here is None else _span_tail(here, addr, roles, rels)
            lines.append(f"{addr}\t{offsets}\t{text[a:b]}{tail}")
    return "\n".join(lines) + "\n"


def _span_tail(
    here: list[_Out],
    addr: str,
    roles: dict[str, list[tuple[str, _Out]]],
    rels: dict[str, list[tuple[str, _Out, _Out]]],
) -> str:
    """The annotation columns of a row holding spans, between tabs: each span column stacks the
    values of every span there (with its [id]), then the role and relation columns."""
    if len(here) == 1:
        cols = here[0].cells
    else:
        cols = ["|".join(items) for items in zip(*(out.cells for out in here), strict=True)]
    more = [*_role_cells(here, addr, roles), *_relation_cells(rels.get(addr, []))]
    return "\t" + "\t".join([*cols, *more]) + "\t"


def _number_stacked(outs: dict[str, _Out]) -> dict[str, list[_Out]]:
    """The spans on each row; a span over several rows or sharing a row gets its [id]."""
    at_row: dict[str, list[_Out]] = {}
    for out in outs.values():
        for addr in out.rows:
            at_row.setdefault(addr, []).append(out)
    next_id = 0
    for out in outs.values():
        if len(out.rows) > 1 or any(len(at_row[a]) > 1 for a in out.rows):
            next_id += 1
            out.ident = next_id
    return at_row


def _links(
    doc: DocData, outs: dict[str, _Out], events: set[str], summary: ExportSummary
) -> tuple[dict[str, list[tuple[str, _Out]]], dict[str, list[tuple[str, _Out, _Out]]]]:
    """Relations from an event-type span as its roles (host span id -> (role, filler)); the
    others by the first row of their tail (-> (label, head, tail))."""
    roles: dict[str, list[tuple[str, _Out]]] = {}
    rels: dict[str, list[tuple[str, _Out, _Out]]] = {}
    for rel in doc.relations:
        head, tail = outs.get(rel.head), outs.get(rel.tail)
        if head is None or tail is None:
            summary.skip(f"{rel.label} relation pointing to a span not in the export")
            continue
        summary.relations[rel.label] += 1
        if head.span.label in events:
            roles.setdefault(rel.head, []).append((rel.label, tail))
        else:
            rels.setdefault(tail.rows[0], []).append((rel.label, head, tail))
    return roles, rels


def _header_lines(doc: DocData, features: list[str], names: Names) -> list[str]:
    """#FORMAT, the two layers, the document's own header lines, then two blank lines."""
    span = names.span_layer
    lines = [
        "#FORMAT=WebAnno TSV 3.3",
        f"#T_SP={span}|{names.label}|"
        + "".join(f"{f}|" for f in features)
        + f"{ACTOR_FEATURE}|ROLE_{span}:{ROLES_FEATURE}_{names.role_link}|{span}",
        f"#T_RL={names.relation_layer}|{names.relation_label}|BT_{span}",
    ]
    meta_header = doc.meta.get(HEADER_META)
    if isinstance(meta_header, dict):
        lines += [f"#{k}={v}" for k, v in meta_header.items()]
    return [*lines, "", ""]


def _role_cells(here: list[_Out], addr: str, roles: dict[str, list[tuple[str, _Out]]]) -> list[str]:
    """The slot columns (roles, fillers) of the event spans that start on this row."""
    hosts = [o for o in here if o.rows[0] == addr and roles.get(o.span.id)] if roles else []
    if not hosts:
        return ["_", "_"]
    role_cell, goal_cell = [], []
    for host in hosts:
        links = roles[host.span.id]
        tag = f"[{host.ident}]" if host.ident else ""
        role_cell.append(";".join(_escape(r) for r, _t in links) + tag)
        goal_cell.append(
            ";".join(t.rows[0] + (f"[{t.ident}]" if t.ident else "") for _r, t in links)
        )
    return ["|".join(role_cell), "|".join(goal_cell)]


def _relation_cells(here: list[tuple[str, _Out, _Out]]) -> list[str]:
    """The relation columns (label, BT reference to the head) of a row holding tails."""
    if not here:
        return ["_", "_"]
    refs = []
    for _label, h, t in here:
        ids = f"[{h.ident}_{t.ident}]" if h.ident or t.ident else ""
        refs.append(h.rows[0] + ids)
    return ["|".join(_escape(label) for label, _h, _t in here), "|".join(refs)]


NEEDS_ATTRIBUTE_KEYS = True  # every file's header names every feature of the export


def write(
    docs: Iterable[DocData], out: Path, ctx: ExportContext, *, renew_every: int = RENEW_EVERY
) -> ExportSummary:
    """One TSV file per document, written as the documents come."""
    from annotator.formats.iob import sentencizer

    summary = new_summary("webanno", ctx)
    out.mkdir(parents=True, exist_ok=True)
    pipelines = Renewed(lambda: sentencizer(ctx.lang), renew_every)
    docs, found = attribute_keys(docs, ctx)
    features = _feature_names(ctx, found)
    taken: dict[str, set[str]] = {split: set() for split in split_names(ctx)}
    folders: set[Path] = set()
    peer_names: dict[Names, int] = {}  # names kept from imported files -> documents
    for doc in docs:
        split = ctx.split_of(doc)
        if doc.annotated is False:
            summary.skip("document nobody annotated (a WebAnno file is an annotation)")
            continue
        summary.add_doc(split)
        for span in doc.spans:
            summary.add_span(split, span.label)
        folder = out if split == ALL else out / split
        path = folder / f"{unique_file_stem(doc.id, taken.setdefault(split, set()))}.tsv"
        if path.parent not in folders:  # a document id with "/" names a subfolder
            path.parent.mkdir(parents=True, exist_ok=True)
            folders.add(path.parent)
        names = names_of(doc.meta, features)
        if names != Names():
            peer_names[names] = peer_names.get(names, 0) + 1
        tsv = document_tsv(doc, ctx, pipelines.get(), summary, features, names)
        path.write_text(tsv, encoding="utf-8")
    summary.files += ["*.tsv" if split == ALL else f"{split}/*.tsv" for split in taken]
    more = ", ".join([*features, ACTOR_FEATURE])
    if summary.total_documents > sum(peer_names.values()):
        summary.notes.append(
            f"INCEpTION: define span layer {SPAN_LAYER} (features {LABEL_FEATURE}, {more}; "
            f"link feature {ROLES_FEATURE}), relation layer {RELATION_LAYER} (feature "
            f"{LABEL_FEATURE}), then import the files as WebAnno TSV 3"
        )
    for names, n in peer_names.items():
        summary.notes.append(
            f"INCEpTION: {n} document(s) keep the layers they were imported with: span layer "
            f"{names.span_layer} (label feature {names.label}; added: {more}, link feature "
            f"{ROLES_FEATURE}), relation layer {names.relation_layer} (feature "
            f"{names.relation_label})"
        )
    return summary
