"""Importing documents and annotations into a project: atomic, idempotent and fast.

Files are streamed: documents are read, checked and inserted in batches of ``BATCH`` inside one
transaction, so memory does not grow with the file; the first bad document stops the import and
the transaction is rolled back, so nothing is written (all or nothing). The same text twice is
one document; the same annotation twice (same start, end and label in the same layer) is one
span, across batches too. With a label map (or a foreign label to report), the documents are
gathered first, as before.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import AnnotatorError, ImportFailed, ValidationError
from annotator.project import Project
from annotator.settings import current_user
from annotator.validation import validate_doc
from annotator.values import DocData
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]


class ImportCancelled(AnnotatorError):
    code = "E121"


@dataclass
class ImportReport:
    documents_read: int = 0
    documents_new: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_existing: int = 0
    relations_added: int = 0
    relations_existing: int = 0
    suggestions_added: int = 0
    entities_added: int = 0
    renamed_ids: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    layers: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        out = [
            f"documents: {self.documents_read} read, {self.documents_new} new, "
            f"{self.documents_existing} already in the project",
            f"spans: {self.spans_added} added, {self.spans_existing} already there",
            f"relations: {self.relations_added} added, {self.relations_existing} already there",
        ]
        if self.suggestions_added:
            out.append(f"suggestions: {self.suggestions_added} added")
        if self.entities_added:
            out.append(f"actors: {self.entities_added} added to the registry")
        if self.layers:
            out.append(
                "layers: "
                + ", ".join(f"{k} ({v} documents)" for k, v in sorted(self.layers.items()))
            )
        if self.renamed_ids:
            out.append(f"ids already used by another text, renamed: {len(self.renamed_ids)}")
        out.extend(self.notes)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "documents_read": self.documents_read,
            "documents_new": self.documents_new,
            "documents_existing": self.documents_existing,
            "spans_added": self.spans_added,
            "spans_existing": self.spans_existing,
            "relations_added": self.relations_added,
            "relations_existing": self.relations_existing,
            "suggestions_added": self.suggestions_added,
            "entities_added": self.entities_added,
            "notes": list(self.notes),
        }


@contextmanager
def _bulk_allocation() -> Iterator[None]:
    """Pause the cyclic garbage collector while hundreds of thousands of small acyclic values
    are created (it would rescan them all many times); reference counting still frees memory."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def read_paths(
    paths: Sequence[Path],
    fmt: str = "auto",
    tsv_feature: str | None = None,
    encoding: str | None = None,
    cancelled: Cancelled | None = None,
    predictions: bool = False,
) -> tuple[list[DocData], list[str]]:
    """Read every document of every path (nothing is written); return docs and reader notes."""
    from annotator.formats.reading import ReadOptions, read_documents

    options = ReadOptions(tsv_feature=tsv_feature, encoding=encoding, predictions=predictions)
    docs: list[DocData] = []
    for path in paths:
        for doc in read_documents(Path(path), fmt, options):
            docs.append(doc)
            if cancelled is not None and len(docs) % 200 == 0 and cancelled():
                raise ImportCancelled("import cancelled; nothing was imported")
    if not docs:
        raise ImportFailed("found no document to import", path=", ".join(str(p) for p in paths))
    return docs, options.report.lines()


def iter_paths(
    paths: Sequence[Path],
    fmt: str = "auto",
    options: Any = None,
    cancelled: Cancelled | None = None,
) -> Iterator[DocData]:
    """``read_paths`` as a stream: documents as the readers yield them."""
    from annotator.formats.reading import read_documents

    n = 0
    for path in paths:
        for doc in read_documents(Path(path), fmt, options):
            n += 1
            if cancelled is not None and n % 200 == 0 and cancelled():
                raise ImportCancelled("import cancelled; nothing was imported")
            yield doc
    if not n:
        raise ImportFailed("found no document to import", path=", ".join(str(p) for p in paths))


def map_labels(
    project: Project,
    docs: list[DocData],
    label_map: Path | None = None,
    skip_unmapped: bool = False,
) -> tuple[list[DocData], list[str]]:
    """Map foreign labels onto the scheme; unknown labels stop the import (listing every one)."""
    from annotator.transfer import label_map as lm

    mapping = lm.load_label_map(label_map) if label_map is not None else {}
    if not mapping and _all_labels_known(project, docs):
        return docs, []
    try:
        mapped, report = lm.apply_label_map(docs, project.scheme, mapping, skip_unmapped)
    except ImportFailed as exc:
        if exc.path is not None:
            raise
        first = _first_unknown(project, docs, mapping)
        raise ImportFailed(
            exc.message,
            path=first.source_path if first else None,
            line=first.source_line if first else None,
        ) from None
    lines = report.lines() if hasattr(report, "lines") else [str(x) for x in report]
    return list(mapped), lines


