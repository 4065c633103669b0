"""Offline work files: package one annotator's documents into a project file, merge it back.

A work file is an ordinary project file (it opens in the app with no access to the main project)
holding the annotator's assigned documents, the scheme, the actor registry and her layer and
assignments. ``project_meta['workfile_for']`` names the annotator whose layer it carries.

Merging brings back only that layer. Everything is read and checked before anything is written:
a work file whose scheme fingerprint differs, or whose document texts are not in the project
(by sha256, recomputed from the stored text), is refused. Spans are matched by (start, end, label);
a match with other attributes or another actor link is a change, the rest are additions and
removals. Merging the same file twice changes nothing.

The work file remembers a hash of each document's layer as packaged. A document the annotator did
not edit offline keeps the project's version (so an old work file cannot undo newer work done in
the project); a document edited on both sides takes the work file's version and is reported as a
conflict. New actors are added to the registry unless one with the same name and type (or an
alias of that type) exists; new aliases are added. Assignment statuses come back, and the time
spent is the larger of the two.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from annotator.errors import (
    ForeignSchema,
    MergeRefused,
    PackageFailed,
    ProjectError,
    ValidationError,
)
from annotator.project import Project
from annotator.scheme import Scheme
from annotator.transfer.exporting import clean_leftovers, temp_sibling
from annotator.transfer.importing import text_sha256
from annotator.validation import check_relation_labels, check_span_values
from annotator.vocabulary import SQL_BATCH_LIMIT, EventAction, Layer
from storage.db import make_single_file
from storage.records import AssignmentRecord, EntityRecord, RelationRecord, SpanRecord
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo

WORKFILE_FOR = "workfile_for"
WORKFILE_SOURCE = "workfile_source"
WORKFILE_CREATED = "workfile_created"
WORKFILE_BASELINE = "workfile_baseline"  # JSON {text sha256: hash of the layer when packaged}

SpanKey = tuple[int, int, str]


# ---------------------------------------------------------------- layer hashing


def layer_hash(
    spans: Iterable[SpanRecord],
    relations: Iterable[RelationRecord],
    entities: dict[int, EntityRecord],
) -> str:
    """Content hash of one document's layer, independent of ids (actors by name and type)."""
    spans = list(spans)
    key_of = {s.id: (s.start, s.end, s.label) for s in spans}

    def ent(eid: int | None) -> tuple[str, str] | None:
        rec = entities.get(eid) if eid is not None else None
        return (rec.name, rec.type) if rec else None

    body = (
        sorted(
            (s.start, s.end, s.label, repr(sorted(s.attrs.items())), repr(ent(s.entity_id)))
            for s in spans
        ),
        sorted(
            (key_of[r.head_id], key_of[r.tail_id], r.label)
            for r in relations
            if r.head_id in key_of and r.tail_id in key_of
        ),
    )
    return hashlib.sha256(repr(body).encode()).hexdigest()[:16]


def _group(spans: Iterable[SpanRecord]) -> dict[int, list[SpanRecord]]:
    out: dict[int, list[SpanRecord]] = defaultdict(list)
    for s in spans:
        out[s.document_id].append(s)
    return out


def _rels_by_doc(
    relations: Iterable[RelationRecord], doc_of_span: dict[int, int]
) -> dict[int, list[RelationRecord]]:
    out: dict[int, list[RelationRecord]] = defaultdict(list)
    for r in relations:
        if r.head_id in doc_of_span:
            out[doc_of_span[r.head_id]].append(r)
    return out


def workfile_owner(session: Session) -> str | None:
    """The annotator a work file was made for (None for an ordinary project). The app should
    annotate as this name when it opens a work file."""
    return doc_repo.get_meta(session, WORKFILE_FOR)


# ---------------------------------------------------------------- packaging


