"""The article: read-only verbatim text with highlighted spans, driven from the keyboard.

Keys (see also the shortcut sheet): a label key creates a span from the selection snapped to
word boundaries (Alt + key keeps the exact selection) or relabels the selected span; Delete
removes it; Tab / Shift+Tab move between spans; L links the selected claim or event to a
claimant or role argument (pick with Tab then Enter, or click); A / R accept or reject the
selected suggestion, Shift+A accepts every pending suggestion of its label; Esc cancels.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QPoint, QPointF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QResizeEvent,
    QTextBlockFormat,
    QTextCursor,
    QTextDocument,
    QTextOption,
)
from PySide6.QtWidgets import QTextEdit, QToolTip, QWidget

from annotator.errors import AnnotatorError
from app.context import AppContext
from app.editing.link_mode import LinkModeMixin
from app.panels.highlighter import Item, Key, SpanHighlighter
from app.panels.link_paths import DrawnLink, Ends, LinkShape, place_names, route
from app.panels.text_map import TextMap

if TYPE_CHECKING:  # edits import the services on first use, after the window painted
    from annotator.records import SpanRecord, SuggestionRecord
    from app.editing import undo_commands as cmd


def snap_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Widen [start, end) to whole words, then trim surrounding spaces, punctuation and quotes
    ("Quilliam Foundation," -> "Quilliam Foundation"; stored offsets). An abbreviation's final
    stop stays ("U.S."); Alt + label key keeps a selection exactly as made."""

    def inword(ch: str) -> bool:
        return ch.isalnum() or ch in "_-'’" or 0x300 <= ord(ch) <= 0x36F

    def edge(ch: str) -> bool:  # what a snapped span never starts or ends with
        return not (ch.isalnum() or 0x300 <= ord(ch) <= 0x36F)

    if start > end:
        start, end = end, start
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start == end:
        # An empty selection labels the word at the cursor.
        while end < len(text) and inword(text[end]):
            end += 1
    while start > 0 and inword(text[start - 1]) and (start == end or inword(text[start])):
        start -= 1
    while end < len(text) and inword(text[end]) and end > start and inword(text[end - 1]):
        end += 1
    while start < end and edge(text[start]):
        start += 1
    while end > start and edge(text[end - 1]):
        if text[end - 1] == "." and end - start >= 4 and text[end - 3] == ".":
            break  # "U.S.", "a.m."
        end -= 1
    return start, end


