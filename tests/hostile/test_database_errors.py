"""Defect 7: database errors are one line ("disk full", "read-only", "damaged", "busy"); a
read-only file or folder still allows stats, check and export, and opens read-only.

The tests run as whatever user runs the suite (often root, whom file modes do not stop), so
"not writable" is decided by ``storage.db.writable``, patched here; SQLite itself then enforces
read-only mode (``mode=ro``) whoever the user is."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_helpers import FILES, file_hash
from typer.testing import CliRunner

from annotator.cli.main import app
from annotator.errors import DatabaseFailed, ProjectError, ProjectLocked
from annotator.project import Project
from annotator.transfer.importing import import_paths
from storage import db as storage_db
from storage.repository import documents as doc_repo

MakeProject = Callable[..., Project]
SEED = FILES / "seed" / "news.native.jsonl"


def _read_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(storage_db, "writable", lambda path: False)


def test_read_only_file_opens_read_only_and_refuses_writes_in_one_line(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(n_docs=2)
    project.close()
    before = file_hash(project.path)
    _read_only(monkeypatch)
    with Project.open(project.path) as ro:
        assert ro.read_only
        with ro.session() as s:
            assert len(doc_repo.document_hashes(s)) == 2
        with pytest.raises(DatabaseFailed) as info:
            import_paths(ro, [SEED])
    message = info.value.one_line()
    assert message == f"{project.path}: is read-only: opened read-only; nothing was changed"
    assert file_hash(project.path) == before


@pytest.mark.parametrize("command", ["stats", "check", "export"])
def test_read_only_folder_still_allows_stats_check_export(
    make_project: MakeProject,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    command: str,
) -> None:
    project = make_project(n_docs=0)
    import_paths(project, [SEED])
    project.close()
    before = file_hash(project.path)
    _read_only(monkeypatch)
    args = [command, str(project.path)]
    if command == "export":
        args += [str(tmp_path / "out.jsonl"), "-f", "jsonl", "--layer", "alice"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    if command == "export":
        assert len((tmp_path / "out.jsonl").read_text("utf-8").splitlines()) == 3
    assert file_hash(project.path) == before


def test_disk_full_is_one_line(make_project: MakeProject) -> None:
    project = make_project(n_docs=1)
    with project.session() as s:
        pages = s.connection().exec_driver_sql("PRAGMA page_count").scalar()
        s.connection().exec_driver_sql(f"PRAGMA max_page_count={pages}")
    big = FILES / "csv_long_cell.csv"
    with pytest.raises(DatabaseFailed) as info:
        import_paths(project, [big], fmt="csv")
    assert info.value.one_line() == f"{project.path}: the disk is full; nothing was changed"


def test_damaged_project_is_one_line(make_project: MakeProject) -> None:
    project = make_project(n_docs=3)
    project.close()
    data = bytearray(project.path.read_bytes())
    data[4096 : 4096 * 3] = b"\xa5" * (4096 * 2)  # wreck two pages after the header
    project.path.write_bytes(bytes(data))
    for suffix in ("-wal", "-shm"):
        Path(f"{project.path}{suffix}").unlink(missing_ok=True)
    with pytest.raises(ProjectError) as info:
        with Project.open(project.path) as p, p.session() as s:
            doc_repo.get_documents(s)
    message = info.value.one_line()
    assert "\n" not in message and str(project.path) in message
    assert "damaged" in message or "not a readable project" in message


def test_busy_wait_ends_in_one_line(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_db, "BUSY_TIMEOUT_MS", 300)
    project = make_project(n_docs=0)
    holder = sqlite3.connect(project.path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with Project.open(project.path) as other, pytest.raises(ProjectLocked) as info:
            import_paths(other, [SEED])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    message = info.value.one_line()
    assert "\n" not in message
    assert "stayed busy" in message and "nothing was changed" in message


def test_cli_prints_translated_errors_not_sql(
    make_project: MakeProject, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project(n_docs=0)
    project.close()
    _read_only(monkeypatch)
    result = CliRunner().invoke(app, ["import", str(project.path), str(SEED)])
    assert result.exit_code != 0
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    expected = f"{project.path}: is read-only: opened read-only; nothing was changed"
    assert lines == [f"error: [E114] {expected}"]
    assert "sqlite3" not in result.output and "SQL" not in result.output


SPAN_ATTRS = ("UPDATE span SET attrs = 'not json' WHERE id = {span}", "span {span}", "attrs")
DOC_META = ("UPDATE document SET meta = '{{' WHERE id = {doc}", "document {doc}", "meta")
EXPORT = ["export", "{out}", "--format", "jsonl", "--layer", "seed"]


@pytest.mark.parametrize(
    ("sql", "where", "what", "command"),
    [
        (*SPAN_ATTRS, ["agreement"]),
        (*SPAN_ATTRS, EXPORT),
        (*SPAN_ATTRS, ["queue"]),
        (*DOC_META, EXPORT),
    ],
)
def test_a_value_that_is_not_json_is_one_line_and_check_lists_it(
    make_project: MakeProject, tmp_path: Path, sql: str, where: str, what: str, command: list[str]
) -> None:
    """A damaged or tampered file (a JSON column that is not JSON) was an E999 in every
    command, 'check' included. Now each says so in one line naming the file, and 'check'
    lists the values; nothing is written."""
    project = make_project(n_docs=0)
    import_paths(project, [SEED], layer="seed")
    with project.session() as s:
        doc = min(doc_repo.document_hashes(s).values())
    project.close()
    con = sqlite3.connect(project.path)
    span = con.execute("SELECT min(id) FROM span").fetchone()[0]
    con.execute(sql.format(span=span, doc=doc))
    con.commit()
    con.close()
    before = file_hash(project.path)
    runner = CliRunner()
    args = [a.format(out=tmp_path / "out.jsonl") for a in command]
    result = runner.invoke(app, [args[0], str(project.path), *args[1:]])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[-1].startswith(f"error: [E114] {project.path}: the project file is damaged: ")
    assert lines[-1].endswith("cannot be read (not valid JSON)")
    check = runner.invoke(app, ["check", str(project.path)])
    assert check.exit_code == 1
    assert f"error: {where.format(span=span, doc=doc)}: its {what} value is not valid JSON" in (
        check.output
    )
    assert "the other checks were skipped" in check.output
    assert file_hash(project.path) == before
