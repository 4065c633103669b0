"""Streaming import: batches inside one transaction give the project and the report one batch
gives, keep all-or-nothing and idempotence, name the error the whole input gives, and hold one
batch of records at a time."""

from __future__ import annotations

import json
import random
import sqlite3
import tracemalloc
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import ImportFailed
from annotator.formats.jsonl import doc_record
from annotator.project import Project
from annotator.transfer import importing
from annotator.values import DocData, RelationData, SpanData
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo

from .conftest import news_doc


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def _dump(project: Project) -> dict[str, Any]:
    """Everything an import writes, by content (not by row id)."""
    with project.session() as s:
        docs = {
            d.id: (d.external_id, d.sha256, d.title, d.published) for d in doc_repo.get_documents(s)
        }
        spans = span_repo.spans_of(s)
        key = {
            sp.id: (docs[sp.document_id][0], sp.annotator, sp.start, sp.end, sp.label)
            for sp in spans
        }
        return {
            "documents": sorted(docs.values(), key=str),
            "spans": sorted(
                (key[sp.id], json.dumps(sp.attrs, sort_keys=True), sp.entity_id) for sp in spans
            ),
            "relations": sorted(
                (key[r.head_id], key[r.tail_id], r.label) for r in span_repo.relations_of(s)
            ),
            "assignments": sorted(
                (docs[a.document_id][0], a.annotator, a.status) for a in ann_repo.assignments(s)
            ),
        }


def _unique(i: int) -> DocData:
    doc = news_doc(i)
    return replace(doc, text=f"{doc.text} ({i})")


def _records() -> list[dict[str, Any]]:
    """Seven articles, then some of them again (whole, or with fewer spans), an article with two
    events on one trigger, a twin span, and a record annotated with no span."""
    docs = [_unique(i) for i in range(7)]
    two_events = docs[3]
    ev = next(sp for sp in two_events.spans if sp.id == "s5")
    docs[3] = replace(
        two_events,
        spans=(*two_events.spans, replace(ev, id="s9"), replace(two_events.spans[2], id="t3")),
        relations=(*two_events.relations, RelationData("r7", "agent", "s9", "s1")),
    )
    recs = [doc_record(d, "gold") for d in docs]
    partial = dict(recs[0], spans=recs[0]["spans"][:3], relations=[])
    empty = {
        "id": "empty",
        "text": "Nothing happened in Sabha today.",
        "layer": "gold",
        "spans": [],
    }
    same_text = dict(recs[2], id="another-id")  # the same text under another id: one document
    same_id = dict(recs[1], text=recs[1]["text"] + " Later.")  # another text: id renamed
    return [partial, *recs[1:], recs[3], recs[0], empty, recs[5], same_text, recs[3], same_id]


def _project(path: Path, records: list[dict[str, Any]], src: Path) -> Project:
    """A project that already holds the first record's document with three spans."""
    project = Project.create(path, "news")
    importing.import_paths(project, [_write(src, records[:1])], "jsonl", layer="gold")
    return project


@pytest.mark.parametrize("batch", [1, 2, 3])
def test_batches_give_the_project_and_report_of_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    records = _records()
    src = _write(tmp_path / "in.jsonl", records[1:])
    with _project(tmp_path / "one.annproj", records, tmp_path / "first.jsonl") as one:
        whole = importing.import_paths(one, [src], "jsonl", layer="gold")
        expected = _dump(one)
    monkeypatch.setattr(importing, "BATCH_DOCS", batch)
    with _project(tmp_path / "many.annproj", records, tmp_path / "first.jsonl") as many:
        batched = importing.import_paths(many, [src], "jsonl", layer="gold")
        assert _dump(many) == expected
        again = importing.import_paths(many, [src], "jsonl", layer="gold")
        assert _dump(many) == expected
    assert batched.as_dict() == whole.as_dict()
    assert batched.layers == whole.layers == {"gold": 9}
    assert batched.renamed_ids == whole.renamed_ids == [records[1]["id"]]
    assert (batched.documents_new, batched.documents_existing) == (8, 1)
    assert batched.spans_existing == 3 and batched.spans_repeated > 20
    assert again.documents_new == 0 and again.spans_added == 0 and again.relations_added == 0
    assert again.documents_existing == 9 and not again.renamed_ids


