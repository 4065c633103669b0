"""``annotator stats`` reads a current project file with ``sqlite3`` alone (``storage.peek``)
and prints exactly what the full path (``Project.open`` and the repository) prints; anything
else (a foreign object, an old revision, a damaged scheme, a server) goes the full way."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.cli import light
from annotator.project import Project
from storage.db import expected_schema
from storage.peek import KNOWN_OBJECTS, peek_counts
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import suggestions as sugg_repo
from tests.unit.formats.test_export_golden import build_project


@pytest.fixture(scope="module")
def busy_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four layers with spans, relations and actors, suggestions in two states, assignments
    with time spent in two statuses."""
    path = tmp_path_factory.mktemp("stats") / "p.annproj"
    proj = build_project(path)
    try:
        with proj.session(write=True) as s:
            docs = [d.id for d in doc_repo.get_documents(s)][:3]
            ids = sugg_repo.insert_suggestions(
                s,
                [
                    {"document_id": d, "start": 0, "end": 4, "label": lab, "model": "m"}
                    for d in docs
                    for lab in ("ACTOR", "PLACE")
                ],
            )
            sugg_repo.set_suggestion_state(s, ids[:2], "accepted")
            alice = ann_repo.ensure_annotator(s, "alice")
            ann_repo.set_assignment(s, docs[0], alice, "done", 12.5)
            ann_repo.set_assignment(s, docs[1], alice, "in_progress", 3.25)
            ann_repo.set_assignment(s, docs[2], ann_repo.ensure_annotator(s, "dee"), "todo")
    finally:
        proj.close()
    return path


def _printed(project: Path, as_json: bool, capsys: pytest.CaptureFixture[str]) -> str:
    assert light.run_stats(str(project), as_json=as_json) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("as_json", [False, True], ids=["table", "json"])
def test_quick_stats_print_what_the_full_path_prints(
    busy_project: Path,
    as_json: bool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert peek_counts(busy_project) is not None  # the quick path answers for this file
    quick = _printed(busy_project, as_json, capsys)
    monkeypatch.setattr(light, "_quick_stats", lambda _project: None)
    full = _printed(busy_project, as_json, capsys)
    assert quick == full
    if as_json:
        data = json.loads(quick)
        assert data["suggestions"] == {"accepted": 2, "pending": 4}
        assert data["status"]["alice"] == {"done": 5, "in_progress": 1}  # 6 imported, 1 reopened
        assert data["seconds_spent"]["alice"] == 15.75
        assert set(data["spans"]) == {"gold", "alice", "bob", "cy"} and data["relations"]["gold"]


def test_the_known_objects_are_those_the_models_and_migrations_create() -> None:
    assert KNOWN_OBJECTS == expected_schema()


def _copy(src: Path, dest: Path) -> Path:
    with sqlite3.connect(src) as a, sqlite3.connect(dest) as b:
        a.backup(b)
    return dest


def test_a_foreign_object_an_old_revision_or_a_damaged_scheme_go_the_full_way(
    busy_project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    view = _copy(busy_project, tmp_path / "view.annproj")
    with sqlite3.connect(view) as con:
        con.execute("CREATE VIEW sneaky AS SELECT 1")
    assert peek_counts(view) is None
    assert light.run_stats(str(view), as_json=True) == 1
    assert "did not create" in capsys.readouterr().err

    old = _copy(busy_project, tmp_path / "old.annproj")
    with sqlite3.connect(old) as con:
        con.execute("UPDATE alembic_version SET version_num = 'f00'")
    assert peek_counts(old) is None
    assert light.run_stats(str(old), as_json=True) == 1
    assert "newer version" in capsys.readouterr().err

    damaged = _copy(busy_project, tmp_path / "damaged.annproj")
    with sqlite3.connect(damaged) as con:
        con.execute("UPDATE project_meta SET value = '{\"labels\": 3}' WHERE key = 'scheme'")
    assert peek_counts(damaged) is not None  # the counts read, but the scheme does not
    assert light._quick_stats(damaged) is None
    assert light.run_stats(str(damaged), as_json=True) == 1
    assert "scheme is damaged" in capsys.readouterr().err

    assert light._quick_stats("postgresql+psycopg://nobody@localhost/none") is None
    assert peek_counts(tmp_path / "missing.annproj") is None
    (tmp_path / "text.annproj").write_text("not a database")
    assert peek_counts(tmp_path / "text.annproj") is None


def test_quick_stats_leave_the_file_as_it_was(busy_project: Path, tmp_path: Path) -> None:
    copy = _copy(busy_project, tmp_path / "copy.annproj")
    before = copy.read_bytes()
    assert light._quick_stats(copy) is not None
    assert copy.read_bytes() == before
    with Project.open(copy) as proj:  # and it still opens as ever
        assert proj.scheme.name == "news"
