"""A project on a PostgreSQL server: the CLI end to end, ``annotator copy`` both ways, and
who may write what (row-level security), against the throw-away test cluster."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from pg_server import fresh_database, require_postgres, url_of_database
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from annotator.cli.main import app
from annotator.demo import build_team_demo_project
from annotator.errors import ChangeRefused, ProjectError, ServerUnavailable, UsageError
from annotator.project import Project
from annotator.services import add_span
from annotator.team.access import grant_access
from annotator.transfer.copying import copy_project
from annotator.transfer.exporting import export_documents
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo

LAYERS = ("alice", "bob", "carol", "majority")


def run(*args: object, ok: bool = True) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, f"{args}: {result.stdout}{result.stderr}"
    else:
        assert result.exit_code != 0, result.stdout
        assert "Traceback" not in result.stderr
    return result.stdout + result.stderr


def _exports(project: str | Path, out: Path) -> dict[str, str]:
    """Native JSONL export of every layer, as text."""
    out.mkdir()
    with Project.open(project) as proj:
        for layer in LAYERS:
            export_documents(proj, out / f"{layer}.jsonl", "jsonl", layer=layer)
    return {p.name: p.read_text("utf-8") for p in sorted(out.iterdir())}


def _as_role(url: str, role: str) -> str:
    return make_url(url).set(username=role).render_as_string(hide_password=False)


@pytest.fixture
def team_file(tmp_path: Path) -> Path:
    path = tmp_path / "team.annproj"
    build_team_demo_project(path).close()
    return path


def test_every_command_works_on_a_server_url(
    team_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("export", team_file, tmp_path / "alice.jsonl", "--layer", "alice")
    workdir = tmp_path / "cwd"
    workdir.mkdir()
    monkeypatch.chdir(workdir)  # nothing may be written beside a server project's "path"
    with fresh_database() as url:
        assert "created postgresql+psycopg://" in run("init", url)
        run("init", url, ok=False)  # the database has a project now: refused, one line
        run("import", url, tmp_path / "alice.jsonl", "--as", "alice")
        stats = json.loads(run("stats", url, "--json"))
        assert stats["documents"] > 0 and stats["spans"]["alice"]
        assert run("check", url).strip().endswith("0 errors, 0 warnings")
        run("assign", url, "--annotators", "alice,bob", "--per-doc", "2", "--seed", "1")
        run("queue", url, "--json")
        run("export", url, tmp_path / "again.jsonl", "--layer", "alice")
        original = (tmp_path / "alice.jsonl").read_text("utf-8").splitlines()
        again = (tmp_path / "again.jsonl").read_text("utf-8").splitlines()
        assert [json.loads(x)["spans"] for x in again] == [json.loads(x)["spans"] for x in original]
        run("agreement", url, "--json")
        run("preannotate", url)
        assert sum(json.loads(run("stats", url, "--json"))["suggestions"].values()) > 0
        run("package", url, "--for", "alice", tmp_path / "alice.annwork")
        assert "alice" in run("merge", url, tmp_path / "alice.annwork")
        # two annotators' layers: the majority export computes agreement (token boundaries)
        run("export", team_file, tmp_path / "bob.jsonl", "--layer", "bob")
        run("import", url, tmp_path / "bob.jsonl", "--as", "bob")
        run("export", url, tmp_path / "majority.jsonl", "--layer", "majority")
    assert list(workdir.iterdir()) == []  # e.g. no token file named after the database


def test_copy_file_to_server_and_back_is_lossless(team_file: Path, tmp_path: Path) -> None:
    from team_helpers import table_dump

    with fresh_database() as url:
        report = copy_project(team_file, url)
        assert report.rows["span"] > 0 and report.rows["event_log"] > 0
        back = tmp_path / "back.annproj"
        copy_project(url, back)
        assert _exports(team_file, tmp_path / "file") == _exports(url, tmp_path / "server")
        assert table_dump(back) == table_dump(team_file)
        with Project.open(url) as proj, proj.session() as s:  # the ids go on after the copy
            ann = ann_repo.ensure_annotator(s, "dave")
            assert ann > max(a.id for a in ann_repo.list_annotators(s) if a.name != "dave")
        assert "0 errors" in run("check", url)


def test_copy_refuses_a_database_that_holds_a_project(team_file: Path) -> None:
    with fresh_database() as url:
        Project.create(url).close()
        with pytest.raises(ProjectError, match="already has tables"):
            copy_project(team_file, url)
        run("copy", team_file, url, ok=False)


def test_unreachable_server_is_one_line() -> None:
    admin = require_postgres()
    out = run("stats", url_of_database(admin, "no_such_database_here"), ok=False)
    assert "[E115]" in out and "does not exist" in out and len(out.strip().splitlines()) == 1
    with pytest.raises(ServerUnavailable):
        Project.open(url_of_database(admin, "no_such_database_here"))


def test_grant_needs_a_server_project(tmp_path: Path) -> None:
    with Project.create(tmp_path / "f.annproj") as proj, pytest.raises(UsageError):
        grant_access(proj, "alice", "annotator")


def _add(project: Project, doc_id: int, layer: str, text_: str, word: str, user: str = "") -> None:
    start = text_.index(word)
    with project.session() as s:
        add_span(
            s, project.scheme, doc_id, layer, start, start + len(word), "PLACE", user=user or layer
        )


@contextmanager
def team_server(team_file: Path) -> Iterator[str]:
    """The team project copied to a fresh server database, with alice (annotator), rita
    (reviewer) and lena (lead) granted; yields the owner's URL."""
    with fresh_database() as url:
        copy_project(team_file, url)
        with Project.open(url) as owner:
            for role, kind in (("alice", "annotator"), ("rita", "reviewer"), ("lena", "lead")):
                grant_access(owner, role, kind)
        yield url


