"""Export a layer of a project in a training-ready or analysis format (``annotator export``).

In one session: gathers what the split and the writer need up front (document ids and label
sets from the span columns), splits documents (``annotator.transfer.splits``, texts streamed),
then streams the layer in document batches through the label filter into the writer
(``annotator.formats.writing``), which writes into a temporary sibling of OUT; only then is it
renamed into place, so a failed export leaves neither a half-written OUT nor a damaged earlier
export. A folder export also gets the summary as
``README.md``.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import uuid
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy.orm import Session

from annotator.cancel import Progress, quiet
from annotator.errors import ExportFailed
from annotator.formats.registry import Output, format_spec
from annotator.formats.writing import (
    CorpusStats,
    EntityEntry,
    ExportContext,
    ExportSummary,
    writer_module,
)
from annotator.project import Project
from annotator.values import DocData, RelationData, SpanData
from annotator.vocabulary import Layer
from annotator.wording import count_of

if TYPE_CHECKING:
    from annotator.transfer.splits import SplitPlan

DEFAULT_TRAINING_SPLIT = (80, 10, 10)
# formats that carry suggestions and the other annotators' layers beside the exported layer
WITH_PREDICTIONS = frozenset({"labelstudio"})
_README_MARK = "# Export ("
_STEPS = 3  # read the layer, write to a temporary sibling, put it in place


def filter_labels(
    docs: Sequence[DocData], labels: Sequence[str]
) -> tuple[list[DocData], dict[str, int]]:
    """Keep only spans of ``labels`` and the relations between kept spans; count the rest."""
    left_out: dict[str, int] = {}
    return list(iter_filter_labels(docs, labels, left_out)), left_out


def iter_filter_labels(
    docs: Iterable[DocData], labels: Sequence[str], left_out: dict[str, int]
) -> Iterator[DocData]:
    """``filter_labels`` as documents come, counting what is left out into ``left_out``."""
    wanted = set(labels)
    for doc in docs:
        spans = tuple(s for s in doc.spans if s.label in wanted)
        if len(spans) == len(doc.spans):
            yield doc
            continue
        for s in doc.spans:
            if s.label not in wanted:
                key = f"{s.label} span (label not in --labels)"
                left_out[key] = left_out.get(key, 0) + 1
        kept = {s.id for s in spans}
        rels = tuple(r for r in doc.relations if r.head in kept and r.tail in kept)
        for r in doc.relations:
            if r.head not in kept or r.tail not in kept:
                key = f"{r.label} relation (one end's label not in --labels)"
                left_out[key] = left_out.get(key, 0) + 1
        yield replace(doc, spans=spans, relations=rels)


def _attrs_key(attrs: Any) -> str:
    return json.dumps(dict(attrs), sort_keys=True, default=str) if attrs else "{}"


def canonical_ids(doc: DocData) -> DocData:
    """Spans in text order renamed ``s1, s2, ...``, relations ``r1, ...`` in (head, tail, label)
    order. Database ids differ between projects holding the same annotations; canonical ids make
    an export depend on the annotations only (export, import elsewhere, export: same bytes).
    (``annotator.layers.iter_layer(canonical=True)`` builds the same while reading.)"""
    old = doc.spans
    order = sorted(
        range(len(old)),
        key=lambda i: (
            old[i].start,
            old[i].end,
            old[i].label,
            _attrs_key(old[i].attrs),
            old[i].entity or "",
            old[i].entity_type or "",
            i,
        ),
    )
    new_id: dict[str, str] = {}
    spans = []
    for k, i in enumerate(order, start=1):
        s = old[i]
        new_id[s.id] = name = f"s{k}"
        spans.append(SpanData(name, s.start, s.end, s.label, s.attrs, s.entity, s.entity_type))
    rank = {f"s{k}": k for k in range(1, len(order) + 1)}
    rels = sorted(
        ((new_id.get(r.head, r.head), new_id.get(r.tail, r.tail), r.label) for r in doc.relations),
        key=lambda r: (rank.get(r[0], 0), rank.get(r[1], 0), r[2]),
    )
    relations = tuple(
        RelationData(f"r{k}", label, head, tail) for k, (head, tail, label) in enumerate(rels, 1)
    )
    return replace(doc, spans=tuple(spans), relations=relations)


def _agreement(
    layers: dict[str, list[DocData]], project_path: Path | None = None
) -> dict[str, Any] | None:
    """Headline agreement over the documents two or more annotators did (only those: the
    measures need them, and tokenising the whole corpus would slow every export down)."""
    seen: dict[str, int] = {}
    for docs in layers.values():
        for doc in docs:
            seen[doc.id] = seen.get(doc.id, 0) + 1
    shared = {doc_id for doc_id, n in seen.items() if n >= 2}
    if not shared:
        return None
    from annotator.agreement.report import agreement_report
    from annotator.agreement.tokens import stored_tokens

    subset = {name: [d for d in docs if d.id in shared] for name, docs in layers.items()}
    try:
        with stored_tokens(project_path) if project_path else contextlib.nullcontext():
            report = agreement_report({name: docs for name, docs in subset.items() if docs})
    except Exception as exc:  # an optional summary line must not stop the export
        return {"not computed": type(exc).__name__}
    return _headline(report)


def _stored_agreement(
    session: Session, names: Sequence[str], project_path: Path | None = None
) -> dict[str, Any] | None:
    """``_agreement`` of the stored layers ``names``, read from the database one batch of
    documents at a time (memory does not grow with the corpus)."""
    from annotator.agreement.streaming import labels_in, project_agreement, shared_documents
    from annotator.agreement.tokens import stored_tokens

    active, shared = shared_documents(session, names)
    if not len(shared):
        return None
    try:
        with stored_tokens(project_path) if project_path else contextlib.nullcontext():
            labels = labels_in(session, active, shared)
            report = project_agreement(session, active, labels, documents=shared)
    except Exception as exc:  # an optional summary line must not stop the export
        return {"not computed": type(exc).__name__}
    return _headline(report)


def _headline(report: Any) -> dict[str, Any]:
    """The summary's agreement line: documents and the overall figures of ``report``."""
    out: dict[str, Any] = {"documents annotated by 2+": report.documents}
    for key, value in report.overall.items():
        out[key] = "n/a" if isinstance(value, float) and math.isnan(value) else round(value, 3)
    return out


