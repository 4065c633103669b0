"""Dialogs: shortcut sheet, annotator name, corpus search results, errors."""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import ProjectMissing, as_annotator_error
from annotator.logfile import log_failure
from annotator.wording import count_of
from app.item_models import MentionRow, MentionTableModel

log = logging.getLogger(__name__)


def file_row(edit: QLineEdit, button: QPushButton) -> QHBoxLayout:
    """A path field with its Browse button beside it."""
    row = QHBoxLayout()
    row.addWidget(edit, 1)
    row.addWidget(button)
    return row


# How the app says to create a missing project; the CLI says its own ('annotator init').
CREATE_HINT = "File → New project… creates one"


def show_error(parent: QWidget | None, title: str, exc: BaseException | str) -> None:
    """A readable message with its catalogue code (``[E120] a.ann:12: ...``), never a
    traceback; an exception outside the catalogue shows as ``[E999] unexpected ...``. The log
    file gets the message and the traceback."""
    if isinstance(exc, ProjectMissing):
        exc = exc.advised(CREATE_HINT)
    text = exc if isinstance(exc, str) else as_annotator_error(exc).render()
    if isinstance(exc, BaseException):
        log_failure(log, f"shown to the user: {title}: {text}", exc)
    else:
        log.error("shown to the user: %s: %s", title, text)
    QMessageBox.warning(parent, title, text)


def ask_user_name(parent: QWidget | None, current: str = "") -> str:
    """Ask the annotator's name (first run); empty when cancelled."""
    name, ok = QInputDialog.getText(
        parent,
        "Welcome to News Annotator",
        "Your name as an annotator (it labels your layer of annotations):",
        text=current,
    )
    return name.strip() if ok else ""


class SearchResultsDialog(QDialog):
    """Documents containing a text; double-click opens one."""

    document_chosen = Signal(int, int)  # doc id, code-point offset of the hit

    def __init__(self, query: str, hits: list[MentionRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"“{query}” in all documents")
        self.model = MentionTableModel(self)
        self.model.set_records(hits)
        self.view = view = QTableView()
        view.setModel(self.model)
        view.verticalHeader().hide()
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        view.setColumnHidden(2, True)
        # titles on one line, cut with "…" (a wrapped title was cut at the row's height)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setColumnWidth(0, view.fontMetrics().horizontalAdvance("M" * 16))
        view.activated.connect(self._open)
        view.doubleClicked.connect(self._open)
        self.count_label = QLabel(
            count_of(len(hits), "document") + (" (first 500)" if len(hits) >= 500 else "")
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addWidget(view)
        self.resize(720, 420)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _open(self, index: QModelIndex) -> None:
        row = self.model.record(index.row())
        if row is not None:
            self.document_chosen.emit(row.document_id, row.start)
