"""The learning loop in the window: train from the Suggestions menu (progress, cancel, the
comparison afterwards), the pre-annotation dialog's comparison, and uncertainty order for the
document list and "Done, next", computed in the worker."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest
from gui_helpers import open_test_window

from annotator.project import Project
from annotator.suggest.correction import COMPARISON_FILE, MODEL_FILE
from annotator.transfer.importing import import_documents
from annotator.values import DocData, SpanData
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import suggestions as sugg_repo

pytestmark = pytest.mark.gui

GOLD = [
    (
        "Ahmed Salem said that the army attacked Tripoli on Monday.",
        [("Ahmed Salem", "ACTOR"), ("Tripoli", "PLACE"), ("Monday", "TIME"), ("attacked", "EVENT")],
    ),
    (
        "Police arrested Maria Lopez in Madrid on Friday.",
        [("Maria Lopez", "ACTOR"), ("Madrid", "PLACE"), ("Friday", "TIME"), ("arrested", "EVENT")],
    ),
    (
        "John Smith warned that rebels killed ten people in Sabha.",
        [("John Smith", "ACTOR"), ("Sabha", "PLACE"), ("killed", "EVENT")],
    ),
    (
        "Omar Ali met the minister in Cairo on Tuesday.",
        [("Omar Ali", "ACTOR"), ("the minister", "ACTOR"), ("Cairo", "PLACE"), ("Tuesday", "TIME")],
    ),
    (
        "The police said that protesters marched in Benghazi on Sunday.",
        [("The police", "ACTOR"), ("protesters", "ACTOR"), ("Benghazi", "PLACE")],
    ),
    (
        "Officials told reporters that the minister visited Rome in May.",
        [("Officials", "ACTOR"), ("the minister", "ACTOR"), ("Rome", "PLACE"), ("May", "TIME")],
    ),
]
OPEN = [
    "Fatima Zahra criticised the government in Tunis on Wednesday.",
    "Soldiers fired on a crowd, witnesses said.",
    "It rained.",
]


def _gold(i: int, text: str, spans: list[tuple[str, str]]) -> DocData:
    out = []
    for k, (needle, label) in enumerate(spans):
        start = text.index(needle)
        out.append(SpanData(f"s{k}", start, start + len(needle), label))
    return DocData(f"g{i}", text, {"title": f"Gold {i}"}, tuple(out))


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A project (gold layer on six articles, three open articles for 'tester') and a model
    trained on its gold layer."""
    from annotator.suggest.training import train_model

    root = tmp_path_factory.mktemp("learning")
    path = root / "loop.annproj"
    with pytest.MonkeyPatch.context() as mp:
        # built before the per-test settings isolation applies: isolate it here too
        mp.setenv("NEWS_ANNOTATOR_CONFIG_DIR", str(root / "user-config"))
        mp.setenv("NEWS_ANNOTATOR_DATA_DIR", str(root / "user-data"))
        with Project.create(path, "news") as project:
            import_documents(project, [_gold(i, t, s) for i, (t, s) in enumerate(GOLD)], "gold")
            docs = [DocData(f"o{i}", t, {"title": f"Open {i}"}) for i, t in enumerate(OPEN)]
            import_documents(project, docs, layer="tester")
            with project.session(write=True) as s:
                ids = doc_repo.external_ids(s)
                ann = ann_repo.ensure_annotator(s, "tester")
                ann_repo.add_assignments(
                    s,
                    [{"document_id": ids[f"o{i}"], "annotator_id": ann} for i in range(len(OPEN))],
                )
            train_model(project, root / "model", max_steps=20, folds=2)
    return path, root / "model"


@pytest.fixture
def loop_window(qtbot: Any, trained: tuple[Path, Path], tmp_path: Path) -> Any:
    """A window on a fresh copy of the trained fixture's project."""
    path = tmp_path / "loop.annproj"
    shutil.copy(trained[0], path)
    win = open_test_window(qtbot, path)
    yield win
    if win.isVisible():
        win.close()


