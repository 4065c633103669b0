"""The import and export dialogs expose every option of the command line."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from annotator.errors import SplitError, UsageError
from app.dialogs.transfer import AS_SUGGESTIONS, ExportOptionsDialog, ImportDialog

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
        "webanno",
        "gold",
        tmp_path / "map.json",
        True,
        "webanno.custom.Referent|entity",
    )
    dialog.layer_combo.setCurrentText(AS_SUGGESTIONS)
    assert dialog.options().as_suggestions and dialog.options().layer is None


def test_export_dialog_options_and_errors(qtbot, tmp_path: Path) -> None:
    dialog = ExportOptionsDialog(
        ["jsonl", "spacy"], ["gold", "majority"], ["ACTOR", "CLAIM"], "gold"
    )
    qtbot.addWidget(dialog)
    with pytest.raises(UsageError, match="where to write"):
        dialog.options()
    dialog.out_edit.setText(str(tmp_path / "out"))
    dialog.format_combo.setCurrentText("spacy")
    dialog.split_edit.setText("70,20,10")
    dialog.seed.setValue(7)
    dialog.strict.setChecked(True)
    dialog.labels.item(1).setCheckState(Qt.CheckState.Unchecked)
    opts = dialog.options()
    assert (opts.format, opts.layer, opts.split, opts.seed, opts.labels, opts.strict) == (
        "spacy",
        "gold",
        (70, 20, 10),
        7,
        ("ACTOR",),
        True,
    )
    dialog.split_edit.setText("80,20")
    with pytest.raises(SplitError):
        dialog.options()


def test_export_dialog_defaults_match_the_command_line(qtbot) -> None:
    """The format list is sorted by name; the dialog preselected its first entry (brat) while
    `annotator export` writes jsonl by default. Its strictness option uses the CLI's word."""
    dialog = ExportOptionsDialog(["brat", "conll", "jsonl", "spacy"], ["gold"], ["ACTOR"], "gold")
    qtbot.addWidget(dialog)
    assert dialog.format_combo.currentText() == "jsonl"
    assert "expanding" in dialog.strict.text()


def test_import_options_reach_the_library(qtbot, window, tmp_path: Path, dialogs) -> None:
    """A brat folder with foreign labels, a label map, imported into gold from the GUI."""
    import json

    from app.dialogs.transfer import ImportOptions
    from storage.repository import spans as span_repo

    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "n1.txt").write_text("Haftar met Benotman in Tripoli.\n", "utf-8")
    (folder / "n1.ann").write_text("T1\tPerson 0 6\tHaftar\nT2\tGPE 23 30\tTripoli\n", "utf-8")
    label_map = tmp_path / "map.json"
    label_map.write_text(
        json.dumps({"Person": {"label": "ACTOR", "attrs": {"type": "person"}}, "GPE": "PLACE"}),
        "utf-8",
    )
    ops = window.operations
    ops.import_paths([folder], ImportOptions((folder,), "brat", layer="gold", label_map=label_map))
    qtbot.waitUntil(lambda: not ops.busy, timeout=10000)
    assert dialogs.shown[-1][1] == "Import finished", dialogs.shown[-1]
    with window.context.project.session() as s:
        spans = span_repo.spans_of(s, annotator="gold")
    assert sorted((sp.label, sp.attrs.get("type")) for sp in spans) == [
        ("ACTOR", "person"),
        ("PLACE", None),
    ]


def test_export_options_reach_the_library(qtbot, window, tmp_path: Path, dialogs) -> None:
    from annotator import services
    from app.dialogs.transfer import ExportOptions
    from storage.repository import documents as doc_repo

    project = window.context.project
    with project.session() as s:
        for doc in doc_repo.get_documents(s):
            services.add_span(s, project.scheme, doc.id, "tester", 0, 3, "ACTOR")
            services.add_span(s, project.scheme, doc.id, "tester", 4, 8, "TIME")
    out = tmp_path / "export"
    ops = window.operations
    ops.export(
        out,
        "jsonl",
        "tester",
        options=ExportOptions(
            out / "data", "jsonl", "tester", split=(50, 25, 25), seed=3, labels=("ACTOR",)
        ),
    )
    qtbot.waitUntil(lambda: not ops.busy, timeout=20000)
    assert dialogs.shown[-1][1] == "Export finished", dialogs.shown[-1]
    written = sorted(p.name for p in (out / "data").iterdir())
    assert "train.jsonl" in written and "README.md" in written
    labels = {
        s["label"]
        for p in (out / "data").glob("*.jsonl")
        for line in p.read_text("utf-8").splitlines()
        for s in __import__("json").loads(line)["spans"]
    }
    assert labels <= {"ACTOR"}


