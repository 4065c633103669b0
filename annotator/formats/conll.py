"""CoNLL / BIO reader (CoNLL-2003, GermEval-2014, two-column ``.bio`` files).

- One token per line; columns separated by tabs, or by spaces when a line has no tab. The label
  is the last column. GermEval-2014 layout (an index column, the token, then two BIO columns for
  outer and inner entities) is recognised and both columns give spans.
- Tags: IOB2 (``B-X`` starts), IOB1 (``I-X`` starts unless it continues an ``X``), and the
  ``E-``/``S-`` (``L-``/``U-``) variants. Anything else in a label column is an error naming
  the line.
- Blank lines end sentences; files without blank lines are read as one sentence per document.
  ``-DOCSTART-`` lines start a new document; without one the file is one document.
- IO tagging (bare labels, no prefixes anywhere in the file, some ``O``): a run of tokens with
  one label is one span.
- The text is rebuilt: tokens joined by single spaces, sentences by newlines (the original
  spacing is not in the file). ``#`` comment lines (GermEval source URLs) are skipped.
- ``meta["tokens"] = "conll"`` records that the text's words and lines are the file's tokens and
  sentences (the writer writes them back as they were); the columns between token and tag (POS,
  chunk) are kept per token in ``meta["conll_extra"]`` and written back. GermEval's index
  column is not kept (counted).

Writing:

CoNLL (IOB2): ``-DOCSTART-`` before each document, one ``token<TAB>tag`` per line, a blank line
between sentences. Without a split one file at OUT; with one, ``train.conll``, ``dev.conll`` and
``test.conll`` in the folder OUT.

Tokens and sentences come from ``annotator.formats.iob``: a document that came tokenised
(``meta["tokens"] == "conll"``) keeps its own tokens and sentence breaks and its extra columns
(the ``-DOCSTART-`` line then has as many ``-X-`` columns); others get spaCy's blank tokenizer
and rule-based sentencizer. Nested or overlapping spans: the outermost (longest) is written and the
others are counted as skipped; relations and attributes have no place in the format and are
counted too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from annotator.errors import ImportFailed
from annotator.formats.common import UniqueIds, files_with_suffix, rel_name
from annotator.formats.iob import iob_docs
from annotator.formats.reading import ReadOptions
from annotator.formats.textfile import iter_split_lines
from annotator.formats.writing import (
    ALL,
    SPLIT_NAMES,
    ExportContext,
    ExportSummary,
    new_summary,
)
from annotator.values import DocData, SpanData

_TAG = re.compile(r"^(?:O|[BIESLU]-\S+)$")
_IO_TAG = re.compile(r"^[A-Za-z][\w.]*$")  # an IO tag: a bare label name
TOKENS_KEY = "tokens"  # meta key: how the text is tokenised
TOKENS_CONLL = "conll"  # tokens = the text's space-separated words, sentences = its lines
EXTRA_KEY = "conll_extra"  # meta key: per token, the columns between token and tag
_SUFFIXES = (".conll", ".bio", ".iob", ".conll03")  # in folders; a named file may be any


@dataclass
class _Doc:
    line: int
    # per sentence: (token, tag columns, line, extra columns between the token and the tags)
    sentences: list[list[tuple[str, list[str], int, list[str]]]] = field(
        default_factory=lambda: [[]]
    )


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    ids = UniqueIds()
    root = path if path.is_dir() else path.parent
    for file in files_with_suffix(path, _SUFFIXES):
        stem = rel_name(file, root)
        # A document's id says whether the file holds one document or more: each is held back
        # until the next one starts (or the file ends).
        held: _Doc | None = None
        k = 0
        for doc in _iter_docs(file, options):
            if held is not None:
                yield _document(held, ids(f"{stem}-{k}"), file, options)
            held = doc
            k += 1
        if held is not None:
            yield _document(held, ids(stem if k == 1 else f"{stem}-{k}"), file, options)


def _document(doc: _Doc, doc_id: str, file: Path, options: ReadOptions) -> DocData:
    text, spans = _spans(doc)
    meta: dict[str, object] = {"source": file.name}
    tokens = [tok for sent in doc.sentences for tok in sent]
    if all(not any(ch.isspace() for ch in t[0]) for t in tokens):
        meta[TOKENS_KEY] = TOKENS_CONLL
        extra = [t[3] for t in tokens]
        if any(extra):
            meta[EXTRA_KEY] = [" ".join(cols) for cols in extra]
            options.report.add("CoNLL extra columns (POS, chunk...) kept for export")
    else:
        options.report.add("CoNLL document with a token containing a space re-tokenised")
    return DocData(
        id=doc_id,
        text=text,
        meta=meta,
        spans=tuple(spans),
        source_path=str(file),
        source_line=doc.line,
        annotated=True,  # every token carries a tag: a sentence of O is a negative
    )


def _columns(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


@dataclass
class _Layout:
    """What the scan learns of a file: GermEval or token + tag, and which kinds of tag it holds."""

    name: str  # the file, for errors
    germeval: bool | None = None  # None: no token line yet
    first_line: int = 0  # the line that decided the layout (GermEval or token + tag)
    bad: dict[str, int] = field(default_factory=dict)  # tag that is not IOB -> first line
    prefixed: bool = False  # seen a B-/I-/E-/S- tag
    outside: bool = False  # seen an O tag

    def row(self, cols: list[str], lineno: int) -> tuple[str, list[str], list[str]]:
        """The token, tags and extra columns of one token line (the first decides the layout)."""
        if self.germeval is None:
            self.germeval = len(cols) == 4 and cols[0].isdigit() and all(map(_TAG.match, cols[2:]))
            self.first_line = lineno
        elif self.germeval and len(cols) != 4:
            raise ImportFailed(
                f"GermEval line with {len(cols)} columns, expected 4 (index, token, two tags) "
                f"as on line {self.first_line}",
                path=self.name,
                line=lineno,
            )
        if self.germeval:
            token, tags, extra = cols[1], cols[2:4], []
        else:
            token, tags, extra = cols[0], cols[-1:], cols[1:-1]
        for tag in tags:
            if not _TAG.match(tag):
                self.bad.setdefault(tag, lineno)
            elif tag != "O":
                self.prefixed = True
            else:
                self.outside = True
        return token, tags, extra


def _is_comment(cols: list[str]) -> bool:
    return cols[0] == "#" or (cols[0].startswith("#") and not _TAG.match(cols[-1]))


class _Scan:
    """The documents of one file as its lines are read. Whether a tag that is not IOB is an
    error or an IO tag depends on the whole file (no B-/I- prefix anywhere, some O); documents
    are handed on as soon as that cannot change how they read, and none once the file is
    known to be refused (the scan goes on to the end, so the first error is the one reading the
    whole file gives)."""

    def __init__(self, layout: _Layout) -> None:
        self.layout = layout
        self.pending: list[_Doc] = []  # complete documents not handed on yet
        self.refused = False
        self.found = False  # any document at all

    def ready(self) -> list[_Doc]:
        """The complete documents that can be handed on now (tags final)."""
        layout = self.layout
        if self.refused:
            self.pending.clear()
            return []
        if not layout.bad:
            out, self.pending = self.pending, []
            return out
        if layout.prefixed or any(not _IO_TAG.match(t) for t in layout.bad):
            self.refused = True  # _read_as_io_tags raises at the end
            self.pending.clear()
            return []
        if not layout.outside:
            return []  # an IO file needs some O: not known yet
        out, self.pending = self.pending, []
        for doc in out:
            _as_io_tags(doc)
        return out


def _iter_docs(file: Path, options: ReadOptions) -> Iterator[_Doc]:
    """The file's documents and sentences, scanning the CoNLL dialects' line forms as the lines
    are read (one document held at a time, unless the tags' kind is still open)."""
    name = str(file)
    current: _Doc | None = None
    layout = _Layout(name)
    scan = _Scan(layout)
    for lineno, raw in enumerate(iter_split_lines(file, options.encoding), start=1):
        line = raw.strip("\r\n")
        if not line.strip():
            if current is not None and current.sentences[-1]:
                current.sentences.append([])
            continue
        cols = [c.strip() for c in _columns(line)]
        if cols[0] == "-DOCSTART-":
            if current is not None:
                scan.pending.append(current)
                yield from scan.ready()
            current = None
            continue
        if _is_comment(cols):
            options.report.add("CoNLL comment line skipped")
            continue
        if len(cols) < 2:
            raise ImportFailed(
                f"expected a token and a label separated by a tab or space, got {line[:40]!r}",
                path=name,
                line=lineno,
            )
        token, tags, extra = layout.row(cols, lineno)
        if current is None:
            current = _Doc(lineno)
            scan.found = True
        current.sentences[-1].append((token, tags, lineno, extra))
    if current is not None:
        scan.pending.append(current)
    if layout.germeval:
        options.report.add("CoNLL GermEval index column not kept (the export numbers nothing)")
    if layout.bad:
        _read_as_io_tags(layout, options)
    if not scan.found:
        raise ImportFailed("no tokens found", path=name)
    yield from scan.ready()


def _read_as_io_tags(layout: _Layout, options: ReadOptions) -> None:
    """Tags that are not IOB: an error, unless the file is IO-tagged (bare labels, no prefix
    anywhere, some O); then a run of one label is one span (the tags become I-X)."""
    tag, lineno = min(layout.bad.items(), key=lambda item: item[1])
    if layout.prefixed or not layout.outside or any(not _IO_TAG.match(t) for t in layout.bad):
        raise ImportFailed(
            f"label {tag!r} is not a BIO tag (O, B-X, I-X)", path=layout.name, line=lineno
        )
    options.report.add("CoNLL IO tags (no B-/I- prefixes) read: a run of one label is a span")


def _as_io_tags(doc: _Doc) -> None:
    """The document's IO tags as IOB (``X`` becomes ``I-X``)."""
    for sent in doc.sentences:
        for i, (token, tags, at_line, extra) in enumerate(sent):
            sent[i] = (token, [t if t == "O" else f"I-{t}" for t in tags], at_line, extra)


def _spans(doc: _Doc) -> tuple[str, list[SpanData]]:
    pieces: list[str] = []
    spans: list[SpanData] = []
    pos = 0
    sentences = [s for s in doc.sentences if s]
    ncols = max(len(tags) for s in sentences for _t, tags, _l, _x in s)
    for si, sent in enumerate(sentences):
        if si:
            pieces.append("\n")
            pos += 1
        offsets: list[tuple[int, int]] = []
        for ti, (token, _tags, _line, _extra) in enumerate(sent):
            if ti:
                pieces.append(" ")
                pos += 1
            offsets.append((pos, pos + len(token)))
            pieces.append(token)
            pos += len(token)
        for col in range(ncols):
            for first, last, label in _decode([tags[col] for _t, tags, _l, _x in sent]):
                spans.append(
                    SpanData(f"s{len(spans) + 1}", offsets[first][0], offsets[last][1], label)
                )
    return "".join(pieces), spans


def _decode(tags: list[str]) -> Iterator[tuple[int, int, str]]:
    """``(first token, last token, label)`` for each chunk of a BIO/IOB1/BIOES tag sequence."""
    start: int | None = None
    label = ""
    for i, tag in enumerate(tags):
        prefix, _, typ = tag.partition("-")
        if prefix == "O":
            if start is not None:
                yield start, i - 1, label
            start = None
            continue
        continues = start is not None and typ == label and prefix in ("I", "E", "L")
        if not continues:
            if start is not None:
                yield start, i - 1, label
            start, label = i, typ
        if prefix in ("E", "L", "S", "U"):
            yield start, i, label  # type: ignore[misc]
            start = None
    if start is not None:
        yield start, len(tags) - 1, label


def _extra_columns(doc: DocData, n_tokens: int, summary: ExportSummary) -> list[str] | None:
    """The POS/chunk columns the document came with, when its tokens are still those."""
    extra = doc.meta.get(EXTRA_KEY)
    if not isinstance(extra, list) or not extra:
        return None
    widths = {len(str(x).split()) for x in extra}
    if len(extra) != n_tokens or len(widths) != 1:
        summary.skip("extra CoNLL columns of a document whose tokens changed")
        return None
    return [str(x) for x in extra]


def _open(path: Path) -> IO[str]:
    return path.open("w", encoding="utf-8", newline="\n")


def write(docs: Iterable[DocData], out: Path, ctx: ExportContext) -> ExportSummary:
    summary = new_summary("conll", ctx)
    if ctx.splits is None:
        handles = {ALL: _open(out)}
        summary.files.append(out.name)
    else:
        out.mkdir(parents=True, exist_ok=True)
        handles = {name: _open(out / f"{name}.conll") for name in SPLIT_NAMES}
        summary.files += [f"{name}.conll" for name in SPLIT_NAMES]
    try:
        for item in iob_docs(docs, ctx, summary):
            fh = handles[item.split]
            extra = _extra_columns(item.doc, sum(len(s) for s in item.sentences), summary)
            width = len(extra[0].split()) if extra else 0
            fh.write("-DOCSTART-\t" + "-X-\t" * width + "O\n\n")
            k = 0
            for sentence in item.sentences:
                for tok, tag in sentence:
                    middle = "".join(c + "\t" for c in extra[k].split()) if extra else ""
                    fh.write(f"{tok}\t{middle}{tag}\n")
                    k += 1
                fh.write("\n")
    finally:
        for fh in handles.values():
            fh.close()
    return summary
