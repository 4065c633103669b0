"""Frozen records: what the storage layer hands out instead of ORM objects."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from storage.vocabulary import Origin


@dataclass(frozen=True, slots=True)
class DocumentRecord:
    id: int
    external_id: str
    title: str
    source: str
    url: str
    published: str | None
    text: str
    sha256: str
    meta: dict[str, Any] = field(default_factory=dict)
    imported_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class DocumentSummary:
    """A row of the document list: no text, counts precomputed."""

    id: int
    external_id: str
    title: str
    source: str
    published: str | None
    length: int
    span_count: int
    status: str  # status for the annotator asked about ("" when not assigned)


@dataclass(frozen=True, slots=True)
class AnnotatorRecord:
    id: int
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class SpanRecord:
    id: int
    document_id: int
    annotator: str
    start: int
    end: int
    label: str
    attrs: dict[str, Any]
    entity_id: int | None
    origin: str


@dataclass(frozen=True, slots=True)
class RelationRecord:
    id: int
    head_id: int
    tail_id: int
    label: str
    origin: str = Origin.MANUAL


@dataclass(frozen=True, slots=True)
class EntityRecord:
    id: int
    name: str
    type: str
    aliases: tuple[str, ...] = ()
    external_id: str | None = None
    mention_count: int = 0
    document_count: int = 0


@dataclass(frozen=True, slots=True)
class SuggestionRecord:
    id: int
    document_id: int
    start: int
    end: int
    label: str
    attrs: dict[str, Any]
    entity_id: int | None
    model: str
    score: float
    state: str


@dataclass(frozen=True, slots=True)
class SuggestionRelationRecord:
    id: int
    head_id: int
    tail_id: int
    label: str
    score: float
    state: str


@dataclass(frozen=True, slots=True)
class AssignmentRecord:
    id: int
    document_id: int
    annotator: str
    status: str
    seconds_spent: float
    updated_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class EventRecord:
    id: int
    at: datetime
    actor: str
    action: str
    document_id: int | None
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