@dataclass(frozen=True, slots=True)
class PackageReport:
    annotator: str
    out: Path
    documents: int
    spans: int
    relations: int
    entities: int

    def lines(self) -> list[str]:
        return [
            f"wrote {self.out} for {self.annotator}: {self.documents} documents, "
            f"{self.spans} spans, {self.relations} relations, {self.entities} actors"
        ]


def _temp_path(out: Path) -> Path:
    return temp_sibling(out)


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _clean_stale_packages(out: Path) -> None:
    """Remove work files (and their journals) half-written by killed runs for ``out``."""
    clean_leftovers(out)


def package(
    project: Project, annotator: str, out: str | Path, overwrite: bool = False, user: str = "lead"
) -> PackageReport:
    """Write ``out``: a project file with ``annotator``'s documents and work (see module doc)."""
    out = Path(out)
    if annotator == Layer.GOLD:
        raise PackageFailed("the gold layer is written by adjudication and cannot be packaged")
    if out.exists() and not overwrite:
        raise PackageFailed("already exists; choose another name or pass --force", path=str(out))
    if out.exists() and out.resolve() == Path(project.path).resolve():
        raise PackageFailed("is the project itself", path=str(out))
    if not out.parent.is_dir():
        raise PackageFailed("its folder does not exist", path=str(out))
    with project.session() as s:
        if ann_repo.annotator_id(s, annotator) is None:
            raise PackageFailed(
                f"no annotator '{annotator}' in the project "
                "(assign documents first with 'annotator assign')"
            )
        role = next(a.role for a in ann_repo.list_annotators(s) if a.name == annotator)
        assigned = ann_repo.assignments(s, annotator=annotator)
        spans = span_repo.spans_of(s, annotator=annotator)
        doc_ids = sorted({a.document_id for a in assigned} | {sp.document_id for sp in spans})
        if not doc_ids:
            raise PackageFailed(
                f"'{annotator}' has no assigned documents (run 'annotator assign' first)"
            )
        docs = (
            doc_repo.get_documents(s, doc_ids)
            if len(doc_ids) < SQL_BATCH_LIMIT
            else [d for d in doc_repo.get_documents(s) if d.id in set(doc_ids)]
        )
        relations = span_repo.relations_of(s, annotator=annotator)
        entities = registry_repo.list_entities(s)
        ent_by_id = {e.id: e for e in entities}
        spans_by_doc = _group(spans)
        rels_by_doc = _rels_by_doc(relations, {sp.id: sp.document_id for sp in spans})
        baseline = {
            d.sha256: layer_hash(spans_by_doc.get(d.id, ()), rels_by_doc.get(d.id, ()), ent_by_id)
            for d in docs
        }
    _clean_stale_packages(out)
    tmp = _temp_path(out)
    _remove_db_files(tmp)
    work = Project.create(tmp, project.scheme)
    try:
        with work.session() as w:
            ann_id = ann_repo.ensure_annotator(w, annotator, role=role)
            new_docs = doc_repo.insert_documents(
                w,
                [
                    {
                        "external_id": d.external_id,
                        "title": d.title,
                        "source": d.source,
                        "url": d.url,
                        "published": d.published,
                        "text": d.text,
                        "sha256": d.sha256,
                        "meta": dict(d.meta),
                        "imported_at": d.imported_at or datetime.now(UTC),
                    }
                    for d in docs
                ],
            )
            doc_map = dict(zip([d.id for d in docs], new_docs, strict=True))
            registry_repo.insert_entities(
                w,
                [
                    {"id": e.id, "name": e.name, "type": e.type, "external_id": e.external_id}
                    for e in entities
                ],
                [{"entity_id": e.id, "alias": a} for e in entities for a in e.aliases],
            )
            new_spans = span_repo.insert_spans(
                w,
                [
                    {
                        "document_id": doc_map[sp.document_id],
                        "annotator_id": ann_id,
                        "start": sp.start,
                        "end": sp.end,
                        "label": sp.label,
                        "attrs": dict(sp.attrs),
                        "entity_id": sp.entity_id,
                        "origin": sp.origin,
                    }
                    for sp in spans
                ],
            )
            span_map = dict(zip([sp.id for sp in spans], new_spans, strict=True))
            span_repo.insert_relations(
                w,
                [
                    {
                        "head_id": span_map[r.head_id],
                        "tail_id": span_map[r.tail_id],
                        "label": r.label,
                        "origin": r.origin,
                    }
                    for r in relations
                    if r.head_id in span_map and r.tail_id in span_map
                ],
            )
            ann_repo.add_assignments(
                w,
                [
                    {
                        "document_id": doc_map[a.document_id],
                        "annotator_id": ann_id,
                        "status": a.status,
                        "seconds_spent": a.seconds_spent,
                    }
                    for a in assigned
                ],
            )
            doc_repo.set_meta(w, WORKFILE_FOR, annotator)
            doc_repo.set_meta(w, WORKFILE_SOURCE, Path(project.path).name)
            doc_repo.set_meta(w, WORKFILE_CREATED, datetime.now(UTC).isoformat(timespec="seconds"))
            doc_repo.set_meta(w, WORKFILE_BASELINE, json.dumps(baseline))
        make_single_file(work.db)
        work.close()
        os.replace(tmp, out)
    except BaseException:
        work.close()
        _remove_db_files(tmp)
        raise
    with project.session() as s:
        event_repo.log_event(
            s,
            user,
            EventAction.PACKAGE,
            None,
            f"workfile:{annotator}",
            None,
            {"file": out.name, "documents": len(docs), "spans": len(spans)},
        )
    return PackageReport(annotator, out, len(docs), len(spans), len(relations), len(entities))


