from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from annotator.cli.main import app


class Cli:
    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str | Path, ok: bool = True) -> object:
        result = self.runner.invoke(app, [str(a) for a in args])
        if ok and result.exit_code != 0:
            raise AssertionError(
                f"annotator {' '.join(map(str, args))} failed ({result.exit_code}):\n"
                f"{result.stdout}\n{result.stderr}\n{result.exception!r}"
            )
        if not ok:
            assert result.exit_code != 0, result.stdout
        return result


@pytest.fixture
def cli() -> Cli:
    return Cli()


@pytest.fixture
def stats(cli: Cli) -> Callable[[Path], dict]:
    def get(project: Path) -> dict:
        return json.loads(cli("stats", project, "--json").stdout)

    return get
