"""Defects 5, 6, 8 and 9: the hostile and unusual inputs of the issue, written for these tests
(``tests/hostile/files``). Each is refused with one line naming the file (and the line, where
the format has lines), or imported correctly; a refusal never changes the project."""

from __future__ import annotations

import os
import time
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile_helpers import FILES, file_hash

from annotator.errors import ImportFailed
from annotator.project import Project
from annotator.transfer.importing import import_paths
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo

MakeProject = Callable[..., Project]

# file (under tests/hostile/files), format, words the message must hold, line (None: no line)
REFUSED: list[tuple[str, str, str, int | None]] = [
    # defect 5: silently wrong imports
    ("csv_unbalanced_quote.csv", "csv", "unbalanced quote", 2),
    ("csv_unclosed_quote.csv", "csv", "never closed", 3),
    ("brat_dup_t/doc.ann", "brat", "duplicate annotation id T1 (also on line 1)", 3),
    ("brat_dup_e/doc.ann", "brat", "duplicate annotation id E1", 4),
    ("prodigy_token_start_negative.jsonl", "prodigy", "token_start -1", 1),
    ("jsonl_offset_boolean.jsonl", "jsonl", "'start' has the wrong type (bool)", 1),
    ("jsonl_offset_arabic_digits.jsonl", "jsonl", "'start' has the wrong type (str)", 1),
    ("prodigy_offset_underscore.jsonl", "prodigy", "non-negative integers, got '1_3'", 1),
    ("brat_arabic_digits/doc.ann", "brat", "malformed offsets", 1),
    ("doccano_offset_boolean.jsonl", "doccano", "offsets must be integers", 1),
    ("jsonl_entity_object.jsonl", "jsonl", "'entity' must be a string", 1),
    ("jsonl_layer_object.jsonl", "jsonl", "'layer' must be a string", 1),
    # defect 6: internal exceptions
    ("jsonl_deep_nesting.jsonl", "jsonl", "", 1),
    ("jsonl_spans_number.jsonl", "jsonl", "'spans' must be a list", 1),
    ("prodigy_relations_number.jsonl", "prodigy", "'relations' must be a list", 1),
    ("jsonl_lone_surrogate.jsonl", "jsonl", "lone surrogate (U+D800)", 1),
    ("ls_value_not_object.json", "labelstudio", "'value' is not an object", 2),
    ("germeval_inconsistent_columns.conll", "conll", "GermEval line with 3 columns", 3),
]


@pytest.mark.parametrize(("name", "fmt", "words", "line"), REFUSED, ids=[r[0] for r in REFUSED])
def test_refused_with_file_and_line(
    make_project: MakeProject, name: str, fmt: str, words: str, line: int | None
) -> None:
    project = make_project(n_docs=1)
    before = file_hash(project.path)
    path = FILES / name
    with pytest.raises(ImportFailed) as info:
        import_paths(project, [path], fmt=fmt)
    exc = info.value
    message = exc.one_line()
    assert type(exc).__name__ != "ReaderCrashed", message
    assert "\n" not in message
    assert path.name in message
    assert words in message
    assert exc.line == line, message
    assert file_hash(project.path) == before


def _spans(project: Project) -> list[tuple[str, str]]:
    with project.session() as s:
        docs = {d.id: d.text for d in doc_repo.get_documents(s)}
        return sorted(
            (docs[sp.document_id][sp.start : sp.end], sp.label) for sp in span_repo.spans_of(s)
        )


def test_label_studio_annotations_given_as_one_object(make_project: MakeProject) -> None:
    project = make_project(n_docs=0)
    import_paths(project, [FILES / "ls_annotations_object.json"], fmt="labelstudio")
    assert _spans(project) == [("Tripoli", "PLACE")]


def test_label_studio_labels_given_as_a_string(make_project: MakeProject) -> None:
    project = make_project(n_docs=0)
    import_paths(project, [FILES / "ls_labels_string.json"], fmt="labelstudio")
    assert _spans(project) == [("Tripoli", "PLACE")]  # not P, L, A, C, E


@pytest.mark.parametrize(
    ("name", "title"), [("html_japanese.html", "東京で会議"), ("html_chinese.html", "北京会议")]
)
def test_cjk_html_pages(make_project: MakeProject, name: str, title: str) -> None:
    project = make_project(n_docs=0)
    report = import_paths(project, [FILES / name], fmt="html")
    assert report.documents_new == 1
    with project.session() as s:
        (doc,) = doc_repo.get_documents(s)
    assert doc.title == title
    assert "会" in doc.text


