"""A file project written by another program while the window is open: the window notices
and offers to reload (it never reloads by itself); its own edits offer nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gui_helpers import open_doc, press, select_needle
from PySide6.QtCore import Qt

from annotator.project import Project
from annotator.transfer.importing import import_documents
from annotator.values import DocData

pytestmark = pytest.mark.gui


@pytest.fixture
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    import app.file_watch

    monkeypatch.setattr(app.file_watch, "QUIET_S", 0.4)


def _titles(window: Any) -> set[str]:
    model = window.documents.model
    return {model.index(r, 0).data() for r in range(model.rowCount())}


def test_another_programs_import_is_offered_for_reload(
    qtbot: Any, window: Any, gui_project: Path, quick: None
) -> None:
    watch = window.file_watch
    qtbot.wait(600)  # the window's own start-up writes are behind it
    assert not watch.offering
    with Project.open(gui_project) as other:  # as `annotator import` would, beside the window
        import_documents(
            other,
            [DocData("late", "A late wire story about the port.", {"title": "Late story"})],
            layer="gold",
            origin="test",
        )
    with qtbot.waitSignal(watch.offered, timeout=10_000):
        pass
    assert watch.offering
    assert "Late story" not in _titles(window)  # nothing reloaded by itself
    watch.reload_button.click()
    qtbot.waitUntil(lambda: "Late story" in _titles(window), timeout=10_000)
    assert not watch.offering


def test_the_windows_own_edits_offer_nothing(qtbot: Any, window: Any, quick: None) -> None:
    watch = window.file_watch
    open_doc(qtbot, window, "a1")
    select_needle(window.view, "Noman Benotman")
    press(qtbot, window.view, Qt.Key.Key_1)
    qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=5000)
    qtbot.wait(1500)
    assert not watch.offering
