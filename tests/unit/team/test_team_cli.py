"""The team commands end to end: assign, package, merge, queue, adjudicate."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from team_helpers import TEXTS, doc, standard_layer, table_dump
from typer.testing import CliRunner

from annotator.cli.main import app
from annotator.project import Project
from annotator.transfer.importing import import_documents


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "team.annproj"
    with Project.create(path, "news") as project:
        import_documents(project, [doc(i) for i in range(8)], layer="importer")
        import_documents(project, [doc(0, standard_layer(0))], layer="alice")
        import_documents(project, [doc(0, standard_layer(0)[:2])], layer="bob")
    return path


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_assign_package_merge_queue_adjudicate(project_path: Path, tmp_path: Path) -> None:
    code, out, _ = run(
        "assign", project_path, "--annotators", "alice,bob,carol", "--per-doc", "2", "--seed", "4"
    )
    assert code == 0 and "new assignments: 14" in out  # doc-0 had alice and bob already
    work = tmp_path / "carol.annwork"
    code, out, _ = run("package", project_path, "--for", "carol", work)
    assert code == 0 and work.exists() and "for carol" in out
    code, _, err = run("package", project_path, "--for", "carol", work)
    assert code == 1 and err.startswith("error: ") and len(err.strip().splitlines()) == 1
    with Project.open(work) as w, w.session() as s:
        from annotator import services
        from storage.repository import annotators_assignments as ann_repo

        first = ann_repo.assignments(s, annotator="carol")[0].document_id
        services.add_span(s, w.scheme, first, "carol", 0, 5, "TIME")
    code, out, _ = run("merge", project_path, work)
    assert code == 0 and "spans 1 added, 0 changed, 0 removed" in out
    code, out, _ = run("merge", project_path, work)
    assert code == 0 and "0 changed; spans 0 added" in out

    code, out, _ = run("queue", project_path, "--json")
    items = json.loads(out)["items"]
    assert code == 0 and {i["kind"] for i in items} == {"missing"}
    assert items[0]["document"] == "doc-0" and items[0]["state"] == "open"
    code, out, _ = run("queue", project_path)
    assert out.strip().endswith("1 items (missing 1)")

    code, out, _ = run(
        "adjudicate", project_path, "--unanimous", "--documents", "doc-0", "--as", "rita"
    )
    assert code == 0 and "gold spans added: 2" in out
    code, _, err = run("adjudicate", project_path, "--unanimous", "--documents", "nope")
    assert code == 1 and "nope" in err


def test_refused_merge_is_one_line_non_zero_and_writes_nothing(
    project_path: Path, tmp_path: Path
) -> None:
    run("assign", project_path, "--annotators", "alice,bob", "--per-doc", "1")
    work = tmp_path / "alice.annwork"
    assert run("package", project_path, "--for", "alice", work)[0] == 0
    con = sqlite3.connect(work)
    con.execute("UPDATE document SET text = ? WHERE external_id = 'doc-0'", (TEXTS[1] + "!",))
    con.commit()
    con.close()
    before = table_dump(project_path)
    code, out, err = run("merge", project_path, work)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "alice.annwork" in err and "hash mismatch" in err
    assert table_dump(project_path) == before


def test_adjudicate_unanimous_warns_about_what_breaks_the_scheme(project_path: Path) -> None:
    with Project.open(project_path) as project, project.session() as s:
        from storage.repository import annotators_assignments as ann_repo
        from storage.repository import documents as doc_repo
        from storage.repository import spans as span_repo

        d0 = doc_repo.external_ids(s)["doc-0"]
        for name in ("alice", "bob"):
            row = {"document_id": d0, "start": 0, "end": 3, "label": "BOGUS"}
            span_repo.insert_spans(s, [{**row, "annotator_id": ann_repo.ensure_annotator(s, name)}])
    code, out, err = run("adjudicate", project_path, "--unanimous", "--as", "rita")
    assert code == 0 and "gold spans added: 2" in out
    assert err.strip() == (
        "warning: not copied to gold: doc-0: span [0, 3) BOGUS: unknown label 'BOGUS' "
        "(scheme 'news' has ACTOR, CLAIM, EVENT, PLACE, TIME)"
    )
