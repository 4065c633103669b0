"""Importing documents and annotations into a project: atomic, idempotent and fast.

Everything is read and checked before anything is written; then one transaction inserts the new
documents, spans and relations in bulk. The same text twice is one document; the same annotation
twice (same start, end and label in the same layer) is one span.
"""

from __future__ import annotations

import gc
import hashlib
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
from storage import repository as repo

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
    spans_repeated: int = 0  # the same span more than once in the input, imported once
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
            f"spans: {self.spans_added} added, {self.spans_existing} already there"
            + (
                f", {self.spans_repeated} repeated in the input (imported once)"
                if self.spans_repeated
                else ""
            ),
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
            "spans_repeated": self.spans_repeated,
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


def _unstorable(doc: DocData) -> str | None:
    """What of ``doc`` cannot be stored as UTF-8 text (a lone surrogate, as JSON's "\\ud800"
    gives), or None."""
    fields: list[tuple[str, Any]] = [("text", doc.text), ("id", doc.id), ("layer", doc.layer)]
    fields += [(key, doc.meta.get(key)) for key in ("title", "source", "url", "published")]
    for sp in doc.spans:
        fields += [(f"span '{sp.id}' entity", sp.entity), (f"span '{sp.id}' label", sp.label)]
    for what, value in fields:
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                return (
                    f"{what} holds a lone surrogate (U+{ord(value[exc.start]):04X}) at {exc.start}"
                )
    return None


