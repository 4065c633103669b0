"""The keyboard shortcut sheet (F1): every row of :func:`app.actions.shortcut_rows` (window
actions, the article view's keys, the review view's keys), descriptions wrapped to the width
of their column so none is cut short."""

from __future__ import annotations

from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.actions import shortcut_rows


class ShortcutTable(QTableWidget):
    """Where / Keys / What it does; the last column stretches and wraps, rows grow to fit."""

    def __init__(self, parent: QWidget | None = None) -> None:
        rows = shortcut_rows()
        super().__init__(len(rows), 3, parent)
        self.setHorizontalHeaderLabels(["Where", "Keys", "What it does"])
        for i, (group, keys, what) in enumerate(rows):
            for j, text in enumerate((group, keys, what)):
                item = QTableWidgetItem(text)
                if j == 1:
                    font = item.font()
                    font.setBold(True)
                    item.setFont(font)
                self.setItem(i, j, item)
        self.verticalHeader().hide()
        self.verticalHeader().setMinimumSectionSize(self.fontMetrics().height() + 8)
        self.setWordWrap(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setAlternatingRowColors(True)
        self.resizeColumnsToContents()
        for col in (0, 1):
            self.setColumnWidth(col, self.columnWidth(col) + 24)
        header = self.horizontalHeader()
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._fit_rows)
        self.resizeRowsToContents()

    def _fit_rows(self, index: int, _old: int, _new: int) -> None:
        if index == 2:  # the description column's width decides the wrapping
            self.resizeRowsToContents()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.resizeRowsToContents()


class ShortcutSheet(QDialog):
    """Every shortcut of the window, the article view and the review view (F1)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keyboard shortcuts")
        self.table = ShortcutTable(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        # Tall enough for every row when the screen allows (the table scrolls otherwise).
        rows = sum(self.table.rowHeight(r) for r in range(self.table.rowCount()))
        wanted = rows + self.table.horizontalHeader().sizeHint().height() + 80
        screen = self.screen().availableGeometry().height() if self.screen() else 640
        self.resize(900, max(480, min(wanted, screen - 60)))
