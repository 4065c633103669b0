"""Long project operations run in the worker with a progress dialog: import, export,
pre-annotation, training, uncertainty ranking and corpus search. The GUI thread only shows
progress and results."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMainWindow, QMessageBox, QProgressDialog

from annotator.errors import Cancelled
from app.context import AppContext
from app.dialogs.common import show_error
from app.dialogs.learning import TrainOptions
from app.dialogs.transfer import ENCODING_HINT, ExportOptions, ImportOptions
from app.item_models import MentionRow
from app.tasks import TaskHandle, TaskState

if TYPE_CHECKING:
    from annotator.project import Project


class ImportTask:
    """Import files with the dialog's options; progress and cancel go through the TaskState."""

    def __init__(self, project: Project, options: ImportOptions) -> None:
        self.project = project
        self.options = options

    def __call__(self, state: TaskState) -> list[str]:
        from annotator.errors import ImportFailed
        from annotator.transfer.importing import advise_encoding, import_paths

        o = self.options
        with _label_map_file(o) as label_map:
            try:
                report = import_paths(
                    self.project,
                    list(o.paths),
                    o.format,
                    layer=o.layer,
                    as_suggestions=o.as_suggestions,
                    label_map=label_map,
                    skip_unmapped=o.skip_unmapped,
                    tsv_feature=o.tsv_feature,
                    encoding=o.encoding,
                    progress=state,
                    update_attributes=o.update_attributes,
                )
            except ImportFailed as exc:
                raise advise_encoding(exc, ENCODING_HINT) from None
        # the report's lines end with its notes: the first 20 of them in the message box
        lines, notes = report.lines(), report.notes
        more = [f"… and {len(notes) - 20} more notes"] if len(notes) > 20 else []
        return [*lines[: len(lines) - len(notes)], *notes[:20], *more]


@contextmanager
def _label_map_file(o: ImportOptions) -> Iterator[Path | None]:
    """The label map the import reads: the dialog's file, with the label table's choices
    over its entries in a temporary JSON file (removed afterwards) when there are any."""
    if not o.label_table:
        yield o.label_map
        return
    from annotator.formats.textfile import read_text
    from annotator.transfer.label_map import load_label_map

    entries: dict[str, object] = {}
    if o.label_map is not None:
        load_label_map(o.label_map)  # a bad file is named as the user gave it
        entries.update(json.loads(read_text(o.label_map)))
    entries.update(dict(o.label_table))
    with tempfile.TemporaryDirectory(prefix="annotator-label-map-") as folder:
        path = Path(folder) / "label-map.json"
        path.write_text(json.dumps(entries), "utf-8")
        yield path


class ExportTask:
    def __init__(self, project: Project, options: ExportOptions) -> None:
        self.project, self.options = project, options

    def __call__(self, state: TaskState) -> str:
        from annotator.transfer.exporting import export_documents

        o = self.options
        summary = export_documents(
            self.project,
            o.out,
            o.format,
            layer=o.layer,
            split=o.split,
            seed=o.seed,
            labels=list(o.labels) if o.labels else None,
            strict=o.strict,
            progress=state,
            overwrite=o.overwrite,
        )
        return f"{summary.to_text()}\nWritten to {o.out}."


GUI_BATCH = 8  # documents per spaCy batch in the GUI: progress moves and Cancel answers soon


class PreannotateTask:
    def __init__(self, project: Project, model: str | None) -> None:
        self.project, self.model = project, model

    def __call__(self, state: TaskState) -> str:
        from annotator.suggest.run import preannotate_project

        report = preannotate_project(self.project, self.model, batch_size=GUI_BATCH, progress=state)
        return "\n".join(report.lines())


class TrainTask:
    """``annotator train`` in the worker: progress counts parsed documents, then fitted
    classifiers; a cancel stops it before anything is written."""

    def __init__(self, project: Project, options: TrainOptions) -> None:
        self.project, self.options = project, options

    def __call__(self, state: TaskState) -> Any:
        from annotator.suggest.training import train_model

        o = self.options
        return train_model(
            self.project,
            o.outdir,
            layer=o.layer,
            seed=o.seed,
            max_steps=o.max_steps,
            base=o.base,
            folds=o.folds,
            progress=state,
        )


class UncertaintyTask:
    """The trained model's uncertainty on each of ``doc_ids`` (document id -> score)."""

    def __init__(self, project: Project, model: str, doc_ids: list[int]) -> None:
        self.project, self.model, self.doc_ids = project, model, doc_ids

    def __call__(self, state: TaskState) -> tuple[str, dict[int, float]]:
        from annotator.suggest.ordering import document_uncertainty

        return self.model, document_uncertainty(self.project, self.model, self.doc_ids, state)


class SearchTask:
    def __init__(self, project: Project, needle: str) -> None:
        self.project, self.needle = project, needle

    def __call__(self, _state: TaskState) -> tuple[str, list[MentionRow]]:
        from annotator.reports.search import search_documents

        with self.project.session() as s:
            hits = search_documents(s, self.needle)
        return self.needle, [
            MentionRow(0, h.document_id, h.title, h.snippet, "", h.start) for h in hits
        ]