class ArticleView(LinkModeMixin, QTextEdit):
    """Shows the open document of ``context.doc_state`` and turns keys into commands.

    Lines keep a gap between them (``line_gap``, the height of a link's name and a little
    more): the link lines and their names run through these gaps (and the left margin), so they
    never cover a line of text (``link_paths``). ``QTextEdit``'s layout honours the line
    height that ``QPlainTextEdit``'s ignores; it also right-aligns right-to-left paragraphs."""

    selection_changed = Signal(object)  # Key | None
    message = Signal(str)  # one line for the status bar
    link_mode_changed = Signal(str)  # relation label being linked, "" when not linking

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.line_gap = 0.0  # set with the font (_apply_spacing)
        self.setAcceptRichText(False)
        self.document().setUndoRedoEnabled(False)
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setMouseTracking(True)
        self.setWordWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        option = self.document().defaultTextOption()
        option.setTextDirection(Qt.LayoutDirection.LayoutDirectionAuto)
        self.document().setDefaultTextOption(option)
        self.document().setDocumentMargin(18)
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() + 2, 11.0))
        self.setFont(font)
        self._apply_spacing()
        scheme = context.project.scheme
        self._label_keys = {lab.key: lab.name for lab in scheme.labels if lab.key}
        self.highlighter = SpanHighlighter(
            self.document(), {lab.name: lab.color for lab in scheme.labels}
        )
        self.highlighter.setParent(self)  # it outlives each document (see _on_loaded)
        self.text_map = TextMap("")
        self.selected: Key | None = None
        self._link_label = ""
        self._link_candidates: list[Key] = []
        self._link_index = -1
        state = context.doc_state
        state.loaded.connect(self._on_loaded)
        state.items_changed.connect(self._on_items_changed)
        state.relations_changed.connect(self._refresh_emphasis)

    # ------------------------------------------------------------ content

    def _on_loaded(self) -> None:
        content = self.context.doc_state.content
        self.selected = None
        self._end_link()
        self.text_map = TextMap(content.document.text if content is not None else "")
        # A new document, formatted before the view lays it out: the highlighter's one pass
        # over the text costs no layout (formatting a document the view shows lays out all
        # of it at once), and the view then lays it out lazily, as it scrolls.
        self.highlighter.clear_items()
        doc = self._new_document(self.text_map.display)
        self.highlighter.setDocument(doc)
        items = {}
        if content is not None:
            for sp in content.spans.values():
                items[("s", sp.id)] = self._item(sp.start, sp.end, sp.label)
            for sg in content.suggestions.values():
                items[("g", sg.id)] = self._item(sg.start, sg.end, sg.label, True)
        self.highlighter.set_items(items)
        self.setDocument(doc)  # the previous one, a child of the view, is deleted
        self.selection_changed.emit(None)

    def _new_document(self, text: str) -> QTextDocument:
        """A document like the shown one (font, margins, wrapping, direction) holding
        ``text``, every block with the gap between its lines."""
        old = self.document()
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDefaultFont(self.font())
        doc.setDefaultTextOption(old.defaultTextOption())
        doc.setDocumentMargin(old.documentMargin())
        doc.rootFrame().setFrameFormat(old.rootFrame().frameFormat())
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        cursor.setBlockFormat(self._block_format())
        cursor.insertText(text)
        cursor.endEditBlock()
        return doc

    def _block_format(self) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setLineHeight(self.line_gap, QTextBlockFormat.LineHeightTypes.LineDistanceHeight.value)
        return fmt

    def _apply_spacing(self) -> None:
        """Size the gap between lines from the font of the links' names; the first line gets
        the same room above it (the document's top margin)."""
        gap = float(int(QFontMetricsF(self._link_font()).height()) + 5)
        doc = self.document()
        frame = doc.rootFrame().frameFormat()
        frame.setTopMargin(max(18.0, gap + 6))
        doc.rootFrame().setFrameFormat(frame)
        if gap == self.line_gap:
            return
        self.line_gap = gap
        if doc.isEmpty():
            return
        cursor = QTextCursor(doc)
        cursor.beginEditBlock()
        cursor.select(QTextCursor.SelectionType.Document)
        cursor.setBlockFormat(self._block_format())
        cursor.endEditBlock()

    def _item(self, start: int, end: int, label: str, suggestion: bool = False) -> Item:
        qs, qe = self.text_map.range_to_qt(start, end)
        return Item(qs, qe, label, suggestion)

    def _record(self, key: Key) -> SpanRecord | SuggestionRecord | None:
        state = self.context.doc_state
        return state.spans().get(key[1]) if key[0] == "s" else state.suggestions().get(key[1])

    def _on_items_changed(self, keys: list[Key]) -> None:
        for key in keys:
            rec = self._record(key)
            if rec is None:
                self.highlighter.update_item(key, None)
                if key == self.selected:
                    self.selected = None
                    self.selection_changed.emit(None)
            else:
                self.highlighter.update_item(
                    key, self._item(rec.start, rec.end, rec.label, key[0] == "g")
                )
                if key == self.selected:
                    self.selection_changed.emit(key)
        self._refresh_emphasis()

    # ------------------------------------------------------------ selection

    def select_item(self, key: Key | None, *, scroll: bool = True) -> None:
        if key is not None and self.highlighter.item(key) is None:
            key = None
        self.selected = key
        if key is not None and scroll:
            item = self.highlighter.item(key)
            assert item is not None
            cursor = self.textCursor()
            cursor.setPosition(item.start)
            shown = self.verticalScrollBar().value()
            self.setTextCursor(cursor)  # scrolls it to an edge of the view: undone
            self.verticalScrollBar().setValue(shown)
            self._reveal(item.start, item.end)
        self._refresh_emphasis()
        self.selection_changed.emit(key)

    def _reveal(self, start: int, end: int) -> None:
        """Scroll the text from ``start`` to ``end`` into view with the gap above its first
        line (where its links' arcs and names are drawn), its first line a third down the view;
        text already shown so is not moved. (``ensureCursorVisible`` left it at an edge: its
        links cut off above the view, or its line hidden below when the view then got shorter,
        the window's header rewrapped for the inspector showing the item.)"""
        cursor = QTextCursor(self.document())
        cursor.setPosition(start)
        top = self.cursorRect(cursor).top() - self.line_gap
        cursor.setPosition(end)
        bottom = self.cursorRect(cursor).bottom()
        height = self.viewport().height()
        if top >= 0 and bottom <= height:
            return
        room = max(0.0, height - (bottom - top))
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + int(top - min(height / 3, room / 2)))

    def select_span(self, span_id: int) -> None:
        self.select_item(("s", span_id))

    def _refresh_emphasis(self) -> None:
        args: set[Key] = set()
        suggested: set[Key] = set()
        for link in self.drawn_links():
            other = link.tail if link.head == self.selected else link.head
            (suggested if link.suggested else args).add(other)
        pick = set(self._link_candidates) if self._link_label else set()
        self.highlighter.set_emphasis(self.selected, args, pick, suggested)
        self.viewport().update()  # the link lines follow the selection

    def drawn_links(self) -> list[DrawnLink]:
        """The links drawn from the selected item: its relations to its arguments (solid), and
        its pending suggested relations, to or from it, dashed (a suggested claimant or role
        to a suggestion or a span of the layer, or a suggested claim or event pointing at it)."""
        key = self.selected
        if key is None:
            return []
        state = self.context.doc_state
        out: list[DrawnLink] = []
        if key[0] == "s":
            for rel in state.relations_of_span(key[1]):
                if rel.head_id == key[1] and rel.tail_id in state.spans():
                    out.append(DrawnLink(rel.label, key, ("s", rel.tail_id), False, rel.id))
        for link, head, tail in state.links_of(key):
            out.append(DrawnLink(link.label, head, tail, True, link.id))
        return [d for d in out if self.highlighter.item(d.head) and self.highlighter.item(d.tail)]

    def ordered_items(self, spans_only: bool = False) -> list[Key]:
        items = self.highlighter.items()
        keys = [k for k in items if not spans_only or k[0] == "s"]
        keys.sort(key=lambda k: (items[k].start, -items[k].end, k))
        return keys

    def move_selection(self, step: int) -> None:
        if self._link_label:
            self._cycle_link(step)
            return
        keys = self.ordered_items()
        if not keys:
            return
        if self.selected in keys:
            i = (keys.index(self.selected) + step) % len(keys)
        else:
            pos = self.textCursor().position()
            items = self.highlighter.items()
            after = [i for i, k in enumerate(keys) if items[k].start >= pos]
            i = after[0] if after and step > 0 else (after[0] - 1 if after else len(keys) - 1)
            i %= len(keys)
        self.select_item(keys[i])

    def stored_selection(self) -> tuple[int, int]:
        cursor = self.textCursor()
        return self.text_map.range_from_qt(cursor.selectionStart(), cursor.selectionEnd())

    def set_stored_selection(self, start: int, end: int) -> None:
        cursor = self.textCursor()
        qs, qe = self.text_map.range_to_qt(start, end)
        cursor.setPosition(qs)
        cursor.setPosition(qe, QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    # ------------------------------------------------------------ editing

    def _push(self, command: cmd.EditCommand) -> bool:
        from app.editing.undo_commands import push

        if not self.isVisible():  # e.g. review mode is shown: a key must not edit unseen text
            self.message.emit("Show the Article tab to edit the document.")
            return False
        try:
            push(self.context, command)
        except AnnotatorError as exc:
            self.message.emit(exc.one_line())
            return False
        return True

    def label_pressed(self, label: str, exact: bool = False) -> None:
        with self.highlighter.batch():  # the edit and the new selection: one re-format
            self._label_pressed(label, exact)

    def _label_pressed(self, label: str, exact: bool) -> None:
        from app.editing import undo_commands as cmd

        content = self.context.doc_state.content
        if content is None:
            return
        cursor = self.textCursor()
        if cursor.hasSelection() or self.selected is None:
            start, end = self.stored_selection()
            if not exact:
                start, end = snap_to_words(content.document.text, start, end)
            if end <= start:
                self.message.emit("Select some text first, then press a label key.")
                return
            twin = next(
                (
                    sp.id
                    for sp in content.spans.values()
                    if (sp.start, sp.end, sp.label) == (start, end, label)
                ),
                None,
            )
            if twin is not None:  # the span exists: select it rather than add a twin
                cursor.clearSelection()
                self.setTextCursor(cursor)
                self.select_item(("s", twin), scroll=False)
                self.message.emit(f"This text is already a {label} span; it is selected.")
                return
            command = cmd.AddSpanCommand(self.context, content.document.id, start, end, label)
            if self._push(command):
                cursor.clearSelection()
                self.setTextCursor(cursor)
                assert command.span_id is not None
                self.select_item(("s", command.span_id), scroll=False)
            return
        kind, item_id = self.selected
        if kind == "s":
            if content.spans[item_id].label != label:
                self._push(
                    cmd.RelabelSpanCommand(self.context, content.document.id, item_id, label)
                )
        else:
            self.accept_selected()

    def delete_selected(self) -> None:
        from app.editing import undo_commands as cmd

        content = self.context.doc_state.content
        if content is None or self.selected is None:
            return
        kind, item_id = self.selected
        if kind == "s":
            self._push(cmd.DeleteSpanCommand(self.context, content.document.id, item_id))
        else:
            self.reject_selected()

    def accept_selected(self, all_of_label: bool = False) -> None:
        with self.highlighter.batch():
            self._accept_selected(all_of_label)

    def _accept_selected(self, all_of_label: bool) -> None:
        from app.editing import undo_commands as cmd

        content = self.context.doc_state.content
        if content is None or self.selected is None or self.selected[0] != "g":
            self.message.emit("Select a suggestion first (Tab moves between items).")
            return
        sugg = content.suggestions[self.selected[1]]
        ids = [sugg.id]
        if all_of_label:
            ids = [
                s.id
                for s in sorted(content.suggestions.values(), key=lambda s: s.start)
                if s.label == sugg.label
            ]
        nxt = self._next_after(self.selected)
        command = cmd.AcceptSuggestionsCommand(self.context, content.document.id, ids)
        if self._push(command):
            accepted = command.accepted
            created = accepted and (accepted.created.get(sugg.id) or accepted.reused.get(sugg.id))
            self.select_item(("s", created) if created and not all_of_label else nxt)

    def reject_selected(self) -> None:
        with self.highlighter.batch():
            self._reject_selected()

    def _reject_selected(self) -> None:
        from app.editing import undo_commands as cmd

        content = self.context.doc_state.content
        if content is None or self.selected is None or self.selected[0] != "g":
            return
        nxt = self._next_after(self.selected)
        if self._push(
            cmd.RejectSuggestionsCommand(self.context, content.document.id, [self.selected[1]])
        ):
            self.select_item(nxt)

    def _next_after(self, key: Key) -> Key | None:
        keys = [k for k in self.ordered_items() if k[0] == "g"]
        if key in keys and len(keys) > 1:
            return keys[(keys.index(key) + 1) % len(keys)]
        return None

    # ------------------------------------------------------------ events

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.KeyPress and isinstance(e, QKeyEvent):
            if e.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab) and not (
                e.modifiers() & Qt.KeyboardModifier.ControlModifier
            ):
                back = e.key() == Qt.Key.Key_Backtab or bool(
                    e.modifiers() & Qt.KeyboardModifier.ShiftModifier
                )
                self.move_selection(-1 if back else 1)
                return True
        if e.type() == QEvent.Type.ToolTip and isinstance(e, QHelpEvent):
            self._show_tooltip(e.pos(), e.globalPos())
            return True
        return super().event(e)

    def keyPressEvent(self, e: QKeyEvent) -> None:
        mods = e.modifiers()
        ctrl = bool(mods & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier))
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        key = e.key()
        if not self.isVisible():  # a hidden article takes no keys (review mode is shown)
            e.ignore()
            return
        if ctrl:
            super().keyPressEvent(e)
            return
        if self._link_label:
            if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.finish_link()
            elif key == Qt.Key.Key_Escape:
                self.cancel_link()
            e.accept()
            return
        char = _key_char(key)
        if char and char in self._label_keys and not shift:
            self.label_pressed(self._label_keys[char], exact=alt)
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self.delete_selected()
        elif key == Qt.Key.Key_L and not alt:
            self.start_link()
        elif key == Qt.Key.Key_A and not alt:
            self.accept_selected(all_of_label=shift)
        elif key == Qt.Key.Key_R and not alt and not shift:
            self.reject_selected()
        elif key == Qt.Key.Key_Escape:
            cursor = self.textCursor()
            cursor.clearSelection()
            self.setTextCursor(cursor)
            self.select_item(None, scroll=False)
        else:
            super().keyPressEvent(e)
            return
        e.accept()

    def mouseReleaseEvent(self, e: QMouseEvent) -> None:
        super().mouseReleaseEvent(e)
        if e.button() != Qt.MouseButton.LeftButton or self.textCursor().hasSelection():
            return
        pos = self.cursorForPosition(e.position().toPoint()).position()
        keys = self._keys_at_click(pos)
        if self._link_label:
            spans = [k for k in keys if k[0] == "s"]
            if spans:
                self.finish_link(spans[-1])
            return
        self.select_item(keys[-1] if keys else None, scroll=False)

    def _keys_at_click(self, pos: int) -> list[Key]:
        keys = self.highlighter.items_at(pos)
        if not keys and pos > 0:
            keys = [
                k
                for k in self.highlighter.items_at(pos - 1)
                if (it := self.highlighter.item(k)) is not None and it.end == pos
            ]
        return keys

    def _show_tooltip(self, pos: QPoint, global_pos: QPoint) -> None:
        qpos = self.cursorForPosition(pos).position()
        lines = self.describe_at(qpos)
        if lines:
            QToolTip.showText(global_pos, "\n".join(lines), self)
        else:
            QToolTip.hideText()

    def describe_at(self, qpos: int) -> list[str]:
        """One line per item covering a Qt position (used by the tooltip)."""
        content = self.context.doc_state.content
        if content is None:
            return []
        text = content.document.text
        lines = []
        for key in self.highlighter.items_at(qpos):
            rec = self._record(key)
            if rec is None:
                continue
            snippet = text[rec.start : rec.end]
            if len(snippet) > 60:
                snippet = snippet[:57] + "…"
            attrs = ", ".join(f"{k}={v}" for k, v in rec.attrs.items())
            kind = "suggested " if key[0] == "g" else ""
            line = f"{kind}{rec.label}: “{snippet}”"
            if attrs:
                line += f"  ({attrs})"
            lines.append(line)
            for link, head, tail in self.context.doc_state.links_of(key):
                other = self._record(tail if head == key else head)
                if other is None:
                    continue
                words = " ".join(text[other.start : other.end].split())
                words = words if len(words) <= 40 else words[:39] + "…"
                if head == key:
                    lines.append(f"    suggested {link.label}: “{words}”")
                else:
                    lines.append(f"    suggested {link.label} of “{words}”")
        return lines

    def paintEvent(self, e: QPaintEvent) -> None:
        super().paintEvent(e)
        links = self.drawn_links()
        if links:
            painter = QPainter(self.viewport())
            try:
                self._paint_links(painter, links)
            finally:
                painter.end()

    def _ends(self, key: Key) -> Ends | None:
        """Where a link line meets an item (viewport): above the middle of its part of its
        first line, below the middle of its part of its last line."""
        item = self.highlighter.item(key)
        if item is None:
            return None
        cursor = QTextCursor(self.document())
        cursor.setPosition(item.start)
        first = self.cursorRect(cursor)
        cursor.setPosition(max(item.start, item.end - 1))
        last = self.cursorRect(cursor)
        if abs(last.top() - first.top()) < 2:  # on one line: its middle
            x = (first.left() + last.right() + 2) / 2
            return Ends(QPointF(x, first.top() + 1), QPointF(x, first.bottom()))
        cursor.movePosition(QTextCursor.MoveOperation.StartOfLine)
        line_start = self.cursorRect(cursor).left()
        return Ends(
            QPointF(first.left() + 12, first.top() + 1),
            QPointF((line_start + last.right() + 2) / 2, last.bottom()),
        )

    def _text_between(self, y0: float, y1: float) -> bool:
        """Whether a line of text (not a blank one) lies between heights ``y0`` and ``y1`` of
        the viewport."""
        shift = QPointF(-self.horizontalScrollBar().value(), -self.verticalScrollBar().value())
        block = self.cursorForPosition(QPoint(0, max(int(y0), 0))).block()
        while block.isValid():
            layout = block.layout()
            top = layout.position().y() + shift.y()
            if top > y1:
                return False
            text = block.text()
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                rect = line.naturalTextRect().translated(layout.position() + shift)
                words = text[line.textStart() : line.textStart() + line.textLength()]
                if words.strip() and rect.bottom() > y0 and rect.top() < y1:
                    return True
            block = block.next()
        return False

    def _link_font(self) -> QFont:
        font = QFont(self.font())
        font.setPointSizeF(max(font.pointSizeF() * 0.72, 7.0))
        return font

    def link_geometry(self, links: list[DrawnLink] | None = None) -> list[LinkShape]:
        """Where each link is drawn (viewport coordinates): its path from the selected item
        to the other end through the room between lines, never across a line of text, and
        the box of its name on it (see ``link_paths``)."""
        links = self.drawn_links() if links is None else links
        metrics = QFontMetricsF(self._link_font())
        margin = self.document().documentMargin() / 2 - self.horizontalScrollBar().value()
        out: list[LinkShape] = []
        for link in links:
            a, b = self._ends(link.head), self._ends(link.tail)
            if a is None or b is None:
                continue
            out.append(route(link, a, b, self.line_gap, self._text_between, margin))
        return place_names(out, metrics, self.viewport().width())

    def _paint_links(self, painter: QPainter, links: list[DrawnLink]) -> None:
        """Draw each link from the selected item to the other end with an arrow head at the
        argument and the relation's name on it; suggested (pending) links are dashed."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        colors = {lab.name: lab.color for lab in self.context.project.scheme.labels}
        painter.setFont(self._link_font())
        shapes = self.link_geometry(links)
        for shape in shapes:
            head_item = self.highlighter.item(shape.link.head)
            color = QColor(colors.get(head_item.label if head_item else "", "#888888"))
            color = color.darker(130) if not self.highlighter.dark else color.lighter(130)
            pen = QPen(color, 1.6)
            pen.setStyle(Qt.PenStyle.DashLine if shape.link.suggested else Qt.PenStyle.SolidLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(shape.path)
            # the arrow head at the argument, pointing at it
            b, back = shape.tip, (7 if shape.up else -7)
            painter.setPen(QPen(color, 1.6))
            painter.setBrush(color)
            painter.drawPolygon(
                QPolygonF([b, QPointF(b.x() - 4, b.y() + back), QPointF(b.x() + 4, b.y() + back)])
            )
        # the names last, over every line
        for shape in shapes:
            if not shape.text:
                continue  # no room: the inspector and the tooltip name the link
            head_item = self.highlighter.item(shape.link.head)
            color = QColor(colors.get(head_item.label if head_item else "", "#888888"))
            color = color.darker(130) if not self.highlighter.dark else color.lighter(130)
            painter.setPen(Qt.PenStyle.NoPen)
            backdrop = QColor(self.palette().base().color())
            backdrop.setAlphaF(0.85)
            painter.setBrush(backdrop)
            painter.drawRoundedRect(shape.box, 3, 3)
            painter.setPen(color)
            painter.drawText(shape.box, Qt.AlignmentFlag.AlignCenter, shape.text)

    def resizeEvent(self, e: QResizeEvent) -> None:
        """Keep the selected item (else the top line) where it was in the view when a new
        width rewraps the text above it (the inspector widens for a selected suggestion)."""
        anchor = self._view_anchor() if e.size().width() != e.oldSize().width() else None
        super().resizeEvent(e)
        if anchor is not None:
            position, y = anchor
            cursor = QTextCursor(self.document())
            cursor.setPosition(position)
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + self.cursorRect(cursor).top() - y)

    def _view_anchor(self) -> tuple[int, int] | None:
        """The Qt position and viewport height of the selected item's start when it is in
        view, else of the first character shown; None for an empty or unscrolled view."""
        if self.document().isEmpty():
            return None
        item = self.highlighter.item(self.selected) if self.selected is not None else None
        cursor = QTextCursor(self.document())
        if item is not None:
            cursor.setPosition(item.start)
            top = self.cursorRect(cursor).top()
            if 0 <= top < self.viewport().height():
                return item.start, top
        if self.verticalScrollBar().value() == 0:
            return None
        cursor = self.cursorForPosition(QPoint(0, 0))
        return cursor.position(), self.cursorRect(cursor).top()

    def set_font_size(self, points: int) -> None:
        font = QFont(self.font())
        font.setPointSize(max(7, min(points, 40)))
        self.setFont(font)
        self._apply_spacing()

    def scroll_value(self) -> int:
        return self.verticalScrollBar().value()


def _key_char(key: int) -> str:
    if Qt.Key.Key_0 <= key <= Qt.Key.Key_9 or Qt.Key.Key_A <= key <= Qt.Key.Key_Z:
        return chr(key).lower()
    return ""
