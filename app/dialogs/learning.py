"""The learning loop's dialogs: train a model, see how it compared with the default suggestions,
choose the model to pre-annotate with.

Every figure shown comes from the model folder's ``comparison.json`` (written by
``annotator train``): per label the default suggestions and the trained model scored on the same
held-out documents, and which of the two ``preannotate --model`` uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.dialogs.common import file_row

TRAINED = "trained"
NOT_USED = "—"  # a linker variant not used because the other trained variant was
OTHER_VARIANT = {  # the "use" of a relation -> why the other variant was not used
    "linker": "the linker alone is used (it was better)",
    "stacked": "stacking is used (it was better)",
}


@dataclass(frozen=True)
class TrainOptions:
    """The options of ``annotator train``."""

    layer: str
    outdir: Path
    max_steps: int = 300
    folds: int = 4
    seed: int = 0
    base: str | None = None  # None: the installed English pipeline


def _min_documents() -> int:
    from annotator.suggest.selection import MIN_DOCUMENTS

    return MIN_DOCUMENTS


def _score(row: Mapping[str, Any]) -> float | None:
    return float(row["score"]) if "score" in row else None


def _f(row: Mapping[str, Any] | None) -> float | None:
    if not isinstance(row, Mapping) or "f" not in row:
        return None
    return float(row["f"])


def shown_path(path: Path | str) -> str:
    """A folder as the dialogs show it: under the home folder as ``~/…``."""
    path = Path(path)
    try:
        return str(Path("~") / path.relative_to(Path.home()))
    except ValueError:
        return str(path)


def typed_path(text: str) -> Path:
    """The folder a typed text names: ``~`` is the home folder, as in a shell."""
    return Path(text.strip()).expanduser()


def comparison_summary(data: Mapping[str, Any]) -> str:
    """One paragraph: how the comparison was made, which labels use the trained model and which
    relations its linker picks (the rules pick the others)."""
    spans = data.get("spans") or {}
    used = [label for label, row in spans.items() if (row or {}).get("use") == TRAINED]
    docs = int(data.get("documents", 0))
    repeats = int(data.get("repeats", 1) or 1)
    text = (
        f"Held out: {docs} documents, {data.get('folds', 0)}-fold by document"
        + (f" over {repeats} shuffles" if repeats > 1 else "")
        + f", {data.get('metric', 'overlap F')}. "
    )
    few = docs < _min_documents()
    if used:
        text += "The trained model is used for " + ", ".join(used) + "; "
        text += "the default suggestions for the other labels."
    else:
        text += "The default suggestions are used for every label"
        if few:
            text += f" (fewer than {_min_documents()} annotated documents: nothing is proven yet)."
        else:
            text += " (the trained model was not clearly better on any)."
    return text + _links_summary(data, few)


def _links_summary(data: Mapping[str, Any], few: bool) -> str:
    """ " Links: the trained linker for claimant; the rules for the other relations." (empty
    when the comparison has no linker)."""
    from annotator.suggest.linker import LINKER, STACKED

    relations = (data.get("links") or {}).get("relations") or {}
    use = {rel: (row or {}).get("use") for rel, row in relations.items()}
    if not use:
        return ""
    plain = [rel for rel, how in use.items() if how == LINKER]
    stacked = [rel for rel, how in use.items() if how == STACKED]
    parts = []
    if plain:
        parts.append("the trained linker for " + ", ".join(plain))
    if stacked:
        parts.append("the trained linker stacked on the rules for " + ", ".join(stacked))
    if not parts:
        why = "" if few else " (the trained linker was not clearly better on any)"
        return f" Links: the rules for every relation{why}."
    if len(plain) + len(stacked) < len(use):
        parts.append("the rules for the other relations")
    return " Links: " + "; ".join(parts) + "."


class ComparisonTable(QTableWidget):
    """Per label and per relation: default F, trained F, and which one is used; per relation
    the rules against the trained linker, by the figure that decided it (claimant accuracy or
    role recall), named in the row."""

    HEADERS = ("Label", "Default", "Trained", "Used", "Why")
    HEADER_TIPS = {
        1: "Held out: the default suggestions' F (labels and links); on the linker rows, the "
        "rules' claimant accuracy on matched claims or role recall on matched triggers",
        2: "Held out: the trained model's F (labels and links); on the linker rows, the "
        "trained linker's claimant accuracy or role recall",
    }
    TALLEST, SHORTEST = (
        480,
        160,
    )  # px: the cap with no room known, and the least a dialog may squeeze
    _fit = 0

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(0, len(self.HEADERS), parent)
        self.setHorizontalHeaderLabels(list(self.HEADERS))
        for col, tip in self.HEADER_TIPS.items():
            header_item = self.horizontalHeaderItem(col)
            if header_item is not None:
                header_item.setToolTip(tip)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        header = self.horizontalHeader()
        for col in range(len(self.HEADERS) - 1):
            header.setSectionResizeMode(col, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)

    def set_comparison(self, data: Mapping[str, Any]) -> None:
        rows: list[tuple[str, float | None, float | None, str, str, str]] = []
        for label, row in (data.get("spans") or {}).items():
            row = row or {}
            use = "trained" if row.get("use") == TRAINED else "default"
            why = str(row.get("reason") or "") if use == "default" else ""
            rows.append(
                (label, _f(row.get("default")), _f(row.get("trained")), use, why, _tip(row))
            )
        for label, row in (data.get("relations") or {}).items():
            row = row or {}
            rows.append(
                (
                    f"{label} (link)",
                    _f(row.get("default")),
                    _f(row.get("trained")),
                    "with its spans",
                    "",
                    _tip(row),
                )
            )
        rows.extend(_linker_rows(data))
        self.setRowCount(len(rows))
        bold = QFont(self.font())
        bold.setBold(True)
        for r, (label, default, trained, use, why, tip) in enumerate(rows):
            cells = (
                label,
                "—" if default is None else f"{100 * default:.1f}",
                "—" if trained is None else f"{100 * trained:.1f}",
                use,
                why,
            )
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c in (1, 2):
                    item.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if tip:
                    item.setToolTip(tip)
                if use == "trained" and c in (2, 3) or use == "default" and c in (1, 3):
                    item.setFont(bold)
                self.setItem(r, c, item)

    def rows(self) -> list[tuple[str, ...]]:
        """The table's text, row by row (for tests and screenshots)."""
        out = []
        for r in range(self.rowCount()):
            cells = [self.item(r, c) for c in range(self.columnCount())]
            out.append(tuple(cell.text() if cell is not None else "" for cell in cells))
        return out

    def fit_height(self, room: int | None = None) -> None:
        """As tall as its rows (no scroll bar and no blank space for a dozen) up to the
        ``room`` the dialog has on its screen (480 px when not known), in whole rows: the last
        row shown is never cut. A dialog with less room
        shrinks it to a scrolled table, never under its other widgets. As wide as its columns
        (no horizontal scroll bar)."""
        chrome = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        cap = self.TALLEST if room is None else max(room, self.SHORTEST)
        height, shown = chrome, 0
        for r in range(self.rowCount()):
            if height + self.rowHeight(r) > cap:
                break
            height += self.rowHeight(r)
            shown += 1
        self._fit = height
        self.setMinimumHeight(min(height, self.SHORTEST))
        self.setMaximumHeight(height)
        header = self.horizontalHeader()
        width = 2 * self.frameWidth() + sum(
            max(self.sizeHintForColumn(c), header.sectionSizeHint(c))
            for c in range(self.columnCount())
        )
        if shown < self.rowCount():
            width += self.verticalScrollBar().sizeHint().width()
        self.setMinimumWidth(width)
        self.updateGeometry()

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        return QSize(hint.width(), self._fit) if self._fit else hint


