"""``annotator agreement`` on a real project file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.agreement.report import agreement_report
from annotator.cli.main import app
from annotator.layers import load_layer
from annotator.project import Project
from annotator.transfer.importing import import_documents
from annotator.values import DocData, SpanData

TEXTS = ("Haftar's forces attacked Tripoli on Monday.", "Sarraj met Erdogan in Ankara in May.")


def _layer(variant: int) -> list[DocData]:
    first = [
        SpanData("h", 0, 6, "ACTOR", {"type": "person"}),
        SpanData("t", 25, 32, "PLACE"),
        SpanData("m", 36, 42, "TIME"),
    ]
    if variant == 1:
        first[0] = SpanData("h", 0, 15, "ACTOR", {"type": "armed_group"})
    second = [
        SpanData("s", 0, 6, "ACTOR", {"type": "person"}),
        SpanData("e", 11, 18, "ACTOR", {"type": "person"}),
        SpanData("a", 22, 28, "PLACE"),
    ]
    if variant == 2:
        second = second[:2]
    return [
        DocData("d1", TEXTS[0], {"title": "one"}, tuple(first)),
        DocData("d2", TEXTS[1], {"title": "two"}, tuple(second)),
    ]


@pytest.fixture
def project(new_location) -> str:
    """A project on each engine in turn."""
    path = new_location("agree.annproj")
    with Project.create(path, "news") as proj:
        for variant, name in enumerate(("alice", "bob", "carol")):
            import_documents(proj, _layer(variant), layer=name)
    return path


def run(*args: object) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [str(a) for a in args])
    return result.exit_code, result.stdout, result.stderr


def test_json_equals_the_report_of_the_loaded_layers(project: Path) -> None:
    code, out, err = run("agreement", project, "--json")
    assert code == 0, err
    data = json.loads(out)
    with Project.open(project) as proj, proj.session() as s:
        layers = {n: load_layer(s, n) for n in ("alice", "bob", "carol")}
    labels = ["ACTOR", "CLAIM", "EVENT", "PLACE", "TIME"]
    assert data == json.loads(agreement_report(layers, labels).to_json())
    assert data["annotators"] == ["alice", "bob", "carol"] and data["documents"] == 2
    assert data["labels"]["CLAIM"]["krippendorff_alpha"] is None  # label never used
    assert data["labels"]["TIME"]["span_f1_exact"] == 1.0
    assert 0 < data["labels"]["ACTOR"]["span_f1_exact"] < 1


def test_subset_of_annotators_and_labels(project: Path) -> None:
    code, out, err = run(
        "agreement", project, "--annotators", "alice,carol", "--labels", "PLACE", "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["annotators"] == ["alice", "carol"] and list(data["labels"]) == ["PLACE"]
    assert set(data["pairs"]) == {"alice|carol"}
    # PLACE: alice has Tripoli and Ankara, carol only Tripoli -> 2 * 1 / 3
    assert data["labels"]["PLACE"]["span_f1_exact"] == pytest.approx(2 / 3)


def test_table_output(project: Path) -> None:
    code, out, _ = run("agreement", project)
    assert code == 0
    assert "alice × bob" in out and "ACTOR" in out and "overall" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--annotators", "alice,zoe"), "no annotator layer named zoe"),
        (("--labels", "ACTOR,PERSON"), "unknown label(s) PERSON"),
    ],
)
def test_errors_are_one_line_and_non_zero(project: Path, args: tuple, message: str) -> None:
    code, out, err = run("agreement", project, *args)
    assert code != 0 and out == ""
    assert message in err and len(err.strip().splitlines()) == 1


def test_missing_project_fails_cleanly(tmp_path: Path) -> None:
    code, _, err = run("agreement", tmp_path / "nope.annproj", "--json")
    assert code != 0 and err.startswith("error:") and len(err.strip().splitlines()) == 1
