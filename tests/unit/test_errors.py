"""The error catalogue: one module, one unique code per class, shown by the CLI and documented."""

from __future__ import annotations

import ast
import builtins
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator import errors
from annotator.cli.main import app

ROOT = Path(__file__).parents[2]


def test_every_class_has_its_own_unique_code() -> None:
    classes = errors.catalogue()
    assert len(classes) >= 15
    codes = [cls.code for cls in classes]
    assert len(codes) == len(set(codes)), codes
    for cls in classes:
        assert "code" in vars(cls), f"{cls.__name__} inherits its code"
        assert re.fullmatch(r"E\d{3}", cls.code), cls.code
        assert cls.__module__ == "annotator.errors", f"{cls.__name__} defined outside"
        assert cls.__doc__, f"{cls.__name__} has no meaning for docs/errors.md"


def _exception_classes_outside_the_catalogue() -> list[str]:
    builtin = {
        n for n, v in vars(builtins).items() if isinstance(v, type) and issubclass(v, BaseException)
    }
    names = {cls.__name__ for cls in errors.catalogue()} | builtin
    found = []
    for package in ("annotator", "app"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if path == ROOT / "annotator" / "errors.py":
                continue
            for node in ast.walk(ast.parse(path.read_text("utf-8"))):
                if isinstance(node, ast.ClassDef):
                    bases = {
                        b.id if isinstance(b, ast.Name) else getattr(b, "attr", "")
                        for b in node.bases
                    }
                    if bases & names:
                        found.append(f"{path.relative_to(ROOT)}: {node.name}")
    return found


def test_no_error_class_lives_outside_the_catalogue() -> None:
    assert _exception_classes_outside_the_catalogue() == []


def test_docs_table_is_the_catalogue() -> None:
    text = (ROOT / "docs" / "errors.md").read_text("utf-8")
    assert errors.markdown_table() in text


def test_rendering_puts_code_path_and_line_on_one_line() -> None:
    exc = errors.ImportFailed("span ends\nafter the text", path="brat/a.ann", line=12)
    assert exc.render() == "[E120] brat/a.ann:12: span ends after the text"
    assert str(exc) == exc.render()
    assert errors.Unexpected.wrap(KeyError("x")).render() == "[E999] unexpected KeyError: 'x'"
    same = errors.NotFound("no such document")
    assert errors.as_annotator_error(same) is same


def test_cli_prints_the_code(tmp_path: Path) -> None:
    runner = CliRunner()
    proj = tmp_path / "p.annproj"
    assert runner.invoke(app, ["init", str(proj)]).exit_code == 0
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "d1", "text": "abc"}\n{"id": "d2", "text": \n', encoding="utf-8")
    result = runner.invoke(app, ["import", str(proj), str(bad)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"error: [E120] {bad}:2: "), result.stderr
    result = runner.invoke(app, ["import", str(proj), str(bad), "--format", "xml"])
    assert result.stderr.startswith("error: [E010] unknown format 'xml'"), result.stderr
    result = runner.invoke(app, ["export", str(proj), str(tmp_path / "o"), "--split", "80,20"])
    assert result.stderr.startswith("error: [E141] "), result.stderr


def test_a_missing_project_is_advised_in_the_cli_s_words(tmp_path: Path) -> None:
    """Both the fast ``stats`` path and the Typer commands say how to create one."""

    missing = tmp_path / "nope.annproj"
    result = CliRunner().invoke(app, ["worklist", str(missing), "--annotator", "ann"])
    assert result.exit_code == 1
    assert "[E117]" in result.output
    assert "no such project file (create one with 'annotator init')" in result.output
    assert not missing.exists()


def test_the_fast_stats_path_advises_the_same(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from annotator.cli.light import run_stats

    assert run_stats(tmp_path / "nope.annproj", as_json=False) == 1
    err = capsys.readouterr().err
    assert "[E117]" in err and "(create one with 'annotator init')" in err
