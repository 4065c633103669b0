"""Balanced assignment of documents to annotators.

Each document goes to ``per_doc`` of the listed annotators. Existing assignments of those
annotators count towards ``per_doc`` and keep their status and time; new ones go, document by
document, to the annotators with the lightest load, ties broken by a seeded random order, so that
loads differ by at most one when starting from nothing. Nothing is ever unassigned.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from annotator.errors import ValidationError
from annotator.vocabulary import AssignmentStatus, EventAction, Layer
from annotator.wording import count_of
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo


@dataclass
class AssignReport:
    documents: int = 0
    added: Counter[str] = field(default_factory=Counter)  # annotator -> new assignments
    load: Counter[str] = field(default_factory=Counter)  # annotator -> assignments after
    short: int = 0  # documents that could not reach per_doc (never: per_doc <= annotators)

    def lines(self) -> list[str]:
        total = sum(self.added.values())
        out = [f"documents: {self.documents}; new assignments: {total}"]
        for name in sorted(self.load):
            out.append(
                f"  {name}: {count_of(self.load[name], 'document')} ({self.added[name]} new)"
            )
        return out


def parse_names(raw: str) -> list[str]:
    """``"a, b,c"`` -> ``["a", "b", "c"]``; refuse empty, duplicate and reserved names."""
    names = [n.strip() for n in raw.split(",") if n.strip()]
    if not names:
        raise ValidationError("give at least one annotator (--annotators a,b,c)")
    dupes = sorted(n for n, c in Counter(names).items() if c > 1)
    if dupes:
        raise ValidationError(f"annotator named twice: {', '.join(dupes)}")
    if Layer.GOLD in names:
        raise ValidationError("'gold' is the adjudicated layer, not an annotator")
    return names


def plan(
    doc_ids: Sequence[int],
    annotators: Sequence[str],
    per_doc: int,
    existing: Collection[tuple[int, str]] = (),
    seed: int | None = None,
) -> list[tuple[int, str]]:
    """Pure planner: the new (document, annotator) pairs to add. Deterministic for a seed."""
    if per_doc < 1:
        raise ValidationError("--per-doc must be at least 1")
    if per_doc > len(annotators):
        raise ValidationError(
            f"--per-doc {per_doc} needs at least {per_doc} annotators, got {len(annotators)}"
        )
    team = set(annotators)
    have: dict[int, set[str]] = {}
    load: Counter[str] = Counter({a: 0 for a in annotators})
    for doc_id, name in existing:
        if name in team:
            have.setdefault(doc_id, set()).add(name)
            load[name] += 1
    rng = random.Random(seed)
    # A fixed random rank per annotator and document breaks ties without favouring anyone.
    out: list[tuple[int, str]] = []
    for doc_id in doc_ids:
        taken = have.get(doc_id, set())
        need = per_doc - len(taken)
        if need <= 0:
            continue
        free = [a for a in annotators if a not in taken]
        rng.shuffle(free)
        free.sort(key=lambda a: load[a])  # stable: shuffled order breaks ties
        for name in free[:need]:
            out.append((doc_id, name))
            load[name] += 1
    return out


def assign(
    session: Session,
    annotators: Sequence[str],
    per_doc: int = 2,
    seed: int | None = None,
    doc_ids: Collection[int] | None = None,
    user: str = "lead",
) -> AssignReport:
    """Give every document (or ``doc_ids``) to ``per_doc`` of ``annotators``; see module doc."""
    docs = [d.id for d in doc_repo.document_summaries(session)]
    if doc_ids is not None:
        wanted = set(doc_ids)
        docs = [d for d in docs if d in wanted]
    existing = [(a.document_id, a.annotator) for a in ann_repo.assignments(session)]
    pairs = plan(docs, annotators, per_doc, existing, seed)
    ids = {name: ann_repo.ensure_annotator(session, name) for name in annotators}
    ann_repo.add_assignments(
        session,
        [
            {"document_id": d, "annotator_id": ids[a], "status": AssignmentStatus.TODO}
            for d, a in pairs
        ],
    )
    report = AssignReport(documents=len(docs))
    report.added.update(a for _, a in pairs)
    doc_set = set(docs)
    for d, a in existing:
        if a in ids and d in doc_set:
            report.load[a] += 1
    for name in annotators:
        report.load[name] += report.added[name]
    if pairs:
        event_repo.log_event(
            session,
            user,
            EventAction.ASSIGN,
            None,
            "assignments",
            None,
            {
                "annotators": list(annotators),
                "per_doc": per_doc,
                "seed": seed,
                "added": dict(report.added),
            },
        )
    return report
