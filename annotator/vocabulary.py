"""The domain's words, named once: layers, statuses, suggestion states, event actions, origins.

Values are the strings stored in project files and written in native JSONL, so a ``StrEnum``
member compares equal to (and serialises as) the plain string. The stored ones are defined in
``storage.vocabulary`` (``storage`` may not import ``annotator``) and re-exported here.
"""

from __future__ import annotations

from enum import StrEnum

from storage.vocabulary import (
    SQL_BATCH_LIMIT,
    AnnotatorRole,
    AssignmentStatus,
    EventAction,
    Origin,
    SuggestionState,
    adjudication_origin,
)

__all__ = [
    "SPANS_KEY",
    "SQL_BATCH_LIMIT",
    "AnnotatorRole",
    "AssignmentStatus",
    "EventAction",
    "Layer",
    "Origin",
    "SuggestionState",
    "adjudication_origin",
]


class Layer(StrEnum):
    """Layers with a fixed meaning; any other layer name is an annotator's."""

    GOLD = "gold"  # the adjudicated layer, owned by the reserved annotator ``gold``
    MAJORITY = "majority"  # computed on export: spans most annotators agree on
    SUGGESTIONS = "suggestions"  # the pending model suggestions


# The spaCy span group holding every span (DocBin export/import, spancat training).
SPANS_KEY = "sc"
