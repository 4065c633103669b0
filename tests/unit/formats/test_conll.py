from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.conll import _decode
from annotator.formats.reading import ReadOptions, detect_format, read_documents
from annotator.values import DocData


def _read(path: Path, options: ReadOptions | None = None) -> list[DocData]:
    return list(read_documents(path, "conll", options or ReadOptions()))


def _spans(doc: DocData) -> list[tuple[str, str]]:
    return [(s.label, doc.text[s.start : s.end]) for s in doc.spans]


def test_iob1_and_iob2_decoding() -> None:
    assert list(_decode(["I-PER", "I-PER", "O", "I-LOC"])) == [(0, 1, "PER"), (3, 3, "LOC")]
    assert list(_decode(["I-PER", "B-PER", "I-PER"])) == [(0, 0, "PER"), (1, 2, "PER")]
    assert list(_decode(["B-PER", "I-LOC", "I-LOC"])) == [(0, 0, "PER"), (1, 2, "LOC")]
    assert list(_decode(["S-X", "B-Y", "E-Y", "O"])) == [(0, 0, "X"), (1, 2, "Y")]


def test_conll2003_four_columns(corpus: Path) -> None:
    path = corpus / "conll" / "dkpro_conll2003_en-orig.conll"
    assert detect_format(path) == "conll"
    (doc,) = _read(path)
    assert doc.text.startswith("U.N. official Ekeus heads for Baghdad")  # joined by spaces
    assert _spans(doc) == [("ORG", "U.N."), ("PER", "Ekeus"), ("LOC", "Baghdad")]


def test_germeval_nested_columns(corpus: Path) -> None:
    options = ReadOptions()
    (doc,) = _read(corpus / "conll" / "dkpro_germeval2014_test.conll", options)
    got = _spans(doc)
    assert ("LOC", "Stuttgart") in got
    assert ("LOCpart", "Troia-Ausstellung") in got
    assert not doc.text.startswith("#")
    assert options.report.counts["CoNLL comment line skipped"] >= 1


def test_bio_without_sentence_breaks(corpus: Path) -> None:
    (fr,) = _read(corpus / "conll" / "europeana_enp_FR.bnf.first600.bio")
    assert "\n" not in fr.text  # no blank lines: one long sentence
    assert ("PER", "Emmanuel DESOLES") in _spans(fr)  # IOB1: I- starts a chunk
    (de,) = _read(corpus / "conll" / "europeana_enp_DE.onb.first600.bio")
    assert len(de.spans) > 20


def test_docstart_splits_documents(corpus: Path) -> None:
    docs = _read(
        corpus / "doccano_jsonl" / "doccano-transformer" / "labeling_text_label.conll2003.user0"
    )
    assert len(docs) == 2 and docs[0].id != docs[1].id
    assert ("PER", "Nadim Ladki") in _spans(docs[0])
    assert docs[0].text.split("\n")[1] == "Nadim Ladki"


def test_doccano_conll_files(corpus: Path) -> None:
    base = corpus / "doccano_jsonl/doccano/backend/data_import/tests/data/sequence_labeling"
    (doc,) = _read(base / "labeling.trailing.conll")
    assert ("LOC", "JAPAN") in _spans(doc)
    with pytest.raises(ImportFailed, match=r"labeling\.invalid\.conll:1: .*'SOCCERO'"):
        _read(base / "labeling.invalid.conll")


def test_bad_tag_names_line(tmp_path: Path) -> None:
    f = tmp_path / "a.conll"
    f.write_text("Haftar B-PER\nsaid O\nit X-Y\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"a\.conll:3: "):
        _read(f)