def _linker_rows(
    data: Mapping[str, Any],
) -> list[tuple[str, float | None, float | None, str, str, str]]:
    """The trained linker against the rules, per relation (claimant: accuracy on matched
    claims; roles: recall on matched triggers), as ``annotator train`` compared them; a second
    row for the linker stacked on the rules when the comparison has it."""
    # numpy: only when a comparison is shown
    from annotator.suggest.linker import LINKER, STACKED, why_rules

    rows: list[tuple[str, float | None, float | None, str, str, str]] = []
    for rel, row in ((data.get("links") or {}).get("relations") or {}).items():
        if not isinstance(row, Mapping):
            continue
        rules = row.get("rules") or {}
        measure = "accuracy" if "accuracy" in rules else "recall"
        variants = [(LINKER, "linker")] + ([(STACKED, "stacked")] if "stacked" in row else [])
        for how, name in variants:
            mine = row.get(name) or {}
            if row.get("use") == how:
                use, why = "trained", ""
            elif row.get("use") in (LINKER, STACKED):  # the other trained variant, not the rules
                use, why = NOT_USED, OTHER_VARIANT[str(row["use"])]
            else:
                use, why = "default", why_rules(row, name)
            tip = (
                f"{measure} on matched {'claims' if measure == 'accuracy' else 'triggers'}; "
                f"precision: rules {100 * float(rules.get('precision', 0)):.1f}, "
                f"{name} {100 * float(mine.get('precision', 0)):.1f}"
            )
            rows.append(
                (
                    f"{rel} {measure} ({name})",
                    _measure(rules, measure),
                    _measure(mine, measure),
                    use,
                    why,
                    tip,
                )
            )
    return rows


