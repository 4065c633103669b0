"""Accept all unanimous: copy into gold everything the annotators agree on, in one step."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session

from annotator.errors import ValidationError
from annotator.scheme import Scheme
from annotator.team.adjudication import Decision
from annotator.team.disagreements import (
    Key3,
    SpanView,
    agreed_spans,
    disagreements,
    entity_value,
    rel_index,
)
from annotator.team.review_queue import ACTION, decisions, load_for_review
from annotator.validation import check_relation_labels, check_span_values
from annotator.values import DocData
from annotator.vocabulary import EventAction, Layer
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo

UNANIMOUS = "unanimous"
ORIGIN = "adjudication:unanimous"


def _merged_value(values: Iterable[Any]) -> tuple[bool, Any]:
    """(usable, value): all equal, or all given values equal and the rest empty."""
    vals = list(values)
    given = {v for v in vals if v is not None}
    if len(given) == 1:
        return True, next(iter(given))
    return (not given), None


def accept_unanimous(
    session: Session, scheme: Scheme, doc_ids: Collection[int] | None, reviewer: str
) -> Decision:
    """Copy into gold every span and relation all annotators agree on (with the attributes they
    agree on, and those only some filled in alike), for some documents or the whole corpus.

    Gold spans that exist already are left as they are. What breaks the scheme (the rules of
    editing, ``annotator.validation``) is not copied and is reported in ``Decision.problems``.
    Every span and relation written is logged as the reviewer's edit. Returns a Decision for
    ``undo``."""
    layers, gold_docs = load_for_review(session, doc_ids)
    agreed_by_doc = {d: agreed_spans(layers[d]) for d in sorted(layers)}
    ext = {d: next(iter(layers[d].values())).id for d in layers}
    span_problems: list[str] = []
    rows = _span_rows(session, scheme, agreed_by_doc, gold_docs, ext, span_problems)
    new_ids = span_repo.insert_spans(session, rows)
    row_keys = [(r["document_id"], (r["start"], r["end"], r["label"])) for r in rows]
    gold_span_ids: dict[tuple[int, Key3], int] = dict(zip(row_keys, new_ids, strict=True))
    for doc_id, g in gold_docs.items():
        for sp in g.spans:
            gold_span_ids.setdefault((doc_id, (sp.start, sp.end, sp.label)), int(sp.id[1:]))
    rel_problems: list[str] = []
    rel_rows = _relation_rows(
        session, scheme, layers, agreed_by_doc, gold_span_ids, ext, rel_problems
    )
    rel_ids = span_repo.insert_relations(
        session, [{k: v for k, v in r.items() if k != "document_id"} for r in rel_rows]
    )
    token = uuid.uuid4().hex
    keys, log_rows = _settled_items(session, layers, gold_docs, set(row_keys), reviewer, token)
    log_rows += _edit_events(reviewer, rows, new_ids, rel_rows, rel_ids)
    touched = sorted({d for d, _ in row_keys} | {r["document_id"] for r in rel_rows})
    log_rows.extend(
        {
            "actor": reviewer,
            "action": EventAction.ADJUDICATE_UNANIMOUS,
            "document_id": d,
            "target": "layer:gold",
            "after": {"token": token},
        }
        for d in touched
    )
    event_repo.log_events(session, log_rows)
    counts = {
        "documents": len(layers),
        "spans_added": len(new_ids),
        "relations_added": len(rel_ids),
        "items_settled": len(keys),
        "spans_skipped": len(span_problems),
        "relations_skipped": len(rel_problems),
    }
    return Decision(
        tuple(keys),
        tuple(sorted(layers)),
        UNANIMOUS,
        reviewer,
        token,
        tuple(new_ids),
        tuple(rel_ids),
        counts=counts,
        problems=(*span_problems, *rel_problems),
    )


def _span_rows(
    session: Session,
    scheme: Scheme,
    agreed_by_doc: Mapping[int, Mapping[Key3, Mapping[str, SpanView]]],
    gold_docs: Mapping[int, DocData],
    ext: Mapping[int, str],
    problems: list[str],
) -> list[dict[str, Any]]:
    """Gold span rows for the agreed spans gold lacks and the rules allow."""
    gold_id = ann_repo.ensure_annotator(session, Layer.GOLD, role="reviewer")
    entity_ids = {entity_value(e.name, e.type): e.id for e in registry_repo.list_entities(session)}
    lengths = doc_repo.text_lengths(session, list(agreed_by_doc))
    rows: list[dict[str, Any]] = []
    for doc_id, agreed in agreed_by_doc.items():
        have = (
            {(s.start, s.end, s.label) for s in gold_docs[doc_id].spans}
            if doc_id in gold_docs
            else set()
        )
        for key, views in agreed.items():
            if key in have:
                continue
            attrs: dict[str, Any] = {}
            for name in sorted({n for v in views.values() for n, _ in v.attrs}):
                ok, value = _merged_value(dict(v.attrs).get(name) for v in views.values())
                if ok and value is not None:
                    attrs[name] = value
            try:
                check_span_values(scheme, lengths.get(doc_id, 0), *key, attrs)
            except ValidationError as exc:
                problems.append(f"{ext[doc_id]}: span {_where(key)}: {exc.message}")
                continue
            ok, ent = _merged_value(v.entity for v in views.values())
            rows.append(
                {
                    "document_id": doc_id,
                    "annotator_id": gold_id,
                    "start": key[0],
                    "end": key[1],
                    "label": key[2],
                    "attrs": attrs,
                    "entity_id": entity_ids.get(ent) if ok else None,
                    "origin": ORIGIN,
                }
            )
    return rows


def _relation_rows(
    session: Session,
    scheme: Scheme,
    layers: Mapping[int, Mapping[str, DocData]],
    agreed_by_doc: Mapping[int, Mapping[Key3, Mapping[str, SpanView]]],
    gold_span_ids: Mapping[tuple[int, Key3], int],
    ext: Mapping[int, str],
    problems: list[str],
) -> list[dict[str, Any]]:
    """Gold relation rows for the relations every annotator drew between agreed spans that are
    in gold, that gold lacks and the rules allow (``document_id`` says where each belongs)."""
    existing = {
        (r.head_id, r.tail_id, r.label)
        for r in span_repo.relations_of_spans(session, list(gold_span_ids.values()))
    }
    rows: list[dict[str, Any]] = []
    for doc_id, doc_layers in layers.items():
        agreed = agreed_by_doc[doc_id]
        indexes = [rel_index(d) for d in doc_layers.values()]
        for (hk, tk), labels in indexes[0].items():
            if hk not in agreed or tk not in agreed:
                continue
            for label in sorted(
                labels.intersection(*(ix.get((hk, tk), set()) for ix in indexes[1:]))
            ):
                head, tail = gold_span_ids.get((doc_id, hk)), gold_span_ids.get((doc_id, tk))
                if head is None or tail is None or (head, tail, label) in existing:
                    continue
                try:
                    if head == tail:
                        raise ValidationError("a relation cannot link a span to itself")
                    check_relation_labels(scheme, label, hk[2], tk[2])
                except ValidationError as exc:
                    problems.append(
                        f"{ext[doc_id]}: relation {label} {_where(hk)} -> {_where(tk)}: "
                        f"{exc.message}"
                    )
                    continue
                existing.add((head, tail, label))
                rows.append(
                    {
                        "document_id": doc_id,
                        "head_id": head,
                        "tail_id": tail,
                        "label": label,
                        "origin": ORIGIN,
                    }
                )
    return rows


def _where(key: Key3) -> str:
    return f"[{key[0]}, {key[1]}) {key[2]}"


def _settled_items(
    session: Session,
    layers: Mapping[int, Mapping[str, DocData]],
    gold_docs: Mapping[int, DocData],
    created: set[tuple[int, Key3]],
    reviewer: str,
    token: str,
) -> tuple[list[str], list[dict[str, Any]]]:
    """The keys of the unanimous items now settled in gold, and their decision events (a span
    created here carries the merged value; one that existed already must hold it)."""
    decided = decisions(session, list(layers))
    keys: list[str] = []
    log_rows: list[dict[str, Any]] = []
    for item in disagreements(layers, gold_docs):
        if not item.unanimous:
            continue
        info = decided.get(item.key)
        if info is not None and info.inputs == item.inputs:
            continue
        ok, value = _merged_value(item.versions.values())
        if ok and (
            (item.doc_id, (item.start, item.end, item.label)) in created or item.gold == value
        ):
            keys.append(item.key)
            log_rows.append(
                {
                    "actor": reviewer,
                    "action": ACTION,
                    "document_id": item.doc_id,
                    "target": f"adj:{item.key}"[:64],
                    "after": {
                        "key": item.key,
                        "kind": item.kind,
                        "choice": UNANIMOUS,
                        "version": value,
                        "inputs": item.inputs,
                        "token": token,
                    },
                }
            )
    return keys, log_rows


def _edit_events(
    reviewer: str,
    rows: Sequence[Mapping[str, Any]],
    span_ids: Sequence[int],
    rel_rows: Sequence[Mapping[str, Any]],
    rel_ids: Sequence[int],
) -> list[dict[str, Any]]:
    """The event-log rows of the spans and relations written, as editing logs them, with the
    reviewer as the user who made them."""
    out: list[dict[str, Any]] = [
        {
            "actor": reviewer,
            "action": EventAction.SPAN_ADD,
            "document_id": r["document_id"],
            "target": f"span:{sid}",
            "after": {k: r[k] for k in ("start", "end", "label", "attrs", "entity_id", "origin")},
        }
        for r, sid in zip(rows, span_ids, strict=True)
    ]
    out.extend(
        {
            "actor": reviewer,
            "action": EventAction.RELATION_ADD,
            "document_id": r["document_id"],
            "target": f"relation:{rid}",
            "after": {"head": r["head_id"], "tail": r["tail_id"], "label": r["label"]},
        }
        for r, rid in zip(rel_rows, rel_ids, strict=True)
    )
    return out
