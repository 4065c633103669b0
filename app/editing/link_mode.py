"""Link mode of the article view: attach a claimant or a role to the selected claim or event.

L (or the inspector's "Link…") asks which relation (the scheme's ``relations_from(label)``);
the allowed target spans become candidates, Tab/Shift+Tab cycles through them, Enter or a
click on a span links it, Esc cancels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QMenu

from app.panels.highlighter import Key

if TYPE_CHECKING:
    from PySide6.QtWidgets import QTextEdit

    from app.context import AppContext
    from app.editing.undo_commands import EditCommand
    from app.panels.highlighter import SpanHighlighter

    # For the type checker the mixin is the text view it is mixed into; at run time it is a
    # plain class, so ArticleView's bases (and Qt's metaclass) are unchanged.
    _TextView = QTextEdit
else:
    _TextView = object


def with_mnemonics(names: list[str]) -> list[str]:
    """Menu texts whose underlined keys differ: the first letter not taken by an earlier
    name ("target", "time" -> "&target", "t&ime")."""
    taken: set[str] = set()
    out = []
    for name in names:
        for i, ch in enumerate(name):
            if ch.isalnum() and ch.lower() not in taken:
                taken.add(ch.lower())
                out.append(f"{name[:i]}&{name[i:]}")
                break
        else:
            out.append(name)
    return out


class LinkModeMixin(_TextView):
    """Mixed into ArticleView (a QTextEdit with ``context`` and ``highlighter``)."""

    _link_label: str
    _link_head: Key
    _link_candidates: list[Key]
    _link_index: int
    context: AppContext
    highlighter: SpanHighlighter
    message: ClassVar[Signal]
    link_mode_changed: ClassVar[Signal]
    selected: Key | None

    if TYPE_CHECKING:  # provided by ArticleView

        def ordered_items(self, spans_only: bool = False) -> list[Key]: ...
        def select_item(self, key: Key | None, *, scroll: bool = True) -> None: ...
        def _refresh_emphasis(self) -> None: ...
        def _push(self, command: EditCommand) -> bool: ...

    def start_link(self) -> None:
        content = self.context.doc_state.content
        if content is None or self.selected is None or self.selected[0] != "s":
            self.message.emit("Select a claim or an event first, then press L.")
            return
        head = content.spans[self.selected[1]]
        rels = self.context.project.scheme.relations_from(head.label)
        if not rels:
            self.message.emit(f"{head.label} spans have no links in this scheme.")
            return
        if len(rels) == 1:
            self.begin_link(rels[0].name)
            return
        menu = QMenu(self)
        for rel, text in zip(rels, with_mnemonics([r.name for r in rels]), strict=True):
            action = menu.addAction(f"{text}  → {', '.join(rel.tails)}")
            action.setData(rel.name)
        item = self.highlighter.item(self.selected)
        pos = self.cursorRect(self._cursor_at(item.start if item else 0)).bottomLeft()
        chosen = menu.exec(self.viewport().mapToGlobal(pos))
        if chosen is not None:
            self.begin_link(str(chosen.data()))

    def _cursor_at(self, position: int) -> QTextCursor:
        cursor = QTextCursor(self.document())
        cursor.setPosition(position)
        return cursor

    def begin_link(self, relation: str) -> None:
        """Enter link mode for the selected span: candidates are the allowed tails."""
        content = self.context.doc_state.content
        if content is None or self.selected is None or self.selected[0] != "s":
            return
        rel = self.context.project.scheme.relation(relation)
        if rel is None:
            return
        head_key = self.selected
        head = self.highlighter.item(head_key)
        cands = [
            k
            for k in self.ordered_items(spans_only=True)
            if k != head_key and content.spans[k[1]].label in rel.tails
        ]
        if not cands:
            self.message.emit(f"No {'/'.join(rel.tails)} span to link as {relation}.")
            return
        self._link_label = relation
        self._link_head = head_key
        self._link_candidates = cands
        # Start with the candidate nearest the head.
        start = head.start if head else 0
        items = self.highlighter.items()
        self._link_index = min(range(len(cands)), key=lambda i: abs(items[cands[i]].start - start))
        self.link_mode_changed.emit(relation)
        self.message.emit(
            f"Link {relation}: Tab/Shift+Tab to choose, Enter or click to link, Esc to cancel."
        )
        self._show_link_candidate()

    def _show_link_candidate(self) -> None:
        key = self._link_candidates[self._link_index]
        item = self.highlighter.item(key)
        if item is not None:
            cursor = self.textCursor()
            cursor.setPosition(item.start)
            cursor.setPosition(item.end, QTextCursor.MoveMode.KeepAnchor)
            self.setTextCursor(cursor)
            self.ensureCursorVisible()
        self._refresh_emphasis()

    def _cycle_link(self, step: int) -> None:
        self._link_index = (self._link_index + step) % len(self._link_candidates)
        self._show_link_candidate()

    def finish_link(self, target: Key | None = None) -> None:
        content = self.context.doc_state.content
        if not self._link_label or content is None:
            return
        if target is None:
            target = self._link_candidates[self._link_index]
        relation, head = self._link_label, self._link_head
        self._end_link()
        if target not in self._link_candidates_all(relation, head):
            self.message.emit(f"That span cannot be the {relation} of this one.")
        else:
            from app.editing import undo_commands as cmd

            self._push(
                cmd.AddRelationCommand(
                    self.context, content.document.id, head[1], target[1], relation
                )
            )
        self.select_item(head, scroll=False)

    def _link_candidates_all(self, relation: str, head: Key) -> list[Key]:
        content = self.context.doc_state.content
        rel = self.context.project.scheme.relation(relation)
        if content is None or rel is None:
            return []
        return [
            k
            for k in self.ordered_items(spans_only=True)
            if k != head and content.spans[k[1]].label in rel.tails
        ]

    def cancel_link(self) -> None:
        if self._link_label:
            self._end_link()
            self.message.emit("Link cancelled.")

    def _end_link(self) -> None:
        was = self._link_label
        self._link_label = ""
        self._link_candidates = []
        self._link_index = -1
        cursor = self.textCursor()
        cursor.clearSelection()
        self.setTextCursor(cursor)
        if was:
            self.link_mode_changed.emit("")
            self._refresh_emphasis()

    @property
    def linking(self) -> str:
        return self._link_label