# ---------------------------------------------------------------- reading a work file


@dataclass
class _WorkContent:
    path: Path
    owner: str
    fingerprint: str
    docs: dict[int, tuple[str, str]]  # work doc id -> (sha256, external id)
    lengths: dict[int, int]  # work doc id -> length of its text
    spans: list[SpanRecord]
    relations: list[RelationRecord]
    entities: list[EntityRecord]
    assignments: list[AssignmentRecord]
    baseline: dict[str, str]
    other_layers: dict[str, int]  # layers present in the file that are not brought back


def _read_workfile(path: Path) -> _WorkContent:
    if not path.exists():
        raise MergeRefused("no such work file", path=str(path))
    try:
        work = Project.open(path)
    except ForeignSchema as exc:
        raise MergeRefused(f"{exc.message}; nothing was merged", path=str(path)) from None
    except ProjectError as exc:
        raise MergeRefused(f"not a work file ({exc.message})", path=str(path)) from None
    try:
        with work.session() as w:
            owner = doc_repo.get_meta(w, WORKFILE_FOR)
            if not owner:
                raise MergeRefused(
                    "is a project but not a work file (make one with 'annotator package')",
                    path=str(path),
                )
            docs: dict[int, tuple[str, str]] = {}
            lengths: dict[int, int] = {}
            for d in doc_repo.get_documents(w):
                lengths[d.id] = len(d.text)
                if text_sha256(d.text) != d.sha256:
                    raise MergeRefused(
                        f"document '{d.external_id}': its text was changed in "
                        "the work file (hash mismatch)",
                        path=str(path),
                    )
                docs[d.id] = (d.sha256, d.external_id)
            all_spans = span_repo.spans_of(w)
            spans = [sp for sp in all_spans if sp.annotator == owner]
            others: dict[str, int] = defaultdict(int)
            for sp in all_spans:
                if sp.annotator != owner:
                    others[sp.annotator] += 1
            content = _WorkContent(
                path=path,
                owner=owner,
                fingerprint=work.scheme.fingerprint,
                docs=docs,
                lengths=lengths,
                spans=spans,
                relations=span_repo.relations_of(w, annotator=owner),
                entities=registry_repo.list_entities(w),
                assignments=ann_repo.assignments(w, annotator=owner),
                baseline=json.loads(doc_repo.get_meta(w, WORKFILE_BASELINE) or "{}"),
                other_layers=dict(others),
            )
    finally:
        work.close()
    return content


