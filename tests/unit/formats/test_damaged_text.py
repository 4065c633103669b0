"""A document text holding NUL or another control character other than tab and line breaks is
refused at import, in every format, with one line naming the file and line, and nothing is
written: such a document imported but did not come back from its own export (the WebAnno, brat
and text readers refuse a file holding it as binary). Control characters that the text readers
accept (tab, line breaks, form feed) stay and round-trip."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from project_files import file_hash

from annotator.errors import ImportFailed
from annotator.formats.reading import ReadOptions, read_documents
from annotator.project import Project
from annotator.transfer.exporting import export_documents
from annotator.transfer.importing import import_paths

from .roundtrip import picture


@pytest.fixture()
def project(tmp_path: Path) -> Iterator[Project]:
    proj = Project.create(tmp_path / "p.annproj", "news")
    yield proj
    proj.close()


def _refused(project: Project, path: Path, fmt: str) -> str:
    before = file_hash(project.path)
    with pytest.raises(ImportFailed) as err:
        import_paths(project, [path], fmt, layer="gold")
    assert file_hash(project.path) == before
    message = str(err.value)
    assert "\n" not in message
    return message


def test_nul_in_jsonl_refused_naming_file_and_line(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "nul.jsonl"
    records = [{"id": "a", "text": "Fine."}, {"id": "b", "text": "Bad\u0000 text."}]
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    message = _refused(project, path, "jsonl")
    assert message.startswith(f"[E120] {path}:2: the text holds NUL (U+0000) at character 4")


def test_nul_in_label_studio_and_doccano_refused(project: Project, tmp_path: Path) -> None:
    ls = tmp_path / "tasks.json"
    ls.write_text(json.dumps([{"data": {"text": "Ann\u0000 left."}}]), encoding="utf-8")
    assert f"{ls}:1: the text holds NUL" in _refused(project, ls, "labelstudio")
    dc = tmp_path / "d.jsonl"
    dc.write_text(json.dumps({"text": "Ann\u0001 left.", "label": []}) + "\n", encoding="utf-8")
    assert f"{dc}:1: the text holds a control character (U+0001)" in _refused(
        project, dc, "doccano"
    )


def test_sparse_control_character_in_text_file_refused(project: Project, tmp_path: Path) -> None:
    """One escape character in a long text file is too few for 'binary', but still damage: the
    line it is on is named."""
    path = tmp_path / "a.txt"
    path.write_text("Headline\n\n" + "A long paragraph. " * 40 + "\nEnd\x1b here.\n", "utf-8")
    message = _refused(project, path, "txt")
    assert message.startswith(f"[E120] {path}:4: the text holds a control character (U+001B)")


def test_kept_control_characters_round_trip_through_webanno(
    project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "ok.jsonl"
    text = "Ann left.\tTom stayed.\x0cPage two.\r\nEnd."
    spans = [{"start": 0, "end": 3, "label": "TIME"}]
    path.write_text(json.dumps({"id": "d", "text": text, "spans": spans}) + "\n", "utf-8")
    import_paths(project, [path], "jsonl", layer="gold")
    export_documents(project, tmp_path / "wa", "webanno")
    (doc,) = read_documents(tmp_path / "wa", "webanno", ReadOptions())
    assert doc.text == text
    again = Project.create(tmp_path / "q.annproj", "news")
    try:
        import_paths(again, [tmp_path / "wa"], "webanno", layer="gold")
        assert picture(again) == picture(project)
    finally:
        again.close()


def test_hypertext_task_refused_and_nothing_written(project: Project, corpus: Path) -> None:
    path = corpus / "labelstudio_json" / "lsf_examples" / "rich_text_html" / "annotations"
    message = _refused(project, path / "1.json", "labelstudio")
    assert message.startswith(f"[E120] {path / '1.json'}:1: task 1 is a HyperText (HTML) task")
