"""Merging: bring one annotator's layer back from checked work files, in one transaction.

Spans are matched by (start, end, label); a match with other attributes or another actor link is a
change, the rest are additions and removals. A document not edited offline (its layer hash equals
the baseline) keeps the project's version; one edited on both sides takes the work file's version
and is reported as a conflict. Statuses follow the same rule: one not changed offline (the
status the file was packaged with) keeps the project's; time spent takes the larger of the two.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from annotator.project import Project
from annotator.team.workfile.checks import check_workfiles, skipped_notes
from annotator.team.workfile.content import (
    SpanKey,
    WorkContent,
    layer_hash,
    relations_per_doc,
    spans_per_doc,
)
from annotator.team.workfile.report import DocChange, MergeReport
from annotator.vocabulary import EventAction
from storage.records import EntityRecord, RelationRecord, SpanRecord
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo


def merge(project: Project, paths: Sequence[str | Path]) -> list[MergeReport]:
    """Check every work file, then bring each annotator's layer back in one transaction."""
    contents = check_workfiles(project, [Path(p) for p in paths])
    reports: list[MergeReport] = []
    with project.session(write=True) as s:
        for content in contents:
            reports.append(_apply(s, content))
    return reports


def _map_entities(s: Session, content: WorkContent, report: MergeReport) -> dict[int, int]:
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


def _apply(s: Session, content: WorkContent) -> MergeReport:
    report = MergeReport(content.path, content.owner, documents=len(content.docs))
    report.notes.extend(skipped_notes(content))
    report.skipped = dict(content.skipped)
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
    main_by_doc = spans_per_doc(main_spans)
    main_rels_by_doc = relations_per_doc(main_rels, {sp.id: sp.document_id for sp in main_spans})
    work_by_doc: dict[int, list[SpanRecord]] = defaultdict(list)
    for sp in content.spans:
        work_by_doc[main_doc[sp.document_id]].append(sp)
    work_doc_of = {sp.id: main_doc[sp.document_id] for sp in content.spans}
    work_rels_by_doc = relations_per_doc(content.relations, work_doc_of)

    sha_of = {known[sha]: sha for sha, _ in content.docs.values()}
    work_ents = {e.id: e for e in content.entities}

    changes: dict[int, DocChange] = {}
    edits = _SpanEdits(owner_id, ent_map)
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
        edits.compare(doc_id, main_by_doc.get(doc_id, ()), work_by_doc.get(doc_id, ()), change)
        if conflict and not change.empty:
            report.conflicts.append(change.external_id)
        change.merged = True

    work_to_main = edits.write(s)
    _merge_relations(
        s, changes, main_rels_by_doc, work_rels_by_doc, work_to_main, set(edits.to_delete)
    )
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
                "after": {"file": content.path.name, **c.counts()},
            }
            for c in report.changes
        ],
    )
    return report


@dataclass
class _SpanEdits:
    """The span edits that bring a layer to the work file's version, gathered per document and
    written at once. Spans match by (start, end, label); a match with other attributes or
    another actor link is a change, the rest are additions and removals."""

    owner_id: int
    ent_map: dict[int, int]  # work entity id -> project entity id
    new_rows: list[dict[str, Any]] = field(default_factory=list)
    new_refs: list[int] = field(default_factory=list)  # work span id of each new row
    to_delete: list[int] = field(default_factory=list)
    to_update: dict[int, dict[str, Any]] = field(default_factory=dict)
    work_to_main: dict[int, int] = field(default_factory=dict)  # matched work span -> project's

    def compare(
        self,
        doc_id: int,
        main_spans: Iterable[SpanRecord],
        work_spans: Iterable[SpanRecord],
        change: DocChange,
    ) -> None:
        """One document's edits, counted in ``change``."""
        have: dict[SpanKey, list[SpanRecord]] = defaultdict(list)
        for sp in main_spans:
            have[(sp.start, sp.end, sp.label)].append(sp)
        for sp in sorted(work_spans, key=lambda x: x.id):
            ent = self.ent_map.get(sp.entity_id) if sp.entity_id is not None else None
            bucket = have.get((sp.start, sp.end, sp.label))
            if bucket:
                old = bucket.pop(0)
                self.work_to_main[sp.id] = old.id
                vals: dict[str, Any] = {}
                if dict(old.attrs) != dict(sp.attrs):
                    vals["attrs"] = dict(sp.attrs)
                if old.entity_id != ent:
                    vals["entity_id"] = ent
                if vals:
                    self.to_update[old.id] = vals
                    change.changed += 1
                continue
            self.new_refs.append(sp.id)
            self.new_rows.append(
                {
                    "document_id": doc_id,
                    "annotator_id": self.owner_id,
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
                self.to_delete.append(old.id)
                change.removed += 1

    def write(self, s: Session) -> dict[int, int]:
        """Delete, update and insert; return work span id -> project span id (matched and
        new spans)."""
        span_repo.delete_spans(s, self.to_delete)
        span_repo.update_spans(s, self.to_update)
        new_ids = span_repo.insert_spans(s, self.new_rows)
        self.work_to_main.update(zip(self.new_refs, new_ids, strict=True))
        return self.work_to_main


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
    content: WorkContent,
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
        packaged = content.packaged_statuses.get(content.docs[a.document_id][0])
        status = old.status if old is not None and packaged == a.status else a.status
        if old is not None and old.status == status and old.seconds_spent == seconds:
            continue
        ann_repo.set_assignment(s, doc_id, owner_id, status, seconds_spent=seconds)
        if old is None or old.status != status:
            changes[doc_id].status = status
