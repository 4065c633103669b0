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
from itertools import accumulate, compress
from pathlib import Path
from typing import IO

from annotator.errors import ImportFailed
from annotator.formats.common import UniqueIds, files_with_suffix, rel_name
from annotator.formats.iob import iob_docs
from annotator.formats.reading import ReadOptions
from annotator.formats.textfile import iter_chunks
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


@dataclass(slots=True)
class _Sentence:
    """One sentence's tokens, its tags (one list per tag column, a tag per token) and per token
    its columns between the token and the tags, joined by spaces ("" for none)."""

    tokens: list[str]
    tags: list[list[str]]
    extra: list[str]


def _sentence(ntags: int) -> _Sentence:
    return _Sentence([], [[] for _ in range(ntags)], [])


@dataclass
class _Doc:
    line: int
    ntags: int  # tag columns per token (one, or two for GermEval)
    sentences: list[_Sentence] = field(default_factory=list)
    extra: bool = False  # some token has columns between the token and the tag

    def __post_init__(self) -> None:
        self.sentences.append(_sentence(self.ntags))


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


_SPACE = re.compile(r"\s")  # the characters str.isspace() accepts


def _document(doc: _Doc, doc_id: str, file: Path, options: ReadOptions) -> DocData:
    text, spans = _spans(doc)
    meta: dict[str, object] = {"source": file.name}
    if not any(_SPACE.search("".join(sent.tokens)) for sent in doc.sentences):
        meta[TOKENS_KEY] = TOKENS_CONLL
        if doc.extra:
            meta[EXTRA_KEY] = [x for sent in doc.sentences for x in sent.extra]
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


_BAD, _PREFIXED, _OUTSIDE = 0, 1, 2  # kinds of tag


@dataclass
class _Layout:
    """What the scan learns of a file: GermEval or token + tag, and which kinds of tag it holds."""

    name: str  # the file, for errors
    germeval: bool | None = None  # None: no token line yet
    first_line: int = 0  # the line that decided the layout (GermEval or token + tag)
    bad: dict[str, int] = field(default_factory=dict)  # tag that is not IOB -> first line
    prefixed: bool = False  # seen a B-/I-/E-/S- tag
    outside: bool = False  # seen an O tag
    kinds: dict[str, int] = field(default_factory=dict)  # each tag seen -> its kind

    def kind(self, tag: str, lineno: int) -> int:
        """The kind of a tag met for the first time on ``lineno`` (and what it tells)."""
        if not _TAG.match(tag):
            self.bad.setdefault(tag, lineno)
            kind = _BAD
        elif tag != "O":
            self.prefixed = True
            kind = _PREFIXED
        else:
            self.outside = True
            kind = _OUTSIDE
        self.kinds[tag] = kind
        return kind

    def decide(self, cols: list[str], lineno: int) -> None:
        """The first token line decides the layout: GermEval or token + tag."""
        self.germeval = len(cols) == 4 and cols[0].isdigit() and all(map(_TAG.match, cols[2:]))
        self.first_line = lineno

    def germeval_row(self, cols: list[str], lineno: int, sent: _Sentence) -> None:
        """Add a GermEval token line (index, token, outer and inner tag) to ``sent``."""
        if len(cols) != 4:
            raise ImportFailed(
                f"GermEval line with {len(cols)} columns, expected 4 (index, token, two tags) "
                f"as on line {self.first_line}",
                path=self.name,
                line=lineno,
            )
        sent.tokens.append(cols[1])
        for column, tag in zip(sent.tags, cols[2:4], strict=True):
            if tag not in self.kinds:
                self.kind(tag, lineno)
            column.append(tag)
        sent.extra.append("")


def _cells(line: str) -> list[str] | None:
    """The columns of a line (split at tabs, or at spaces when it has none); None for a blank
    line."""
    if "\t" in line:
        cols = [c.strip() for c in line.split("\t")]
        return cols if any(cols) else None
    return line.split() or None


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


# A run of plain token lines, the common form: a token (not a comment, not -DOCSTART-), a tab
# and a tag, no other white space, each line ending in a line feed (or CR LF). Such a run is
# split in one go instead of line by line.
_PLAIN_RUN = re.compile(r"(?:(?!-DOCSTART-\t)[^\s#]\S*\t\S+\r?\n)+")


