"""Writers of training-ready and analysis formats.

The writer interface (streaming):

- Each writer module has ``write(docs: Iterable[DocData], out: Path, ctx: ExportContext) ->
  ExportSummary``. ``docs`` is an **iterable read once**, in export order (the exporter streams
  it from the database in document batches), not a list: a writer must not index it, take its
  ``len`` or loop over it twice, and must write each document as it comes (one handle per split
  file open at once, not documents grouped per split first: ``split_names(ctx)`` lists them and
  ``ctx.split_of(doc)`` routes a document). Summary counts are accumulated on the way.
- What a writer needs about the whole corpus before the first document is in the context:
  ``ctx.splits`` (document id -> split, decided up front) and ``corpus_stats(docs, ctx)``
  (label counts and overlapping label pairs; precomputed by the exporter from the span columns
  when the module sets ``NEEDS_STATS = True``; computed from ``docs`` when a writer is called
  directly, which then turns ``docs`` into a list), and likewise ``attribute_keys(docs, ctx)``
  (the span attribute names in the export; ``NEEDS_ATTRIBUTE_KEYS = True``). Whatever can wait
  for the last document (a labelling config naming every label found) is written after it.
  A writer that wants every document in one
  split without a split plan sets ``splits={}`` (``split_of`` gives ``train``).
- Every writer streams this way (``tests/unit/formats/test_streaming_writers.py`` watches the
  ones that used to hold their documents).

``out`` is a file for the single-file formats without a split and a folder otherwise
(the format's ``output`` in ``annotator.formats.registry``);
``annotator.transfer.exporting`` picks it, writes to a temporary sibling and
renames it into place, so writers never clean up after themselves. Writers never drop a span
silently: everything expanded, merged or skipped is counted in the summary with its reason.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol

from annotator.errors import ExportFailed
from annotator.formats import registry
from annotator.scheme import Scheme
from annotator.values import DocData
from annotator.vocabulary import Layer
from annotator.wording import count_of

SPLIT_NAMES = ("train", "dev", "test")
ALL = "all"  # split name used when there is no split


@dataclass(frozen=True, slots=True)
class EntityEntry:
    """One actor registry entry, as exported (brat N lines, actors.csv)."""

    name: str
    type: str | None = None
    aliases: tuple[str, ...] = ()
    external_id: str | None = None
    mention_count: int = 0
    document_count: int = 0


@dataclass(frozen=True)
class CorpusStats:
    """What some writers need about the whole export before its first document."""

    label_counts: Counter[str]  # label -> spans in the export
    overlaps: Counter[tuple[str, str]]  # label pairs (sorted) whose spans overlap, with how often


@dataclass
class ExportContext:
    """What a writer needs besides the documents."""

    scheme: Scheme
    entities: Sequence[EntityEntry] = ()
    annotators: Sequence[str] = ()
    agreement: Mapping[str, Any] | None = None
    strict: bool = False
    labels: Sequence[str] | None = None  # the --labels filter (already applied to the docs)
    splits: Mapping[str, str] | None = None  # document id -> train/dev/test; None: no split
    layer: str = Layer.GOLD
    lang: str = "en"
    # document id -> its pending suggestions (Label Studio "predictions"); empty unless asked
    predictions: Mapping[str, DocData] = field(default_factory=dict)
    # annotator -> document id -> that annotator's layer (Label Studio: one annotation each)
    other_layers: Mapping[str, Mapping[str, DocData]] = field(default_factory=dict)
    stats: CorpusStats | None = None  # precomputed by the exporter for NEEDS_STATS writers
    # span attribute names in the export; precomputed for NEEDS_ATTRIBUTE_KEYS writers
    attribute_keys: frozenset[str] | None = None
    _by_name: dict[str, EntityEntry] = field(default_factory=dict, init=False, repr=False)

    def split_of(self, doc: DocData) -> str:
        if self.splits is None:
            return ALL
        return self.splits.get(doc.id, "train")

    def label_names(self) -> tuple[str, ...]:
        """Scheme labels in scheme order, restricted to the --labels filter."""
        names = self.scheme.label_names
        if self.labels:
            wanted = set(self.labels)
            names = tuple(n for n in names if n in wanted)
        return names

    def entity(self, name: str | None) -> EntityEntry | None:
        if name is None:
            return None
        if not self._by_name and self.entities:
            self._by_name = {e.name: e for e in self.entities}
        return self._by_name.get(name)


def _table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    out = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return out


@dataclass
class ExportSummary:
    """Counts of what an export wrote and of everything it changed or left out, with reasons."""

    fmt: str
    layer: str = Layer.GOLD
    documents: Counter[str] = field(default_factory=Counter)  # split -> documents
    spans: dict[str, Counter[str]] = field(default_factory=dict)  # split -> label -> spans
    relations: Counter[str] = field(default_factory=Counter)  # relation label -> exported
    expanded: Counter[str] = field(default_factory=Counter)  # label -> spans widened to tokens
    dropped: Counter[str] = field(default_factory=Counter)  # label -> spans left out (strict)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> count
    merged: Counter[str] = field(default_factory=Counter)  # reason -> count
    notes: list[str] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)
    agreement: Mapping[str, Any] | None = None
    annotated_empty: int = 0  # documents annotated with no span (negative examples)
    unannotated: int = 0  # documents nobody annotated (--include-unannotated)

    def _document_kinds(self) -> str:
        parts = []
        if self.annotated_empty:
            parts.append(f"{self.annotated_empty} annotated with no span")
        if self.unannotated:
            parts.append(f"{self.unannotated} not annotated by anyone (--include-unannotated)")
        return f" Documents: {'; '.join(parts)}." if parts else ""

    def add_doc(self, split: str) -> None:
        self.documents[split] += 1
        self.spans.setdefault(split, Counter())

    def add_span(self, split: str, label: str, n: int = 1) -> None:
        self.spans.setdefault(split, Counter())[label] += n

    def skip(self, reason: str, n: int = 1) -> None:
        if n:
            self.skipped[reason] += n

    def merge(self, reason: str, n: int = 1) -> None:
        if n:
            self.merged[reason] += n

    @property
    def total_documents(self) -> int:
        return sum(self.documents.values())

    @property
    def total_spans(self) -> int:
        return sum(sum(c.values()) for c in self.spans.values())

    def label_totals(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.spans.values():
            total.update(counts)
        return total

    def _splits(self) -> list[str]:
        order = [s for s in (*SPLIT_NAMES, ALL) if s in self.documents or s in self.spans]
        return order + sorted((set(self.documents) | set(self.spans)) - set(order))

    def _changes(self) -> list[str]:
        lines = [
            f"{n} {label} span(s) expanded to token boundaries"
            for label, n in sorted(self.expanded.items())
        ]
        lines += [
            f"{n} {label} span(s) dropped: not on token boundaries (--strict)"
            for label, n in sorted(self.dropped.items())
        ]
        lines += [f"{n} merged: {reason}" for reason, n in sorted(self.merged.items())]
        lines += [f"{n} skipped: {reason}" for reason, n in sorted(self.skipped.items())]
        return lines

    def to_markdown(self) -> str:
        splits = self._splits()
        labels = sorted(self.label_totals())
        out = [f"# Export ({self.fmt}, layer {self.layer})", ""]
        out.append(
            f"{count_of(self.total_documents, 'document')}, {self.total_spans} spans, "
            f"{sum(self.relations.values())} relations.{self._document_kinds()}"
        )
        out.append("")
        rows: list[list[object]] = [["documents", *(self.documents[s] for s in splits)]]
        rows += [[lab, *(self.spans.get(s, Counter())[lab] for s in splits)] for lab in labels]
        out += _table(["", *splits], rows)
        if self.relations:
            out += ["", *_table(["relation", "count"], sorted(self.relations.items()))]
        out += ["", "## Annotators", "", ", ".join(self.annotators) or "(not recorded)"]
        if self.agreement:
            out += ["", "## Agreement", ""]
            out += _table(["measure", "value"], [[k, v] for k, v in self.agreement.items()])
        changes = self._changes()
        out += ["", "## Changed or left out", ""]
        out += [f"- {line}" for line in changes] if changes else ["Nothing."]
        if self.notes:
            out += ["", "## Notes", "", *(f"- {n}" for n in self.notes)]
        if self.files:
            out += ["", "## Files", "", *(f"- `{f}`" for f in self.files)]
        return "\n".join(out) + "\n"

    def to_text(self) -> str:
        splits = self._splits()
        parts = [f"{s}: {count_of(self.documents[s], 'doc')}" for s in splits]
        head = (
            f"Exported {count_of(self.total_documents, 'document')} ({', '.join(parts)}), "
            f"{self.total_spans} spans, {sum(self.relations.values())} relations "
            f"as {self.fmt} from layer {self.layer}.{self._document_kinds()}"
        )
        out = [head]
        totals = self.label_totals()
        if totals:
            out.append("Spans: " + ", ".join(f"{k} {v}" for k, v in sorted(totals.items())))
        out += self._changes()
        out += self.notes
        return "\n".join(out)


class Writer(Protocol):
    def write(self, docs: Iterable[DocData], out: Path, ctx: ExportContext) -> ExportSummary: ...


def split_names(ctx: ExportContext) -> tuple[str, ...]:
    """The splits a writer opens files for: ``("all",)`` without a split, else train/dev/test."""
    return (ALL,) if ctx.splits is None else SPLIT_NAMES


def corpus_stats(
    docs: Iterable[DocData], ctx: ExportContext
) -> tuple[Iterable[DocData], CorpusStats]:
    """``ctx.stats`` when the exporter computed them, else computed from ``docs`` (which are
    then returned as a list, so the caller can still iterate them)."""
    if ctx.stats is not None:
        return docs, ctx.stats
    from annotator.formats.span_geometry import overlapping_label_pairs

    listed = list(docs)
    labels: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    for doc in listed:
        labels.update(s.label for s in doc.spans)
        pairs.update(overlapping_label_pairs(doc.spans))
    return listed, CorpusStats(labels, pairs)


def attribute_keys(
    docs: Iterable[DocData], ctx: ExportContext
) -> tuple[Iterable[DocData], frozenset[str]]:
    """The attribute names found on the exported spans: ``ctx.attribute_keys`` when the exporter
    gathered them (for a module with ``NEEDS_ATTRIBUTE_KEYS = True``), else from ``docs`` (then
    returned as a list, so the caller can still iterate them)."""
    if ctx.attribute_keys is not None:
        return docs, ctx.attribute_keys
    listed = list(docs)
    return listed, frozenset(k for doc in listed for s in doc.spans for k in s.attrs)


def writer_module(fmt: str) -> ModuleType:
    module = registry.writer_module(fmt)
    if module is None:
        known = ", ".join(sorted(registry.writer_names()))
        raise ExportFailed(f"unknown export format '{fmt}' (known: {known})")
    return module


def new_summary(fmt: str, ctx: ExportContext) -> ExportSummary:
    return ExportSummary(
        fmt=fmt, layer=ctx.layer, annotators=list(ctx.annotators), agreement=ctx.agreement
    )
