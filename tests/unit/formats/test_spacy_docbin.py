from __future__ import annotations

from itertools import islice
from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.reading import ReadOptions, detect_format, read_documents


def _s(corpus: Path) -> Path:
    return corpus / "spacy_docbin_explosion"


def test_same_doc_as_prodigy_oracle(corpus: Path) -> None:
    path = _s(corpus) / "ner_tweets_demo.spacy"
    assert detect_format(path) == "spacy"
    (doc,) = read_documents(path, "spacy")
    (oracle,) = read_documents(_s(corpus) / "ner_tweets_demo.jsonl", "prodigy")
    assert doc.text == oracle.text
    assert [(s.start, s.end, s.label) for s in doc.spans] == [
        (s.start, s.end, s.label) for s in oracle.spans
    ]


def test_ents_and_span_groups_deduplicated(corpus: Path) -> None:
    options = ReadOptions(span_keys=("health_aspects",))
    docs = list(
        islice(read_documents(_s(corpus) / "healthsea_spancat_dev.spacy", "spacy", options), 300)
    )  # a sample keeps the test fast
    n = sum(len(d.spans) for d in docs)
    assert n > 100
    # every entity is also in the "health_aspects" group: kept once, counted
    assert options.report.counts["spaCy span repeated (same offsets and label) kept once"] == n


def test_overlapping_span_group(corpus: Path) -> None:
    docs = list(islice(read_documents(_s(corpus) / "ebmnlp_spancat_dev.spacy", "spacy"), 200))
    assert len({d.id for d in docs}) == 200
    overlapping = 0
    for d in docs:
        spans = sorted(d.spans, key=lambda s: (s.start, s.end))
        overlapping += sum(1 for a, b in zip(spans, spans[1:], strict=False) if b.start < a.end)
        for s in d.spans:
            assert 0 <= s.start < s.end <= len(d.text)
    assert overlapping > 50  # overlaps kept, not flattened


def test_old_docbin_clean_error(corpus: Path) -> None:
    with pytest.raises(ImportFailed, match="ud_english_ewt_dev.spacy: cannot read this spaCy"):
        list(read_documents(_s(corpus) / "ud_english_ewt_dev.spacy", "spacy"))


def test_garbage_file_clean_error(tmp_path: Path) -> None:
    f = tmp_path / "x.spacy"
    f.write_bytes(b"not a docbin at all")
    with pytest.raises(ImportFailed, match=r"x\.spacy: cannot read"):
        list(read_documents(f, "spacy"))


def _docbin_with_record(tmp_path: Path, record: dict[str, object]) -> Path:
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc = nlp("Haftar 😊 attacked Tripoli.")
    doc.spans["sc"] = [doc.char_span(0, 6, "ACTOR")]
    doc.spans["sc"].attrs["annotator"] = record
    f = tmp_path / "own.spacy"
    DocBin(docs=[doc], store_user_data=False).to_disk(f)
    return f


def test_own_exact_record_restores_everything(tmp_path: Path) -> None:
    record = {
        "id": "doc-1",
        "layer": "gold",
        "meta": {"title": "T"},
        "spans": [
            ["s1", 0, 6, "ACTOR", {"type": "person"}, "Khalifa Haftar", "person"],
            ["s2", 9, 17, "EVENT", {}, None, None],
            ["s3", 18, 24, "PLACE", {}, None, None],
        ],  # "Tripol": not a token
        "relations": [["r1", "agent", "s2", "s1"]],
    }
    options = ReadOptions()
    (doc,) = read_documents(_docbin_with_record(tmp_path, record), "spacy", options)
    assert (doc.id, doc.layer, dict(doc.meta)) == ("doc-1", "gold", {"title": "T"})
    assert [(s.id, doc.text[s.start : s.end]) for s in doc.spans] == [
        ("s1", "Haftar"),
        ("s2", "attacked"),
        ("s3", "Tripol"),
    ]
    assert doc.spans[0].entity == "Khalifa Haftar" and dict(doc.spans[0].attrs) == {
        "type": "person"
    }
    assert [(r.label, r.head, r.tail) for r in doc.relations] == [("agent", "s2", "s1")]


def test_inconsistent_own_record_falls_back_to_spacy_spans(tmp_path: Path) -> None:
    record = {"id": "x", "spans": [["s1", 0, 999, "ACTOR", {}, None, None]], "relations": []}
    options = ReadOptions()
    (doc,) = read_documents(_docbin_with_record(tmp_path, record), "spacy", options)
    assert [(s.label, doc.text[s.start : s.end]) for s in doc.spans] == [("ACTOR", "Haftar")]
    assert options.report.counts["spaCy inconsistent annotator record ignored"] == 1


def test_default_reads_ents_and_sc_and_reports_other_groups(tmp_path: Path) -> None:
    """Issue 11 defect 5: a group such as ``incorrect_spans`` holds known-wrong spans; only
    ``doc.ents`` and ``sc`` are gold by default, the rest is counted, ``span_keys`` chooses."""
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    doc = nlp("Haftar attacked Tripoli on Monday.")
    doc.ents = [doc.char_span(0, 6, "PERSON")]
    doc.spans["sc"] = [doc.char_span(16, 23, "GPE")]
    doc.spans["incorrect_spans"] = [doc.char_span(7, 15, "ORG"), doc.char_span(27, 33, "ORG")]
    empty = nlp("Nothing here.")
    f = tmp_path / "groups.spacy"
    DocBin(docs=[doc, empty], store_user_data=False).to_disk(f)

    options = ReadOptions()
    first, second = read_documents(f, "spacy", options)
    assert [(s.start, s.end, s.label) for s in first.spans] == [
        (0, 6, "PERSON"),
        (16, 23, "GPE"),
    ]
    assert (
        options.report.counts[
            "spans of spaCy span group 'incorrect_spans' left out (read them with "
            "--span-key incorrect_spans)"
        ]
        == 2
    )
    assert second.spans == () and second.annotated is True  # a negative example

    chosen = ReadOptions(span_keys=("incorrect_spans",))
    first, _ = read_documents(f, "spacy", chosen)
    assert sorted(s.label for s in first.spans) == ["ORG", "ORG", "PERSON"]
    assert any("'sc' left out" in line for line in chosen.report.lines())