# ---------------------------------------------------------------- merging


@dataclass
class DocChange:
    doc_id: int
    external_id: str
    added: int = 0
    changed: int = 0
    removed: int = 0
    relations_added: int = 0
    relations_removed: int = 0
    status: str | None = None  # new assignment status, when it changed
    merged: bool = False  # the layer was compared (False: not edited offline, kept as is)

    @property
    def empty(self) -> bool:
        return not (
            self.added
            or self.changed
            or self.removed
            or self.relations_added
            or self.relations_removed
            or self.status
        )

    def line(self) -> str:
        parts = [
            f"spans +{self.added} ~{self.changed} -{self.removed}",
            f"relations +{self.relations_added} -{self.relations_removed}",
        ]
        if self.status:
            parts.append(f"status {self.status}")
        return f"  {self.external_id}: " + ", ".join(parts)


@dataclass
class MergeReport:
    path: Path
    annotator: str
    documents: int = 0
    changes: list[DocChange] = field(default_factory=list)
    entities_added: int = 0
    aliases_added: int = 0
    conflicts: list[str] = field(default_factory=list)  # external ids edited on both sides
    notes: list[str] = field(default_factory=list)

    def total(self, name: str) -> int:
        return sum(getattr(c, name) for c in self.changes)

    @property
    def unchanged(self) -> bool:
        return not self.changes and not self.entities_added and not self.aliases_added

    def lines(self, per_document: bool = True) -> list[str]:
        out = [
            f"{self.path.name} ({self.annotator}): {self.documents} documents, "
            f"{len(self.changes)} changed; spans {self.total('added')} added, "
            f"{self.total('changed')} changed, {self.total('removed')} removed; relations "
            f"{self.total('relations_added')} added, {self.total('relations_removed')} "
            f"removed; statuses {sum(1 for c in self.changes if c.status)} updated"
        ]
        if self.entities_added or self.aliases_added:
            out.append(
                f"  actors: {self.entities_added} added to the registry, "
                f"{self.aliases_added} aliases added"
            )
        if per_document:
            out.extend(c.line() for c in self.changes)
        if self.conflicts:
            out.append(
                f"  note: {len(self.conflicts)} documents were also edited in the project "
                f"since packaging; the work file's version was kept: "
                f"{', '.join(self.conflicts[:10])}"
            )
        out.extend(f"  note: {n}" for n in self.notes)
        return out

    def as_dict(self) -> dict[str, Any]:
        return {
            "file": str(self.path),
            "annotator": self.annotator,
            "documents": self.documents,
            "entities_added": self.entities_added,
            "aliases_added": self.aliases_added,
            "conflicts": list(self.conflicts),
            "notes": list(self.notes),
            "changes": [
                {
                    "document": c.external_id,
                    "added": c.added,
                    "changed": c.changed,
                    "removed": c.removed,
                    "relations_added": c.relations_added,
                    "relations_removed": c.relations_removed,
                    "status": c.status,
                }
                for c in self.changes
            ],
        }


def check_workfiles(project: Project, paths: Sequence[Path]) -> list[_WorkContent]:
    """Read and check every work file; raise MergeRefused before anything is written."""
    contents = [_read_workfile(Path(p)) for p in paths]
    with project.session() as s:
        known = doc_repo.document_hashes(s)
    seen: dict[str, Path] = {}
    for c in contents:
        if c.fingerprint != project.scheme.fingerprint:
            raise MergeRefused(
                f"its scheme does not match the project's (fingerprint {c.fingerprint}, project "
                f"{project.scheme.fingerprint}); nothing was merged",
                path=str(c.path),
            )
        if c.owner == Layer.GOLD:
            raise MergeRefused(
                "carries the gold layer, which only adjudication writes", path=str(c.path)
            )
        if c.owner in seen:
            raise MergeRefused(
                f"two work files for '{c.owner}' ({seen[c.owner].name} and "
                f"{c.path.name}); merge them one at a time",
                path=str(c.path),
            )
        seen[c.owner] = c.path
        _validate_content(project.scheme, c)
        missing = [ext for sha, ext in c.docs.values() if sha not in known]
        if missing:
            raise MergeRefused(
                f"{len(missing)} document(s) do not match any text of the project (hash "
                f"mismatch), e.g. '{missing[0]}'; nothing was merged",
                path=str(c.path),
            )
    return contents


