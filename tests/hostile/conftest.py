"""Fixtures for the hostile-input tests: small projects and the hostile files written for
these tests (``tests/hostile/files``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hostile_helpers import FILES, news_doc

from annotator.project import Project
from annotator.transfer.importing import import_documents


@pytest.fixture
def hostile_files() -> Path:
    return FILES


@contextmanager
def _projects(where: Callable[[str], str]) -> Iterator[Callable[..., Project]]:
    """``make(n_docs, name)`` -> a new project at ``where(name)`` with ``n_docs`` articles;
    every project made is closed afterwards."""
    opened: list[Project] = []

    def make(n_docs: int = 3, name: str = "main.annproj") -> Project:
        project = Project.create(where(name), "news")
        opened.append(project)
        if n_docs:
            import_documents(project, [news_doc(i) for i in range(n_docs)], layer="importer")
        return project

    try:
        yield make
    finally:
        for p in opened:
            p.close()


@pytest.fixture
def make_project(tmp_path: Path) -> Iterator[Callable[..., Project]]:
    """Project files (most hostile tests are about the file itself)."""
    with _projects(lambda name: str(tmp_path / name)) as make:
        yield make


@pytest.fixture
def make_any_project(new_location: Callable[[str], str]) -> Iterator[Callable[..., Project]]:
    """Projects on each engine in turn, for the rules that are the program's, not the file's."""
    with _projects(new_location) as make:
        yield make