def validate_all(project: Project, docs: Iterable[DocData]) -> None:
    for doc in docs:
        try:
            validate_doc(project.scheme, doc)
            problem = _unstorable(doc)
            if problem is not None:
                raise ValidationError(f"{problem}, which cannot be stored as text")
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
    with _bulk_allocation():
        docs, notes = read_paths(
            paths, fmt, tsv_feature, encoding, cancelled, predictions=as_suggestions
        )
        docs, map_notes = map_labels(project, docs, label_map, skip_unmapped)
        origin = "import:" + ",".join(Path(p).name for p in paths)
        report = import_documents(
            project,
            docs,
            layer=layer,
            as_suggestions=as_suggestions,
            origin=origin[:250],
            progress=progress,
            cancelled=cancelled,
        )
    report.notes = [*notes, *map_notes, *report.notes]
    return report


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
    report = ImportReport(documents_read=len(docs))
    default_layer = layer or current_user()
    total = len(docs)
    with project.session(write=True) as s:
        known_sha = repo.document_hashes(s)
        id_to_sha = {did: sha for sha, did in known_sha.items()}
        ext_sha = {ext: id_to_sha[did] for ext, did in repo.external_ids(s).items()}
        doc_key: list[str] = []  # text hash of each input doc
        new_rows: list[dict[str, Any]] = []
        new_shas: dict[str, None] = {}
        for i, doc in enumerate(docs):
            sha = text_sha256(doc.text)
            doc_key.append(sha)
            if sha in known_sha or sha in new_shas:
                continue
            ext = doc.id or sha[:16]
            if ext in ext_sha and ext_sha[ext] != sha:
                ext = f"{ext}@{sha[:8]}"
                report.renamed_ids.append(doc.id)
            ext_sha[ext] = sha
            new_rows.append(_document_row(doc, ext, sha))
            new_shas[sha] = None
            if i % 500 == 0:
                _tick(progress, cancelled, i, total * 2)
        ids = repo.insert_documents(s, new_rows)
        known_sha.update(zip(new_shas, ids, strict=True))
        report.documents_new = len(ids)
        report.documents_existing = len(set(doc_key)) - len(ids)
        if as_suggestions:
            from annotator.services import add_suggestions

            for i, doc in enumerate(docs):
                if doc.spans:
                    report.suggestions_added += add_suggestions(
                        s, known_sha[doc_key[i]], doc.spans, doc.relations, model=origin
                    )
        else:
            _insert_annotations(
                s,
                docs,
                doc_key,
                known_sha,
                set(ids),
                default_layer,
                layer is not None,
                origin,
                report,
                progress,
                cancelled,
            )
        repo.log_event(s, default_layer, "import", None, origin[:64], None, report.as_dict())
        if progress is not None:
            progress(total * 2, total * 2)
    return report


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
    s: Any,
    docs: Sequence[DocData],
    doc_key: list[str],
    known_sha: dict[str, int],
    fresh: set[int],
    default_layer: str,
    layer_forced: bool,
    origin: str,
    report: ImportReport,
    progress: Progress | None,
    cancelled: Cancelled | None,
) -> None:
    annotator_ids: dict[str, int] = {}
    entity_ids: dict[tuple[str, str], int] = {}

    def ann(name: str) -> int:
        if name not in annotator_ids:
            annotator_ids[name] = repo.ensure_annotator(s, name)
        return annotator_ids[name]

    def entity(name: str, type_: str) -> int:
        key = (name, type_)
        if key not in entity_ids:
            found = repo.find_entity(s, name, type_)
            if found is None:
                found = repo.add_entity(s, name, type_)
                report.entities_added += 1
            entity_ids[key] = found
        return entity_ids[key]

    # Existing spans of documents that were already in the project (for idempotence).
    existing_docs = {
        known_sha[k]
        for k, d in zip(doc_key, docs, strict=True)
        if d.spans and known_sha[k] not in fresh
    }
    existing_spans: dict[tuple[int, str], dict[tuple[int, int, str], int]] = {}
    if existing_docs:
        for rec in repo.spans_of(s, doc_ids=existing_docs):
            existing_spans.setdefault((rec.document_id, rec.annotator), {})[
                (rec.start, rec.end, rec.label)
            ] = rec.id
    existing_rels: set[tuple[int, int, str]] = set()
    all_existing = [sid for m in existing_spans.values() for sid in m.values()]
    if all_existing:
        existing_rels = {
            (r.head_id, r.tail_id, r.label) for r in repo.relations_of_spans(s, all_existing)
        }

    span_values: list[tuple[Any, ...]] = []
    row_of: dict[tuple[int, str], int] = {}  # (input doc, span id) -> index into span_values
    resolved: dict[tuple[int, str], int] = {}  # (input doc, span id) -> database id
    # The same span twice in one import (a repeated record, or two identical spans in one
    # record) is one span: (doc, layer) -> (start, end, label) -> index into span_values.
    batch_seen: dict[tuple[int, str], dict[tuple[int, int, str], int]] = {}
    touched_layers: set[tuple[int, str]] = set()
    total = len(docs)
    for i, doc in enumerate(docs):
        if not doc.spans and doc.layer is None:
            continue
        name = default_layer if layer_forced else (doc.layer or default_layer)
        doc_id = known_sha[doc_key[i]]
        if (doc_id, name) not in touched_layers:
            touched_layers.add((doc_id, name))
            report.layers[name] += 1
        have = existing_spans.get((doc_id, name), {})
        seen = batch_seen.setdefault((doc_id, name), {})
        ann_id = ann(name)
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
                if track:
                    row_of[(i, sp.id)] = first
                report.spans_repeated += 1
                continue
            seen[key] = len(span_values)
            ent = None
            if sp.entity:
                etype = sp.entity_type or str(sp.attrs.get("type", "") or "")
                ent = entity(sp.entity, etype)
            if track:
                row_of[(i, sp.id)] = len(span_values)
            span_values.append((doc_id, ann_id, sp.start, sp.end, sp.label, sp.attrs, ent, origin))
        if i % 500 == 0:
            _tick(progress, cancelled, total + i // 2, total * 2)
    new_ids = repo.insert_span_values(s, span_values)
    report.spans_added = len(span_values)
    for ref, row in row_of.items():
        resolved[ref] = new_ids[row]
    # Documents imported into a layer belong to it even without spans.
    repo.add_assignments(s, [(doc_id, ann(name)) for doc_id, name in touched_layers], "done")
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
    repo.insert_relations(s, rel_rows)
    report.relations_added = len(rel_rows)