def _validate_content(scheme: Scheme, content: _WorkContent) -> None:
    """Refuse a work file whose spans or relations break the scheme's rules (the same rules as
    import and editing), naming the first offending item."""

    def refuse(doc_id: int, what: str, message: str) -> MergeRefused:
        ext = content.docs.get(doc_id, ("", f"#{doc_id}"))[1]
        return MergeRefused(
            f"document '{ext}': {what}: {message}; nothing was merged", path=str(content.path)
        )

    span_doc: dict[int, int] = {}
    labels: dict[int, str] = {}
    for sp in content.spans:
        what = f"span {sp.id} [{sp.start}, {sp.end}) {sp.label}"
        if sp.document_id not in content.lengths:
            raise refuse(sp.document_id, what, "its document is not in the work file")
        if not isinstance(sp.attrs, Mapping):
            raise refuse(sp.document_id, what, "its attributes are not a mapping")
        try:
            check_span_values(
                scheme, content.lengths[sp.document_id], sp.start, sp.end, sp.label, sp.attrs
            )
        except ValidationError as exc:
            raise refuse(sp.document_id, what, exc.message) from None
        span_doc[sp.id] = sp.document_id
        labels[sp.id] = sp.label
    for r in content.relations:
        head_doc, tail_doc = span_doc.get(r.head_id), span_doc.get(r.tail_id)
        what = f"relation {r.id} {r.label}"
        if head_doc is None or tail_doc is None:
            missing = r.head_id if head_doc is None else r.tail_id
            raise refuse(
                head_doc if head_doc is not None else (tail_doc or 0),
                what,
                f"points to span {missing}, which is not in {content.owner}'s layer",
            )
        if head_doc != tail_doc:
            ext = content.docs.get(tail_doc, ("", f"#{tail_doc}"))[1]
            raise refuse(head_doc, what, f"links to a span of another document ('{ext}')")
        try:
            check_relation_labels(scheme, r.label, labels[r.head_id], labels[r.tail_id])
        except ValidationError as exc:
            raise refuse(head_doc, what, exc.message) from None


def merge(project: Project, paths: Sequence[str | Path]) -> list[MergeReport]:
    """Check every work file, then bring each annotator's layer back in one transaction."""
    contents = check_workfiles(project, [Path(p) for p in paths])
    reports: list[MergeReport] = []
    with project.session(write=True) as s:
        for content in contents:
            reports.append(_apply(s, content))
    return reports


def _map_entities(s: Session, content: _WorkContent, report: MergeReport) -> dict[int, int]:
    """Work entity id -> project entity id; same name and type (or a known alias of that type)
    is the same actor; the rest are added, with their aliases."""
    main = registry_repo.list_entities(s)
    by_name = {(e.name, e.type): e for e in main}
    by_alias: dict[tuple[str, str], EntityRecord] = {}
    for e in main:
        for a in e.aliases:
            by_alias.setdefault((a, e.type), e)
    mapping: dict[int, int] = {}
    for e in content.entities:
        found = by_name.get((e.name, e.type)) or by_alias.get((e.name, e.type))
        if found is None:
            new_id = registry_repo.add_entity(s, e.name, e.type, e.aliases, e.external_id)
            event_repo.log_event(
                s,
                content.owner,
                EventAction.ENTITY_ADD,
                None,
                f"entity:{new_id}",
                None,
                {"name": e.name, "type": e.type, "from": content.path.name},
            )
            report.entities_added += 1
            mapping[e.id] = new_id
            continue
        mapping[e.id] = found.id
        for alias in e.aliases:
            if alias != found.name and alias not in found.aliases:
                registry_repo.add_alias(s, found.id, alias)
                report.aliases_added += 1
    return mapping


