"""CoNLL / BIO reader (CoNLL-2003, GermEval-2014, two-column ``.bio`` files).

- One token per line; columns separated by tabs, or by spaces when a line has no tab. The label
  is the last column. GermEval-2014 layout (an index column, the token, then two BIO columns for
  outer and inner entities) is recognised and both columns give spans.
- Tags: IOB2 (``B-X`` starts), IOB1 (``I-X`` starts unless it continues an ``X``), and the
  ``E-``/``S-`` (``L-``/``U-``) variants. Anything else in a label column is an error naming
  the line.
- Blank lines end sentences; files without blank lines are read as one sentence per document.
  ``-DOCSTART-`` lines start a new document; without one the file is one document.
- The text is rebuilt: tokens joined by single spaces, sentences by newlines (the original
  spacing is not in the file). ``#`` comment lines (GermEval source URLs) are skipped.

Writing:

CoNLL (IOB2): ``-DOCSTART-`` before each document, one ``token<TAB>tag`` per line, a blank line
between sentences. Without a split one file at OUT; with one, ``train.conll``, ``dev.conll`` and
``test.conll`` in the folder OUT.

Tokens and sentences come from ``annotator.formats.iob`` (spaCy's blank tokenizer and
rule-based sentencizer). Nested or overlapping spans: the outermost (longest) is written and the
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
from annotator.formats.textfile import read_text
from annotator.formats.writing import (
    ALL,
    SPLIT_NAMES,
    ExportContext,
    ExportSummary,
    new_summary,
)
from annotator.values import DocData, SpanData

_TAG = re.compile(r"^(?:O|[BIESLU]-\S+)$")
_SUFFIXES = (".conll", ".bio", ".iob", ".conll03")  # in folders; a named file may be any


@dataclass
class _Doc:
    line: int
    sentences: list[list[tuple[str, list[str], int]]] = field(default_factory=lambda: [[]])


def read(path: Path, options: ReadOptions) -> Iterator[DocData]:
    ids = UniqueIds()
    root = path if path.is_dir() else path.parent
    for file in files_with_suffix(path, _SUFFIXES):
        docs = _split_docs(file, options)
        stem = rel_name(file, root)
        for k, doc in enumerate(docs, start=1):
            text, spans = _spans(doc, str(file))
            yield DocData(
                id=ids(stem if len(docs) == 1 else f"{stem}-{k}"),
                text=text,
                meta={"source": file.name},
                spans=tuple(spans),
                source_path=str(file),
                source_line=doc.line,
            )


def _columns(line: str) -> list[str]:
    return line.split("\t") if "\t" in line else line.split()


def _split_docs(file: Path, options: ReadOptions) -> list[_Doc]:
    name = str(file)
    docs: list[_Doc] = []
    current: _Doc | None = None
    germeval: bool | None = None
    for lineno, raw in enumerate(read_text(file, options.encoding).splitlines(), start=1):
        line = raw.strip("\r\n")
        if not line.strip():
            if current is not None and current.sentences[-1]:
                current.sentences.append([])
            continue
        cols = [c.strip() for c in _columns(line)]
        if cols[0] == "-DOCSTART-":
            current = None
            continue
        if cols[0] == "#" or (cols[0].startswith("#") and not _TAG.match(cols[-1])):
            options.report.add("CoNLL comment line skipped")
            continue
        if len(cols) < 2:
            raise ImportFailed(
                f"expected a token and a label separated by a tab or space, got {line[:40]!r}",
                path=name,
                line=lineno,
            )
        if germeval is None:
            germeval = len(cols) == 4 and cols[0].isdigit() and all(map(_TAG.match, cols[2:]))
        token, tags = (cols[1], cols[2:4]) if germeval else (cols[0], cols[-1:])
        for tag in tags:
            if not _TAG.match(tag):
                raise ImportFailed(
                    f"label {tag!r} is not a BIO tag (O, B-X, I-X)", path=name, line=lineno
                )
        if current is None:
            current = _Doc(lineno)
            docs.append(current)
        current.sentences[-1].append((token, tags, lineno))
    docs = [d for d in docs if any(d.sentences)]
    if not docs:
        raise ImportFailed("no tokens found", path=name)
    return docs


def _spans(doc: _Doc, name: str) -> tuple[str, list[SpanData]]:
    pieces: list[str] = []
    spans: list[SpanData] = []
    pos = 0
    sentences = [s for s in doc.sentences if s]
    ncols = max(len(tags) for s in sentences for _t, tags, _l in s)
    for si, sent in enumerate(sentences):
        if si:
            pieces.append("\n")
            pos += 1
        offsets: list[tuple[int, int]] = []
        for ti, (token, _tags, _line) in enumerate(sent):
            if ti:
                pieces.append(" ")
                pos += 1
            offsets.append((pos, pos + len(token)))
            pieces.append(token)
            pos += len(token)
        for col in range(ncols):
            for first, last, label in _decode([tags[col] for _t, tags, _l in sent]):
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


DOCSTART = "-DOCSTART-\tO"


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
            fh.write(DOCSTART + "\n\n")
            for sentence in item.sentences:
                fh.writelines(f"{tok}\t{tag}\n" for tok, tag in sentence)
                fh.write("\n")
    finally:
        for fh in handles.values():
            fh.close()
    return summary
