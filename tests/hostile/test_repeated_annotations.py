"""Defect 2: the same record twice in one import, or two identical spans in one record, is one
span (counted in the report), never an internal KeyError."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.project import Project
from annotator.transfer.importing import import_paths
from storage.repository import spans as span_repo

MakeProject = Callable[..., Project]
TEXT = "Tripoli was shelled on Monday."


@pytest.fixture
def make_project(make_any_project: MakeProject) -> MakeProject:
    """On each engine in turn: the import's own rules, not the file's."""
    return make_any_project


def _spans(project: Project) -> list[tuple[int, int, str]]:
    with project.session() as s:
        return sorted((sp.start, sp.end, sp.label) for sp in span_repo.spans_of(s))


def test_jsonl_same_record_twice(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project(n_docs=0)
    rec = {"id": "a", "text": TEXT, "spans": [{"id": "s1", "start": 0, "end": 7, "label": "PLACE"}]}
    f = tmp_path / "dup.jsonl"
    f.write_text(json.dumps(rec) + "\n" + json.dumps(rec) + "\n", "utf-8")
    report = import_paths(project, [f])
    assert report.spans_added == 1
    assert report.spans_repeated == 1
    assert "1 repeated in the input" in " ".join(report.lines())
    assert _spans(project) == [(0, 7, "PLACE")]


def test_jsonl_repeated_record_with_relation(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project(n_docs=0)
    place = {"id": "s1", "start": 0, "end": 7, "label": "PLACE"}
    event = {"id": "e", "start": 12, "end": 19, "label": "EVENT", "attrs": {"type": "attack"}}
    first = {"id": "a", "text": TEXT, "spans": [place]}
    second = {
        "id": "a",
        "text": TEXT,
        "spans": [place, event],
        "relations": [{"label": "place", "head": "e", "tail": "s1"}],
    }
    f = tmp_path / "dup.jsonl"
    f.write_text(json.dumps(first) + "\n" + json.dumps(second) + "\n", "utf-8")
    report = import_paths(project, [f])
    assert (report.spans_added, report.spans_repeated, report.relations_added) == (2, 1, 1)


def test_two_identical_spans_in_one_record(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project(n_docs=0)
    same = {"start": 0, "end": 7, "label": "PLACE"}
    rec = {"id": "a", "text": TEXT, "spans": [{"id": "x", **same}, {"id": "y", **same}]}
    f = tmp_path / "one.jsonl"
    f.write_text(json.dumps(rec) + "\n", "utf-8")
    report = import_paths(project, [f])
    assert (report.spans_added, report.spans_repeated) == (1, 1)


def test_prodigy_same_record_twice(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project(n_docs=0)
    rec = {
        "text": TEXT,
        "_input_hash": 1,
        "_task_hash": 2,
        "spans": [{"start": 0, "end": 7, "label": "PLACE"}],
        "answer": "accept",
    }
    f = tmp_path / "dup.jsonl"
    f.write_text(json.dumps(rec) + "\n" + json.dumps(rec) + "\n", "utf-8")
    report = import_paths(project, [f], fmt="prodigy")
    assert (report.spans_added, report.spans_repeated) == (1, 1)


def test_docbin_same_doc_twice(make_project: MakeProject, tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin, Span

    nlp = spacy.blank("en")
    bin_ = DocBin()
    for _ in range(2):
        doc = nlp(TEXT)
        doc.ents = [Span(doc, 0, 1, label="PLACE")]
        bin_.add(doc)
    f = tmp_path / "dup.spacy"
    bin_.to_disk(f)
    project = make_project(n_docs=0)
    report = import_paths(project, [f])
    assert (report.spans_added, report.spans_repeated) == (1, 1)


def test_brat_corpus_file_with_identical_spans(
    make_project: MakeProject, tmp_path: Path, shared_corpus: Path
) -> None:
    src = shared_corpus / "brat_dkpro_tests" / "conll" / "2012"
    for name in ("en-ref.txt", "en-ref.ann"):
        shutil.copy(src / name, tmp_path / name)
    labels = {
        line.split("\t")[1].split(" ")[0].split(":")[0]
        for line in (tmp_path / "en-ref.ann").read_text("utf-8").splitlines()
        if line[:1] in "TE"
    }
    label_map = tmp_path / "map.json"
    label_map.write_text(json.dumps(dict.fromkeys(labels, "ACTOR")), "utf-8")
    project = make_project(n_docs=0)
    report = import_paths(
        project, [tmp_path / "en-ref.txt"], label_map=label_map, skip_unmapped=True
    )
    assert report.spans_repeated > 0
    assert report.spans_added == len(set(_spans(project)))
