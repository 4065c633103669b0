"""Choosing the layer the window shows and edits: the user's own, gold, another annotator's."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_helpers import ARTICLE, make_project, open_test_window, press, select_needle
from PySide6.QtCore import Qt

from annotator import services
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import spans as span_repo

pytestmark = pytest.mark.gui
K = Qt.Key


def _add_layer(path: Path, layer: str, spans: list[tuple[str, str]], ext: str = "a1") -> None:
    """Give ``layer`` spans (needle, label) in document ``ext`` of the project at ``path``."""
    from annotator.project import Project

    with Project.open(path) as project, project.session() as s:
        doc_id = doc_repo.external_ids(s)[ext]
        text = doc_repo.get_document(s, doc_id).text  # type: ignore[union-attr]
        for needle, label in spans:
            start = text.index(needle)
            services.add_span(s, project.scheme, doc_id, layer, start, start + len(needle), label)


def _choose_layer(qtbot: Any, window: Any, layer: str) -> None:
    """Pick ``layer`` in the article header's combo box, as a user would."""
    combo = window.article.layer_combo
    qtbot.waitUntil(lambda: combo.findData(layer) >= 0, timeout=5000)
    combo.setCurrentIndex(combo.findData(layer))
    combo.activated.emit(combo.currentIndex())
    _wait_idle(qtbot, window, layer)


def _wait_idle(qtbot: Any, window: Any, layer: str) -> None:
    ctx = window.context
    qtbot.waitUntil(lambda: ctx.doc_state.layer == layer and not ctx.runner.busy, timeout=5000)


def _spans(window: Any, layer: str) -> list[tuple[str, str]]:
    ctx = window.context
    text = ARTICLE
    with ctx.project.session() as s:
        doc_id = doc_repo.external_ids(s)["a1"]
        return sorted(
            (text[sp.start : sp.end], sp.label)
            for sp in span_repo.spans_of(s, document_id=doc_id, annotator=layer)
        )


def _open_a1(qtbot: Any, window: Any) -> int:
    with window.context.project.session() as s:
        doc_id = doc_repo.external_ids(s)["a1"]
    window.open_document(doc_id)
    qtbot.waitUntil(
        lambda: window.context.doc_state.doc_id == doc_id and not window.context.runner.busy,
        timeout=5000,
    )
    return doc_id


@pytest.fixture
def opened(qtbot: Any) -> Iterator[Callable[[Path], Any]]:
    """Opens a project in a window; closes the windows after the test."""
    windows: list[Any] = []

    def open_(path: Path) -> Any:
        windows.append(open_test_window(qtbot, path))
        return windows[-1]

    yield open_
    for w in windows:
        if w.isVisible():
            w.close()


@pytest.fixture
def layered(tmp_path: Path) -> Path:
    """The test project with spans of tester, gold and bob in document a1."""
    path = make_project(tmp_path / "layers.annproj")
    _add_layer(path, "tester", [("Khalifa Haftar", "ACTOR")])
    _add_layer(path, "gold", [("Tripoli", "PLACE")])
    _add_layer(path, "bob", [("Noman Benotman", "ACTOR"), ("Police", "ACTOR")])
    return path


def test_switching_to_gold_shows_and_edits_gold(qtbot, opened, layered) -> None:
    window = opened(layered)
    ctx, view = window.context, window.view
    _open_a1(qtbot, window)
    assert ctx.layer == "tester"
    assert window.article.layer_combo.currentData() == "tester"
    assert [r.label for r in ctx.doc_state.spans().values()] == ["ACTOR"]
    combo = window.article.layer_combo
    qtbot.waitUntil(lambda: combo.findData("bob") >= 0, timeout=5000)
    assert [combo.itemData(i) for i in range(combo.count())] == ["tester", "gold", "bob"]

    _choose_layer(qtbot, window, "gold")
    assert ctx.layer == "gold"
    # The article view, list, inspector and status bar follow the layer.
    assert [r.label for r in ctx.doc_state.spans().values()] == ["PLACE"]
    assert [key[0] for key in view.highlighter.items()] == ["s"]
    assert window.documents.annotator_combo.currentData() == "gold"
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 3, timeout=5000)
    a1 = next(r for r in window.documents.model.records() if r.external_id == "a1")
    assert a1.span_count == 1  # gold's count, not tester's
    assert "layer: gold" in window._status_user.text()
    assert "read-only" not in window._status_user.text()
    assert "1 span ·" in window._status_counts.text()

    select_needle(view, "Noman Benotman")
    press(qtbot, view, K.Key_1)
    assert _spans(window, "gold") == [("Noman Benotman", "ACTOR"), ("Tripoli", "PLACE")]
    assert _spans(window, "tester") == [("Khalifa Haftar", "ACTOR")]
    assert window.inspector.label_combo.isEnabled()
    press(qtbot, view, K.Key_2)  # relabel in gold
    assert ("Noman Benotman", "CLAIM") in _spans(window, "gold")
    with ctx.project.session() as s:
        update = event_repo.events(s, action="span.update")[-1]
    assert update.actor == "tester"  # the reviewer, not "gold"


