"""Shared fixtures: isolated user folders, a fixed annotator name, small projects."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pg_server import SKIPPED as PG_SKIPPED
from pg_server import fresh_database
from shared_data import MISSING, require_shared

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _isolated_user_dirs(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    base = tmp_path_factory.mktemp("userdirs")
    monkeypatch.setenv("NEWS_ANNOTATOR_CONFIG_DIR", str(base / "config"))
    monkeypatch.setenv("NEWS_ANNOTATOR_DATA_DIR", str(base / "data"))
    monkeypatch.setenv("NEWS_ANNOTATOR_USER", "tester")


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    return tmp_path / "p.annproj"


@pytest.fixture
def project(project_path: Path) -> Iterator[object]:
    from annotator.project import Project

    proj = Project.create(project_path, "news")
    try:
        yield proj
    finally:
        proj.close()


ENGINES = ["sqlite", "postgresql"]


@pytest.fixture(params=ENGINES)
def engine_name(request: pytest.FixtureRequest) -> str:
    """Run the test once per database engine (PostgreSQL skips loudly without a server)."""
    return str(request.param)


@pytest.fixture
def new_location(engine_name: str, tmp_path: Path) -> Iterator[Any]:
    """``new_location(name)`` -> where a new project goes on the engine under test: a file in
    ``tmp_path`` or the URL of a fresh database on the test server (dropped afterwards)."""
    from contextlib import ExitStack

    with ExitStack() as stack:

        def make(name: str = "p.annproj") -> str:
            if engine_name == "sqlite":
                return str(tmp_path / name)
            return stack.enter_context(fresh_database())

        yield make


@pytest.fixture
def any_project(new_location: Any) -> Iterator[object]:
    """A new project on each engine in turn."""
    from annotator.project import Project

    proj = Project.create(new_location(), "news")
    try:
        yield proj
    finally:
        proj.close()


@pytest.fixture
def log_file() -> Iterator[Path]:
    """The diagnostic log file (``annotator.logfile``), started for the test and stopped after."""
    from annotator import logfile

    path = logfile.setup_logging("test")
    assert path is not None
    yield path
    logfile.stop_logging()


@pytest.fixture
def shared_corpus() -> Path:
    return require_shared("corpus")


@pytest.fixture
def seed_article() -> Path:
    return require_shared("seeds/000_ef82534974ef4bb5.txt")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if PG_SKIPPED:
        terminalreporter.write_sep(
            "!", f"{len(PG_SKIPPED)} tests skipped: {PG_SKIPPED[0]}", red=True
        )
    if MISSING:
        terminalreporter.write_sep(
            "!", f"tests skipped: ../shared is missing {', '.join(sorted(MISSING))}", red=True
        )
