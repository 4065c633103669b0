"""A merge brings back work on the annotator's own documents only: documents she imported into
her work file are reported and skipped, not taken in as new assignments."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from team_helpers import TEXTS, doc, location, standard_layer, table_dump
from typer.testing import CliRunner

from annotator.cli.main import app
from annotator.errors import MergeRefused
from annotator.project import Project
from annotator.team.assignments import assign
from annotator.team.workfile import merge, package
from annotator.transfer.importing import import_documents
from annotator.values import DocData
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo

MakeProject = Callable[..., Project]


def _cli(*args: str | Path) -> str:
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    return result.stdout


def _assigned(project: Project, name: str) -> dict[str, str]:
    """External id -> status of ``name``'s assignments."""
    with project.session() as s:
        ext = {i: e for e, i in doc_repo.external_ids(s).items()}
        return {ext[a.document_id]: a.status for a in ann_repo.assignments(s, annotator=name)}


def _layer_docs(project: Project, name: str) -> set[str]:
    with project.session() as s:
        ext = {i: e for e, i in doc_repo.external_ids(s).items()}
        return {ext[sp.document_id] for sp in span_repo.spans_of(s, annotator=name)}


def _import_into_workfile(path: Path, docs: list[DocData]) -> None:
    """What alice does on her laptop: import more articles into her work file and annotate."""
    with Project.open(path) as work:
        import_documents(work, docs, layer="alice")


def test_documents_imported_into_a_work_file_are_skipped_and_reported(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """The reviewers' repro: assign --per-doc 2 for 3 annotators, package alice, import 2 more
    documents into her work file, merge. She had 6 assignments instead of 4."""
    project = make_project(n_docs=6)
    where = location(project)
    _cli("assign", where, "--annotators", "alice,bob,carol", "--per-doc", "2", "--seed", "0")
    hers = _assigned(project, "alice")
    assert len(hers) == 4
    others = sorted({f"doc-{i}" for i in range(6)} - set(hers))
    out = tmp_path / "alice.annwork"
    _cli("package", where, out, "--for", "alice")
    mine = sorted(hers)[0]
    _import_into_workfile(
        out,
        [doc(int(ext.split("-")[1]), standard_layer(int(ext.split("-")[1]))) for ext in others]
        + [doc(int(mine.split("-")[1]), standard_layer(int(mine.split("-")[1])))],
    )

    printed = _cli("merge", where, out)
    assert _assigned(project, "alice") == hers  # 4, not 6
    assert _layer_docs(project, "alice") == {mine}  # her work on her document came back
    assert (
        f"note: 2 documents in alice's work file are not assigned to her: skipped "
        f"({', '.join(others)}); assign them to her and merge again to bring that work back"
    ) in printed
    assert "alice.annwork (alice): 4 documents, 1 changed; spans 3 added" in printed
    [as_json] = json.loads(_cli("merge", where, out, "--json"))["files"]
    assert as_json["skipped"] == {ext: "not assigned to her" for ext in others}
    assert as_json["changes"] == []  # merging again changes nothing

    # The lead agrees: she assigns one of them to alice; the next merge brings that work back.
    with project.session() as s:
        assign(s, ["alice"], per_doc=1, doc_ids=[doc_repo.external_ids(s)[others[0]]])
    [report] = merge(project, [out])
    assert [c.external_id for c in report.changes] == [others[0]]
    assert report.skipped == {others[1]: "not assigned to her"}
    assert _layer_docs(project, "alice") == {mine, others[0]}


def test_a_new_text_in_a_work_file_is_skipped_not_a_refusal_of_her_work(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """An article alice found herself (a text the project does not have) is set aside with a
    note; her work on her documents still comes back. A changed text of hers is still refused."""
    project = make_project(n_docs=4)
    with project.session() as s:
        assign(s, ["alice"], per_doc=1, seed=0)
    out = tmp_path / "alice.annwork"
    package(project, "alice", out)
    _import_into_workfile(out, [doc(0, standard_layer(0)), doc(9, standard_layer(9))])
    [report] = merge(project, [out])
    assert report.skipped == {"doc-9": "not in the project"}
    assert (
        "1 document in alice's work file is not in the project: skipped (doc-9); import them "
        "into the project and assign them to her first"
    ) in report.notes
    assert _layer_docs(project, "alice") == {"doc-0"}
    assert len(_assigned(project, "alice")) == 4


def test_a_work_file_of_another_project_is_still_refused(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """The documents packaged into a work file are hers: when their texts are not in the
    project (a work file of another project), the merge is refused, not skipped."""
    project = make_project(n_docs=3)
    other = make_project(n_docs=0, name="other.annproj")
    text = TEXTS[7] + " Elsewhere."
    import_documents(other, [DocData("x-1", text, {}, tuple(standard_layer(7)))], layer="alice")
    out = tmp_path / "alice.annwork"
    package(other, "alice", out)
    project.close()
    before = table_dump(location(project))
    with (
        Project.open(location(project)) as again,
        pytest.raises(MergeRefused, match="do not match any text of the project"),
    ):
        merge(again, [out])
    assert table_dump(location(project)) == before


def test_team_demo_round_trip_merges_back_unchanged_with_nothing_skipped(tmp_path: Path) -> None:
    """Every demo annotator's work file, packaged and merged back untouched: nothing changes and
    no document is set aside (each holds only documents packaged for her)."""
    from annotator.demo import TEAM_NAMES, build_team_demo_project

    project = build_team_demo_project(tmp_path / "team.annproj")
    try:
        files = []
        for name in TEAM_NAMES:
            files.append(tmp_path / f"{name}.annwork")
            package(project, name, files[-1])
        before = {name: _assigned(project, name) for name in TEAM_NAMES}
        reports = merge(project, files)
        assert [r.annotator for r in reports] == list(TEAM_NAMES)
        assert all(r.unchanged and not r.skipped and not r.notes for r in reports)
        assert {name: _assigned(project, name) for name in TEAM_NAMES} == before
    finally:
        project.close()
