"""Balanced, seeded assignment that keeps existing assignments."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest

from annotator.errors import ValidationError
from annotator.project import Project
from annotator.services import set_status
from annotator.team.assignments import assign, parse_names, plan
from storage.repository import annotators_assignments as ann_repo


def test_plan_balances_loads_and_never_repeats_an_annotator() -> None:
    docs = list(range(1, 32))
    pairs = plan(docs, ["a", "b", "c", "d"], per_doc=2, seed=7)
    per_doc: dict[int, list[str]] = {}
    for d, a in pairs:
        per_doc.setdefault(d, []).append(a)
    assert sorted(per_doc) == docs
    assert all(len(v) == 2 and len(set(v)) == 2 for v in per_doc.values())
    load = Counter(a for _, a in pairs)
    assert sum(load.values()) == 62
    assert max(load.values()) - min(load.values()) <= 1


def test_plan_is_deterministic_for_a_seed() -> None:
    docs = list(range(50))
    names = ["a", "b", "c"]
    assert plan(docs, names, 2, seed=3) == plan(docs, names, 2, seed=3)
    seeds = {tuple(plan(docs, names, 1, seed=s)) for s in range(5)}
    assert len(seeds) > 1  # the seed really changes who gets what


def test_plan_counts_existing_assignments_and_balances_around_them() -> None:
    existing = [(d, "a") for d in range(10)]  # "a" already has ten documents
    pairs = plan(list(range(20)), ["a", "b"], per_doc=1, existing=existing, seed=0)
    assert {d for d, _ in pairs} == set(range(10, 20))
    assert Counter(a for _, a in pairs) == {"b": 10}


@pytest.mark.parametrize("per_doc", [0, 4])
def test_plan_refuses_impossible_per_doc(per_doc: int) -> None:
    with pytest.raises(ValidationError):
        plan([1, 2], ["a", "b", "c"], per_doc)


@pytest.mark.parametrize("raw", ["", " , ", "a,b,a", "a,gold"])
def test_parse_names_refuses_bad_lists(raw: str) -> None:
    with pytest.raises(ValidationError):
        parse_names(raw)


def test_assign_keeps_statuses_and_reaches_per_doc(make_project: Callable[..., Project]) -> None:
    project = make_project(n_docs=9)
    with project.session() as s:
        report = assign(s, ["alice", "bob", "carol"], per_doc=2, seed=1)
        assert sum(report.added.values()) == 18
        assert sorted(report.load.values()) == [6, 6, 6]
        first = ann_repo.assignments(s, annotator="alice")[0]
        set_status(s, first.document_id, "alice", "done", add_seconds=42.0)
    with project.session() as s:
        again = assign(s, ["alice", "bob", "carol"], per_doc=2, seed=1)
        assert sum(again.added.values()) == 0
        more = assign(s, ["alice", "bob", "carol"], per_doc=3, seed=1)
        assert sum(more.added.values()) == 9
        rows = ann_repo.assignments(s)
    per_doc = Counter(a.document_id for a in rows)
    assert set(per_doc.values()) == {3}
    kept = next(a for a in rows if a.annotator == "alice" and a.document_id == first.document_id)
    assert (kept.status, kept.seconds_spent) == ("done", 42.0)
