"""Issue 11 defect 6: a CoNLL file imported and exported again keeps its tokens, sentence
breaks and extra columns; IO tagging is accepted."""

from __future__ import annotations

from pathlib import Path

from annotator.formats.reading import ReadOptions, read_documents
from annotator.scheme import scheme_from_dict

from .roundtrip import round_trip


def _rows(path: Path) -> list[list[str]]:
    """Token lines as columns, blank lines as [] (sentence breaks), -DOCSTART- left out."""
    out: list[list[str]] = []
    for line in path.read_text("utf-8").splitlines():
        cols = line.split("\t") if "\t" in line else line.split()
        if cols and cols[0] == "-DOCSTART-":
            continue
        if not cols and (not out or not out[-1]):
            continue
        out.append(cols)
    while out and not out[-1]:
        out.pop()
    return out


def _scheme(labels: list[str]) -> object:
    return scheme_from_dict({"name": "ner", "labels": labels})


def test_tokens_sentences_and_columns_written_back(tmp_path: Path) -> None:
    src = tmp_path / "in.conll"
    src.write_text(
        "-DOCSTART- -X- -X- O\n\n"
        "#DONETSK NNP B-NP B-LOC\nrebels NNS I-NP O\nsaid VBD B-VP O\n\n"
        "U.S.-backed JJ B-NP O\nforces NNS I-NP O\n's POS B-NP O\nKyiv NNP I-NP B-LOC\n"
        "Oblast NNP I-NP I-LOC\n.\t.\tO\tO\n\n",
        encoding="utf-8",
    )
    before, after, out = round_trip(_scheme(["LOC"]), [src], "conll", "conll", tmp_path)
    assert before == after
    rows = _rows(out)
    assert [r[0] for r in rows if r] == [
        "#DONETSK", "rebels", "said", "U.S.-backed", "forces", "'s", "Kyiv", "Oblast", ".",
    ]  # fmt: skip
    assert [] in rows and rows.index([]) == 3  # the sentence break where it was
    assert rows[0] == ["#DONETSK", "NNP", "B-NP", "B-LOC"]
    assert rows[8] == ["Oblast", "NNP", "I-NP", "I-LOC"]
    assert out.read_text("utf-8").startswith("-DOCSTART-\t-X-\t-X-\tO\n\n")


def test_conll2003_sample_keeps_columns(corpus: Path, tmp_path: Path) -> None:
    src = corpus / "conll" / "dkpro_conll2003_en-orig.conll"
    options = ReadOptions()
    (doc,) = read_documents(src, "conll", options)
    labels = sorted({s.label for s in doc.spans})
    before, after, out = round_trip(_scheme(labels), [src], "conll", "conll", tmp_path)
    assert before == after
    original, written = _rows(src), _rows(out)
    assert [r[:3] for r in written] == [r[:3] for r in original]  # token, POS, chunk, breaks
    assert any("extra columns" in line for line in options.report.lines())


def test_io_tagging_accepted(tmp_path: Path) -> None:
    src = tmp_path / "io.bio"
    src.write_text(
        "Fayez PER\nal-Sarraj PER\nvisited O\nRome LOC\nand O\nParis LOC\n", encoding="utf-8"
    )
    options = ReadOptions()
    (doc,) = read_documents(src, "conll", options)
    assert [(s.label, doc.text[s.start : s.end]) for s in doc.spans] == [
        ("PER", "Fayez al-Sarraj"),
        ("LOC", "Rome"),
        ("LOC", "Paris"),
    ]
    assert any("IO tags" in line for line in options.report.lines())
    before, after, _out = round_trip(_scheme(["PER", "LOC"]), [src], "conll", "conll", tmp_path)
    assert before == after


def test_europeana_without_sentence_breaks_round_trips(corpus: Path, tmp_path: Path) -> None:
    src = corpus / "conll" / "europeana_enp_FR.bnf.first600.bio"
    (doc,) = read_documents(src, "conll")
    labels = sorted({s.label for s in doc.spans})
    before, after, out = round_trip(_scheme(labels), [src], "conll", "conll", tmp_path)
    assert before == after
    assert [r[0] for r in _rows(out) if r] == [r[0] for r in _rows(src) if r]
