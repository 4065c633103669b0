"""The format registry drives the CLI, the GUI lists, detection and the README table."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli.main import app
from annotator.formats import reading, registry

README = Path(__file__).parents[3] / "README.md"


def test_readme_format_table_is_the_registry() -> None:
    text = README.read_text("utf-8")
    assert registry.markdown_table() in text
    assert "[--format " + "|".join(registry.import_choices()) + "]" in text


def test_names_are_unique_and_modules_have_their_functions() -> None:
    names = [spec.name for spec in registry.FORMATS]
    assert len(names) == len(set(names))
    for spec in registry.FORMATS:
        assert spec.reader or spec.writer, spec.name
        assert spec.suffixes and all(s.startswith(".") and s == s.lower() for s in spec.suffixes)
        if spec.reader:
            assert callable(importlib.import_module(spec.reader).read), spec.name
        if spec.writer:
            assert callable(importlib.import_module(spec.writer).write), spec.name
        if spec.reader is None or spec.writer is None:
            assert (registry.reader_module(spec.name) is None) == (spec.reader is None)


def test_detection_covers_every_suffix_of_the_registry(tmp_path: Path) -> None:
    assert set(reading._FOLDER_ORDER) == set(registry.formats_by_suffix())
    for suffix, names in registry.formats_by_suffix().items():
        if len(names) == 1:
            f = tmp_path / f"a{suffix}"
            f.write_bytes(b"x")
            assert reading.detect_format(f) == names[0]


def test_cli_format_choices_come_from_the_registry(tmp_path: Path) -> None:
    runner = CliRunner()
    proj = tmp_path / "p.annproj"
    assert runner.invoke(app, ["init", str(proj)]).exit_code == 0
    result = runner.invoke(app, ["import", str(proj), str(tmp_path), "--format", "nope"])
    assert result.exit_code != 0
    assert ", ".join(registry.import_choices()) in result.stderr
    result = runner.invoke(app, ["export", str(proj), str(tmp_path / "o"), "--format", "txt"])
    assert result.exit_code != 0
    assert ", ".join(registry.writer_names()) in result.stderr
    assert "txt" not in registry.writer_names() and "hf" not in registry.reader_names()
    help_text = runner.invoke(
        app, ["export", "--help"], terminal_width=300, env={"COLUMNS": "300"}
    ).stdout
    assert ", ".join(registry.writer_names()) in help_text  # in full, wrapped at spaces


@pytest.mark.parametrize("fmt", ["txt", "hf"])
def test_one_sided_formats_are_refused_on_the_other_side(fmt: str, tmp_path: Path) -> None:
    from annotator.errors import AnnotatorError

    with pytest.raises(AnnotatorError, match="unknown"):
        if fmt == "hf":
            list(reading.read_documents(tmp_path, fmt))
        else:
            from annotator.formats.writing import writer_module

            writer_module(fmt)
