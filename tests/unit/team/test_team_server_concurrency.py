"""Several people on one server project: parallel edits in their own layers all land, a lost
transaction is retried, a dropped connection is recovered or reported in one line."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from pg_server import admin_execute, fresh_database, require_postgres
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from annotator.demo import build_team_demo_project
from annotator.errors import ServerUnavailable
from annotator.project import Project
from annotator.services import add_span
from annotator.transfer.copying import copy_project
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import spans as span_repo


@pytest.fixture
def server_project(tmp_path: Path) -> Iterator[str]:
    path = tmp_path / "team.annproj"
    build_team_demo_project(path, n_docs=4).close()
    with fresh_database() as url:
        copy_project(path, url)
        yield url


def _terminate_others(url: str) -> None:
    from sqlalchemy.engine import make_url

    name = make_url(url).database
    admin_execute(
        require_postgres(),
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
        f"WHERE datname = '{name}' AND pid <> pg_backend_pid()",
    )


def test_parallel_annotators_lose_no_edit(server_project: str) -> None:
    names = [f"worker{i}" for i in range(4)]
    per_worker = 15
    errors: list[BaseException] = []
    with Project.open(server_project) as probe, probe.session() as s:
        doc_id = min(doc_repo.external_ids(s).values())
        length = len(doc_repo.get_document(s, doc_id).text)  # type: ignore[union-attr]
        first_event = max([e.id for e in event_repo.events(s)], default=0)

    def work(name: str) -> None:
        try:
            with Project.open(server_project) as proj:
                for k in range(per_worker):
                    start = (k * 3) % (length - 2)
                    proj.transact(
                        lambda s, a=start: add_span(
                            s, proj.scheme, doc_id, name, a, a + 2, "PLACE", user=name
                        )
                    )
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with Project.open(server_project) as proj, proj.session() as s:
        for name in names:
            assert len(span_repo.spans_of(s, annotator=name)) == per_worker
        new = [e for e in event_repo.events(s) if e.id > first_event]
        assert sorted({e.actor for e in new}) == names and len(new) == per_worker * len(names)


def test_a_transaction_that_loses_a_race_is_run_again(server_project: str) -> None:
    other = create_engine(server_project)
    attempts: list[int] = []

    def action(s: Session) -> str:
        attempts.append(1)
        s.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        s.execute(text("SELECT value FROM project_meta WHERE key = 'app_version'")).scalar()
        if len(attempts) == 1:  # someone else changes the row after our snapshot
            with other.begin() as conn:
                conn.execute(
                    text("UPDATE project_meta SET value = 'theirs' WHERE key = 'app_version'")
                )
        s.execute(text("UPDATE project_meta SET value = 'ours' WHERE key = 'app_version'"))
        return "done"

    try:
        with Project.open(server_project) as proj:
            assert proj.transact(action) == "done"
            assert len(attempts) == 2
            with proj.session() as s:
                assert doc_repo.get_meta(s, "app_version") == "ours"
            attempts.clear()
            with pytest.raises(ServerUnavailable, match="at the same time"):
                proj.transact(action, attempts=1)  # no retry left: one line
    finally:
        other.dispose()


def test_a_dropped_connection_is_reopened_between_actions(server_project: str) -> None:
    with Project.open(server_project) as proj:
        with proj.session() as s:
            before = doc_repo.count_documents(s)
        _terminate_others(server_project)  # e.g. the server restarted over lunch
        with proj.session() as s:
            assert doc_repo.count_documents(s) == before


def test_a_connection_dropped_mid_action_is_one_line(server_project: str) -> None:
    with Project.open(server_project) as proj:
        with pytest.raises(ServerUnavailable, match="lost the connection") as info:
            with proj.session() as s:
                doc_repo.count_documents(s)
                _terminate_others(server_project)
                doc_repo.count_documents(s)
        assert "\n" not in info.value.render() and "[E115]" in info.value.render()
        with proj.session() as s:  # and the project goes on working
            assert doc_repo.count_documents(s) > 0


def test_a_watch_sees_what_others_changed_and_not_its_own(server_project: str) -> None:
    from annotator.changes import ChangeWatch

    with Project.open(server_project) as mine, Project.open(server_project) as theirs:
        with mine.session() as s:
            watch = ChangeWatch("alice")
            watch.start(s)
            d1, d2 = sorted(doc_repo.external_ids(s).values())[:2]
            assert not watch.poll(s)
        with mine.session() as s:
            add_span(s, mine.scheme, d1, "alice", 0, 4, "PLACE", user="alice")
        with theirs.session() as s:
            add_span(s, theirs.scheme, d2, "bob", 0, 4, "PLACE", user="bob")
        with mine.session() as s:
            seen = watch.poll(s)
            assert seen.documents == {d2} and seen.actors == {"bob"} and seen
            assert not watch.poll(s)  # each change is reported once
