"""The annotations of the open document, held in memory for the article view.

Undo commands update this state with the exact change they made (one span, one relation), so
the article view re-formats only the text blocks that change and never reloads the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:  # the window paints before the database modules are imported
    from sqlalchemy.orm import Session

    from annotator.records import DocumentRecord, RelationRecord, SpanRecord, SuggestionRecord
    from annotator.services import SuggestedLink


Key = tuple[str, int]  # ("s", span id) or ("g", suggestion id), as the article view names items


@dataclass
class DocumentContent:
    """Everything the article view shows for one document and one annotator."""

    document: DocumentRecord
    annotator: str
    spans: dict[int, SpanRecord] = field(default_factory=dict)
    relations: dict[int, RelationRecord] = field(default_factory=dict)
    suggestions: dict[int, SuggestionRecord] = field(default_factory=dict)
    status: str = ""
    seconds: float = 0.0  # active editing time recorded for this document and layer
    # pending suggested relations (claimants, roles) by suggested relation id
    links: dict[int, SuggestedLink] = field(default_factory=dict)


def load_content(session: Session, doc_id: int, annotator: str) -> DocumentContent:
    """Read one document with the annotator's spans, relations and pending suggestions."""
    from annotator import reads
    from annotator.services import pending_suggestions, suggested_links

    doc = reads.document(session, doc_id)
    spans = {s.id: s for s in reads.layer_spans(session, doc_id, annotator)}
    rels = {r.id: r for r in reads.layer_relations(session, doc_id, annotator)}
    suggs = {s.id: s for s in pending_suggestions(session, doc_id, annotator)}
    links = {link.id: link for link in suggested_links(session, doc_id, annotator)}
    status, seconds = reads.assignment_progress(session, doc_id, annotator)
    return DocumentContent(doc, annotator, spans, rels, suggs, status, seconds, links)


