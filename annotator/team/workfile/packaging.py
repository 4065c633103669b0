"""Packaging: write one annotator's documents, the scheme, the actor registry and her layer and
assignments into a work file (an ordinary project file; see :mod:`annotator.team.workfile`)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from annotator.errors import PackageFailed
from annotator.project import Project
from annotator.team.workfile.content import (
    WORKFILE_BASELINE,
    WORKFILE_CREATED,
    WORKFILE_FOR,
    WORKFILE_SOURCE,
    WORKFILE_STATUSES,
    layer_hash,
    relations_per_doc,
    spans_per_doc,
)
from annotator.transfer.exporting import clean_leftovers, temp_sibling
from annotator.vocabulary import SQL_BATCH_LIMIT, EventAction, Layer
from annotator.wording import count_of
from storage.db import make_single_file
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo


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
            f"wrote {self.out} for {self.annotator}: {count_of(self.documents, 'document')}, "
            f"{count_of(self.spans, 'span')}, {count_of(self.relations, 'relation')}, "
            f"{count_of(self.entities, 'actor')}"
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
        spans_by_doc = spans_per_doc(spans)
        rels_by_doc = relations_per_doc(relations, {sp.id: sp.document_id for sp in spans})
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
            sha_of = {d.id: d.sha256 for d in docs}
            statuses = {sha_of[a.document_id]: a.status for a in assigned}
            doc_repo.set_meta(w, WORKFILE_STATUSES, json.dumps(statuses))
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
