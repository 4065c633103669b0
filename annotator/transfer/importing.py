"""Importing documents and annotations into a project: atomic, idempotent and fast.

Everything is read and checked before anything is written; then one transaction inserts the new
documents, spans and relations in bulk. The same text twice is one document; the same annotation
twice (same start, end and label in the same layer) is one span, except that two such spans
within one record stay two (brat events sharing a trigger). A record annotated with no span
(``DocData.annotated``) puts its document in the layer all the same (annotated-empty).
"""

from __future__ import annotations

import gc
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.cancel import Progress, quiet
from annotator.errors import ImportFailed, ValidationError
from annotator.project import Project
from annotator.settings import current_user
from annotator.validation import unknown_vocabulary, validate_doc
from annotator.values import DocData, is_annotated
from annotator.vocabulary import AssignmentStatus, EventAction, Origin
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo


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
    progress: Progress | None = None,
    predictions: bool = False,
    span_keys: Sequence[str] | None = None,
) -> tuple[list[DocData], list[str]]:
    """Read every document of every path (nothing is written); return docs and reader notes.
    ``progress.check()`` runs every 200 documents (cancelling raises ``Cancelled``)."""
    from annotator.formats.reading import ReadOptions, read_documents

    options = ReadOptions(
        tsv_feature=tsv_feature,
        encoding=encoding,
        predictions=predictions,
        span_keys=tuple(span_keys) if span_keys else None,
    )
    docs: list[DocData] = []
    for path in paths:
        for doc in read_documents(Path(path), fmt, options):
            docs.append(doc)
            if progress is not None and len(docs) % 200 == 0:
                progress.check()
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
        attrs = [
            u.describe()
            for u in unknown_vocabulary(project.scheme, docs)
            if not u.problem.startswith(("unknown label", "unknown relation"))
        ]
        raise ImportFailed(
            exc.message + (f"; also unknown: {'; '.join(attrs)}" if attrs else ""),
            path=first.source_path if first else None,
            line=first.source_line if first else None,
        ) from None
    return list(mapped), report.lines()


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


def validate_all(project: Project, docs: Sequence[DocData]) -> None:
    """Refuse ``docs`` when anything breaks the scheme: every unknown label, attribute and value
    in one error (not one per run), then the first structural problem (offsets, relations)."""
    unknown = unknown_vocabulary(project.scheme, docs)
    if unknown:
        first = unknown[0]
        if len(unknown) == 1:
            message = first.describe(with_place=False)
        else:
            message = (
                f"{len(unknown)} names unknown to scheme '{project.scheme.name}': "
                + "; ".join(u.describe() for u in unknown)
                + " (fix the files, or use --label-map / --skip-unmapped)"
            )
        raise ImportFailed(message, path=first.path, line=first.line)
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
    span_keys: Sequence[str] | None = None,
) -> ImportReport:
    """Read, map and import ``paths``; a cancel (``progress.check()``) changes nothing."""
    with _bulk_allocation():
        docs, notes = read_paths(
            paths,
            fmt,
            tsv_feature,
            encoding,
            progress,
            predictions=as_suggestions,
            span_keys=span_keys,
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
        )
    report.notes = [*notes, *map_notes, *report.notes]
    return report


def import_documents(
    project: Project,
    docs: Sequence[DocData],
    layer: str | None = None,
    as_suggestions: bool = False,
    origin: str = Origin.IMPORT,
    progress: Progress | None = None,
) -> ImportReport:
    """Validate then insert ``docs`` in one transaction. Raise before writing anything (also
    ``Cancelled``, from ``progress.check()``)."""
    progress = progress or quiet()
    validate_all(project, docs)
    report = ImportReport(documents_read=len(docs))
    default_layer = layer or current_user()
    total = len(docs)
    with project.session(write=True) as s:
        known_sha = doc_repo.document_hashes(s)
        id_to_sha = {did: sha for sha, did in known_sha.items()}
        ext_sha = {ext: id_to_sha[did] for ext, did in doc_repo.external_ids(s).items()}
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
                _tick(progress, i, total * 2)
        ids = doc_repo.insert_documents(s, new_rows)
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
            )
        event_repo.log_event(
            s, default_layer, EventAction.IMPORT, None, origin[:64], None, report.as_dict()
        )
        progress.report(total * 2, total * 2)
    return report


def _tick(progress: Progress, done: int, total: int) -> None:
    progress.report(done, total)
    progress.check()


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


def _mark_annotated_empty_done(
    s: Any,
    docs: Sequence[DocData],
    doc_key: list[str],
    known_sha: dict[str, int],
    default_layer: str,
    layer_forced: bool,
) -> None:
    """A record annotated with no span finishes an assignment still to do: without it the
    document would not be in the layer (``repository.documents_in_layer``)."""
    empty: dict[str, set[int]] = {}
    for i, doc in enumerate(docs):
        if not doc.spans and is_annotated(doc):
            name = default_layer if layer_forced else (doc.layer or default_layer)
            empty.setdefault(name, set()).add(known_sha[doc_key[i]])
    for name, doc_ids in empty.items():
        for a in ann_repo.assignments(s, annotator=name):
            if a.document_id in doc_ids and a.status not in (
                AssignmentStatus.IN_PROGRESS,
                AssignmentStatus.DONE,
            ):
                ann_id = ann_repo.annotator_id(s, name)
                if ann_id is not None:
                    ann_repo.set_assignment(s, a.document_id, ann_id, AssignmentStatus.DONE)


