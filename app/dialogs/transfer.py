"""Import and export dialogs: every option of ``annotator import`` / ``annotator export``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.dialogs.common import file_row

if TYPE_CHECKING:
    from app.tasks import TaskRunner

AS_SUGGESTIONS = "(as suggestions)"
FROM_FILE = "(layer named in the file, else me)"
AUTOMATIC = "automatic"
# The encodings news text most often comes in; the list is editable (any Python codec name).
COMMON_ENCODINGS = (
    "utf-8",
    "utf-16",
    "cp1252",
    "latin-1",
    "iso8859-15",
    "cp1250",
    "cp1251",
    "mac-roman",
)
# How the dialog says to name a file's encoding (``advise_encoding``); the CLI says --encoding.
ENCODING_HINT = "in the Import dialog's Encoding list (e.g. {example})"


@dataclass(frozen=True)
class ImportOptions:
    paths: tuple[Path, ...]
    format: str = "auto"
    layer: str | None = None  # None: the record's layer, else the current user
    as_suggestions: bool = False
    label_map: Path | None = None
    skip_unmapped: bool = False
    tsv_feature: str | None = None
    encoding: str | None = None  # None: detected (``annotator import --encoding``)
    # the dialog's label table: (foreign label, scheme label or None to skip), over the file's
    label_table: tuple[tuple[str, str | None], ...] = ()
    # a span already in the layer takes the file's attributes (``--update-attributes``)
    update_attributes: bool = False


@dataclass(frozen=True)
class ExportOptions:
    out: Path
    format: str
    layer: str
    split: tuple[int, int, int] | None = None
    seed: int = 0
    labels: tuple[str, ...] | None = None
    strict: bool = False
    overwrite: bool = False  # replace an existing file or earlier export ``out`` (user agreed)


class ImportDialog(QDialog):
    """Files or folders, their format and text encoding, the layer to import into, and label
    mapping (a JSON file and, given the task runner and the scheme's names, a table of the
    labels found in the files)."""

    def __init__(
        self,
        paths: list[Path],
        formats: list[str],
        layers: list[str],
        user: str,
        parent: QWidget | None = None,
        *,
        runner: TaskRunner | None = None,
        span_labels: Sequence[str] = (),
        relation_labels: Sequence[str] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Import documents and annotations")
        self.files = QListWidget()
        for path in paths:
            self.files.addItem(str(path))
        add_files = QPushButton("Add files…")
        add_files.clicked.connect(self._add_files)
        add_folder = QPushButton("Add folder…")
        add_folder.clicked.connect(self._add_folder)
        remove = QPushButton("Remove")
        remove.clicked.connect(self._remove)
        file_buttons = QHBoxLayout()
        for button in (add_files, add_folder, remove):
            file_buttons.addWidget(button)
        file_buttons.addStretch(1)
        self.format_combo = QComboBox()
        self.format_combo.addItems(["auto", *formats])
        self.layer_combo = QComboBox()
        self.layer_combo.setEditable(True)
        self.layer_combo.addItems(
            [FROM_FILE, user, *[n for n in layers if n != user], AS_SUGGESTIONS]
        )
        self.layer_combo.setToolTip(
            "Annotations in the files go into this layer. A text that is "
            "already in the project gets them attached."
        )
        self.map_edit = QLineEdit()
        self.map_edit.setPlaceholderText("optional: JSON mapping foreign labels onto the scheme")
        browse_map = QPushButton("Browse…")
        browse_map.clicked.connect(self._browse_map)
        self.skip_unmapped = QCheckBox(
            "Skip labels the scheme does not know (counted in the report)"
        )
        self.update_attributes = QCheckBox(
            "Give spans already in the layer the files' attributes (else the project's stay)"
        )
        self.encoding_combo = QComboBox()
        self.encoding_combo.setEditable(True)
        self.encoding_combo.addItems([AUTOMATIC, *COMMON_ENCODINGS])
        self.encoding_combo.setToolTip(
            "The text encoding of the files. Automatic reads UTF-8 and files with a byte-order "
            "mark, and refuses a legacy encoding it cannot tell for sure: then choose or type "
            "it here (any Python codec name)."
        )
        self.tsv_feature = QLineEdit()
        self.tsv_feature.setPlaceholderText("WebAnno TSV only: LAYER|FEATURE (default: first)")
        form = QFormLayout()
        form.addRow("Format", self.format_combo)
        form.addRow("Encoding", self.encoding_combo)
        form.addRow("Into layer", self.layer_combo)
        form.addRow("Label map", file_row(self.map_edit, browse_map))
        self.label_table = None
        if runner is not None:
            from app.dialogs.label_mapping import LabelMapTable

            self.label_table = LabelMapTable(runner, span_labels, relation_labels)
            self.label_table.find_button.clicked.connect(self.find_labels)
            form.addRow("Map labels", self.label_table)
        form.addRow("", self.skip_unmapped)
        form.addRow("", self.update_attributes)
        form.addRow("TSV feature", self.tsv_feature)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Import")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.files)
        layout.addLayout(file_buttons)
        layout.addLayout(form)
        layout.addWidget(buttons)
        self.resize(640, 460 if self.label_table is None else 620)

    def _add_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, "Import files")
        for path in paths:
            self.files.addItem(path)

    def _add_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, "Import a folder")
        if path:
            self.files.addItem(path)

    def _remove(self) -> None:
        for item in self.files.selectedItems():
            self.files.takeItem(self.files.row(item))

    def _browse_map(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Label map", "", "JSON (*.json)")
        if path:
            self.map_edit.setText(path)

    def accept(self) -> None:
        """Import, unless labels found in the files are left without a choice (and neither a
        label map file nor "Skip labels…" may cover them): the import would refuse them."""
        unset = self.label_table.model.unset() if self.label_table is not None else []
        if unset and not self.skip_unmapped.isChecked() and not self.map_edit.text().strip():
            QMessageBox.warning(
                self,
                "Import",
                f"The scheme has no label {', '.join(repr(n) for n in unset)}: choose what "
                'each becomes in the table, or tick "Skip labels the scheme does not know".',
            )
            return
        super().accept()

    def find_labels(self) -> None:
        """Fill the label table from the chosen files (read as the import would)."""
        if self.label_table is None:
            return
        o = self.options()
        self.label_table.scan(list(o.paths), o.format, o.tsv_feature, o.encoding)

    def options(self) -> ImportOptions:
        layer_text = self.layer_combo.currentText().strip()
        map_text = self.map_edit.text().strip()
        encoding = self.encoding_combo.currentText().strip()
        return ImportOptions(
            paths=tuple(Path(self.files.item(i).text()) for i in range(self.files.count())),
            format=self.format_combo.currentText(),
            layer=None if layer_text in ("", FROM_FILE, AS_SUGGESTIONS) else layer_text,
            as_suggestions=layer_text == AS_SUGGESTIONS,
            label_map=Path(map_text) if map_text else None,
            skip_unmapped=self.skip_unmapped.isChecked(),
            tsv_feature=self.tsv_feature.text().strip() or None,
            encoding=None if encoding.lower() in ("", AUTOMATIC) else encoding,
            label_table=tuple(self.label_table.mapping().items()) if self.label_table else (),
            update_attributes=self.update_attributes.isChecked(),
        )


DEFAULT_EXPORT_FORMAT = "jsonl"  # the default of `annotator export --format`


class ExportOptionsDialog(QDialog):
    """Format, layer, split, seed, labels and strictness of an export.

    Export emits ``export_requested(options)`` and keeps the dialog open: the window closes it
    when the export succeeded (:meth:`finished_ok`), and it stays with everything typed when
    the options are wrong or the export fails (:meth:`failed`). A one-file export onto an
    existing file asks first, unless the file was chosen in the save dialog, which asked; a
    folder export (a split) into a folder holding an earlier export always asks first."""

    export_requested = Signal(object)  # ExportOptions

    def __init__(
        self,
        formats: list[str],
        layers: list[str],
        labels: list[str],
        default_layer: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Export annotations")
        self.format_combo = QComboBox()
        self.format_combo.addItems(formats)
        if DEFAULT_EXPORT_FORMAT in formats:  # as `annotator export`, not the first by name
            self.format_combo.setCurrentText(DEFAULT_EXPORT_FORMAT)
        self.layer_combo = QComboBox()
        self.layer_combo.addItems(layers)
        self.layer_combo.setCurrentText(default_layer)
        self.split_edit = QLineEdit()
        self.split_edit.setPlaceholderText("e.g. 80,10,10 (spacy and hf split 80,10,10 anyway)")
        self.seed = QSpinBox()
        self.seed.setRange(0, 2**31 - 1)
        self.labels = QListWidget()
        for name in labels:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked)
            self.labels.addItem(item)
        self.labels.setMaximumHeight(120)
        self.strict = QCheckBox("Drop spans off token boundaries instead of expanding them")
        self.out_edit = QLineEdit()
        self._agreed: Path | None = None  # a file the save dialog's own question let replace
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse)
        form = QFormLayout()
        form.addRow("Format", self.format_combo)
        form.addRow("Layer", self.layer_combo)
        form.addRow("Train/dev/test split", self.split_edit)
        form.addRow("Seed", self.seed)
        form.addRow("Labels", self.labels)
        form.addRow("", self.strict)
        form.addRow("Write to", file_row(self.out_edit, browse))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.export_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.export_button.setText("Export")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #c0392b")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Export: check the options and ask for the export; the dialog stays open."""
        from annotator.errors import AnnotatorError

        try:
            options = self.options()
        except (AnnotatorError, ValueError) as exc:
            self.failed(str(exc))
            return
        self.error.hide()  # the options are right now, whatever they were before
        if self._replaces_a_file(options):
            if not self._may_replace(options.out):
                return  # nothing exported; everything typed stays
            options = replace(options, overwrite=True)
        elif self._replaces_a_folder(options):
            if not self._may_replace_folder(options.out):
                return
            options = replace(options, overwrite=True)
        self.export_button.setEnabled(False)
        self.export_requested.emit(options)

    @staticmethod
    def _replaces_a_file(options: ExportOptions) -> bool:
        from annotator.transfer.exporting import writes_one_file

        return writes_one_file(options.format, options.split) and options.out.is_file()

    @staticmethod
    def _replaces_a_folder(options: ExportOptions) -> bool:
        from annotator.transfer.exporting import replaces_an_export

        return replaces_an_export(options.out, options.format, options.split)

    def _may_replace_folder(self, out: Path) -> bool:
        """Whether the user agrees to replace the earlier export in the folder ``out`` (a
        folder chooser never asks: the folder exists)."""
        files = sum(1 for _ in out.iterdir())
        answer = QMessageBox.question(
            self,
            "Replace the folder?",
            f"The folder {out} holds an earlier export ({files} "
            f"{'entry' if files == 1 else 'entries'}). Replace everything in it with this "
            "export?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def _may_replace(self, out: Path) -> bool:
        """Whether the user agrees to replace ``out``: she did in the save dialog, or says so."""
        if self._agreed is not None and self._agreed == out:
            return True
        answer = QMessageBox.question(
            self,
            "Replace the file?",
            f"{out.name} already exists in {out.parent}. Replace it with this export?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    def failed(self, message: str) -> None:
        """Show why the export did not happen; everything typed stays."""
        self.error.setText(message)
        self.error.show()
        self.export_button.setEnabled(True)

    def finished_ok(self) -> None:
        self.export_button.setEnabled(True)
        super().accept()

    def _browse(self) -> None:
        # The save dialog asks before an existing file is chosen (Qt's own confirmation).
        path, _ = QFileDialog.getSaveFileName(self, "Export to", self.out_edit.text())
        if path:
            self.out_edit.setText(path)
            self._agreed = Path(path) if Path(path).is_file() else None

    def options(self) -> ExportOptions:
        """The chosen options; raise an ``AnnotatorError`` (``SplitError``, ``UsageError``) with a
        readable message when one is wrong."""
        from annotator.errors import UsageError
        from annotator.transfer.splits import parse_split

        text = self.split_edit.text().strip()
        split = parse_split(text) if text else None
        out = self.out_edit.text().strip()
        if not out:
            raise UsageError("choose where to write the export")
        checked = [
            self.labels.item(i).text()
            for i in range(self.labels.count())
            if self.labels.item(i).checkState() == Qt.CheckState.Checked
        ]
        if not checked:
            raise UsageError("choose at least one label")
        every = self.labels.count() == len(checked)
        return ExportOptions(
            out=Path(out),
            format=self.format_combo.currentText(),
            layer=self.layer_combo.currentText(),
            split=split,
            seed=self.seed.value(),
            labels=None if every else tuple(checked),
            strict=self.strict.isChecked(),
        )
