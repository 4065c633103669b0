"""Fixtures for the team-workflow tests."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from team_helpers import DocData, doc

from annotator.project import Project
from annotator.transfer.importing import import_documents


@pytest.fixture
def make_project(new_location: Callable[[str], str]) -> Iterator[Callable[..., Project]]:
    """Projects on each engine in turn (SQLite files, databases on the PostgreSQL test server)."""
    opened: list[Project] = []

    def make(
        n_docs: int = 6, layers: dict[str, list[DocData]] | None = None, name: str = "main.annproj"
    ) -> Project:
        project = Project.create(new_location(name), "news")
        opened.append(project)
        import_documents(project, [doc(i) for i in range(n_docs)], layer="importer")
        for layer, docs in (layers or {}).items():
            import_documents(project, docs, layer=layer)
        return project

    yield make
    for p in opened:
        p.close()
