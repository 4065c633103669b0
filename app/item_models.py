"""Qt item models over plain records (documents, actors, mentions, relations).

The document list sorts and filters inside the model with Python's sort over precomputed keys:
with 100,000 rows a ``QSortFilterProxyModel`` calling back into Python for every comparison
takes seconds, while sorting the key list here takes a few tens of milliseconds.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)

from annotator.records import DocumentSummary, EntityRecord
from annotator.vocabulary import AssignmentStatus

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex
ID_ROLE = Qt.ItemDataRole.UserRole + 1
RECORD_ROLE = Qt.ItemDataRole.UserRole + 2

STATUS_TEXT = {
    "": "not assigned",
    AssignmentStatus.TODO: "to do",
    AssignmentStatus.IN_PROGRESS: "in progress",
    AssignmentStatus.DONE: "done",
    AssignmentStatus.SKIPPED: "skipped",
}


@dataclass(frozen=True)
class Column(Generic[R]):
    title: str
    text: Callable[[R], str]
    sort_key: Callable[[R], Any]
    align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft


class RecordTableModel(QAbstractTableModel, Generic[R]):
    """A read-only table over a list of frozen records, with a sort and a filter of its own."""

    columns: Sequence[Column[R]] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._all: list[R] = []
        self._rows: list[R] = []
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._accept: Callable[[R], bool] | None = None
        self._row_index: dict[int, int] | None = None  # record id -> row, built on demand

    # --------------------------------------------------------------- Qt model API

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        rec = self._rows[index.row()]
        col = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(rec)
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.text(rec)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(col.align | Qt.AlignmentFlag.AlignVCenter)
        if role == ID_ROLE:
            return getattr(rec, "id", None)
        if role == RECORD_ROLE:
            return rec
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self.columns)
        ):
            return self.columns[section].title
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.layoutAboutToBeChanged.emit()
        self._sort_column, self._sort_order = column, order
        self._apply_sort(self._rows)
        self.layoutChanged.emit()

    # --------------------------------------------------------------- records

    def set_records(self, records: Sequence[R]) -> None:
        self.beginResetModel()
        self._all = list(records)
        self._rows = self._filtered()
        self._apply_sort(self._rows)
        self.endResetModel()

    def set_filter(self, accept: Callable[[R], bool] | None) -> None:
        self.beginResetModel()
        self._accept = accept
        self._rows = self._filtered()
        self._apply_sort(self._rows)
        self.endResetModel()

    def record(self, row: int) -> R | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def records(self) -> list[R]:
        return list(self._rows)

    def all_records(self) -> list[R]:
        return list(self._all)

    def row_of(self, record_id: int) -> int:
        if self._row_index is None:
            self._row_index = {getattr(r, "id", -1): i for i, r in enumerate(self._rows)}
        return self._row_index.get(record_id, -1)

    def record_by_id(self, record_id: int) -> R | None:
        return next((r for r in self._all if getattr(r, "id", None) == record_id), None)

    def replace_record(self, record_id: int, new: R) -> None:
        """Swap one record (e.g. after an edit) without a reset."""
        for i, r in enumerate(self._all):
            if getattr(r, "id", None) == record_id:
                self._all[i] = new
                break
        row = self.row_of(record_id)
        if row >= 0:
            self._rows[row] = new
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def _filtered(self) -> list[R]:
        if self._accept is None:
            return list(self._all)
        accept = self._accept
        return [r for r in self._all if accept(r)]

    def _apply_sort(self, rows: list[R]) -> None:
        self._row_index = None
        if 0 <= self._sort_column < len(self.columns):
            key = self.columns[self._sort_column].sort_key
            rows.sort(key=key, reverse=self._sort_order == Qt.SortOrder.DescendingOrder)


class DocumentTableModel(RecordTableModel[DocumentSummary]):
    """The document list: title, source, date, status, spans (and uncertainty)."""

    columns: Sequence[Column[DocumentSummary]] = (
        Column("Title", lambda d: d.title or d.external_id, lambda d: (d.title or "").lower()),
        Column("Source", lambda d: d.source, lambda d: (d.source or "").lower()),
        Column("Date", lambda d: d.published or "", lambda d: d.published or ""),
        Column("Status", lambda d: STATUS_TEXT.get(d.status, d.status), lambda d: d.status),
        Column(
            "Spans",
            lambda d: str(d.span_count),
            lambda d: d.span_count,
            Qt.AlignmentFlag.AlignRight,
        ),
    )

    UNCERTAINTY_COLUMN = 5  # shown only in uncertainty order

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rank: dict[int, float] | None = None
        self.columns = (
            *DocumentTableModel.columns,
            Column(
                "Uncertainty",
                self._uncertainty_text,
                lambda d: -1.0 if self._rank is None else self._rank.get(d.id, -1.0),
                Qt.AlignmentFlag.AlignRight,
            ),
        )

    def _uncertainty_text(self, d: DocumentSummary) -> str:
        value = None if self._rank is None else self._rank.get(d.id)
        return "" if value is None else f"{value:.2f}"

    @property
    def ranked(self) -> bool:
        """Whether the rows follow a model's uncertainty (most uncertain first)."""
        return self._rank is not None and self._sort_column < 0

    def uncertainty(self, doc_id: int) -> float | None:
        return None if self._rank is None else self._rank.get(doc_id)

    def set_rank(self, rank: Mapping[int, float] | None) -> None:
        """Order the rows by ``rank`` (document id -> uncertainty, highest first; documents
        without one after them, in their order) while no column sort is chosen; None: the
        default order again."""
        self.beginResetModel()
        self._rank = dict(rank) if rank is not None else None
        self._rows = self._filtered()
        self._apply_sort(self._rows)
        self.endResetModel()

    def _apply_sort(self, rows: list[DocumentSummary]) -> None:
        super()._apply_sort(rows)
        if self._rank is not None and self._sort_column < 0:
            rank = self._rank
            rows.sort(key=lambda d: -rank[d.id] if d.id in rank else 1.0)

    def set_query(self, text: str = "", status: str | None = None) -> None:
        """Filter by a text (title, source, id) and a status ("" means not assigned)."""
        needle = text.strip().lower()
        if not needle and status is None:
            self.set_filter(None)
            return

        def accept(d: DocumentSummary) -> bool:
            if status is not None and d.status != status:
                return False
            if needle:
                hay = f"{d.title}\n{d.source}\n{d.external_id}".lower()
                return needle in hay
            return True

        self.set_filter(accept)

    def update_document(
        self, doc_id: int, *, span_count: int | None = None, status: str | None = None
    ) -> None:
        row = self.row_of(doc_id)
        rec = self._rows[row] if row >= 0 else self.record_by_id(doc_id)
        if rec is None:
            return
        new = rec
        if span_count is not None:
            new = replace(new, span_count=span_count)
        if status is not None:
            new = replace(new, status=status)
        if new != rec:
            self.replace_record(doc_id, new)


