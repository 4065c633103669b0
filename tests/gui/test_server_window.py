"""The app on a project at a PostgreSQL URL, opened as a granted role (its layer)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import admin_execute, fresh_database, require_postgres
from sqlalchemy.engine import make_url

from annotator.demo import build_team_demo_project
from annotator.errors import ServerUnavailable
from annotator.project import Project
from annotator.services import add_span
from annotator.team.access import grant_access
from annotator.transfer.copying import copy_project
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo


def test_server_project_opens_as_the_connected_role(qtbot, tmp_path: Path, dialogs) -> None:
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

            # her edits and their undo pass the server's row-level security (her own layer,
            # events in her own name) and are not reported back to her as others' changes
            from app.editing.undo_commands import AddSpanCommand, push

            ctx = window.context
            push(ctx, AddSpanCommand(ctx, ctx.doc_state.doc_id, 0, 3, "PLACE"))
            ctx.undo_stack.undo()
            ctx.undo_stack.redo()
            assert dialogs.shown == []  # no step failed
            with Project.open(url) as owner, owner.session() as s:
                mine = span_repo.spans_of(s, document_id=ctx.doc_state.doc_id, annotator="alice")
                assert [(sp.start, sp.end) for sp in mine].count((0, 3)) == 1

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


@pytest.fixture
def password_role(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, str]]:
    """(URL as a role the test server asks a password of, that password). No PGPASSWORD and
    no .pgpass reach the program unless a test sets them."""
    monkeypatch.delenv("PGPASSWORD", raising=False)
    monkeypatch.setenv("PGPASSFILE", str(tmp_path / "no.pgpass"))
    admin = require_postgres()
    role = f"pat_{uuid.uuid4().hex[:8]}"
    password = f"pw-{uuid.uuid4().hex}"
    admin_execute(
        admin,
        "DO $$ BEGIN CREATE ROLE na_password_login NOLOGIN; "
        "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
        f"CREATE ROLE {role} LOGIN PASSWORD '{password}' IN ROLE na_password_login",
    )
    try:
        with fresh_database() as url:
            Project.create(url).close()
            with Project.open(url) as owner:
                grant_access(owner, role, "annotator")
            as_role = make_url(url).set(username=role).render_as_string(hide_password=False)
            try:
                Project.open(as_role).close()
            except ServerUnavailable:
                pass
            else:
                pytest.skip(
                    "the test server lets this role in without a password "
                    "(scripts/pg_test_cluster.sh sets up na_password_login)"
                )
            yield as_role, password
    finally:
        admin_execute(admin, f"DROP ROLE IF EXISTS {role}")


def _stored_text(tmp_path: Path) -> str:
    """Everything the program wrote under the test's user folders (settings, window.ini)."""
    return "\n".join(
        p.read_text("utf-8", errors="replace")
        for p in tmp_path.rglob("*")
        if p.is_file() and p.suffix in {"", ".ini", ".toml", ".json", ".conf", ".txt"}
    )


def test_open_server_project_asks_the_password_and_never_stores_it(
    qtbot, tmp_path: Path, dialogs, password_role: tuple[str, str]
) -> None:
    from gui_helpers import make_project, open_test_window

    from app.launcher import _windows

    url, password = password_role
    window = open_test_window(qtbot, make_project(tmp_path / "local.annproj"))
    window.open_server_dialog()  # cancelled at the URL: nothing happens
    assert window.isVisible() and dialogs.shown == []

    dialogs.texts += [url, "wrong password"]  # the URL, then a wrong password: one line
    window.open_server_dialog()
    [(kind, _title, text_)] = dialogs.shown
    assert kind == "warning" and text_.startswith("[E115]") and "\n" not in text_
    assert "password" in text_ and window.isVisible()
    dialogs.shown.clear()

    dialogs.texts += [url, password]  # the server asks for it: the prompt answers
    window.open_server_dialog()
    opened = [w for w in _windows if w is not window and w.isVisible()]
    try:
        assert len(opened) == 1 and not window.isVisible() and dialogs.shown == []
        server = opened[0]
        assert server.context.user == make_url(url).username  # the role's own layer
        assert password not in server.windowTitle()
        assert password not in server.context.project.location
        qtbot.waitUntil(lambda: not server.context.runner.busy, timeout=10000)
    finally:
        for w in opened:
            w.close()
            w.context.project.close()
    from annotator.settings import Settings

    settings = Settings.load()
    assert password not in repr(vars(settings))
    assert url not in settings.recent_projects
    assert password not in _stored_text(tmp_path)


def test_open_server_project_takes_the_password_from_pgpass(
    qtbot, tmp_path: Path, dialogs, password_role: tuple[str, str], monkeypatch
) -> None:
    from app.launcher import open_server_window

    url, password = password_role
    pgpass = tmp_path / "pgpass"
    pgpass.write_text(f"*:*:*:{make_url(url).username}:{password}\n", "utf-8")
    pgpass.chmod(0o600)
    monkeypatch.setenv("PGPASSFILE", str(pgpass))
    window = open_server_window(url)  # no prompt: an unanswered one would cancel the open
    assert window is not None
    try:
        assert dialogs.shown == [] and window.context.project.is_server
        qtbot.waitUntil(lambda: not window.context.runner.busy, timeout=10000)
    finally:
        window.close()
        window.context.project.close()