@dataclass
class _Source:
    """Where the exported documents come from: a stored layer streamed in document batches
    (``doc_ids``), or documents already built in memory (majority, suggestions)."""

    layer: str
    doc_ids: list[int] = field(default_factory=list)
    docs: list[DocData] | None = None
    entities: list[EntityEntry] = field(default_factory=list)
    annotators: list[str] = field(default_factory=list)
    agreement: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    ties: list[str] = field(default_factory=list)  # majority: one line per tie left out

    @property
    def empty(self) -> bool:
        return not self.docs if self.docs is not None else not self.doc_ids

    def documents(self, session: Session) -> Iterator[DocData]:
        if self.docs is not None:
            return (canonical_ids(doc) for doc in self.docs)
        from annotator.layers import iter_layer

        return iter_layer(session, self.layer, self.doc_ids, canonical=True)


class _Counted:
    """Counts annotated-empty and unannotated documents as they stream past; documents of a
    stored layer are annotated (``annotated=True``) unless they say otherwise."""

    def __init__(self) -> None:
        self.annotated_empty = 0
        self.unannotated = 0

    def watch(self, docs: Iterable[DocData]) -> Iterator[DocData]:
        for doc in docs:
            if doc.annotated is None:
                doc = replace(doc, annotated=True)
            if doc.annotated is False:
                self.unannotated += 1
            elif not doc.spans:
                self.annotated_empty += 1
            yield doc