class EntityTableModel(RecordTableModel[EntityRecord]):
    """The actor registry: name, type, aliases, mentions."""

    columns = (
        Column("Actor", lambda e: e.name, lambda e: e.name.lower()),
        Column("Type", lambda e: e.type, lambda e: e.type),
        Column("Aliases", lambda e: ", ".join(e.aliases), lambda e: len(e.aliases)),
        Column(
            "Mentions",
            lambda e: str(e.mention_count),
            lambda e: e.mention_count,
            Qt.AlignmentFlag.AlignRight,
        ),
        Column(
            "Documents",
            lambda e: str(e.document_count),
            lambda e: e.document_count,
            Qt.AlignmentFlag.AlignRight,
        ),
    )

    def set_query(self, text: str) -> None:
        needle = text.strip().lower()
        if not needle:
            self.set_filter(None)
            return
        self.set_filter(
            lambda e: needle in e.name.lower() or any(needle in a.lower() for a in e.aliases)
        )


@dataclass(frozen=True, slots=True)
class MentionRow:
    """One mention of an actor (or one search hit): where it is and a bit of context."""

    id: int  # span id (0 for a search hit)
    document_id: int
    title: str
    snippet: str
    annotator: str = ""
    start: int = 0


class MentionTableModel(RecordTableModel[MentionRow]):
    columns = (
        Column("Document", lambda m: m.title, lambda m: m.title.lower()),
        Column("Context", lambda m: m.snippet, lambda m: m.snippet.lower()),
        Column("Annotator", lambda m: m.annotator, lambda m: m.annotator),
    )


@dataclass(frozen=True, slots=True)
class RelationRow:
    id: int
    label: str
    direction: str  # "→" (this span is the head) or "←"
    other_label: str
    other_text: str
    other_id: int


class RelationTableModel(RecordTableModel[RelationRow]):
    columns = (
        Column("Link", lambda r: f"{r.direction} {r.label}", lambda r: r.label),
        Column("Span", lambda r: f"{r.other_label}: {r.other_text}", lambda r: r.other_text),
    )
