"""Read-only queries behind the window's search and status bar."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage.models import Annotator, Document, Span


def documents_containing(
    session: Session, needle: str, limit: int = 500
) -> list[tuple[int, str, str]]:
    """(id, title, text) of documents whose text or title contains ``needle``
    (case-insensitive for ASCII), in id order."""
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = "%" + escaped + "%"
    stmt = (
        select(Document.id, Document.title, Document.text)
        .where(
            Document.text.ilike(pattern, escape="\\") | Document.title.ilike(pattern, escape="\\")
        )
        .order_by(Document.id)
        .limit(limit)
    )
    return [(doc_id, title, text) for doc_id, title, text in session.execute(stmt)]


def span_count(session: Session, doc_id: int, annotator: str) -> int:
    stmt = (
        select(func.count(Span.id))
        .join(Annotator, Annotator.id == Span.annotator_id)
        .where(Span.document_id == doc_id, Annotator.name == annotator)
    )
    return session.scalar(stmt) or 0
