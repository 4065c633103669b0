"""What every panel of the window shares: the open project, the user, the layer shown, the
worker, undo."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from annotator.vocabulary import Layer
from app.editing.doc_state import DocumentState
from app.tasks import TaskRunner

if TYPE_CHECKING:
    from annotator.project import Project


class AppContext(QObject):
    """The open project and the shared services of the window.

    ``user`` is the person at the keyboard (the actor of every edit); ``layer`` is the
    annotation layer the article view shows and edits: the user's own (the default), ``gold``,
    or another annotator's (shown read-only).

    Signals:
        document_changed(doc_id): after any edit, undo or redo touching that document.
        project_changed(): a project was opened, or documents/actors changed in bulk.
        entities_changed(): the actor registry changed.
        current_document(doc_id): the user opened a document in the article view.
        open_document_requested(doc_id, span_id): a panel asks to navigate (span_id 0: none).
        layer_changed(layer): the article view now shows (and edits) another layer.
        layers_found(list[str]): the layers that exist in the project (read by the worker).
    """

    document_changed = Signal(int)
    project_changed = Signal()
    entities_changed = Signal()
    edit_failed = Signal(str)  # an undo/redo could not be applied (one-line message)
    time_recorded = Signal()  # active editing time was written
    current_document = Signal(int)
    open_document_requested = Signal(int, int)
    layer_changed = Signal(str)
    layers_found = Signal(list)

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
        self.layer = user
        self.layers: list[str] = [user, Layer.GOLD]
        self.runner = runner if runner is not None else TaskRunner(self)
        self.undo_stack = undo_stack if undo_stack is not None else QUndoStack(self)
        self.read_only = read_only
        self.current_doc_id: int | None = None
        self.doc_state = DocumentState(self)

    # ------------------------------------------------------------ layers

    def is_editable(self, layer: str | None = None) -> bool:
        """Whether edits to ``layer`` (default: the layer shown) are allowed: the user's own
        layer and gold, in a project not opened read-only."""
        layer = self.layer if layer is None else layer
        return not self.read_only and layer in (self.user, Layer.GOLD)

    def refusal(self, layer: str | None = None) -> str:
        """Why an edit to ``layer`` is refused ("" when it is allowed)."""
        layer = self.layer if layer is None else layer
        if self.read_only:
            return "the project is open read-only; nothing was changed"
        if layer not in (self.user, Layer.GOLD):
            return (
                f"the layer '{layer}' is read-only (edit your own layer or gold); "
                "nothing was changed"
            )
        return ""

    def set_layer(self, layer: str) -> None:
        """Show (and edit) ``layer`` in the article view, inspector, status bar and list."""
        layer = str(layer or self.user)
        if layer not in self.layers:
            self.layers = _ordered_layers(self.user, [*self.layers, layer])
            self.layers_found.emit(list(self.layers))
        if layer != self.layer:
            self.layer = layer
            self.layer_changed.emit(layer)

    def set_layers(self, names: list[str]) -> None:
        """The annotators found in the project (the user, gold and the current layer are
        always offered)."""
        layers = _ordered_layers(self.user, [*names, self.layer])
        if layers != self.layers:
            self.layers = layers
            self.layers_found.emit(list(layers))

    # ------------------------------------------------------------ navigation

    def open_document(
        self, doc_id: int, span_id: int | None = None, layer: str | None = None
    ) -> None:
        """Ask the window to show a document (and select a span in it), in ``layer`` when
        given (else in the layer shown)."""
        if layer is not None:
            self.set_layer(layer)
        self.open_document_requested.emit(int(doc_id), int(span_id or 0))

    def set_project(self, project: Project) -> None:
        self.project = project
        self.current_doc_id = None
        self.undo_stack.clear()
        self.project_changed.emit()


def _ordered_layers(user: str, names: list[str]) -> list[str]:
    """The user's layer first, then gold, then the other annotators by name."""
    others = sorted({n for n in names if n and n not in (user, Layer.GOLD)})
    return [user, Layer.GOLD, *others]
