"""Label Studio work handed back in the peer's own terms: a task imported from Label Studio is
exported with its regions' ids, its controls' names (``from_name``/``to_name``) and its data
key, so that it loads with the peer's labelling config, not only with ours; our own names for
anything the peer never had. HyperText tasks are refused (``test_labelstudio.py``)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from annotator.formats.labelstudio import write
from annotator.formats.ls_structure import STRUCTURE_META
from annotator.formats.reading import ReadOptions, read_documents
from annotator.formats.writing import ExportContext
from annotator.project import Project
from annotator.transfer.exporting import export_documents
from annotator.transfer.importing import import_paths
from annotator.values import DocData, RelationData, SpanData

from .roundtrip import picture

LS_MAP = {"Date": "TIME", "Person": {"label": "ACTOR", "attrs": {"type": "person"}}}


def _config_names(config: Path) -> tuple[set[str], dict[str, str]]:
    """A labelling config's ``<Labels>`` control names and ``<Text>`` name -> data key."""
    xml = config.read_text("utf-8")
    labels = set(re.findall(r'<Labels name="([^"]+)"', xml))
    texts = dict(re.findall(r'<Text name="([^"]+)" value="\$(\w+)"', xml))
    return labels, texts


def _regions(task: dict[str, Any]) -> list[tuple[Any, ...]]:
    return [
        (r["id"], r["from_name"], r["to_name"], r["value"]["start"], r["value"]["end"])
        for ann in task.get("annotations", [])
        for r in ann["result"]
        if r.get("type") == "labels"
    ]


def _import_export(source: Path, tmp_path: Path) -> tuple[Project, dict[str, Any], Path]:
    label_map = tmp_path / "map.json"
    label_map.write_text(json.dumps(LS_MAP), encoding="utf-8")
    proj = Project.create(tmp_path / "p.annproj", "news")
    import_paths(proj, [source], "labelstudio", layer="gold", label_map=label_map)
    out = tmp_path / "out"
    export_documents(proj, out, "labelstudio")
    (task,) = json.loads((out / "tasks.json").read_text("utf-8"))
    return proj, task, out


def test_real_task_comes_back_with_its_region_ids_and_control_names(
    corpus: Path, tmp_path: Path
) -> None:
    """The Bahia cocoa task (``from_name`` "ner"): back with region "beFiQTT1cU" of "ner" ->
    "text" (it came back as "s1" of "label"), loadable with the peer's own config.xml."""
    folder = corpus / "labelstudio_json" / "lsf_examples" / "named_entity"
    original = json.loads((folder / "annotations" / "1.json").read_text("utf-8"))
    proj, task, out = _import_export(folder / "annotations" / "1.json", tmp_path)
    try:
        assert _regions(task) == _regions(original) == [("beFiQTT1cU", "ner", "text", 343, 354)]
        assert task["data"]["text"] == original["data"]["text"]
        assert STRUCTURE_META not in task["meta"]
        labels, texts = _config_names(folder / "config.xml")
        for rid, frm, to, _a, _b in _regions(task):
            assert frm in labels and to in texts, rid
        assert all(key in task["data"] for key in texts.values())
        assert _config_names(out / "config.xml") == (labels, texts)
        again = Project.create(tmp_path / "q.annproj", "news")
        try:
            import_paths(again, [out], "labelstudio", layer="gold")
            assert picture(again) == picture(proj)
        finally:
            again.close()
    finally:
        proj.close()


def test_real_task_keeps_its_data_key(corpus: Path, tmp_path: Path) -> None:
    """rich_text_plain's config reads the text from ``$ner``: the task goes back with its text
    under "ner" and our config.xml says so."""
    folder = corpus / "labelstudio_json" / "lsf_examples" / "rich_text_plain"
    proj, task, out = _import_export(folder / "annotations" / "1.json", tmp_path)
    try:
        assert set(task["data"]) == {"ner", "doc_id"}
        _labels, texts = _config_names(folder / "config.xml")
        assert _config_names(out / "config.xml")[1] == texts == {"text": "ner"}
    finally:
        proj.close()


def _task_file(tmp_path: Path, results: list[dict[str, Any]], **extra: Any) -> Path:
    text = "Alice met Bob in Paris on Monday."
    annotations = [{"completed_by": {"email": "ann@x"}, "result": results}]
    task = {"id": 7, "data": {"body": text}, "annotations": annotations, **extra}
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    (tmp_path / "config.xml").write_text(
        '<View><Labels name="ents" toName="body_view"><Label value="ACTOR"/>'
        '<Label value="PLACE"/><Label value="TIME"/></Labels>'
        '<Text name="body_view" value="$body"/></View>',
        encoding="utf-8",
    )
    return path


def _region(rid: str, start: int, end: int, *labels: str) -> dict[str, Any]:
    return {
        "id": rid,
        "from_name": "ents",
        "to_name": "body_view",
        "type": "labels",
        "value": {"start": start, "end": end, "labels": list(labels)},
    }


def _export(docs: list[DocData], ctx: ExportContext, out: Path) -> list[dict[str, Any]]:
    write(docs, out, ctx)
    return list(json.loads((out / "tasks.json").read_text("utf-8")))


