"""The review queue: the disagreements of a project with the standing decision of each.

An item decided with the same inputs leaves the queue; if its inputs change later (a re-merge
of newer work), it comes back flagged ``changed``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy.orm import Session

from annotator.team.disagreements import Disagreement, disagreements
from annotator.values import DocData, RelationData, SpanData
from annotator.vocabulary import EventAction, Layer
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo

ACTION = EventAction.ADJUDICATE
UNDO_ACTION = EventAction.ADJUDICATE_UNDO


# ---------------------------------------------------------------- reading from a project


def load_for_review(
    session: Session, doc_ids: Collection[int] | None = None, texts: bool = False
) -> tuple[dict[int, dict[str, DocData]], dict[int, DocData]]:
    """(annotator layers by document, gold by document) for the documents with >= 2 annotator
    layers (spans, or an assignment in progress or done). Texts are loaded only when asked
    (``DocData.text`` is "" otherwise); ``meta['doc_id']`` holds the database id."""
    entities = {e.id: e for e in registry_repo.list_entities(session)}
    spans = span_repo.spans_of(session, doc_ids=doc_ids)
    covered: dict[int, set[str]] = defaultdict(set)
    for sp in spans:
        covered[sp.document_id].add(sp.annotator)
    for d, name in ann_repo.active_assignments(session, doc_ids):
        covered[d].add(name)
    multi = {d for d, names in covered.items() if len(names - {Layer.GOLD}) >= 2}
    if doc_ids is not None:
        multi &= set(doc_ids)
    if not multi:
        return {}, {}
    by_key: dict[tuple[int, str], list[SpanData]] = defaultdict(list)
    span_owner: dict[int, tuple[int, str]] = {}
    for sp in spans:
        if sp.document_id not in multi:
            continue
        ent = entities.get(sp.entity_id) if sp.entity_id is not None else None
        by_key[(sp.document_id, sp.annotator)].append(
            SpanData(
                f"s{sp.id}",
                sp.start,
                sp.end,
                sp.label,
                sp.attrs,
                ent.name if ent else None,
                ent.type if ent else None,
            )
        )
        span_owner[sp.id] = (sp.document_id, sp.annotator)
    rels: dict[tuple[int, str], list[RelationData]] = defaultdict(list)
    for r in span_repo.relations_of(session, doc_ids=doc_ids):
        owner = span_owner.get(r.head_id)
        if owner is not None and r.tail_id in span_owner:
            rels[owner].append(RelationData(f"r{r.id}", r.label, f"s{r.head_id}", f"s{r.tail_id}"))
    ext = {did: e for e, did in doc_repo.external_ids(session).items() if did in multi}
    text = {d.id: d.text for d in doc_repo.get_documents(session, multi)} if texts else {}
    layers: dict[int, dict[str, DocData]] = {}
    gold: dict[int, DocData] = {}
    for d in sorted(multi):
        for name in sorted(covered[d] | ({Layer.GOLD} if (d, Layer.GOLD) in by_key else set())):
            data = DocData(
                ext[d],
                text.get(d, ""),
                {"doc_id": d},
                tuple(by_key[(d, name)]),
                tuple(rels[(d, name)]),
                layer=name,
            )
            if name == Layer.GOLD:
                gold[d] = data
            else:
                layers.setdefault(d, {})[name] = data
    return layers, gold


@dataclass(frozen=True, slots=True)
class DecisionInfo:
    event_id: int
    reviewer: str
    at: str
    choice: str
    inputs: str
    token: str


@dataclass(frozen=True, slots=True)
class QueueItem:
    item: Disagreement
    state: str  # "open", "changed" (decided, then its inputs changed) or "decided"
    decision: DecisionInfo | None = None


def decisions(session: Session, doc_ids: Collection[int] | None = None) -> dict[str, DecisionInfo]:
    """The standing decision of every key (undone decisions removed)."""
    wanted = set(doc_ids) if doc_ids is not None else None
    evs = [
        e
        for e in event_repo.events(session, action=ACTION)
        + event_repo.events(session, action=UNDO_ACTION)
        if wanted is None or e.document_id in wanted
    ]
    stacks: dict[str, list[DecisionInfo]] = defaultdict(list)
    for e in sorted(evs, key=lambda e: e.id):
        after = e.after or {}
        key = str(after.get("key", ""))
        if e.action == ACTION:
            stacks[key].append(
                DecisionInfo(
                    e.id,
                    e.actor,
                    e.at.isoformat(timespec="seconds"),
                    str(after.get("choice", "")),
                    str(after.get("inputs", "")),
                    str(after.get("token", "")),
                )
            )
        else:
            stacks[key] = [d for d in stacks[key] if d.token != after.get("token")]
    return {k: s[-1] for k, s in stacks.items() if s}


def queue(
    session: Session, doc_ids: Collection[int] | None = None, include_decided: bool = False
) -> list[QueueItem]:
    """The corpus-wide disagreement queue in document order; changed items are flagged."""
    layers, gold = load_for_review(session, doc_ids)
    decided = decisions(session, list(layers))
    out: list[QueueItem] = []
    for item in disagreements(layers, gold):
        info = decided.get(item.key)
        if info is None:
            out.append(QueueItem(item, "open"))
        elif info.inputs != item.inputs:
            out.append(QueueItem(item, "changed", info))
        elif include_decided:
            out.append(QueueItem(item, "decided", info))
    return out
