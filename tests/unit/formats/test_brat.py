from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.reading import ReadOptions, detect_format, read_documents
from annotator.values import DocData


def _read(path: Path, options: ReadOptions | None = None) -> list[DocData]:
    return list(read_documents(path, "brat", options or ReadOptions()))


def _news(corpus: Path) -> Path:
    return corpus / "brat_nlplab_examples" / "example-data" / "tutorials" / "news"


def _dkpro(corpus: Path) -> Path:
    return corpus / "brat_dkpro_tests" / "brat"


def _by_id(doc: DocData) -> dict[str, tuple[str, str]]:
    return {s.id: (s.label, doc.text[s.start : s.end]) for s in doc.spans}


def test_whole_nlplab_tree_reads_and_reports(corpus: Path) -> None:
    root = corpus / "brat_nlplab_examples"
    assert detect_format(root) == "brat"
    options = ReadOptions()
    docs = _read(root, options)
    assert len(docs) == 22
    assert len({d.id for d in docs}) == 22
    assert sum(len(d.spans) for d in docs) == 510
    counts = options.report.counts
    assert counts["brat .txt file without an .ann file skipped"] == 1  # SOURCE.txt
    assert counts["brat equivalence (*) line skipped"] == 8
    assert counts["brat note on a relation skipped"] == 1
    for doc in docs:  # every span id unique, every relation end present
        ids = [s.id for s in doc.spans]
        assert len(ids) == len(set(ids))
        for rel in doc.relations:
            assert rel.head in ids and rel.tail in ids


def test_090_events_become_trigger_spans_and_role_relations(corpus: Path) -> None:
    (doc,) = _read(_news(corpus) / "090-event_structures.ann")
    spans = _by_id(doc)
    assert spans["T3"] == ("Merge-org", "merged")
    rels = {r.id: (r.label, r.head, r.tail) for r in doc.relations}
    assert rels["E1.Org-Arg"] == ("Org-Arg", "T3", "T1")
    assert rels["E1.Org-Arg2"] == ("Org-Arg2", "T3", "T2")  # numbered role kept as written
    # nested event argument: Report E2 -> Event-Arg E1 points at E1's trigger span
    assert rels["E2.Event-Arg"] == ("Event-Arg", "T5", "T3")
    assert spans["T5"] == ("Report", "reported")
    assert rels["E3.Event-Arg"] == ("Event-Arg", "T11", "T12")  # chain of reports


def test_attributes_normalisation_and_notes(corpus: Path) -> None:
    (doc110,) = _read(_news(corpus) / "110-note_annotation.ann")
    t1 = next(s for s in doc110.spans if s.id == "T1")
    assert t1.attrs["note"] == "Should fictional places be annotated?"
    e1_trigger = next(s for s in doc110.spans if s.id == "T5")
    assert "participants" in str(e1_trigger.attrs["note"])
    # R2 ends in a trailing tab: still read
    assert any(r.id == "R2" and r.label == "Family" for r in doc110.relations)
    (doc100,) = _read(_news(corpus) / "100-attribute_annotation.ann")
    values = [v for s in doc100.spans for v in s.attrs.values()]
    assert True in values  # binary attribute
    assert any(isinstance(v, str) for v in values)  # valued attribute
    options = ReadOptions()
    normalised = [s for d in _read(_news(corpus), options) for s in d.spans if s.entity is not None]
    assert [s.entity for s in normalised] == ["Carlos Salinas de Gortari"]
    assert options.report.counts["brat normalisation reference not kept (the entity name is)"] == 1


def test_empty_ann_gives_document_without_annotations(corpus: Path) -> None:
    (doc,) = _read(_news(corpus) / "010-navigation.ann")
    assert doc.text and doc.spans == () and doc.relations == ()


def test_discontinuous_spans(corpus: Path) -> None:
    options = ReadOptions()
    # "5 7;8 9": only a line break between the fragments -> one span, nothing lost
    (doc,) = _read(_dkpro(corpus) / "document0c.ann", options)
    assert _by_id(doc)["T2"] == ("Token", "is\na")
    assert "T2~2" not in _by_id(doc)
    # "5 7;9 10": a real gap -> one span per fragment
    (doc_d,) = _read(_dkpro(corpus) / "document0d.ann", options)
    spans = _by_id(doc_d)
    assert spans["T2"] == ("Token", "is")
    assert spans["T2~2"] == ("Token", "n")
    counts = options.report.counts
    assert counts["brat fragments separated only by whitespace joined into one span"] == 1
    assert counts["brat discontinuous span split into one span per fragment"] == 1


def test_dkpro_events_notes_and_missing_text_files(corpus: Path) -> None:
    options = ReadOptions()
    docs = {d.id: d for d in _read(_dkpro(corpus), options)}
    assert "document1" in docs and "document1-ref" not in docs
    assert not any("SOURCE" in d or "LICENSE" in d for d in docs)
    assert options.report.counts["brat .ann file without a .txt file skipped"] == 5
    doc1 = docs["document1"]
    rels = {(r.label, r.head, r.tail) for r in doc1.relations}
    assert ("Org1", "T2", "T1") in rels and ("Origin", "T3", "T4") in rels
    event = docs["event"]
    # E1 Speaker:T1 Speak:T2 -> trigger "John" labelled Speaker, role Speak -> the quote
    (speak,) = event.relations
    assert speak.label == "Speak"
    assert _by_id(event)[speak.head][0] == "Speaker"
    # document0b: events without arguments, no trailing newline
    assert len(docs["document0b"].spans) == 5


def test_annotation_conf_declares_labels(corpus: Path) -> None:
    options = ReadOptions()
    _read(_news(corpus), options)
    # every label used in the tutorial is declared except one (Alias is declared; 'Reference'
    # normalisation types are not labels): at most a handful undeclared
    assert options.report.counts["brat label not declared in annotation.conf"] <= 2


def test_offset_mismatch_names_ann_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Khalifa Haftar said.", encoding="utf-8")
    (tmp_path / "a.ann").write_text(
        "T1\tPerson 0 7\tKhalifa\nT2\tPerson 8 14\tHaftaX\n", encoding="utf-8"
    )
    with pytest.raises(ImportFailed) as exc:
        _read(tmp_path)
    assert f"{tmp_path / 'a.ann'}:2:" in str(exc.value)
    (tmp_path / "a.ann").write_text("T1\tPerson 0 99\tKhalifa\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"a\.ann:1: .*outside the text"):
        _read(tmp_path)


def test_code_point_offsets_with_emoji_and_crlf(tmp_path: Path) -> None:
    text = "😊 Haftar\r\nsaid 😊 hi"
    (tmp_path / "e.txt").write_bytes(text.encode("utf-8"))
    (tmp_path / "e.ann").write_text("T1\tPerson 2 8\tHaftar\nT2\tX 17 19\thi\n", encoding="utf-8")
    (doc,) = _read(tmp_path / "e.txt")
    assert [doc.text[s.start : s.end] for s in doc.spans] == ["Haftar", "hi"]


def test_unknown_reference_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("abc def", encoding="utf-8")
    (tmp_path / "a.ann").write_text("T1\tX 0 3\tabc\nR1\tRel Arg1:T1 Arg2:T9\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"a\.ann:2: .*T9"):
        _read(tmp_path)