class _SideLayers:
    """The other annotators' layers and the pending suggestions of the documents being
    exported (Label Studio writes them in the same tasks), read one batch of documents at a
    time as the exported layer streams past: ``others`` and ``predictions`` always hold the
    current batch's documents (by external id), so memory does not grow with the corpus."""

    def __init__(self, session: Session, names: Sequence[str]) -> None:
        from storage.repository.spans import documents_in_layer

        self.session = session
        self.covered = {name: documents_in_layer(session, name) for name in names}
        self.others: dict[str, dict[str, DocData]] = {name: {} for name in names}
        self.predictions: dict[str, DocData] = {}
        self._db_ids: dict[str, int] | None = None  # external id -> database id, if needed

    def follow(self, docs: Iterable[DocData]) -> Iterator[DocData]:
        """``docs`` as they come, the side layers of each batch read before it is handed on."""
        from annotator.layers import BATCH

        batch: list[DocData] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= BATCH:
                self._load(batch)
                yield from batch
                batch = []
        if batch:
            self._load(batch)
            yield from batch

    def _db_id(self, doc: DocData) -> int:
        db_id = doc.meta.get("doc_id")
        if isinstance(db_id, int):
            return db_id
        if self._db_ids is None:
            from storage.repository.documents import external_ids

            self._db_ids = external_ids(self.session)
        return self._db_ids[doc.id]

    def _load(self, batch: Sequence[DocData]) -> None:
        from annotator.layers import iter_layer, load_layer

        ids = sorted({self._db_id(doc) for doc in batch})
        for name, docs in self.others.items():
            docs.clear()
            covered = self.covered[name]
            mine = [i for i in ids if i in covered]
            if mine:
                docs.update((d.id, d) for d in iter_layer(self.session, name, mine, canonical=True))
        self.predictions.clear()
        self.predictions.update(
            (d.id, canonical_ids(d))
            for d in load_layer(self.session, Layer.SUGGESTIONS, doc_ids=ids)
        )


def _source(session: Session, project: Project, layer: str) -> _Source:
    from annotator.layers import annotator_names, layer_documents, layers_with_spans
    from annotator.services import list_entities

    names = annotator_names(session)
    known = set(names) | set(layers_with_spans(session)) | set(Layer)
    if layer not in known:
        raise ExportFailed(
            f"no layer '{layer}' in the project (layers: "
            f"{', '.join(sorted(known - {Layer.MAJORITY}) + [Layer.MAJORITY])})",
            path=str(project.path),
        )
    source = _Source(layer, annotators=names)
    if layer == Layer.MAJORITY:
        from annotator.agreement.majority import majority_layer
        from annotator.layers import load_layer

        human = {n: load_layer(session, n) for n in names}
        if not human:
            raise ExportFailed(
                "the majority layer needs annotators' layers; there are none",
                path=str(project.path),
            )
        source.docs, source.ties = majority_layer(human)
        source.agreement = _agreement(human, None if project.is_server else project.path)
    elif layer == Layer.SUGGESTIONS:
        from annotator.layers import load_layer

        source.docs = load_layer(session, layer)
    else:
        source.doc_ids = layer_documents(session, layer)
        if layer == Layer.GOLD:
            source.agreement = _stored_agreement(
                session, names, None if project.is_server else project.path
            )
    source.entities = [
        EntityEntry(
            e.name,
            e.type or None,
            tuple(e.aliases),
            e.external_id,
            e.mention_count,
            e.document_count,
        )
        for e in list_entities(session)
    ]
    return source


