from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.reading import ReadOptions, detect_format, read_documents
from annotator.values import DocData


def _p(corpus: Path) -> Path:
    return corpus / "prodigy_jsonl_explosion"


def _read(path: Path, options: ReadOptions | None = None) -> list[DocData]:
    return list(read_documents(path, "prodigy", options or ReadOptions()))


def test_ner_manual_headlines(corpus: Path) -> None:
    path = _p(corpus) / "annotated_news_headlines-ORG-PERSON-LOCATION-ner.first80.jsonl"
    assert detect_format(path) == "prodigy"
    docs = _read(path)
    assert len(docs) == 80 and len({d.id for d in docs}) == 80
    first = docs[0]
    assert first.text.startswith("Uber\u2019s Lesson")
    assert [(s.label, first.text[s.start : s.end]) for s in first.spans] == [
        ("ORG", "Uber"),
        ("LOCATION", "Silicon Valley"),
    ]
    assert first.meta["source"] == "The New York Times"


def test_relations_resolve_token_indices_to_spans(corpus: Path) -> None:
    docs = _read(_p(corpus) / "rel_component_annotations.first25.jsonl")
    assert sum(len(d.spans) for d in docs) == 75
    assert sum(len(d.relations) for d in docs) == 47
    first = docs[0]
    text = {s.id: first.text[s.start : s.end] for s in first.spans}
    rel = first.relations[0]
    assert (rel.label, text[rel.head], text[rel.tail]) == ("Pos-Reg", "Smad", "Id1")


def test_ignored_answers_skipped_and_counted(corpus: Path) -> None:
    options = ReadOptions()
    docs = _read(_p(corpus) / "ner_tweets_test_annotated.first40.jsonl", options)
    assert len(docs) == 36
    assert options.report.counts["Prodigy 'ignore' record skipped"] == 4


def test_entity_linking_choice(corpus: Path) -> None:
    docs = _read(_p(corpus) / "nel_emerson_annotated_text.first20.jsonl")
    assert docs[0].spans[0].entity == "Q312545"


def test_token_only_spans_and_errors(tmp_path: Path) -> None:
    rec = {
        "text": "Haftar met Sarraj",
        "tokens": [
            {"text": "Haftar", "start": 0, "end": 6, "id": 0},
            {"text": "met", "start": 7, "end": 10, "id": 1},
            {"text": "Sarraj", "start": 11, "end": 17, "id": 2},
        ],
        "spans": [{"token_start": 2, "token_end": 2, "label": "PER"}],
        "answer": "accept",
    }
    f = tmp_path / "a.jsonl"
    f.write_text(
        json.dumps(rec) + "\n" + json.dumps({**rec, "answer": "reject"}) + "\n", encoding="utf-8"
    )
    (doc,) = _read(f)
    assert doc.text[doc.spans[0].start : doc.spans[0].end] == "Sarraj"
    f.write_text(
        json.dumps({"text": "abc", "spans": [{"start": 0, "end": 9, "label": "X"}]}),
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed, match=r"a\.jsonl:1: .*outside the text"):
        _read(f)
