"""Dialogs: shortcut sheet, annotator name, export, corpus search results, errors."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.errors import AnnotatorError
from app.actions import shortcut_rows
from app.models import MentionRow, MentionTableModel


def show_error(parent: QWidget | None, title: str, exc: BaseException | str) -> None:
    """A readable message, never a traceback."""
    if isinstance(exc, AnnotatorError):
        text = exc.one_line()
    elif isinstance(exc, BaseException):
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    else:
        text = exc
    QMessageBox.warning(parent, title, text)


def ask_user_name(parent: QWidget | None, current: str = "") -> str:
    """Ask the annotator's name (first run); empty when cancelled."""
    name, ok = QInputDialog.getText(
        parent, "Welcome to News Annotator",
        "Your name as an annotator (it labels your layer of annotations):", text=current)
    return name.strip() if ok else ""


class ShortcutSheet(QDialog):
    """Every shortcut of the window and the article view (F1)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        rows = shortcut_rows()
        table = QTableWidget(len(rows), 3, self)
        table.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        for i, (group, keys, what) in enumerate(rows):
            for j, text in enumerate((group, keys, what)):
                item = QTableWidgetItem(text)
                if j == 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                table.setItem(i, j, item)
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 8)
        table.setWordWrap(False)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.resizeColumnsToContents()
        for col in (0, 1):
            table.setColumnWidth(col, table.columnWidth(col) + 24)
        table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        table.setAlternatingRowColors(True)
        self.table = table
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(buttons)
        self.resize(900, 640)


class ExportDialog(QDialog):
    """Choose format, layer and target of an export."""

    def __init__(self, formats: list[str], layers: list[str], default_layer: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export annotations")
        self.format_combo = QComboBox()
        self.format_combo.addItems(formats)
        self.layer_combo = QComboBox()
        self.layer_combo.addItems(layers)
        self.layer_combo.setCurrentText(default_layer)
        self.split_edit = QLineEdit()
        self.split_edit.setPlaceholderText("e.g. 80,10,10 (empty: no split)")
        self.out_edit = QLineEdit()
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        out_row = QHBoxLayout()
        out_row.addWidget(self.out_edit, 1)
        out_row.addWidget(browse)
        form = QFormLayout()
        form.addRow("Format", self.format_combo)
        form.addRow("Layer", self.layer_combo)
        form.addRow("Train/dev/test split", self.split_edit)
        form.addRow("Write to", out_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.out_edit.text())
        if path:
            self.out_edit.setText(path)

    def values(self) -> tuple[str, str, Path, tuple[int, int, int] | None]:
        split = None
        text = self.split_edit.text().strip()
        if text:
            parts = [int(p) for p in text.replace(" ", "").split(",")]
            if len(parts) != 3:
                raise ValueError("the split needs three numbers, e.g. 80,10,10")
            split = (parts[0], parts[1], parts[2])
        return (self.format_combo.currentText(), self.layer_combo.currentText(),
                Path(self.out_edit.text().strip()), split)


class SearchResultsDialog(QDialog):
    """Documents containing a text; double-click opens one."""

    document_chosen = Signal(int, int)  # doc id, code-point offset of the hit

    def __init__(self, query: str, hits: list[MentionRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"“{query}” in all documents")
        self.model = MentionTableModel(self)
        self.model.set_records(hits)
        view = QTableView()
        view.setModel(self.model)
        view.verticalHeader().hide()
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        view.setColumnHidden(2, True)
        view.activated.connect(self._open)
        view.doubleClicked.connect(self._open)
        label = QLabel(f"{len(hits):,} documents" + (" (first 500)" if len(hits) >= 500 else ""))
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(view)
        self.resize(720, 420)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _open(self, index: object) -> None:
        row = self.model.record(index.row())  # type: ignore[attr-defined]
        if row is not None:
            self.document_chosen.emit(row.document_id, row.start)
