"""The import dialog's label table: every label the chosen files use that the scheme lacks,
each with a choice of the scheme's labels (relation names for a relation) or "skip".

"Find labels" reads the files in the worker (nothing is written); the choices make the same
mapping a ``--label-map`` JSON file gives (a label onto a scheme label, or ``null`` to skip
it), which the import then applies (:class:`app.operations.ImportTask`)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.values import DocData
from app.tasks import TaskRunner, TaskState

UNSET = "—"  # no entry: the import refuses the label (or skips it with "Skip labels…")
SKIP = "(skip)"  # null: dropped on purpose, counted
COLUMNS = ("In the files", "Kind", "Count", "Becomes")
TARGET = 3
AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True, slots=True)
class ForeignLabel:
    name: str
    kind: str  # "span" or "relation"
    count: int


@dataclass(frozen=True)
class LabelScan:
    """What the files hold: the labels the scheme lacks and how many annotations in all."""

    foreign: list[ForeignLabel]
    annotations: int


def foreign_labels(
    docs: Iterable[DocData], span_labels: Iterable[str], relation_labels: Iterable[str]
) -> LabelScan:
    """The span and relation labels of ``docs`` that are not the scheme's, most used first,
    and the number of spans and relations read."""
    spans, relations = set(span_labels), set(relation_labels)
    found: Counter[tuple[str, str]] = Counter()
    total = 0
    for doc in docs:
        total += len(doc.spans) + len(doc.relations)
        found.update(("span", s.label) for s in doc.spans if s.label not in spans)
        found.update(("relation", r.label) for r in doc.relations if r.label not in relations)
    rows = [
        ForeignLabel(name, kind, n)
        for (kind, name), n in sorted(found.items(), key=lambda kv: (-kv[1], kv[0]))
    ]
    return LabelScan(rows, total)


class ScanLabels:
    """Read the files as the import would (format, encoding, TSV feature) and list their
    foreign labels; runs in the worker."""

    def __init__(
        self,
        paths: Sequence[Path],
        fmt: str,
        tsv_feature: str | None,
        encoding: str | None,
        span_labels: Sequence[str],
        relation_labels: Sequence[str],
    ) -> None:
        self.paths, self.fmt = list(paths), fmt
        self.tsv_feature, self.encoding = tsv_feature, encoding
        self.span_labels, self.relation_labels = list(span_labels), list(relation_labels)

    def __call__(self, state: TaskState) -> LabelScan:
        from annotator.formats.reading import ReadOptions
        from annotator.transfer.importing import iter_documents

        options = ReadOptions(tsv_feature=self.tsv_feature, encoding=self.encoding)
        docs = iter_documents(self.paths, self.fmt, options, state)
        return foreign_labels(docs, self.span_labels, self.relation_labels)


class LabelMapModel(QAbstractTableModel):
    """Rows: the foreign labels; the last column is what each becomes (editable)."""

    def __init__(
        self, span_labels: Sequence[str], relation_labels: Sequence[str], parent: Any = None
    ) -> None:
        super().__init__(parent)
        self._choices = {"span": list(span_labels), "relation": list(relation_labels)}
        self._rows: list[ForeignLabel] = []
        self._targets: list[str] = []

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return COLUMNS[section] if 0 <= section < len(COLUMNS) else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row, col = self._rows[index.row()], index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return (row.name, row.kind, row.count, self._targets[index.row()])[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        return flags | Qt.ItemFlag.ItemIsEditable if index.column() == TARGET else flags

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.EditRole or index.column() != TARGET or not index.isValid():
            return False
        if value not in self.choices(index.row()):
            return False
        self._targets[index.row()] = str(value)
        self.dataChanged.emit(index, index)
        return True

    def choices(self, row: int) -> list[str]:
        """What a row's label may become: nothing chosen, skip, or a label of its kind."""
        return [UNSET, SKIP, *self._choices[self._rows[row].kind]]

    def set_labels(self, rows: Sequence[ForeignLabel]) -> None:
        """Replace the rows; a label listed before keeps its choice."""
        kept = dict(zip((r.name for r in self._rows), self._targets, strict=True))
        self.beginResetModel()
        self._rows = list(rows)
        self._targets = [kept.get(r.name, UNSET) for r in self._rows]
        self.endResetModel()

    def unset(self) -> list[str]:
        """The labels found that still have no choice (shown "—")."""
        return [
            row.name
            for row, target in zip(self._rows, self._targets, strict=True)
            if target == UNSET
        ]

    def mapping(self) -> dict[str, str | None]:
        """The chosen entries as a label map gives them (``None``: skip)."""
        return {
            row.name: (None if target == SKIP else target)
            for row, target in zip(self._rows, self._targets, strict=True)
            if target != UNSET
        }