def _prepass(
    session: Session, source: _Source, labels: Sequence[str] | None, stats: bool, sets: bool
) -> tuple[list[str], list[Any], CorpusStats | None]:
    """With ``sets`` (for a split), document ids (external) and the label set of each, in
    export order; with ``stats``, the label counts and overlapping label pairs; from the span
    columns only (no text)."""
    from annotator.formats.span_geometry import overlapping_label_pairs

    wanted = set(labels) if labels else None
    label_counts: Counter[str] = Counter()
    pairs: Counter[tuple[str, str]] = Counter()
    if source.docs is not None:
        ids = [d.id for d in source.docs]
        mem_sets: list[Any] = []
        for doc in source.docs:
            spans = [s for s in doc.spans if wanted is None or s.label in wanted]
            mem_sets.append({s.label for s in spans})
            if stats:
                label_counts.update(s.label for s in spans)
                pairs.update(overlapping_label_pairs(spans))
        return ids, mem_sets, CorpusStats(label_counts, pairs) if stats else None
    from bisect import bisect_left

    from annotator.values import SpanData
    from storage.repository.documents import external_ids_of
    from storage.repository.spans import iter_layer_geometry

    doc_ids = source.doc_ids  # sorted, as the geometry rows are
    interned: dict[frozenset[str], frozenset[str]] = {}  # few distinct label sets: shared
    empty: frozenset[str] = frozenset()
    label_sets: list[Any] = [empty] * len(doc_ids) if sets else []
    current: int | None = None
    found: set[str] = set()
    geometry: list[SpanData] = []

    def flush() -> None:
        if current is None:
            return
        if stats:
            pairs.update(overlapping_label_pairs(geometry))
        if sets:
            key = frozenset(found)
            label_sets[bisect_left(doc_ids, current)] = interned.setdefault(key, key)

    for doc_id, start, end, label in iter_layer_geometry(session, source.layer):
        if wanted is not None and label not in wanted:
            continue
        if doc_id != current:
            flush()
            pos = bisect_left(doc_ids, doc_id)
            if pos == len(doc_ids) or doc_ids[pos] != doc_id:
                current = None
                continue
            current, found, geometry = doc_id, set(), []
        elif current is None:
            continue
        found.add(label)
        if stats:
            label_counts[label] += 1
            geometry.append(SpanData("", start, end, label))
    flush()
    ids = external_ids_of(session, doc_ids) if sets else []
    return ids, label_sets, CorpusStats(label_counts, pairs) if stats else None


def _attribute_keys(
    session: Session, source: _Source, labels: Sequence[str] | None
) -> frozenset[str]:
    """The attribute names on the spans the export will write (after the label filter)."""
    wanted = set(labels) if labels else None
    if source.docs is not None:
        return frozenset(
            key
            for doc in source.docs
            for s in doc.spans
            if wanted is None or s.label in wanted
            for key in s.attrs
        )
    from storage.repository.spans import layer_attribute_keys

    pairs = layer_attribute_keys(session, source.layer)
    return frozenset(key for label, key in pairs if wanted is None or label in wanted)


