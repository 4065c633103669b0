"""Readers of foreign annotation formats.

Each reader module has ``read(path: Path, options: ReadOptions) -> Iterator[DocData]``; ``path``
is a file or folder as the user gave it. Readers yield *foreign* labels; mapping onto the scheme
(``--label-map``, ``--skip-unmapped``) happens afterwards
(``annotator.transfer.label_map``). Anything a
reader converts, merges or skips is counted in ``options.report`` so nothing is dropped silently.
"""

from __future__ import annotations

import importlib
import json
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from annotator.errors import ImportFailed, ReaderCrashed
from annotator.formats.registry import AUTO, format_spec, formats_by_suffix, reader_names
from annotator.formats.textfile import check_regular, refuse_damaged_text
from annotator.values import DocData, SpanData


@dataclass
class ReadReport:
    """What readers converted or skipped, counted by a one-line reason."""

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, reason: str, n: int = 1) -> None:
        if n:
            self.counts[reason] += n

    def lines(self) -> list[str]:
        return [f"{n} x {reason}" for reason, n in sorted(self.counts.items())]


def drop_repeated_spans(
    spans: Iterable[SpanData], report: ReadReport, reason: str
) -> tuple[SpanData, ...]:
    """``spans`` with each (start, end, label) kept once, the first; the others are counted
    under ``reason``."""
    seen: set[tuple[int, int, str]] = set()
    out: list[SpanData] = []
    for s in spans:
        key = (s.start, s.end, s.label)
        if key in seen:
            report.add(reason)
            continue
        seen.add(key)
        out.append(s)
    return tuple(out)


@dataclass
class ReadOptions:
    tsv_feature: str | None = None  # "LAYER|FEATURE" for WebAnno TSV; None: first span feature
    encoding: str | None = None  # None: detect (annotator.formats.textfile)
    predictions: bool = False  # Label Studio: read predictions when a task has no annotations
    span_keys: tuple[str, ...] | None = None  # spaCy DocBin span groups; None: "sc"
    report: ReadReport = field(default_factory=ReadReport)


# Suffixes that several formats share are told apart by content (``_detect_file``); the others
# name their format in the registry. A folder is read as the format of its first file in this
# order of suffixes (a test checks it lists every suffix of the registry).
_FOLDER_ORDER = (
    ".ann",
    ".tsv",
    ".spacy",
    ".conll",
    ".bio",
    ".iob",
    ".jsonl",
    ".json",
    ".html",
    ".htm",
    ".csv",
    ".txt",
)


def sniff_json_record(record: object) -> str:
    """Which JSONL dialect one parsed record belongs to: doccano, prodigy or (native) jsonl."""
    if not isinstance(record, dict):
        return "jsonl"
    if "label" in record or "labels" in record or "column_label" in record:
        return "doccano"
    for key in ("entities", "annotations"):
        items = record.get(key)
        if isinstance(items, list) and any(
            isinstance(it, dict) and "start_offset" in it for it in items
        ):
            return "doccano"
    spans = record.get("spans")
    if (
        "tokens" in record
        or "_input_hash" in record
        or "_task_hash" in record
        or (
            isinstance(spans, list)
            and any(isinstance(s, dict) and "token_start" in s for s in spans)
        )
    ):
        return "prodigy"
    return "jsonl"


def _first_json_record(path: Path) -> object:
    with path.open("rb") as fh:
        head = fh.read(1 << 20)
    text = head.decode("utf-8-sig", errors="replace").lstrip()
    try:
        obj, _ = json.JSONDecoder().raw_decode(text)
    except (json.JSONDecodeError, RecursionError):  # the reader names the file and line
        return None
    return obj


def _detect_file(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return "brat" if path.with_suffix(".ann").exists() else "txt"
    if suffix == ".tsv":
        with path.open("rb") as fh:
            head = fh.read(4096).decode("utf-8-sig", errors="replace")
        from annotator.formats.webanno import is_webanno  # webanno imports this module

        return "webanno" if is_webanno(head.lstrip().splitlines()) else "conll"
    if suffix == ".jsonl":
        return sniff_json_record(_first_json_record(path))
    names = formats_by_suffix().get(suffix, ())
    return names[0] if len(names) == 1 else None


def detect_format(path: Path) -> str:
    """Guess the format of a file or folder from extensions and, for .jsonl/.tsv, contents."""
    path = Path(path)
    if not path.exists():
        raise ImportFailed("no such file or folder", path=str(path))
    check_regular(path)
    if path.is_file():
        fmt = _detect_file(path)
        if fmt is None:
            raise ImportFailed(
                f"cannot tell the format from '{path.suffix or path.name}'; pass --format",
                path=str(path),
            )
        return fmt
    files = [p for p in sorted(path.rglob("*")) if p.is_file() and not p.name.startswith(".")]
    suffixes = {p.suffix.lower() for p in files}
    for suffix in _FOLDER_ORDER:
        if suffix in suffixes:
            first = next(p for p in files if p.suffix.lower() == suffix)
            fmt = _detect_file(first)
            if fmt is not None:
                return fmt
    raise ImportFailed(
        "found no file of a known format in the folder; pass --format", path=str(path)
    )


def read_documents(path: Path, fmt: str, options: ReadOptions | None = None) -> Iterator[DocData]:
    """Lazily yield the documents of ``path`` read as ``fmt`` ("auto" detects it). A text
    holding NUL or another control character (``textfile.refuse_damaged_text``) stops the
    reading with one line naming the file and line, whatever the format."""
    path = Path(path)
    if fmt == AUTO:
        fmt = detect_format(path)
    spec = format_spec(fmt)
    if spec is None or spec.reader is None:
        known = ", ".join(sorted(reader_names()))
        raise ImportFailed(f"unknown format '{fmt}' (known: {known})")
    if not path.exists():
        raise ImportFailed("no such file or folder", path=str(path))
    check_regular(path)
    module = importlib.import_module(spec.reader)
    reader = module.read(path, options or ReadOptions())
    last: DocData | None = None
    try:
        for doc in reader:
            last = doc
            refuse_damaged_text(doc.text, doc.source_path or str(path), doc.source_line)
            yield doc
    except ImportFailed:
        raise
    except RecursionError:
        raise ImportFailed(
            f"nested too deeply to read{_after(last)}", path=_where(path, last)
        ) from None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, UnicodeError) as exc:
        # A reader's own oversight: still one line naming the file, never a traceback.
        raise ReaderCrashed(
            f"cannot read this {fmt} input{_after(last)} ({type(exc).__name__}: {str(exc)[:120]})",
            path=_where(path, last),
        ) from exc


def _where(path: Path, last: DocData | None) -> str:
    return last.source_path if last is not None and last.source_path else str(path)


def _after(last: DocData | None) -> str:
    """Where reading stopped, when records have lines."""
    if last is None or last.source_line is None:
        return ""
    return f" after the record on line {last.source_line}"
