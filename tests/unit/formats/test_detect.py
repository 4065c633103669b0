from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.reading import ReadOptions, detect_format, read_documents
from annotator.formats.registry import format_spec, reader_names


def test_registry_names() -> None:
    assert set(reader_names()) == {
        "jsonl",
        "txt",
        "csv",
        "brat",
        "doccano",
        "labelstudio",
        "prodigy",
        "spacy",
        "conll",
        "webanno",
        "html",
    }
    assert format_spec("txt").reader == "annotator.formats.plaintext"  # type: ignore[union-attr]
    assert format_spec("csv").reader == "annotator.formats.csv"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "rec,fmt",
    [
        ({"text": "a", "label": [[0, 1, "X"]]}, "doccano"),
        ({"text": "a", "labels": [[0, 1, "X"]]}, "doccano"),
        (
            {
                "text": "a",
                "entities": [{"id": 1, "start_offset": 0, "end_offset": 1, "label": "X"}],
                "relations": [],
            },
            "doccano",
        ),
        (
            {"text": "a", "annotations": [{"label": 1, "start_offset": 0, "end_offset": 1}]},
            "doccano",
        ),
        ({"text": "a", "tokens": [], "spans": []}, "prodigy"),
        (
            {
                "text": "a",
                "spans": [{"start": 0, "end": 1, "token_start": 0, "token_end": 0, "label": "X"}],
            },
            "prodigy",
        ),
        (
            {
                "id": "d",
                "text": "a",
                "spans": [{"id": "s1", "start": 0, "end": 1, "label": "X"}],
                "relations": [],
            },
            "jsonl",
        ),
    ],
)
def test_jsonl_sniffing(tmp_path: Path, rec: dict[str, object], fmt: str) -> None:
    f = tmp_path / "x.jsonl"
    f.write_text(json.dumps(rec) + "\n", encoding="utf-8")
    assert detect_format(f) == fmt


def test_folders_and_extensions(tmp_path: Path, corpus: Path) -> None:
    assert detect_format(corpus / "brat_dkpro_tests") == "brat"
    assert detect_format(corpus / "webanno_tsv3_inception" / "tsv3-suite") == "webanno"
    assert detect_format(corpus / "spacy_docbin_explosion") == "spacy"
    assert detect_format(corpus / "conll") == "conll"
    (tmp_path / "a.txt").write_text("hello", encoding="utf-8")
    assert detect_format(tmp_path) == "txt"
    assert detect_format(tmp_path / "a.txt") == "txt"
    (tmp_path / "a.ann").write_text("", encoding="utf-8")
    assert detect_format(tmp_path / "a.txt") == "brat"
    assert detect_format(tmp_path) == "brat"
    (tmp_path / "t.csv").write_text("text\nx\n", encoding="utf-8")
    assert detect_format(tmp_path / "t.csv") == "csv"
    (tmp_path / "x.xyz").write_text("?", encoding="utf-8")
    with pytest.raises(ImportFailed, match="pass --format"):
        detect_format(tmp_path / "x.xyz")
    with pytest.raises(ImportFailed, match="no such file"):
        detect_format(tmp_path / "missing")


def test_read_documents_auto_and_unknown(corpus: Path) -> None:
    path = corpus / "webanno_tsv3_inception" / "tsv3-suite" / "testSentenceWithEmoji"
    (doc,) = read_documents(path, "auto", ReadOptions())
    assert "😊" in doc.text
    with pytest.raises(ImportFailed, match="unknown format 'nope'"):
        list(read_documents(path, "nope"))
