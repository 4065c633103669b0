"""The WebAnno TSV reader streams its file (one document, read sentence by sentence): on every
WebAnno file of the shared corpus, on this tool's own exports and on variants of them (line
endings, ``#Text`` lines that disagree with the offsets, errors late in the file, a bad
reference together with a later parse error) it gives what the reader that read the whole file
gave (``golden_webanno_reader.json``, written by that reader), in small pieces as in large ones,
and holds far less than the file while reading a large one.

Regenerate the golden only for an intended change, with the code base to compare against:
``PYTHONPATH=<that code base>:tests python tests/unit/formats/test_webanno_streaming.py``.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import tracemalloc
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import ImportFailed
from annotator.formats import textfile
from annotator.formats.reading import ReadOptions, read_documents
from annotator.formats.webanno import STRUCTURE_META, TOKENS_KEY

HERE = Path(__file__).parent
GOLDEN = HERE / "golden_webanno_reader.json"
OWN = HERE / "golden_webanno_writer"  # files this tool's writer wrote
FEATURES = (None, "Referent|entity", "NamedEntity|value", "Span|label")
VARIED = (  # corpus files (and own exports) whose variants are read too
    "news_gum_webanno_tsv/coref_gum_tsv/GUM_news_afghan.tsv",
    "webanno_tsv3_inception/tsv3-suite/testSentenceWithEmoji/reference.tsv",
    "webanno_tsv3_inception/tsv3-suite/sampleSlotAnnotation1/reference.tsv",
    "webanno_tsv3_inception/tsv3-suite/testSingleTokenRelationWithMultipleFeatureValues/reference.tsv",
    "webanno_tsv3_inception/webanno-legacy/multiline.tsv",
    "own/a/astral.tsv",
)


def _token_rows(lines: list[str]) -> list[int]:
    return [i for i, ln in enumerate(lines) if ln and not ln.startswith("#") and "\t" in ln]


def _bad_reference(lines: list[str]) -> list[str]:
    """The first relation or slot reference to a token (``S-T`` in an annotation cell) made to
    name a token that is not there."""
    out = list(lines)
    for i in _token_rows(lines):
        cells = lines[i].split("\t")
        for c in range(4, len(cells)):
            if re.match(r"^\d+-\d+", cells[c]):
                cells[c] = "99-99"
                out[i] = "\t".join(cells)
                return out
    return out


def _short_last_row(lines: list[str]) -> list[str]:
    out = list(lines)
    last = _token_rows(lines)[-1]
    out[last] = "\t".join(lines[last].split("\t")[:-2])
    return out


VARIANTS: dict[str, Callable[[list[str]], list[str]]] = {
    "text changed": lambda ls: [
        ln[:9] + "Z" + ln[10:] if ln.startswith("#Text=") else ln for ln in ls
    ],
    "no text lines": lambda ls: ["#Sentence.id=x" if ln.startswith("#Text=") else ln for ln in ls],
    "escapes in text": lambda ls: [ln + "\\t\\\\" if ln.startswith("#Text=") else ln for ln in ls],
    "late short row": _short_last_row,
    "late bad offsets": lambda ls: [
        re.sub(r"\t\d+-\d+\t", "\t9-3\t", ln, count=1) if i == _token_rows(ls)[-1] else ln
        for i, ln in enumerate(ls)
    ],
    "bad reference": _bad_reference,
    "bad reference, later parse error": lambda ls: _short_last_row(_bad_reference(ls)),
}


def _cases(corpus: Path, folder: Path) -> dict[str, Path]:
    """Every case's name and file: the corpus's WebAnno files, this tool's exports, and the
    variants (written under ``folder``)."""
    cases = {
        str(p.relative_to(corpus)): p
        for p in sorted(corpus.rglob("*.tsv"))
        if "webanno" in p.parts[len(corpus.parts)]
    }
    cases |= {f"own/{p.relative_to(OWN)}": p for p in sorted(OWN.rglob("*.tsv"))}
    for k, name in enumerate(VARIED):
        text = cases[name].read_bytes().decode("utf-8")
        lines = text.split("\n")
        bodies = {"crlf": "\r\n".join(lines)} | {
            variant: "\n".join(change(lines)) for variant, change in VARIANTS.items()
        }
        for variant, body in bodies.items():
            path = folder / f"v{k}-{variant.replace(' ', '_').replace(',', '')}.tsv"
            path.write_bytes(body.encode("utf-8"))
            cases[f"{name} / {variant}"] = path
    return cases


def _digest(value: Any) -> str:
    return hashlib.sha256(repr(value).encode("utf-8")).hexdigest()[:20]


def _outcome(path: Path, feature: str | None) -> dict[str, Any]:
    """What reading gives, in a form that does not depend on where the file is: the error
    (its path cut to the file name), or each document's digest and counts, and the report."""
    options = ReadOptions(tsv_feature=feature)
    try:
        docs = list(read_documents(path, "webanno", options))
    except ImportFailed as exc:
        return {"error": str(exc).replace(str(path.parent) + "/", "")}
    return {
        "docs": [
            {
                # the golden predates the structure kept for the export; it is compared apart
                "digest": _digest(replace(d, source_path=None, meta=_without_structure(d.meta))),
                "structure": _digest([d.meta.get(k) for k in STRUCTURE_KEYS]),
                "text": len(d.text),
                "spans": len(d.spans),
                "relations": len(d.relations),
            }
            for d in docs
        ],
        "report": options.report.lines(),
    }