def release_freed_memory() -> None:
    """Give the memory freed by the planning pass (split signatures, shingles, label sets) back
    to the system before the writer starts, so the peak of an export is the larger of the two
    passes and not their sum: glibc keeps freed heap pages mapped otherwise. Nothing on other C
    libraries."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    try:
        trim = ctypes.CDLL(None).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl has no malloc_trim)
        return
    trim(0)


def _looks_like_export(path: Path) -> bool:
    readme = path / "README.md"
    try:
        text = readme.read_text("utf-8") if readme.is_file() else ""
        if text.startswith("---\n") and "\n---\n" in text[3:]:  # a dataset card's front matter
            text = text[text.index("\n---\n", 3) + 5 :].lstrip()
        return text.startswith(_README_MARK)
    except (OSError, UnicodeDecodeError):
        return False


def _same_format(path: Path, fmt: str) -> bool:
    """``path`` reads as a file of format ``fmt`` (an earlier export of the same kind)."""
    if not fmt:
        return False
    from annotator.errors import AnnotatorError
    from annotator.formats.reading import detect_format, read_documents

    try:
        if detect_format(path) != fmt:
            return False
        next(iter(read_documents(path, fmt)), None)  # it reads as that format
    except (AnnotatorError, OSError, ValueError):
        return False
    return True


def writes_one_file(fmt: str, split: tuple[int, int, int] | None = None) -> bool:
    """Whether exporting as ``fmt`` (with ``split``) writes one file rather than a folder."""
    spec = format_spec(fmt)
    return spec is not None and spec.output is Output.FILE and split is None


def replaces_an_export(out: Path, fmt: str, split: tuple[int, int, int] | None = None) -> bool:
    """Whether exporting as ``fmt`` (with ``split``) to ``out`` would replace a folder holding
    an earlier export, which it does only with ``overwrite`` (the export dialog asks)."""
    return (
        not writes_one_file(fmt, split)
        and out.is_dir()
        and any(out.iterdir())
        and _looks_like_export(out)
    )


def _check_target(out: Path, folder: bool, overwrite: bool = False, fmt: str = "") -> None:
    """Refuse a target the export must not replace: a file where a folder goes (or the other
    way round), a folder holding something other than an earlier export, a folder holding an
    earlier export unless ``overwrite`` (a folder of training splits replaced unasked loses
    the splits a model was trained on), or an existing file unless ``overwrite`` or it reads
    as an earlier export in the same format ``fmt`` (so that re-running an export replaces its
    own one file)."""
    if out.parent.exists() and not out.parent.is_dir():
        raise ExportFailed("its parent is a file, not a folder", path=str(out))
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportFailed(
            f"cannot create its folder: {exc.strerror or exc}", path=str(out)
        ) from None
    if not out.exists():
        return
    if folder:
        if out.is_file():
            raise ExportFailed(
                "this is a file; a folder export needs a new or empty folder", path=str(out)
            )
        if not any(out.iterdir()):
            return
        if not _looks_like_export(out):
            raise ExportFailed(
                "the folder is not empty and holds no earlier export; choose a new folder",
                path=str(out),
            )
        if not overwrite:
            raise ExportFailed(
                "the folder holds an earlier export; choose a new folder or pass --force to "
                "replace it (nothing was written)",
                path=str(out),
            )
    elif out.is_dir():
        raise ExportFailed(
            "this is a folder; this export writes one file (or pass --split)", path=str(out)
        )
    elif not overwrite and not _same_format(out, fmt):
        raise ExportFailed(
            "already exists; choose another name or pass --force to replace it "
            "(nothing was written)",
            path=str(out),
        )


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


# .NAME.tmp-PID-HEX (and a SQLite journal of it: -wal, -shm, -journal)
_OURS = re.compile(
    r"^\.(?P<name>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]{8}(?P<journal>-wal|-shm|-journal)?$"
)


def temp_sibling(out: Path, kind: str = "tmp") -> Path:
    """A hidden sibling of ``out`` named after this process, so a later run can tell a
    leftover of a killed run (its process is gone) from a run in progress."""
    return out.with_name(f".{out.name}.{kind}-{os.getpid()}-{uuid.uuid4().hex[:8]}")


def clean_leftovers(out: Path) -> list[str]:
    """Remove temporary siblings of ``out`` left by killed runs; put back an earlier export a
    run was killed while replacing (when ``out`` is missing). Returns what was done."""
    done: list[str] = []
    try:
        siblings = list(out.parent.iterdir())
    except OSError:
        return done
    for sib in sorted(siblings):
        m = _OURS.match(sib.name)
        if m is None or m["name"] != out.name or _pid_alive(int(m["pid"])):
            continue
        if m["kind"] == "old" and not m["journal"] and not out.exists():
            os.replace(sib, out)
            done.append(f"restored {out.name} from an interrupted earlier run")
        else:
            _remove(sib)
            done.append(f"removed {sib.name} left by an interrupted run")
    return done


def _place(tmp: Path, out: Path) -> None:
    """Move ``tmp`` to ``out``, replacing an earlier export there only once ``tmp`` is complete.

    A file replaces a file in one atomic rename. A folder cannot replace a folder in one rename:
    the earlier one is first renamed aside; if the run is killed between the two renames, the
    next run puts it back (:func:`clean_leftovers`)."""
    if not out.exists() or (tmp.is_file() and out.is_file()):
        os.replace(tmp, out)
        return
    old = temp_sibling(out, "old")
    os.replace(out, old)
    try:
        os.replace(tmp, out)
    except OSError:
        os.replace(old, out)
        raise
    _remove(old)


def export_documents(  # noqa: C901 - plan, stream, place: one transaction, one place
    project: Project,
    out: Path,
    fmt: str,
    layer: str = Layer.GOLD,
    split: tuple[int, int, int] | None = None,
    seed: int = 0,
    labels: list[str] | None = None,
    strict: bool = False,
    include_unannotated: bool = False,
    progress: Progress | None = None,
    overwrite: bool = False,
) -> ExportSummary:
    """Export ``layer`` of ``project`` to ``out`` as ``fmt``; return what was written.


    The layer's documents include those its annotator marked done with no span (annotated-empty,
    the negative examples of training data); ``include_unannotated`` adds the documents no layer
    covers, marked ``annotated=False`` (formats that can tell write them as unannotated).
    ``progress`` hears of the three steps (plan, write, put in place) and is checked between
    them; a cancel leaves ``out`` as it was.
    An existing file ``out`` is replaced only with ``overwrite`` (or when it is an earlier export
    in the same format); a folder ``out`` when it is empty, or with ``overwrite`` when it holds
    an earlier export (its ``README.md`` says so), never when it holds anything else.
    The layer is streamed: documents are read in batches and written as they come, so memory
    does not grow with the corpus. Only what the split and the writer need up front (document
    ids, label sets, label counts and overlaps) is gathered first, from the span columns."""
    module = writer_module(fmt)
    out = Path(out)
    if labels:
        unknown = [lab for lab in labels if project.scheme.label(lab) is None]
        if unknown:
            raise ExportFailed(
                f"unknown label(s) in --labels: {', '.join(unknown)} (scheme has "
                f"{', '.join(project.scheme.label_names)})"
            )
    spec = format_spec(fmt)
    output = spec.output if spec else Output.FOLDER
    folder = output is not Output.FILE or split is not None
    cleaned = clean_leftovers(out)  # first: may put back an export a killed run moved aside
    _check_target(out, folder, overwrite, fmt)
    progress = progress or quiet()
    progress.report(0, _STEPS)
    with project.session() as session:
        source = _source(session, project, layer)
        if include_unannotated:  # opt-in: the layer and the documents nobody annotated, in memory
            from annotator.layers import unannotated_documents

            layer_docs = list(source.documents(session)) if not source.empty else []
            source.docs = [
                *(replace(d, annotated=True) for d in layer_docs),
                *(canonical_ids(d) for d in unannotated_documents(session)),
            ]
            source.doc_ids = []
        if source.empty:
            raise ExportFailed(
                f"layer '{layer}' has no documents; nothing was exported", path=str(project.path)
            )
        notes = list(source.notes)
        if split is None and output is Output.SPLIT:
            split = DEFAULT_TRAINING_SPLIT
            notes.append("no --split given: used 80,10,10")
        stats = None
        splits = None
        needs_stats = bool(getattr(module, "NEEDS_STATS", False))
        if split is not None or needs_stats:
            ids, label_sets, stats = _prepass(
                session, source, labels, needs_stats, split is not None
            )
            if split is not None:
                plan = _plan(session, source, ids, label_sets, split, seed)
                splits = plan.assignment
                notes.append(
                    f"split {','.join(map(str, split))} by document, seed {seed}, stratified "
                    "by label, duplicates kept together"
                )
                notes += plan.notes
            del ids, label_sets
            release_freed_memory()
        attribute_keys = None
        if getattr(module, "NEEDS_ATTRIBUTE_KEYS", False):
            attribute_keys = _attribute_keys(session, source, labels)
        side = None
        if fmt in WITH_PREDICTIONS and layer != Layer.SUGGESTIONS:
            # every annotator's annotation beside the exported one, and the suggestions
            side = _SideLayers(session, [n for n in source.annotators if n != layer])
        ctx = ExportContext(
            predictions=side.predictions if side else {},
            other_layers=side.others if side else {},
            scheme=project.scheme,
            entities=source.entities,
            annotators=source.annotators,
            agreement=source.agreement,
            strict=strict,
            labels=labels,
            splits=splits,
            layer=layer,
            stats=stats,
            attribute_keys=attribute_keys,
        )
        progress.report(1, _STEPS)
        progress.check()
        left_out: dict[str, int] = {}
        counted = _Counted()
        docs: Iterable[DocData] = counted.watch(source.documents(session))
        if labels:
            docs = iter_filter_labels(docs, labels, left_out)
        if side is not None:
            docs = side.follow(docs)
        tmp = temp_sibling(out)
        try:
            summary: ExportSummary = module.write(docs, tmp, ctx)
            summary.notes += cleaned
            progress.report(2, _STEPS)
            progress.check()
            for reason, n in left_out.items():
                summary.skip(reason, n)
            summary.annotated_empty = counted.annotated_empty
            summary.unannotated = counted.unannotated
            ties = _ties_note(source.ties, listed=tmp.is_dir())
            summary.notes = ties + notes + summary.notes
            if tmp.is_dir():
                summary.files.append("README.md")
                card = tmp / "README.md"  # a writer's dataset card keeps its front matter first
                front = card.read_text("utf-8").rstrip() + "\n\n" if card.exists() else ""
                card.write_text(
                    front + summary.to_markdown() + _ties_section(source.ties), encoding="utf-8"
                )
            _place(tmp, out)
            progress.report(_STEPS, _STEPS)
        except OSError as exc:
            _remove(tmp)
            raise ExportFailed(
                f"cannot write the export: {exc.strerror or exc}", path=str(out)
            ) from None
        except BaseException:
            _remove(tmp)
            raise
    return summary


TIES_SHOWN = 3  # documents named in the one-line note on majority ties


def _ties_note(ties: Sequence[str], *, listed: bool) -> list[str]:
    """The majority ties left out as one short line: how many, in which documents (the first
    few), and where each is listed (the README of a folder export)."""
    if not ties:
        return []
    docs = list(dict.fromkeys(t.split(": ", 1)[0] for t in ties))
    shown = ", ".join(docs[:TIES_SHOWN]) + (", …" if len(docs) > TIES_SHOWN else "")
    where = (
        "each listed in README.md"
        if listed
        else "a folder export (e.g. with a split) lists each in its README.md"
    )
    return [
        f"{count_of(len(ties), 'majority tie')} left out, in "
        f"{count_of(len(docs), 'document')} ({shown}); {where}"
    ]


def _ties_section(ties: Sequence[str]) -> str:
    """Every majority tie left out, one per line, for the README."""
    if not ties:
        return ""
    return "\n## Majority ties left out\n\n" + "".join(f"- {t}\n" for t in ties)


def _plan(
    session: Session,
    source: _Source,
    ids: list[str],
    label_sets: list[Any],
    split: tuple[int, int, int],
    seed: int,
) -> SplitPlan:
    from annotator.transfer.splits import plan_split

    if source.docs is not None:
        docs = source.docs
        return plan_split(
            ids,
            label_sets,
            (d.text for d in docs),
            split,
            seed,
            text_of=lambda i: docs[i].text,
        )
    from storage.repository.documents import document_texts

    doc_ids = source.doc_ids

    def text_of(i: int) -> str:
        return next(document_texts(session, [doc_ids[i]]))[1]

    texts = (text for _id, text in document_texts(session, doc_ids))
    return plan_split(ids, label_sets, texts, split, seed, text_of=text_of)
