"""The index on span(annotator_id, label): ``annotator stats`` counts spans from it alone, and a
project of the previous schema revision gets it when opened."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator.project import Project
from annotator.transfer.importing import import_documents
from annotator.values import DocData, SpanData
from storage.db import head_revision
from storage.peek import SPAN_COUNTS_SQL, peek_counts

FIXTURES = Path(__file__).parent / "fixtures"


def _plan(path: Path) -> list[str]:
    with sqlite3.connect(path) as con:
        return [row[3] for row in con.execute(f"EXPLAIN QUERY PLAN {SPAN_COUNTS_SQL}")]


def _indexes(path: Path) -> set[str]:
    with sqlite3.connect(path) as con:
        rows = con.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {str(name) for (name,) in rows}


def test_span_counts_are_read_from_the_index_without_sorting(project_path: Path) -> None:
    text = "Haftar's forces attacked Tripoli on Monday."
    with Project.create(project_path, "news") as proj:
        for name in ("alice", "bob"):
            spans = (SpanData("a", 0, 6, "ACTOR"), SpanData("p", 25, 32, "PLACE"))
            import_documents(proj, [DocData("d1", text, spans=spans)], layer=name)
    plan = _plan(project_path)
    assert plan == ["SCAN span USING COVERING INDEX ix_span_annotator_label"], plan
    counts = peek_counts(project_path)
    assert counts is not None
    assert counts.spans == {n: {"ACTOR": 1, "PLACE": 1} for n in ("alice", "bob")}


def test_a_project_of_the_first_revision_gets_the_index_when_opened(tmp_path: Path) -> None:
    path = tmp_path / "old.annproj"
    with sqlite3.connect(path) as con:
        con.executescript((FIXTURES / "schema_0001_demo.sql").read_text("utf-8"))
    assert "ix_span_annotator_label" not in _indexes(path)
    assert peek_counts(path) is None  # an older revision: the quick look does not answer
    with Project.open(path) as proj, proj.session() as s:
        from storage.repository import spans as span_repo

        full = span_repo.span_counts(s)
    assert "ix_span_annotator_label" in _indexes(path)
    with sqlite3.connect(path) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (head_revision(),)
        ]
    assert "USING COVERING INDEX ix_span_annotator_label" in _plan(path)[0]
    counts = peek_counts(path)
    assert counts is not None and counts.spans == full
