"""Undoable changes. Every change the window makes is a :class:`UndoCommand` on the window's
one ``QUndoStack``: edits of a document (this module), review decisions
(:mod:`app.review.commands`) and edits of the actor registry (below). Each command calls the
annotator services with ids and values, in one transaction per step, shows the records the
service returns (it never reads them back through storage) and announces what changed.

Every step writes through :meth:`UndoCommand.transact` (``Project.transact``): on a server, a
step that lost to a concurrent transaction or whose connection broke before the commit runs
again in a new transaction, so the database work of a step is a function of the session that
may run more than once and changes nothing else; the window's state is updated after it
returned. A step that still fails is one line (a dialog through ``context.edit_failed``).

Commands never touch widgets. Use :func:`push` to run one: the first application happens
before the command enters the undo stack, so a refused change raises to the caller (who shows
the message) and leaves nothing on the stack.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar

from PySide6.QtGui import QUndoCommand

from annotator import services
from annotator.errors import AnnotatorError, ProjectError
from annotator.records import RelationRecord, SpanRecord, SuggestionRecord
from annotator.services import SpanSnapshot
from annotator.vocabulary import AssignmentStatus
from app.context import AppContext

T = TypeVar("T")


class UndoCommand(QUndoCommand):
    """Base class of every undoable change: subclasses implement :meth:`apply`,
    :meth:`revert` and :meth:`announce`.

    ``apply`` makes the change (first time and redo), ``revert`` takes it back, ``announce``
    tells the window what changed (after each step; ``undone`` after a revert). A step refused
    on redo/undo (e.g. the data changed meanwhile) is reported through ``context.edit_failed``.
    """

    def __init__(self, context: AppContext, text: str) -> None:
        super().__init__(text)
        self.context = context
        self._skip_first_redo = False

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        raise NotImplementedError

    def announce(self, undone: bool = False) -> None:
        raise NotImplementedError

    def refusal(self) -> str:
        """Why the change may not be made ("" when it may)."""
        if self.context.read_only:
            return "the project is open read-only; nothing was changed"
        return ""

    def redo(self) -> None:
        if self._skip_first_redo:
            self._skip_first_redo = False
            return
        self._guarded(self.apply)

    def undo(self) -> None:
        self._guarded(self.revert, undone=True)

    def transact(self, work: Callable[[Any], T]) -> T:
        """Run ``work(session)`` (the step's database work, safe to run again) as one
        transaction, retried on a server conflict or a connection lost before the commit."""
        return self.context.project.transact(work)

    def _guarded(self, step: Callable[[], None], undone: bool = False) -> None:
        try:
            step()
        except AnnotatorError as exc:
            self.context.edit_failed.emit(exc.one_line())
            return
        self.announce(undone)


def push(context: AppContext, command: UndoCommand, applied: bool = False) -> None:
    """Apply ``command`` now (unless ``applied`` already, e.g. in the worker) and put it on the
    undo stack; raise AnnotatorError if refused (nothing is pushed then)."""
    refusal = command.refusal()
    if refusal:
        raise AnnotatorError(refusal)
    if not applied:
        try:
            command.apply()
        except ProjectError as exc:
            report_failure(context, exc)
            raise
    command._skip_first_redo = True
    context.undo_stack.push(command)
    command.announce()


def report_failure(context: AppContext, exc: AnnotatorError) -> None:
    """A change the database could not make (a server that stayed busy or unreachable, a
    locked or read-only file): one line in a dialog. Refusals of the edit itself (overlaps,
    labels) are the caller's to show."""
    if isinstance(exc, ProjectError):
        context.edit_failed.emit(exc.render())


class EditCommand(UndoCommand):
    """An edit of one document.

    A command edits the layer shown when it was made (``layer``), whatever the window shows
    when it is undone or redone; the user is recorded in the event log.
    """

    def __init__(self, context: AppContext, doc_id: int, text: str) -> None:
        super().__init__(context, text)
        self.doc_id = doc_id
        self.layer = context.layer
        self.user = context.user

    @property
    def _scheme(self) -> Any:
        return self.context.project.scheme

    def refusal(self) -> str:
        return self.context.refusal(self.layer)

    def announce(self, undone: bool = False) -> None:  # noqa: ARG002 - same signature as the base
        self.context.doc_state.mark_local(self.doc_id, self.layer)
        self.context.document_changed.emit(self.doc_id)


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

    def apply(self) -> None:
        rec = self.transact(
            lambda s: services.add_span(
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
                user=self.user,
            )
        )
        self.span_id = rec.id
        self.context.doc_state.put_span(rec)

    def revert(self) -> None:
        span_id = self.span_id
        assert span_id is not None
        self.transact(lambda s: services.delete_span(s, span_id, self.user))
        self.context.doc_state.remove_span(span_id)


class DeleteSpanCommand(EditCommand):
    def __init__(self, context: AppContext, doc_id: int, span_id: int) -> None:
        super().__init__(context, doc_id, "Delete span")
        self.span_id = span_id
        self.snapshot: SpanSnapshot | None = None

    def apply(self) -> None:
        self.snapshot = self.transact(lambda s: services.delete_span(s, self.span_id, self.user))
        self.context.doc_state.remove_span(self.span_id)

    def revert(self) -> None:
        snapshot = self.snapshot
        assert snapshot is not None
        restored = self.transact(lambda s: services.restore_span(s, snapshot, self.user))
        # a new id when another writer took the old one while the span was deleted
        self.span_id = restored.span.id
        state = self.context.doc_state
        state.put_span(restored.span)
        for rel in restored.relations:
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
        change = self.transact(
            lambda s: services.update_span(s, self._scheme, self.span_id, self.user, **values)
        )
        self.context.doc_state.put_span(change.after)
        return change.before

    def apply(self) -> None:
        self.before = self._write(**self.values)

    def revert(self) -> None:
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

    def apply(self) -> None:
        rel = self.transact(
            lambda s: services.add_relation(
                s,
                self._scheme,
                self.head_id,
                self.tail_id,
                self.label,
                self.user,
                relation_id=self.relation_id,
            )
        )
        self.relation_id = rel.id
        self.context.doc_state.put_relation(rel)

    def revert(self) -> None:
        relation_id = self.relation_id
        assert relation_id is not None
        self.transact(lambda s: services.delete_relation(s, relation_id, self.user))
        self.context.doc_state.remove_relation(relation_id)


class DeleteRelationCommand(EditCommand):
    def __init__(self, context: AppContext, doc_id: int, relation_id: int) -> None:
        super().__init__(context, doc_id, "Remove link")
        self.relation_id = relation_id
        self.before: RelationRecord | None = None

    def apply(self) -> None:
        self.before = self.transact(
            lambda s: services.delete_relation(s, self.relation_id, self.user)
        )
        self.context.doc_state.remove_relation(self.relation_id)

    def revert(self) -> None:
        b = self.before
        assert b is not None
        rel = self.transact(
            lambda s: services.add_relation(
                s,
                self._scheme,
                b.head_id,
                b.tail_id,
                b.label,
                self.user,
                origin=b.origin,
                relation_id=b.id,
            )
        )
        self.context.doc_state.put_relation(rel)


# ---------------------------------------------------------------- suggestions


class _SuggestionCommand(EditCommand):
    """Accept or reject suggestions and suggested relations (claimants, roles): each step
    changes the suggestions, reads the document's suggested relations in the same
    transaction, then shows both; undo puts the suggestions back (:meth:`_put_back`)."""

    def __init__(
        self,
        context: AppContext,
        doc_id: int,
        verb: str,
        suggestion_ids: Sequence[int],
        link_ids: Sequence[int],
    ) -> None:
        super().__init__(context, doc_id, _what(verb, suggestion_ids, link_ids))
        self.suggestion_ids = list(suggestion_ids)
        self.link_ids = list(link_ids)

    def _step(self, change: Callable[[Any], T], show: Callable[[T], None]) -> T:
        """Run ``change(session)`` and read the suggested relations after it, in one
        transaction; ``show`` what ``change`` returned, then the relations; return it."""

        def work(session: Any) -> tuple[T, list[services.SuggestedLink]]:
            result = change(session)
            if not self.context.doc_state.is_current(self.doc_id, self.layer):
                return result, []
            return result, services.suggested_links(session, self.doc_id, self.layer)

        result, links = self.transact(work)
        show(result)
        self.context.doc_state.set_links(self.doc_id, self.layer, links)
        return result

    def _put_back(
        self,
        suggestion_ids: Sequence[int],
        link_ids: Sequence[int],
        span_ids: Sequence[int] = (),
        relation_ids: Sequence[int] = (),
        shown: Callable[[int], bool] = lambda _sid: True,
    ) -> None:
        """Undo of accept or reject: the relations and spans made from suggestions go, the
        suggestions (those ``shown`` says) and suggested relations are pending again."""
        state = self.context.doc_state

        def show(suggs: list[SuggestionRecord]) -> None:
            for rel_id in relation_ids:
                state.remove_relation(rel_id)
            for span_id in span_ids:
                state.remove_span(span_id)
            for rec in suggs:
                if shown(rec.id):
                    state.put_suggestion(rec)

        self._step(
            lambda s: services.reset_suggestions(
                s,
                suggestion_ids,
                span_ids,
                self.user,
                link_ids=link_ids,
                relation_ids=relation_ids,
            ),
            show,
        )


def _what(verb: str, suggestion_ids: Sequence[int], link_ids: Sequence[int]) -> str:
    parts = []
    if suggestion_ids:
        n = len(suggestion_ids)
        parts.append(f"{n} suggestion{'s' * (n != 1)}")
    if link_ids:
        n = len(link_ids)
        parts.append(f"{n} suggested link{'s' * (n != 1)}")
    return f"{verb} {' and '.join(parts) or 'nothing'}"


class AcceptSuggestionsCommand(_SuggestionCommand):
    """Accept suggestions as spans of the layer, a claim or event with its suggested arguments
    (``with_arguments``), and suggested relations one by one (``link_ids``); one undo step."""

    def __init__(
        self,
        context: AppContext,
        doc_id: int,
        suggestion_ids: Sequence[int],
        link_ids: Sequence[int] = (),
        with_arguments: bool = True,
    ) -> None:
        super().__init__(context, doc_id, "Accept", suggestion_ids, link_ids)
        self.with_arguments = with_arguments
        self.created: dict[int, int] = {}
        self.accepted: services.Accepted | None = None

    def apply(self) -> None:
        before = self.accepted  # a redo writes the ids of the first application again
        self._step(
            lambda s: services.accept_suggestions(
                s,
                self._scheme,
                self.suggestion_ids,
                self.layer,
                user=self.user,
                with_arguments=self.with_arguments,
                link_ids=self.link_ids,
                span_ids=before.created if before else None,
                relation_ids=before.new_relations if before else None,
            ),
            self._show,
        )

    def _show(self, accepted: services.Accepted) -> None:
        self.accepted = accepted
        self.created = dict(accepted.created)
        state = self.context.doc_state
        for sid in [*accepted.created, *accepted.reused]:
            state.remove_suggestion(sid)
        for rec in accepted.spans:
            state.put_span(rec)
        for rel in accepted.relations:  # with links to spans accepted earlier
            state.put_relation(rel)

    def revert(self) -> None:
        accepted = self.accepted
        assert accepted is not None
        self._put_back(
            [*accepted.created, *accepted.reused],
            accepted.links,
            span_ids=list(accepted.created.values()),
            relation_ids=list(accepted.new_relations.values()),
            shown=lambda sid: sid in accepted.created,  # a repeat of a span stays hidden
        )


class RejectSuggestionsCommand(_SuggestionCommand):
    """Reject suggestions (with the suggested relations touching them) and suggested relations
    alone (``link_ids``: the suggestions at their ends stay pending)."""

    def __init__(
        self,
        context: AppContext,
        doc_id: int,
        suggestion_ids: Sequence[int],
        link_ids: Sequence[int] = (),
    ) -> None:
        super().__init__(context, doc_id, "Reject", suggestion_ids, link_ids)
        self.rejected: services.Rejected | None = None

    def apply(self) -> None:
        self.rejected = self._step(
            lambda s: services.reject_suggestions(
                s, self.suggestion_ids, self.user, link_ids=self.link_ids
            ),
            self._show,
        )

    def _show(self, rejected: services.Rejected) -> None:
        for sid in rejected.suggestions:
            self.context.doc_state.remove_suggestion(sid)

    def revert(self) -> None:
        rejected = self.rejected
        assert rejected is not None
        self._put_back(rejected.suggestions, rejected.links)


# ---------------------------------------------------------------- status


class SetStatusCommand(EditCommand):
    def __init__(self, context: AppContext, doc_id: int, status: str) -> None:
        super().__init__(context, doc_id, f"Mark {status.replace('_', ' ')}")
        self.status = status
        self.before = ""

    def _set(self, status: str) -> str:
        before = self.transact(
            lambda s: services.set_status(s, self.doc_id, self.layer, status, user=self.user)
        )
        self.context.doc_state.set_status(self.doc_id, status, self.layer)
        return before

    def apply(self) -> None:
        self.before = self._set(self.status)

    def revert(self) -> None:
        self._set(self.before or AssignmentStatus.TODO)


# ---------------------------------------------------------------- actor registry


class RegistryCommand(UndoCommand):
    """An edit of the actor registry; the user is recorded in the event log."""

    def __init__(self, context: AppContext, text: str) -> None:
        super().__init__(context, text)
        self.user = context.user

    def announce(self, undone: bool = False) -> None:  # noqa: ARG002 - same signature as the base
        self.context.entities_changed.emit()


class RenameActorCommand(RegistryCommand):
    def __init__(self, context: AppContext, entity_id: int, name: str) -> None:
        super().__init__(context, f"Rename actor to {name}")
        self.entity_id, self.name = entity_id, name
        self.before = ""

    def apply(self) -> None:
        self.before = self.transact(
            lambda s: services.rename_entity(s, self.entity_id, self.name, self.user).name
        )

    def revert(self) -> None:
        self.transact(lambda s: services.rename_entity(s, self.entity_id, self.before, self.user))


class AddAliasCommand(RegistryCommand):
    def __init__(self, context: AppContext, entity_id: int, alias: str) -> None:
        super().__init__(context, f"Add alias {alias}")
        self.entity_id, self.alias = entity_id, alias.strip()
        self.added = False

    def apply(self) -> None:
        self.added = self.transact(
            lambda s: services.add_alias(s, self.entity_id, self.alias, self.user)
        )

    def revert(self) -> None:
        if self.added:
            self.transact(lambda s: services.remove_alias(s, self.entity_id, self.alias, self.user))


class MergeActorsCommand(RegistryCommand):
    """Merge one actor into another; the open document is re-read when its links changed."""

    def __init__(self, context: AppContext, keep_id: int, drop_id: int) -> None:
        super().__init__(context, "Merge actors")
        self.keep_id, self.drop_id = keep_id, drop_id
        self.merged: services.Merged | None = None

    def apply(self) -> None:
        self.merged = self.transact(
            lambda s: services.merge_entities(s, self.keep_id, self.drop_id, self.user)
        )

    def revert(self) -> None:
        merged = self.merged
        assert merged is not None
        self.transact(lambda s: services.unmerge_entities(s, merged, self.user))

    def announce(self, undone: bool = False) -> None:
        super().announce(undone)
        for doc_id in self.merged.document_ids if self.merged else ():
            self.context.document_changed.emit(doc_id)  # spans now link another actor
