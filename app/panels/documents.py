"""The document list: search, status and annotator filters over a table of documents."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.vocabulary import AssignmentStatus
from app.context import AppContext
from app.item_models import STATUS_TEXT, DocumentTableModel
from app.panels.layer_combo import LayerCombo

if TYPE_CHECKING:  # the list paints before the database modules are imported
    from sqlalchemy.orm import Session

    from annotator.project import Project
    from annotator.records import DocumentSummary
    from app.tasks import TaskState

ALL = "__all__"
DEFAULT_ORDER, UNCERTAINTY_ORDER = "default", "uncertainty"
TITLE_MIN = 200  # pixels


class FilterRows(QWidget):
    """The list's filters side by side, in as many rows as the list's width needs: the
    filters must not set the list's width (the article needs it on a small screen), and a
    filter cut to a few letters says nothing."""

    MIN_WIDTH = 64  # pixels: a filter in a list narrower than its text

    def __init__(self, widgets: list[QWidget], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.widgets = widgets
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        for w in widgets:
            w.setMinimumWidth(self.MIN_WIDTH)
        self.rows: list[list[QWidget]] = []
        self._arrange(10**6)

    def _arrange(self, width: int) -> None:
        """Fill rows from the left with the filters at their whole width."""
        gap = self.style().layoutSpacing(
            QSizePolicy.ControlType.ComboBox,
            QSizePolicy.ControlType.ComboBox,
            Qt.Orientation.Horizontal,
        )
        gap = max(gap, 6)
        rows: list[list[QWidget]] = [[]]
        used = 0
        for w in self.widgets:
            need = w.sizeHint().width() + (gap if rows[-1] else 0)
            if rows[-1] and used + need > width:
                rows.append([])
                need, used = w.sizeHint().width(), 0
            rows[-1].append(w)
            used += need
        if rows == self.rows:
            return
        self.rows = rows
        while (item := self.column.takeAt(0)) is not None:
            if (row := item.layout()) is not None:
                while row.takeAt(0) is not None:
                    pass
                row.deleteLater()
        for widgets in rows:
            row = QHBoxLayout()
            for w in widgets:
                row.addWidget(w)
            self.column.addLayout(row)

    def resizeEvent(self, e: QResizeEvent) -> None:
        super().resizeEvent(e)
        self._arrange(e.size().width())


class _LoadSummaries:
    """Worker-side job: the document list for one annotator (plain inputs, plain output)."""

    def __init__(self, project: Project, annotator: str) -> None:
        self.project = project
        self.annotator = annotator

    def __call__(self, _state: TaskState) -> tuple[str, list[DocumentSummary], list[str]]:
        with self.project.session() as s:
            return (self.annotator, *load_summaries(s, self.annotator))


def load_summaries(session: Session, annotator: str) -> tuple[list[DocumentSummary], list[str]]:
    """The documents with ``annotator``'s statuses and span counts, and every annotator."""
    from annotator.layers import annotator_names
    from annotator.reads import document_summaries

    return document_summaries(session, annotator), annotator_names(session)


OPEN_WORK = (AssignmentStatus.TODO, AssignmentStatus.IN_PROGRESS)


def _queue_statuses(records: list[DocumentSummary]) -> tuple[str, ...]:
    """The statuses of the queue: assigned open work while there is some, else also the
    documents not assigned."""
    if any(d.status in OPEN_WORK for d in records):
        return OPEN_WORK
    return ("", *OPEN_WORK)


