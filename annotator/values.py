"""Plain values exchanged between formats, services and the GUI.

Offsets are ``[start, end)`` in Unicode code points of the document text (DESIGN.md contract).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

AttrValue = str | int | float | bool


@dataclass(frozen=True, slots=True)
class SpanData:
    """A labelled span of one document, as read from or written to a file."""

    id: str
    start: int
    end: int
    label: str
    attrs: Mapping[str, AttrValue] = field(default_factory=dict)
    entity: str | None = None  # canonical name of the linked actor, if any
    entity_type: str | None = None


@dataclass(frozen=True, slots=True)
class RelationData:
    """A directed, labelled link between two spans of the same document (ids of SpanData)."""

    id: str
    label: str
    head: str
    tail: str


@dataclass(frozen=True, slots=True)
class DocData:
    """A document with one layer of annotations; what importers yield and exporters take."""

    id: str
    text: str
    meta: Mapping[str, Any] = field(default_factory=dict)
    spans: tuple[SpanData, ...] = ()
    relations: tuple[RelationData, ...] = ()
    layer: str | None = None
    source_path: str | None = None  # file the record came from (for error messages)
    source_line: int | None = None  # 1-based line in that file
    # True: the record carries an annotation of this layer, possibly with no span at all
    # (annotated-empty, a negative example); False: text only, nobody annotated it; None: decided
    # by the record's spans and layer (readers that cannot tell).
    annotated: bool | None = None


def is_annotated(doc: DocData) -> bool:
    """Whether ``doc`` belongs to its layer even without spans (see ``DocData.annotated``)."""
    if doc.annotated is not None:
        return doc.annotated
    return bool(doc.spans) or doc.layer is not None


def span_text(doc: DocData, span: SpanData) -> str:
    return doc.text[span.start : span.end]
