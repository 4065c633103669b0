"""The one list of formats: each declares its name, suffixes, offset unit, reader and writer once.

The CLI's ``--format`` choices, the GUI's import/export lists, format detection and the README's
format table all derive from ``FORMATS``. A reader module has ``read(path, options)``
(``annotator.formats.reading``); a writer module has ``write(docs, out, ctx)``
(``annotator.formats.writing``). Modules are named, not imported, so that asking for the list of
formats does not load spaCy.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType


class OffsetUnit(StrEnum):
    """What a format's offsets count; converted to code points at the edge."""

    CODE_POINTS = "code points"
    UTF16 = "UTF-16 units"
    TOKENS = "tokens"


class Output(StrEnum):
    """What an export writes at OUT when no split is asked for."""

    FILE = "file"  # one file at OUT
    FOLDER = "folder"  # a folder at OUT
    SPLIT = "split"  # a folder of train/dev/test files, split 80,10,10 when none is given


@dataclass(frozen=True, slots=True)
class FormatSpec:
    name: str  # the --format value
    title: str  # the README table's first column
    suffixes: tuple[str, ...]  # file suffixes this format reads or writes (lower case)
    offsets: OffsetUnit | None  # None: the format carries no annotations
    reader: str | None  # module with read(); None: export only
    writer: str | None  # module with write(); None: import only
    output: Output = Output.FOLDER
    export_note: str = "yes"  # the README table's export column when there is a writer


FORMATS: tuple[FormatSpec, ...] = (
    FormatSpec(
        "jsonl",
        "native JSONL (one document per line, see below)",
        (".jsonl",),
        OffsetUnit.CODE_POINTS,
        "annotator.formats.jsonl",
        "annotator.formats.jsonl",
        Output.FILE,
        "yes (lossless)",
    ),
    FormatSpec(
        "txt",
        "plain text (`.txt`, one article per file; title and date read from the news layout)",
        (".txt",),
        None,
        "annotator.formats.plaintext",
        None,
    ),
    FormatSpec(
        "csv",
        "CSV (`text` column; optional `id`, `title`, `date`, `url`)",
        (".csv",),
        None,
        "annotator.formats.csv",
        "annotator.formats.csv",
        Output.FOLDER,
        "analysts' tables",
    ),
    FormatSpec(
        "html",
        "HTML news pages (main text, title, date, author; no network)",
        (".html", ".htm"),
        None,
        "annotator.formats.html",
        None,
    ),
    FormatSpec(
        "brat",
        "brat standoff (`.txt` + `.ann`, `annotation.conf`)",
        (".ann", ".txt"),
        OffsetUnit.CODE_POINTS,
        "annotator.formats.brat.reader",
        "annotator.formats.brat.writer",
        Output.FOLDER,
        "yes (events as E lines, notes as `#`)",
    ),
    FormatSpec(
        "doccano",
        "doccano JSONL (also >= 1.6 `data` + `label`)",
        (".jsonl",),
        OffsetUnit.UTF16,
        "annotator.formats.doccano",
        "annotator.formats.doccano",
        Output.FILE,
    ),
    FormatSpec(
        "labelstudio",
        "Label Studio JSON",
        (".json",),
        OffsetUnit.UTF16,
        "annotator.formats.labelstudio",
        "annotator.formats.labelstudio",
        Output.FOLDER,
        "yes (tasks + `config.xml`)",
    ),
    FormatSpec(
        "prodigy",
        "Prodigy / spaCy JSONL",
        (".jsonl",),
        OffsetUnit.CODE_POINTS,
        "annotator.formats.prodigy",
        "annotator.formats.prodigy",
        Output.FILE,
    ),
    FormatSpec(
        "spacy",
        "spaCy DocBin (`.spacy`; `doc.ents` + `sc`, `--span-key` for others)",
        (".spacy",),
        OffsetUnit.TOKENS,
        "annotator.formats.docbin",
        "annotator.formats.docbin",
        Output.SPLIT,
        "yes, with `config.cfg`",
    ),
    FormatSpec(
        "conll",
        "CoNLL / BIO (IOB1, IOB2, IO; extra columns kept)",
        (".conll", ".bio", ".iob", ".tsv"),
        OffsetUnit.TOKENS,
        "annotator.formats.conll",
        "annotator.formats.conll",
        Output.FILE,
        "yes (IOB2)",
    ),
    FormatSpec(
        "webanno",
        "WebAnno TSV 3.x (INCEpTION, GUM)",
        (".tsv",),
        OffsetUnit.UTF16,
        "annotator.formats.webanno",
        "annotator.formats.webanno",
        Output.FOLDER,
        "yes (3.3; roles as slot features)",
    ),
    FormatSpec(
        "hf",
        "Hugging Face (`tokens`, `ner_tags`; dataset card)",
        (".jsonl",),
        OffsetUnit.TOKENS,
        None,
        "annotator.formats.hf",
        Output.SPLIT,
    ),
)

_BY_NAME = {spec.name: spec for spec in FORMATS}
AUTO = "auto"  # the --format value that detects the format of each path


def format_spec(name: str) -> FormatSpec | None:
    return _BY_NAME.get(name)


def reader_names() -> tuple[str, ...]:
    """Formats that can be imported, in registry order."""
    return tuple(spec.name for spec in FORMATS if spec.reader)


def writer_names() -> tuple[str, ...]:
    """Formats that can be exported, in registry order."""
    return tuple(spec.name for spec in FORMATS if spec.writer)


def import_choices() -> tuple[str, ...]:
    """The CLI's ``import --format`` values."""
    return (AUTO, *reader_names())


def reader_module(name: str) -> ModuleType | None:
    spec = _BY_NAME.get(name)
    return importlib.import_module(spec.reader) if spec and spec.reader else None


def writer_module(name: str) -> ModuleType | None:
    spec = _BY_NAME.get(name)
    return importlib.import_module(spec.writer) if spec and spec.writer else None


def formats_by_suffix() -> dict[str, tuple[str, ...]]:
    """Suffix -> the readable formats that use it, in registry order."""
    out: dict[str, list[str]] = {}
    for spec in FORMATS:
        if spec.reader:
            for suffix in spec.suffixes:
                out.setdefault(suffix, []).append(spec.name)
    return {suffix: tuple(names) for suffix, names in out.items()}


def markdown_table() -> str:
    """The README's format table, generated from ``FORMATS``."""
    lines = ["| format | `--format` | import | export | offsets |", "|---|---|---|---|---|"]
    for spec in FORMATS:
        cells = (
            spec.title,
            f"`{spec.name}`",
            "yes" if spec.reader else "",
            spec.export_note if spec.writer else "",
            str(spec.offsets) if spec.offsets else "",
        )
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