class DocumentState(QObject):
    """The open document's annotations; emits the text ranges that changed.

    Signals:
        loaded(): a new document (or a full reload) is in place.
        items_changed(list[tuple[str, int]]): keys ("s", span id) or ("g", suggestion id) of
            items added, changed or removed (look them up again to know which).
        relations_changed(): relations or suggested relations were added or removed.
        status_changed(str): the annotator's status of the document.
        status_set(int, str, str): document id, layer and new status of any document, shown
            or not (an undone "Done" of a document left behind).
    """

    loaded = Signal()
    items_changed = Signal(list)
    relations_changed = Signal()
    status_changed = Signal(str)
    status_set = Signal(int, str, str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.content: DocumentContent | None = None
        # (doc id, layer) changed by commands of this window, not yet seen by the window
        self._local_changes: list[tuple[int, str]] = []

    @property
    def doc_id(self) -> int | None:
        return self.content.document.id if self.content else None

    def set_content(self, content: DocumentContent | None) -> None:
        self.content = content
        self.loaded.emit()

    def spans(self) -> dict[int, SpanRecord]:
        return self.content.spans if self.content else {}

    def relations(self) -> dict[int, RelationRecord]:
        return self.content.relations if self.content else {}

    def suggestions(self) -> dict[int, SuggestionRecord]:
        return self.content.suggestions if self.content else {}

    def relations_of_span(self, span_id: int) -> list[RelationRecord]:
        return [r for r in self.relations().values() if span_id in (r.head_id, r.tail_id)]

    def links(self) -> dict[int, SuggestedLink]:
        """Every pending suggested relation of the document, by id (see :meth:`link_ends`)."""
        return self.content.links if self.content else {}

    def link_ends(self, link: SuggestedLink) -> tuple[Key, Key] | None:
        """The items a suggested relation links, as shown: ("g", suggestion id) for a pending
        suggestion, ("s", span id) for a span of the layer; None when an end is not shown."""
        ends: list[Key] = []
        for span_id, sugg_id in ((link.head_span, link.head_id), (link.tail_span, link.tail_id)):
            key: Key = ("s", span_id) if span_id is not None else ("g", sugg_id)
            shown = self.spans() if key[0] == "s" else self.suggestions()
            if key[1] not in shown:
                return None
            ends.append(key)
        return ends[0], ends[1]

    def shown_links(self) -> list[tuple[SuggestedLink, Key, Key]]:
        """The suggested relations whose two ends are shown, each with its (head, tail)."""
        out = []
        for link in self.links().values():
            ends = self.link_ends(link)
            if ends is not None:
                out.append((link, ends[0], ends[1]))
        return out

    def links_of(self, key: Key) -> list[tuple[SuggestedLink, Key, Key]]:
        """The suggested relations shown at an item, each with its (head, tail) items."""
        return [entry for entry in self.shown_links() if key in entry[1:]]

    # ------------------------------------------------------------ updates from commands

    @property
    def layer(self) -> str | None:
        return self.content.annotator if self.content else None

    def is_current(self, doc_id: int, layer: str | None = None) -> bool:
        """Whether ``doc_id`` (in ``layer``, when given) is the document shown."""
        return (
            self.content is not None
            and self.content.document.id == doc_id
            and (layer is None or self.content.annotator == layer)
        )

    def mark_local(self, doc_id: int, layer: str = "") -> None:
        """A command changed ``doc_id`` in ``layer`` and updated this state itself when that
        document and layer are shown (no reload needed)."""
        self._local_changes.append((doc_id, layer))

    def consume_local(self, doc_id: int) -> str | None:
        """The layer (once) if the change to ``doc_id`` came from a command of this window,
        else None."""
        for entry in self._local_changes:
            if entry[0] == doc_id:
                self._local_changes.remove(entry)
                return entry[1]
        return None

    def put_span(self, span: SpanRecord) -> None:
        if not self.is_current(span.document_id, span.annotator) or self.content is None:
            return
        self.content.spans[span.id] = span
        self.items_changed.emit([("s", span.id)])

    def remove_span(self, span_id: int) -> None:
        if self.content is None:
            return
        old = self.content.spans.pop(span_id, None)
        if old is None:
            return
        keys = [("s", span_id)]
        for rid in [r.id for r in self.relations_of_span(span_id)]:
            rel = self.content.relations.pop(rid)
            keys.extend(self._ends(rel))
        self.items_changed.emit(keys)
        self.relations_changed.emit()

    def put_relation(self, rel: RelationRecord) -> None:
        if self.content is None or rel.head_id not in self.content.spans:
            return
        self.content.relations[rel.id] = rel
        self.items_changed.emit(self._ends(rel))
        self.relations_changed.emit()

    def remove_relation(self, relation_id: int) -> None:
        if self.content is None:
            return
        rel = self.content.relations.pop(relation_id, None)
        if rel is not None:
            self.items_changed.emit(self._ends(rel))
            self.relations_changed.emit()

    def put_suggestion(self, sugg: SuggestionRecord) -> None:
        if not self.is_current(sugg.document_id) or self.content is None:
            return
        self.content.suggestions[sugg.id] = sugg
        self.items_changed.emit([("g", sugg.id)])

    def remove_suggestion(self, suggestion_id: int) -> None:
        if self.content is None:
            return
        old = self.content.suggestions.pop(suggestion_id, None)
        if old is not None:
            self.items_changed.emit([("g", suggestion_id)])

    def set_links(self, doc_id: int, layer: str, links: list[SuggestedLink]) -> None:
        """The suggested relations of ``doc_id`` as ``layer`` sees them after a change."""
        if self.content is None or not self.is_current(doc_id, layer):
            return
        self.content.links = {link.id: link for link in links}
        self.relations_changed.emit()

    def set_status(self, doc_id: int, status: str, layer: str | None = None) -> None:
        if self.content is not None and self.is_current(doc_id, layer):
            self.content.status = status
            self.status_changed.emit(status)
        if layer is not None:
            self.status_set.emit(doc_id, layer, status)

    def add_seconds(self, doc_id: int, layer: str, seconds: float) -> None:
        """Editing time written for ``doc_id`` in ``layer`` (shown in the status bar)."""
        if self.content is not None and self.is_current(doc_id, layer):
            self.content.seconds += seconds

    def _ends(self, rel: RelationRecord) -> list[tuple[str, int]]:
        return [("s", sid) for sid in (rel.head_id, rel.tail_id) if sid in self.spans()]
