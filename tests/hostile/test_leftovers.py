"""Defect 10: an export file replaces the earlier one in one rename; temporary files of killed
runs (ours: .NAME.tmp-PID-HEX) are removed by the next run; a folder export a killed run had
moved aside is put back."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_helpers import FILES

from annotator.errors import ExportFailed
from annotator.project import Project
from annotator.team.assignments import assign
from annotator.team.workfile import package
from annotator.transfer import exporting
from annotator.transfer.exporting import export_documents
from annotator.transfer.importing import import_paths

MakeProject = Callable[..., Project]


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def _project(make_project: MakeProject) -> Project:
    project = make_project(n_docs=0)
    import_paths(project, [FILES / "seed" / "news.native.jsonl"])
    return project


def test_file_export_replaces_in_one_rename(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(make_project)
    out = tmp_path / "out.jsonl"
    export_documents(project, out, "jsonl", layer="alice")
    renames: list[tuple[str, str]] = []
    real = os.replace

    def counting(a: object, b: object) -> None:
        renames.append((str(a), str(b)))
        real(a, b)  # type: ignore[arg-type]

    monkeypatch.setattr(exporting.os, "replace", counting)
    export_documents(project, out, "jsonl", layer="alice", overwrite=True)
    assert len(renames) == 1 and renames[0][1] == str(out)
    assert len(out.read_text("utf-8").splitlines()) == 3


def test_stale_temp_files_of_killed_runs_are_removed(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project = _project(make_project)
    out = tmp_path / "out.jsonl"
    dead = _dead_pid()
    stale_file = tmp_path / f".out.jsonl.tmp-{dead}-0123abcd"
    stale_file.write_text("half", "utf-8")
    stale_dir = tmp_path / f".out.jsonl.tmp-{dead}-89abcdef"
    stale_dir.mkdir()
    (stale_dir / "train.jsonl").write_text("half", "utf-8")
    running = tmp_path / f".out.jsonl.tmp-{os.getpid()}-00000000"  # a run in progress: kept
    running.write_text("busy", "utf-8")
    unrelated = tmp_path / ".other.tmp-1-00000000"
    unrelated.write_text("not ours to judge", "utf-8")
    summary = export_documents(project, out, "jsonl", layer="alice")
    assert not stale_file.exists() and not stale_dir.exists()
    assert running.exists() and unrelated.exists()
    assert any("left by an interrupted run" in n for n in summary.notes)


def test_folder_export_moved_aside_by_a_killed_run_is_put_back(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = _project(make_project)
    out = tmp_path / "brat-out"
    export_documents(project, out, "brat", layer="alice")
    first = sorted(p.name for p in out.iterdir())
    # a run killed between its two renames: the earlier export is aside, no new one in place
    aside = tmp_path / f".brat-out.old-{_dead_pid()}-0123abcd"
    os.replace(out, aside)
    assert not out.exists()
    # the next run first puts it back, then, as for any earlier export, refuses to replace
    # it without --force, and replaces it with --force
    with pytest.raises(ExportFailed, match="earlier export"):
        export_documents(project, out, "brat", layer="alice")
    assert sorted(p.name for p in out.iterdir()) == first
    export_documents(project, out, "brat", layer="alice", overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == first
    assert not aside.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".brat-out.")]


def test_package_removes_half_written_work_files_of_killed_runs(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project = make_project(n_docs=2)
    with project.session() as s:
        assign(s, ["alice"], per_doc=1, seed=0)
    out = tmp_path / "alice.annwork"
    dead = _dead_pid()
    stale = [tmp_path / f".alice.annwork.tmp-{dead}-0123abcd{sfx}" for sfx in ("", "-wal", "-shm")]
    for p in stale:
        p.write_bytes(b"half")
    package(project, "alice", out)
    assert out.exists()
    assert not any(p.exists() for p in stale)
