"""Defect 3: planted triggers, views and tables in a project or work file never run; a runaway
query is cancelled with a clear error; ``check`` lists the foreign objects."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_helpers import file_hash
from typer.testing import CliRunner

from annotator.cli.main import app
from annotator.errors import DatabaseFailed, ForeignSchema, MergeRefused
from annotator.project import Project
from annotator.team.assignments import assign
from annotator.team.workfile import merge, package
from storage import db as storage_db

MakeProject = Callable[..., Project]

PLANTS = {
    "trigger": "CREATE TRIGGER wipe AFTER INSERT ON span BEGIN DELETE FROM event_log; END",
    "view": (
        "CREATE VIEW forever AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) "
        "SELECT x FROM c"
    ),
    "table": "CREATE TABLE payload (x TEXT)",
    "index": "CREATE INDEX ix_extra ON document (title)",
}


def _plant(path: Path, statement: str) -> None:
    con = sqlite3.connect(path)
    con.execute(statement)
    con.commit()
    con.close()


def test_a_fresh_project_has_no_foreign_objects(make_project: MakeProject) -> None:
    project = make_project(n_docs=1)
    with project.session() as s:
        assert storage_db.foreign_objects(s.connection()) == []


@pytest.mark.parametrize("kind", sorted(PLANTS))
def test_planted_object_refuses_open(make_project: MakeProject, kind: str) -> None:
    project = make_project(n_docs=1)
    project.close()
    _plant(project.path, PLANTS[kind])
    before = file_hash(project.path)
    with pytest.raises(ForeignSchema) as info:
        Project.open(project.path)
    msg = str(info.value)
    assert "\n" not in msg and str(project.path) in msg
    assert f"{kind} '" in msg
    assert file_hash(project.path) == before


def test_planted_trigger_in_a_work_file_refuses_merge(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project = make_project(n_docs=2)
    with project.session() as s:
        assign(s, ["alice"], per_doc=1, seed=0)
    work = tmp_path / "alice.annwork"
    package(project, "alice", work)
    _plant(work, "CREATE TRIGGER relabel AFTER UPDATE ON span BEGIN UPDATE span SET label='X'; END")
    with pytest.raises(MergeRefused, match="did not create"):
        merge(project, [work])


def test_check_reports_foreign_objects(make_project: MakeProject) -> None:
    project = make_project(n_docs=1)
    project.close()
    _plant(project.path, PLANTS["trigger"])
    _plant(project.path, PLANTS["view"])
    result = CliRunner().invoke(app, ["check", str(project.path)])
    assert result.exit_code == 1
    assert "trigger wipe: not created by News Annotator" in result.output
    assert "view forever: not created by News Annotator" in result.output
    assert "2 errors" in result.output


def test_runaway_query_is_cancelled(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "QUERY_TIME_LIMIT_S", 0.3)
    project = make_project(n_docs=1)
    forever = "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c"
    with pytest.raises(DatabaseFailed, match="ran longer than 0.3 s and was cancelled"):
        with project.session() as s:
            s.connection().exec_driver_sql(forever).fetchall()
    # the connection is usable again afterwards
    with project.session() as s:
        assert s.connection().exec_driver_sql("SELECT 1").scalar() == 1


def test_defences_are_on(make_project: MakeProject) -> None:
    project = make_project(n_docs=0)
    with project.session() as s:
        raw = s.connection().connection.driver_connection
        assert raw.execute("PRAGMA trusted_schema").fetchone()[0] == 0
        if hasattr(raw, "getconfig") and hasattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE"):
            assert raw.getconfig(sqlite3.SQLITE_DBCONFIG_DEFENSIVE)


def test_quick_look_gives_up_on_a_never_ending_view(make_project: MakeProject) -> None:
    from storage.peek import peek_meta

    project = make_project(n_docs=0)
    project.close()
    con = sqlite3.connect(project.path)
    con.executescript(
        "ALTER TABLE project_meta RENAME TO real_meta;"
        "CREATE VIEW project_meta AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL "
        "SELECT x + 1 FROM c) SELECT 'scheme' AS key, x AS value FROM c WHERE x < 0;"
    )
    con.close()
    assert peek_meta(project.path, ["scheme"]) is None  # gave up, did not hang
    with pytest.raises(ForeignSchema, match="view 'project_meta'"):
        Project.open(project.path)


def test_statement_limit_counts_from_each_statement_not_from_connecting(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    monkeypatch.setattr(storage_db, "QUERY_TIME_LIMIT_S", 0.3)
    project = make_project(n_docs=1)
    with project.session() as s:
        s.connection().exec_driver_sql("SELECT 1")
    time.sleep(0.5)  # longer than the limit, idle
    counted = project.db.pragma(  # a raw statement later still runs (many VM steps, quick)
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100000) "
        "SELECT count(*) FROM c"
    )
    assert counted == [(100000,)]
    with project.session() as s:
        assert s.connection().exec_driver_sql("SELECT count(*) FROM document").scalar() == 1
