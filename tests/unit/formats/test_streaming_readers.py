"""Readers stream their file: CoNLL, CSV, doccano, Prodigy and Label Studio read the same
documents (and give the same first error) when the text comes in small pieces as when it is read
whole, name the right line for an error late in a large file, and hold about one piece of the
file at a time."""

from __future__ import annotations

import csv
import io
import json
import sys
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import ImportFailed
from annotator.formats import textfile
from annotator.formats.reading import ReadOptions, read_documents
from annotator.project import Project
from annotator.transfer import importing
from annotator.transfer.exporting import export_documents
from annotator.values import DocData

from .conftest import news_doc

PIECE = 97  # characters per piece when a test makes the pieces small (odd: cuts anywhere)

CORPUS_FILES: dict[str, tuple[str, ...]] = {
    "conll": (
        "conll/dkpro_conll2003_en-orig.conll",
        "conll/dkpro_germeval2014_test.conll",
        "conll/europeana_enp_DE.onb.first600.bio",
        "doccano_jsonl/doccano/backend/data_import/tests/data/sequence_labeling/example.conll",
        "doccano_jsonl/doccano/backend/data_import/tests/data/sequence_labeling/"
        "labeling.invalid.conll",
        "doccano_jsonl/doccano/backend/data_import/tests/data/sequence_labeling/"
        "labeling.trailing.conll",
    ),
    "doccano": (
        "doccano_jsonl/doccano-transformer/labeling.jsonl",
        "doccano_jsonl/doccano/backend/data_export/pipeline/examples/relation_extraction/"
        "example.jsonl",
        "doccano_jsonl/doccano/backend/data_import/tests/data/sequence_labeling/"
        "example_overlapping.jsonl",
        "doccano_jsonl/doccano/backend/data_import/pipeline/examples/sequence_labeling/"
        "example.jsonl",
    ),
    "prodigy": (
        "prodigy_jsonl_explosion/rel_component_annotations.first25.jsonl",
        "prodigy_jsonl_explosion/bio_events.first30.jsonl",
        "prodigy_jsonl_explosion/nel_emerson_annotated_text.first20.jsonl",
        "prodigy_jsonl_explosion/ner_tweets_test_annotated.first40.jsonl",
    ),
    "labelstudio": (
        "labelstudio_json/ls_sdk_test_extract/text_labels_with_relation.prediction.json",
        "labelstudio_json/heartex_real_exports/test_export_csv/csv_test.json",
        "labelstudio_json/heartex_real_exports/test_export_json_min/data.json",
        "labelstudio_json/lsf_examples/named_entity/tasks.json",
        "labelstudio_json/lsf_examples/nested_choices/tasks.json",
    ),
}


REFUSED = {  # corpus files a reader refuses (whole or streamed), each with one line naming why
    "doccano_jsonl/doccano/backend/data_import/tests/data/sequence_labeling/labeling.invalid.conll",
    "doccano_jsonl/doccano/backend/data_import/pipeline/examples/sequence_labeling/example.jsonl",
    "labelstudio_json/ls_sdk_test_extract/text_labels_with_relation.prediction.json",
    "labelstudio_json/heartex_real_exports/test_export_json_min/data.json",
}


REPEAT = 1  # copies of an article's text in one document (the memory test makes them long)


def _doc(k: int) -> DocData:
    """Article ``k`` with a text of its own (``news_doc`` repeats its texts every four)."""
    doc = news_doc(k)
    return replace(doc, text=" ".join([doc.text] * REPEAT) + f" ({k})")


def _outcome(path: Path, fmt: str) -> tuple[Any, ...]:
    """Everything a reader gives for ``path`` (documents and report), or its error."""
    options = ReadOptions(predictions=True)
    try:
        docs = list(read_documents(path, fmt, options))
    except ImportFailed as exc:
        return ("error", str(exc))
    return ("docs", docs, options.report.lines())