def test_each_role_writes_only_what_it_may_even_with_raw_sql(team_file: Path) -> None:
    """alice (annotator) writes her layer only; rita (reviewer) writes gold; raw SQL as alice
    cannot touch bob's spans or gold, nor fake her identity with a temporary table."""
    with team_server(team_file) as url:
        with Project.open(url) as owner, owner.session() as s:
            gold = ann_repo.ensure_annotator(s, "gold")
            doc_id = min(doc_repo.external_ids(s).values())
            doc_text = doc_repo.get_document(s, doc_id)
            assert doc_text is not None
            bob_span = span_repo.spans_of(s, annotator="bob")[0]
            s.execute(
                text(
                    'INSERT INTO span (document_id, annotator_id, start, "end", label, '
                    "attrs, origin, created_at, updated_at) VALUES "
                    "(:d, :a, 0, 5, 'PLACE', '{}', 'manual', now(), now())"
                ),
                {"d": doc_id, "a": gold},
            )

        # alice through the services: her own layer works, gold is refused in one line
        with Project.open(_as_role(url, "alice")) as alice:
            assert not alice.db.url.startswith(url)  # connected as alice, not the owner
            _add(alice, doc_id, "alice", doc_text.text, "Police")
            with pytest.raises(ChangeRefused, match="refused"):
                _add(alice, doc_id, "gold", doc_text.text, "Police")

        engine = create_engine(_as_role(url, "alice"))
        try:
            for sql in (
                f"UPDATE span SET label = 'TIME' WHERE id = {bob_span.id}",
                "UPDATE span SET label = 'TIME' WHERE annotator_id = "
                "(SELECT id FROM annotator WHERE name = 'gold')",
                f"DELETE FROM span WHERE id = {bob_span.id}",
                "DELETE FROM span WHERE annotator_id <> "
                "(SELECT id FROM annotator WHERE name = 'alice')",
            ):
                with engine.begin() as conn:
                    assert conn.execute(text(sql)).rowcount == 0, sql  # invisible to writes
            for sql in (
                f'INSERT INTO span (document_id, annotator_id, start, "end", label, attrs, '
                f"origin, created_at, updated_at) SELECT {doc_id}, id, 0, 5, 'PLACE', '{{}}', "
                "'manual', now(), now() FROM annotator WHERE name = 'bob'",
                "UPDATE span SET annotator_id = (SELECT id FROM annotator WHERE name = 'bob') "
                "WHERE annotator_id = (SELECT id FROM annotator WHERE name = 'alice')",
                "UPDATE project_meta SET value = '' WHERE key = 'scheme'",
                "DELETE FROM document",
                "UPDATE annotator SET name = 'alice' WHERE name = 'bob'",
                "CREATE TEMP TABLE annotator (id int, name text)",
            ):
                with pytest.raises(DBAPIError) as info, engine.begin() as conn:
                    conn.execute(text(sql))
                assert getattr(info.value.orig, "sqlstate", "") == "42501", sql
        finally:
            engine.dispose()

        # rita (reviewer) may write gold; lena (lead) may write anyone's layer
        with Project.open(_as_role(url, "rita")) as rita:
            _add(rita, doc_id, "gold", doc_text.text, "Police", user="rita")
            with pytest.raises(ChangeRefused, match="in the name of the role"):
                _add(rita, doc_id, "gold", doc_text.text, "Police", user="gold")
        with Project.open(_as_role(url, "rita")) as rita, rita.session() as s:
            changed = s.execute(text(f"UPDATE span SET label = 'TIME' WHERE id = {bob_span.id}"))
            assert changed.rowcount == 0  # bob's layer is not hers
        with Project.open(_as_role(url, "lena")) as lena, lena.session() as s:
            changed = s.execute(text(f"UPDATE span SET label = 'TIME' WHERE id = {bob_span.id}"))
            assert changed.rowcount == 1

        with Project.open(url) as owner, owner.session() as s:
            bob_now = span_repo.get_span(s, bob_span.id)
            assert bob_now is not None and bob_now.label == "TIME"  # only lena's change
            layers = {sp.annotator for sp in span_repo.spans_of(s, document_id=doc_id)}
            assert {"alice", "gold"} <= layers


