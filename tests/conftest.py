"""Shared fixtures: isolated user folders, a fixed annotator name, small projects."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CORPUS = SHARED / "corpus"
SEEDS = SHARED / "seeds"


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


@pytest.fixture
def shared_corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present")
    return CORPUS


@pytest.fixture
def seed_article() -> Path:
    path = SEEDS / "000_ef82534974ef4bb5.txt"
    if not path.is_file():
        pytest.skip("../shared/seeds is not present")
    return path