def test_multi_label_region_and_relation_come_back_as_they_were(
    tmp_path: Path, ctx: ExportContext
) -> None:
    """A region with two labels is two spans here and one region again on export; a relation
    points at the peer's region ids."""
    relation = {"from_id": "R-a", "to_id": "R-p", "type": "relation", "labels": ["about"]}
    path = _task_file(
        tmp_path,
        [_region("R-a", 0, 5, "ACTOR", "PLACE"), _region("R-p", 17, 22, "PLACE"), relation],
    )
    (doc,) = read_documents(path, "labelstudio", ReadOptions())
    assert len(doc.spans) == 3
    (task,) = _export([doc], ctx, tmp_path / "out")
    result = task["annotations"][0]["result"]
    regions = [r for r in result if r["type"] == "labels"]
    assert [(r["id"], r["value"]["labels"]) for r in regions] == [
        ("R-a", ["ACTOR", "PLACE"]),
        ("R-p", ["PLACE"]),
    ]
    assert {r["from_name"] for r in regions} == {"ents"}
    (rel,) = [r for r in result if r["type"] == "relation"]
    assert (rel["from_id"], rel["to_id"]) == ("R-a", "R-p")
    assert task["data"]["body"].startswith("Alice")
    config = (tmp_path / "out" / "config.xml").read_text("utf-8")
    assert '<Labels name="ents" toName="body_view">' in config
    assert '<Text name="body_view" value="$body"/>' in config


def test_new_span_gets_our_id_never_a_peer_one(tmp_path: Path, ctx: ExportContext) -> None:
    """A span added after the import takes its own id, but not one the peer's regions use
    (the peer called a region "s2"), and the task's control."""
    path = _task_file(tmp_path, [_region("s2", 0, 5, "ACTOR")])
    (doc,) = read_documents(path, "labelstudio", ReadOptions())
    added = SpanData("s2", 26, 32, "TIME")  # canonical ids of an export: s1, s2, ...
    doc = DocData(
        doc.id,
        doc.text,
        doc.meta,
        (SpanData("s1", 0, 5, "ACTOR"), added),
        (RelationData("r1", "time", "s1", "s2"),),
        layer="gold",
    )
    (task,) = _export([doc], ctx, tmp_path / "out")
    result = task["annotations"][0]["result"]
    ids = [(r["id"], r["from_name"]) for r in result if r["type"] == "labels"]
    assert ids == [("s2", "ents"), ("s2_2", "ents")]
    (rel,) = [r for r in result if r["type"] == "relation"]
    assert (rel["from_id"], rel["to_id"]) == ("s2", "s2_2")


def test_label_mapped_on_import_still_finds_its_region(tmp_path: Path, ctx: ExportContext) -> None:
    """The kept region is "Date"; the span is TIME after the label map: the offsets find it."""
    path = _task_file(tmp_path, [_region("d1", 26, 32, "Date")])
    (doc,) = read_documents(path, "labelstudio", ReadOptions())
    mapped = DocData(doc.id, doc.text, doc.meta, (SpanData("s1", 26, 32, "TIME"),), layer="gold")
    (task,) = _export([mapped], ctx, tmp_path / "out")
    assert _regions(task) == [("d1", "ents", "body_view", 26, 32)]


def test_each_annotator_keeps_own_region_ids(tmp_path: Path, ctx: ExportContext) -> None:
    path = _task_file(tmp_path, [_region("A1", 0, 5, "ACTOR")])
    task = json.loads(path.read_text("utf-8"))[0]
    task["annotations"].append(
        {"completed_by": {"email": "bo@x"}, "result": [_region("B1", 0, 5, "ACTOR")]}
    )
    path.write_text(json.dumps([task]), encoding="utf-8")
    ann, bo = read_documents(path, "labelstudio", ReadOptions())
    assert ann.meta == bo.meta
    ctx2 = ExportContext(scheme=ctx.scheme, layer="ann@x", other_layers={"bo@x": {bo.id: bo}})
    (out,) = _export([ann], ctx2, tmp_path / "out")
    assert [_regions({"annotations": [a]})[0][0] for a in out["annotations"]] == ["A1", "B1"]


def test_unreadable_kept_structure_falls_back_to_our_names(
    tmp_path: Path, ctx: ExportContext
) -> None:
    meta = {
        STRUCTURE_META: {
            "data_key": "title",  # would be overwritten by the title
            "controls": [["ents", 3]],
            "regions": {"": [[0, 5, "ACTOR"]]},
        }
    }
    doc = DocData("d", "Alice met Bob.", meta, (SpanData("s1", 0, 5, "ACTOR"),), layer="gold")
    (task,) = _export([doc], ctx, tmp_path / "out")
    assert _regions(task) == [("s1", "label", "text", 0, 5)]
    assert task["data"]["text"] == "Alice met Bob." and task["meta"] == {}


def test_our_own_export_read_back_keeps_nothing(
    tmp_path: Path, ctx: ExportContext, news_docs: list[DocData]
) -> None:
    """Our names and region ids need no keeping (the export writes them anyway): no metadata
    grows for a round trip through our own files."""
    write(news_docs[:3], tmp_path / "out", ctx)
    back = list(read_documents(tmp_path / "out", "labelstudio", ReadOptions()))
    assert back and all(STRUCTURE_META not in doc.meta for doc in back)
    path = _task_file(tmp_path, [_region("s1", 0, 5, "ACTOR")])
    (peer,) = read_documents(path, "labelstudio", ReadOptions())
    assert peer.meta[STRUCTURE_META]["controls"] == [["ents", "body_view"]]
