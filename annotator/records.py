"""The frozen records the storage layer hands out, under the name the window imports them by.

``app`` reaches storage only through ``annotator`` (an import-linter contract), so the record
types it displays are re-exported here; they are plain frozen dataclasses, never ORM objects.
Importing this module does not import SQLAlchemy.
"""

from __future__ import annotations

from storage.records import (
    AnnotatorRecord,
    AssignmentRecord,
    DocumentRecord,
    DocumentSummary,
    EntityRecord,
    EventRecord,
    RelationRecord,
    SpanRecord,
    SuggestionRecord,
    SuggestionRelationRecord,
)

__all__ = [
    "AnnotatorRecord",
    "AssignmentRecord",
    "DocumentRecord",
    "DocumentSummary",
    "EntityRecord",
    "EventRecord",
    "RelationRecord",
    "SpanRecord",
    "SuggestionRecord",
    "SuggestionRelationRecord",
]