def test_export_finished_dialog_shows_the_summary(qtbot, window, tmp_path: Path, dialogs) -> None:
    """The "Export finished" message carries the export summary the CLI prints: the counts
    per split and label, and what was left out (here the TIME spans, by --labels)."""
    from annotator import services
    from annotator.transfer.exporting import export_documents
    from app.dialogs.transfer import ExportOptions
    from storage.repository import documents as doc_repo

    project = window.context.project
    with project.session() as s:
        for doc in doc_repo.get_documents(s):
            services.add_span(s, project.scheme, doc.id, "tester", 0, 3, "ACTOR")
            services.add_span(s, project.scheme, doc.id, "tester", 4, 8, "TIME")
    options = ExportOptions(tmp_path / "gui", "jsonl", "tester", seed=3, labels=("ACTOR",))
    ops = window.operations
    ops.export(options.out, "jsonl", "tester", options=options)
    qtbot.waitUntil(lambda: not ops.busy, timeout=20000)
    kind, title, text = dialogs.shown[-1]
    assert (kind, title) == ("information", "Export finished"), dialogs.shown[-1]
    expected = export_documents(
        project, tmp_path / "cli", "jsonl", layer="tester", seed=3, labels=["ACTOR"]
    ).to_text()
    assert "Spans: ACTOR" in expected  # the summary has lines beyond the head line
    for line in expected.splitlines():
        assert line in text, (line, text)


def test_import_dialog_encoding_is_automatic_unless_chosen(qtbot, tmp_path: Path) -> None:
    dialog = ImportDialog([tmp_path / "a.txt"], ["txt"], ["gold"], "tester")
    qtbot.addWidget(dialog)
    assert dialog.encoding_combo.currentText() == "automatic"
    assert dialog.options().encoding is None
    listed = [dialog.encoding_combo.itemText(i) for i in range(dialog.encoding_combo.count())]
    assert {"utf-8", "utf-16", "cp1252", "latin-1"} <= set(listed)
    dialog.encoding_combo.setCurrentText("cp1252")
    assert dialog.options().encoding == "cp1252"
    dialog.encoding_combo.setEditText(" koi8-r ")  # editable: any codec name
    assert dialog.options().encoding == "koi8-r"


def test_gui_import_of_a_legacy_file_says_to_choose_its_encoding_in_the_dialog(
    qtbot, window, tmp_path: Path, dialogs
) -> None:
    """The refusal named the CLI's --encoding in the app; the dialog had no way to name it."""
    from app.dialogs.transfer import ImportOptions
    from storage.repository import documents as doc_repo

    src = tmp_path / "legacy.txt"
    src.write_bytes("x\u00e9y caf\u00e9\n".encode("cp1252"))
    ops = window.operations
    ops.import_paths([src], ImportOptions((src,), "auto"))
    qtbot.waitUntil(lambda: not ops.busy, timeout=10000)
    kind, title, text = dialogs.shown[-1]
    assert kind == "warning" and title == "Importing failed", dialogs.shown[-1]
    assert "[E120]" in text and "legacy.txt" in text
    assert "--encoding" not in text
    assert "Import dialog's Encoding list (e.g. cp1252)" in text
    assert "(cp1252, " in text  # the suggested encoding is among the candidates listed
    ops.import_paths([src], ImportOptions((src,), "auto", layer="gold", encoding="cp1252"))
    qtbot.waitUntil(lambda: not ops.busy, timeout=10000)
    assert dialogs.shown[-1][1] == "Import finished", dialogs.shown[-1]
    with window.context.project.session() as s:
        texts = [d.text for d in doc_repo.get_documents(s)]
    assert "x\u00e9y caf\u00e9\n" in texts


def test_export_dialog_asks_before_replacing_a_file(qtbot, window, tmp_path: Path, dialogs) -> None:
    """An export onto an existing file replaced it unasked. The dialog now asks (No: nothing
    written, the dialog stays); a file chosen in the save dialog, which asked, is not asked
    about again; Yes replaces it."""
    from PySide6.QtWidgets import QMessageBox

    from annotator import services
    from storage.repository import documents as doc_repo

    ctx = window.context
    with ctx.project.session() as s:
        for doc in doc_repo.get_documents(s):
            services.add_span(s, ctx.project.scheme, doc.id, "tester", 0, 3, "ACTOR")
    out = tmp_path / "notes.txt"
    out.write_text("keep me\n", "utf-8")
    window.export_dialog()
    dialog = window.export_options_dialog
    dialog.layer_combo.setCurrentText("tester")
    dialog.out_edit.setText(str(out))
    dialog.export_button.click()  # the recorder answers No
    kind, title, text = dialogs.shown[-1]
    assert (kind, title) == ("question", "Replace the file?") and "notes.txt" in text
    assert not window.operations.busy and dialog.isVisible() and dialog.export_button.isEnabled()
    assert out.read_text("utf-8") == "keep me\n"

    dialogs.files.append((str(out), ""))  # the save dialog asked and the user agreed
    dialog._browse()
    asked = len(dialogs.shown)
    emitted: list[object] = []
    dialog.export_requested.connect(emitted.append)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not window.operations.busy, timeout=20_000)
    assert "Replace the file?" not in [title for _k, title, _t in dialogs.shown[asked:]]
    assert emitted and emitted[0].overwrite  # type: ignore[attr-defined]
    assert dialogs.shown[-1][1] == "Export finished", dialogs.shown[-1]
    assert '"spans"' in out.read_text("utf-8")

    out.write_text("keep me\n", "utf-8")
    window.export_dialog()
    dialog = window.export_options_dialog
    dialog.layer_combo.setCurrentText("tester")
    dialog.out_edit.setText(str(out))
    dialogs.answers.append(QMessageBox.StandardButton.Yes)
    dialog.export_button.click()
    qtbot.waitUntil(lambda: not window.operations.busy, timeout=20_000)
    assert dialogs.shown[-1][1] == "Export finished", dialogs.shown[-1]
    assert '"spans"' in out.read_text("utf-8") and not dialog.isVisible()


