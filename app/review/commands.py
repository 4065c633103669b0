"""Undoable review decisions: each calls :mod:`annotator.team.adjudication` in one transaction
per step, through :meth:`UndoCommand.transact` (retried on a server conflict or lost connection).

The first application happens before the command enters the undo stack, usually in the
worker (:func:`apply_in_worker`): a refused decision leaves nothing on the stack. Later
redo/undo steps (Ctrl+Z) run on the GUI thread and report failures through
``context.edit_failed``. After every step the touched documents are announced with
``context.document_changed`` and the panel that made the command (if it still exists) is told,
so it can update its rows.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Collection

from annotator.errors import AnnotatorError
from annotator.team import adjudication as adj
from annotator.team.disagreements import Disagreement
from annotator.team.unanimous import accept_unanimous
from app.context import AppContext
from app.editing.undo_commands import UndoCommand, push

Listener = Callable[["ReviewCommand", bool], None]  # (command, undone)


class ReviewCommand(UndoCommand):
    """A review decision: subclasses implement ``apply``; ``revert`` undoes the decision."""

    def __init__(self, context: AppContext, text: str, listener: Listener | None = None) -> None:
        super().__init__(context, text)
        self.decision: adj.Decision | None = None
        self._listener = weakref.WeakMethod(listener) if listener is not None else None

    @property
    def doc_ids(self) -> tuple[int, ...]:
        return self.decision.doc_ids if self.decision is not None else ()

    def apply(self) -> None:
        raise NotImplementedError

    def revert(self) -> None:
        decision = self.decision
        assert decision is not None
        self.transact(lambda s: adj.undo(s, decision, self.context.user))

    @property
    def choice_name(self) -> str:
        return self.decision.choice if self.decision is not None else ""

    def announce(self, undone: bool = False) -> None:
        listener = self._listener() if self._listener is not None else None
        if listener is not None:
            try:
                listener(self, undone)
            except RuntimeError:  # the panel was closed and deleted
                pass
        for doc_id in self.doc_ids:
            self.context.document_changed.emit(doc_id)


class DecideCommand(ReviewCommand):
    """Accept one annotator's version of an item, reject all, or keep gold as edited."""

    def __init__(
        self,
        context: AppContext,
        item: Disagreement,
        choice: str,
        listener: Listener | None = None,
    ) -> None:
        what = {adj.REJECT: "reject all versions", adj.KEEP: "keep gold"}.get(
            choice, f"accept {choice}'s version"
        )
        super().__init__(context, f"Review: {what} ({item.kind})", listener)
        self.item = item
        self.choice = choice

    def apply(self) -> None:
        self.decision = self.transact(
            lambda s: adj.decide(
                s, self.context.project.scheme, self.item, self.choice, self.context.user
            )
        )


class UnanimousCommand(ReviewCommand):
    """Accept everything the annotators agree on, in some documents or (None) the corpus."""

    def __init__(
        self,
        context: AppContext,
        doc_ids: Collection[int] | None,
        listener: Listener | None = None,
        decision: adj.Decision | None = None,
    ) -> None:
        where = (
            "whole corpus"
            if doc_ids is None
            else ("1 document" if len(doc_ids) == 1 else f"{len(doc_ids)} documents")
        )
        super().__init__(context, f"Review: accept all unanimous ({where})", listener)
        self.scope = tuple(sorted(doc_ids)) if doc_ids is not None else None
        self.decision = decision

    def apply(self) -> None:
        self.decision = self.transact(
            lambda s: accept_unanimous(
                s, self.context.project.scheme, self.scope, self.context.user
            )
        )


def apply_in_worker(
    command: ReviewCommand, _state: object
) -> tuple[ReviewCommand, AnnotatorError | None]:
    """Worker side of a first application: the command and the refusal, if any."""
    try:
        command.apply()
    except AnnotatorError as exc:
        return command, exc
    return command, None


__all__ = ["DecideCommand", "ReviewCommand", "UnanimousCommand", "apply_in_worker", "push"]