STRUCTURE_KEYS = (STRUCTURE_META, TOKENS_KEY)


def _without_structure(meta: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in meta.items() if k not in STRUCTURE_KEYS}


def _golden_part(outcome: dict[str, Any]) -> dict[str, Any]:
    """An outcome without the structure digests (not in the golden file)."""
    if "docs" not in outcome:
        return outcome
    docs = [{k: v for k, v in d.items() if k != "structure"} for d in outcome["docs"]]
    return {**outcome, "docs": docs}


def _outcomes(corpus: Path, folder: Path) -> dict[str, Any]:
    return {
        f"{name} | {feature}": _outcome(path, feature)
        for name, path in _cases(corpus, folder).items()
        for feature in FEATURES
    }


def test_every_file_reads_as_the_whole_file_reader_read_it(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))
    outcomes = _outcomes(corpus, tmp_path)
    assert outcomes.keys() == golden.keys()
    different = [case for case in golden if _golden_part(outcomes[case]) != golden[case]]
    assert not different, different[:5]
    assert sum("error" in o for o in golden.values()) > 100  # errors are compared too
    assert sum("docs" in o for o in golden.values()) > 100
    monkeypatch.setattr(textfile, "_CHUNK", 97)  # the same in small pieces
    assert _outcomes(corpus, tmp_path) == outcomes


def test_late_errors_name_their_line_in_small_pieces(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _large_file(tmp_path, 300, spans_every=1)
    lines = path.read_text(encoding="utf-8").split("\n")
    rows = _token_rows(lines)
    monkeypatch.setattr(textfile, "_CHUNK", 97)
    bad = list(lines)
    bad[rows[-5]] = "\t".join(lines[rows[-5]].split("\t")[:3])
    path.write_text("\n".join(bad), encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        list(read_documents(path, "webanno", ReadOptions()))
    assert str(err.value).startswith(f"[E120] {path}:{rows[-5] + 1}: token line has 0 annotation")
    bad = list(lines)
    cells = lines[rows[3]].split("\t")
    cells[-3:-1] = ["agent", "99-99"]  # the relation columns: label, base (then a final tab)
    bad[rows[3]] = "\t".join(cells)
    path.write_text("\n".join(bad), encoding="utf-8")
    with pytest.raises(ImportFailed) as err:
        list(read_documents(path, "webanno", ReadOptions()))
    assert str(err.value) == f"[E120] {path}:{rows[3] + 1}: bad relation reference '99-99'"
    bad[rows[-2]] = "9-9\t1-2\tx"
    path.write_text("\n".join(bad), encoding="utf-8")
    with pytest.raises(ImportFailed) as err:  # the parse error, though the reference came first
        list(read_documents(path, "webanno", ReadOptions()))
    assert str(err.value).startswith(f"[E120] {path}:{rows[-2] + 1}: token line has 0 annotation")


def _large_file(folder: Path, n: int, spans_every: int) -> Path:
    """One document of ``n`` articles written by this tool's writer; one span in every
    ``spans_every`` articles (the span layer has roles and relations in its header)."""
    from annotator.formats import webanno
    from annotator.formats.writing import ExportContext
    from annotator.scheme import load_scheme
    from annotator.values import DocData, SpanData

    from .conftest import news_doc

    texts, spans, pos = [], [], 0
    for k in range(n):
        text = news_doc(k).text
        if k % spans_every == 0:
            spans.append(SpanData(f"s{k}", pos, pos + text.index(" "), "ACTOR"))
        texts.append(text)
        pos += len(text) + 1
    out = folder / f"large-{n}"
    doc = DocData("long", " ".join(texts), {}, tuple(spans))
    webanno.write([doc], out, ExportContext(scheme=load_scheme("news")))
    return out / "long.tsv"


def test_reading_a_large_file_holds_far_less_than_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textfile, "_CHUNK", 1 << 14)
    path = _large_file(tmp_path, 1500, spans_every=50)
    size = path.stat().st_size
    assert size > 1 << 20
    tracemalloc.start()
    try:
        (doc,) = read_documents(path, "webanno", ReadOptions())
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(doc.spans) == 30 and len(doc.text) > size // 10
    # Read whole, the file's text alone is its size, and its lines and rows several times
    # that. What is kept: the document's text (placed once), the addresses, a piece.
    assert peak < size * 2 // 3, (peak, size)  # the reader that read it whole: 12 x size


if __name__ == "__main__":  # write the golden with the code base on PYTHONPATH
    import tempfile

    from shared_data import require_shared

    with tempfile.TemporaryDirectory() as tmp:
        golden = _outcomes(require_shared("corpus"), Path(tmp))
    GOLDEN.write_text(json.dumps(golden, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{len(golden)} cases written to {GOLDEN}", file=sys.stderr)