def _small_pieces(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(textfile, "_CHUNK", PIECE)


def _whole_text(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the readers did before they streamed: the text read whole (``read_text``)."""
    monkeypatch.setattr(textfile, "_stream_codec", lambda path, encoding: None)


def _both(path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    with monkeypatch.context() as m:
        _whole_text(m)
        whole = _outcome(path, fmt)
    with monkeypatch.context() as m:
        _small_pieces(m)
        streamed = _outcome(path, fmt)
    return whole, streamed


@pytest.mark.parametrize(
    ("fmt", "name"), [(fmt, name) for fmt, names in CORPUS_FILES.items() for name in names]
)
def test_corpus_file_reads_the_same_streamed(
    corpus: Path, fmt: str, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, streamed = _both(corpus / name, fmt, monkeypatch)
    assert streamed == whole
    assert (whole[0] == "error") == (name in REFUSED)


@pytest.fixture(scope="module")
def exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project's exports in each streamed format (gold, alice and suggestions on some)."""
    root = tmp_path_factory.mktemp("streamed_exports")
    proj = Project.create(root / "p.annotator", "news")
    docs = [_doc(i) for i in range(12)]
    importing.import_documents(proj, docs, layer="gold")
    importing.import_documents(proj, docs[:5], layer="alice")
    for fmt, out in (
        ("conll", "x.conll"),
        ("doccano", "x.jsonl"),
        ("prodigy", "p.jsonl"),
        ("labelstudio", "ls"),
    ):
        export_documents(proj, root / out, fmt)
    return root


@pytest.mark.parametrize(
    ("fmt", "out"),
    [("conll", "x.conll"), ("doccano", "x.jsonl"), ("prodigy", "p.jsonl"), ("labelstudio", "ls")],
)
def test_round_trip_export_reads_the_same_streamed(
    exports: Path, fmt: str, out: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    whole, streamed = _both(exports / out, fmt, monkeypatch)
    assert whole[0] == "docs" and len(whole[1]) >= 12
    assert streamed == whole


def _csv_file(path: Path, n: int, bad: Callable[[int], list[str] | None] | None = None) -> Path:
    """A CSV of ``n`` documents (multi-line quoted cells); ``bad(k)`` may replace row k."""
    buf = io.StringIO(newline="")
    out = csv.writer(buf)
    out.writerow(["id", "text", "title", "date"])
    for k in range(n):
        doc = _doc(k)
        row = (bad(k) if bad else None) or [
            f"d{k}",
            doc.text.replace(". ", ".\n", 1),
            f"Title, {k}",
            "2019-05-02",
        ]
        out.writerow(row)
    path.write_text(buf.getvalue(), encoding="utf-8", newline="")
    return path


def test_csv_reads_the_same_streamed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _csv_file(tmp_path / "docs.csv", 60)
    whole, streamed = _both(path, "csv", monkeypatch)
    assert whole[0] == "docs" and len(whole[1]) == 60
    assert streamed == whole
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    whole, streamed = _both(bom, "csv", monkeypatch)
    assert streamed == whole and [d.id for d in whole[1]][:2] == ["d0", "d1"]


# ---------------------------------------------------------------- errors late in a large file

N_LARGE = 400  # records: several hundred pieces of PIECE characters


def _jsonl(path: Path, records: list[str]) -> Path:
    path.write_text("".join(r + "\n" for r in records), encoding="utf-8")
    return path


def _doccano_record(k: int) -> str:
    doc = _doc(k)
    spans = [[s.start, s.end, s.label] for s in doc.spans]
    return json.dumps({"id": k, "text": doc.text, "label": spans})


def _message(path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch) -> str:
    _small_pieces(monkeypatch)
    with pytest.raises(ImportFailed) as err:
        list(read_documents(path, fmt, ReadOptions()))
    message = str(err.value)
    assert "\n" not in message
    return message


def test_doccano_error_late_in_a_large_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = [_doccano_record(k) for k in range(N_LARGE)]
    records[-3] = records[-3][:-5]  # cut short: invalid JSON on that line
    path = _jsonl(tmp_path / "d.jsonl", records)
    assert _message(path, "doccano", monkeypatch).startswith(
        f"[E120] {path}:{N_LARGE - 2}: invalid JSON"
    )


def test_prodigy_error_late_in_a_large_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    records = []
    for k in range(N_LARGE):
        doc = _doc(k)
        end = len(doc.text) + 5 if k == N_LARGE - 7 else 5
        records.append(
            json.dumps({"text": doc.text, "spans": [{"start": 0, "end": end, "label": "ACTOR"}]})
        )
    path = _jsonl(tmp_path / "p.jsonl", records)
    message = _message(path, "prodigy", monkeypatch)
    assert message.startswith(f"[E120] {path}:{N_LARGE - 6}: span [0, ")
    assert "is outside the text" in message


def _ls_tasks(n: int) -> list[dict[str, Any]]:
    return [
        {
            "id": k,
            "data": {"text": _doc(k).text},
            "annotations": [
                {
                    "completed_by": 1,
                    "result": [
                        {
                            "id": "a",
                            "type": "labels",
                            "from_name": "label",
                            "to_name": "text",
                            "value": {"start": 0, "end": 5, "labels": ["ACTOR"]},
                        }
                    ],
                }
            ],
        }
        for k in range(n)
    ]


def _item_lines(text: str) -> list[int]:
    """The line where each item of a top-level array dumped with indent=1 starts."""
    return [i + 1 for i, line in enumerate(text.split("\n")) if line == " {"]


def test_label_studio_error_late_in_a_large_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tasks = _ls_tasks(N_LARGE)
    tasks[-4] = {"id": "odd", "text_missing": True}
    text = json.dumps(tasks, indent=1)
    path = tmp_path / "tasks.json"
    path.write_text(text, encoding="utf-8")
    line = _item_lines(text)[-4]
    assert _message(path, "labelstudio", monkeypatch) == (
        f"[E120] {path}:{line}: task {N_LARGE - 3} is not a Label Studio task (no 'data' object)"
    )
    # truncated: the array is never closed
    good = json.dumps(_ls_tasks(N_LARGE), indent=1)
    path.write_text(good[: good.rindex("}") + 1] + ",\n", encoding="utf-8")
    n_lines = good[: good.rindex("}") + 1].count("\n") + 2
    assert _message(path, "labelstudio", monkeypatch) == (
        f"[E120] {path}:{n_lines}: the JSON array is not closed (truncated file?)"
    )
    # a missing comma between the last two items: named at the item that follows
    cut = good.rindex("\n },\n {")
    path.write_text(good[:cut] + "\n }\n {" + good[cut + 8 :], encoding="utf-8")
    assert _message(path, "labelstudio", monkeypatch) == (
        f"[E120] {path}:{_item_lines(good)[-1]}: expected ',' or ']' between array items"
    )


def test_csv_error_late_in_a_large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _csv_file(
        tmp_path / "docs.csv",
        N_LARGE,
        lambda k: ["late", "  ", "t", ""] if k == N_LARGE - 5 else None,
    )
    # every record takes two physical lines (the text's line break), the header one
    line = 2 + 2 * (N_LARGE - 5)
    assert _message(path, "csv", monkeypatch) == f"[E120] {path}:{line}: row has an empty 'text'"
    path2 = _csv_file(tmp_path / "ok.csv", N_LARGE)
    with path2.open("a", encoding="utf-8", newline="") as fh:
        fh.write('x,"never closed,t,\n')
    assert _message(path2, "csv", monkeypatch) == (
        f"[E120] {path2}:{2 + 2 * N_LARGE}: a quoted cell is never closed (unbalanced quote)"
    )


def _conll_lines(n_docs: int) -> list[str]:
    lines: list[str] = []
    for k in range(n_docs):
        lines += ["-DOCSTART-\tO", ""]
        for sentence in _doc(k).text.split(". "):
            words = sentence.split()
            lines += [f"{w}\t{'B-ACTOR' if j == 0 else 'O'}" for j, w in enumerate(words)]
            lines.append("")
    return lines


def test_conll_error_late_in_a_large_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = _conll_lines(N_LARGE // 4)
    late = len(lines) - 6
    assert lines[late - 1] and "\t" in lines[late - 1]
    lines[late - 1] = "word\tB_ACTOR"
    path = tmp_path / "x.conll"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _message(path, "conll", monkeypatch) == (
        f"[E120] {path}:{late}: label 'B_ACTOR' is not a BIO tag (O, B-X, I-X)"
    )
    lines[late - 1] = "lonely"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert _message(path, "conll", monkeypatch) == (
        f"[E120] {path}:{late}: expected a token and a label separated by a tab or space, "
        "got 'lonely'"
    )


# ---------------------------------------------------------------- CoNLL: a whole-file decision


def _conll(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "io.conll"
    path.write_text(text, encoding="utf-8")
    return path


def test_conll_io_tags_decided_late_read_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents of O only come first; the file's first bare label is in the third: it is an IO
    file all the same, read as the whole text reads it."""
    docs = ["-DOCSTART-\tO\n\nQuiet\tO\nday\tO\n\n"] * 2
    docs.append("-DOCSTART-\tO\n\nAli\tPER\nBaba\tPER\nleft\tO\nTripoli\tLOC\n\n")
    path = _conll(tmp_path, "".join(docs))
    whole, streamed = _both(path, "conll", monkeypatch)
    assert streamed == whole
    assert [(s.label, s.start, s.end) for s in streamed[1][2].spans] == [
        ("PER", 0, 8),
        ("LOC", 14, 21),
    ]
    assert any("IO tags" in line for line in streamed[2])


def test_conll_io_tags_then_a_prefix_is_refused_at_the_first_bare_label(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = "Ali\tPER\nleft\tO\n\n" * 3 + "Sabha\tB-LOC\n\n"
    path = _conll(tmp_path, body)
    whole, streamed = _both(path, "conll", monkeypatch)
    assert (
        streamed
        == whole
        == ("error", f"[E120] {path}:1: label 'PER' is not a BIO tag (O, B-X, I-X)")
    )


def test_conll_bare_labels_without_o_wait_for_the_end(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Bare labels and no O yet: nothing is handed on until an O decides it is an IO file."""
    body = "-DOCSTART-\tO\n\nAli\tPER\n\n" * 3 + "-DOCSTART-\tO\n\nleft\tO\n\n"
    path = _conll(tmp_path, body)
    whole, streamed = _both(path, "conll", monkeypatch)
    assert streamed == whole
    assert [len(d.spans) for d in streamed[1]] == [1, 1, 1, 0]
    path = _conll(tmp_path, "-DOCSTART-\tO\n\nAli\tPER\n\n" * 3)
    whole, streamed = _both(path, "conll", monkeypatch)
    assert streamed == whole and streamed[0] == "error"


def test_conll_scan_error_after_a_bad_tag_is_the_one_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As when the whole file was scanned first: a malformed line anywhere wins over a tag."""
    body = "Ali\tB-PER\nleft\tWHAT?\n\n" + "x\tO\n" * 50 + "lonely\n"
    path = _conll(tmp_path, body)
    whole, streamed = _both(path, "conll", monkeypatch)
    assert streamed == whole
    assert streamed[1].startswith(f"[E120] {path}:54: expected a token and a label")


# ---------------------------------------------------------------- memory


def _peak_reading(path: Path, fmt: str) -> int:
    tracemalloc.start()
    try:
        n = 0
        for _doc in read_documents(path, fmt, ReadOptions()):
            n += 1
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _files_of(tmp_path: Path, fmt: str, n: int) -> Path:
    if fmt == "csv":
        return _csv_file(tmp_path / f"{n}.csv", n)
    if fmt == "conll":
        path = tmp_path / f"{n}.conll"
        path.write_text("\n".join(_conll_lines(n)) + "\n", encoding="utf-8")
        return path
    if fmt == "doccano":
        return _jsonl(tmp_path / f"{n}.jsonl", [_doccano_record(k) for k in range(n)])
    path = tmp_path / f"{n}.json"
    path.write_text(json.dumps(_ls_tasks(n), indent=1), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["conll", "csv", "doccano", "labelstudio"])
def test_reading_memory_does_not_grow_with_the_file(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textfile, "_CHUNK", 1 << 14)
    monkeypatch.setattr(sys.modules[__name__], "REPEAT", 12)
    small, large = _files_of(tmp_path, fmt, 60), _files_of(tmp_path, fmt, 600)
    assert large.stat().st_size > 40 * (1 << 14)
    peak_small, peak_large = _peak_reading(small, fmt), _peak_reading(large, fmt)
    # Read whole, the large file alone would add more than its size. What still grows is the
    # set of document ids handed out (ids are unique across the input).
    assert peak_large < peak_small + large.stat().st_size // 10, (peak_small, peak_large)


def test_detection_reads_a_bounded_prefix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.formats.reading import detect_format

    path = _jsonl(tmp_path / "d.jsonl", [_doccano_record(k) for k in range(5000)])
    assert path.stat().st_size > 3 << 19
    read: list[int] = []
    real_open = Path.open

    def counting_open(self: Path, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        fh = real_open(self, mode, *args, **kwargs)
        if "b" in mode:
            real_read = fh.read

            def read_some(size: int = -1) -> bytes:
                data = real_read(size)
                read.append(len(data))
                return data

            fh.read = read_some
        return fh

    monkeypatch.setattr(Path, "open", counting_open)
    assert detect_format(path) == "doccano"
    assert 0 < sum(read) <= 1 << 20


def _iter(xs: list[Any]) -> Iterator[Any]:
    yield from xs


def test_json_pieces_cut_anywhere_read_the_same() -> None:
    """The sliding buffer: every cut of a text into two pieces reads as the whole text."""
    from annotator.formats.common import iter_json_document, iter_json_records

    text = '[\n {"a": 12.5e3, "b": "x\\ny"},\n -7, true,\n [1, {"c": null}]\n]\n'
    for reader in (iter_json_document, iter_json_records):
        whole = list(reader(text, "f"))
        for cut in range(len(text) + 1):
            assert list(reader(_iter([text[:cut], text[cut:]]), "f")) == whole
    tail = '{"a": 1}\n{"a": 2.25}\n12345678\n'
    whole = list(iter_json_records(tail, "f"))
    assert whole == [(1, {"a": 1}), (2, {"a": 2.25}), (3, 12345678)]
    for cut in range(len(tail) + 1):
        assert list(iter_json_records(_iter([tail[:cut], tail[cut:]]), "f")) == whole


def test_label_studio_side_layers_read_per_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other annotators' layers and the suggestions read one document batch at a time
    write the bytes they wrote read whole (one batch), each in its own task."""
    import annotator.layers

    proj = Project.create(tmp_path / "p.annotator", "news")
    docs = [_doc(i) for i in range(9)]
    importing.import_documents(proj, docs, layer="gold")
    importing.import_documents(proj, docs[1:7], layer="alice")
    importing.import_documents(
        proj,
        [replace(d, spans=d.spans[:3], relations=d.relations[:1]) for d in docs[4:]],
        layer="bob",
    )
    suggested = [
        replace(
            d, spans=(replace(d.spans[0], start=d.spans[0].start + 1),), relations=(), layer=None
        )
        for d in docs[::3]
    ]
    importing.import_documents(proj, suggested, as_suggestions=True)
    export_documents(proj, tmp_path / "whole", "labelstudio")
    monkeypatch.setattr(annotator.layers, "BATCH", 2)
    export_documents(proj, tmp_path / "batched", "labelstudio")
    whole = (tmp_path / "whole" / "tasks.json").read_bytes()
    assert (tmp_path / "batched" / "tasks.json").read_bytes() == whole
    tasks = json.loads(whole)
    by_id = {t["data"]["doc_id"]: t for t in tasks}
    for i, doc in enumerate(docs):
        task = by_id[doc.id]
        people = [a["completed_by"]["email"] for a in task["annotations"]]
        assert people == ["gold"] + (["alice"] if 1 <= i < 7 else []) + (["bob"] if i >= 4 else [])
        preds = task["predictions"]
        if i % 3 == 0:
            (pred,) = preds
            (region,) = [r for r in pred["result"] if r["type"] == "labels"]
            assert region["value"]["start"] == doc.spans[0].start + 1
        else:
            assert preds == []
