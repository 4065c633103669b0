"""Review mode: the corpus-wide disagreement queue, aligned lanes and one-key decisions.

Keys (while the queue has focus): 1–9 accept annotator N's version, X reject all versions,
G keep gold as it is (after editing it), E open the item in the article view for editing,
J/K (or the arrow keys) next/previous item, U accept all unanimous in this document, Shift+U in
the whole corpus. Every decision is a command on the shared undo stack (Ctrl+Z undoes it).

The queue is read in the worker; after a decision only the rows of that document are re-read.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection
from dataclasses import replace
from functools import partial

from PySide6.QtCore import QEvent, QItemSelectionModel, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError, StaleItem
from annotator.project import Project
from annotator.team import adjudication as adj
from app.context import AppContext
from app.editing.undo_commands import report_failure
from app.review.commands import (
    DecideCommand,
    ReviewCommand,
    UnanimousCommand,
    apply_in_worker,
    push,
)
from app.review.data import (
    DECIDED,
    DECIDING,
    KIND_TITLES,
    OPEN,
    ReviewData,
    ReviewRow,
    load_review,
)
from app.review.keys import KEY_HELP, ReviewKeys
from app.review.lanes import LanesView
from app.review.model import DisagreementTableModel, StateDelegate
from app.tasks import TaskState

PARTIAL_RELOAD_LIMIT = 50  # after a decision touching more documents, re-read everything
EMPTY_HINT = (
    "No disagreements. Review compares documents that at least two annotators "
    "labelled: assign documents to several annotators and merge their work files."
)


def _load_task(
    project: Project, doc_ids: Collection[int] | None, generation: int, _state: TaskState
) -> tuple[int, ReviewData]:
    with project.session() as session:
        return generation, load_review(session, doc_ids)


class ReviewPanel(QWidget):
    """The reviewer's workspace; construct with the window's :class:`AppContext`."""

    loaded = Signal()  # the queue (or part of it) was re-read
    settled = Signal()  # a decision was written (or refused) by the worker
    message = Signal(str)  # a one-line note for the user (also shown in the panel)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ReviewPanel")
        self.setWindowTitle("Review")
        self.context = context
        self.model = DisagreementTableModel(self)
        self._generation = itertools.count(1)
        self._latest = 0
        self._loaded_once = False
        self._inflight: dict[str, ReviewRow] = {}  # key -> row shown as deciding
        self._waiting: dict[int, list[ReviewRow]] = {}  # id(command) -> rows before
        self._ignore_changes = False
        self._stale_docs: set[int] = set()
        self._stale_timer = QTimer(self)
        self._stale_timer.setSingleShot(True)
        self._stale_timer.setInterval(300)
        self._stale_timer.timeout.connect(self._reload_stale)

        self.counts = QLabel("Loading the queue…", self)
        self.counts.setWordWrap(True)  # on its own line: the panel fits a 1,366 px screen
        self.refresh_button = QPushButton("Refresh", self)
        self.refresh_button.setToolTip("Re-read the whole queue")
        self.refresh_button.clicked.connect(self.reload)
        self.unanimous_doc_button = QPushButton("Unanimous: document  U", self)
        self.unanimous_doc_button.setToolTip(
            "Accept everything the annotators agree on in this item's document"
        )
        self.unanimous_doc_button.clicked.connect(self.accept_unanimous_document)
        self.unanimous_all_button = QPushButton("Unanimous: corpus  Shift+U", self)
        self.unanimous_all_button.setToolTip(
            "Accept everything the annotators agree on in the whole corpus"
        )
        self.unanimous_all_button.clicked.connect(self.accept_unanimous_corpus)
        top = QHBoxLayout()  # under the counts, which keep the panel's whole width
        top.addWidget(self.unanimous_doc_button)
        top.addWidget(self.unanimous_all_button)
        top.addStretch(1)
        top.addWidget(self.refresh_button)

        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        fm = self.table.fontMetrics()
        kind_width = max(fm.horizontalAdvance(t) for t in KIND_TITLES.values()) + 24
        for col, width in enumerate((200, kind_width, 300, 420, 130)):
            self.table.setColumnWidth(col, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)  # "Where" stays in view
        self.table.setItemDelegateForColumn(4, StateDelegate(self.table))
        self.model.modelReset.connect(self._fit_columns)  # the State column fits its names
        self.model.dataChanged.connect(self._fit_columns)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.doubleClicked.connect(self._double_clicked)
        self.keys = ReviewKeys(self, self)
        self.table.installEventFilter(self.keys)
        self.table.viewport().installEventFilter(self)  # its width decides the columns

        self.lanes = LanesView(self)
        self.lanes.installEventFilter(self.keys)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.lanes)
        splitter.setStretchFactor(0, 1)  # the lanes get two thirds: on a 768 px screen three
        splitter.setStretchFactor(1, 2)  # annotators' lanes and gold show without scrolling
        self.status = QLabel("", self)
        self.status.setWordWrap(True)
        help_label = QLabel(KEY_HELP, self)
        help_label.setTextFormat(Qt.TextFormat.RichText)
        help_label.setWordWrap(True)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.counts)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.status)
        layout.addWidget(help_label)
        self.setFocusProxy(self.table)

        context.project_changed.connect(self.reload)
        context.document_changed.connect(self._document_changed)

    # ----------------------------------------------------------------- loading

    def reload(self) -> None:
        """Re-read the whole queue in the worker."""
        self._loaded_once = True
        self._load_async(None)

    def _load_async(self, doc_ids: Collection[int] | None) -> None:
        generation = next(self._generation)
        if doc_ids is None:
            self._latest = generation  # older partial or full results are now stale
        self.context.runner.run(
            partial(
                _load_task,
                self.context.project,
                None if doc_ids is None else sorted(doc_ids),
                generation,
            ),
            self._on_loaded,
            self._on_error,
            title="Review queue",
        )

    def _on_loaded(self, result: tuple[int, ReviewData]) -> None:
        generation, data = result
        if generation < self._latest:
            return  # a full reload was asked for after this one started
        self._apply(data)

    def _on_error(self, exc: Exception) -> None:
        self._note(exc.one_line() if isinstance(exc, AnnotatorError) else f"Error: {exc}")

    def _apply(self, data: ReviewData) -> None:
        key = self.current_key()
        if data.doc_ids is None:
            self.model.set_data(data.rows, data.docs)
        else:
            self.model.replace_documents(data.doc_ids, data.rows, data.docs)
        for pending, shown in self._inflight.items():  # decisions the worker has not written
            if self.model.row_of(pending) is not None:
                self.model.set_row(shown)
        self._update_counts()
        row = self.model.row_of(key) if key else None
        if row is None and self.model.rowCount():
            row = self.model.next_pending(-1)
            row = 0 if row is None else row
        self._select(row)
        if not self.model.rowCount():
            self.lanes.show_item(None, None, {}, EMPTY_HINT)
        self.loaded.emit()

    def _document_changed(self, doc_id: int) -> None:
        if self._ignore_changes or not self._loaded_once:
            return
        self._stale_docs.add(doc_id)
        self._stale_timer.start()

    def _reload_stale(self) -> None:
        ids, self._stale_docs = self._stale_docs, set()
        if ids:
            self._load_async(ids)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._loaded_once:
            self.reload()

    # ----------------------------------------------------------------- selection

    def current_row(self) -> ReviewRow | None:
        index = self.table.currentIndex()
        return self.model.row(index.row()) if index.isValid() else None

    def current_key(self) -> str | None:
        row = self.current_row()
        return row.key if row else None

    def _select(self, row: int | None) -> None:
        if row is None or not 0 <= row < self.model.rowCount():
            self.table.setCurrentIndex(QModelIndex())
            self.lanes.show_item(None, None, {})
            return
        index = self.model.index(row, 0)
        self.table.selectionModel().setCurrentIndex(
            index,
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(index)
        self._show(row)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show(current.row() if current.isValid() else None)

    def _show(self, row: int | None) -> None:
        if row is None or not 0 <= row < self.model.rowCount():
            self.lanes.show_item(None, None, {})
            return
        record = self.model.row(row)
        self.lanes.show_item(record, self.model.document(record.doc_id), self._colours())

    def _colours(self) -> dict[str, str]:
        scheme = self.context.project.scheme
        return {
            name: lab.color
            for name in scheme.label_names
            if (lab := scheme.label(name)) is not None
        }

    def move_to_pending(self, step: int) -> None:
        """Go to the next (1) or previous (-1) item that still needs a decision."""
        index = self.table.currentIndex()
        start = index.row() if index.isValid() else (-1 if step > 0 else self.model.rowCount())
        target = self.model.next_pending(start, step)
        if target is None:
            self._note("No more open items in this direction.")
            return
        self._select(target)

    # ----------------------------------------------------------------- decisions

    def accept_version(self, number: int) -> None:
        """Accept the version of the item's annotator ``number`` (1-based, lane order)."""
        row = self.current_row()
        if row is None:
            return
        names = list(row.item.versions)
        if not 1 <= number <= len(names):
            self._note(f"This item has {len(names)} versions; press 1–{len(names)}.")
            return
        self.decide(names[number - 1])

    def reject_all(self) -> None:
        self.decide(adj.REJECT)

    def keep_gold(self) -> None:
        self.decide(adj.KEEP)

    def decide(self, choice: str) -> None:
        """Decide the current item (written by the worker) and move to the next open one."""
        row = self.current_row()
        if row is None or row.state == DECIDING or not self._writable():
            return
        if row.state == DECIDED and row.choice == choice:  # nothing to write, nothing to undo
            self._note(f"Already decided: {choice}; nothing changed.")
            return
        command = DecideCommand(self.context, row.item, choice, self._after_command)
        self._submit(command, [replace(row, state=DECIDING, choice=choice)])
        position = self.model.row_of(row.key)
        position = 0 if position is None else position
        target = self.model.next_pending(position)
        if target is None:
            target = self.model.next_pending(-1)
        if target is None:
            self._note("The queue is clear: every disagreement has a decision.")
            target = position
        self._select(target)

    def accept_unanimous_document(self) -> None:
        """Accept everything the annotators agree on in the current item's document."""
        row = self.current_row()
        if row is None or not self._writable():
            return
        self._submit(UnanimousCommand(self.context, [row.doc_id], self._after_command), [])

    def accept_unanimous_corpus(self) -> None:
        """The same for every document with several annotators (in the worker)."""
        if not self._writable():
            return
        self._note("Accepting everything the annotators agree on, in the whole corpus…")
        self._submit(UnanimousCommand(self.context, None, self._after_command), [])

    def _writable(self) -> bool:
        if self.context.read_only:
            self._note("The project is open read-only; nothing was changed.")
        return not self.context.read_only

    def _submit(self, command: ReviewCommand, optimistic: list[ReviewRow]) -> None:
        """Apply ``command`` in the worker; show ``optimistic`` rows (state deciding) meanwhile."""
        originals = []
        for new in optimistic:
            i = self.model.row_of(new.key)
            if i is not None:
                originals.append(self.model.row(i))
                self.model.set_row(new)
                self._inflight[new.key] = new
        self._waiting[id(command)] = originals
        self._update_counts()
        self.context.runner.run(
            partial(apply_in_worker, command),
            self._command_done,
            self._on_error,
            title=command.text(),
        )

    def _command_done(self, result: tuple[ReviewCommand, AnnotatorError | None]) -> None:
        command, error = result
        originals = self._waiting.pop(id(command), [])
        for row in originals:
            self._inflight.pop(row.key, None)
        if error is None:
            try:
                push(self.context, command, applied=True)
            except AnnotatorError as exc:
                error = exc
        if error is not None:
            for row in originals:
                self.model.set_row(row)
            self._update_counts()
            self._note(error.one_line())
            report_failure(self.context, error)  # the database's failure: a dialog too
            if isinstance(error, StaleItem):
                self._load_async({r.doc_id for r in originals} or None)
        elif isinstance(command, UnanimousCommand) and command.decision is not None:
            self._note(_unanimous_note(command.decision))
        self.settled.emit()

    def edit_current(self) -> None:
        """Open the item's document in the article view, on its gold span when there is one."""
        row = self.current_row()
        if row is None:
            return
        self.context.open_document(row.doc_id, self._span_to_open(row))

    def _span_to_open(self, row: ReviewRow) -> int | None:
        doc = self.model.document(row.doc_id)
        if doc is None:
            return None
        item = row.item
        layers = [doc.gold] if doc.gold is not None else []
        layers += list(doc.layers.values())
        for layer in layers:
            for sp in layer.spans:
                if sp.start < item.end and item.start < sp.end and sp.id[1:].isdigit():
                    if item.label is None or sp.label == item.label:
                        return int(sp.id[1:])
        return None

    def _after_command(self, command: ReviewCommand, undone: bool) -> None:
        """A review command was applied, undone or redone: show it at once, then re-read the
        touched documents in the worker."""
        self._ignore_changes = True
        QTimer.singleShot(0, self._stop_ignoring)
        decision = command.decision
        if decision is None:
            return
        for key in decision.keys:
            i = self.model.row_of(key)
            if i is None:
                continue
            row = self.model.row(i)
            self.model.set_row(
                replace(row, state=OPEN, choice=None, reviewer=None)
                if undone
                else replace(row, state=DECIDED, choice=decision.choice, reviewer=decision.reviewer)
            )
        self._update_counts()
        current = self.table.currentIndex()
        self._show(current.row() if current.isValid() else None)
        ids = decision.doc_ids
        self._load_async(None if len(ids) > PARTIAL_RELOAD_LIMIT else ids)

    def _stop_ignoring(self) -> None:
        self._ignore_changes = False

    # ----------------------------------------------------------------- keys

    def keyPressEvent(self, event: QKeyEvent) -> None:
        # Reached only when no window action took the key (e.g. the panel in its own window).
        if event.matches(QKeySequence.StandardKey.Undo):
            self.context.undo_stack.undo()
        elif event.matches(QKeySequence.StandardKey.Redo):
            self.context.undo_stack.redo()
        else:
            super().keyPressEvent(event)

    def _double_clicked(self, _index: QModelIndex) -> None:
        self.edit_current()

    # ----------------------------------------------------------------- text

    def _update_counts(self) -> None:
        c = self.model.counts()
        docs = len({r.doc_id for r in self.model.rows()})
        self.counts.setText(
            f"<b>{c[OPEN]}</b> open · <b>{c['changed']}</b> changed since decided · "
            f"{c['decided']} decided · {_n(self.model.rowCount(), 'disagreement')} "
            f"in {_n(docs, 'document')}"
        )

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_columns()
        return super().eventFilter(watched, event)

    def _fit_columns(self) -> None:
        """Narrow (the window on a 1,366 px screen, beside its docks): the Versions column is
        hidden (the lanes below and the tooltip show each version) and the Document and State
        columns shrink, so that "Where" stays in view. The State column is as wide as its
        longest text ("changed since" a long name), up to a quarter of the table; a name that
        does not fit then loses its middle (:class:`StateDelegate`)."""
        width = self.table.viewport().width()
        narrow = width < 900
        self.table.setColumnHidden(3, narrow)
        self.table.setColumnWidth(0, max(110, min(200, width // 5)))
        bold = QFont(self.table.font())
        bold.setBold(True)  # "changed since" is bold
        metrics = QFontMetrics(bold)
        need = max((metrics.horizontalAdvance(t) for t in self.model.state_texts()), default=0)
        least = 100 if narrow else 130
        self.table.setColumnWidth(4, max(least, min(need + 16, width // 4)))

    def _note(self, text: str) -> None:
        self.status.setText(text)
        self.message.emit(text)


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def _unanimous_note(decision: adj.Decision) -> str:
    c = decision.counts
    return (
        f"Accepted unanimous: {_n(c.get('spans_added', 0), 'span')} and "
        f"{_n(c.get('relations_added', 0), 'relation')} added to gold, "
        f"{_n(c.get('items_settled', 0), 'unanimous item')} settled, "
        f"in {_n(c.get('documents', 0), 'document')}."
    ) + _skipped_note(decision.problems)


def _skipped_note(problems: tuple[str, ...]) -> str:
    if not problems:
        return ""
    more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
    return f" Not copied, against the scheme: {problems[0]}{more}."
