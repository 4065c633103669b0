"""Label Studio and Prodigy exports: what the peers expect, read back by our importers."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from annotator.project import Project
from annotator.transfer import importing
from annotator.transfer.exporting import export_documents
from annotator.transfer.importing import import_paths
from annotator.values import DocData

from .conftest import news_doc
from .roundtrip import picture


def _project(tmp_path: Path) -> Project:
    proj = Project.create(tmp_path / "p.annproj", "news")
    importing.import_documents(proj, [news_doc(i) for i in range(3)], layer="gold")
    return proj


def test_labelstudio_tasks_config_and_predictions(tmp_path: Path) -> None:
    proj = _project(tmp_path)
    try:
        out = tmp_path / "ls"
        summary = export_documents(proj, out, "labelstudio")
    finally:
        proj.close()
    assert summary.total_documents == 3
    root = ET.fromstring((out / "config.xml").read_text("utf-8"))
    assert [e.get("value") for e in root.iter("Label")] == [
        "ACTOR",
        "CLAIM",
        "EVENT",
        "PLACE",
        "TIME",
    ]
    assert {e.get("value") for e in root.iter("Relation")} >= {"claimant", "agent"}
    types = {c.get("name"): c.get("whenLabelValue") for c in root.iter("Choices")}
    assert types["type"] == "ACTOR,EVENT" and types["stance"] == "CLAIM"
    assert root.find("Text").get("value") == "$text"  # type: ignore[union-attr]
    tasks = json.loads((out / "tasks.json").read_text("utf-8"))
    task = tasks[0]
    (ann,) = task["annotations"]
    assert ann["completed_by"] == {"email": "gold"} and ann["ground_truth"] is True
    kinds = [r["type"] for r in ann["result"]]
    assert kinds.count("labels") == 8 and kinds.count("relation") == 6
    region = next(r for r in ann["result"] if r["type"] == "labels")
    assert set(region["value"]) == {"start", "end", "text", "labels"}
    assert (
        task["data"]["text"][region["value"]["start"] : region["value"]["end"]]
        == (region["value"]["text"])
    )


def test_labelstudio_predictions_from_suggestions(tmp_path: Path) -> None:
    proj = Project.create(tmp_path / "p.annproj", "news")
    try:
        from dataclasses import replace

        doc = news_doc(1)
        importing.import_documents(
            proj, [replace(doc, spans=(), relations=(), annotated=True)], layer="gold"
        )
        importing.import_documents(proj, [doc], as_suggestions=True)
        export_documents(proj, tmp_path / "ls", "labelstudio")
    finally:
        proj.close()
    (task,) = json.loads((tmp_path / "ls" / "tasks.json").read_text("utf-8"))
    (pred,) = task["predictions"]
    assert len([r for r in pred["result"] if r["type"] == "labels"]) == 8
    assert task["annotations"][0]["result"] == []  # annotated-empty, with suggestions pending


def test_prodigy_tokens_spans_relations(tmp_path: Path) -> None:
    proj = _project(tmp_path)
    try:
        out = tmp_path / "p.jsonl"
        summary = export_documents(proj, out, "prodigy")
    finally:
        proj.close()
    rec = json.loads(out.read_text("utf-8").splitlines()[0])
    assert rec["answer"] == "accept" and isinstance(rec["_input_hash"], int)
    toks = rec["tokens"]
    assert all(rec["text"][t["start"] : t["end"]] == t["text"] for t in toks)
    for sp in rec["spans"]:
        if "token_start" in sp:
            assert toks[sp["token_start"]]["start"] <= sp["start"]
            assert toks[sp["token_end"]]["end"] >= sp["end"]
    rel = rec["relations"][0]
    assert {"head", "child", "head_span", "child_span", "label"} <= set(rel)
    assert rel["head"] == rel["head_span"]["token_end"]
    assert summary.merged  # the off-boundary "attac" span is counted, its offsets kept


def _scheme_of(src: Path) -> Any:
    """A scheme with the labels and relations a Prodigy file uses, any label at either end."""
    from annotator.scheme import scheme_from_dict

    docs, _ = importing.read_paths([src], "prodigy")
    labels = sorted({s.label for d in docs for s in d.spans})
    rels = sorted({r.label for d in docs for r in d.relations})
    return scheme_from_dict(
        {
            "name": "rel",
            "labels": labels,
            "relations": [{"name": r, "heads": labels, "tails": labels} for r in rels],
        }
    )


def test_prodigy_rel_corpus_round_trip(corpus: Path, tmp_path: Path) -> None:
    """Prodigy's own relations file -> project -> Prodigy JSONL -> project: the same."""
    src = corpus / "prodigy_jsonl_explosion" / "rel_component_annotations.first25.jsonl"
    scheme = _scheme_of(src)
    first = Project.create(tmp_path / "a.annproj", scheme)
    second = Project.create(tmp_path / "b.annproj", scheme)
    try:
        import_paths(first, [src], "prodigy", layer="gold")
        export_documents(first, tmp_path / "out.jsonl", "prodigy")
        import_paths(second, [tmp_path / "out.jsonl"], "prodigy")
        assert picture(second) == picture(first)
    finally:
        first.close()
        second.close()


def test_prodigy_hand_back_keeps_each_task_s_input_hash(corpus: Path, tmp_path: Path) -> None:
    """Work imported from Prodigy goes back with the ``_input_hash`` each task came with (our
    own hash of the text made Prodigy take every returned task for a new input), and no
    ``_task_hash`` (Prodigy computes it for the new annotations); the kept hash is not
    repeated in ``meta``."""
    src = corpus / "prodigy_jsonl_explosion" / "rel_component_annotations.first25.jsonl"
    given = {
        rec["text"]: rec["_input_hash"]
        for rec in map(json.loads, src.read_text("utf-8").splitlines())
    }
    scheme = _scheme_of(src)
    proj = Project.create(tmp_path / "a.annproj", scheme)
    try:
        import_paths(proj, [src], "prodigy", layer="gold")
        own = DocData("own", "A text that never was a Prodigy task.", {}, annotated=True)
        importing.import_documents(proj, [own], layer="gold")  # not from Prodigy
        export_documents(proj, tmp_path / "out.jsonl", "prodigy")
    finally:
        proj.close()
    back = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert len(back) == len(given) + 1
    for rec in back:
        assert "_task_hash" not in rec and "prodigy_input_hash" not in rec["meta"]
        if rec["text"] in given:
            assert rec["_input_hash"] == given[rec["text"]]
        else:
            assert isinstance(rec["_input_hash"], int)


def test_labelstudio_one_annotation_per_annotator_round_trip(tmp_path: Path) -> None:
    """gold plus two annotators' layers in one task each; read back as the same three layers."""
    from dataclasses import replace

    first = Project.create(tmp_path / "a.annproj", "news")
    second = Project.create(tmp_path / "b.annproj", "news")
    try:
        docs = [news_doc(i) for i in range(3)]
        importing.import_documents(first, docs, layer="gold")
        importing.import_documents(first, docs[:2], layer="alice")
        bob = [replace(d, spans=d.spans[:3], relations=()) for d in docs]
        importing.import_documents(first, bob, layer="bob")
        export_documents(first, tmp_path / "ls", "labelstudio")
        tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text("utf-8"))
        assert [len(t["annotations"]) for t in tasks] == [3, 3, 2]
        import_paths(second, [tmp_path / "ls"], "labelstudio")
        for layer in ("gold", "alice", "bob"):
            assert picture(second, layer) == picture(first, layer), layer
    finally:
        first.close()
        second.close()
