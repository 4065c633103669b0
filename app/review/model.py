"""The disagreement queue as a Qt table model over plain :class:`ReviewRow` records."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette
from PySide6.QtWidgets import QApplication, QStyledItemDelegate, QStyleOptionViewItem

from app.review.data import (
    CHANGED,
    DECIDED,
    DECIDING,
    KIND_TITLES,
    ReviewDoc,
    ReviewRow,
    describe_item,
    describe_version,
)

RowRole = Qt.ItemDataRole.UserRole + 1  # the ReviewRow
KeyRole = Qt.ItemDataRole.UserRole + 2  # the item's key
StateRole = Qt.ItemDataRole.UserRole + 3

COLUMNS = ("Document", "Kind", "Where", "Versions", "State")
AnyIndex = QModelIndex | QPersistentModelIndex


class DisagreementTableModel(QAbstractTableModel):
    """Rows are disagreements in document order; decided rows are shown greyed."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[ReviewRow] = []
        self._docs: dict[int, ReviewDoc] = {}
        self._row_of: dict[str, int] = {}

    # -------------------------------------------------------------- Qt API

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return str(section + 1)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row)
        if role == Qt.ItemDataRole.ForegroundRole and row.state in (DECIDED, DECIDING):
            return QApplication.palette().color(
                QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
            )
        if role == Qt.ItemDataRole.ForegroundRole and row.state == CHANGED and col == 4:
            return QColor("#d55e00")
        if role == Qt.ItemDataRole.FontRole and row.state == CHANGED and col == 4:
            font = QFont()
            font.setBold(True)
            return font
        if role == RowRole:
            return row
        if role == KeyRole:
            return row.key
        if role == StateRole:
            return row.state
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    # -------------------------------------------------------------- content

    def _display(self, row: ReviewRow, col: int) -> str:
        item = row.item
        doc = self._docs.get(item.doc_id)
        text = doc.text if doc else ""
        if col == 0:
            return doc.title if doc else item.external_id
        if col == 1:
            return KIND_TITLES.get(item.kind, item.kind)
        if col == 2:
            return describe_item(item, text)
        if col == 3:
            return " | ".join(
                f"{name}: {describe_version(item, value, text)}"
                for name, value in item.versions.items()
            )
        return "".join(state_parts(row))

    def state_texts(self) -> set[str]:
        """Every distinct text of the State column (to size it)."""
        return {"".join(state_parts(r)) for r in self._rows}

    def _tooltip(self, row: ReviewRow) -> str:
        doc = self._docs.get(row.doc_id)
        text = doc.text if doc else ""
        lines = [
            f"{KIND_TITLES.get(row.item.kind, row.item.kind)} in "
            f"{doc.title if doc else row.item.external_id}"
        ]
        for i, (name, value) in enumerate(row.item.versions.items(), start=1):
            lines.append(f"{i}  {name}: {describe_version(row.item, value, text)}")
        lines.append(f"gold now: {describe_version(row.item, row.item.gold, text)}")
        if row.reviewer:
            lines.append(f"{row.state} by {row.reviewer} ({row.choice})")
        return "\n".join(lines)

    def set_data(self, rows: Iterable[ReviewRow], docs: Mapping[int, ReviewDoc]) -> None:
        """Replace everything."""
        self.beginResetModel()
        self._rows = list(rows)
        self._docs = dict(docs)
        self._reindex()
        self.endResetModel()

    def replace_documents(
        self, doc_ids: Collection[int], rows: Iterable[ReviewRow], docs: Mapping[int, ReviewDoc]
    ) -> None:
        """Swap the rows of some documents for fresh ones (document order is kept)."""
        ids = set(doc_ids)
        fresh = list(rows)
        kept = [r for r in self._rows if r.doc_id not in ids]
        merged = sorted([*kept, *fresh], key=lambda r: r.doc_id)  # stable within a document
        self.beginResetModel()
        self._rows = merged
        for doc_id in ids:
            self._docs.pop(doc_id, None)
        self._docs.update(docs)
        self._reindex()
        self.endResetModel()

    def set_row(self, new: ReviewRow) -> None:
        """Update one row in place (same key)."""
        i = self._row_of.get(new.key)
        if i is None:
            return
        self._rows[i] = new
        self.dataChanged.emit(self.index(i, 0), self.index(i, len(COLUMNS) - 1))

    def _reindex(self) -> None:
        self._row_of = {r.key: i for i, r in enumerate(self._rows)}

    # -------------------------------------------------------------- queries

    def row(self, i: int) -> ReviewRow:
        return self._rows[i]

    def rows(self) -> list[ReviewRow]:
        return list(self._rows)

    def row_of(self, key: str) -> int | None:
        return self._row_of.get(key)

    def document(self, doc_id: int) -> ReviewDoc | None:
        return self._docs.get(doc_id)

    def counts(self) -> dict[str, int]:
        out = {"open": 0, "changed": 0, "decided": 0, "deciding": 0}
        for r in self._rows:
            out[r.state] = out.get(r.state, 0) + 1
        return out

    def next_pending(self, start: int, step: int = 1) -> int | None:
        """The next row after ``start`` (before, for step -1) that still needs a decision."""
        i = start + step
        while 0 <= i < len(self._rows):
            if self._rows[i].pending:
                return i
            i += step
        return None


def state_parts(row: ReviewRow) -> tuple[str, str, str]:
    """The State column's text in three parts: words, who or what was decided, words."""
    if row.state == DECIDED:
        return "decided: ", str(row.choice), ""
    if row.state == DECIDING:
        return "deciding: ", str(row.choice), "…"
    if row.state == CHANGED:
        return "changed since ", str(row.choice), ""
    return ("unanimous" if row.item.unanimous else "open"), "", ""


class StateDelegate(QStyledItemDelegate):
    """Draws the State column; when its text does not fit, the middle of the name goes
    ("changed since alexa…nakamura"), never the words or the name's ends."""

    MARGIN = 8  # the style's text margins, both sides

    def initStyleOption(self, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        super().initStyleOption(option, index)
        row = index.data(RowRole)
        if not isinstance(row, ReviewRow):
            return
        before, name, after = state_parts(row)
        metrics = QFontMetrics(option.font)
        room = option.rect.width() - self.MARGIN
        if not name or metrics.horizontalAdvance(option.text) <= room:
            return
        left = room - metrics.horizontalAdvance(before + after)
        option.text = before + metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, left) + after
