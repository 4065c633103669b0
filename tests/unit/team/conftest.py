"""Fixtures for the team-workflow tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from team_helpers import DocData, doc

from annotator.project import Project
from annotator.transfer.importing import import_documents


@pytest.fixture
def make_project(tmp_path: Path) -> Iterator[Callable[..., Project]]:
    opened: list[Project] = []

    def make(
        n_docs: int = 6, layers: dict[str, list[DocData]] | None = None, name: str = "main.annproj"
    ) -> Project:
        project = Project.create(tmp_path / name, "news")
        opened.append(project)
        import_documents(project, [doc(i) for i in range(n_docs)], layer="importer")
        for layer, docs in (layers or {}).items():
            import_documents(project, docs, layer=layer)
        return project

    yield make
    for p in opened:
        p.close()
