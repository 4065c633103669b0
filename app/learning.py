"""The learning loop in the window: train a model on a layer, pre-annotate with the default
suggestions or a trained model, order the queue by the model's uncertainty.

Training and the uncertainty ranking run in the background task runner with progress and
cancel (:class:`app.operations.Operations`); the GUI thread only shows dialogs and results. The
model folder last trained or chosen is remembered per project.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMainWindow, QMessageBox

from annotator.vocabulary import Layer
from annotator.wording import count_of
from app import persistence
from app.context import AppContext
from app.dialogs.learning import ComparisonDialog, PreannotateDialog, TrainDialog, shown_path
from app.operations import Operations
from app.panels.documents import DEFAULT_ORDER, UNCERTAINTY_ORDER, DocumentPanel

if TYPE_CHECKING:
    from annotator.settings import Settings


def default_model_dir(project: Path) -> Path:
    """Where a project's first model goes: a folder beside the project file."""
    project = Path(project)
    return project.with_name(f"{project.stem}-model")


class LearningLoop(QObject):
    """Owns the learning dialogs and the queue order of one window."""

    def __init__(
        self,
        window: QMainWindow,
        context: AppContext,
        operations: Operations,
        documents: DocumentPanel,
        order_action: QAction,
        settings: Settings,
    ) -> None:
        super().__init__(window)
        self.window, self.context, self.operations = window, context, operations
        self.documents, self.order_action, self.settings = documents, order_action, settings
        self.model_dir = persistence.load_model_dir(context.project.path)
        self.train_dialog: TrainDialog | None = None
        self.preannotate_dialog: PreannotateDialog | None = None
        self.result_dialog: ComparisonDialog | None = None
        documents.order_requested.connect(self.set_order)
        documents.ranking_changed.connect(self._say_ranked)

    # ------------------------------------------------------------ training

    def open_train_dialog(self) -> None:
        layers = list(dict.fromkeys([Layer.GOLD.value, *self.context.layers]))
        outdir = Path(self.model_dir) if self.model_dir else None
        dialog = TrainDialog(
            layers,
            Layer.GOLD.value,
            outdir or default_model_dir(self.context.project.path),
            self.window,
        )
        dialog.accepted.connect(lambda: self.train(dialog.options()))
        self.train_dialog = dialog
        dialog.open()

    def train(self, options: Any) -> None:
        if not options.outdir.is_absolute():  # typed: beside the project, not the app's folder
            options = replace(options, outdir=self._base_folder() / options.outdir)
        self.operations.train(options, lambda report: self._trained(report, options.layer))

    def _base_folder(self) -> Path:
        """Where a relative model folder goes: the project file's folder (the home folder for
        a project on a server)."""
        from annotator.project import is_server_location  # the ORM: after the first paint

        project = self.context.project
        if is_server_location(project.path):
            return Path.home()
        return Path(project.path).resolve().parent

    def _trained(self, report: Any, layer: str) -> None:
        self.model_dir = str(report.outdir)
        persistence.save_model_dir(self.context.project.path, self.model_dir)
        whose = "the gold layer" if layer == Layer.GOLD.value else f"{layer}'s layer"
        headline = (
            f"Trained on {report.documents} documents of {whose} in {report.seconds:.0f} s; "
            f"the model is in {shown_path(report.outdir)}."
        )
        self.result_dialog = ComparisonDialog(report.comparison, headline, self.window)
        self.result_dialog.open()
        if self.documents.order == UNCERTAINTY_ORDER:
            self._rank()  # the new model decides the order now

    # ------------------------------------------------------------ pre-annotation

    def open_preannotate_dialog(self) -> None:
        dialog = PreannotateDialog(self.model_dir, self.window)
        dialog.accepted.connect(lambda: self._preannotate(dialog.model_dir()))
        self.preannotate_dialog = dialog
        dialog.open()

    def _preannotate(self, model_dir: str | None) -> None:
        if model_dir:
            self.model_dir = model_dir
            persistence.save_model_dir(self.context.project.path, model_dir)
        self.operations.preannotate(model_dir or self.settings.model or None)

    # ------------------------------------------------------------ queue order

    def set_order(self, order: str) -> None:
        """Default order, or most uncertain first (computed in the worker with the model last
        trained or chosen; without one the user is told how to get one)."""
        if order != UNCERTAINTY_ORDER:
            self.documents.set_uncertainty(None)
            self.order_action.setChecked(False)
            return
        if not self.model_dir:
            self._show_order(self.documents.order)
            QMessageBox.information(
                self.window,
                "Uncertainty order",
                "Uncertainty order needs a trained model: use Suggestions → Train a model on "
                "the team's labels, or choose a model folder in Suggestions → Pre-annotate.",
            )
            return
        self._rank()

    def _rank(self) -> None:
        ids = self.documents.open_ids()
        if not ids:
            self._show_order(self.documents.order)
            self.window.statusBar().showMessage("No open documents to order.", 8000)
            return
        handle = self.operations.rank_by_uncertainty(
            self.model_dir, ids, self._ranked, lambda _exc: self._show_order(self.documents.order)
        )
        if handle is None:
            self._show_order(self.documents.order)

    def _ranked(self, result: tuple[str, dict[int, float]]) -> None:
        _model, scores = result
        # Documents finished while the ranking ran are no longer in the queue: they get no
        # score, and the message counts the queue as it is now.
        count = self.documents.show_ranking(scores)
        self._show_order(UNCERTAINTY_ORDER)
        self._say_ranked(count)

    def _say_ranked(self, count: int) -> None:
        """The status bar line of the uncertainty order, with the queue as it is now."""
        self.window.statusBar().showMessage(
            f"Queue ordered by what the model would learn ({count_of(count, 'open document')}"
            "); Done, next opens the top one.",
            8000,
        )

    def _show_order(self, order: str) -> None:
        self.documents.show_order(order)
        self.order_action.blockSignals(True)
        self.order_action.setChecked(order == UNCERTAINTY_ORDER)
        self.order_action.blockSignals(False)

    def toggle_uncertainty(self, checked: bool) -> None:
        self.set_order(UNCERTAINTY_ORDER if checked else DEFAULT_ORDER)