def test_batches_give_the_label_map_notes_of_one_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    foreign = {"ACTOR": "Person", "PLACE": "GPE"}
    records = []
    for rec in [doc_record(_unique(i), "gold") for i in range(5)]:
        for sp in rec["spans"]:
            sp["label"] = foreign.get(sp["label"], sp["label"])
            sp["attrs"] = {**sp["attrs"], "source": "x"}  # dropped: no such attribute
        records.append(rec)
    src = _write(tmp_path / "in.jsonl", records)
    label_map = tmp_path / "map.json"
    label_map.write_text(json.dumps({"Person": "ACTOR", "GPE": "PLACE"}), "utf-8")
    reports = []
    for batch in (1000, 2):
        monkeypatch.setattr(importing, "BATCH_DOCS", batch)
        with Project.create(tmp_path / f"p{batch}.annproj", "news") as project:
            reports.append(importing.import_paths(project, [src], "jsonl", label_map=label_map))
    assert reports[0].notes == reports[1].notes
    assert "15 x mapped Person -> ACTOR" in reports[1].notes
    assert reports[0].as_dict() == reports[1].as_dict()


def _bad_records(*faults: tuple[int, str]) -> list[dict[str, Any]]:
    records = [doc_record(_unique(i), "gold") for i in range(10)]
    for index, fault in faults:
        span = records[index]["spans"][0]
        if fault == "offsets":
            span["end"] = 10_000
        elif fault == "label":
            span["label"] = "WEAPON"
        elif fault == "value":
            span["attrs"] = {"type": "robot"}
    return records


@pytest.mark.parametrize(
    ("faults", "line", "words"),
    [
        ([(7, "offsets")], 8, "outside"),
        ([(8, "label")], 9, "WEAPON"),
        ([(1, "offsets"), (6, "value")], 7, "'robot' is not a value"),
        ([(1, "value"), (8, "label")], 2, "'robot'"),  # the label map's error names both
        ([(1, "offsets"), (3, "label"), (8, "label")], 4, "WEAPON (2 spans)"),
        ([(1, "offsets"), (9, "json")], 10, "invalid JSON"),
    ],
)
def test_a_bad_late_batch_writes_nothing_and_names_the_whole_inputs_error(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    faults: list[tuple[int, str]],
    line: int,
    words: str,
) -> None:
    records = _bad_records(*faults)
    lines = [json.dumps(r) for r in records]
    for index, fault in faults:
        if fault == "json":
            lines[index] = lines[index][:-5]
    src = tmp_path / "in.jsonl"
    src.write_text("\n".join(lines) + "\n", "utf-8")
    messages = []
    for batch in (10_000, 2):
        monkeypatch.setattr(importing, "BATCH_DOCS", batch)
        with Project.create(tmp_path / f"p{batch}.annproj", "news") as project:
            importing.import_documents(project, [news_doc(50)], layer="gold")
            before = _dump(project)
            with pytest.raises(ImportFailed) as err:
                importing.import_paths(project, [src], "jsonl", layer="gold")
            assert _dump(project) == before
        messages.append(err.value.one_line())
    assert messages[0] == messages[1]
    assert f"in.jsonl:{line}" in messages[1] and words in messages[1], messages[1]


