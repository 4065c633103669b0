"""Defect 1: a hand-edited work file must obey the same rules as import and editing."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_helpers import file_hash

from annotator.errors import MergeRefused
from annotator.project import Project
from annotator.team.assignments import assign
from annotator.team.workfile import merge, package
from storage.repository import spans as span_repo

MakeProject = Callable[..., Project]


def _packaged(make_project: MakeProject, tmp_path: Path) -> tuple[Project, Path]:
    project = make_project(n_docs=3)
    with project.session() as s:
        assign(s, ["alice"], per_doc=1, seed=0)
    out = tmp_path / "alice.annwork"
    package(project, "alice", out)
    return project, out


def _add_span(path: Path, doc: str, start: int, end: int, label: str, attrs: str = "{}") -> int:
    con = sqlite3.connect(path)
    try:
        doc_id = con.execute("SELECT id FROM document WHERE external_id=?", (doc,)).fetchone()[0]
        ann = con.execute("SELECT id FROM annotator WHERE name='alice'").fetchone()[0]
        cur = con.execute(
            'INSERT INTO span (document_id, annotator_id, start, "end", label, attrs, origin, '
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'hand', "
            "'2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            (doc_id, ann, start, end, label, attrs),
        )
        con.commit()
        return int(cur.lastrowid or 0)
    finally:
        con.close()


def _add_relation(path: Path, head: int, tail: int, label: str) -> None:
    con = sqlite3.connect(path)
    try:
        con.execute(
            "INSERT INTO relation (head_id, tail_id, label, origin, created_at) "
            "VALUES (?, ?, ?, 'hand', '2026-01-01 00:00:00')",
            (head, tail, label),
        )
        con.commit()
    finally:
        con.close()


def _refused(project: Project, work: Path, *needles: str) -> None:
    project.close()
    before = file_hash(project.path)
    with Project.open(project.path) as again, pytest.raises(MergeRefused) as info:
        merge(again, [work])
    msg = str(info.value)
    assert "\n" not in msg
    assert str(work) in msg
    for needle in needles:
        assert needle in msg
    assert file_hash(project.path) == before


def test_merge_refuses_unknown_label(make_project: MakeProject, tmp_path: Path) -> None:
    project, work = _packaged(make_project, tmp_path)
    _add_span(work, "doc-0", 0, 5, "ALIEN")
    _refused(project, work, "doc-0", "unknown label 'ALIEN'")


def test_merge_refuses_offsets_outside_the_text(make_project: MakeProject, tmp_path: Path) -> None:
    project, work = _packaged(make_project, tmp_path)
    _add_span(work, "doc-1", -5, 999999, "PLACE")
    _refused(project, work, "doc-1", "[-5, 999999)", "outside the text")


def test_merge_refuses_attribute_value_outside_the_scheme(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, work = _packaged(make_project, tmp_path)
    _add_span(work, "doc-0", 10, 24, "ACTOR", '{"type": "martian"}')
    _refused(project, work, "'martian' is not a value of ACTOR.type")


def test_merge_refuses_relation_across_documents(make_project: MakeProject, tmp_path: Path) -> None:
    project, work = _packaged(make_project, tmp_path)
    text = f"Story 0: {'Khalifa Haftar said the army attacked'}"
    ev = _add_span(work, "doc-0", text.index("attacked"), len(text), "EVENT", '{"type":"attack"}')
    actor = _add_span(work, "doc-1", 9, 23, "ACTOR", '{"type": "person"}')
    _refused_relation = (ev, actor)
    _add_relation(work, *_refused_relation, "agent")
    _refused(project, work, "relation", "another document ('doc-1')")


def test_merge_refuses_relation_head_label_not_allowed(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, work = _packaged(make_project, tmp_path)
    a = _add_span(work, "doc-0", 9, 23, "ACTOR", '{"type": "person"}')
    b = _add_span(work, "doc-0", 47, 54, "PLACE")
    _add_relation(work, a, b, "agent")
    _refused(project, work, "relation", "cannot start at a ACTOR span")


def test_merge_of_a_valid_hand_edit_still_works(make_project: MakeProject, tmp_path: Path) -> None:
    project, work = _packaged(make_project, tmp_path)
    _add_span(work, "doc-0", 47, 54, "PLACE")
    merge(project, [work])
    with project.session() as s:
        spans = span_repo.spans_of(s, annotator="alice")
    assert [(sp.start, sp.end, sp.label) for sp in spans] == [(47, 54, "PLACE")]
