"""GUI fixtures: offscreen Qt, isolated settings, recorded dialogs, small projects, a window."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from gui_helpers import make_project, open_test_window
from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox


@dataclass
class DialogRecorder:
    """Replaces modal dialogs: records what was shown and answers from queues."""

    shown: list[tuple[str, str, str]] = field(default_factory=list)
    answers: list[Any] = field(default_factory=list)  # for QMessageBox.question
    files: list[Any] = field(default_factory=list)  # for QFileDialog
    texts: list[str] = field(default_factory=list)  # for QInputDialog.getText

    def message(self, kind: str) -> Any:
        def show(parent: Any, title: str, text: str, *args: Any, **kwargs: Any) -> Any:
            self.shown.append((kind, title, text))
            if kind == "question":
                return self.answers.pop(0) if self.answers else QMessageBox.StandardButton.No
            return QMessageBox.StandardButton.Ok

        return show

    def kinds(self) -> list[str]:
        return [k for k, _t, _x in self.shown]


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """User settings, QSettings (window.ini) and the demo project live under tmp_path."""
    monkeypatch.setenv("NEWS_ANNOTATOR_CONFIG_DIR", str(tmp_path / "user-config"))
    monkeypatch.setenv("NEWS_ANNOTATOR_DATA_DIR", str(tmp_path / "user-data"))
    monkeypatch.setenv("NEWS_ANNOTATOR_USER", "tester")


@pytest.fixture(autouse=True)
def _no_leaked_windows() -> Iterator[None]:
    """Fail a test that leaves a project window open or a background task running."""
    yield
    try:
        from app import launcher
    except ImportError:
        return
    leaked = [w for w in list(launcher._windows) if w.isVisible()]
    busy = [w for w in leaked if w.context.runner.busy]
    for w in leaked:
        w.close()
    assert not leaked, f"{len(leaked)} window(s) left open ({len(busy)} with running tasks)"


_STRAY = DialogRecorder()  # dialogs raised between tests (a late task result in teardown)


@pytest.fixture(autouse=True, scope="session")
def _never_modal() -> Iterator[None]:
    """No real modal message box for the whole run: offscreen, one would wait forever for a
    click (a background task finishing while pytest-qt processes events in teardown, after the
    per-test patches below are undone, once hung the suite). Between tests they are recorded
    in ``_STRAY``."""
    saved = {k: QMessageBox.__dict__.get(k) for k in ("warning", "information", "critical")}
    for kind in saved:
        setattr(QMessageBox, kind, staticmethod(_STRAY.message(kind)))
    yield
    for kind, original in saved.items():
        if original is not None:
            setattr(QMessageBox, kind, original)


@pytest.fixture(autouse=True)
def dialogs(monkeypatch: pytest.MonkeyPatch) -> DialogRecorder:
    rec = DialogRecorder()
    for kind in ("warning", "information", "critical", "question"):
        monkeypatch.setattr(QMessageBox, kind, staticmethod(rec.message(kind)))
    monkeypatch.setattr(
        QMessageBox,
        "about",
        staticmethod(lambda parent, title, text: rec.shown.append(("about", title, text))),
    )

    def file_answer(*args: Any, **kwargs: Any) -> Any:
        return rec.files.pop(0) if rec.files else ("", "")

    for name in ("getOpenFileName", "getOpenFileNames", "getSaveFileName", "getExistingDirectory"):
        monkeypatch.setattr(QFileDialog, name, staticmethod(file_answer))
    monkeypatch.setattr(
        QInputDialog,
        "getText",
        staticmethod(lambda *a, **k: (rec.texts.pop(0), True) if rec.texts else ("", False)),
    )
    return rec


@pytest.fixture
def gui_project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "gui.annproj")


@pytest.fixture
def window(qtbot: Any, gui_project: Path) -> Iterator[Any]:
    win = open_test_window(qtbot, gui_project)
    yield win
    if win.isVisible():
        win.close()


@pytest.fixture
def any_window(qtbot: Any, gui_project: Path, engine_name: str) -> Iterator[Any]:
    """The test project's window on each engine in turn: the file, then a copy of it on the
    PostgreSQL test server opened as the server's own role (whose layer is edited)."""
    if engine_name == "sqlite":
        win = open_test_window(qtbot, gui_project)
        yield win
        if win.isVisible():
            win.close()
        return
    from pg_server import fresh_database

    from annotator.transfer.copying import copy_project
    from app.launcher import open_server_window

    with fresh_database() as url:
        copy_project(gui_project, url)
        win = open_server_window(url)
        assert win is not None
        try:
            win.resize(1300, 800)
            qtbot.waitUntil(lambda: win.context.doc_state.content is not None, timeout=10000)
            qtbot.waitUntil(lambda: not win.context.runner.busy, timeout=10000)
            yield win
        finally:
            if win.isVisible():
                win.close()
            win.context.project.close()
