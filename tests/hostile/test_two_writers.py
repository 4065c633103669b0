"""Defect 4: two writers at once (two imports, a merge or an import while the app edits) both
succeed; the app's undo survives another writer taking ids."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from annotator import services
from annotator.project import Project
from annotator.transfer.importing import import_documents, import_paths
from annotator.values import DocData, SpanData
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo

MakeProject = Callable[..., Project]
REPO = Path(__file__).resolve().parents[2]


def _jsonl(path: Path, tag: str, n: int) -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = f"{tag} story {i}: officials in Tripoli met on Monday."
            start = text.index("Tripoli")
            rec = {
                "id": f"{tag}-{i}",
                "text": text,
                "spans": [{"start": start, "end": start + 7, "label": "PLACE"}],
            }
            fh.write(json.dumps(rec) + "\n")
    return path


def test_two_import_processes_both_succeed(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project(n_docs=0)
    project.close()
    files = [_jsonl(tmp_path / f"{t}.jsonl", t, 3000) for t in ("left", "right")]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "annotator.cli", "import", str(project.path), str(f)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for f in files
    ]
    results = [p.communicate(timeout=240) for p in procs]
    for proc, (_out, err) in zip(procs, results, strict=True):
        assert proc.returncode == 0, err
    with Project.open(project.path) as again, again.session() as s:
        assert len(doc_repo.document_hashes(s)) == 6000
        spans = span_repo.spans_of(s)
        assert len(spans) == 6000
        assert len({sp.id for sp in spans}) == 6000


def test_import_threads_and_an_editor_at_once(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project(n_docs=1)
    errors: list[BaseException] = []

    def importer(tag: str) -> None:
        try:
            with Project.open(project.path) as other:
                import_paths(other, [_jsonl(tmp_path / f"{tag}.jsonl", tag, 1500)])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=importer, args=(t,)) for t in ("a", "b")]
    for t in threads:
        t.start()
    # the editor keeps adding and removing spans meanwhile
    with project.session() as s:
        doc_id = min(doc_repo.document_hashes(s).values())
    for _ in range(30):
        with project.session(write=True) as s:
            sid = services.add_span(s, project.scheme, doc_id, "tester", 0, 5, "PLACE").id
        with project.session(write=True) as s:
            services.delete_span(s, sid, "tester")
    for t in threads:
        t.join(240)
    assert errors == []
    with project.session() as s:
        assert len(doc_repo.document_hashes(s)) == 3001


def test_undo_after_another_writer_took_the_id(make_project: MakeProject) -> None:
    project = make_project(n_docs=2)
    with project.session() as s:
        doc_a, doc_b = sorted(doc_repo.document_hashes(s).values())
    with project.session(write=True) as s:
        keep = services.add_span(s, project.scheme, doc_a, "tester", 0, 5, "PLACE").id
        sid = services.add_span(
            s, project.scheme, doc_a, "tester", 10, 17, "EVENT", {"type": "attack"}
        ).id
        services.add_relation(s, project.scheme, sid, keep, "place", "tester")
    with project.session(write=True) as s:
        snapshot = services.delete_span(s, sid, "tester")
    # another program imports meanwhile and gets the freed (highest) id
    with Project.open(project.path) as other, other.session() as s:
        text = doc_repo.get_documents(s, [doc_b])[0].text
    with Project.open(project.path) as other:
        import_documents(
            other, [DocData("x", text, {}, (SpanData("t", 0, 5, "TIME"),), ())], layer="bot"
        )
    with project.session() as s:
        assert span_repo.get_span(s, sid) is not None  # the id is taken by the import
    with project.session(write=True) as s:
        new_id = services.restore_span(s, snapshot, "tester").span.id
    assert new_id != sid
    with project.session() as s:
        restored = span_repo.get_span(s, new_id)
        assert restored is not None and (restored.start, restored.end) == (10, 17)
        assert [(r.head_id, r.tail_id) for r in span_repo.relations_of_spans(s, [new_id])] == [
            (new_id, keep)
        ]
        assert span_repo.get_span(s, sid).label == "TIME"  # the other writer's span is untouched


def test_merge_while_the_app_edits(make_project: MakeProject, tmp_path: Path) -> None:
    from annotator.team.assignments import assign
    from annotator.team.workfile import merge, package

    project = make_project(n_docs=3)
    with project.session() as s:
        assign(s, ["alice"], per_doc=1, seed=0)
    work = tmp_path / "alice.annwork"
    package(project, "alice", work)
    with Project.open(work) as w, w.session(write=True) as s:
        for doc_id in sorted(doc_repo.document_hashes(s).values()):
            services.add_span(s, w.scheme, doc_id, "alice", 0, 5, "PLACE")
    errors: list[BaseException] = []
    stop = threading.Event()

    def editor() -> None:  # the app, open on the main project, editing its own layer
        try:
            with Project.open(project.path) as app_project:
                with app_project.session() as s:
                    doc_id = min(doc_repo.document_hashes(s).values())
                while not stop.is_set():
                    with app_project.session(write=True) as s:
                        sid = services.add_span(
                            s, app_project.scheme, doc_id, "tester", 9, 14, "TIME"
                        ).id
                    with app_project.session(write=True) as s:
                        services.delete_span(s, sid, "tester")
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=editor)
    thread.start()
    try:
        for _ in range(3):
            merge(project, [work])
    finally:
        stop.set()
        thread.join(60)
    assert errors == []
    with project.session() as s:
        assert len(span_repo.spans_of(s, annotator="alice")) == 3
