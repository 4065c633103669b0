"""The import and export dialogs expose every option of the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app.transfer_dialogs import AS_SUGGESTIONS, ExportOptionsDialog, ImportDialog

pytestmark = pytest.mark.gui


def test_import_dialog_options(qtbot, tmp_path: Path) -> None:
    dialog = ImportDialog([tmp_path / "a.ann"], ["brat", "webanno"], ["alice", "gold"], "tester")
    qtbot.addWidget(dialog)
    opts = dialog.options()
    assert opts.paths == (tmp_path / "a.ann",) and opts.format == "auto"
    assert opts.layer is None and not opts.as_suggestions
    dialog.format_combo.setCurrentText("webanno")
    dialog.layer_combo.setCurrentText("gold")
    dialog.map_edit.setText(str(tmp_path / "map.json"))
    dialog.skip_unmapped.setChecked(True)
    dialog.tsv_feature.setText("webanno.custom.Referent|entity")
    opts = dialog.options()
    assert (opts.format, opts.layer, opts.label_map, opts.skip_unmapped, opts.tsv_feature) == (
        "webanno", "gold", tmp_path / "map.json", True, "webanno.custom.Referent|entity")
    dialog.layer_combo.setCurrentText(AS_SUGGESTIONS)
    assert dialog.options().as_suggestions and dialog.options().layer is None


def test_export_dialog_options_and_errors(qtbot, tmp_path: Path) -> None:
    dialog = ExportOptionsDialog(["jsonl", "spacy"], ["gold", "majority"], ["ACTOR", "CLAIM"],
                                 "gold")
    qtbot.addWidget(dialog)
    with pytest.raises(ValueError, match="where to write"):
        dialog.options()
    dialog.out_edit.setText(str(tmp_path / "out"))
    dialog.format_combo.setCurrentText("spacy")
    dialog.split_edit.setText("70,20,10")
    dialog.seed.setValue(7)
    dialog.strict.setChecked(True)
    dialog.labels.item(1).setCheckState(Qt.CheckState.Unchecked)
    opts = dialog.options()
    assert (opts.format, opts.layer, opts.split, opts.seed, opts.labels, opts.strict) == (
        "spacy", "gold", (70, 20, 10), 7, ("ACTOR",), True)
    dialog.split_edit.setText("80,20")
    with pytest.raises(ValueError):
        dialog.options()