def test_a_span_added_to_gold_is_logged_under_the_user(qtbot, opened, layered) -> None:
    window = opened(layered)
    _open_a1(qtbot, window)
    _choose_layer(qtbot, window, "gold")
    select_needle(window.view, "Noman Benotman")
    press(qtbot, window.view, K.Key_1)
    with window.context.project.session() as s:
        added = event_repo.events(s, action="span.add")[-1]
    assert added.target.startswith("span:")
    assert added.actor == "tester"


def test_another_annotators_layer_is_read_only(qtbot, opened, layered) -> None:
    window = opened(layered)
    ctx, view = window.context, window.view
    _open_a1(qtbot, window)
    _choose_layer(qtbot, window, "bob")
    assert sorted(r.label for r in ctx.doc_state.spans().values()) == ["ACTOR", "ACTOR"]
    assert "read-only" in window._status_user.text()
    assert "read-only" in window.article.layer_note.text()
    before = _spans(window, "bob")

    select_needle(view, "Khalifa Haftar")
    with qtbot.waitSignal(view.message, timeout=2000) as blocker:
        press(qtbot, view, K.Key_1)
    assert "read-only" in blocker.args[0] and "bob" in blocker.args[0]
    assert "read-only" in window.statusBar().currentMessage()
    view.move_selection(1)  # select one of bob's spans: visible, not editable
    assert view.selected is not None and view.selected[0] == "s"
    assert not window.inspector.label_combo.isEnabled()
    press(qtbot, view, K.Key_Delete)
    press(qtbot, view, K.Key_2)
    assert _spans(window, "bob") == before
    assert _spans(window, "tester") == [("Khalifa Haftar", "ACTOR")]
    assert ctx.undo_stack.count() == 0


def test_undo_goes_back_to_the_layer_of_the_edit(qtbot, opened, layered) -> None:
    window = opened(layered)
    ctx, view = window.context, window.view
    _open_a1(qtbot, window)
    _choose_layer(qtbot, window, "gold")
    select_needle(view, "Police")
    press(qtbot, view, K.Key_1)
    assert ("Police", "ACTOR") in _spans(window, "gold")

    _choose_layer(qtbot, window, "tester")
    select_needle(view, "Noman Benotman")
    press(qtbot, view, K.Key_1)
    assert ("Noman Benotman", "ACTOR") in _spans(window, "tester")
    window.undo()  # the tester edit, shown
    assert ("Noman Benotman", "ACTOR") not in _spans(window, "tester")
    assert ctx.layer == "tester"
    window.undo()  # the gold edit: the window goes back to gold to show it
    _wait_idle(qtbot, window, "gold")
    assert ctx.layer == "gold"
    assert _spans(window, "gold") == [("Tripoli", "PLACE")]
    assert [r.label for r in ctx.doc_state.spans().values()] == ["PLACE"]
    assert _spans(window, "tester") == [("Khalifa Haftar", "ACTOR")]  # untouched

    _choose_layer(qtbot, window, "bob")  # redo from a read-only layer edits gold again
    bob = _spans(window, "bob")
    window.redo()
    _wait_idle(qtbot, window, "gold")
    assert ("Police", "ACTOR") in _spans(window, "gold")
    assert _spans(window, "bob") == bob
    assert any(r.label == "ACTOR" for r in ctx.doc_state.spans().values())