def _apply(s: Session, content: _WorkContent) -> MergeReport:
    report = MergeReport(content.path, content.owner, documents=len(content.docs))
    for layer, n in sorted(content.other_layers.items()):
        report.notes.append(
            f"ignored layer '{layer}' ({n} spans): a work file brings back "
            f"only {content.owner}'s layer"
        )
    known = doc_repo.document_hashes(s)
    main_doc = {wid: known[sha] for wid, (sha, _) in content.docs.items()}
    ext_of = {known[sha]: ext for sha, ext in content.docs.values()}
    owner_id = ann_repo.ensure_annotator(s, content.owner)
    ent_map = _map_entities(s, content, report)
    ent_by_id = {e.id: e for e in registry_repo.list_entities(s)}

    main_spans = [
        sp for sp in span_repo.spans_of(s, annotator=content.owner) if sp.document_id in ext_of
    ]
    span_ids = {sp.id for sp in main_spans}
    main_rels = [
        r for r in span_repo.relations_of(s, annotator=content.owner) if r.head_id in span_ids
    ]
    main_by_doc = _group(main_spans)
    main_rels_by_doc = _rels_by_doc(main_rels, {sp.id: sp.document_id for sp in main_spans})
    work_by_doc: dict[int, list[SpanRecord]] = defaultdict(list)
    for sp in content.spans:
        work_by_doc[main_doc[sp.document_id]].append(sp)
    work_doc_of = {sp.id: main_doc[sp.document_id] for sp in content.spans}
    work_rels_by_doc = _rels_by_doc(content.relations, work_doc_of)

    sha_of = {known[sha]: sha for sha, _ in content.docs.values()}
    work_ents = {e.id: e for e in content.entities}

    changes: dict[int, DocChange] = {}
    new_rows: list[dict[str, Any]] = []
    new_refs: list[int] = []  # work span id of each new row
    to_delete: list[int] = []
    to_update: dict[int, dict[str, Any]] = {}
    work_to_main: dict[int, int] = {}
    for doc_id in sorted(ext_of):
        change = DocChange(doc_id, ext_of[doc_id])
        changes[doc_id] = change
        base = content.baseline.get(sha_of[doc_id])
        conflict = False
        if base is not None:
            # Three-way: a document not edited offline keeps the project's version.
            if (
                layer_hash(work_by_doc.get(doc_id, ()), work_rels_by_doc.get(doc_id, ()), work_ents)
                == base
            ):
                continue
            conflict = (
                layer_hash(main_by_doc.get(doc_id, ()), main_rels_by_doc.get(doc_id, ()), ent_by_id)
                != base
            )
        have: dict[SpanKey, list[SpanRecord]] = defaultdict(list)
        for sp in main_by_doc.get(doc_id, ()):
            have[(sp.start, sp.end, sp.label)].append(sp)
        for sp in sorted(work_by_doc.get(doc_id, ()), key=lambda x: x.id):
            ent = ent_map.get(sp.entity_id) if sp.entity_id is not None else None
            bucket = have.get((sp.start, sp.end, sp.label))
            if bucket:
                old = bucket.pop(0)
                work_to_main[sp.id] = old.id
                vals: dict[str, Any] = {}
                if dict(old.attrs) != dict(sp.attrs):
                    vals["attrs"] = dict(sp.attrs)
                if old.entity_id != ent:
                    vals["entity_id"] = ent
                if vals:
                    to_update[old.id] = vals
                    change.changed += 1
                continue
            new_refs.append(sp.id)
            new_rows.append(
                {
                    "document_id": doc_id,
                    "annotator_id": owner_id,
                    "start": sp.start,
                    "end": sp.end,
                    "label": sp.label,
                    "attrs": dict(sp.attrs),
                    "entity_id": ent,
                    "origin": sp.origin,
                }
            )
            change.added += 1
        for bucket in have.values():
            for old in bucket:
                to_delete.append(old.id)
                change.removed += 1
        if conflict and not change.empty:
            report.conflicts.append(change.external_id)
        change.merged = True

    span_repo.delete_spans(s, to_delete)
    span_repo.update_spans(s, to_update)
    work_to_main.update(zip(new_refs, span_repo.insert_spans(s, new_rows), strict=True))
    _merge_relations(s, changes, main_rels_by_doc, work_rels_by_doc, work_to_main, set(to_delete))
    _merge_assignments(s, content, main_doc, owner_id, changes)

    report.changes = [c for c in changes.values() if not c.empty]
    event_repo.log_events(
        s,
        [
            {
                "actor": content.owner,
                "action": EventAction.MERGE,
                "document_id": c.doc_id,
                "target": f"layer:{content.owner}"[:64],
                "after": {
                    "file": content.path.name,
                    "added": c.added,
                    "changed": c.changed,
                    "removed": c.removed,
                    "relations_added": c.relations_added,
                    "relations_removed": c.relations_removed,
                    "status": c.status,
                },
            }
            for c in report.changes
        ],
    )
    return report


