"""The import dialog's label table: the labels of the chosen files that the scheme lacks, each
mapped onto a scheme label or skipped, make the same import as the equivalent JSON label map."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from storage.repository import spans as span_repo

pytestmark = pytest.mark.gui

TEXT = "Haftar met Benotman in Tripoli on Monday.\n"
ANN = (
    "T1\tPerson 0 6\tHaftar\n"
    "T2\tPerson 11 19\tBenotman\n"
    "T3\tGPE 23 30\tTripoli\n"
    "T4\tTIME 34 40\tMonday\n"
    "T5\tMeeting 7 10\tmet\n"
)


def _brat(folder: Path) -> Path:
    folder.mkdir()
    (folder / "n1.txt").write_text(TEXT, "utf-8")
    (folder / "n1.ann").write_text(ANN, "utf-8")
    return folder


def _import_dialog(qtbot: Any, window: Any, folder: Path) -> Any:
    """The window's import dialog for ``folder`` read as brat, with the project's labels."""
    from app.dialogs.transfer import ImportDialog

    scheme = window.context.project.scheme
    dialog = ImportDialog(
        [folder],
        ["brat"],
        ["gold"],
        "tester",
        runner=window.context.runner,
        span_labels=list(scheme.label_names),
        relation_labels=list(scheme.relation_names),
    )
    qtbot.addWidget(dialog)
    return dialog


def _gold(window: Any) -> list[tuple[str, int, int]]:
    with window.context.project.session() as s:
        spans = span_repo.spans_of(s, annotator="gold")
    return sorted((sp.label, sp.start, sp.end) for sp in spans)


def test_the_label_table_maps_the_files_labels_like_a_json_map(
    qtbot: Any, window: Any, tmp_path: Path, dialogs: Any
) -> None:
    from app.dialogs.label_mapping import SKIP, TARGET, UNSET

    folder = _brat(tmp_path / "brat")
    dialog = _import_dialog(qtbot, window, folder)
    dialog.format_combo.setCurrentText("brat")
    dialog.layer_combo.setCurrentText("gold")
    table = dialog.label_table
    assert table is not None
    with qtbot.waitSignal(table.scanned, timeout=10_000):
        table.find_button.click()
    model = table.model
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    # the scheme's TIME is not listed; the others are, most used first, with their counts
    assert list(rows) == ["Person", "GPE", "Meeting"]
    assert model.index(rows["Person"], 2).data() == 2
    assert "ACTOR" in model.choices(rows["Person"]) and SKIP in model.choices(rows["GPE"])
    assert model.index(rows["Meeting"], TARGET).data() == UNSET
    # each row shows a combo box (a persistent editor); choosing in it sets the model
    combo = table.view.indexWidget(model.index(rows["Person"], TARGET))
    combo.setCurrentText("ACTOR")
    assert model.index(rows["Person"], TARGET).data() == "ACTOR"
    assert model.setData(model.index(rows["GPE"], TARGET), "PLACE")
    assert model.setData(model.index(rows["Meeting"], TARGET), SKIP)
    assert not model.setData(model.index(rows["Meeting"], TARGET), "claimant")  # not a span's
    options = dialog.options()
    assert dict(options.label_table) == {"Person": "ACTOR", "GPE": "PLACE", "Meeting": None}

    ops = window.operations
    ops.import_paths([folder], options)
    qtbot.waitUntil(lambda: not ops.busy, timeout=10_000)
    assert dialogs.shown[-1][1] == "Import finished", dialogs.shown[-1]
    from_table = _gold(window)
    assert from_table == [
        ("ACTOR", 0, 6),
        ("ACTOR", 11, 19),
        ("PLACE", 23, 30),
        ("TIME", 34, 40),
    ]
    assert "1 x span labelled 'Meeting' skipped" in dialogs.shown[-1][2]


def test_the_table_goes_over_the_json_file(
    qtbot: Any, window: Any, tmp_path: Path, dialogs: Any
) -> None:
    """A JSON file and the table together: the table's choice wins, the file's other entries
    (with attributes) stay."""
    from dataclasses import replace

    from app.dialogs.transfer import ImportOptions

    folder = _brat(tmp_path / "brat")
    label_map = tmp_path / "map.json"
    label_map.write_text(
        json.dumps({"Person": {"label": "ACTOR", "attrs": {"type": "person"}}, "GPE": "ACTOR"}),
        "utf-8",
    )
    options = ImportOptions((folder,), "brat", layer="gold", label_map=label_map)
    options = replace(options, label_table=(("GPE", "PLACE"), ("Meeting", None)))
    ops = window.operations
    ops.import_paths([folder], options)
    qtbot.waitUntil(lambda: not ops.busy, timeout=10_000)
    assert dialogs.shown[-1][1] == "Import finished", dialogs.shown[-1]
    with window.context.project.session() as s:
        spans = span_repo.spans_of(s, annotator="gold")
    assert sorted((sp.label, sp.start, sp.attrs.get("type")) for sp in spans) == [
        ("ACTOR", 0, "person"),
        ("ACTOR", 11, "person"),
        ("PLACE", 23, None),
        ("TIME", 34, None),
    ]
    assert json.loads(label_map.read_text("utf-8"))["GPE"] == "ACTOR"  # the file is untouched


def test_the_import_summary_names_each_note_once(
    qtbot: Any, window: Any, tmp_path: Path, dialogs: Any
) -> None:
    """The import report's lines end with its notes: the window added the notes again, so
    "1 x span labelled 'Meeting' skipped" and each mapping stood twice in the summary."""
    from app.dialogs.transfer import ImportOptions

    folder = _brat(tmp_path / "brat")
    options = ImportOptions(
        (folder,),
        "brat",
        layer="gold",
        label_table=(("Person", "ACTOR"), ("GPE", "PLACE"), ("Meeting", None)),
    )
    ops = window.operations
    ops.import_paths([folder], options)
    qtbot.waitUntil(lambda: not ops.busy, timeout=10_000)
    kind, title, text = dialogs.shown[-1]
    assert title == "Import finished", dialogs.shown[-1]
    lines = text.splitlines()
    assert lines.count("1 x span labelled 'Meeting' skipped") == 1, text
    assert len(lines) == len(set(lines)), text


def test_import_waits_while_a_found_label_has_no_choice(
    qtbot: Any, window: Any, tmp_path: Path, dialogs: Any
) -> None:
    """Labels found and left at "—" (no map file, "Skip labels…" not ticked): Import keeps
    the dialog open and names them, rather than closing it for an import that fails with the
    command line's advice ("--label-map or pass --skip-unmapped") and loses the choices."""
    folder = _brat(tmp_path / "brat")
    dialog = _import_dialog(qtbot, window, folder)
    dialog.format_combo.setCurrentText("brat")
    dialog.show()
    table = dialog.label_table
    with qtbot.waitSignal(table.scanned, timeout=10_000):
        table.find_button.click()
    model = table.model
    rows = {model.index(r, 0).data(): r for r in range(model.rowCount())}
    assert model.setData(model.index(rows["Person"], 3), "ACTOR")
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted
    kind, _title, text = dialogs.shown[-1]
    assert kind == "warning" and "GPE" in text and "Meeting" in text and "Person" not in text
    assert "--" not in text  # no command-line options in the window
    dialog.skip_unmapped.setChecked(True)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted


