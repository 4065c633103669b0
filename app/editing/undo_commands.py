"""Undoable edits. Each command calls the annotator services with ids and values, in one
session per step, updates the in-memory document state and emits ``document_changed``.

Commands never touch widgets. Use :func:`push` to run one: the first application happens
before the command enters the undo stack, so a refused edit raises to the caller (who shows
the message) and leaves nothing on the stack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from PySide6.QtGui import QUndoCommand

from annotator import services
from annotator.errors import AnnotatorError
from annotator.services import SpanSnapshot
from app.context import AppContext
from storage import repository as repo
from storage.records import RelationRecord, SpanRecord


class EditCommand(QUndoCommand):
    """Base class: subclasses implement ``_apply`` and ``_revert``.

    A command edits the layer shown when it was made (``layer``), whatever the window shows
    when it is undone or redone; ``actor`` (the user) is recorded in the event log.
    """

    def __init__(self, context: AppContext, doc_id: int, text: str) -> None:
        super().__init__(text)
        self.context = context
        self.doc_id = doc_id
        self.layer = context.layer
        self.actor = context.user
        self._skip_first_redo = False

    @property
    def _scheme(self) -> Any:
        return self.context.project.scheme

    def _apply(self) -> None:
        raise NotImplementedError

    def _revert(self) -> None:
        raise NotImplementedError

    def _changed(self) -> None:
        self.context.doc_state.mark_local(self.doc_id, self.layer)
        self.context.document_changed.emit(self.doc_id)

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        self._guarded(self._apply)

    def undo(self) -> None:
        self._guarded(self._revert)

    def _guarded(self, step: Any) -> None:
        try:
            step()
        except AnnotatorError as exc:
            self.context.edit_failed.emit(exc.one_line())
            return
        self._changed()


def push(context: AppContext, command: EditCommand) -> None:
    """Apply ``command`` now and put it on the undo stack; raise AnnotatorError if refused
    (a project open read-only, or another annotator's layer)."""
    refusal = context.refusal(command.layer)
    if refusal:
        raise AnnotatorError(refusal)
    command._apply()
    command._skip_first_redo = True
    context.undo_stack.push(command)
    command._changed()


# ---------------------------------------------------------------- spans


class AddSpanCommand(EditCommand):
    def __init__(
        self,
        context: AppContext,
        doc_id: int,
        start: int,
        end: int,
        label: str,
        attrs: Mapping[str, Any] | None = None,
        entity_id: int | None = None,
    ) -> None:
        super().__init__(context, doc_id, f"Add {label}")
        self.start, self.end, self.label = start, end, label
        self.attrs = dict(attrs or {})
        self.entity_id = entity_id
        self.span_id: int | None = None

    def _apply(self) -> None:
        with self.context.project.session(write=True) as s:
            self.span_id = services.add_span(
                s,
                self._scheme,
                self.doc_id,
                self.layer,
                self.start,
                self.end,
                self.label,
                self.attrs,
                self.entity_id,
                span_id=self.span_id,
                actor=self.actor,
            )
            rec = repo.get_span(s, self.span_id)
        if rec is not None:
            self.context.doc_state.put_span(rec)

    def _revert(self) -> None:
        assert self.span_id is not None
        with self.context.project.session(write=True) as s:
            services.delete_span(s, self.span_id, self.actor)
        self.context.doc_state.remove_span(self.span_id)


class DeleteSpanCommand(EditCommand):
    def __init__(self, context: AppContext, doc_id: int, span_id: int) -> None:
        super().__init__(context, doc_id, "Delete span")
        self.span_id = span_id
        self.snapshot: SpanSnapshot | None = None

    def _apply(self) -> None:
        with self.context.project.session(write=True) as s:
            self.snapshot = services.delete_span(s, self.span_id, self.actor)
        self.context.doc_state.remove_span(self.span_id)

    def _revert(self) -> None:
        assert self.snapshot is not None
        with self.context.project.session(write=True) as s:
            # a new id when another writer took the old one while the span was deleted
            self.span_id = services.restore_span(s, self.snapshot, self.actor)
            rec = repo.get_span(s, self.span_id)
            rels = repo.relations_of_spans(s, [self.span_id])
        state = self.context.doc_state
        if rec is not None:
            state.put_span(rec)
        for rel in rels:
            state.put_relation(rel)


class _UpdateSpanCommand(EditCommand):
    """Change some fields of a span; undo writes back the span as it was."""

    def __init__(
        self, context: AppContext, doc_id: int, span_id: int, text: str, **values: Any
    ) -> None:
        super().__init__(context, doc_id, text)
        self.span_id = span_id
        self.values = values
        self.before: SpanRecord | None = None

    def _write(self, **values: Any) -> SpanRecord:
        with self.context.project.session(write=True) as s:
            before = services.update_span(s, self._scheme, self.span_id, self.actor, **values)
            rec = repo.get_span(s, self.span_id)
        if rec is not None:
            self.context.doc_state.put_span(rec)
        return before

    def _apply(self) -> None:
        self.before = self._write(**self.values)

    def _revert(self) -> None:
        b = self.before
        assert b is not None
        self._write(start=b.start, end=b.end, label=b.label, attrs=b.attrs, entity_id=b.entity_id)


class RelabelSpanCommand(_UpdateSpanCommand):
    def __init__(self, context: AppContext, doc_id: int, span_id: int, label: str) -> None:
        super().__init__(context, doc_id, span_id, f"Relabel as {label}", label=label)


class SetAttributesCommand(_UpdateSpanCommand):
    def __init__(
        self, context: AppContext, doc_id: int, span_id: int, attrs: Mapping[str, Any]
    ) -> None:
        super().__init__(context, doc_id, span_id, "Set attributes", attrs=dict(attrs))


class ResizeSpanCommand(_UpdateSpanCommand):
    def __init__(
        self, context: AppContext, doc_id: int, span_id: int, start: int, end: int
    ) -> None:
        super().__init__(context, doc_id, span_id, "Resize span", start=start, end=end)


class LinkEntityCommand(_UpdateSpanCommand):
    """Link a span to an actor of the registry (``None`` unlinks)."""

    def __init__(
        self, context: AppContext, doc_id: int, span_id: int, entity_id: int | None
    ) -> None:
        super().__init__(context, doc_id, span_id, "Link actor", entity_id=entity_id)


# ---------------------------------------------------------------- relations


class AddRelationCommand(EditCommand):
    def __init__(
        self, context: AppContext, doc_id: int, head_id: int, tail_id: int, label: str
    ) -> None:
        super().__init__(context, doc_id, f"Link {label}")
        self.head_id, self.tail_id, self.label = head_id, tail_id, label
        self.relation_id: int | None = None

    def _apply(self) -> None:
        with self.context.project.session(write=True) as s:
            self.relation_id = services.add_relation(
                s,
                self._scheme,
                self.head_id,
                self.tail_id,
                self.label,
                self.actor,
                relation_id=self.relation_id,
            )
            rel = repo.get_relation(s, self.relation_id)
        if rel is not None:
            self.context.doc_state.put_relation(rel)

    def _revert(self) -> None:
        assert self.relation_id is not None
        with self.context.project.session(write=True) as s:
            services.delete_relation(s, self.relation_id, self.actor)
        self.context.doc_state.remove_relation(self.relation_id)


class DeleteRelationCommand(EditCommand):
    def __init__(self, context: AppContext, doc_id: int, relation_id: int) -> None:
        super().__init__(context, doc_id, "Remove link")
        self.relation_id = relation_id
        self.before: RelationRecord | None = None

    def _apply(self) -> None:
        with self.context.project.session(write=True) as s:
            self.before = services.delete_relation(s, self.relation_id, self.actor)
        self.context.doc_state.remove_relation(self.relation_id)

    def _revert(self) -> None:
        b = self.before
        assert b is not None
        with self.context.project.session(write=True) as s:
            self.relation_id = services.add_relation(
                s,
                self._scheme,
                b.head_id,
                b.tail_id,
                b.label,
                self.actor,
                origin=b.origin,
                relation_id=b.id,
            )
            rel = repo.get_relation(s, self.relation_id)
        if rel is not None:
            self.context.doc_state.put_relation(rel)


# ---------------------------------------------------------------- suggestions


class AcceptSuggestionsCommand(EditCommand):
    def __init__(self, context: AppContext, doc_id: int, suggestion_ids: Sequence[int]) -> None:
        n = len(suggestion_ids)
        super().__init__(context, doc_id, f"Accept {n} suggestion{'s' * (n != 1)}")
        self.suggestion_ids = list(suggestion_ids)
        self.created: dict[int, int] = {}

    def _apply(self) -> None:
        state = self.context.doc_state
        with self.context.project.session(write=True) as s:
            self.created = services.accept_suggestions(
                s, self._scheme, self.suggestion_ids, self.layer, actor=self.actor
            )
            spans = [r for sid in self.created.values() if (r := repo.get_span(s, sid))]
            rels = repo.relations_of_spans(s, list(self.created.values()))
        for sid in self.created:
            state.remove_suggestion(sid)
        for rec in spans:
            state.put_span(rec)
        for rel in rels:
            state.put_relation(rel)

    def _revert(self) -> None:
        state = self.context.doc_state
        ids = list(self.created)
        with self.context.project.session(write=True) as s:
            services.reset_suggestions(s, ids, list(self.created.values()), self.actor)
            suggs = [r for sid in ids if (r := repo.get_suggestion(s, sid))]
        for span_id in self.created.values():
            state.remove_span(span_id)
        for rec in suggs:
            state.put_suggestion(rec)


class RejectSuggestionsCommand(EditCommand):
    def __init__(self, context: AppContext, doc_id: int, suggestion_ids: Sequence[int]) -> None:
        n = len(suggestion_ids)
        super().__init__(context, doc_id, f"Reject {n} suggestion{'s' * (n != 1)}")
        self.suggestion_ids = list(suggestion_ids)

    def _apply(self) -> None:
        with self.context.project.session(write=True) as s:
            services.reject_suggestions(s, self.suggestion_ids, self.actor)
        for sid in self.suggestion_ids:
            self.context.doc_state.remove_suggestion(sid)

    def _revert(self) -> None:
        with self.context.project.session(write=True) as s:
            services.reset_suggestions(s, self.suggestion_ids, [], self.actor)
            suggs = [r for sid in self.suggestion_ids if (r := repo.get_suggestion(s, sid))]
        for rec in suggs:
            self.context.doc_state.put_suggestion(rec)


# ---------------------------------------------------------------- status


class SetStatusCommand(EditCommand):
    def __init__(self, context: AppContext, doc_id: int, status: str) -> None:
        super().__init__(context, doc_id, f"Mark {status.replace('_', ' ')}")
        self.status = status
        self.before = ""

    def _set(self, status: str) -> None:
        with self.context.project.session(write=True) as s:
            services.set_status(s, self.doc_id, self.layer, status, actor=self.actor)
        self.context.doc_state.set_status(self.doc_id, status, self.layer)

    def _apply(self) -> None:
        with self.context.project.session(write=True) as s:
            found = repo.assignments(s, annotator=self.layer, document_id=self.doc_id)
        self.before = found[0].status if found else ""
        self._set(self.status)

    def _revert(self) -> None:
        self._set(self.before or "todo")