def _merge_relations(
    s: Session,
    changes: dict[int, DocChange],
    main_rels_by_doc: dict[int, list[RelationRecord]],
    work_rels_by_doc: dict[int, list[RelationRecord]],
    work_to_main: dict[int, int],
    deleted: set[int],
) -> None:
    rows: list[dict[str, Any]] = []
    drop: list[int] = []
    for doc_id, change in changes.items():
        if not change.merged:
            continue
        main_rels = [
            r
            for r in main_rels_by_doc.get(doc_id, ())
            if r.head_id not in deleted and r.tail_id not in deleted
        ]
        have = {(r.head_id, r.tail_id, r.label): r for r in main_rels}
        want: dict[tuple[int, int, str], RelationRecord] = {}
        for r in work_rels_by_doc.get(doc_id, ()):
            head, tail = work_to_main.get(r.head_id), work_to_main.get(r.tail_id)
            if head is not None and tail is not None:
                want[(head, tail, r.label)] = r
        for key, r in want.items():
            if key not in have:
                rows.append(
                    {"head_id": key[0], "tail_id": key[1], "label": key[2], "origin": r.origin}
                )
                change.relations_added += 1
        for key, r in have.items():
            if key not in want:
                drop.append(r.id)
                change.relations_removed += 1
        # relations of removed spans go with them
        change.relations_removed += sum(
            1
            for r in main_rels_by_doc.get(doc_id, ())
            if r.head_id in deleted or r.tail_id in deleted
        )
    span_repo.delete_relations(s, drop)
    span_repo.insert_relations(s, rows)


def _merge_assignments(
    s: Session,
    content: _WorkContent,
    main_doc: dict[int, int],
    owner_id: int,
    changes: dict[int, DocChange],
) -> None:
    current = {a.document_id: a for a in ann_repo.assignments(s, annotator=content.owner)}
    for a in content.assignments:
        doc_id = main_doc.get(a.document_id)
        if doc_id is None:
            continue
        old = current.get(doc_id)
        seconds = max(a.seconds_spent, old.seconds_spent if old else 0.0)
        if old is not None and old.status == a.status and old.seconds_spent == seconds:
            continue
        ann_repo.set_assignment(s, doc_id, owner_id, a.status, seconds_spent=seconds)
        if old is None or old.status != a.status:
            changes[doc_id].status = a.status