@pytest.mark.parametrize(
    ("ann", "message"),
    [
        ("", "The files hold no annotations: only their texts will be imported."),
        ("T1\tTIME 34 40\tMonday\n", "Every label in the files is in the scheme."),
    ],
)
def test_the_table_says_when_the_files_have_no_labels_at_all(
    qtbot: Any, window: Any, tmp_path: Path, ann: str, message: str
) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "n1.txt").write_text(TEXT, "utf-8")
    (folder / "n1.ann").write_text(ann, "utf-8")
    dialog = _import_dialog(qtbot, window, folder)
    dialog.format_combo.setCurrentText("brat")
    table = dialog.label_table
    assert table is not None
    with qtbot.waitSignal(table.scanned, timeout=10_000):
        table.find_button.click()
    assert table.model.rowCount() == 0
    assert table.status.text() == message


def test_the_dialog_can_give_spans_already_there_the_files_attributes(
    qtbot: Any, window: Any, tmp_path: Path, dialogs: Any
) -> None:
    """The Import dialog's attributes box is the CLI's --update-attributes."""
    from dataclasses import replace

    from annotator.layers import load_layer

    text = "Officials said the border was closed."
    record = {
        "id": "d-attrs",
        "text": text,
        "layer": "gold",
        "spans": [{"start": 15, "end": 36, "label": "CLAIM", "attrs": {"stance": "neutral"}}],
    }

    def write(stance: str) -> Path:
        record["spans"][0]["attrs"] = {"stance": stance}  # type: ignore[index]
        path = tmp_path / f"{stance}.jsonl"
        path.write_text(json.dumps(record) + "\n", "utf-8")
        return path

    def stance() -> object:
        with window.context.project.session() as s:
            docs = [d for d in load_layer(s, "gold") if d.text == text]
        return docs[0].spans[0].attrs.get("stance")

    ops = window.operations
    for path, update, expected in (
        (write("neutral"), False, "neutral"),
        (write("oppose"), False, "neutral"),
        (write("oppose"), True, "oppose"),
    ):
        dialog = _import_dialog(qtbot, window, path)
        dialog.format_combo.setCurrentText("jsonl")
        dialog.layer_combo.setCurrentText("gold")
        dialog.update_attributes.setChecked(update)
        options = dialog.options()
        assert options.update_attributes is update
        ops.import_paths([path], replace(options, label_table=()))
        qtbot.waitUntil(lambda: not ops.busy, timeout=10_000)
        assert dialogs.shown[-1][1] == "Import finished", dialogs.shown[-1]
        assert stance() == expected