def _wait_idle(qtbot: Any, win: Any, timeout: int = 120_000) -> None:
    qtbot.waitUntil(
        lambda: not win.operations.busy and not win.context.runner.busy, timeout=timeout
    )


# ---------------------------------------------------------------- train from the app


def test_training_from_the_menu_runs_in_the_worker_and_shows_the_comparison(
    qtbot: Any, loop_window: Any, tmp_path: Path
) -> None:
    win = loop_window
    action = win.actions_by_id["train_model"]
    assert action in win.menus["Suggestions"].actions()
    threads: list[str] = []
    labels: list[str] = []

    def on_progress(_id: int, done: int, total: int) -> None:
        threads.append(threading.current_thread().name)
        if win.operations.dialog is not None:
            labels.append(win.operations.dialog.labelText())

    win.context.runner.progress.connect(on_progress)
    action.trigger()
    dialog = win.learning.train_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.layer.currentText() == "gold"
    outdir = tmp_path / "my-model"
    dialog.outdir.setText(str(outdir))
    dialog.max_steps.setValue(10)
    dialog.folds.setValue(2)
    dialog.accept()
    _wait_idle(qtbot, win)
    assert (outdir / MODEL_FILE).is_file() and (outdir / COMPARISON_FILE).is_file()
    assert any(" steps" in text for text in labels)  # progress counted while it ran
    assert set(threads) == {"MainThread"}  # delivered to the GUI thread, computed elsewhere
    result = win.learning.result_dialog
    assert result is not None and result.isVisible()
    rows = {row[0]: row for row in result.table.rows()}
    assert {"ACTOR", "PLACE", "TIME", "EVENT"} <= set(rows)
    saved = json.loads((outdir / COMPARISON_FILE).read_text(encoding="utf-8"))
    actor = saved["spans"]["ACTOR"]
    assert rows["ACTOR"][1] == f"{100 * actor['default']['f']:.1f}"
    assert rows["ACTOR"][2] == f"{100 * actor['trained']['f']:.1f}"
    assert rows["ACTOR"][3:] == ("default", "fewer than 10 documents")  # six prove nothing
    assert "fewer than 10" in result.summary.text()
    assert " documents of the gold layer in " in result.summary.text()  # which layer it learnt
    assert win.learning.model_dir == str(outdir)
    result.close()


def test_cancelled_training_writes_nothing(qtbot: Any, loop_window: Any, tmp_path: Path) -> None:
    win = loop_window
    calls: list[int] = []
    win.context.runner.progress.connect(
        lambda _id, done, _total: calls.append(done) or win.operations.cancel()
    )
    outdir = tmp_path / "cancelled-model"
    win.learning.train(training_options(outdir))
    _wait_idle(qtbot, win)
    assert calls and not outdir.exists()
    assert "Training cancelled" in win.statusBar().currentMessage()
    assert win.learning.result_dialog is None


def training_options(outdir: Path) -> Any:
    from app.dialogs.learning import TrainOptions

    return TrainOptions("gold", outdir, max_steps=10, folds=2)


# ---------------------------------------------------------------- the pre-annotation dialog


