"""Read-only queries for the desktop window (search, mentions with context)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage.repository import documents as doc_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo


@dataclass(frozen=True, slots=True)
class TextHit:
    document_id: int
    title: str
    start: int  # code-point offset of the first match
    snippet: str


def snippet(text: str, start: int, end: int, width: int = 40) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    out = text[left:right].replace("\r", " ").replace("\n", " ")
    return ("…" if left else "") + out + ("…" if right < len(text) else "")


def search_documents(session: Session, needle: str, limit: int = 500) -> list[TextHit]:
    """Documents whose text or title contains ``needle`` (case-insensitive for ASCII)."""
    needle = needle.strip()
    if not needle:
        return []
    hits = []
    low = needle.lower()
    for doc_id, title, text in doc_repo.documents_containing(session, needle, limit):
        pos = text.lower().find(low)
        start = max(pos, 0)
        hits.append(
            TextHit(
                doc_id,
                title or f"#{doc_id}",
                start,
                snippet(text, start, start + len(needle)) if pos >= 0 else "",
            )
        )
    return hits


@dataclass(frozen=True, slots=True)
class Mention:
    span_id: int
    document_id: int
    title: str
    snippet: str
    annotator: str
    start: int


def mentions_with_context(session: Session, entity_id: int, limit: int = 2000) -> list[Mention]:
    spans = registry_repo.entity_mentions(session, entity_id)[:limit]
    docs = {d.id: d for d in doc_repo.get_documents(session, {s.document_id for s in spans})}
    out = []
    for sp in spans:
        doc = docs.get(sp.document_id)
        if doc is None:
            continue
        out.append(
            Mention(
                sp.id,
                sp.document_id,
                doc.title or doc.external_id,
                snippet(doc.text, sp.start, sp.end),
                sp.annotator,
                sp.start,
            )
        )
    return out


def document_span_count(session: Session, doc_id: int, annotator: str) -> int:
    return span_repo.span_count(session, doc_id, annotator)
