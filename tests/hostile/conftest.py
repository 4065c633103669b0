"""Fixtures for the hostile-input tests: small projects and the hostile files written for
these tests (``tests/hostile/files``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hostile_helpers import FILES, news_doc

from annotator.project import Project
from annotator.transfer.importing import import_documents


@pytest.fixture
def hostile_files() -> Path:
    return FILES


@pytest.fixture
def make_project(tmp_path: Path) -> Iterator[Callable[..., Project]]:
    opened: list[Project] = []

    def make(n_docs: int = 3, name: str = "main.annproj") -> Project:
        project = Project.create(tmp_path / name, "news")
        opened.append(project)
        if n_docs:
            import_documents(project, [news_doc(i) for i in range(n_docs)], layer="importer")
        return project

    yield make
    for p in opened:
        p.close()