def test_jsonl_with_raw_line_separators_in_strings(make_project: MakeProject) -> None:
    project = make_project(n_docs=0)
    import_paths(project, [FILES / "jsonl_raw_line_separators.jsonl"], fmt="jsonl")
    assert _spans(project) == [("Officials\u2028in", "ACTOR"), ("Tripoli", "PLACE")]


def test_brat_span_text_with_line_separators(make_project: MakeProject) -> None:
    project = make_project(n_docs=0)
    import_paths(project, [FILES / "brat_line_separators" / "doc.ann"], fmt="brat")
    assert ("Officials\u2028in", "ACTOR") in _spans(project)
    assert ("\u0085on Monday", "TIME") in _spans(project)


def test_csv_cell_longer_than_the_csv_module_default(make_project: MakeProject) -> None:
    project = make_project(n_docs=0)
    report = import_paths(project, [FILES / "csv_long_cell.csv"], fmt="csv")
    assert report.documents_new == 2
    with project.session() as s:
        assert max(len(d.text) for d in doc_repo.get_documents(s)) > 131_072


def test_brat_ann_in_utf16_with_bom(make_project: MakeProject) -> None:
    project = make_project(n_docs=0)
    import_paths(project, [FILES / "brat_utf16" / "doc.ann"], fmt="brat")
    assert _spans(project) == [("Tripoli", "PLACE")]


# ---------------------------------------------------------------- defect 9: bounded work


def test_html_element_with_many_attributes_is_linear(
    make_project: MakeProject, tmp_path: Path
) -> None:
    body = "<p>" + "Officials in Tripoli said the army attacked a depot. " * 40 + "</p>"
    attrs = " ".join(f'data-a{i}="x"' for i in range(200_000))
    page = tmp_path / "attrs.html"
    page.write_text(
        f"<html><head><title>T</title></head><body><article><div {attrs}>{body}</div>"
        "</article></body></html>",
        "utf-8",
    )
    assert page.stat().st_size > 3_000_000
    project = make_project(n_docs=0)
    started = time.monotonic()
    import_paths(project, [page], fmt="html")
    assert time.monotonic() - started < 30  # was over 120 s (loaded machine: generous bound)


def test_docbin_that_inflates_to_gigabytes_is_refused_early(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.formats import docbin

    monkeypatch.setattr(docbin, "MAX_INFLATED_BYTES", 8 * 2**20)
    bomb = tmp_path / "bomb.spacy"
    bomb.write_bytes(zlib.compress(b"\x00" * (64 * 2**20), 9))
    project = make_project(n_docs=0)
    before = file_hash(project.path)
    with pytest.raises(ImportFailed, match=r"bomb\.spacy: this spaCy DocBin inflates to more"):
        import_paths(project, [bomb], fmt="spacy")
    assert file_hash(project.path) == before


@pytest.mark.parametrize("fmt", ["auto", "jsonl", "txt"])
def test_fifo_is_refused_up_front(make_project: MakeProject, tmp_path: Path, fmt: str) -> None:
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    project = make_project(n_docs=0)
    with pytest.raises(ImportFailed, match=r"pipe\.jsonl: is not a regular file"):
        import_paths(project, [fifo], fmt=fmt)


def test_deep_nesting_is_refused_when_the_format_is_detected(make_project: MakeProject) -> None:
    """Detecting the dialect of a ``.jsonl`` file parses its first record: a record nested too
    deeply for the decoder must reach the reader's one-line error, not an internal one."""
    project = make_project(n_docs=1)
    before = file_hash(project.path)
    path = FILES / "jsonl_deep_nesting.jsonl"
    with pytest.raises(ImportFailed) as info:
        import_paths(project, [path], fmt="auto")
    message = info.value.one_line()
    assert "nested too deeply" in message and path.name in message
    assert info.value.line == 1, message
    assert file_hash(project.path) == before


def test_deep_nesting_in_a_label_map_is_refused(tmp_path: Path) -> None:
    from annotator.transfer.label_map import load_label_map

    path = tmp_path / "map.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(ImportFailed) as info:
        load_label_map(path)
    message = info.value.one_line()
    assert "nested too deeply" in message and "map.json" in message
