"""The main window: composes the panels, the action table, the status bar and persistence."""

from __future__ import annotations

import contextlib
import importlib.util
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QLockFile, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QWidget,
)

from annotator.errors import AnnotatorError, NotFound, as_annotator_error
from annotator.settings import Settings
from annotator.vocabulary import AssignmentStatus, Layer
from annotator.wording import pending_left
from app import persistence
from app.actions import ARTICLE_ACTIONS, build_actions, module_available
from app.article_room import ArticleRoom
from app.context import AppContext
from app.dialogs.common import SearchResultsDialog, show_error
from app.dialogs.missing_roles import MissingRolesBox
from app.dialogs.transfer import ExportOptions, ExportOptionsDialog
from app.editing.doc_state import DocumentContent, load_content
from app.editing.time_tracker import ActivityTimer, format_duration
from app.item_models import STATUS_TEXT, MentionRow
from app.learning import LearningLoop
from app.operations import Operations
from app.panels.actors import ActorPanel, LoadEntities
from app.panels.article import ArticlePanel
from app.panels.documents import DocumentPanel
from app.panels.highlighter import Key
from app.panels.inspector import InspectorPanel
from app.panels.label_palette import LabelPalette
from app.panels.scrolled import ScrolledPanel
from app.shortcut_sheet import ShortcutSheet
from app.startup import ProjectHandle
from app.tasks import TaskState
from app.theme import apply_theme, undo_icon


def _n(count: int, noun: str) -> str:
    return f"{count} {noun}{'s' * (count != 1)}"


def default_export_layer(with_work: list[str], user: str) -> str:
    """The layer the export dialog offers first: gold when it has spans, else the user's own
    layer, else any layer with spans (gold when none has any)."""
    for layer in (Layer.GOLD, user, *sorted(with_work)):
        if layer in with_work:
            return layer
    return Layer.GOLD


class _LoadDocument:
    """Worker-side job: one document in one layer; with ``span_id``, also where that span is
    (a span of another layer, e.g. an annotator's version opened from review in gold)."""

    def __init__(self, context: AppContext, doc_id: int, span_id: int = 0) -> None:
        self.project, self.layer, self.doc_id = context.project, context.layer, doc_id
        self.span_id = span_id

    def __call__(self, _state: TaskState) -> tuple[DocumentContent, tuple[int, int] | None]:
        with self.project.session() as s:
            content = load_content(s, self.doc_id, self.layer)
            where = None
            if self.span_id and self.span_id not in content.spans:
                from annotator.reads import span_range

                where = span_range(s, self.span_id, self.doc_id)
        return content, where


class _OpenProject:
    def __init__(self, project: ProjectHandle) -> None:
        self.project = project

    def __call__(self, _state: TaskState) -> object:
        return self.project.open()


