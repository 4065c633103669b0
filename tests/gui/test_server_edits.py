"""The app's edits on a server project: a transaction the server rolls back (a serialisation
failure, a connection terminated before the commit) is run again and the edit lands exactly
once; a failure that does not go away is one line in a dialog and nothing is acknowledged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_helpers import make_project
from pg_server import admin_execute, fresh_database, require_postgres
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from annotator import services
from annotator.errors import ServerUnavailable
from annotator.project import Project
from annotator.transfer.copying import copy_project
from annotator.vocabulary import EventAction
from storage.repository import events as event_repo
from storage.repository import spans as span_repo

CONFLICT = text(
    "DO $$ BEGIN RAISE EXCEPTION 'forced by the test' USING ERRCODE = 'serialization_failure'; "
    "END $$"
)


@pytest.fixture
def server_window(qtbot: Any, tmp_path: Path) -> Iterator[Any]:
    from app.launcher import open_server_window

    source = make_project(tmp_path / "local.annproj")
    with fresh_database() as url:
        copy_project(source, url)
        window = open_server_window(url)
        assert window is not None
        try:
            qtbot.waitUntil(lambda: window.context.doc_state.content is not None, timeout=10000)
            qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=10000)
            yield window
        finally:
            window.close()
            window.context.project.close()


def _terminate(session: Session) -> None:
    """End this session's server process from outside, as a server restart would."""
    pid = session.execute(text("SELECT pg_backend_pid()")).scalar()
    admin_execute(require_postgres(), f"SELECT pg_terminate_backend({int(pid)})")  # type: ignore[arg-type]


def _failing_first(
    monkeypatch: pytest.MonkeyPatch, name: str, fail: Callable[[Session], None], times: int = 1
) -> list[int]:
    """Make ``services.<name>`` do its work, then ``fail`` in the same transaction, the first
    ``times`` calls; returns the list of calls (one entry each)."""
    real = getattr(services, name)
    calls: list[int] = []

    def wrapper(session: Session, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        result = real(session, *args, **kwargs)
        if len(calls) <= times:
            fail(session)
            session.execute(text("SELECT 1"))  # the transaction must be broken by now
        return result

    monkeypatch.setattr(services, name, wrapper)
    return calls


def _spans_and_events(window: Any, start: int, end: int) -> tuple[int, int]:
    """How many spans of the window's layer sit at start..end, and how many add-span events."""
    ctx = window.context
    with Project.open(ctx.project.location) as proj, proj.session() as s:
        spans = [
            sp
            for sp in span_repo.spans_of(s, document_id=ctx.doc_state.doc_id, annotator=ctx.layer)
            if (sp.start, sp.end) == (start, end)
        ]
        targets = {f"span:{sp.id}" for sp in spans}
        adds = [
            e
            for e in event_repo.events(s)
            if e.action == EventAction.SPAN_ADD and e.target in targets
        ]
    return len(spans), len(adds)


def _add(window: Any, start: int, end: int) -> None:
    from app.editing.undo_commands import AddSpanCommand, push

    ctx = window.context
    push(ctx, AddSpanCommand(ctx, ctx.doc_state.doc_id, start, end, "PLACE"))


def test_a_serialisation_failure_is_retried_and_the_edit_lands_once(
    server_window: Any, monkeypatch: pytest.MonkeyPatch, dialogs: Any
) -> None:
    calls = _failing_first(monkeypatch, "add_span", lambda s: s.execute(CONFLICT))
    _add(server_window, 0, 7)
    assert len(calls) == 2  # rolled back once, run again
    assert _spans_and_events(server_window, 0, 7) == (1, 1)
    assert server_window.context.undo_stack.count() == 1 and dialogs.shown == []

    # the undo loses at the commit this time: run again, the span goes exactly once
    failed: list[int] = []

    def conflict_at_commit(session: Session) -> None:
        if not failed:
            failed.append(1)
            session.execute(CONFLICT)

    event.listen(Session, "before_commit", conflict_at_commit)
    try:
        server_window.context.undo_stack.undo()
    finally:
        event.remove(Session, "before_commit", conflict_at_commit)
    assert failed == [1] and dialogs.shown == []
    assert _spans_and_events(server_window, 0, 7)[0] == 0


def test_a_connection_terminated_mid_edit_is_retried_and_the_edit_lands_once(
    server_window: Any, monkeypatch: pytest.MonkeyPatch, dialogs: Any
) -> None:
    calls = _failing_first(monkeypatch, "add_span", _terminate)
    _add(server_window, 0, 7)
    assert len(calls) == 2
    assert _spans_and_events(server_window, 0, 7) == (1, 1)

    # the connection ends while the window is idle: the next edit opens a new one
    database = make_url(server_window.context.project.db.url).database
    admin_execute(
        require_postgres(),
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{database}' AND pid <> pg_backend_pid()",
    )
    _add(server_window, 8, 12)
    assert len(calls) == 3
    assert _spans_and_events(server_window, 8, 12) == (1, 1)
    assert server_window.context.undo_stack.count() == 2 and dialogs.shown == []


def test_a_failure_that_persists_is_one_line_in_a_dialog(
    server_window: Any, monkeypatch: pytest.MonkeyPatch, dialogs: Any
) -> None:
    calls = _failing_first(monkeypatch, "add_span", lambda s: s.execute(CONFLICT), times=99)
    with pytest.raises(ServerUnavailable):
        _add(server_window, 0, 7)
    assert len(calls) == 4  # every attempt lost
    [(kind, _title, message)] = dialogs.shown
    assert kind == "warning" and message.startswith("[E115]") and "\n" not in message
    assert "at the same time" in message and "Traceback" not in message
    assert _spans_and_events(server_window, 0, 7) == (0, 0)
    assert server_window.context.undo_stack.count() == 0  # nothing acknowledged


def test_a_connection_lost_at_the_commit_is_not_run_again(server_window: Any, dialogs: Any) -> None:
    """The server may or may not have kept a change whose commit got no answer: it is not
    written twice; the user is told it was not confirmed."""
    lost: list[int] = []

    def terminate_at_commit(session: Session) -> None:
        lost.append(1)
        _terminate(session)
        session.execute(text("SELECT 1"))

    event.listen(Session, "before_commit", terminate_at_commit)
    try:
        with pytest.raises(ServerUnavailable):
            _add(server_window, 0, 7)
    finally:
        event.remove(Session, "before_commit", terminate_at_commit)
    assert lost == [1]
    [(kind, _title, message)] = dialogs.shown
    assert message.startswith("[E115]") and "not confirmed" in message and "\n" not in message
    assert _spans_and_events(server_window, 0, 7) == (0, 0)  # terminated before the COMMIT
    assert server_window.context.undo_stack.count() == 0
