"""export_documents end to end: a real project file, every format, and all-or-nothing writes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.errors import ExportFailed
from annotator.formats.registry import writer_names
from annotator.project import Project
from annotator.transfer import importing
from annotator.values import DocData

from .conftest import news_doc


@pytest.fixture()
def project(new_location) -> Iterator[Project]:
    proj = Project.create(new_location("p.annotator"), "news")
    docs = [
        replace(news_doc(i), meta={"title": f"Article {i}"}, text=news_doc(i).text + f" {i}")
        for i in range(10)
    ]
    importing.import_documents(proj, docs, layer="gold")
    yield proj
    proj.close()


def test_every_format_exports(project: Project, tmp_path: Path) -> None:
    from annotator.transfer.exporting import export_documents

    for fmt in writer_names():
        out = tmp_path / f"out-{fmt}"
        summary = export_documents(project, out, fmt, split=(80, 10, 10), seed=1)
        assert out.is_dir(), fmt
        assert summary.total_documents == 10, fmt
        readme = (out / "README.md").read_text("utf-8")
        if fmt == "hf":  # a dataset card: its front matter first
            assert readme.startswith("---\nconfigs:")
            readme = readme[readme.index("\n---\n", 3) + 5 :].lstrip()
        assert readme.startswith("# Export (") and "| documents |" in readme
        assert not list(tmp_path.glob(".out-*")), "temporary folder left behind"
    lines = (tmp_path / "out-jsonl" / "train.jsonl").read_text("utf-8").splitlines()
    rec = json.loads(lines[0])
    assert rec["layer"] == "gold" and len(rec["spans"]) == 8 and len(rec["relations"]) == 6


def test_single_file_and_jsonl_round_trip(project: Project, tmp_path: Path, new_location) -> None:
    from annotator.formats import jsonl as reader
    from annotator.formats.reading import ReadOptions
    from annotator.transfer.exporting import export_documents

    out = tmp_path / "gold.jsonl"
    summary = export_documents(project, out, "jsonl")
    assert out.is_file() and summary.documents == {"all": 10}
    docs = list(reader.read(out, ReadOptions()))
    proj2 = Project.create(new_location("q.annotator"), "news")
    try:
        importing.import_documents(proj2, docs, layer="gold")
        out2 = tmp_path / "again.jsonl"
        export_documents(proj2, out2, "jsonl")
    finally:
        proj2.close()

    assert out2.read_bytes() == out.read_bytes()  # canonical ids: same bytes from both
    first = json.loads(out.read_text("utf-8").splitlines()[0])
    assert [s["id"] for s in first["spans"]] == [f"s{k}" for k in range(1, 9)]
    assert [s["start"] for s in first["spans"]] == sorted(s["start"] for s in first["spans"])


def test_labels_filter_and_training_default_split(project: Project, tmp_path: Path) -> None:
    from annotator.transfer.exporting import export_documents

    summary = export_documents(project, tmp_path / "sp", "spacy", labels=["ACTOR", "PLACE"])
    assert set(summary.label_totals()) == {"ACTOR", "PLACE"}
    assert summary.skipped["CLAIM span (label not in --labels)"] == 10
    assert summary.skipped["claimant relation (one end's label not in --labels)"] == 10
    assert "no --split given: used 80,10,10" in summary.notes
    # the ten articles are four near-duplicate families (same text but a number): 3+3+2+2
    assert summary.documents == {"train": 6, "dev": 2, "test": 2}
    assert any("near-duplicate" in note for note in summary.notes)
    with pytest.raises(ExportFailed, match="unknown label"):
        export_documents(project, tmp_path / "x", "jsonl", labels=["NOPE"])


def test_failures_leave_nothing(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.formats.brat import writer as brat
    from annotator.transfer.exporting import export_documents

    out = tmp_path / "b"
    export_documents(project, out, "brat")
    before = sorted(p.relative_to(out) for p in out.rglob("*"))

    def broken(docs: list[DocData], where: Path, ctx: object) -> None:
        (where / "half").mkdir(parents=True)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(brat, "write", broken)
    with pytest.raises(ExportFailed, match="No space left"):
        export_documents(project, out, "brat", overwrite=True)
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before  # earlier export kept
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".b.")]  # no temporaries
    other = tmp_path / "mine"
    other.mkdir()
    (other / "notes.txt").write_text("keep me")
    with pytest.raises(ExportFailed, match="not empty"):
        export_documents(project, other, "csv")
    assert (other / "notes.txt").read_text() == "keep me"
    with pytest.raises(ExportFailed, match="no layer 'carol'"):
        export_documents(project, tmp_path / "c.jsonl", "jsonl", layer="carol")
    with pytest.raises(ExportFailed, match="unknown export format"):
        export_documents(project, tmp_path / "c.jsonl", "xml")
    assert not (tmp_path / "c.jsonl").exists()


def test_annotators_agreement_and_majority(project: Project, tmp_path: Path) -> None:
    from annotator.transfer.exporting import export_documents

    docs = [replace(news_doc(i), meta={}, text=news_doc(i).text + f" {i}") for i in range(4)]
    importing.import_documents(project, docs, layer="alice")
    importing.import_documents(
        project, [replace(d, spans=d.spans[:4], relations=()) for d in docs], layer="bob"
    )
    summary = export_documents(project, tmp_path / "g", "csv")
    assert summary.annotators == ["alice", "bob"]
    assert summary.agreement is not None and "documents annotated by 2+" in summary.agreement
    assert "## Agreement" in (tmp_path / "g" / "README.md").read_text("utf-8")
    summary = export_documents(project, tmp_path / "alice.jsonl", "jsonl", layer="alice")
    assert summary.total_documents == 4 and summary.layer == "alice"
    summary = export_documents(project, tmp_path / "m.jsonl", "jsonl", layer="majority")
    assert summary.total_documents == 4
    assert summary.total_spans == 16  # the four spans both annotators have, per document
    # one short line: the count, the first documents, where each is listed (a long line of
    # every tie before)
    (note,) = [n for n in summary.notes if "majority tie" in n]
    assert note.startswith("40 majority ties left out, in 4 documents ("), note
    assert note.count(",") <= 5 and len(note) < 200, note
    assert "folder export" in note
    summary = export_documents(
        project, tmp_path / "m", "jsonl", layer="majority", split=(50, 25, 25)
    )
    (note,) = [n for n in summary.notes if "majority tie" in n]
    assert note.endswith("each listed in README.md"), note
    readme = (tmp_path / "m" / "README.md").read_text("utf-8")
    section = readme.split("## Majority ties left out\n\n", 1)[1]
    assert len([line for line in section.splitlines() if line.startswith("- ")]) == 40


def test_brat_project_brat_round_trip(project: Project, tmp_path: Path, new_location) -> None:
    from annotator.transfer.exporting import export_documents

    first, second = tmp_path / "one", tmp_path / "two"
    export_documents(project, first, "brat")
    other = Project.create(new_location("q.annotator"), "news")
    try:
        importing.import_paths(other, [first], "brat", layer="gold")
        export_documents(other, second, "brat")
    finally:
        other.close()
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.name != "README.md")
    assert files == sorted(
        p.relative_to(second) for p in second.rglob("*") if p.name != "README.md"
    )
    assert len([f for f in files if f.suffix == ".ann"]) == 10
    for rel in files:
        if (first / rel).is_file():
            assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_export_streams_the_layer_in_batches(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The writer gets an iterator read once, fed by document batches, never a list."""
    from annotator import layers
    from annotator.formats import jsonl
    from annotator.transfer.exporting import export_documents
    from storage.repository import documents as doc_repo

    calls: list[int] = []
    real_rows = doc_repo.document_rows

    def rows(session: object, doc_ids: list[int]) -> list[tuple]:
        calls.append(len(doc_ids))
        return real_rows(session, doc_ids)  # type: ignore[arg-type]

    seen: list[str] = []
    real_write = jsonl.write

    def write(docs: object, out: Path, ctx: object) -> object:
        assert not isinstance(docs, list | tuple)
        seen.append(type(docs).__name__)
        return real_write(docs, out, ctx)  # type: ignore[arg-type]

    monkeypatch.setattr(layers, "BATCH", 3)
    monkeypatch.setattr(doc_repo, "document_rows", rows)
    monkeypatch.setattr(jsonl, "write", write)
    summary = export_documents(project, tmp_path / "g.jsonl", "jsonl")
    assert summary.total_documents == 10
    assert calls == [3, 3, 3, 1] and seen == ["generator"]


