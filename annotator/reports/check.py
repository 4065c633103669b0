"""Integrity check of a project: every span and relation against the text and the scheme."""

from __future__ import annotations

import hashlib
from collections import defaultdict

from sqlalchemy.orm import Session

from annotator.errors import ValidationError
from annotator.scheme import Scheme
from annotator.validation import Problem, check_relation_labels, check_span_values, missing_roles
from annotator.values import RelationData, SpanData
from storage.db import foreign_objects
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo


def check_project(session: Session, scheme: Scheme) -> list[tuple[str, Problem]]:
    """(where, problem) for every problem found; errors first, then warnings."""
    found: list[tuple[str, Problem]] = []
    sqlite = session.get_bind().dialect.name == "sqlite"  # a server keeps its own catalogue
    for kind, name in foreign_objects(session.connection()) if sqlite else []:
        found.append(
            (
                f"{kind} {name}",
                Problem(
                    "error",
                    "not created by News Annotator (a planted object can run its own code on "
                    "our queries; remove it or refuse the file)",
                ),
            )
        )
    docs = {d.id: d for d in doc_repo.get_documents(session)}
    for doc in docs.values():
        if hashlib.sha256(doc.text.encode("utf-8")).hexdigest() != doc.sha256:
            found.append(
                (
                    f"document {doc.external_id}",
                    Problem("error", "text does not match its stored hash"),
                )
            )
    spans = span_repo.spans_of(session)
    by_id = {s.id: s for s in spans}
    layer_spans: dict[tuple[int, str], list[SpanData]] = defaultdict(list)
    for s in spans:
        doc = docs[s.document_id]
        where = f"document {doc.external_id}, layer {s.annotator}, span {s.id}"
        try:
            check_span_values(scheme, len(doc.text), s.start, s.end, s.label, s.attrs)
        except ValidationError as exc:
            found.append((where, Problem("error", exc.message)))
        layer_spans[(s.document_id, s.annotator)].append(
            SpanData(str(s.id), s.start, s.end, s.label, s.attrs)
        )
    layer_rels: dict[tuple[int, str], list[RelationData]] = defaultdict(list)
    for r in span_repo.relations_of(session):
        head, tail = by_id.get(r.head_id), by_id.get(r.tail_id)
        if head is None or tail is None:
            found.append((f"relation {r.id}", Problem("error", "points to a missing span")))
            continue
        if (head.document_id, head.annotator) != (tail.document_id, tail.annotator):
            found.append((f"relation {r.id}", Problem("error", "links two layers or documents")))
            continue
        try:
            check_relation_labels(scheme, r.label, head.label, tail.label)
        except ValidationError as exc:
            found.append((f"relation {r.id}", Problem("error", exc.message)))
        layer_rels[(head.document_id, head.annotator)].append(
            RelationData(str(r.id), r.label, str(r.head_id), str(r.tail_id))
        )
    for key, items in layer_spans.items():
        doc = docs[key[0]]
        for problem in missing_roles(scheme, items, layer_rels.get(key, [])):
            found.append((f"document {doc.external_id}, layer {key[1]}", problem))
    found.sort(key=lambda item: item[1].severity != "error")
    return found