class DocumentPanel(QWidget):
    """Lists documents; emits ``document_chosen(doc_id)`` when the user opens one."""

    document_chosen = Signal(int)
    loaded = Signal()
    order_requested = Signal(str)  # the user chose an order in the combo
    # a ranked document left the queue or came back to it; how many are ranked now
    ranking_changed = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = DocumentTableModel(self)
        self.model.sort(-1)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search titles and sources…")
        self.search.setClearButtonEnabled(True)
        self.status_combo = QComboBox()
        self.status_combo.addItem("Any status", ALL)
        for key, text in STATUS_TEXT.items():
            self.status_combo.addItem(text.capitalize(), key)
        # Whose status and span counts to show: the layer of the window (shown and edited).
        self.annotator_combo = LayerCombo(context)
        # The queue's order: the list's own, or the trained model's uncertainty (most uncertain
        # first); "Done, next" follows it.
        self.order_combo = QComboBox()
        self.order_combo.addItem("Default order", DEFAULT_ORDER)
        self.order_combo.addItem("Most uncertain first", UNCERTAINTY_ORDER)
        self.order_combo.setToolTip(
            "Order the queue by what the trained model would learn: the documents with the "
            "most decisions it is unsure of first (its summed uncertainty)"
        )
        self.count_label = QLabel("Loading…")
        self.count_label.setEnabled(False)

        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        vh = self.table.verticalHeader()
        vh.hide()
        vh.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        vh.setDefaultSectionSize(self.fontMetrics().height() + 8)
        hh = self.table.horizontalHeader()
        # The title fills the width the other columns leave, but never less than
        # TITLE_MIN (a Stretch section collapses to a few pixels when the others nearly fill
        # the list): the other columns scroll instead.
        for col in range(0, 5):  # title, source, date, status, spans
            hh.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(1, 110)
        hh.resizeSection(2, 90)
        hh.resizeSection(3, 90)
        hh.resizeSection(4, 55)
        # The model's uncertainty, beside the title, only while the queue is in that order.
        unc = DocumentTableModel.UNCERTAINTY_COLUMN
        hh.setSectionResizeMode(unc, QHeaderView.ResizeMode.Interactive)
        hh.resizeSection(unc, 90)
        hh.moveSection(unc, 1)
        self.table.setColumnHidden(unc, True)
        self.table.viewport().installEventFilter(self)
        # A column sort replaces the uncertainty order (the combo says so).
        hh.sortIndicatorChanged.connect(
            lambda column, _order: self.show_order(DEFAULT_ORDER) if column >= 0 else None
        )

        self.filters = FilterRows([self.status_combo, self.annotator_combo, self.order_combo])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.search)
        layout.addWidget(self.filters)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)

        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(self._apply_filter)
        self.search.textChanged.connect(self._search_timer.start)
        self.status_combo.currentIndexChanged.connect(self._apply_filter)
        self.order_combo.currentIndexChanged.connect(
            lambda _i: self.order_requested.emit(str(self.order_combo.currentData()))
        )
        context.layer_changed.connect(lambda _layer: self.reload())
        self.table.activated.connect(self._activated)
        self.table.clicked.connect(self._activated)
        self._pending_select: int | None = None
        context.document_changed.connect(self._document_changed)
        context.doc_state.status_set.connect(self._status_set)
        # Scores of ranked documents that left the queue (done, skipped), by document id: an
        # undone "Done" puts the document back with its score.
        self._left: dict[int, float] = {}

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self._fit_title()
        return super().eventFilter(watched, event)

    def _fit_title(self) -> None:
        hh = self.table.horizontalHeader()
        others = sum(hh.sectionSize(c) for c in range(1, hh.count()) if not hh.isSectionHidden(c))
        hh.resizeSection(0, max(TITLE_MIN, self.table.viewport().width() - others))

    # ------------------------------------------------------------ loading

    @property
    def annotator(self) -> str:
        """The layer whose statuses and span counts the list shows."""
        return self.context.layer

    def reload(self) -> None:
        """Reload the list in the worker; the table keeps its filters and sort."""
        self.count_label.setText("Loading…")
        self.context.runner.run(
            _LoadSummaries(self.context.project, self.annotator),
            self._loaded,
            self._failed,
            title="Loading documents",
        )

    def _loaded(self, result: tuple[str, list[DocumentSummary], list[str]]) -> None:
        layer, summaries, names = result
        self.context.set_layers(names)
        if layer != self.annotator:
            return  # the layer changed meanwhile; its list is on its way
        self.model.set_records(summaries)
        self._update_count()
        if self.context.current_doc_id is not None:
            self.select_document(self.context.current_doc_id)
        self.loaded.emit()

    def _failed(self, exc: Exception) -> None:
        self.count_label.setText(f"Could not load the documents: {exc}")

    def _apply_filter(self) -> None:
        status = self.status_combo.currentData()
        self.model.set_query(self.search.text(), None if status == ALL else str(status))
        self._update_count()
        if self.context.current_doc_id is not None:
            self.select_document(self.context.current_doc_id)

    # ------------------------------------------------------------ order

    @property
    def order(self) -> str:
        return UNCERTAINTY_ORDER if self.model.ranked else DEFAULT_ORDER

    def set_uncertainty(self, scores: dict[int, float] | None) -> None:
        """Show the queue most uncertain first (``scores``: document id -> uncertainty), or in
        the default order (None). Any column sort is dropped so the order shows."""
        if scores is not None:
            self.table.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
            self.table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        if scores is None:
            self._left = {}
        self.model.set_rank(scores)
        self.table.setColumnHidden(DocumentTableModel.UNCERTAINTY_COLUMN, scores is None)
        self._fit_title()
        self.show_order(UNCERTAINTY_ORDER if scores is not None else DEFAULT_ORDER)
        if self.context.current_doc_id is not None:
            self.select_document(self.context.current_doc_id)

    def show_order(self, order: str) -> None:
        """Set the combo without asking for the order again."""
        self.order_combo.blockSignals(True)
        self.order_combo.setCurrentIndex(max(0, self.order_combo.findData(order)))
        self.order_combo.blockSignals(False)

    def open_ids(self) -> list[int]:
        """The queue of the layer shown: its assigned documents still to do, or (when none is
        assigned) every document neither done nor skipped."""
        records = self.model.all_records()
        todo = _queue_statuses(records)
        return [d.id for d in records if d.status in todo]

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), len(self.model.all_records())
        done = sum(1 for d in self.model.all_records() if d.status == AssignmentStatus.DONE)
        self.count_label.setText(f"{shown:,} of {total:,} documents · {done:,} done")

    # ------------------------------------------------------------ navigation

    def _activated(self, index: QModelIndex) -> None:
        doc_id = self.model.data(index, Qt.ItemDataRole.UserRole + 1)
        if doc_id is not None:
            self.document_chosen.emit(int(doc_id))

    def select_document(self, doc_id: int) -> None:
        row = self.model.row_of(doc_id)
        if row >= 0:
            index = self.model.index(row, 0)
            self.table.selectionModel().setCurrentIndex(
                index,
                self.table.selectionModel().SelectionFlag.ClearAndSelect
                | self.table.selectionModel().SelectionFlag.Rows,
            )
            self.table.scrollTo(index)

    def next_document(self, after: int) -> int | None:
        """The next document of the queue, in the list's order: while some documents are
        assigned to the annotator and unfinished, the next of those; otherwise the next one
        that is neither done nor skipped. In uncertainty order, the first such one from the
        top (the most uncertain)."""
        rows = self.model.records()
        if not rows:
            return None
        todo = _queue_statuses([d for d in self.model.all_records() if d.id != after])
        # Most uncertain first: the top open document, wherever the one just finished was.
        start = (
            -1 if self.model.ranked else next((i for i, d in enumerate(rows) if d.id == after), -1)
        )
        for offset in range(1, len(rows) + 1):
            d = rows[(start + offset) % len(rows)]
            if d.id != after and d.status in todo:
                return d.id
        return None

    # ------------------------------------------------------------ updates

    def _document_changed(self, doc_id: int) -> None:
        state = self.context.doc_state
        if state.is_current(doc_id, self.annotator):
            self.model.update_document(doc_id, span_count=len(state.spans()))

    def _status_set(self, doc_id: int, layer: str, status: str) -> None:
        """A status changed in this panel's layer, shown or not (undo and redo included)."""
        if layer != self.annotator:
            return
        self.model.update_document(doc_id, status=status)
        self._update_count()
        if not self.model.ranked:
            return
        if self.model.uncertainty(doc_id) is not None and status not in OPEN_WORK:
            self.forget_score(doc_id)
        elif doc_id in self._left and status in _queue_statuses(self.model.all_records()):
            self.restore_score(doc_id)

    def _scores(self) -> dict[int, float]:
        return {
            d.id: value
            for d in self.model.all_records()
            if (value := self.model.uncertainty(d.id)) is not None
        }

    def show_ranking(self, scores: dict[int, float]) -> int:
        """Order the queue by ``scores`` (document id -> uncertainty) as it is now: documents
        finished while they were ranked get no score (it is kept should one be undone).
        Returns how many are ranked."""
        still_open = set(self.open_ids())
        live = {doc_id: value for doc_id, value in scores.items() if doc_id in still_open}
        self._left = {doc_id: value for doc_id, value in scores.items() if doc_id not in live}
        self.set_uncertainty(live)
        return len(live)

    def forget_score(self, doc_id: int) -> None:
        """A ranked document left the queue (done or skipped): it loses its score (kept
        should its status be undone) and goes below the ranked ones; the others keep their
        order."""
        if self.model.ranked:
            scores = self._scores()
            self._left[doc_id] = scores.pop(doc_id)
            self.set_uncertainty(scores)
            self.ranking_changed.emit(len(scores))

    def restore_score(self, doc_id: int) -> None:
        """A document that left the ranked queue is open again (its "Done" undone): it gets
        its score back and its place in the ranking."""
        if self.model.ranked and doc_id in self._left:
            scores = self._scores() | {doc_id: self._left.pop(doc_id)}
            self.set_uncertainty(scores)
            self.ranking_changed.emit(len(scores))