class Operations(QObject):
    """Starts the long operations and shows their progress; emits when data changed."""

    data_changed = Signal()  # documents or suggestions were added
    search_done = Signal(str, list)  # query, list[MentionRow]

    def __init__(self, context: AppContext, parent: QMainWindow) -> None:
        super().__init__(parent)
        self.context = context
        self.window = parent
        self.dialog: QProgressDialog | None = None
        self.handle: TaskHandle[Any] | None = None
        self._unit = "documents"
        self._after: tuple[Callable[[], None] | None, Callable[[Exception], None] | None] = (
            None,
            None,
        )
        context.runner.progress.connect(self._progress)

    @property
    def busy(self) -> bool:
        return self.handle is not None

    def _start(
        self,
        title: str,
        task: Any,
        on_done: Any,
        after_ok: Callable[[], None] | None = None,
        after_error: Callable[[Exception], None] | None = None,
        unit: str = "documents",
    ) -> TaskHandle[Any] | None:
        """Run ``task`` with a progress dialog; ``after_ok``/``after_error`` let the caller
        follow the outcome (e.g. the export dialog closes or stays); ``unit`` names what the
        progress counts."""
        if self.handle is not None:
            QMessageBox.information(self.window, title, "Another operation is still running.")
            if after_error is not None:
                after_error(RuntimeError("another operation is still running"))
            return None
        self._after = (after_ok, after_error)
        self._unit = unit
        dialog = QProgressDialog(title + "…", "Cancel", 0, 0, self.window)
        dialog.setWindowTitle(title)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(300)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(self.cancel)
        self.dialog = dialog
        self.handle = self.context.runner.run(task, on_done, self._failed, title=title)
        return self.handle

    def cancel(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            if self.dialog is not None:
                self.dialog.setLabelText("Cancelling…")

    def _progress(self, handle_id: int, done: int, total: int) -> None:
        if self.handle is None or handle_id != self.handle.id or self.dialog is None:
            return
        if 0 < total == self.dialog.maximum() and done < self.dialog.value():
            return  # an older report delivered late (setValue processes events)
        if total > 0 and not self.handle.cancelled:
            self.dialog.setLabelText(f"{self.handle.title}… {done:,} of {total:,} {self._unit}")
        self.dialog.setMaximum(max(total, 0))
        self.dialog.setValue(min(done, total) if total > 0 else 0)

    def _finish(self, ok: bool = True, error: Exception | None = None) -> None:
        after_ok, after_error = self._after
        self._after = (None, None)
        if ok and after_ok is not None:
            after_ok()
        if not ok and after_error is not None and error is not None:
            after_error(error)
        if self.dialog is not None:
            self.dialog.canceled.disconnect(self.cancel)
            self.dialog.close()
            self.dialog.deleteLater()
        self.dialog = None
        self.handle = None

    def _failed(self, exc: Exception) -> None:
        cancelled = isinstance(exc, Cancelled) or (
            self.handle is not None and self.handle.cancelled
        )
        title = self.handle.title if self.handle else "Operation"
        self._finish(ok=False, error=exc)
        if cancelled:
            self.window.statusBar().showMessage(f"{title} cancelled; nothing was changed.", 8000)
        else:
            show_error(self.window, f"{title} failed", exc)

    # ------------------------------------------------------------ operations

    def import_paths(
        self, paths: Sequence[Path], options: ImportOptions | None = None
    ) -> TaskHandle[Any] | None:
        """Import ``paths`` (into the user's layer unless ``options`` say otherwise)."""
        if self.context.read_only:
            show_error(self.window, "Import", "The project is open read-only.")
            return None
        options = options or ImportOptions(tuple(paths), layer=self.context.user)
        return self._start("Importing", ImportTask(self.context.project, options), self._imported)

    def _imported(self, lines: list[str]) -> None:
        self._finish()
        self.data_changed.emit()
        self.context.project_changed.emit()
        QMessageBox.information(self.window, "Import finished", "\n".join(lines))

    def export(
        self,
        out: Path,
        fmt: str,
        layer: str,
        split: tuple[int, int, int] | None = None,
        options: ExportOptions | None = None,
        after_ok: Callable[[], None] | None = None,
        after_error: Callable[[Exception], None] | None = None,
    ) -> TaskHandle[Any] | None:
        options = options or ExportOptions(out, fmt, layer, split)
        return self._start(
            "Exporting",
            ExportTask(self.context.project, options),
            self._exported,
            after_ok,
            after_error,
        )

    def _exported(self, text: str) -> None:
        self._finish()
        QMessageBox.information(self.window, "Export finished", text)  # the summary

    def preannotate(self, model: str | None) -> TaskHandle[Any] | None:
        return self._start(
            "Pre-annotating", PreannotateTask(self.context.project, model), self._preannotated
        )

    def _preannotated(self, text: str) -> None:
        self._finish()
        self.data_changed.emit()
        QMessageBox.information(self.window, "Pre-annotation finished", text)

    def train(
        self, options: TrainOptions, on_done: Callable[[Any], None]
    ) -> TaskHandle[Any] | None:
        """Train in the worker; ``on_done(TrainReport)`` runs on the GUI thread. Training only
        reads the project (it writes the model folder), so a read-only project may train."""

        def done(report: Any) -> None:
            self._finish()
            on_done(report)

        return self._start("Training", TrainTask(self.context.project, options), done, unit="steps")

    def rank_by_uncertainty(
        self,
        model: str,
        doc_ids: list[int],
        on_done: Callable[[tuple[str, dict[int, float]]], None],
        after_error: Callable[[Exception], None] | None = None,
    ) -> TaskHandle[Any] | None:
        """The model's uncertainty on ``doc_ids``, in the worker with progress and cancel."""

        def done(result: tuple[str, dict[int, float]]) -> None:
            self._finish()
            on_done(result)

        return self._start(
            "Ranking documents by uncertainty",
            UncertaintyTask(self.context.project, model, doc_ids),
            done,
            after_error=after_error,
        )

    def search(self, needle: str) -> None:
        self.context.runner.run(
            SearchTask(self.context.project, needle),
            self._searched,
            self._search_failed,
            title="Searching",
        )

    def _searched(self, result: tuple[str, list[MentionRow]]) -> None:
        self.search_done.emit(result[0], result[1])

    def _search_failed(self, exc: Exception) -> None:
        show_error(self.window, "Search failed", exc)