def test_export_dialog_asks_before_replacing_a_split_export(
    qtbot, window, tmp_path: Path, dialogs
) -> None:
    """A split export into a folder holding an earlier export replaced its files unasked. The
    dialog now asks, naming the folder; No changes nothing and keeps the dialog; Yes replaces
    the earlier export. An empty folder is not asked about."""
    from PySide6.QtWidgets import QMessageBox

    from annotator import services
    from storage.repository import documents as doc_repo

    ctx = window.context
    with ctx.project.session() as s:
        for doc in doc_repo.get_documents(s):
            services.add_span(s, ctx.project.scheme, doc.id, "tester", 0, 3, "ACTOR")
    out = tmp_path / "splits"
    out.mkdir()

    def export(answer: QMessageBox.StandardButton | None = None) -> object:
        window.export_dialog()
        dialog = window.export_options_dialog
        dialog.layer_combo.setCurrentText("tester")
        dialog.split_edit.setText("50,50,0")
        dialog.out_edit.setText(str(out))
        if answer is not None:
            dialogs.answers.append(answer)
        dialog.export_button.click()
        qtbot.waitUntil(lambda: not window.operations.busy, timeout=20_000)
        return dialog

    asked = len(dialogs.shown)
    export()  # an empty folder: no question
    assert "Replace the folder?" not in [t for _k, t, _x in dialogs.shown[asked:]]
    assert dialogs.shown[-1][1] == "Export finished", dialogs.shown[-1]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    assert "train.jsonl" in before
    (out / "train.jsonl").write_text("kept\n", "utf-8")

    dialog = export()  # the recorder answers No
    kind, title, text = dialogs.shown[-1]
    assert (kind, title) == ("question", "Replace the folder?") and str(out) in text
    assert dialog.isVisible() and dialog.export_button.isEnabled()
    assert (out / "train.jsonl").read_text("utf-8") == "kept\n"
    assert sorted(p.name for p in out.iterdir()) == sorted(before)
    dialog.close()

    dialog = export(QMessageBox.StandardButton.Yes)
    assert dialogs.shown[-1][1] == "Export finished", dialogs.shown[-1]
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert not dialog.isVisible()


def test_export_with_wrong_options_says_why_in_the_dialog(qtbot) -> None:
    """Export with no file to write to, or a split that cannot be, shows why under the options
    and keeps the dialog; the options' errors (UsageError, SplitError) are no ValueError, so
    they escaped the dialog as an unhandled exception."""
    dialog = ExportOptionsDialog(["jsonl"], ["gold"], ["ACTOR", "CLAIM"], "gold")
    qtbot.addWidget(dialog)
    dialog.show()
    requested: list[object] = []
    dialog.export_requested.connect(requested.append)
    dialog.accept()
    assert dialog.error.isVisibleTo(dialog) and "where to write" in dialog.error.text()
    dialog.out_edit.setText("/tmp/nowhere/out.jsonl")
    dialog.split_edit.setText("80,20")
    dialog.accept()
    assert dialog.error.isVisibleTo(dialog) and "where to write" not in dialog.error.text()
    assert dialog.isVisible() and requested == []


def test_a_mended_path_clears_the_old_error_before_the_replace_question(
    qtbot, tmp_path: Path, dialogs
) -> None:
    """Export with no path showed "choose where to write the export"; with a path typed and
    the replace question answered No, that stale error stayed under the filled-in path."""
    out = tmp_path / "out.jsonl"
    out.write_text("keep me\n", "utf-8")
    dialog = ExportOptionsDialog(["jsonl"], ["gold"], ["ACTOR"], "gold")
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.accept()
    assert dialog.error.isVisibleTo(dialog)
    dialog.out_edit.setText(str(out))
    dialog.accept()  # the recorder answers No
    assert dialogs.shown[-1][1] == "Replace the file?"
    assert not dialog.error.isVisibleTo(dialog), dialog.error.text()
    assert out.read_text("utf-8") == "keep me\n"