def _measure(row: Mapping[str, Any], measure: str) -> float | None:
    if measure in row:
        return float(row[measure])
    return _score(row)


def _tip(row: Mapping[str, Any]) -> str:
    parts = []
    for name in ("default", "trained"):
        score = row.get(name)
        if isinstance(score, Mapping) and "precision" in score:
            parts.append(
                f"{name}: P {100 * float(score['precision']):.1f} · "
                f"R {100 * float(score['recall']):.1f} · F {100 * float(score['f']):.1f}"
            )
    if "trained_better_share" in row:
        parts.append(
            f"trained better in {100 * float(row['trained_better_share']):.0f} % of resamples"
        )
    return "\n".join(parts)


class TrainDialog(QDialog):
    """Suggestions → Train a model: the layer to learn from, the folder, the options."""

    def __init__(
        self,
        layers: list[str],
        default_layer: str,
        outdir: Path,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Train a model on the team's labels")
        self.layer = QComboBox()
        self.layer.addItems(layers)
        if default_layer in layers:
            self.layer.setCurrentText(default_layer)
        self.outdir = QLineEdit(shown_path(outdir))
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.max_steps = QSpinBox()
        self.max_steps.setRange(1, 10_000)
        self.max_steps.setValue(300)
        self.max_steps.setToolTip(
            "Most optimiser iterations per classifier (it stops earlier once settled)"
        )
        self.folds = QSpinBox()
        self.folds.setRange(2, 20)
        self.folds.setValue(4)
        self.folds.setToolTip("Folds (by document) of the held-out comparison")
        self.seed = QSpinBox()
        self.seed.setRange(0, 1_000_000)
        self.base = QLineEdit()
        self.base.setPlaceholderText("the installed English pipeline")
        form = QFormLayout()
        form.addRow("Learn from layer:", self.layer)
        form.addRow("Model folder:", file_row(self.outdir, browse))
        form.addRow("Most steps per classifier:", self.max_steps)
        form.addRow("Folds of the comparison:", self.folds)
        form.addRow("Seed:", self.seed)
        form.addRow("Pipeline to correct:", self.base)
        note = QLabel(
            "Training learns a correction of the default suggestions from the layer's "
            "annotated documents, then scores both on held-out documents. Pre-annotation with "
            "the model uses, per label, whichever was better. Cancelling writes nothing."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Train")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.error = QLabel()
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.resize(640, self.sizeHint().height())

    def _browse(self) -> None:
        start = str(typed_path(self.outdir.text()))
        path = QFileDialog.getExistingDirectory(self, "Model folder", start)
        if isinstance(path, tuple):  # the tests' recorder answers like getOpenFileName
            path = path[0]
        if path:
            self.outdir.setText(shown_path(path))

    def accept(self) -> None:
        if not self.outdir.text().strip():
            self.error.setText("Choose a folder for the model.")
            self.error.show()
            return
        super().accept()

    def options(self) -> TrainOptions:
        return TrainOptions(
            self.layer.currentText(),
            typed_path(self.outdir.text()),
            self.max_steps.value(),
            self.folds.value(),
            self.seed.value(),
            self.base.text().strip() or None,
        )


class ComparisonDialog(QDialog):
    """After training: default vs trained per label and relation, and which one is used."""

    def __init__(
        self, data: Mapping[str, Any], headline: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Training finished")
        self.summary = QLabel(f"{headline}\n\n{comparison_summary(data)}")
        self.summary.setWordWrap(True)
        self.table = ComparisonTable(self)
        self.table.set_comparison(data)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.setMinimumWidth(640)
        fit_to_screen(self, self.table)


DEFAULT_CHOICE, MODEL_CHOICE = "default", "model"


class PreannotateDialog(QDialog):
    """Suggestions → Pre-annotate: the default suggestions, or a trained model folder with its
    comparison (per label default F vs trained F, and which one will be used)."""

    def __init__(self, model_dir: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Pre-annotate")
        self.use_default = QRadioButton("Default suggestions (the installed English pipeline)")
        self.use_model = QRadioButton("A model trained on the team's labels:")
        group = QButtonGroup(self)
        group.addButton(self.use_default)
        group.addButton(self.use_model)
        self.folder = QLineEdit(shown_path(model_dir) if model_dir else "")
        self.folder.setPlaceholderText("a folder written by Train a model")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.table = ComparisonTable(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Pre-annotate")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        note = QLabel(
            "Suggestions are added to every document as pending; nothing in anyone's layer "
            "changes until it is accepted."
        )
        note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.use_default)
        layout.addWidget(self.use_model)
        layout.addLayout(file_row(self.folder, browse))
        layout.addWidget(self.summary)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        self.use_default.toggled.connect(self._refresh)
        self.folder.editingFinished.connect(self._refresh)
        (self.use_model if model_dir else self.use_default).setChecked(True)
        self.setMinimumWidth(640)
        self._refresh()

    def _browse(self) -> None:
        start = str(typed_path(self.folder.text()))
        path = QFileDialog.getExistingDirectory(self, "Model folder", start)
        if isinstance(path, tuple):
            path = path[0]
        if path:
            self.folder.setText(shown_path(path))
            self.use_model.setChecked(True)
            self._refresh()

    def choice(self) -> str:
        return MODEL_CHOICE if self.use_model.isChecked() else DEFAULT_CHOICE

    def model_dir(self) -> str | None:
        """The folder to pre-annotate with, None for the default suggestions."""
        if self.choice() == DEFAULT_CHOICE or not self.folder.text().strip():
            return None
        return str(typed_path(self.folder.text()))

    def _refresh(self, *_args: object) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        if self.choice() == DEFAULT_CHOICE:
            self.summary.setText("Every label gets the default suggestions.")
            self._show_table(None)
            ok.setEnabled(True)
            return
        folder = self.folder.text().strip()
        data, problem = read_model_comparison(str(typed_path(folder)) if folder else "")
        if data is None:
            self.summary.setText(problem)
            self._show_table(None)
            ok.setEnabled(False)
            return
        self.summary.setText(comparison_summary(data))
        self._show_table(data)
        ok.setEnabled(True)

    def _show_table(self, data: Mapping[str, Any] | None) -> None:
        if data is None:
            self.table.setRowCount(0)
            self.table.hide()
        else:
            self.table.set_comparison(data)
            self.table.show()
        fit_to_screen(self, self.table if data is not None else None)


def fit_to_screen(dialog: QDialog, table: ComparisonTable | None) -> None:
    """Size ``dialog`` to its contents within the screen (not the two thirds of it that
    ``adjustSize`` allows): the table shows all its rows when they fit, else as many whole rows
    as the screen has room for."""
    screen = dialog.screen() or QGuiApplication.primaryScreen()
    room = int(screen.availableGeometry().height() * 0.9) if screen is not None else 700
    layout = dialog.layout()
    assert layout is not None

    def height_at(width: int) -> int:
        layout.activate()
        if layout.hasHeightForWidth():
            return max(layout.totalHeightForWidth(width), layout.totalMinimumSize().height())
        return layout.totalSizeHint().height()

    if table is not None:
        table.fit_height()
    width = max(dialog.minimumWidth(), layout.totalSizeHint().width())
    if table is not None:  # the rest of the dialog first, then whole rows in what is left
        table.fit_height(room - (height_at(width) - table.sizeHint().height()))
        width = max(dialog.minimumWidth(), layout.totalSizeHint().width())
    dialog.resize(width, min(height_at(width), room))


def read_model_comparison(folder: str) -> tuple[dict[str, Any] | None, str]:
    """The comparison of a model folder, or None and why it cannot be used (a small JSON file,
    read on the GUI thread like a settings file)."""
    from annotator.errors import AnnotatorError
    from annotator.suggest.correction import COMPARISON_FILE, is_learned_model
    from annotator.suggest.selection import read_comparison

    if not folder:
        return None, "Choose the folder of a trained model."
    if not is_learned_model(folder):
        return None, f"{folder} is not a model folder written by Train a model."
    path = Path(folder) / COMPARISON_FILE
    if not path.is_file():
        return None, f"{path} is missing: the model cannot say where it is better. Train again."
    try:
        return read_comparison(path), ""
    except AnnotatorError as exc:
        return None, exc.render()
    except OSError as exc:
        return None, f"{path}: {exc.strerror or exc}"
