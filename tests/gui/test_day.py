"""A day in the window (issue 13): nothing changes behind the user's back.

Set ANNOTATOR_SCREENSHOTS=1 to also write the screenshots of docs/screenshots/ taken here.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("pytestqt")

from gui_helpers import open_test_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from storage import repository as repo

pytestmark = pytest.mark.gui


def _focus_key(
    qtbot: Any, key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> None:
    """Press a key where the keyboard focus is, as a user does."""
    widget = QApplication.focusWidget()
    assert widget is not None, "no widget has the keyboard focus"
    qtbot.keyClick(widget, key, mods)


@pytest.fixture
def review_window(qtbot: Any, tmp_path: Path) -> Any:
    from test_review import build_review_project

    path = tmp_path / "review.annproj"
    build_review_project(path).close()
    win = open_test_window(qtbot, path)
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win, timeout=5000)
    yield win
    if win.isVisible():
        win.close()


def _user_spans(win: Any) -> list[Any]:
    ctx = win.context
    with ctx.project.session() as s:
        docs = repo.external_ids(s)
        return [
            sp for d in docs.values() for sp in repo.spans_of(s, document_id=d, annotator=ctx.user)
        ]


def test_review_keys_stay_in_review_and_never_reach_the_hidden_article(
    qtbot, review_window
) -> None:
    win = review_window
    ctx = win.context
    with qtbot.waitSignal(ctx.runner.finished, timeout=20_000):
        _focus_key(qtbot, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    review = win.tabs.currentWidget()
    qtbot.waitUntil(lambda: review.model.rowCount() > 0, timeout=20_000)
    # The first key after Ctrl+R already works: J moves to the next item.
    first = review.table.currentIndex().row()
    _focus_key(qtbot, Qt.Key.Key_J)
    assert review.table.currentIndex().row() != first
    assert review.model.rowCount() >= 5
    review._select(0)
    for _ in range(2):
        before = review.model.counts()["decided"]
        with qtbot.waitSignal(review.settled, timeout=20_000):
            _focus_key(qtbot, Qt.Key.Key_X)
        qtbot.waitUntil(lambda: not ctx.runner.busy, timeout=20_000)
        assert review.model.counts()["decided"] == before + 1
        assert QApplication.focusWidget() in (review.table, review.lanes)
    # after decisions, J, K and Down still move
    row = review.table.currentIndex().row()
    _focus_key(qtbot, Qt.Key.Key_J)
    assert review.table.currentIndex().row() > row
    _focus_key(qtbot, Qt.Key.Key_K)
    assert review.table.currentIndex().row() == row
    _focus_key(qtbot, Qt.Key.Key_Down)
    assert review.table.currentIndex().row() == row + 1
    assert _user_spans(win) == []  # nothing was added to the user's own layer
    # keys sent to the hidden article edit nothing
    qtbot.keyClick(win.view, Qt.Key.Key_1)
    assert _user_spans(win) == []
