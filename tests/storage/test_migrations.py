"""Migrations: upgrade from empty, models and migrations agree, refusals leave files untouched."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from annotator.errors import ProjectError, ProjectLocked, SchemaTooNew
from annotator.project import Project
from storage.db import Database, head_revision, make_engine, upgrade
from storage.models import Base


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_upgrade_from_empty_database_creates_every_table(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'e.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        tables = {
            r[0] for r in conn.exec_driver_sql("SELECT name FROM sqlite_master WHERE type='table'")
        }
    assert set(Base.metadata.tables) <= tables
    engine.dispose()


def test_autogenerate_finds_no_difference(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'e.db'}")
    upgrade(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == []


def test_project_is_wal_with_foreign_keys(project: Project) -> None:
    with project.db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000


def test_reopen_project_keeps_scheme(project_path: Path) -> None:
    Project.create(project_path).close()
    with Project.open(project_path) as proj:
        assert proj.scheme.label_names[0] == "ACTOR"


def test_open_directory_fails(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="is a directory"):
        Project.open(tmp_path)


def test_open_text_file_fails_and_leaves_it(tmp_path: Path) -> None:
    path = tmp_path / "notes.annproj"
    path.write_text("just some notes\n")
    before = _digest(path)
    with pytest.raises(ProjectError, match="not a SQLite file"):
        Project.open(path)
    assert _digest(path) == before


def test_open_foreign_sqlite_fails_and_leaves_it(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = _digest(path)
    with pytest.raises(ProjectError, match="not a News Annotator project"):
        Project.open(path)
    assert _digest(path) == before
    assert not Path(f"{path}-wal").exists()


def test_newer_schema_is_refused_untouched(project_path: Path) -> None:
    Project.create(project_path).close()
    con = sqlite3.connect(project_path)
    con.execute("UPDATE alembic_version SET version_num='9999_future'")
    con.commit()
    con.close()
    before = _digest(project_path)
    with pytest.raises(SchemaTooNew, match="newer version"):
        Project.open(project_path)
    assert _digest(project_path) == before


def test_missing_file_is_not_created(tmp_path: Path) -> None:
    path = tmp_path / "nope.annproj"
    with pytest.raises(ProjectError, match="no such project file"):
        Project.open(path)
    assert not path.exists()


def test_create_refuses_existing_file(project_path: Path) -> None:
    Project.create(project_path).close()
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(project_path)


def test_locked_project_gives_clear_error(
    project_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.db as db_module

    Project.create(project_path).close()
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(project_path, timeout=0.2)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(ProjectLocked, match="locked"):
            with Project.open(project_path) as proj, proj.session() as s:
                from storage.repository import annotators_assignments as ann_repo

                ann_repo.ensure_annotator(s, "someone")
    finally:
        holder.rollback()
        holder.close()
    with Project.open(project_path) as proj, proj.session() as s:
        from storage.repository import annotators_assignments as ann_repo

        assert "someone" not in {a.name for a in ann_repo.list_annotators(s)}


def test_head_revision_matches_database(project: Project) -> None:
    from storage.db import current_revision

    assert current_revision(project.db.engine) == head_revision()
    assert isinstance(project.db, Database)


FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("dump", sorted(FIXTURES.glob("schema_*.sql")), ids=lambda p: p.stem)
def test_upgrade_from_each_released_schema(dump: Path, tmp_path: Path) -> None:
    """Every released schema version, kept as an SQL dump, opens (migrating to head) with its
    data intact."""
    path = tmp_path / "old.annproj"
    con = sqlite3.connect(path)
    con.executescript(dump.read_text("utf-8"))
    con.close()
    with Project.open(path) as proj:
        from storage.db import current_revision
        from storage.repository import documents as doc_repo
        from storage.repository import registry as registry_repo
        from storage.repository import spans as span_repo

        assert current_revision(proj.db.engine) == head_revision()
        with proj.session() as s:
            assert doc_repo.count_documents(s) == 5
            counts = span_repo.span_counts(s)
            assert counts["alice"]["ACTOR"] > 0 and "gold" in counts
            assert registry_repo.list_entities(s)


def test_fast_revision_reading_agrees_with_alembic() -> None:
    from alembic.script import ScriptDirectory

    from storage.db import alembic_config, known_revisions

    scripts = ScriptDirectory.from_config(alembic_config())
    assert head_revision() == scripts.get_current_head()
    assert known_revisions() == {r.revision for r in scripts.walk_revisions()}


def test_damaged_scheme_is_reported(project_path: Path) -> None:
    Project.create(project_path).close()
    con = sqlite3.connect(project_path)
    con.execute("UPDATE project_meta SET value='{not json' WHERE key='scheme'")
    con.commit()
    con.close()
    with pytest.raises(ProjectError, match="scheme is damaged"):
        Project.open(project_path)


def test_migrations_on_postgresql_match_the_models() -> None:
    """The same Alembic versions build the schema on a server, and autogenerate finds no
    difference there either."""
    from pg_server import fresh_database

    with fresh_database() as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            with engine.connect() as conn:
                assert MigrationContext.configure(conn).get_current_revision() == head_revision()
                diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        finally:
            engine.dispose()
    assert diff == []