def _outgoing(doc: DocData) -> dict[str, frozenset[tuple[str, Any]]]:
    """Each span's outgoing relations as (label, tail id): what tells two alike spans of one
    record apart (two events on one trigger have different roles). A span that is the tail of
    a relation gets a signature of its own: merging it would merge the events pointing at it."""
    if not doc.relations:
        return {}
    out: dict[str, set[tuple[str, Any]]] = {}
    for rel in doc.relations:
        out.setdefault(rel.head, set()).add((rel.label, rel.tail))
        out.setdefault(rel.tail, set()).add(("<tail>", rel.tail))
    return {k: frozenset(v) for k, v in out.items()}


def _insert_annotations(  # noqa: C901 - spans, relations, actor links share id maps
    s: Any,
    docs: Sequence[DocData],
    doc_key: list[str],
    known_sha: dict[str, int],
    fresh: set[int],
    default_layer: str,
    layer_forced: bool,
    origin: str,
    report: ImportReport,
    progress: Progress,
) -> None:
    annotator_ids: dict[str, int] = {}
    entity_ids: dict[tuple[str, str], int] = {}

    def ann(name: str) -> int:
        if name not in annotator_ids:
            annotator_ids[name] = ann_repo.ensure_annotator(s, name)
        return annotator_ids[name]

    def entity(name: str, type_: str) -> int:
        key = (name, type_)
        if key not in entity_ids:
            found = registry_repo.find_entity(s, name, type_)
            if found is None:
                found = registry_repo.add_entity(s, name, type_)
                report.entities_added += 1
            entity_ids[key] = found
        return entity_ids[key]

    # Existing spans of documents that were already in the project (for idempotence).
    existing_docs = {
        known_sha[k]
        for k, d in zip(doc_key, docs, strict=True)
        if d.spans and known_sha[k] not in fresh
    }
    # Keys are (start, end, label, n): the n-th span with those offsets and label. Two spans
    # alike in one record (two events on one trigger) stay two; a repeated record merges.
    existing_spans: dict[tuple[int, str], dict[tuple[int, int, str, int], int]] = {}
    if existing_docs:
        for rec in sorted(span_repo.spans_of(s, doc_ids=existing_docs), key=lambda r: r.id):
            have_doc = existing_spans.setdefault((rec.document_id, rec.annotator), {})
            n = 0
            while (rec.start, rec.end, rec.label, n) in have_doc:
                n += 1
            have_doc[(rec.start, rec.end, rec.label, n)] = rec.id
    existing_rels: set[tuple[int, int, str]] = set()
    all_existing = [sid for m in existing_spans.values() for sid in m.values()]
    if all_existing:
        existing_rels = {
            (r.head_id, r.tail_id, r.label) for r in span_repo.relations_of_spans(s, all_existing)
        }

    span_values: list[tuple[Any, ...]] = []
    row_of: dict[tuple[int, str], int] = {}  # (input doc, span id) -> index into span_values
    resolved: dict[tuple[int, str], int] = {}  # (input doc, span id) -> database id
    # The same span twice in one import is one span: a repeated record matches by
    # (doc, layer) -> (start, end, label, n) -> index into span_values; within one record, a
    # span alike in offsets, label and outgoing relations is a twin (``aliases``). Alike spans
    # with different relations (two events on one trigger) stay apart.
    aliases: dict[tuple[int, str], tuple[int, str]] = {}
    batch_seen: dict[tuple[int, str], dict[tuple[int, int, str, int], int]] = {}
    touched_layers: set[tuple[int, str]] = set()
    total = len(docs)
    for i, doc in enumerate(docs):
        if not doc.spans and not is_annotated(doc):
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
        alike: Counter[tuple[int, int, str]] = Counter()
        outgoing = _outgoing(doc)
        twins: dict[tuple[tuple[int, int, str], frozenset[tuple[str, Any]]], str] = {}
        for sp in doc.spans:
            plain = (sp.start, sp.end, sp.label)
            sig = (plain, outgoing.get(sp.id, frozenset()))
            twin = twins.get(sig)
            if twin is not None:  # the same span twice in one record: one span
                aliases[(i, sp.id)] = (i, twin)
                report.spans_repeated += 1
                continue
            twins[sig] = sp.id
            key = (sp.start, sp.end, sp.label, alike[plain])
            alike[plain] += 1
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
            _tick(progress, total + i // 2, total * 2)
    new_ids = span_repo.insert_span_values(s, span_values)
    report.spans_added = len(span_values)
    for ref, row in row_of.items():
        resolved[ref] = new_ids[row]
    for ref, twin_ref in aliases.items():
        if twin_ref in resolved:
            resolved[ref] = resolved[twin_ref]
    # Documents imported into a layer belong to it even without spans.
    ann_repo.add_assignments(
        s,
        [
            {"document_id": doc_id, "annotator_id": ann(name), "status": AssignmentStatus.DONE}
            for doc_id, name in touched_layers
        ],
    )
    _mark_annotated_empty_done(s, docs, doc_key, known_sha, default_layer, layer_forced)
    rel_rows: list[dict[str, Any]] = []
    for i, doc in enumerate(docs):
        for rel in doc.relations:
            head, tail = resolved.get((i, rel.head)), resolved.get((i, rel.tail))
            if head is None or tail is None:
                continue
            rel_key = (head, tail, rel.label)
            if rel_key in existing_rels:
                report.relations_existing += 1
                continue
            existing_rels.add(rel_key)
            rel_rows.append(
                {"head_id": head, "tail_id": tail, "label": rel.label, "origin": origin}
            )
    span_repo.insert_relations(s, rel_rows)
    report.relations_added = len(rel_rows)