def _first_unknown(
    project: Project, docs: Iterable[DocData], mapping: Mapping[str, Any]
) -> DocData | None:
    labels = set(project.scheme.label_names) | set(project.scheme.relation_names) | set(mapping)
    for doc in docs:
        if any(sp.label not in labels for sp in doc.spans) or any(
            r.label not in labels for r in doc.relations
        ):
            return doc
    return None


def _all_labels_known(project: Project, docs: Iterable[DocData]) -> bool:
    labels = set(project.scheme.label_names)
    relations = set(project.scheme.relation_names)
    return all(sp.label in labels for d in docs for sp in d.spans) and all(
        r.label in relations for d in docs for r in d.relations
    )


def validate_all(project: Project, docs: Iterable[DocData]) -> None:
    for doc in docs:
        try:
            validate_doc(project.scheme, doc)
        except ValidationError as exc:
            name = f"document '{doc.id}': " if doc.id else ""
            raise ImportFailed(
                f"{name}{exc.message}", path=doc.source_path, line=doc.source_line
            ) from None


def import_paths(
    project: Project,
    paths: Sequence[Path],
    fmt: str = "auto",
    layer: str | None = None,
    as_suggestions: bool = False,
    label_map: Path | None = None,
    skip_unmapped: bool = False,
    tsv_feature: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    from annotator.formats.reading import ReadOptions

    origin = ("import:" + ",".join(Path(p).name for p in paths))[:250]
    with _bulk_allocation():
        if label_map is not None or skip_unmapped:
            docs, notes = read_paths(
                paths, fmt, tsv_feature, encoding, cancelled, predictions=as_suggestions
            )
            docs, map_notes = map_labels(project, docs, label_map, skip_unmapped)
            report = import_documents(
                project,
                docs,
                layer=layer,
                as_suggestions=as_suggestions,
                origin=origin,
                progress=progress,
                cancelled=cancelled,
            )
            report.notes = [*notes, *map_notes, *report.notes]
            return report
        options = ReadOptions(
            tsv_feature=tsv_feature, encoding=encoding, predictions=as_suggestions
        )
        stream = iter_paths(paths, fmt, options, cancelled)
        report = _import(
            project,
            _checked_batches(project, stream),
            None,
            layer,
            as_suggestions,
            origin,
            progress,
            cancelled,
        )
    report.notes = [*options.report.lines(), *report.notes]
    return report


BATCH = 2000  # documents read, checked and inserted at a time


def _checked_batches(project: Project, docs: Iterable[DocData]) -> Iterator[list[DocData]]:
    """Batches of ``docs``, each validated; a foreign label stops the import with the label
    map's message, which lists every unknown label of the rest of the input (the earlier batches
    had none)."""
    it = iter(docs)
    while True:
        batch = list(itertools.islice(it, BATCH))
        if not batch:
            return
        if not _all_labels_known(project, batch):
            batch.extend(it)  # map_labels raises, naming every unknown label
            batch, _notes = map_labels(project, batch)
        validate_all(project, batch)
        yield batch


def import_documents(
    project: Project,
    docs: Sequence[DocData],
    layer: str | None = None,
    as_suggestions: bool = False,
    origin: str = "import",
    progress: Progress | None = None,
    cancelled: Cancelled | None = None,
) -> ImportReport:
    """Validate then insert ``docs`` in one transaction. Raise before writing anything."""
    validate_all(project, docs)
    batches = (list(docs[i : i + BATCH]) for i in range(0, len(docs), BATCH))
    return _import(project, batches, len(docs), layer, as_suggestions, origin, progress, cancelled)


def _import(
    project: Project,
    batches: Iterable[list[DocData]],
    total: int | None,
    layer: str | None,
    as_suggestions: bool,
    origin: str,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> ImportReport:
    """Insert checked batches of documents in one transaction (rolled back on any error)."""
    report = ImportReport()
    default_layer = layer or current_user()
    with project.session() as s:
        state = _State(s, default_layer, layer is not None, origin)
        done = 0
        for batch in batches:
            _import_batch(state, batch, as_suggestions, report)
            done += len(batch)
            del batch
            if not gc.isenabled():  # _bulk_allocation: cycles left by a batch are freed here
                gc.collect(1)
            report.documents_read = done
            if total is not None:
                _tick(progress, cancelled, done, total)
            else:
                _tick(progress, cancelled, done, 0)  # 0: the total is not known while streaming
        report.documents_new = len(state.fresh)
        report.documents_existing = len(state.found)
        # Documents imported into a layer belong to it even without spans.
        pairs = (
            {"document_id": doc_id, "annotator_id": state.ann(name), "status": "done"}
            for name, ids in state.touched.items()
            for doc_id in ids
        )
        while chunk := list(itertools.islice(pairs, 20 * BATCH)):
            ann_repo.add_assignments(s, chunk)
        event_repo.log_event(s, default_layer, "import", None, origin[:64], None, report.as_dict())
        if progress is not None and total is not None:
            progress(total, total)
    return report


class _IdSet:
    """A set of document ids as a bitmap: a bit per id, so an import of any size keeps a few
    kilobytes across its batches, not an object per document."""

    def __init__(self) -> None:
        self.bits = bytearray()
        self.n = 0

    def add(self, i: int) -> bool:
        """Add ``i``; True when it was not there yet."""
        byte, bit = divmod(i, 8)
        if byte >= len(self.bits):
            self.bits.extend(bytes(max(byte + 1 - len(self.bits), len(self.bits))))
        if self.bits[byte] >> bit & 1:
            return False
        self.bits[byte] |= 1 << bit
        self.n += 1
        return True

    def __contains__(self, i: int) -> bool:
        byte, bit = divmod(i, 8)
        return byte < len(self.bits) and bool(self.bits[byte] >> bit & 1)

    def __len__(self) -> int:
        return self.n

    def __iter__(self) -> Iterator[int]:
        for byte, value in enumerate(self.bits):
            if value:
                for bit in range(8):
                    if value >> bit & 1:
                        yield byte * 8 + bit


@dataclass
class _State:
    """What an import keeps across its batches: bits per document, nothing per span (which
    documents and external ids exist is asked of the database, a batch at a time)."""

    s: Any
    default_layer: str
    layer_forced: bool
    origin: str
    fresh: _IdSet = field(default_factory=_IdSet)  # documents this import inserted
    found: _IdSet = field(default_factory=_IdSet)  # documents of the input already there
    touched: dict[str, _IdSet] = field(default_factory=dict)  # layer -> documents imported
    annotator_ids: dict[str, int] = field(default_factory=dict)
    entity_ids: dict[tuple[str, str], int] = field(default_factory=dict)

    def ann(self, name: str) -> int:
        if name not in self.annotator_ids:
            self.annotator_ids[name] = ann_repo.ensure_annotator(self.s, name)
        return self.annotator_ids[name]

    def entity(self, name: str, type_: str, report: ImportReport) -> int:
        key = (name, type_)
        if key not in self.entity_ids:
            found = registry_repo.find_entity(self.s, name, type_)
            if found is None:
                found = registry_repo.add_entity(self.s, name, type_)
                report.entities_added += 1
            self.entity_ids[key] = found
        return self.entity_ids[key]


def _import_batch(
    state: _State, docs: list[DocData], as_suggestions: bool, report: ImportReport
) -> None:
    s = state.s
    doc_key = [text_sha256(doc.text) for doc in docs]  # text hash of each input doc
    known_sha = doc_repo.ids_of_hashes(s, doc_key)  # this batch's texts already stored
    before = set(known_sha.values())  # their spans are in the database
    for doc_id in before:
        if doc_id not in state.fresh:
            state.found.add(doc_id)
    ext_sha = doc_repo.hashes_of_external_ids(
        s, [doc.id or sha[:16] for doc, sha in zip(docs, doc_key, strict=True)]
    )
    new_rows: list[dict[str, Any]] = []
    new_shas: dict[str, None] = {}
    for doc, sha in zip(docs, doc_key, strict=True):
        if sha in known_sha or sha in new_shas:
            continue
        ext = doc.id or sha[:16]
        if ext in ext_sha and ext_sha[ext] != sha:
            ext = f"{ext}@{sha[:8]}"
            report.renamed_ids.append(doc.id)
        ext_sha[ext] = sha
        new_rows.append(_document_row(doc, ext, sha))
        new_shas[sha] = None
    ids = doc_repo.insert_documents(s, new_rows)
    del new_rows
    known_sha.update(zip(new_shas, ids, strict=True))
    for doc_id in ids:
        state.fresh.add(doc_id)
    if as_suggestions:
        from annotator.services import add_suggestions

        for i, doc in enumerate(docs):
            if doc.spans:
                report.suggestions_added += add_suggestions(
                    s, known_sha[doc_key[i]], doc.spans, doc.relations, model=state.origin
                )
        return
    _insert_annotations(state, docs, doc_key, known_sha, before, report)


def _tick(progress: Progress | None, cancelled: Cancelled | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
    if cancelled is not None and cancelled():
        raise ImportCancelled("import cancelled; nothing was imported")


def _document_row(doc: DocData, ext: str, sha: str) -> dict[str, Any]:
    meta = {k: v for k, v in doc.meta.items() if k != "doc_id"}
    published = meta.pop("published", None)
    return {
        "external_id": ext,
        "title": str(meta.pop("title", "") or ""),
        "source": str(meta.pop("source", "") or ""),
        "url": str(meta.pop("url", "") or ""),
        "published": str(published) if published else None,
        "text": doc.text,
        "sha256": sha,
        "meta": meta,
    }


def _insert_annotations(
    state: _State,
    docs: Sequence[DocData],
    doc_key: list[str],
    known_sha: dict[str, int],
    before: set[int],
    report: ImportReport,
) -> None:
    s, origin = state.s, state.origin
    default_layer, layer_forced = state.default_layer, state.layer_forced
    # Existing spans of documents already in the project or in an earlier batch (idempotence).
    existing_docs = {known_sha[k] for k, d in zip(doc_key, docs, strict=True) if d.spans} & before
    existing_spans: dict[tuple[int, str], dict[tuple[int, int, str], int]] = {}
    if existing_docs:
        for rec in span_repo.spans_of(s, doc_ids=existing_docs):
            existing_spans.setdefault((rec.document_id, rec.annotator), {})[
                (rec.start, rec.end, rec.label)
            ] = rec.id
    existing_rels: set[tuple[int, int, str]] = set()
    all_existing = [sid for m in existing_spans.values() for sid in m.values()]
    if all_existing:
        existing_rels = {
            (r.head_id, r.tail_id, r.label) for r in span_repo.relations_of_spans(s, all_existing)
        }

    span_values: list[tuple[Any, ...]] = []
    row_of: dict[tuple[int, str], int] = {}  # (input doc, span id) -> index into span_values
    resolved: dict[tuple[int, str], int] = {}  # (input doc, span id) -> database id
    aliases: dict[tuple[int, str], tuple[int, str]] = {}  # same span twice in one batch
    batch_seen: dict[tuple[int, str], dict[tuple[int, int, str], tuple[int, str]]] = {}
    for i, doc in enumerate(docs):
        if not doc.spans and doc.layer is None:
            continue
        name = default_layer if layer_forced else (doc.layer or default_layer)
        doc_id = known_sha[doc_key[i]]
        if state.touched.setdefault(name, _IdSet()).add(doc_id):
            report.layers[name] += 1
        have = existing_spans.get((doc_id, name), {})
        seen = batch_seen.setdefault((doc_id, name), {})
        ann_id = state.ann(name)
        track = bool(doc.relations)  # span ids are only needed to resolve relations
        for sp in doc.spans:
            key = (sp.start, sp.end, sp.label)
            if key in have:
                if track:
                    resolved[(i, sp.id)] = have[key]
                report.spans_existing += 1
                continue
            first = seen.get(key)
            if first is not None:
                aliases[(i, sp.id)] = first
                report.spans_existing += 1
                continue
            seen[key] = (i, sp.id)
            ent = None
            if sp.entity:
                etype = sp.entity_type or str(sp.attrs.get("type", "") or "")
                ent = state.entity(sp.entity, etype, report)
            if track:
                row_of[(i, sp.id)] = len(span_values)
            span_values.append((doc_id, ann_id, sp.start, sp.end, sp.label, sp.attrs, ent, origin))
    new_ids = span_repo.insert_span_values(s, span_values)
    report.spans_added += len(span_values)
    for ref, row in row_of.items():
        resolved[ref] = new_ids[row]
    for ref, first in aliases.items():
        resolved[ref] = resolved[first]
    rel_rows: list[dict[str, Any]] = []
    for i, doc in enumerate(docs):
        for rel in doc.relations:
            head, tail = resolved.get((i, rel.head)), resolved.get((i, rel.tail))
            if head is None or tail is None:
                continue
            key = (head, tail, rel.label)
            if key in existing_rels:
                report.relations_existing += 1
                continue
            existing_rels.add(key)
            rel_rows.append(
                {"head_id": head, "tail_id": tail, "label": rel.label, "origin": origin}
            )
    span_repo.insert_relations(s, rel_rows)
    report.relations_added += len(rel_rows)
