"""Streaming import: batches inside one transaction keep all-or-nothing and idempotence."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.textfile import iter_lines, read_text
from annotator.project import Project
from annotator.transfer import importing
from annotator.transfer.exporting import export_documents
from storage.repository import documents as doc_repo

from .conftest import news_doc


def _write_jsonl(path: Path, docs: list[dict]) -> Path:
    path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
    return path


def _records(n: int) -> list[dict]:
    from annotator.formats.jsonl import doc_record

    recs = [
        doc_record(replace(news_doc(i), text=news_doc(i).text + f" {i}"), "gold") for i in range(n)
    ]
    return recs


def _export(project: Project, out: Path) -> bytes:
    export_documents(project, out, "jsonl")
    return out.read_bytes()


def test_batches_give_the_same_project_as_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recs = _records(7)
    recs += [recs[1], recs[5]]  # the same documents again, in a later batch
    src = _write_jsonl(tmp_path / "in.jsonl", recs)
    with Project.create(tmp_path / "one.annproj", "news") as one:
        whole = importing.import_paths(one, [src], "jsonl", layer="gold")
        expected = _export(one, tmp_path / "one.jsonl")
    monkeypatch.setattr(importing, "BATCH", 2)
    with Project.create(tmp_path / "many.annproj", "news") as many:
        batched = importing.import_paths(many, [src], "jsonl", layer="gold")
        assert _export(many, tmp_path / "many.jsonl") == expected
        again = importing.import_paths(many, [src], "jsonl", layer="gold")
        assert _export(many, tmp_path / "again.jsonl") == expected
    assert batched.as_dict() == whole.as_dict()
    assert (batched.documents_new, batched.documents_existing) == (7, 0)
    assert batched.spans_existing == 16 and batched.relations_existing == 12
    assert again.documents_new == 0 and again.spans_added == 0 and again.relations_added == 0


@pytest.mark.parametrize("bad", ["span", "label"])
def test_a_bad_document_in_a_late_batch_writes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: str
) -> None:
    recs = _records(6)
    if bad == "span":
        recs[5]["spans"][0]["end"] = 10_000  # outside the text
    else:
        recs[5]["spans"][0]["label"] = "WEAPON"
    src = _write_jsonl(tmp_path / "in.jsonl", recs)
    monkeypatch.setattr(importing, "BATCH", 2)
    with Project.create(tmp_path / "p.annproj", "news") as project:
        with pytest.raises(ImportFailed) as err:
            importing.import_paths(project, [src], "jsonl", layer="gold")
        with project.session() as s:
            assert doc_repo.count_documents(s) == 0
    if bad == "label":
        assert "WEAPON" in str(err.value)
    else:
        assert err.value.line == 6


@pytest.mark.parametrize(
    "data",
    [
        b'{"a": 1}\r\n{"b": 2}\r\n',
        b"one\rtwo\n\nthree",
        "x\u2028y\x0cz\n\u00e9\n".encode(),
        b"\xef\xbb\xbfwith a BOM\nsecond\n",
        b"last line without newline",
    ],
)
def test_iter_lines_is_read_text_splitlines(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "f.txt"
    path.write_bytes(data)
    assert list(iter_lines(path)) == read_text(path).splitlines()
    assert list(iter_lines(path, "latin-1")) == read_text(path, "latin-1").splitlines()


def test_iter_lines_refuses_what_read_text_refuses(tmp_path: Path) -> None:
    path = tmp_path / "bin.jsonl"
    path.write_bytes(b"abc\x00def\n")
    with pytest.raises(ImportFailed):
        list(iter_lines(path))


def test_id_set_is_a_set_of_ids() -> None:
    ids = importing._IdSet()
    wanted = [0, 7, 8, 9, 1000, 65, 7]
    assert [ids.add(i) for i in wanted] == [True, True, True, True, True, True, False]
    assert len(ids) == 6 and sorted(set(wanted)) == list(ids)
    assert 1000 in ids and 999 not in ids and 10**6 not in ids