def test_a_bad_first_batch_is_refused_before_the_write_lock(tmp_path: Path) -> None:
    records = _bad_records((0, "offsets"))
    src = _write(tmp_path / "in.jsonl", records)
    with Project.create(tmp_path / "p.annproj", "news") as project:
        other = sqlite3.connect(tmp_path / "p.annproj", timeout=0.1)
        other.execute("BEGIN IMMEDIATE")  # another program is writing
        try:
            with pytest.raises(ImportFailed) as err:
                importing.import_paths(project, [src], "jsonl", layer="gold")
        finally:
            other.rollback()
            other.close()
    assert "outside" in err.value.one_line() and err.value.line == 1


def _articles(path: Path, n: int) -> Path:
    words = "the council said on Monday that talks would resume next week in the capital".split()
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            rnd = random.Random(i)
            text = f"Report {i}: " + " ".join(rnd.choice(words) for _ in range(200))
            spans = [
                {"id": f"s{k}", "start": 12 + 4 * k, "end": 14 + 4 * k, "label": "PLACE"}
                for k in range(8)
            ]
            fh.write(json.dumps({"id": f"r{i}", "text": text, "spans": spans}) + "\n")
    return path


def test_memory_does_not_grow_with_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH_DOCS", 100)
    peaks = []
    for n in (1200, 6000):  # both past the 1 MB a reader reads at a time
        src = _articles(tmp_path / f"in{n}.jsonl", n)
        with Project.create(tmp_path / f"p{n}.annproj", "news") as project:
            tracemalloc.start()
            report = importing.import_paths(project, [src], "jsonl", layer="gold")
            peaks.append(tracemalloc.get_traced_memory()[1])
            tracemalloc.stop()
        assert report.spans_added == 8 * n
    assert peaks[1] < 1.2 * peaks[0], peaks


def test_id_runs_behave_as_a_set() -> None:
    rnd = random.Random(7)
    runs = importing._IdRuns()
    plain: set[int] = set()
    runs.update(list(range(100, 150)))
    plain.update(range(100, 150))
    for _ in range(3000):
        value = rnd.randrange(0, 400)
        assert runs.add(value) == (value not in plain)
        plain.add(value)
    runs.update([1000, 1001, 1002])
    runs.update([990, 1500])
    plain.update([1000, 1001, 1002, 990, 1500])
    assert len(runs) == len(plain)
    assert all((v in runs) == (v in plain) for v in range(-5, 1600))


def test_a_record_met_again_resolves_relations_to_earlier_spans(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A record met again in a later batch resolves its relations to the spans an earlier
    batch inserted (relations already there are not added twice)."""
    doc = news_doc(1)
    doc = replace(doc, spans=(*doc.spans, SpanData("x", 0, 3, "ACTOR", {"type": "person"})))
    rec = doc_record(replace(doc, relations=()), "gold")
    full = doc_record(news_doc(1), "gold")
    src = _write(tmp_path / "in.jsonl", [rec, full, full])
    monkeypatch.setattr(importing, "BATCH_DOCS", 1)
    with Project.create(tmp_path / "p.annproj", "news") as project:
        report = importing.import_paths(project, [src], "jsonl", layer="gold")
    assert (report.relations_added, report.relations_existing) == (6, 6)
    assert report.spans_added == 9 and report.spans_repeated == 16


def test_skip_unmapped_maps_every_record_wherever_it_stands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --skip-unmapped every batch is mapped: an attribute the scheme does not define is
    dropped and counted whether or not some record of the file has a foreign label (before,
    the whole file was mapped only when one had)."""
    records = [doc_record(_unique(i), "gold") for i in range(4)]
    records[0]["spans"][0]["attrs"] = {"type": "person", "colour": "red"}
    src = _write(tmp_path / "in.jsonl", records)
    monkeypatch.setattr(importing, "BATCH_DOCS", 1)
    with Project.create(tmp_path / "p.annproj", "news") as project:
        report = importing.import_paths(project, [src], "jsonl", skip_unmapped=True)
        assert report.spans_added == 32
        with project.session() as s:
            assert all("colour" not in sp.attrs for sp in span_repo.spans_of(s))
    assert "1 x attribute ACTOR.colour dropped (not in the scheme)" in report.notes
