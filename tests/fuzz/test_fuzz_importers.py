"""Mutation fuzzing of every importer on the real files of ``../shared/corpus`` (and the seed
files under ``tests/hostile/files/seed``): every mutated input is either imported correctly (the
project then passes ``check``) or refused with one line naming the file; never an internal
exception, never a hang, and a refusal never changes the project file (hashed before and after).

Bounded: a few examples per importer, each under ``PER_INPUT_SECONDS``; the whole module stays
well under a minute. ``tests/fuzz/run_figures.py`` runs the same harness at a larger scale.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzzlib import (
    FORMATS,
    MAX_SEED_BYTES,
    Figures,
    label_map_for,
    mutate,
    run_one,
    seed_files,
    stage,
)

from annotator.project import Project

EXAMPLES_PER_FORMAT = 10


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    base = tmp_path_factory.mktemp("fuzz")
    state: dict[str, object] = {"base": base, "projects": {}}
    yield state
    for project, _map, _seeds in state["projects"].values():  # type: ignore[attr-defined]
        project.close()


def _project(workspace: dict[str, object], fmt: str) -> tuple[Project, Path, list[Path]]:
    projects: dict[str, tuple[Project, Path, list[Path]]] = workspace["projects"]  # type: ignore[assignment]
    if fmt not in projects:
        base: Path = workspace["base"]  # type: ignore[assignment]
        seeds = seed_files(fmt)
        if not seeds:
            pytest.skip(f"no seed files for {fmt} (../shared/corpus missing?)")
        folder = base / fmt
        folder.mkdir()
        label_map = label_map_for(fmt, seeds, folder)
        projects[fmt] = (Project.create(folder / "fuzz.annproj", "news"), label_map, seeds)
    return projects[fmt]


@pytest.mark.parametrize("fmt", FORMATS)
@settings(
    max_examples=EXAMPLES_PER_FORMAT,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(pick=st.integers(min_value=0, max_value=10_000), seed=st.integers(0, 2**32 - 1))
def test_mutated_corpus_files(workspace: dict[str, object], fmt: str, pick: int, seed: int) -> None:
    project, label_map, seeds = _project(workspace, fmt)
    src = seeds[pick % len(seeds)]
    rnd = random.Random(seed)
    data = src.read_bytes()
    if fmt != "spacy":
        data = data[:MAX_SEED_BYTES]
    mutated = mutate(data, rnd, rnd.randrange(1, 4))
    base: Path = workspace["base"]  # type: ignore[assignment]
    path = stage(fmt, src, mutated, base / fmt / "input")
    figures = Figures()
    kind = run_one(project, fmt, path, label_map, figures)
    notes = [
        n for k in ("internal", "hang", "silent", "changed") for n in figures.examples.get(k, [])
    ]
    assert kind in ("imported", "clean"), notes
    assert not figures.changed[fmt], notes
