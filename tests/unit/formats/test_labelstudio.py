from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.reading import ReadOptions, detect_format, read_documents
from annotator.values import DocData


def _ls(corpus: Path) -> Path:
    return corpus / "labelstudio_json"


def _read(path: Path, options: ReadOptions | None = None) -> list[DocData]:
    return list(read_documents(path, "labelstudio", options or ReadOptions()))


def test_named_entity_annotation(corpus: Path) -> None:
    path = _ls(corpus) / "lsf_examples" / "named_entity" / "annotations" / "1.json"
    assert detect_format(path) == "labelstudio"
    (doc,) = _read(path)
    (span,) = doc.spans
    assert (span.label, doc.text[span.start : span.end]) == ("Date", "February 22")
    assert doc.text.startswith("Showers continued throughout the week in the Bahia cocoa zone")


def test_predictions_only_when_asked(corpus: Path) -> None:
    path = _ls(corpus) / "lsf_examples" / "named_entity" / "tasks.json"
    options = ReadOptions()
    (doc,) = _read(path, options)
    assert doc.spans == ()
    assert options.report.counts["Label Studio prediction not read"] == 1
    (pred,) = _read(path, ReadOptions(predictions=True))
    assert pred.layer == "prediction:model 1"
    assert [pred.text[s.start : s.end] for s in pred.spans] == ["February 22"]


def test_stored_text_mismatch_keeps_offsets_and_reports(corpus: Path) -> None:
    path = _ls(corpus) / "lsf_examples" / "rich_text_plain" / "annotations" / "1.json"
    options = ReadOptions()
    (doc,) = _read(path, options)  # text found in data["ner"] through config.xml
    (span,) = doc.spans
    assert doc.text[span.start : span.end] == " supporters"
    key = "Label Studio value.text differs from the text at its offsets (offsets kept)"
    assert options.report.counts[key] == 1


@pytest.mark.parametrize("file", ["annotations/1.json", "tasks.json"])
def test_hypertext_task_refused(corpus: Path, file: str) -> None:
    """A HyperText task's data is an HTML page and its regions XPath ranges in the rendered page:
    imported, its markup became the text and its regions were lost. It is refused, naming the
    file, the line and the task (the annotations file by its regions, the tasks file, whose
    predictions are not read, by its config's <HyperText> tag)."""
    path = _ls(corpus) / "lsf_examples" / "rich_text_html" / file
    with pytest.raises(ImportFailed) as err:
        _read(path)
    message = str(err.value)
    assert message.startswith(f"[E120] {path}:")
    assert "task 1 is a HyperText (HTML) task" in message and "\n" not in message


def test_real_exports_envelope_and_unknown_types(corpus: Path) -> None:
    options = ReadOptions()
    docs = _read(
        _ls(corpus) / "heartex_real_exports" / "test_export_csv" / "csv_test.json", options
    )
    assert [d.layer for d in docs] == ["hakan@heartex.com", "hakan@heartex.com"]
    assert docs[0].text.startswith("Calif. wildfires")
    assert options.report.counts["Label Studio result of type 'rectanglelabels' skipped"] == 3
    with pytest.raises(ImportFailed, match="cannot tell which data field holds the text"):
        _read(_ls(corpus) / "heartex_real_exports" / "test_export_json_min" / "data.json")


def test_relation_from_sdk_literal(corpus: Path, tmp_path: Path) -> None:
    src = _ls(corpus) / "ls_sdk_test_extract" / "text_labels_with_relation.prediction.json"
    with pytest.raises(ImportFailed, match="not a Label Studio task"):
        _read(src)
    prediction = json.loads(src.read_text(encoding="utf-8"))
    task = {
        "id": 7,
        "data": {"text": "first 😊 second"},
        "annotations": [{"completed_by": {"email": "a@x"}, "result": prediction["result"]}],
    }
    for res in task["annotations"][0]["result"]:
        if res["type"] == "labels":  # UTF-16 offsets of this text
            res["value"]["start"], res["value"]["end"] = (
                (0, 5) if res["id"] == "region1" else (9, 15)
            )
    f = tmp_path / "export.json"
    f.write_text(json.dumps([task], ensure_ascii=False), encoding="utf-8")
    (doc,) = _read(f)
    assert doc.id == "7" and doc.layer == "a@x"
    spans = {s.id: (s.label, doc.text[s.start : s.end]) for s in doc.spans}
    assert spans == {"region1": ("label1", "first"), "region2": ("label2", "second")}
    (rel,) = doc.relations
    assert (rel.head, rel.tail, rel.label) == ("region1", "region2", "related")


def test_per_region_choices_become_attributes(tmp_path: Path) -> None:
    region = {
        "id": "r1",
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "value": {"start": 0, "end": 6, "labels": ["CLAIM"]},
    }
    stance = {
        "id": "r1",
        "from_name": "stance",
        "to_name": "text",
        "type": "choices",
        "value": {"start": 0, "end": 6, "choices": ["oppose"]},
    }
    whole = {
        "id": "t1",
        "from_name": "topic",
        "to_name": "text",
        "type": "choices",
        "value": {"choices": ["politics"]},
    }
    task = {
        "data": {"text": "Denied everything."},
        "annotations": [{"result": [region, stance, whole]}],
    }
    f = tmp_path / "t.json"
    f.write_text(json.dumps(task), encoding="utf-8")
    options = ReadOptions()
    (doc,) = _read(f, options)
    (span,) = doc.spans
    assert dict(span.attrs) == {"stance": "oppose"}
    assert options.report.counts["Label Studio result of type 'choices' skipped"] == 1


def test_json_min_export(tmp_path: Path) -> None:
    rows = [
        {
            "id": 3,
            "text": "Haftar 😊 met Sarraj.",
            "annotator": "ann@x",
            "label": [
                {"start": 0, "end": 6, "text": "Haftar", "labels": ["PER"]},
                {"start": 14, "end": 20, "text": "Sarraj", "labels": ["PER"]},
            ],
            "sentiment": "positive",
        }
    ]
    f = tmp_path / "min.json"
    f.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    options = ReadOptions()
    (doc,) = _read(f, options)
    assert options.report.counts["Label Studio JSON-MIN field 'sentiment' not read"] == 1
    assert doc.id == "3" and doc.layer == "ann@x"
    assert [doc.text[s.start : s.end] for s in doc.spans] == ["Haftar", "Sarraj"]
