"""The inspector: label, attributes, actor link and relations of the selected span, and the
suggested claimants and roles of the selected item, each to accept or reject."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractScrollArea,
    QComboBox,
    QCompleter,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from annotator.records import EntityRecord, SpanRecord, SuggestionRecord
from app.context import AppContext
from app.item_models import RelationRow, RelationTableModel
from app.panels.elided import ElidedLabel
from app.panels.highlighter import Key

if TYPE_CHECKING:  # edits import the services on first use, after the window painted
    from app.editing import undo_commands as cmd

NONE_TEXT = "—"


@dataclass
class SuggestedRow:
    """One suggested claimant or role listed for the selected item."""

    link_id: int
    text: str  # "suggested: claimant → Khalifa Haftar"
    other: Key  # the item at the other end
    accept_button: QPushButton | None = None
    reject_button: QPushButton | None = None


class InspectorPanel(QWidget):
    """Shows and edits the selected item of the article view."""

    message = Signal(str)
    link_requested = Signal(str)  # relation name: the article view enters link mode
    accept_requested = Signal()
    reject_requested = Signal()
    select_requested = Signal(object)  # Key: the article view selects this item

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.key: Key | None = None
        self._entities: list[EntityRecord] = []
        self._updating = False

        self.heading = QLabel("Nothing selected")
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.label_combo = QComboBox()
        self.label_combo.addItems(list(context.project.scheme.label_names))
        self.label_combo.activated.connect(self._label_chosen)

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.form.addRow("Label", self.label_combo)
        self._attr_rows: dict[str, QComboBox] = {}
        self._attr_box = QWidget()
        self._attr_form = QFormLayout(self._attr_box)
        self._attr_form.setContentsMargins(0, 0, 0, 0)

        self.actor_edit = QLineEdit()
        self.actor_edit.setPlaceholderText("Type an actor name…")
        self._completer_model = QStringListModel(self)
        completer = QCompleter(self._completer_model, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.actor_edit.setCompleter(completer)
        self.actor_edit.returnPressed.connect(self._link_typed_actor)
        completer.activated.connect(lambda _text: self._link_typed_actor())
        self.new_actor_button = QPushButton("New actor…")
        self.new_actor_button.clicked.connect(self._new_actor)
        self.unlink_button = QPushButton("Unlink")
        self.unlink_button.clicked.connect(self._unlink_actor)
        actor_row = QHBoxLayout()
        actor_row.addWidget(self.actor_edit, 1)
        actor_row.addWidget(self.new_actor_button)
        actor_row.addWidget(self.unlink_button)
        self._actor_widget = QWidget()
        self._actor_widget.setLayout(actor_row)
        actor_row.setContentsMargins(0, 0, 0, 0)

        self.relations = RelationTableModel(self)
        self.relation_view = QTableView()
        self.relation_view.setModel(self.relations)
        self.relation_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.relation_view.verticalHeader().hide()
        self.relation_view.setWordWrap(False)
        self.relation_view.horizontalHeader().setSectionResizeMode(
            1, QHeaderView.ResizeMode.Stretch
        )
        self.relation_view.doubleClicked.connect(self._relation_activated)
        # room for the header and two links; more when the dock has it (its stretch), else the
        # inspector scrolls (the dock's scroll area) rather than squeezing this table away. Its
        # preferred height is its rows' (not a fixed 192 px), so the scroll area, which lays the
        # panel out at its preferred height, scrolls only when the dock is really too short.
        self.relation_view.setSizeAdjustPolicy(
            QAbstractScrollArea.SizeAdjustPolicy.AdjustToContents
        )
        self.relation_view.setMinimumHeight(
            self.relation_view.horizontalHeader().sizeHint().height()
            + 2 * self.relation_view.verticalHeader().defaultSectionSize()
            + 2 * self.relation_view.frameWidth()
        )
        self.link_button = QPushButton("Link… (L)")
        self.link_button.clicked.connect(lambda: self.link_requested.emit(""))
        self.unlink_relation_button = QPushButton("Remove link")
        self.unlink_relation_button.clicked.connect(self._remove_relation)
        rel_buttons = QHBoxLayout()
        rel_buttons.addWidget(self.link_button)
        rel_buttons.addWidget(self.unlink_relation_button)
        rel_buttons.addStretch(1)

        self.accept_button = QPushButton("Accept (A)")
        self.accept_button.clicked.connect(self.accept_requested)
        self.reject_button = QPushButton("Reject (R)")
        self.reject_button.clicked.connect(self.reject_requested)
        self._suggested_label = QLabel("Suggested links")
        self._suggested_box = QWidget()
        self._suggested_form = QVBoxLayout(self._suggested_box)
        self._suggested_form.setContentsMargins(0, 0, 0, 0)
        self._suggested_form.setSpacing(2)
        self.suggested_rows: list[SuggestedRow] = []
        self._links_accepted_along = 0

        sugg_row = QHBoxLayout()
        sugg_row.addWidget(self.accept_button)
        sugg_row.addWidget(self.reject_button)
        sugg_row.addStretch(1)
        self._sugg_widget = QWidget()
        self._sugg_widget.setLayout(sugg_row)
        sugg_row.setContentsMargins(0, 0, 0, 0)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(self.form)
        layout.addWidget(self._attr_box)
        self._actor_label = QLabel("Actor")
        layout.addWidget(self._actor_label)
        layout.addWidget(self._actor_widget)
        self._relations_label = QLabel("Links")
        self._relations_label.setWordWrap(True)  # "Links (missing: …)" wraps, never widens
        layout.addWidget(self._relations_label)
        layout.addWidget(self.relation_view, 1)
        layout.addLayout(rel_buttons)
        layout.addWidget(self._suggested_label)
        layout.addWidget(self._suggested_box)
        layout.addWidget(self._sugg_widget)
        layout.addStretch(0)
        context.doc_state.items_changed.connect(self._on_items_changed)
        context.doc_state.relations_changed.connect(self._refresh)
        self.show_item(None)

    # ------------------------------------------------------------ entities

    def set_entities(self, entities: list[EntityRecord]) -> None:
        self._entities = list(entities)
        self._completer_model.setStringList([self._entity_text(e) for e in self._entities])
        self._refresh()

    @staticmethod
    def _entity_text(e: EntityRecord) -> str:
        return f"{e.name} ({e.type})" if e.type else e.name

    def _entity_by_text(self, text: str) -> EntityRecord | None:
        text = text.strip().lower()
        for e in self._entities:
            if self._entity_text(e).lower() == text or e.name.lower() == text:
                return e
        for e in self._entities:
            if any(a.lower() == text for a in e.aliases):
                return e
        return None

    # ------------------------------------------------------------ display

    def show_item(self, key: Key | None) -> None:
        self.key = key
        self._refresh()

    def _on_items_changed(self, keys: list[Key]) -> None:
        if self.key in keys:
            self._refresh()

    def _record(self) -> SpanRecord | SuggestionRecord | None:
        if self.key is None:
            return None
        state = self.context.doc_state
        if self.key[0] == "s":
            return state.spans().get(self.key[1])
        return state.suggestions().get(self.key[1])

    def _refresh(self) -> None:
        self._updating = True
        try:
            self._refresh_inner()
        finally:
            self._updating = False

    def _refresh_inner(self) -> None:
        rec = self._record()
        scheme = self.context.project.scheme
        content = self.context.doc_state.content
        editable = rec is not None and self.key is not None and self.key[0] == "s"
        writable = self.context.is_editable(content.annotator if content else None)
        for w in (
            self.label_combo,
            self._attr_box,
            self._actor_widget,
            self.relation_view,
            self.link_button,
            self.unlink_relation_button,
        ):
            w.setEnabled(editable and writable)
        self._sugg_widget.setVisible(
            rec is not None and self.key is not None and self.key[0] == "g"
        )
        self._sugg_widget.setEnabled(writable)
        self._clear_attrs()
        suggested = self._fill_suggested(writable)
        if rec is None or content is None:
            self.heading.setText(
                "Nothing selected. Select text and press a label key, or Tab to a span."
            )
            self.relations.set_records([])
            self._relations_label.setText("Links")  # no stale "(missing: …)" of a past span
            self.actor_edit.clear()
            self.label_combo.setCurrentIndex(-1)
            self._actor_label.hide()
            self._actor_widget.hide()
            self.link_button.show()  # as first shown (an actor's inspector hides it)
            return
        text = content.document.text[rec.start : rec.end]
        kind = "Suggestion" if isinstance(rec, SuggestionRecord) else "Span"
        extra = (
            f" · {rec.model}, score {rec.score:.2f}" if isinstance(rec, SuggestionRecord) else ""
        )
        self.heading.setText(
            f"{kind} “{_isolated(_short(text, 120))}”  [{rec.start}–{rec.end}]{extra}"
        )
        self.label_combo.setCurrentText(rec.label)
        ldef = scheme.label(rec.label)
        if ldef is not None:
            for attr in ldef.attributes:
                combo = QComboBox()
                combo.addItem(NONE_TEXT, "")
                for value in attr.values:
                    combo.addItem(value.replace("_", " "), value)
                if not attr.values:
                    combo.setEditable(True)
                current = rec.attrs.get(attr.name)
                if current not in (None, ""):
                    i = combo.findData(current)
                    if i < 0:
                        combo.addItem(str(current), current)
                        i = combo.count() - 1
                    combo.setCurrentIndex(i)
                combo.setEnabled(editable and writable)
                combo.activated.connect(self._attributes_edited)
                self._attr_rows[attr.name] = combo
                self._attr_form.addRow(
                    attr.name.replace("_", " ").capitalize() + (" *" if attr.required else ""),
                    combo,
                )
        links = bool(ldef and ldef.links_entity)
        self._actor_label.setVisible(links)
        self._actor_widget.setVisible(links)
        entity = next((e for e in self._entities if e.id == rec.entity_id), None)
        self.actor_edit.setText(self._entity_text(entity) if entity else "")
        # the start of the name in view (setText leaves the cursor, and the view, at its end)
        self.actor_edit.setCursorPosition(0)
        self.actor_edit.setToolTip(self.actor_edit.text())
        self.unlink_button.setEnabled(editable and writable and rec.entity_id is not None)
        rels_from = scheme.relations_from(rec.label)
        self.link_button.setVisible(bool(rels_from))
        rows = []
        if isinstance(rec, SpanRecord):
            spans = self.context.doc_state.spans()
            for rel in self.context.doc_state.relations_of_span(rec.id):
                outgoing = rel.head_id == rec.id
                other = spans.get(rel.tail_id if outgoing else rel.head_id)
                if other is None:
                    continue
                rows.append(
                    RelationRow(
                        rel.id,
                        rel.label,
                        "→" if outgoing else "←",
                        other.label,
                        _short(content.document.text[other.start : other.end], 60),
                        other.id,
                    )
                )
        self.relations.set_records(rows)
        missing = [
            r.name + (" — suggested below" if r.name in suggested else "")
            for r in rels_from
            if r.required
            and not any(x.label == r.name and x.direction == "→" for x in rows)
            and not any(rec.attrs.get(k) == v for k, v in r.unless.items())
        ]
        self._relations_label.setText(
            "Links" + (f" (missing: {', '.join(missing)})" if missing else "")
        )
        n_args = self._links_accepted_along
        self.accept_button.setText(
            f"Accept with {n_args} suggested link{'s' * (n_args != 1)} (A)"
            if n_args and self.key is not None and self.key[0] == "g"
            else "Accept (A)"
        )

    def _fill_suggested(self, writable: bool) -> set[str]:
        """List the selected item's pending suggested relations, each with Accept and Reject;
        return the labels of those it heads (its suggested arguments). Counts in
        ``_links_accepted_along`` the links that accepting the item (A) accepts with it."""
        while self._suggested_form.count():
            item = self._suggested_form.takeAt(0)
            w = item.widget() if item is not None else None
            if w is not None:
                w.hide()  # gone now, deleted when control returns to the event loop
                w.deleteLater()
        self.suggested_rows = []
        self._links_accepted_along = 0
        content = self.context.doc_state.content
        heads: set[str] = set()
        if self.key is None or content is None:
            self._suggested_label.hide()
            self._suggested_box.hide()
            return heads
        state = self.context.doc_state
        for link, head, tail in state.links_of(self.key):
            outgoing = head == self.key
            other = tail if outgoing else head
            rec = (
                state.spans().get(other[1])
                if other[0] == "s"
                else state.suggestions().get(other[1])
            )
            if rec is None:
                continue
            if outgoing:
                heads.add(link.label)
            if self._comes_along(link.label, outgoing, other, rec.label):
                self._links_accepted_along += 1
            text = _short(content.document.text[rec.start : rec.end], 48)
            arrow = "→" if outgoing else "←"
            kind = "suggested " if other[0] == "g" else ""
            row = SuggestedRow(link.id, f"suggested: {link.label} {arrow} {_isolated(text)}", other)
            line = QWidget()
            box = QHBoxLayout(line)
            box.setContentsMargins(0, 0, 0, 0)
            # under "Suggested links", without the "suggested:" of row.text; a long claim is
            # cut with "…", its tooltip whole
            label = ElidedLabel(row.text.removeprefix("suggested: "), min_chars=10)
            label.set_detail(f"{kind}{rec.label} “{text}” · score {link.score:.2f}")
            row.accept_button = QPushButton("Accept")
            row.accept_button.setToolTip(f"Accept this {link.label} (and what it links)")
            row.reject_button = QPushButton("Reject")
            row.reject_button.setToolTip(f"Reject this {link.label} only")
            for b in (row.accept_button, row.reject_button):
                b.setEnabled(writable)
                b.setAutoDefault(False)
                b.setFixedWidth(b.fontMetrics().horizontalAdvance(b.text()) + 20)  # room for text
            row.accept_button.clicked.connect(lambda _c=False, i=link.id: self.accept_link(i))
            row.reject_button.clicked.connect(lambda _c=False, i=link.id: self.reject_link(i))
            box.addWidget(label, 1)
            box.addWidget(row.accept_button)
            box.addWidget(row.reject_button)
            self._suggested_form.addWidget(line)
            self.suggested_rows.append(row)
        self._suggested_label.setVisible(bool(self.suggested_rows))
        self._suggested_box.setVisible(bool(self.suggested_rows))
        return heads

    def _comes_along(self, relation: str, outgoing: bool, other: Key, other_label: str) -> bool:
        """Whether accepting the selected suggestion accepts this suggested link too, as
        ``services.accept_suggestions`` decides: an argument it heads, or a link from a span of
        the layer; never one the scheme refuses between the two labels."""
        if self.key is None or self.key[0] != "g" or not (outgoing or other[0] == "s"):
            return False
        own = self.context.doc_state.suggestions().get(self.key[1])
        if own is None:
            return False
        rdef = self.context.project.scheme.relation(relation)
        head, tail = (own.label, other_label) if outgoing else (other_label, own.label)
        return rdef is not None and head in rdef.heads and tail in rdef.tails

    def accept_link(self, link_id: int) -> None:
        """Accept one suggested claimant or role (the suggestions at its ends become spans)."""
        from app.editing import undo_commands as cmd

        content = self.context.doc_state.content
        if content is None or link_id not in self.context.doc_state.links():
            return
        key = self.key
        command = cmd.AcceptSuggestionsCommand(
            self.context, content.document.id, [], link_ids=[link_id]
        )
        self._push(command)
        if key is not None and key[0] == "g" and key[1] in command.created:
            self.select_requested.emit(("s", command.created[key[1]]))

    def reject_link(self, link_id: int) -> None:
        """Reject one suggested claimant or role; the suggestions at its ends stay."""
        from app.editing import undo_commands as cmd

        content = self.context.doc_state.content
        if content is None or link_id not in self.context.doc_state.links():
            return
        self._push(
            cmd.RejectSuggestionsCommand(self.context, content.document.id, [], link_ids=[link_id])
        )

    def _clear_attrs(self) -> None:
        while self._attr_form.rowCount():
            self._attr_form.removeRow(0)
        self._attr_rows.clear()

    # ------------------------------------------------------------ edits

    def _push(self, command: cmd.EditCommand) -> None:
        from app.editing.undo_commands import push

        try:
            push(self.context, command)
        except AnnotatorError as exc:
            self.message.emit(exc.one_line())
            self._refresh()

    def _span(self) -> SpanRecord | None:
        rec = self._record()
        return rec if isinstance(rec, SpanRecord) else None

    def _label_chosen(self, _index: int) -> None:
        from app.editing import undo_commands as cmd

        span = self._span()
        label = self.label_combo.currentText()
        if self._updating or span is None or label == span.label:
            return
        self._push(cmd.RelabelSpanCommand(self.context, span.document_id, span.id, label))

    def _attributes_edited(self, _index: int = 0) -> None:
        from app.editing import undo_commands as cmd

        span = self._span()
        if self._updating or span is None:
            return
        attrs: dict[str, Any] = {k: v for k, v in span.attrs.items() if k not in self._attr_rows}
        for name, combo in self._attr_rows.items():
            value = combo.currentData()
            if value is None:  # typed into an editable combo
                value = combo.currentText().strip()
            if value not in ("", NONE_TEXT):
                attrs[name] = value
        if attrs != span.attrs:
            self._push(cmd.SetAttributesCommand(self.context, span.document_id, span.id, attrs))

    def set_attribute(self, name: str, value: str) -> None:
        """Set one attribute of the selected span (used by tests and shortcuts)."""
        combo = self._attr_rows[name]
        combo.setCurrentIndex(combo.findData(value))
        self._attributes_edited()

    def _link_typed_actor(self) -> None:
        from app.editing import undo_commands as cmd

        span = self._span()
        if span is None:
            return
        entity = self._entity_by_text(self.actor_edit.text())
        if entity is None:
            if self.actor_edit.text().strip():
                self._new_actor(self.actor_edit.text().strip())
            return
        if entity.id != span.entity_id:
            self._push(cmd.LinkEntityCommand(self.context, span.document_id, span.id, entity.id))

    def _unlink_actor(self) -> None:
        from app.editing import undo_commands as cmd

        span = self._span()
        if span is not None and span.entity_id is not None:
            self._push(cmd.LinkEntityCommand(self.context, span.document_id, span.id, None))

    def _new_actor(self, name: str = "") -> None:
        span = self._span()
        content = self.context.doc_state.content
        if span is None or content is None:
            return
        if not name:
            name, ok = QInputDialog.getText(
                self,
                "New actor",
                "Canonical name:",
                text=content.document.text[span.start : span.end],
            )
            if not ok or not name.strip():
                return
        self.link_new_actor(name.strip(), str(span.attrs.get("type", "")))

    def link_new_actor(self, name: str, type_: str = "") -> None:
        """Create (or find) an actor of the registry and link the selected span to it."""
        from annotator import services
        from app.editing import undo_commands as cmd

        span = self._span()
        if span is None:
            return

        def create(s: Any) -> tuple[int, Any]:
            entity_id = services.ensure_entity(s, name, type_, self.context.user)
            return entity_id, next(
                (e for e in services.list_entities(s) if e.id == entity_id), None
            )

        try:  # one transaction, run again on a server conflict (see UndoCommand.transact)
            entity_id, rec = self.context.project.transact(create)
        except AnnotatorError as exc:
            self.message.emit(exc.one_line())
            return
        if rec is not None and all(e.id != rec.id for e in self._entities):
            self.set_entities([*self._entities, rec])
        self._push(cmd.LinkEntityCommand(self.context, span.document_id, span.id, entity_id))
        self.context.entities_changed.emit()

    def _remove_relation(self) -> None:
        from app.editing import undo_commands as cmd

        rows = self.relation_view.selectionModel().selectedRows()
        span = self._span()
        if not rows or span is None:
            return
        row = self.relations.record(rows[0].row())
        if row is not None:
            self._push(cmd.DeleteRelationCommand(self.context, span.document_id, row.id))

    def _relation_activated(self, index: Any) -> None:
        row = self.relations.record(index.row())
        content = self.context.doc_state.content
        if row is not None and content is not None:
            self.context.open_document(content.document.id, row.other_id)


def _isolated(text: str) -> str:
    """Right-to-left text wrapped in a direction isolate (FSI … PDI), so that it does not
    reorder the offsets and punctuation around it."""
    import unicodedata

    if any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in text):
        return f"\u2068{text}\u2069"
    return text


def _short(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
