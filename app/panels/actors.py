"""The actor registry: actors with type, aliases and mention counts; rename, alias, merge;
the mentions of the selected actor (double-click opens the document at the mention)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QAbstractItemModel, QEvent, QModelIndex, QObject, Qt, QTimer
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from annotator.errors import AnnotatorError
from annotator.records import EntityRecord
from app.context import AppContext
from app.item_models import EntityTableModel, MentionRow, MentionTableModel
from app.tasks import TaskState

if TYPE_CHECKING:  # the panel paints before the database modules are imported
    from annotator.project import Project
    from annotator.reports.search import Mention
    from app.editing import undo_commands as cmd


class LoadEntities:
    def __init__(self, project: Project) -> None:
        self.project = project

    def __call__(self, _state: TaskState) -> list[EntityRecord]:
        with self.project.session() as s:
            from annotator import services

            return services.list_entities(s)


class _LoadMentions:
    def __init__(self, project: Project, entity_id: int) -> None:
        self.project = project
        self.entity_id = entity_id

    def __call__(self, _state: TaskState) -> tuple[int, list[Mention]]:
        with self.project.session() as s:
            from annotator.reports.search import mentions_with_context

            return self.entity_id, mentions_with_context(s, self.entity_id)


TEXT_MIN = 120  # pixels: the narrowest the actor name and the mention context become


class FillColumn(QObject):
    """Keep one column of a table filling the width the others leave, never narrower than
    ``floor`` pixels: a Stretch section collapses to a few pixels ("Acto…") when the dock is
    narrow; the other columns scroll instead."""

    def __init__(self, view: QTableView, column: int, floor: int = TEXT_MIN) -> None:
        super().__init__(view)
        self.view, self.column, self.floor = view, column, floor
        header = view.horizontalHeader()
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self._resized)
        view.viewport().installEventFilter(self)
        self.fit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize and isValid(self.view):  # not while deleted
            self.fit()
        return super().eventFilter(watched, event)

    def _resized(self, column: int, _old: int, _new: int) -> None:
        if column != self.column:  # another column fitted its contents
            self.fit()

    def fit(self) -> None:
        header = self.view.horizontalHeader()
        others = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c != self.column and not header.isSectionHidden(c)
        )
        width = max(self.floor, self.view.viewport().width() - others)
        if header.sectionSize(self.column) != width:
            header.resizeSection(self.column, width)


def _table(model: QAbstractItemModel, fill: int = 0) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSortingEnabled(True)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setMinimumSectionSize(40)
    FillColumn(view, fill)  # parented to the view, lives as long as it
    return view


class ActorPanel(QWidget):
    """Browse and edit the actor registry."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.model = EntityTableModel(self)
        self.mentions = MentionTableModel(self)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter actors…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.model.set_query)
        self.table = _table(self.model)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        header = self.table.horizontalHeader()
        for col, width in ((1, 105), (2, 80)):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(col, width)
        self.table.setColumnHidden(4, True)  # documents: in the tooltip of the mentions label
        self.mention_view = _table(self.mentions, fill=1)  # the context fills the width
        self.mention_view.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.Interactive
        )
        self.mention_view.horizontalHeader().resizeSection(0, 160)
        self.mention_view.doubleClicked.connect(self._open_mention)
        self.mention_label = QLabel("Select an actor to list its mentions.")
        self.mention_label.setEnabled(False)

        buttons = QHBoxLayout()
        for text, tip, slot in (
            ("Rename…", "Rename the selected actor", self.rename_selected),
            ("Alias…", "Add an alias to the selected actor", self.alias_selected),
            ("Merge…", "Merge the two selected actors (Ctrl+click) into one", self.merge_selected),
        ):
            b = QPushButton(text)
            b.setToolTip(tip)
            b.clicked.connect(slot)
            buttons.addWidget(b)
        buttons.addStretch(1)

        top = QWidget()
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(self.filter)
        tl.addWidget(self.table, 1)
        tl.addLayout(buttons)
        bottom = QWidget()
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(self.mention_label)
        bl.addWidget(self.mention_view, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(top)
        split.addWidget(bottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(split)
        context.entities_changed.connect(self.reload)
        # Mention counts follow every edit (an accepted suggestion, a linked span, a merge);
        # edits come in bursts, so the registry is re-read once they pause.
        self._stale = QTimer(self)
        self._stale.setSingleShot(True)
        self._stale.setInterval(400)
        self._stale.timeout.connect(self.reload)
        context.document_changed.connect(self._document_changed)

    def _document_changed(self, _doc_id: int) -> None:
        self._stale.start()

    def reload(self) -> None:
        self.context.runner.run(
            LoadEntities(self.context.project), self._loaded, title="Loading actors"
        )

    def _loaded(self, entities: list[EntityRecord]) -> None:
        selected = self.selected_ids()
        self.model.set_records(entities)
        for eid in selected[:1]:
            row = self.model.row_of(eid)
            if row >= 0:
                self.table.selectRow(row)

    def selected_ids(self) -> list[int]:
        out = []
        for index in self.table.selectionModel().selectedRows():
            rec = self.model.record(index.row())
            if rec is not None:
                out.append(rec.id)
        return out

    def _selection_changed(self) -> None:
        ids = self.selected_ids()
        if len(ids) == 1:
            self.mention_label.setText("Loading mentions…")
            self.context.runner.run(
                _LoadMentions(self.context.project, ids[0]),
                self._mentions_loaded,
                title="Loading mentions",
            )
        else:
            self.mentions.set_records([])
            self.mention_label.setText(
                "Select one actor to list its mentions."
                if not ids
                else f"{len(ids)} actors selected."
            )

    def _mentions_loaded(self, result: tuple[int, list[Mention]]) -> None:
        entity_id, found = result
        if self.selected_ids() != [entity_id]:
            return
        self.mentions.set_records(
            [
                MentionRow(m.span_id, m.document_id, m.title, m.snippet, m.annotator, m.start)
                for m in found
            ]
        )
        docs = len({m.document_id for m in found})
        self.mention_label.setText(
            f"{len(found):,} mention{'s' * (len(found) != 1)} in "
            f"{docs:,} document{'s' * (docs != 1)} "
            "(double-click to open)"
        )

    def _open_mention(self, index: QModelIndex) -> None:
        row = self.mentions.record(index.row())
        if row is not None:
            self.context.open_document(row.document_id, row.id)

    # ------------------------------------------------------------ edits

    def _run_edit(self, command: cmd.RegistryCommand) -> bool:
        from app.editing.undo_commands import push

        try:
            push(self.context, command)
        except AnnotatorError as exc:
            QMessageBox.warning(self, "Actor registry", exc.render())
            return False
        return True

    def rename_selected(self) -> None:
        from app.editing import undo_commands as cmd

        ids = self.selected_ids()
        rec = self.model.record(self.model.row_of(ids[0])) if ids else None
        if rec is None:
            return
        name, ok = QInputDialog.getText(self, "Rename actor", "New name:", text=rec.name)
        if ok and name.strip():
            self._run_edit(cmd.RenameActorCommand(self.context, rec.id, name.strip()))

    def alias_selected(self) -> None:
        from app.editing import undo_commands as cmd

        ids = self.selected_ids()
        if not ids:
            return
        alias, ok = QInputDialog.getText(self, "Add alias", "Alias:")
        if ok and alias.strip():
            self._run_edit(cmd.AddAliasCommand(self.context, ids[0], alias.strip()))

    def merge_selected(self) -> None:
        from app.editing import undo_commands as cmd

        ids = self.selected_ids()
        if len(ids) != 2:
            QMessageBox.information(
                self, "Merge actors", "Select exactly two actors (Ctrl+click) to merge them."
            )
            return
        keep = self.model.record(self.model.row_of(ids[0]))
        drop = self.model.record(self.model.row_of(ids[1]))
        if keep is None or drop is None:
            return
        answer = QMessageBox.question(
            self,
            "Merge actors",
            f"Merge “{drop.name}” into “{keep.name}”? Its mentions and aliases move over.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._run_edit(cmd.MergeActorsCommand(self.context, keep.id, drop.id))
