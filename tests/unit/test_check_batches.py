"""``check`` reads the project a batch of documents at a time: the same problems, in the same
order, as one batch, and memory that does not grow with the corpus."""

from __future__ import annotations

import sqlite3
import tracemalloc
from pathlib import Path

import pytest

from annotator.project import Project
from annotator.reports import check
from annotator.transfer.importing import import_documents
from annotator.values import DocData, RelationData, SpanData


def _docs(n: int, words: int = 20, every_claim_has_claimant: bool = False) -> list[DocData]:
    docs = []
    for i in range(n):
        text = f"Tripoli, Monday {i}: officials said " + "talks resume " * words
        spans = (
            SpanData("p", 0, 7, "PLACE"),
            SpanData("t", 9, 15, "TIME"),
            SpanData("c", 17, 40, "CLAIM", {"form": "reported", "stance": "neutral"}),
            SpanData("e", 0, 7, "ACTOR", {"type": "person"}),
        )
        claimed = every_claim_has_claimant or i % 3
        rels = (RelationData("r1", "claimant", "c", "e"),) if claimed else ()
        docs.append(DocData(f"d{i}", text, {}, spans, rels, layer="gold"))
    return docs


def _damaged(path: Path) -> None:
    """A project with each kind of problem `check` finds, in several documents."""
    with Project.create(path, "news") as project:
        import_documents(project, _docs(9), layer="gold")
    con = sqlite3.connect(path)
    con.execute("PRAGMA foreign_keys=OFF")
    with con:
        con.execute("UPDATE document SET sha256 = 'x' || id WHERE id IN (2, 7)")
        con.execute('UPDATE span SET "end" = 10000 WHERE id IN (5, 30)')
        con.execute("UPDATE span SET label = 'WEAPON' WHERE id = 22")
        head_doc3, tail_doc8 = (
            con.execute(f"SELECT min(id) FROM span WHERE document_id = {d}").fetchone()[0]
            for d in (3, 8)
        )
        now = "2026-01-01 00:00:00"
        con.executemany(
            "INSERT INTO relation (head_id, tail_id, label, origin, created_at) "
            "VALUES (?, ?, ?, 'x', ?)",
            [
                (head_doc3, tail_doc8, "about", now),  # two documents
                (tail_doc8, 999_999, "about", now),  # a missing tail
                (999_998, head_doc3, "about", now),  # a missing head
                (head_doc3, head_doc3 + 1, "claimant", now),  # PLACE -> TIME: not allowed
            ],
        )
    con.close()


def test_batches_find_what_one_batch_finds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "p.annproj"
    _damaged(path)
    results = []
    for batch in (10_000, 1, 2):
        monkeypatch.setattr(check, "BATCH", batch)
        with Project.open(path) as project, project.session() as s:
            results.append(check.check_project(s, project.scheme))
    assert results[0] == results[1] == results[2]
    messages = [f"{where}: {p.severity} {p.message}" for where, p in results[0]]
    text = "\n".join(messages)
    assert text.count("text does not match its stored hash") == 2
    assert text.count("points to a missing span") == 2
    assert "links two layers or documents" in text and "WEAPON" in text
    assert "has no 'claimant'" in text
    errors = [p for _, p in results[0] if p.severity == "error"]
    assert results[0][: len(errors)] == [r for r in results[0] if r[1].severity == "error"]


def test_memory_does_not_grow_with_the_corpus(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(check, "BATCH", 100)
    peaks = []
    for n in (1000, 4000):
        with Project.create(tmp_path / f"p{n}.annproj", "news") as project:
            import_documents(project, _docs(n, 120, every_claim_has_claimant=True), layer="gold")
            with project.session() as s:
                tracemalloc.start()
                found = check.check_project(s, project.scheme)
                peaks.append(tracemalloc.get_traced_memory()[1])
                tracemalloc.stop()
        assert found == []
    # What grows is the queries' cyclic garbage until the collector runs (a few kB a batch);
    # the corpus held at once would make it four times as high.
    assert peaks[1] < 1.5 * peaks[0], peaks
