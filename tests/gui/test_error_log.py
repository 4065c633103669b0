"""Errors shown in the window's dialogs, and failed background tasks, reach the log file."""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.gui


def test_an_error_shown_in_a_dialog_lands_in_the_log_file(log_file: Path, dialogs) -> None:
    from app.dialogs.common import show_error

    try:
        _open_the_file()
    except OSError as exc:
        show_error(None, "Could not open the project", exc)
    shown = "[E999] unexpected OSError: disk on fire"
    assert dialogs.shown == [("warning", "Could not open the project", shown)]
    text = log_file.read_text("utf-8")
    assert f"shown to the user: Could not open the project: {shown}" in text
    assert "Traceback (most recent call last)" in text and "_open_the_file" in text


def test_a_failed_task_is_logged_once_with_its_traceback(qtbot, log_file: Path, dialogs) -> None:
    from app.dialogs.common import show_error
    from app.tasks import TaskRunner

    runner = TaskRunner()
    try:
        with qtbot.waitSignal(runner.finished, timeout=10_000):
            runner.run(
                lambda _state: _open_the_file(),
                lambda _result: None,
                lambda exc: show_error(None, "Import failed", exc),
                title="Importing",
            )
    finally:
        runner.shutdown()
    message = "[E999] unexpected OSError: disk on fire"
    assert dialogs.shown == [("warning", "Import failed", message)]
    text = log_file.read_text("utf-8")
    assert "(Importing) failed" in text and "_open_the_file" in text
    assert text.count("Traceback (most recent call last)") == 1
    shown = "shown to the user: Import failed: [E999] unexpected OSError: disk on fire"
    assert f"{shown} (traceback logged above)" in text


def _open_the_file() -> None:
    raise OSError("disk on fire")


def test_a_missing_project_is_advised_in_the_app_s_words(tmp_path: Path, dialogs) -> None:
    """The app says File → New project, not the command line's 'annotator init'."""
    from app.launcher import open_window

    missing = tmp_path / "nope.annproj"
    assert open_window(missing, defer_database=False) is None
    [(kind, title, text)] = dialogs.shown
    assert kind == "warning" and text.startswith("[E117] ")
    assert text.endswith("no such project file (File → New project… creates one)")
    assert "annotator init" not in text and not missing.exists()
