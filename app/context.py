"""What every panel of the window shares: the open project, the user, the worker, undo."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from annotator.project import Project
from app.doc_state import DocumentState
from app.tasks import TaskRunner


class AppContext(QObject):
    """The open project and the shared services of the window.

    Signals:
        document_changed(doc_id): after any edit, undo or redo touching that document.
        project_changed(): a project was opened, or documents/actors changed in bulk.
        entities_changed(): the actor registry changed.
        current_document(doc_id): the user opened a document in the article view.
        open_document_requested(doc_id, span_id): a panel asks to navigate (span_id 0: none).
    """

    document_changed = Signal(int)
    project_changed = Signal()
    entities_changed = Signal()
    edit_failed = Signal(str)  # an undo/redo could not be applied (one-line message)
    current_document = Signal(int)
    open_document_requested = Signal(int, int)

    def __init__(
        self,
        project: Project,
        user: str,
        runner: TaskRunner | None = None,
        undo_stack: QUndoStack | None = None,
        parent: QObject | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.user = user
        self.runner = runner if runner is not None else TaskRunner(self)
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.read_only = read_only
        self.current_doc_id: int | None = None
        self.doc_state = DocumentState(self)

    def open_document(self, doc_id: int, span_id: int | None = None) -> None:
        """Ask the window to show a document (and select a span in it)."""
        self.open_document_requested.emit(int(doc_id), int(span_id or 0))

    def set_project(self, project: Project) -> None:
        self.project = project
        self.current_doc_id = None
        self.undo_stack.clear()
        self.project_changed.emit()
