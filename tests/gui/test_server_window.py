"""The app on a project at a PostgreSQL URL, opened as a granted role (its layer)."""

from __future__ import annotations

from pathlib import Path

from pg_server import fresh_database
from sqlalchemy.engine import make_url

from annotator.demo import build_team_demo_project
from annotator.project import Project
from annotator.services import add_span
from annotator.team.access import grant_access
from annotator.transfer.copying import copy_project
from storage.repository import documents as doc_repo


def test_server_project_opens_as_the_connected_role(qtbot, tmp_path: Path) -> None:
    from app.launcher import open_server_window

    source = tmp_path / "team.annproj"
    build_team_demo_project(source, n_docs=3).close()
    with fresh_database() as url:
        copy_project(source, url)
        with Project.open(url) as owner:
            grant_access(owner, "alice", "annotator")
        as_alice = make_url(url).set(username="alice").render_as_string(hide_password=False)
        window = open_server_window(as_alice)
        assert window is not None
        try:
            qtbot.waitUntil(lambda: window.context.doc_state.content is not None, timeout=10000)
            qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=10000)
            assert window.context.user == "alice"
            assert make_url(url).database in window.windowTitle()
            assert window.context.project.server_role == "alice"

            # bob edits the document alice is looking at: her next poll notices it
            doc_id = window.context.doc_state.doc_id
            with Project.open(url) as bob, bob.session() as s:
                text_ = doc_repo.get_document(s, doc_id).text
                add_span(s, bob.scheme, doc_id, "bob", 0, min(5, len(text_)), "PLACE", user="bob")
            watch = window.server_watch
            watch.poll()  # the query runs in the background; its answer comes back here
            qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=10000)
            assert watch.last.documents == {doc_id} and watch.last.actors == {"bob"}
            assert "changed by bob" in window.statusBar().currentMessage()
            qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=10000)
            watch.poll()
            qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=10000)
            assert not watch.last  # reported once
        finally:
            window.close()
            window.context.project.close()


def test_unreachable_server_project_is_one_error_dialog(dialogs) -> None:
    from app.launcher import open_server_window

    assert open_server_window("postgresql+psycopg://nobody@/nothing?host=/nonexistent") is None
    [(kind, _title, text)] = dialogs.shown
    assert kind == "warning" and text.startswith("[E115]") and "\n" not in text


def test_file_open_server_project_asks_the_url(qtbot, tmp_path: Path, dialogs) -> None:
    from gui_helpers import make_project, open_test_window

    from app.launcher import _windows

    with fresh_database() as url:  # skips before any window opens when there is no server
        Project.create(url).close()
        window = open_test_window(qtbot, make_project(tmp_path / "local.annproj"))
        dialogs.texts.append(url)
        window.open_server_dialog()
        opened = [w for w in _windows if w is not window and w.isVisible()]
        try:
            assert len(opened) == 1 and not window.isVisible()  # replaced by the server window
            assert opened[0].context.project.is_server
            assert dialogs.shown == []
        finally:
            for w in opened:
                w.close()
                w.context.project.close()
