"""Issue 11 defect 2: documents annotated with no span stay in the annotator's layer, are exported
by every training format and counted; documents nobody annotated only with --include-unannotated.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.project import Project
from annotator.transfer.exporting import export_documents
from annotator.transfer.importing import import_paths

RECORDS = [
    {
        "id": "a",
        "text": "Haftar attacked Tripoli on Monday.",
        "spans": [{"start": 0, "end": 6, "label": "ACTOR"}],
    },
    {"id": "b", "text": "Nothing happened here at all.", "spans": []},
    {"id": "c", "text": "Nobody has looked at this one yet."},
]


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[Project]:
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), encoding="utf-8")
    proj = Project.create(tmp_path / "p.annproj", "news")
    report = import_paths(proj, [src], "jsonl", layer="alice")
    assert report.layers["alice"] == 2  # a and b; c has no annotation at all
    yield proj
    proj.close()


def _jsonl_ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text("utf-8").splitlines()]


def test_empty_document_in_every_training_format(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    summary = export_documents(project, out, "jsonl", layer="alice")
    assert _jsonl_ids(out) == ["a", "b"]
    assert summary.annotated_empty == 1 and "1 annotated with no span" in summary.to_text()

    summary = export_documents(project, tmp_path / "x.doccano", "doccano", layer="alice")
    assert [json.loads(x)["id"] for x in (tmp_path / "x.doccano").read_text().splitlines()] == [
        "a",
        "b",
    ]
    conll = tmp_path / "x.conll"
    export_documents(project, conll, "conll", layer="alice")
    assert "Nothing\tO" in conll.read_text("utf-8")

    hf = tmp_path / "hf"
    summary = export_documents(project, hf, "hf", layer="alice", split=(50, 50, 0))
    rows = [json.loads(x) for f in sorted(hf.glob("*.jsonl")) for x in f.read_text().splitlines()]
    assert sorted({r["doc_id"] for r in rows}) == ["a", "b"]
    assert "1 annotated with no span" in (hf / "README.md").read_text("utf-8")

    import spacy
    from spacy.tokens import DocBin

    sp = tmp_path / "sp"
    export_documents(project, sp, "spacy", layer="alice", split=(50, 50, 0))
    vocab = spacy.blank("en").vocab
    texts = [
        d.text for f in sorted(sp.glob("*.spacy")) for d in DocBin().from_disk(f).get_docs(vocab)
    ]
    assert sorted(texts) == sorted(r["text"] for r in RECORDS[:2])


def test_include_unannotated_round_trip(project: Project, tmp_path: Path) -> None:
    out = tmp_path / "all.jsonl"
    summary = export_documents(project, out, "jsonl", layer="alice", include_unannotated=True)
    assert summary.unannotated == 1
    recs = {json.loads(x)["id"]: json.loads(x) for x in out.read_text("utf-8").splitlines()}
    assert set(recs) == {"a", "b", "c"}
    assert "spans" not in recs["c"] and recs["b"]["spans"] == []

    again = Project.create(tmp_path / "q.annproj", "news")
    try:
        report = import_paths(again, [out], "jsonl")
        assert report.documents_new == 3 and report.layers["alice"] == 2
        export_documents(again, tmp_path / "again.jsonl", "jsonl", layer="alice")
        assert _jsonl_ids(tmp_path / "again.jsonl") == ["a", "b"]
    finally:
        again.close()


def test_prodigy_accepts_without_spans_kept(corpus: Path, tmp_path: Path) -> None:
    """A real Prodigy export: 80 accepted headlines, 27 of them with no span."""
    src = corpus / "prodigy_jsonl_explosion"
    src = src / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.first80.jsonl"
    label_map = tmp_path / "map.json"
    label_map.write_text(json.dumps({"ORG": "ACTOR", "PERSON": "ACTOR", "LOCATION": "PLACE"}))
    proj = Project.create(tmp_path / "p.annproj", "news")
    try:
        report = import_paths(proj, [src], "prodigy", layer="bob", label_map=label_map)
        assert report.layers["bob"] == 80
        out = tmp_path / "bob.jsonl"
        summary = export_documents(proj, out, "jsonl", layer="bob")
        assert summary.total_documents == 80 and summary.annotated_empty == 27
    finally:
        proj.close()


def test_cli_flag(project: Project, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from annotator.cli.main import app

    path = project.path
    project.close()
    out = tmp_path / "cli.jsonl"
    result = CliRunner().invoke(
        app, ["export", str(path), str(out), "--layer", "alice", "--include-unannotated"]
    )
    assert result.exit_code == 0, result.output
    assert "1 not annotated by anyone" in result.output
    assert len(out.read_text("utf-8").splitlines()) == 3


def test_spacy_debug_data_accepts_export_with_negative_examples(tmp_path: Path) -> None:
    """spaCy's own `debug data` on an export holding annotated-empty documents: the only error
    is the corpus size (spaCy wants thousands of documents)."""
    import os
    import re
    import subprocess
    import sys
    from dataclasses import replace

    from annotator.transfer import importing

    from .conftest import news_doc

    proj = Project.create(tmp_path / "p.annproj", "news")
    try:
        docs = [news_doc(i) for i in range(4)]
        docs += [
            replace(news_doc(0), text=f"Nothing happened in town {i}.", spans=(), relations=())
            for i in range(4)
        ]
        docs = [replace(d, annotated=True) for d in docs]
        importing.import_documents(proj, docs, layer="gold")
        out = tmp_path / "sp"
        summary = export_documents(proj, out, "spacy", split=(60, 40, 0))
        assert summary.total_documents == 8 and summary.annotated_empty == 4
    finally:
        proj.close()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "WASABI_NO_PRETTY")}
    result = subprocess.run(
        [sys.executable, "-m", "spacy", "debug", "data", "config.cfg"]
        + ["--paths.train", "train.spacy", "--paths.dev", "dev.spacy"],
        cwd=out,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    text = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout)
    errors = [ln.strip() for ln in text.splitlines() if "✘" in ln and "error" not in ln]
    assert errors == ["✘ Low number of examples to train a new pipeline (5)"], text[-2000:]
    assert "8 training docs" not in text and "5 training docs" in text


def test_empty_record_finishes_an_assignment_still_to_do(tmp_path: Path) -> None:
    """Assigned (todo), annotated elsewhere with no span, imported: the document is done and in
    the annotator's layer."""
    from annotator.layers import load_layer
    from storage.repository import annotators_assignments as ann_repo
    from storage.repository import documents as doc_repo

    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"id": "b", "text": RECORDS[1]["text"]}) + "\n", encoding="utf-8")
    proj = Project.create(tmp_path / "p.annproj", "news")
    try:
        import_paths(proj, [src], "jsonl")  # text only: nobody annotated it
        with proj.session() as s:
            (doc,) = doc_repo.get_documents(s)
            ann_repo.set_assignment(s, doc.id, ann_repo.ensure_annotator(s, "carol"), "todo")
        src.write_text(json.dumps(RECORDS[1]) + "\n", encoding="utf-8")
        import_paths(proj, [src], "jsonl", layer="carol")
        with proj.session() as s:
            assert [a.status for a in ann_repo.assignments(s, annotator="carol")] == ["done"]
            assert [d.id for d in load_layer(s, "carol")] == ["b"]
    finally:
        proj.close()
