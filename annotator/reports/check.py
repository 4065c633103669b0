"""Integrity check of a project: every span and relation against the text and the scheme.

Documents are checked a batch at a time (``BATCH`` documents with their spans and the relations
from them), so memory stays flat whatever the corpus size; problems are listed in the same order
as if the whole corpus were read at once.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from sqlalchemy.orm import Session

from annotator.errors import ValidationError
from annotator.scheme import Scheme
from annotator.validation import Problem, check_relation_labels, check_span_values, missing_roles
from annotator.values import RelationData, SpanData
from storage.db import foreign_objects
from storage.records import SpanRecord
from storage.repository import documents as doc_repo
from storage.repository import integrity
from storage.repository import spans as span_repo

BATCH = 2000  # documents read at a time
SKIPPED_WHEN_DAMAGED = (
    "the other checks were skipped: they read the values above; restore the file from a backup "
    "or delete those rows"
)

Found = list[tuple[str, Problem]]


def check_project(session: Session, scheme: Scheme) -> Found:
    """(where, problem) for every problem found; errors first, then warnings."""
    found: Found = []
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
    damaged = integrity.unreadable_json(session)
    for table, column, key in damaged:
        found.append(
            (
                f"{table} {key}",
                Problem("error", f"its {column} value is not valid JSON (damaged file)"),
            )
        )
    if damaged:  # every other check reads these values
        found.append(("project", Problem("warning", SKIPPED_WHEN_DAMAGED)))
        return found
    texts: Found = []
    spans: Found = []
    relations: list[tuple[int, str, Problem]] = [
        (rel_id, f"relation {rel_id}", Problem("error", "points to a missing span"))
        for rel_id in span_repo.relations_without_head(session)
    ]
    roles: Found = []
    for doc_ids in doc_repo.document_id_batches(session, BATCH):
        _check_batch(session, scheme, doc_ids, texts, spans, relations, roles)
    relations.sort(key=lambda item: item[0])
    found += texts + spans + [(where, problem) for _, where, problem in relations] + roles
    found.sort(key=lambda item: item[1].severity != "error")
    return found


def _check_batch(
    session: Session,
    scheme: Scheme,
    doc_ids: list[int],
    texts: Found,
    spans: Found,
    relations: list[tuple[int, str, Problem]],
    roles: Found,
) -> None:
    docs: dict[int, tuple[str, int]] = {}  # id -> (external id, text length)
    for doc_id, external_id, text, sha in doc_repo.texts_and_hashes(session, doc_ids):
        docs[doc_id] = (external_id, len(text))
        if hashlib.sha256(text.encode("utf-8")).hexdigest() != sha:
            texts.append(
                (f"document {external_id}", Problem("error", "text does not match its stored hash"))
            )
    records = span_repo.spans_of(session, doc_ids=doc_ids)
    by_id: dict[int, SpanRecord] = {s.id: s for s in records}
    layer_spans: dict[tuple[int, str], list[SpanData]] = defaultdict(list)
    for s in records:
        external_id, length = docs[s.document_id]
        where = f"document {external_id}, layer {s.annotator}, span {s.id}"
        try:
            check_span_values(scheme, length, s.start, s.end, s.label, s.attrs)
        except ValidationError as exc:
            spans.append((where, Problem("error", exc.message)))
        layer_spans[(s.document_id, s.annotator)].append(
            SpanData(str(s.id), s.start, s.end, s.label, s.attrs)
        )
    layer_rels: dict[tuple[int, str], list[RelationData]] = defaultdict(list)
    for r in span_repo.relations_of(session, doc_ids=doc_ids):
        head, tail = by_id[r.head_id], by_id.get(r.tail_id)
        if tail is None:  # in another document, or missing
            tail = span_repo.get_span(session, r.tail_id)
        where = f"relation {r.id}"
        if tail is None:
            relations.append((r.id, where, Problem("error", "points to a missing span")))
            continue
        if (head.document_id, head.annotator) != (tail.document_id, tail.annotator):
            relations.append((r.id, where, Problem("error", "links two layers or documents")))
            continue
        try:
            check_relation_labels(scheme, r.label, head.label, tail.label)
        except ValidationError as exc:
            relations.append((r.id, where, Problem("error", exc.message)))
        layer_rels[(head.document_id, head.annotator)].append(
            RelationData(str(r.id), r.label, str(r.head_id), str(r.tail_id))
        )
    for key, items in layer_spans.items():
        for problem in missing_roles(scheme, items, layer_rels.get(key, [])):
            roles.append((f"document {docs[key[0]][0]}, layer {key[1]}", problem))