class _Lines:
    """The documents of one file built as its lines come: ``line`` takes any line, ``plain`` a
    run of plain token lines (what ``line`` would make of each, at once)."""

    def __init__(self, name: str, options: ReadOptions) -> None:
        self.name = name
        self.options = options
        self.layout = _Layout(name)
        self.scan = _Scan(self.layout)
        self.current: _Doc | None = None
        self.sent: _Sentence | None = None

    def _token_sentence(self, lineno: int) -> tuple[_Doc, _Sentence]:
        """The sentence a token line on ``lineno`` goes to (a new document if none is open)."""
        if self.current is None or self.sent is None:
            self.current = _Doc(lineno, 2 if self.layout.germeval else 1)
            self.sent = self.current.sentences[-1]
            self.scan.found = True
        return self.current, self.sent

    def line(self, raw: str, lineno: int) -> list[_Doc]:
        """Read one line; the documents it completes that can be handed on."""
        line = raw.strip("\r\n")
        cols = _cells(line)
        if cols is None:
            current = self.current
            if current is not None and current.sentences[-1].tokens:
                self.sent = _sentence(current.ntags)
                current.sentences.append(self.sent)
            return []
        token = cols[0]
        if token == "-DOCSTART-":
            done = self.current
            self.current = self.sent = None
            if done is not None:
                self.scan.pending.append(done)
                return self.scan.ready()
            return []
        if token[:1] == "#" and _is_comment(cols):
            self.options.report.add("CoNLL comment line skipped")
            return []
        if len(cols) < 2:
            raise ImportFailed(
                f"expected a token and a label separated by a tab or space, got {line[:40]!r}",
                path=self.name,
                line=lineno,
            )
        layout = self.layout
        if layout.germeval is None:
            layout.decide(cols, lineno)
        current, sent = self._token_sentence(lineno)
        if layout.germeval:
            layout.germeval_row(cols, lineno, sent)
            return []
        tag = cols[-1]  # token, extra columns, one tag
        if tag not in layout.kinds:
            layout.kind(tag, lineno)
        sent.tokens.append(token)
        sent.tags[0].append(tag)
        if len(cols) > 2:
            sent.extra.append(" ".join(cols[1:-1]))
            current.extra = True
        else:
            sent.extra.append("")
        return []

    def plain(self, run: str, lineno: int) -> bool:
        """Read a run of plain token lines starting on ``lineno`` (False, nothing read, in a
        GermEval file: there each line is an error)."""
        layout = self.layout
        if layout.germeval:
            return False
        if "\r" in run:
            run = run.replace("\r\n", "\n")
        parts = run.replace("\t", "\n").split("\n")
        tokens, tags = parts[0:-1:2], parts[1::2]
        if layout.germeval is None:
            layout.decide([tokens[0], tags[0]], lineno)
        _current, sent = self._token_sentence(lineno)
        for tag in set(tags).difference(layout.kinds):
            layout.kind(tag, lineno + tags.index(tag))
        sent.tokens += tokens
        sent.tags[0] += tags
        sent.extra += [""] * len(tokens)
        return True


def _iter_docs(file: Path, options: ReadOptions) -> Iterator[_Doc]:
    """The file's documents and sentences, scanning the CoNLL dialects' line forms as the text
    is read (one document held at a time, unless the tags' kind is still open). Runs of plain
    token lines are split in one go; other lines one at a time (``_Lines``)."""
    lines = _Lines(str(file), options)
    lineno = 1
    rest = ""
    for piece in iter_chunks(file, options.encoding):
        text = rest + piece
        cut = text.rfind("\n") + 1
        rest = text[cut:]
        pos = 0
        while pos < cut:
            run = _PLAIN_RUN.match(text, pos)
            if run is not None and lines.plain(run.group(), lineno):
                lineno += run.group().count("\n")
                pos = run.end()
                continue
            end = text.index("\n", pos)
            yield from lines.line(text[pos:end], lineno)
            lineno += 1
            pos = end + 1
    yield from lines.line(rest, lineno)  # the text after the last line feed is a line too
    yield from _last_docs(lines.scan, lines.current, options)


def _last_docs(scan: _Scan, current: _Doc | None, options: ReadOptions) -> list[_Doc]:
    """At the end of the file: the documents still held (or the file's error)."""
    layout = scan.layout
    if current is not None:
        scan.pending.append(current)
    if layout.germeval:
        options.report.add("CoNLL GermEval index column not kept (the export numbers nothing)")
    if layout.bad:
        _read_as_io_tags(layout, options)
    if not scan.found:
        raise ImportFailed("no tokens found", path=layout.name)
    return scan.ready()


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
        for column in sent.tags:
            column[:] = [t if t == "O" else f"I-{t}" for t in column]


def _spans(doc: _Doc) -> tuple[str, list[SpanData]]:
    """The document's text (tokens joined by spaces, sentences by line feeds) and its spans."""
    lines: list[str] = []
    spans: list[SpanData] = []
    pos = 0  # where the sentence starts in the text
    for sent in doc.sentences:
        tokens = sent.tokens
        if not tokens:
            continue
        if lines:
            pos += 1
        line = " ".join(tokens)
        lines.append(line)
        starts: list[int] | None = None
        for tags in sent.tags:
            if tags.count("O") == len(tags):
                continue
            for first, last, label in _decode(tags):
                if starts is None:
                    starts = list(accumulate([len(t) + 1 for t in tokens], initial=pos))
                spans.append(
                    SpanData(f"s{len(spans) + 1}", starts[first], starts[last + 1] - 1, label)
                )
        pos += len(line)
    return "\n".join(lines), spans


def _decode(tags: list[str]) -> Iterator[tuple[int, int, str]]:
    """``(first token, last token, label)`` for each chunk of a BIO/IOB1/BIOES tag sequence.
    Only the tags other than ``O`` are visited: a gap between two of them is an ``O``."""
    start: int | None = None
    label = ""
    prev = -2  # the last tag visited
    for i in compress(range(len(tags)), map("O".__ne__, tags)):
        if start is not None and i != prev + 1:
            yield start, prev, label  # an O came between
            start = None
        prev = i
        prefix, _, typ = tags[i].partition("-")
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
        yield start, prev, label


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
