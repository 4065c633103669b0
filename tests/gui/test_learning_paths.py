"""Model folders in the learning dialogs: a folder under the home folder is shown as ``~/…``
(so the dialogs read the same on every machine), and a typed ``~`` means the home folder, as
in a shell, never a folder named "~" in whatever folder the app was started from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.suggest.correction import COMPARISON_FILE, MODEL_FILE
from app.dialogs.learning import PreannotateDialog, TrainDialog, shown_path, typed_path

pytestmark = pytest.mark.gui


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "home" / "lena"
    folder.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(folder))
    assert Path.home() == folder
    return folder


def _model(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / MODEL_FILE).write_text("{}", encoding="utf-8")
    score = {"precision": 0.8, "recall": 0.7, "f": 0.75, "tp": 1, "fp": 1, "fn": 1}
    data = {
        "metric": "overlap F",
        "documents": 12,
        "folds": 4,
        "spans": {"ACTOR": {"default": score, "trained": score, "use": "default"}},
    }
    (folder / COMPARISON_FILE).write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_paths_under_home_are_shown_with_a_tilde(home: Path, tmp_path: Path) -> None:
    assert shown_path(home / "news" / "model") == "~/news/model"
    assert shown_path(str(home / "m")) == "~/m"
    assert shown_path(tmp_path / "elsewhere") == str(tmp_path / "elsewhere")
    assert typed_path(" ~/news/model ") == home / "news" / "model"
    assert typed_path(str(tmp_path / "x")) == tmp_path / "x"


def test_the_train_dialog_shows_and_reads_home_folders(qtbot: Any, home: Path) -> None:
    dialog = TrainDialog(["gold"], "gold", home / "projects" / "news-model")
    qtbot.addWidget(dialog)
    assert dialog.outdir.text() == "~/projects/news-model"
    assert dialog.options().outdir == home / "projects" / "news-model"
    dialog.outdir.setText("~/models/second")
    assert dialog.options().outdir == home / "models" / "second"


def test_the_preannotate_dialog_reads_a_model_typed_with_a_tilde(qtbot: Any, home: Path) -> None:
    folder = _model(home / "models" / "news")
    dialog = PreannotateDialog(str(folder))
    qtbot.addWidget(dialog)
    assert dialog.folder.text() == "~/models/news"
    assert dialog.table.rows()  # its comparison was found through the shown path
    assert dialog.model_dir() == str(folder)
    dialog.folder.setText("~/models/news")
    dialog.folder.editingFinished.emit()
    assert dialog.table.rows() and dialog.model_dir() == str(folder)


def test_a_relative_model_folder_goes_beside_the_project(
    qtbot: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A typed "news-model" went to whatever folder the app was started from; it goes beside
    the project file, as the default does."""
    from gui_helpers import make_project, open_test_window

    (tmp_path / "projects").mkdir()
    project = make_project(tmp_path / "projects" / "news.annproj")
    elsewhere = tmp_path / "started-here"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    window = open_test_window(qtbot, project)
    try:
        asked: list[Any] = []
        monkeypatch.setattr(window.operations, "train", lambda options, done: asked.append(options))
        window.learning.open_train_dialog()
        dialog = window.learning.train_dialog
        dialog.outdir.setText("news-model")
        dialog.accept()
        assert [o.outdir for o in asked] == [tmp_path / "projects" / "news-model"]
    finally:
        window.close()
