"""Read-only queries the window needs, each one meaning (``app`` never imports ``storage``).

Every function takes an open session (``Project.session()``) and returns frozen records of
:mod:`annotator.records`. The window calls them from the worker thread.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy.orm import Session

from annotator.errors import NotFound
from storage.records import DocumentRecord, DocumentSummary, RelationRecord, SpanRecord
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo


def document(session: Session, doc_id: int) -> DocumentRecord:
    """The document ``doc_id``; raises NotFound when there is none."""
    doc = doc_repo.get_document(session, doc_id)
    if doc is None:
        raise NotFound(f"no document with id {doc_id}")
    return doc


def documents(session: Session, doc_ids: Collection[int]) -> list[DocumentRecord]:
    """The documents of ``doc_ids`` (those that exist), in id order."""
    return doc_repo.get_documents(session, doc_ids)


def document_summaries(session: Session, annotator: str) -> list[DocumentSummary]:
    """The document list's rows, with ``annotator``'s statuses and span counts."""
    return doc_repo.document_summaries(session, annotator)


def layer_spans(session: Session, doc_id: int, layer: str) -> list[SpanRecord]:
    """The spans of one document in one layer."""
    return span_repo.spans_of(session, document_id=doc_id, annotator=layer)


def layer_relations(session: Session, doc_id: int, layer: str) -> list[RelationRecord]:
    """The relations of one document in one layer."""
    return span_repo.relations_of(session, document_id=doc_id, annotator=layer)


def span_range(session: Session, span_id: int, doc_id: int) -> tuple[int, int] | None:
    """Where span ``span_id`` (of any layer) lies in document ``doc_id``; None when it is not
    a span of that document."""
    span = span_repo.get_span(session, span_id)
    if span is None or span.document_id != doc_id:
        return None
    return span.start, span.end


def assignment_progress(session: Session, doc_id: int, annotator: str) -> tuple[str, float]:
    """The status of ``annotator``'s assignment of the document and the active seconds spent
    on it; ``("", 0.0)`` when it is not assigned."""
    status, seconds = "", 0.0
    for a in ann_repo.assignments(session, annotator=annotator, document_id=doc_id):
        status, seconds = a.status, a.seconds_spent or 0.0
    return status, seconds