def _review_project(path: Path) -> Path:
    """Two annotators who disagree on a label in a1 (tester is the reviewer)."""
    make_project(path)
    _add_layer(path, "alice", [("Khalifa Haftar", "ACTOR"), ("Tripoli", "PLACE")])
    _add_layer(path, "bob", [("Khalifa Haftar", "ACTOR"), ("Tripoli", "ACTOR")])
    return path


def test_review_e_opens_the_document_in_gold(qtbot, opened, tmp_path, dialogs) -> None:
    window = opened(_review_project(tmp_path / "review.annproj"))
    ctx = window.context
    assert ctx.layer == "tester"
    window.show_review()
    panel = window._extra_panels["review"]
    qtbot.waitUntil(lambda: panel.model.rowCount() > 0 and not ctx.runner.busy, timeout=20_000)
    panel._select(0)
    row = panel.current_row()
    assert row is not None
    qtbot.keyClick(panel.table, K.Key_E)
    _wait_idle(qtbot, window, "gold")
    assert ctx.layer == "gold"
    assert window.tabs.currentWidget() is window.article
    assert ctx.doc_state.doc_id == row.doc_id
    assert window.article.layer_combo.currentData() == "gold"
    # The passage of the item is selected (the span is an annotator's, not gold's yet).
    start, end = window.view.stored_selection()
    assert start < row.item.end and row.item.start < end

    # Editing now edits gold: the reviewer can keep gold as edited.
    press(qtbot, window.view, K.Key_4, Qt.KeyboardModifier.AltModifier)
    with ctx.project.session() as s:
        gold = span_repo.spans_of(s, document_id=row.doc_id, annotator="gold")
    assert [(ARTICLE[sp.start : sp.end], sp.label) for sp in gold] == [
        (ARTICLE[start:end], "PLACE")
    ]


# ---------------------------------------------------------------- start-up (the layer's window
# paints before the database layer loads; see app/startup.py)


def test_the_window_paints_before_the_database_opens(qtbot, opened, layered) -> None:
    import sqlite3

    from annotator.team.workfile import WORKFILE_FOR
    from app.launcher import open_window
    from app.startup import WORKFILE_KEY, ProjectHandle, peek_project

    assert WORKFILE_KEY == WORKFILE_FOR
    con = sqlite3.connect(layered)
    with con:
        con.execute("INSERT INTO project_meta (key, value) VALUES (?, ?)", (WORKFILE_FOR, "bob"))
    con.close()
    peek = peek_project(layered)
    assert peek is not None and peek.workfile_owner == "bob"
    assert [lab.name for lab in peek.scheme.labels] == ["ACTOR", "CLAIM", "EVENT", "PLACE", "TIME"]
    window = open_window(layered)
    assert window is not None
    project = window.context.project
    assert isinstance(project, ProjectHandle) and not project.is_open  # built from the peek
    assert window.context.user == "bob" and window.context.layer == "bob"
    assert window.view._label_keys["4"] == "PLACE"  # label keys from the project's scheme
    qtbot.waitUntil(
        lambda: window.context.doc_state.content is not None and not window.context.runner.busy,
        timeout=5000,
    )
    assert project.is_open
    assert project.scheme.fingerprint == project.open().scheme.fingerprint
    assert sorted(r.label for r in window.context.doc_state.spans().values()) == ["ACTOR", "ACTOR"]
    window.close()


def test_a_project_that_cannot_open_closes_its_window(qtbot, layered, dialogs) -> None:
    import sqlite3

    from app.launcher import open_window

    con = sqlite3.connect(layered)
    with con:
        (revision,) = con.execute("SELECT version_num FROM alembic_version").fetchone()
        con.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    con.close()
    window = open_window(layered)  # the peek succeeds; opening fails after the first paint
    assert window is not None
    qtbot.waitUntil(lambda: not window.isVisible(), timeout=5000)
    assert any("newer version" in text for _k, _t, text in dialogs.shown), dialogs.shown
    assert window.lock is None or not window.lock.isLocked()
    from annotator.settings import Settings

    assert str(layered) not in Settings.load().recent_projects

    con = sqlite3.connect(layered)
    with con:
        con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
        con.execute("UPDATE project_meta SET value = '{broken' WHERE key = 'scheme'")
    con.close()
    dialogs.shown.clear()
    assert open_window(layered) is None  # no peek: the ordinary path reports the damage
    assert any("scheme" in text for _k, _t, text in dialogs.shown), dialogs.shown