class TargetDelegate(QStyledItemDelegate):
    """A combo box of the row's choices; a choice is written at once."""

    def createEditor(
        self, parent: QWidget, _option: QStyleOptionViewItem, index: AnyIndex
    ) -> QWidget:
        combo = QComboBox(parent)
        model = index.model()
        if isinstance(model, LabelMapModel):
            combo.addItems(model.choices(index.row()))
        combo.currentTextChanged.connect(lambda _text: self.commitData.emit(combo))
        return combo

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class LabelMapTable(QWidget):
    """ "Find labels" and the table of what each foreign label becomes."""

    scanned = Signal()  # the table shows the files' labels (or why it cannot)

    def __init__(
        self,
        runner: TaskRunner,
        span_labels: Sequence[str],
        relation_labels: Sequence[str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.runner = runner
        self.span_labels, self.relation_labels = list(span_labels), list(relation_labels)
        self.model = LabelMapModel(span_labels, relation_labels, self)
        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(TARGET, TargetDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        # the combo boxes show their longest choice whole
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(TARGET, QHeaderView.ResizeMode.Fixed)
        names = [UNSET, SKIP, *span_labels, *relation_labels]
        widest = max(self.view.fontMetrics().horizontalAdvance(n) for n in names)
        self.view.setColumnWidth(TARGET, widest + 48)
        self.view.setMinimumHeight(120)
        self.model.modelReset.connect(self._open_editors)
        self.find_button = QPushButton("Find labels")
        self.find_button.setToolTip(
            "Read the files (nothing is imported) and list the labels the scheme does not "
            "have, each with what it should become."
        )
        self.status = QLabel("Labels the scheme lacks are listed here after “Find labels”.")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.find_button)
        top.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view)

    def scan(
        self, paths: Sequence[Path], fmt: str, tsv_feature: str | None, encoding: str | None
    ) -> None:
        """List the foreign labels of ``paths`` (read in the worker)."""
        if not paths:
            self.status.setText("Choose files or a folder first.")
            self.scanned.emit()
            return
        self.find_button.setEnabled(False)
        self.status.setText("Reading the files…")
        task = ScanLabels(paths, fmt, tsv_feature, encoding, self.span_labels, self.relation_labels)
        self.runner.run(task, self._found, self._failed, title="Finding labels")

    def mapping(self) -> dict[str, str | None]:
        return self.model.mapping()

    def _found(self, scan: LabelScan) -> None:
        self.find_button.setEnabled(True)
        self.model.set_labels(scan.foreign)
        n = len(scan.foreign)
        if not scan.annotations:
            text = "The files hold no annotations: only their texts will be imported."
        elif not n:
            text = "Every label in the files is in the scheme."
        else:
            text = f"{n} label{'s' * (n != 1)} the scheme lacks: choose what each becomes."
        self.status.setText(text)
        self.scanned.emit()

    def _failed(self, exc: Exception) -> None:
        from annotator.errors import AnnotatorError

        self.find_button.setEnabled(True)
        text = exc.one_line() if isinstance(exc, AnnotatorError) else str(exc)
        self.status.setText(f"Could not read the files: {text}")
        self.scanned.emit()

    def _open_editors(self) -> None:
        for row in range(self.model.rowCount()):
            self.view.openPersistentEditor(self.model.index(row, TARGET))