def _refused(engine: Any, sql: str) -> None:
    with pytest.raises(DBAPIError) as info, engine.begin() as conn:
        conn.execute(text(sql))
    assert getattr(info.value.orig, "sqlstate", "") == "42501", sql


def test_event_log_and_suggestions_are_restricted_by_role_even_with_raw_sql(
    team_file: Path,
) -> None:
    """The event log is append-only and written in one's own name (a lead may name anyone);
    suggestions are the lead's, annotators only change their state to a known one."""
    from annotator.services import accept_suggestions, add_suggestions, reject_suggestions
    from annotator.transfer.importing import import_documents
    from annotator.values import DocData, RelationData, SpanData

    with team_server(team_file) as url:
        with Project.open(url) as owner, owner.session() as s:
            doc_id = min(doc_repo.external_ids(s).values())
            spans = [SpanData(f"s{i}", i * 2, i * 2 + 1, "PLACE") for i in range(4)]
            add_suggestions(s, doc_id, spans, [RelationData("r", "located", "s0", "s1")], "m")
            sugg = [g.id for g in sugg_repo.suggestions_of(s, document_id=doc_id)]

        alice = create_engine(_as_role(url, "alice"))
        lena = create_engine(_as_role(url, "lena"))
        try:
            insert = (
                "INSERT INTO event_log (at, actor, action, target) "
                "VALUES (now(), '{who}', 'span_add', '')"
            )
            with alice.begin() as conn:
                conn.execute(text(insert.format(who="alice")))
            for sql in (
                insert.format(who="bob"),  # not in someone else's name
                "UPDATE event_log SET actor = 'alice'",  # nor rewrite the log
                "DELETE FROM event_log",
                f"UPDATE suggestion SET label = 'TIME' WHERE id = {sugg[0]}",  # only the state
                f"UPDATE suggestion SET state = 'whatever' WHERE id = {sugg[0]}",
                "UPDATE suggestion_relation SET label = 'x'",
                f'INSERT INTO suggestion (document_id, start, "end", label, attrs, model, '
                f"score, state, created_at) VALUES ({doc_id}, 0, 1, 'PLACE', '{{}}', 'm', 1, "
                "'pending', now())",
                "DELETE FROM suggestion",
                "DELETE FROM suggestion_relation",
            ):
                _refused(alice, sql)
            with alice.begin() as conn:
                changed = conn.execute(
                    text(f"UPDATE suggestion SET state = 'rejected' WHERE id = {sugg[0]}")
                )
                assert changed.rowcount == 1
                conn.execute(text(f"UPDATE suggestion SET state = 'pending' WHERE id = {sugg[0]}"))
            with lena.begin() as conn:  # a lead logs in anyone's name (a merged work file)
                conn.execute(text(insert.format(who="alice")))
            for sql in ("UPDATE event_log SET actor = 'lena'", "DELETE FROM event_log"):
                _refused(lena, sql)
            with lena.begin() as conn:
                assert conn.execute(text("DELETE FROM suggestion_relation")).rowcount == 1
        finally:
            alice.dispose()
            lena.dispose()

        # through the services: alice accepts and rejects as herself; not in bob's name
        with Project.open(_as_role(url, "alice")) as proj:
            proj.transact(lambda s: accept_suggestions(s, proj.scheme, [sugg[1]], "alice"))
            proj.transact(lambda s: reject_suggestions(s, [sugg[2]], "alice"))
            with pytest.raises(ChangeRefused, match="event_log"):
                proj.transact(lambda s: reject_suggestions(s, [sugg[3]], "bob"))
        # a lead connected as herself imports (more rows than the COPY threshold: the policies
        # apply to her, so the rows go in by INSERT) and pre-annotates
        long_text = "word " * 300
        doc = DocData(
            "lena-1",
            long_text,
            {"title": "t"},
            spans=tuple(SpanData(f"x{i}", i * 5, i * 5 + 4, "PLACE") for i in range(250)),
        )
        with Project.open(_as_role(url, "lena")) as proj:
            import_documents(proj, [doc], layer="lena")
            with proj.session() as s:
                new_doc = doc_repo.external_ids(s)["lena-1"]
                assert add_suggestions(s, new_doc, [SpanData("a", 0, 4, "PLACE")], [], "m") == 1
        with Project.open(url) as owner, owner.session() as s:
            states = {g.id: g.state for g in sugg_repo.suggestions_of(s, state=None)}
            assert states[sugg[0]] == "pending" and states[sugg[1]] == "accepted"
            assert states[sugg[2]] == "rejected" and states[sugg[3]] == "pending"
            assert len(span_repo.spans_of(s, annotator="lena")) == 250
            actors = [e.actor for e in event_repo.events(s)]
            assert "bob" not in actors[-10:] and actors.count("alice") >= 3
