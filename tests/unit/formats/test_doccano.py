from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.reading import ReadOptions, detect_format, read_documents
from annotator.values import DocData


def _dc(corpus: Path) -> Path:
    return corpus / "doccano_jsonl"


def _read(path: Path, options: ReadOptions | None = None) -> list[DocData]:
    return list(read_documents(path, "doccano", options or ReadOptions()))


def _spans(doc: DocData) -> list[tuple[str, str]]:
    return [(s.label, doc.text[s.start : s.end]) for s in doc.spans]


def test_current_sequence_labelling_export(corpus: Path) -> None:
    path = (
        _dc(corpus)
        / "doccano/backend/data_export/pipeline/examples/sequence_labeling"
        / "example.jsonl"
    )
    assert detect_format(path) == "doccano"
    docs = _read(path)
    assert [d.id for d in docs] == ["example:1", "example:2", "example:3"]
    assert _spans(docs[0]) == [("ORG", "EU"), ("MISC", "German")]
    assert _spans(docs[2]) == [("PERSON", "Obama")]
    assert docs[0].source_line == 1 and docs[2].source_line == 3


def test_pretty_printed_relation_export(corpus: Path) -> None:
    path = (
        _dc(corpus)
        / "doccano/backend/data_export/pipeline/examples/relation_extraction"
        / "example.jsonl"
    )
    assert detect_format(path) == "doccano"
    (doc,) = _read(path)
    assert _spans(doc)[2] == ("PERSON", "Larry Page")
    by_id = {s.id: doc.text[s.start : s.end] for s in doc.spans}
    assert [(r.label, by_id[r.head], by_id[r.tail]) for r in doc.relations] == [
        ("foundedAt", "Google", "September 4, 1998"),
        ("foundedBy", "Google", "Larry Page"),
        ("foundedBy", "Google", "Sergey Brin"),
    ]


def test_old_v1_export_one_document_per_user(corpus: Path) -> None:
    docs = _read(_dc(corpus) / "doccano-transformer" / "labeling.jsonl")
    first = [d for d in docs if d.id == "2578"]
    assert sorted(d.layer or "" for d in first) == ["doccano-user-1", "doccano-user-2"]
    assert ("12", "JAPAN") in _spans(first[0])  # label ids kept, to be mapped


def test_v12_labels_and_meta(corpus: Path) -> None:
    docs = _read(_dc(corpus) / "doccano-transformer" / "labeling_text_label.jsonl")
    assert [d.id for d in docs] == ["2578", "2580"]
    assert ("PER", "Marcello Cuttitta") in _spans(docs[1])


def test_record_without_text_names_the_line(corpus: Path) -> None:
    path = _dc(corpus) / "doccano/backend/data_import/tests/data/sequence_labeling/example.jsonl"
    with pytest.raises(ImportFailed, match=r"example\.jsonl:3: record has no 'text'"):
        _read(path)
    placeholders = (
        _dc(corpus)
        / "doccano/backend/data_import/pipeline/examples"
        / "sequence_labeling"
        / "example.jsonl"
    )
    with pytest.raises(ImportFailed, match="column_data"):
        _read(placeholders)


def test_duplicate_span_merged_and_counted(corpus: Path) -> None:
    path = (
        _dc(corpus)
        / "doccano/backend/data_import/tests/data/sequence_labeling"
        / "example_overlapping.jsonl"
    )
    options = ReadOptions()
    (doc,) = _read(path, options)
    assert len(doc.spans) == 1
    assert options.report.counts["doccano duplicate span merged"] == 1


def test_utf16_offsets_converted(tmp_path: Path) -> None:
    text = "😊😊 Haftar met 😊 Sarraj"
    # JavaScript (UTF-16) offsets: each emoji counts 2
    rec = {"text": text, "label": [[5, 11, "PER"], [19, 25, "PER"]]}
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    (doc,) = _read(f)
    assert _spans(doc) == [("PER", "Haftar"), ("PER", "Sarraj")]


def test_out_of_range_and_bad_json(tmp_path: Path) -> None:
    f = tmp_path / "a.jsonl"
    f.write_text(
        '{"text": "abc", "label": [[0, 3, "X"]]}\n{"text": "abc", "label": [[1, 9, "X"]]}\n',
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed, match=r"a\.jsonl:2: .*outside the text"):
        _read(f)
    f.write_text('{"text": "abc", "label": []}\n{"text": "abc", \n', encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"a\.jsonl:\d+: invalid JSON"):
        _read(f)


def test_json_array_of_records(tmp_path: Path) -> None:
    f = tmp_path / "all.json"
    f.write_text(
        json.dumps([{"text": "ab", "label": [[0, 1, "X"]]}, {"text": "cd", "label": []}]),
        encoding="utf-8",
    )
    docs = _read(f)
    assert [d.id for d in docs] == ["all:1", "all:2"]


def test_doccano_16_data_label_layout_and_integer_ids(tmp_path: Path) -> None:
    """Issue 11 defect 4: doccano >= 1.6 writes ``data`` + ``label``; integer ids stay integers."""
    from annotator.formats.doccano import record
    from annotator.formats.writing import ExportSummary

    src = tmp_path / "d16.jsonl"
    rows = [
        {"id": 7, "data": "Haftar attacked Tripoli.", "label": [[0, 6, "ACTOR"]]},
        {"id": 8, "data": "Nothing here.", "label": []},
    ]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    docs = list(read_documents(src, "doccano"))
    assert [(d.id, d.text, [(s.start, s.end, s.label) for s in d.spans]) for d in docs] == [
        ("7", "Haftar attacked Tripoli.", [(0, 6, "ACTOR")]),
        ("8", "Nothing here.", []),
    ]
    assert docs[1].annotated is True  # an empty "label" list is an annotation with no span

    class _Ids:
        span = 0
        relation = 0

    out = record(docs[0], _Ids(), ExportSummary("doccano"))  # type: ignore[arg-type]
    assert out["id"] == 7 and isinstance(out["id"], int)