class MainWindow(QMainWindow):
    """One window per open project."""

    def __init__(
        self,
        context: AppContext,
        lock: QLockFile | None = None,
        dark: bool = False,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.context = context
        self.lock = lock
        self.open_failed = False  # the project could not be opened after the first paint
        self._quiet_layer_change = False
        self.missing_roles_box: MissingRolesBox | None = None
        self.export_options_dialog: ExportOptionsDialog | None = None
        self._missing_first = 0
        self.settings = settings if settings is not None else Settings.load()
        self.setObjectName("main_window")
        self.setAcceptDrops(True)
        ro = " (read-only)" if context.read_only else ""
        self.setWindowTitle(f"{context.project.path.name}{ro} — News Annotator")

        self.article = ArticlePanel(context, self)
        self.view = self.article.view
        self.view.highlighter.dark = dark
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.article, "Article")
        self.setCentralWidget(self.tabs)
        self.documents = DocumentPanel(context, self)
        self.palette_panel = LabelPalette(context.project.scheme, self)
        self.inspector = InspectorPanel(context, self)
        self.actors = ActorPanel(context, self)
        self._dock("documents", "Documents", self.documents, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock("labels", "Labels", self.palette_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self._dock(
            "inspector",
            "Inspector",
            ScrolledPanel(self.inspector),
            Qt.DockWidgetArea.RightDockWidgetArea,
        )
        self._dock("actors", "Actors", self.actors, Qt.DockWidgetArea.RightDockWidgetArea)
        self.actions_by_id, self.menus = build_actions(self, context.undo_stack)
        self._recent_menu = self.menus["File"].addMenu("Open &recent")
        self._recent_menu.aboutToShow.connect(self._fill_recent)
        view_menu = self.menus["View"]
        view_menu.addSeparator()
        for dock in self.findChildren(QDockWidget):
            view_menu.addAction(dock.toggleViewAction())
        self._extra_panels: dict[str, QWidget] = {}
        for action_id, module in (
            ("review", "app.review.panel"),
            ("dashboard", "app.dashboard.panel"),
        ):
            if not module_available(module):
                self.actions_by_id[action_id].setEnabled(False)
        self.operations = Operations(context, self)
        self.learning = LearningLoop(
            self,
            context,
            self.operations,
            self.documents,
            self.actions_by_id["order_uncertainty"],
            self.settings,
        )
        self.activity = ActivityTimer(context)
        self.activity.watch(
            self.view, self.view.viewport(), self.inspector, self.palette_panel, self.actors
        )
        self._status_user = QLabel()
        self._status_doc = QLabel()
        self._status_counts = QLabel()
        self._status_time = QLabel()
        self._status_time.setToolTip(
            "Active editing time on this document (pauses over two minutes not counted)"
        )
        for w in (self._status_user, self._status_doc, self._status_time, self._status_counts):
            self.statusBar().addPermanentWidget(w)
        self.statusBar().messageChanged.connect(self._fit_status_message)
        self._pending_restore: dict[str, Any] = {}
        self._restoring: int | None = None  # the remembered document, while it loads
        self._save_timer = QTimer(self)
        self._save_timer.setSingleShot(True)
        self._save_timer.setInterval(500)
        self._save_timer.timeout.connect(self.save_position)
        self._wire()
        self.room = ArticleRoom(self)
        self._restore_layout()
        if self.settings.font_size:
            self.view.set_font_size(self.settings.font_size)
        self._update_status()

    def _dock(self, name: str, title: str, widget: QWidget, area: Qt.DockWidgetArea) -> None:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)

    def _wire(self) -> None:
        c = self.context
        self.documents.document_chosen.connect(self.open_document)
        self.tabs.currentChanged.connect(self._tab_changed)
        self.documents.loaded.connect(self._documents_loaded)
        self.palette_panel.label_chosen.connect(self._palette_label)
        self.view.selection_changed.connect(self._selection_changed)
        self.view.message.connect(self._message)
        self.view.link_mode_changed.connect(self._update_status)
        self.view.verticalScrollBar().valueChanged.connect(self._save_timer.start)
        self.inspector.message.connect(self._message)
        self.inspector.link_requested.connect(self._inspector_link)
        self.inspector.accept_requested.connect(self.accept_suggestion)
        self.inspector.reject_requested.connect(self.reject_suggestion)
        self.inspector.select_requested.connect(
            lambda key: self.view.select_item(key, scroll=False)
        )
        self.article.corpus_search_requested.connect(self.operations.search)
        self.operations.search_done.connect(self._show_search)
        self.operations.data_changed.connect(self._data_changed)
        c.open_document_requested.connect(self._open_requested)
        c.layer_changed.connect(self._layer_changed)
        c.document_changed.connect(self._document_changed)
        c.doc_state.status_changed.connect(self._update_status)
        c.edit_failed.connect(self._edit_failed)
        c.time_recorded.connect(self._update_status)
        c.runner.failed.connect(lambda _id, exc: show_error(self, "Error", exc))
        c.entities_changed.connect(self._reload_entities)

    # ------------------------------------------------------------ start-up and persistence

    def start_after_first_paint(self) -> None:
        """Start the background loads once the window is on screen (the worker competes with
        the first paint for the interpreter otherwise); a timer covers a window never painted."""
        self._started = False
        QTimer.singleShot(500, self.start)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.Paint and getattr(self, "_started", True) is False:
            QTimer.singleShot(0, self.start)
        return super().event(e)

    def start(self) -> None:
        """Open the project's database (in the worker, when the window was built from a quick
        look at the file), then load the document list and the registry and reopen the last
        document."""
        if getattr(self, "_started", False) is True:
            return
        self._started = True
        project = self.context.project
        if isinstance(project, ProjectHandle) and not project.is_open:
            self.context.runner.run(
                _OpenProject(project),
                lambda _p: self._load_data(),
                self._project_failed,
                title="Opening the project",
            )
        else:
            self._load_data()

    def _project_failed(self, exc: Exception) -> None:
        self.open_failed = True
        # Do not offer it again as the project to open at start-up.
        recent = str(self.context.project.path)
        self.settings.recent_projects = [p for p in self.settings.recent_projects if p != recent]
        self.settings.save()
        show_error(self, "Cannot open the project", exc)
        self.close()

    def _load_data(self) -> None:
        self._pending_restore = persistence.load_position(self.context.project.path)
        if self._pending_restore:
            self._restoring = int(self._pending_restore["doc"])
            self.open_document(self._restoring)
        self.documents.reload()
        self._reload_entities()

    def _restore_layout(self) -> None:
        if persistence.restore_layout(self):
            self.room.forget()  # the remembered widths are the panels' own
            return
        screen = self.screen().availableGeometry()
        self.first_layout(screen.width(), screen.height())

    def first_layout(self, screen_width: int, screen_height: int) -> None:
        """The layout of a window with nothing remembered, on a screen of that room."""
        width, height, widths = persistence.first_layout(screen_width, screen_height)
        self.resize(width, height)
        docks = {d.objectName(): d for d in self.findChildren(QDockWidget)}
        self.resizeDocks(
            [docks["dock_documents"], docks["dock_inspector"]],
            list(widths),
            Qt.Orientation.Horizontal,
        )
        # the inspector's room above the actors (its scroll area would settle for less)
        self.resizeDocks(
            [docks["dock_inspector"], docks["dock_actors"]], [55, 45], Qt.Orientation.Vertical
        )
        self.room.forget()  # these widths are the panels' own, whatever a resize recorded

    def set_article_only(self, on: bool) -> None:
        """Hide the side panels, or show again the ones hidden so (View ▸ Article only)."""
        self.room.set_article_only(on)

    def save_position(self) -> None:
        content = self.context.doc_state.content
        if content is None:
            return
        selected = self.view.selected
        persistence.save_position(
            self.context.project.path,
            content.document.id,
            self.view.scroll_value(),
            selected[1] if selected and selected[0] == "s" else 0,
            self.view.stored_selection(),
        )

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_position()
        self.activity.activity()
        # The last seconds of work, written here (the worker stops next); closing the window
        # must not fail on a database that could not be reached.
        with contextlib.suppress(Exception):
            self.activity.flush(wait=True)
        persistence.save_layout(self)
        self.context.runner.shutdown()
        self.context.project.close()
        if self.lock is not None:
            self.lock.unlock()
        super().closeEvent(event)

    # ------------------------------------------------------------ documents

    def open_document(self, doc_id: int, span_id: int = 0) -> None:
        if self.context.doc_state.doc_id is not None:
            self.save_position()
        if span_id:
            self._pending_restore = {"doc": doc_id, "span": span_id}
        self.context.runner.run(
            _LoadDocument(self.context, doc_id, span_id),
            self._document_loaded,
            self._document_failed,
            title="Opening document",
        )

    def _open_requested(self, doc_id: int, span_id: int) -> None:
        review = self._extra_panels.get("review")
        if review is not None and self.tabs.currentWidget() is review:
            # Review mode opens a document for editing its adjudicated layer.
            self._set_layer_quietly(Layer.GOLD)
        self.tabs.setCurrentWidget(self.article)
        self.open_document(doc_id, span_id)

    def _set_layer_quietly(self, layer: str) -> None:
        """Switch layers without reloading the document shown (the caller opens one)."""
        self._quiet_layer_change = True
        try:
            self.context.set_layer(layer)
        finally:
            self._quiet_layer_change = False

    def _layer_changed(self, _layer: str) -> None:
        self.view.cancel_link()
        self._update_status()
        doc_id = self.context.doc_state.doc_id
        if doc_id is not None and not self._quiet_layer_change:
            self.open_document(doc_id)

    def _document_loaded(self, result: tuple[DocumentContent, tuple[int, int] | None]) -> None:
        content, where = result
        if content.annotator != self.context.layer:
            return  # the layer changed while it loaded; the new layer's load follows
        self._restoring = None
        self.context.current_doc_id = content.document.id
        self.context.doc_state.set_content(content)
        restore = self._pending_restore
        self._pending_restore = {}
        if restore.get("doc") == content.document.id:
            if restore.get("scroll"):
                self.view.verticalScrollBar().setValue(int(restore["scroll"]))
            sel = restore.get("sel")
            if sel and sel[1] > sel[0]:
                self.view.set_stored_selection(*sel)
            if restore.get("span") and where is not None:
                self.view.set_stored_selection(*where)  # the span is in another layer
                self.view.ensureCursorVisible()
            elif restore.get("span"):
                self.view.select_item(("s", int(restore["span"])), scroll=not restore.get("scroll"))
            elif isinstance(restore.get("offset"), int):
                self.view.set_stored_selection(restore["offset"], restore["offset"])
                self.view.ensureCursorVisible()
        self.documents.select_document(content.document.id)
        if self.article_shown():
            self.view.setFocus()  # never pull the keyboard into a hidden article
        self._update_status()
        self.save_position()
        self.context.current_document.emit(content.document.id)

    def _document_failed(self, exc: Exception) -> None:
        self._pending_restore = {}
        restoring, self._restoring = self._restoring, None
        if restoring is not None and isinstance(exc, NotFound):
            # The place remembered for this path is gone: the project was made anew (or
            # replaced) at the same path. Start at its first document, as on a first opening.
            persistence.forget_position(self.context.project.path)
            self._documents_loaded()
            return
        show_error(self, "Cannot open the document", exc)

    def _documents_loaded(self) -> None:
        if self.context.doc_state.content is None and not self._pending_restore:
            first = self.documents.next_document(-1)
            if first is None and (top := self.documents.model.record(0)) is not None:
                first = top.id
            if first is not None:
                self.open_document(first)

    def _document_changed(self, doc_id: int) -> None:
        state = self.context.doc_state
        layer = state.consume_local(doc_id)
        if layer and layer != self.context.layer:
            # an undo/redo of an edit made in another layer: show that layer and document
            self._set_layer_quietly(layer)
            self.open_document(doc_id)
        elif layer is not None and not state.is_current(doc_id):
            self.open_document(doc_id)  # an undo/redo in another document: show it
        elif layer is None and state.is_current(doc_id):
            self.open_document(doc_id)  # changed elsewhere (e.g. review): reload
        self._update_status()
        self._save_timer.start()

    def _data_changed(self) -> None:
        self.documents.reload()
        doc_id = self.context.doc_state.doc_id
        if doc_id is not None:
            self.open_document(doc_id)

    def reload_project(self) -> None:
        """Read the document list, the document shown and the actors again: another program
        (``annotator import``, ``merge``, ``preannotate``) may have written the project."""
        self._data_changed()
        self._reload_entities()
        watch = getattr(self, "file_watch", None)  # a file project's (app.file_watch)
        if watch is not None:
            watch.dismiss()
        self._message("Reloaded from the project.")

    def _reload_entities(self) -> None:
        self.actors.reload()
        self.context.runner.run(
            LoadEntities(self.context.project), self.inspector.set_entities, title="Loading actors"
        )

    # ------------------------------------------------------------ status

    def _selection_changed(self, key: Key | None) -> None:
        self.inspector.show_item(key)
        self._save_timer.start()

    def _message(self, text: str) -> None:
        self.statusBar().showMessage(text, 8000)

    def _fit_status_message(self, text: str) -> None:
        """A temporary message too long for the room left of the document's status and counts
        hides them while it shows (they come back with the message gone), so it is read whole;
        the annotator's name goes last."""
        bar = self.statusBar()
        labels = (self._status_counts, self._status_time, self._status_doc, self._status_user)
        for w in labels:
            w.show()
        if not text:
            return
        need = bar.fontMetrics().horizontalAdvance(text) + 24  # the bar's margins
        room = bar.width() - sum(w.sizeHint().width() + 6 for w in labels)
        for w in labels:
            if need <= room:
                break
            w.hide()
            room += w.sizeHint().width() + 6

    def _edit_failed(self, text: str) -> None:
        show_error(self, "The change could not be applied", text)

    def _update_status(self, *_args: object) -> None:
        self._update_status_labels()
        # the labels' new widths: the message shown may need their room now
        self._fit_status_message(self.statusBar().currentMessage())

    def _update_status_labels(self) -> None:
        c = self.context
        if c.layer == c.user:
            who = f"Annotator: {c.user}"
        else:
            who = f"Annotator: {c.user} · layer: {c.layer}"
        if c.read_only or not c.is_editable():
            who += " (read-only)"
        self._status_user.setText(who)
        content = c.doc_state.content
        if content is None:
            self._status_doc.setText("No document")
            self._status_counts.setText("")
            self._status_time.setText("")
            return
        self._status_doc.setText(f"Status: {STATUS_TEXT.get(content.status, content.status)}")
        seconds = content.seconds + self.activity.seconds_pending(content.document.id, c.layer)
        self._status_time.setText(f"Time: {format_duration(seconds)}")
        counts = f"{_n(len(content.spans), 'span')} · {_n(len(content.relations), 'link')}"
        if content.suggestions:
            counts += f" · {_n(len(content.suggestions), 'suggestion')}"
        shown_links = c.doc_state.shown_links()
        if shown_links:
            counts += f" · {_n(len(shown_links), 'suggested link')}"
        if self.view.linking:
            counts = f"Linking {self.view.linking}…  " + counts
        self._status_counts.setText(counts)

    # ------------------------------------------------------------ action handlers

    def new_project(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "New project", "", "Annotation projects (*.annproj)"
        )
        if path:
            from app.launcher import open_window

            if not path.endswith(".annproj"):
                path += ".annproj"
            if open_window(Path(path), create=True) is not None:
                self.close()

    def open_project_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Open project", "", "Annotation projects (*.annproj);;All files (*)"
        )
        if path:
            self.open_project(Path(path))

    def open_server_dialog(self) -> None:
        """File → Open server project: a URL, then (only if the server asks) a password
        kept in memory for this connection."""
        from app.launcher import open_server_window

        url, ok = QInputDialog.getText(
            self,
            "Open server project",
            "Project URL (postgresql+psycopg://user@host/database):",
        )
        if ok and url.strip() and open_server_window(url.strip(), parent=self) is not None:
            self.close()

    def _fill_recent(self) -> None:
        self._recent_menu.clear()
        for recent in Settings.load().recent_projects:
            action = self._recent_menu.addAction(recent)
            action.setEnabled(Path(recent).exists())
            action.triggered.connect(lambda _=False, p=recent: self.open_project(Path(p)))

    def open_project(self, path: Path) -> None:
        from app.launcher import open_window

        if Path(path).resolve() == self.context.project.path.resolve():
            return
        if open_window(Path(path), defer_database=False) is not None:
            self.close()

    def import_files(self) -> None:
        from annotator.formats.registry import reader_names
        from app.dialogs.transfer import ImportDialog

        paths, _ = QFileDialog.getOpenFileNames(self, "Import files")
        dialog = ImportDialog(
            [Path(p) for p in paths],
            sorted(reader_names()),
            self.context.layers,
            self.context.user,
            self,
            runner=self.context.runner,
            span_labels=list(self.context.project.scheme.label_names),
            relation_labels=list(self.context.project.scheme.relation_names),
        )
        if not dialog.exec():
            return
        options = dialog.options()
        if not options.paths:
            show_error(self, "Import", "Choose at least one file or folder to import.")
            return
        self.operations.import_paths(list(options.paths), options)

    def export_dialog(self) -> None:
        """The export options, defaulting to a layer with work; the dialog stays open (with
        what was typed) when the export fails and closes when it succeeded."""
        from annotator.formats.registry import writer_names
        from annotator.layers import layers_with_spans
        from app.dialogs.transfer import ExportOptionsDialog

        with self.context.project.session() as s:
            with_work = layers_with_spans(s)
        layers = sorted({*with_work, *Layer, *self.context.layers})
        dialog = ExportOptionsDialog(
            sorted(writer_names()),
            layers,
            list(self.context.project.scheme.label_names),
            default_export_layer(with_work, self.context.user),
            self,
        )
        dialog.export_requested.connect(self._export_requested)
        self.export_options_dialog = dialog
        dialog.open()

    def _export_requested(self, options: ExportOptions) -> None:
        dialog = self.export_options_dialog
        assert dialog is not None
        self.operations.export(
            options.out,
            options.format,
            options.layer,
            options=options,
            after_ok=dialog.finished_ok,
            after_error=self._export_failed,
        )

    def _export_failed(self, exc: Exception) -> None:
        if self.export_options_dialog is not None:
            text = as_annotator_error(exc).render()
            self.export_options_dialog.failed(text)

    def preannotate(self) -> None:
        self.learning.open_preannotate_dialog()

    def train_model(self) -> None:
        self.learning.open_train_dialog()

    def order_by_uncertainty(self, checked: bool = False) -> None:
        self.learning.toggle_uncertainty(checked)

    def undo(self) -> None:
        self.context.undo_stack.undo()

    def redo(self) -> None:
        self.context.undo_stack.redo()

    def find_in_document(self) -> None:
        self.article.show_find()

    def find_all(self) -> None:
        self.article.show_find()
        if self.article.find_edit.text().strip():
            self.operations.search(self.article.find_edit.text())

    def _show_search(self, query: str, hits: list[MentionRow]) -> None:
        dialog = SearchResultsDialog(query, hits, self)
        dialog.document_chosen.connect(self._open_at_offset)
        dialog.show()

    def _open_at_offset(self, doc_id: int, offset: int) -> None:
        self._pending_restore = {"doc": doc_id, "offset": offset}
        self.open_document(doc_id)

    def delete_span(self) -> None:
        self.view.delete_selected()

    def start_link(self) -> None:
        self.view.start_link()

    def _inspector_link(self, relation: str) -> None:
        self.view.setFocus()
        if relation:
            self.view.begin_link(relation)
        else:
            self.view.start_link()

    def accept_suggestion(self) -> None:
        self.view.accept_selected()

    def accept_label(self) -> None:
        self.view.accept_selected(all_of_label=True)

    def reject_suggestion(self) -> None:
        self.view.reject_selected()

    def _palette_label(self, label: str) -> None:
        self.view.label_pressed(label)
        self.view.setFocus()

    def done_and_next(self) -> None:
        self._status_and_next(AssignmentStatus.DONE)

    def skip_and_next(self) -> None:
        self._status_and_next(AssignmentStatus.SKIPPED)

    def _status_and_next(self, status: str) -> None:
        content = self.context.doc_state.content
        if content is None or not self.article_shown():
            return
        if status == "done" and self.context.is_editable():
            from app.dialogs.missing_roles import MissingRolesBox, missing_role_lines

            missing = missing_role_lines(self.context.project.scheme, content)
            if missing:
                self.missing_roles_box = MissingRolesBox([line for _id, line in missing], self)
                self.missing_roles_box.finished.connect(self._missing_roles_answered)
                self._missing_first = missing[0][0]
                self.missing_roles_box.open()
                return
        self._set_status_and_next(status)

    def _missing_roles_answered(self, _result: int) -> None:
        box = self.missing_roles_box
        if box is None:
            return
        if box.clickedButton() is box.anyway:
            self._set_status_and_next("done")
        else:  # go back: the first span that lacks a role is selected
            self.view.select_item(("s", self._missing_first))
            self.view.setFocus()

    def _set_status_and_next(self, status: str) -> None:
        content = self.context.doc_state.content
        if content is None:
            return
        doc_id = content.document.id
        left = len(content.suggestions) if status == AssignmentStatus.DONE else 0
        try:
            from app.editing import undo_commands as cmd

            cmd.push(self.context, cmd.SetStatusCommand(self.context, doc_id, status))
        except AnnotatorError as exc:
            show_error(self, "Cannot change the status", exc)
            return
        nxt = self.documents.next_document(doc_id)
        if nxt is None:
            self._message("Every document of the queue is done.")
        else:
            self.open_document(nxt)
        if left:  # a reminder, not a question: they stay pending and can be reviewed later
            doc = content.document
            self._message(pending_left(doc.title or doc.external_id, left))

    def zoom_in(self) -> None:
        self._zoom(+1)

    def zoom_out(self) -> None:
        self._zoom(-1)

    def _zoom(self, step: int) -> None:
        size = self.view.font().pointSize() + step
        self.view.set_font_size(size)
        self.settings.font_size = self.view.font().pointSize()
        self.settings.save()

    def theme_system(self) -> None:
        self._theme("system")

    def theme_light(self) -> None:
        self._theme("light")

    def theme_dark(self) -> None:
        self._theme("dark")

    def _theme(self, mode: str) -> None:
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        dark = apply_theme(app, mode)
        self.view.highlighter.set_dark(dark)
        self.refresh_icons()
        self.settings.theme = mode
        self.settings.save()

    def refresh_icons(self) -> None:
        """Redraw the icons drawn in the palette's colours (after a theme change)."""
        for action_id in ("undo", "redo"):
            self.actions_by_id[action_id].setIcon(
                undo_icon(QApplication.palette(), redo=action_id == "redo")
            )

    def show_review(self) -> None:
        self._show_panel("review", "app.review.panel", "ReviewPanel", "Review")

    def show_dashboard(self) -> None:
        self._show_panel("dashboard", "app.dashboard.panel", "DashboardPanel", "Dashboard")

    def _show_panel(self, key: str, module: str, cls: str, title: str) -> None:
        panel = self._extra_panels.get(key)
        if panel is None:
            try:
                mod = importlib.import_module(module)
                panel = getattr(mod, cls)(self.context, self)
            except Exception as exc:  # a missing or broken optional panel
                self.actions_by_id[key].setEnabled(False)
                show_error(self, f"{title} is not available", exc)
                return
            self._extra_panels[key] = panel
            self.tabs.addTab(panel, title)
        self.tabs.setCurrentWidget(panel)
        panel.setFocus()  # the first key after Ctrl+R is the panel's

    def article_shown(self) -> bool:
        """Whether the article tab is the one shown (its keys and actions edit only then)."""
        return self.tabs.currentWidget() is self.article

    def _tab_changed(self, _index: int) -> None:
        current = self.tabs.currentWidget()
        if current is not None:
            current.setFocus()
        self.activity.activity()  # time up to now was editing; review time is not
        self.activity.enabled = self.article_shown()
        for action_id in ARTICLE_ACTIONS:
            self.actions_by_id[action_id].setEnabled(self.article_shown())

    def show_shortcuts(self) -> None:
        self._sheet = ShortcutSheet(self)
        self._sheet.open()

    def show_about(self) -> None:
        from annotator import __version__

        QMessageBox.about(
            self,
            "News Annotator",
            f"News Annotator {__version__}\nLabel actors, claims and events in "
            "news articles.\nProject: " + str(self.context.project.path),
        )

    # ------------------------------------------------------------ drag and drop

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.operations.import_paths(paths)