def _fake_model(folder: Path, use_actor: str) -> Path:
    folder.mkdir()
    (folder / MODEL_FILE).write_text("{}", encoding="utf-8")

    def score(f: float) -> dict[str, float]:
        return {"precision": f, "recall": f, "f": f, "tp": 1, "fp": 1, "fn": 1}

    data = {
        "metric": "overlap F",
        "documents": 24,
        "folds": 4,
        "spans": {
            "ACTOR": {"default": score(0.602), "trained": score(0.712), "use": use_actor},
            "PLACE": {
                "default": score(0.496),
                "trained": score(0.43),
                "use": "default",
                "reason": "F not better",
            },
        },
        "relations": {"claimant": {"default": score(0.5), "trained": score(0.55)}},
        "links": {
            "relations": {
                "claimant": {
                    "rules": {"score": 0.859, "accuracy": 0.859, "precision": 0.82},
                    "linker": {"score": 0.874, "accuracy": 0.874, "precision": 0.81},
                    "use": "linker",
                },
                "agent": {
                    "rules": {"score": 0.589, "recall": 0.589, "precision": 0.76},
                    "linker": {"score": 0.55, "recall": 0.55, "precision": 0.80},
                    "use": "rules",
                },
                "target": {
                    "rules": {"score": 0.6, "recall": 0.62, "precision": 0.78},
                    "linker": {"score": 0.6, "recall": 0.57, "precision": 0.84},
                    "stacked": {"score": 0.62, "recall": 0.66, "precision": 0.77},
                    "use": "stacked",
                },
                "time": {
                    "rules": {"score": 0.833, "recall": 0.833, "precision": 0.5},
                    "linker": {"score": 1.0, "recall": 1.0, "precision": 0.6},
                    "linker_better_share": 0.62,
                    "use": "rules",
                },
            }
        },
    }
    (folder / COMPARISON_FILE).write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_preannotate_dialog_shows_the_comparison_of_the_model_folder(
    qtbot: Any, loop_window: Any, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    win = loop_window
    win.learning.model_dir = str(_fake_model(tmp_path / "m", "trained"))
    win.actions_by_id["preannotate"].trigger()
    dialog = win.learning.preannotate_dialog
    assert dialog is not None and dialog.use_model.isChecked()
    assert dialog.table.rows() == [
        ("ACTOR", "60.2", "71.2", "trained", ""),
        ("PLACE", "49.6", "43.0", "default", "F not better"),
        ("claimant (link)", "50.0", "55.0", "with its spans", ""),
        ("claimant accuracy (linker)", "85.9", "87.4", "trained", ""),
        (
            "agent recall (linker)",
            "58.9",
            "55.0",
            "default",
            "the rules were better (F 58.9 vs 55.0)",
        ),
        ("target recall (linker)", "62.0", "57.0", "—", "stacking is used (it was better)"),
        ("target recall (stacked)", "62.0", "66.0", "trained", ""),
        (
            "time recall (linker)",
            "83.3",
            "100.0",
            "default",
            "better in only 62 % of resamples (90 % needed)",
        ),
    ]
    assert "trained model is used for ACTOR" in dialog.summary.text()
    # the linker rows show accuracy or recall, named in the row: no column says "F" over them
    headers = [dialog.table.horizontalHeaderItem(c).text() for c in range(5)]
    assert headers == ["Label", "Default", "Trained", "Used", "Why"]
    # a dialog with little room scrolls the table; the note under it never covers it
    from PySide6.QtWidgets import QLabel

    table = dialog.table
    assert table.minimumHeight() < table.maximumHeight()  # it may shrink (it was fixed)
    qtbot.wait(10)
    [note] = [w for w in dialog.findChildren(QLabel) if w.text().startswith("Suggestions are")]
    assert table.geometry().bottom() < note.geometry().top()
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    dialog.folder.setText(str(tmp_path))  # not a model folder
    dialog.folder.editingFinished.emit()
    assert not ok.isEnabled() and "not a model folder" in dialog.summary.text()
    assert dialog.table.rowCount() == 0 and dialog.table.isHidden()
    dialog.use_default.setChecked(True)
    assert ok.isEnabled() and dialog.model_dir() is None
    dialog.reject()


def _linker_only_model(folder: Path) -> Path:
    """A comparison where no label uses the trained model but the claimant links use its
    linker (stacking compared too), with a dozen relations: more rows than a screen shows."""
    folder.mkdir()
    (folder / MODEL_FILE).write_text("{}", encoding="utf-8")

    def score(f: float) -> dict[str, float]:
        return {"precision": f, "recall": f, "f": f, "tp": 1, "fp": 1, "fn": 1}

    def link(measure: str, rules: float, linker: float, use: str) -> dict[str, Any]:
        return {
            "rules": {"score": rules, measure: rules, "precision": 0.9},
            "linker": {"score": linker, measure: linker, "precision": 0.9},
            "stacked": {"score": rules, measure: rules, "precision": 0.9},
            "use": use,
        }

    relations = {"claimant": link("accuracy", 0.865, 0.875, "linker")}
    relations |= {f"role{i}": link("recall", 0.6, 0.5, "rules") for i in range(12)}
    data = {
        "metric": "overlap F",
        "documents": 24,
        "folds": 4,
        "spans": {
            label: {"default": score(0.8), "trained": score(0.79), "use": "default"}
            for label in ("ACTOR", "CLAIM", "EVENT", "PLACE", "TIME")
        },
        "relations": {"claimant": {"default": score(0.77), "trained": score(0.78)}},
        "links": {"relations": relations},
    }
    (folder / COMPARISON_FILE).write_text(json.dumps(data), encoding="utf-8")
    return folder


def test_preannotate_dialog_names_the_links_the_trained_linker_picks(
    qtbot: Any, loop_window: Any, tmp_path: Path
) -> None:
    """The summary says what the trained model is used for, labels and relations; a variant
    not used because the other trained one was is not called "default"; the table shows whole
    rows and the dialog fits the screen."""
    from PySide6.QtGui import QGuiApplication

    win = loop_window
    win.learning.model_dir = str(_linker_only_model(tmp_path / "m"))
    win.actions_by_id["preannotate"].trigger()
    dialog = win.learning.preannotate_dialog
    summary = dialog.summary.text()
    assert "default suggestions are used for every label" in summary
    assert "Links: the trained linker for claimant; the rules for the other relations." in summary
    rows = {row[0]: row for row in dialog.table.rows()}
    assert rows["claimant accuracy (linker)"][3:] == ("trained", "")
    assert rows["claimant accuracy (stacked)"][3:] == (
        "—",
        "the linker alone is used (it was better)",
    )
    assert rows["role0 recall (stacked)"][3:] == (
        "default",
        "the rules were as good (recall 60.0 vs 60.0)",
    )
    qtbot.wait(10)
    table = dialog.table
    screen = QGuiApplication.primaryScreen().availableGeometry()
    assert dialog.frameGeometry().height() <= screen.height()
    assert not table.horizontalScrollBar().isVisible()  # the columns fit
    shown = table.viewport().height()
    last = table.rowAt(shown - 1)
    assert 0 < last < table.rowCount() - 1  # it scrolls: more rows than room
    assert table.rowViewportPosition(last) + table.rowHeight(last) == shown, "a row is cut"
    dialog.reject()


def test_preannotate_with_the_trained_model_from_the_dialog(
    qtbot: Any, loop_window: Any, trained: tuple[Path, Path], dialogs: Any
) -> None:
    win = loop_window
    win.learning.model_dir = str(trained[1])
    win.preannotate()
    dialog = win.learning.preannotate_dialog
    assert dialog.model_dir() == str(trained[1])
    assert [row[0] for row in dialog.table.rows()][:5] == [
        "ACTOR",
        "CLAIM",
        "EVENT",
        "PLACE",
        "TIME",
    ]
    dialog.accept()
    _wait_idle(qtbot, win)
    assert any(title == "Pre-annotation finished" for _k, title, _t in dialogs.shown)
    text = next(t for _k, title, t in dialogs.shown if title == "Pre-annotation finished")
    assert "learned_" in text  # the suggestions name the trained model
    with win.context.project.session() as s:
        assert sugg_repo.suggestion_counts(s).get("pending", 0) > 0


# ---------------------------------------------------------------- uncertainty order


def test_uncertainty_order_sorts_the_list_and_done_next_follows_it(
    qtbot: Any, loop_window: Any, trained: tuple[Path, Path], monkeypatch: Any
) -> None:
    from annotator.suggest import ordering

    win = loop_window
    threads: list[str] = []
    real = ordering.document_uncertainty

    def watched(*args: Any, **kwargs: Any) -> dict[int, float]:
        threads.append(threading.current_thread().name)
        return real(*args, **kwargs)

    monkeypatch.setattr(ordering, "document_uncertainty", watched)
    panel = win.documents
    open_ids = panel.open_ids()
    assert len(open_ids) == len(OPEN)
    default_rows = [r.id for r in panel.model.records()]
    win.learning.model_dir = str(trained[1])
    panel.order_combo.setCurrentIndex(panel.order_combo.findData("uncertainty"))
    _wait_idle(qtbot, win)
    assert threads and "MainThread" not in threads  # computed in the worker
    assert panel.model.ranked and panel.order == "uncertainty"
    assert win.actions_by_id["order_uncertainty"].isChecked()
    expected = real(win.context.project, str(trained[1]), open_ids)
    rows = [r.id for r in panel.model.records()]
    assert rows[: len(open_ids)] == sorted(open_ids, key=lambda d: -expected[d])
    assert [panel.model.uncertainty(d) for d in rows[:3]] == sorted(expected.values())[::-1]
    column = panel.model.UNCERTAINTY_COLUMN
    assert not panel.table.isColumnHidden(column)
    assert panel.model.index(0, column).data() == f"{expected[rows[0]]:.2f}"
    # "Done, next" opens the most uncertain open document, wherever the current one is.
    current = win.context.doc_state.doc_id
    top = next(d for d in rows if d != current and d in open_ids)
    win.done_and_next()
    qtbot.waitUntil(lambda: win.context.doc_state.doc_id == top, timeout=10_000)
    # The default order again: the list as before.
    win.actions_by_id["order_uncertainty"].trigger()
    assert not panel.model.ranked and panel.order_combo.currentData() == "default"
    assert [r.id for r in panel.model.records()] == default_rows
    assert panel.table.isColumnHidden(column)


def test_uncertainty_order_without_a_model_says_how_to_get_one(
    qtbot: Any, loop_window: Any, dialogs: Any
) -> None:
    win = loop_window
    win.learning.model_dir = ""
    win.actions_by_id["order_uncertainty"].trigger()
    assert dialogs.shown[-1][1] == "Uncertainty order"
    assert "Train a model" in dialogs.shown[-1][2]
    assert not win.actions_by_id["order_uncertainty"].isChecked()
    assert win.documents.order_combo.currentData() == "default"
    assert not win.operations.busy


def test_the_title_column_never_collapses(qtbot: Any, loop_window: Any) -> None:
    from app.panels.documents import TITLE_MIN

    table = loop_window.documents.table
    header = table.horizontalHeader()
    for width in (380, 420, 900):
        table.resize(width, 300)
        qtbot.waitUntil(lambda w=width: table.width() == w, timeout=2000)
        others = sum(header.sectionSize(c) for c in range(1, 5))
        assert header.sectionSize(0) == max(TITLE_MIN, table.viewport().width() - others)


def _rank_in_uncertainty_order(qtbot: Any, win: Any, model: Path) -> None:
    win.learning.model_dir = str(model)
    panel = win.documents
    panel.order_combo.setCurrentIndex(panel.order_combo.findData("uncertainty"))
    _wait_idle(qtbot, win)
    assert panel.model.ranked


def test_done_next_in_uncertainty_order_drops_the_finished_documents_score(
    qtbot: Any, loop_window: Any, trained: tuple[Path, Path]
) -> None:
    win = loop_window
    panel = win.documents
    open_ids = panel.open_ids()
    _rank_in_uncertainty_order(qtbot, win, trained[1])
    current = win.context.doc_state.doc_id
    assert current in open_ids and panel.model.uncertainty(current) is not None
    win.done_and_next()
    qtbot.waitUntil(lambda: win.context.doc_state.doc_id != current, timeout=10_000)
    # The finished document has left the queue: no score, below the ranked ones.
    assert panel.model.uncertainty(current) is None
    rows = [r.id for r in panel.model.records()]
    ranked = [d for d in rows if panel.model.uncertainty(d) is not None]
    assert set(ranked) == set(open_ids) - {current}
    assert rows[: len(ranked)] == ranked and rows.index(current) >= len(ranked)
    column = panel.model.UNCERTAINTY_COLUMN
    assert panel.model.index(rows.index(current), column).data() == ""
    assert panel.order == "uncertainty" and panel.order_combo.currentData() == "uncertainty"
    # the next one opened is the top of the ranking; the status bar counts the queue left
    assert win.context.doc_state.doc_id == ranked[0]
    message = win.statusBar().currentMessage()
    assert f"({len(open_ids) - 1} open documents)" in message, message


def test_a_ranking_that_arrives_after_done_counts_the_queue_as_it_is(
    qtbot: Any, loop_window: Any, trained: tuple[Path, Path], monkeypatch: Any
) -> None:
    from annotator.suggest import ordering

    win = loop_window
    panel = win.documents
    open_ids = panel.open_ids()
    release = threading.Event()
    started = threading.Event()
    real = ordering.document_uncertainty

    def slow(*args: Any, **kwargs: Any) -> dict[int, float]:
        started.set()
        release.wait(60)
        return real(*args, **kwargs)

    monkeypatch.setattr(ordering, "document_uncertainty", slow)
    win.learning.model_dir = str(trained[1])
    panel.order_combo.setCurrentIndex(panel.order_combo.findData("uncertainty"))
    qtbot.waitUntil(started.is_set, timeout=10_000)
    current = win.context.doc_state.doc_id
    win.done_and_next()  # while the ranking of the three open documents runs
    assert set(panel.open_ids()) == set(open_ids) - {current}
    release.set()
    _wait_idle(qtbot, win)
    assert panel.model.ranked
    assert panel.model.uncertainty(current) is None
    message = win.statusBar().currentMessage()
    assert f"{len(open_ids) - 1} open documents" in message, message


def test_undoing_done_puts_the_document_back_in_the_ranked_queue(
    qtbot: Any, loop_window: Any, trained: tuple[Path, Path]
) -> None:
    win = loop_window
    panel = win.documents
    open_ids = panel.open_ids()
    _rank_in_uncertainty_order(qtbot, win, trained[1])
    current = win.context.doc_state.doc_id
    score = panel.model.uncertainty(current)
    before = [r.id for r in panel.model.records()]
    assert score is not None
    win.done_and_next()
    qtbot.waitUntil(lambda: win.context.doc_state.doc_id != current, timeout=10_000)
    assert panel.model.uncertainty(current) is None
    win.context.undo_stack.undo()  # the "Done" of the document no longer shown
    # Open again, with the score it had, in its place in the ranking.
    assert current in panel.open_ids()
    assert panel.model.uncertainty(current) == score
    assert [r.id for r in panel.model.records()] == before
    assert panel.order == "uncertainty"
    message = win.statusBar().currentMessage()
    assert f"({len(open_ids)} open documents)" in message, message


def test_the_comparison_uses_the_room_the_screen_gives(qtbot: Any, tmp_path: Path) -> None:
    """On a tall screen every row shows (a 480 px cap left the last linker rows to scroll on a
    900 px screen); with no room known the cap stays; the last row shown is whole."""
    from app.dialogs.learning import ComparisonTable

    data = json.loads((_linker_only_model(tmp_path / "m") / COMPARISON_FILE).read_text("utf-8"))
    table = ComparisonTable()
    qtbot.addWidget(table)
    table.set_comparison(data)
    rows = sum(table.rowHeight(r) for r in range(table.rowCount()))
    assert rows > ComparisonTable.TALLEST  # more rows than the old cap showed
    table.fit_height(room=rows + 200)
    assert table.maximumHeight() >= rows  # every row
    table.fit_height()
    assert table.maximumHeight() <= ComparisonTable.TALLEST
    table.fit_height(room=300)
    chrome = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    body = table.maximumHeight() - chrome
    heights = [table.rowHeight(r) for r in range(table.rowCount())]
    assert body in {sum(heights[:k]) for k in range(len(heights) + 1)}  # whole rows
