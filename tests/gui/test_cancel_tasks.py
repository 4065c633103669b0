"""The task runner speaks the one cancellation protocol: TaskState is an annotator Progress whose
check() raises the catalogue's Cancelled; the window reports a cancelled export, and shows
errors with their code."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import Cancelled, ImportFailed
from app.dialogs.common import show_error
from app.tasks import TaskRunner, TaskState

pytestmark = pytest.mark.gui


def _block(runner: TaskRunner) -> threading.Event:
    """Occupy the single worker until the returned event is set."""
    release = threading.Event()
    runner.run(lambda state: release.wait(10), lambda _r: None, title="blocker")
    return release


def test_cancelled_task_delivers_cancelled(qtbot: Any) -> None:
    runner = TaskRunner()
    errors: list[Exception] = []
    reports: list[tuple[int, int]] = []
    runner.progress.connect(lambda _id, done, total: reports.append((done, total)))

    release = _block(runner)  # the work starts once ``handle`` exists

    def work(state: TaskState) -> None:
        for i in range(1000):
            state.report(i, 1000)
            state.check()
            if i == 2:
                handle.cancel()  # as if the user pressed Cancel now

    handle = runner.run(work, lambda _r: None, errors.append)
    release.set()
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    runner.shutdown()
    assert len(errors) == 1 and isinstance(errors[0], Cancelled)
    assert reports == [(0, 1000), (1, 1000), (2, 1000), (3, 1000)]  # stopped at the next check


def test_export_cancelled_from_the_window_writes_nothing(
    qtbot: Any, window: Any, tmp_path: Path
) -> None:
    ops = window.operations
    release = _block(window.context.runner)
    out = tmp_path / "cancelled.jsonl"
    assert ops.export(out, "jsonl", "gold") is not None
    ops.cancel()  # before the export starts: its first check() stops it
    release.set()
    qtbot.waitUntil(lambda: not ops.busy, timeout=10000)
    assert "cancelled" in window.statusBar().currentMessage()
    assert not out.exists() and not list(tmp_path.glob(".cancelled*"))


def test_error_dialogs_show_the_code(dialogs: Any) -> None:
    show_error(None, "Import failed", ImportFailed("bad line", path="a.jsonl", line=3))
    show_error(None, "Oops", RuntimeError("boom"))
    assert dialogs.shown[-2][2] == "[E120] a.jsonl:3: bad line"
    assert dialogs.shown[-1][2] == "[E999] unexpected RuntimeError: boom"