def _rss_mb() -> float:
    import os

    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="needs Linux /proc")
def test_memory_freed_by_the_planning_pass_goes_back_before_the_writer_starts() -> None:
    from annotator.transfer.exporting import release_freed_memory

    # heap blocks (below glibc's mmap threshold), the last one kept: free() alone cannot
    # shrink the heap past it, so the freed pages stay resident until they are released
    blocks = [bytearray(b"x" * 60_000) for _ in range(600)]
    keep = blocks.pop()
    before_free = _rss_mb()
    del blocks
    freed = _rss_mb()
    release_freed_memory()
    released = _rss_mb()
    assert len(keep) == 60_000
    assert before_free - freed < 10  # free() left them resident
    assert freed - released > 20  # released: about 35 MB


def test_gold_export_agreement_is_read_in_batches_and_equals_the_loaded_layers(
    project: Project, tmp_path: Path
) -> None:
    """The gold export's agreement line is computed from the database batch by batch (memory
    does not grow with the corpus) and equals the one made from the loaded layers, over the
    documents two or more annotators did only, with the labels used there only."""
    from annotator.layers import load_layer
    from annotator.transfer.exporting import _agreement, _stored_agreement, export_documents

    docs = [replace(news_doc(i), meta={}, text=news_doc(i).text + f" {i}") for i in range(6)]
    importing.import_documents(project, docs[:5], layer="alice")
    importing.import_documents(
        project, [replace(d, spans=d.spans[:4], relations=()) for d in docs[:3]], layer="bob"
    )
    # carol shares document 4 with alice; only her document 5 (nobody else's) has PLACE alone
    only_place = replace(docs[5], spans=(docs[5].spans[5],), relations=())
    importing.import_documents(project, [docs[4], only_place], layer="carol")
    importing.import_documents(project, [docs[1]], layer="dave")  # a third copy of document 1
    names = ["alice", "bob", "carol", "dave", "erin"]  # erin has no layer at all
    with project.session() as s:
        loaded = {n: load_layer(s, n) for n in names}
        streamed = _stored_agreement(s, names, project.path)
    expected = _agreement(loaded, project.path)
    assert streamed is not None and streamed == expected
    assert streamed["documents annotated by 2+"] == 4  # documents 0, 1, 2 and 4
    summary = export_documents(project, tmp_path / "gold.jsonl", "jsonl")
    assert summary.agreement == expected
