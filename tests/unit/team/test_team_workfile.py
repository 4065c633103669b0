"""Work files: package, merge (twice), refusals, new actors, other layers untouched."""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from team_helpers import TEXTS, doc, location, offsets, standard_layer, table_dump

from annotator import services
from annotator.errors import MergeRefused, PackageFailed
from annotator.layers import load_layer
from annotator.project import Project
from annotator.team.assignments import assign
from annotator.team.workfile import merge, package
from annotator.vocabulary import EventAction
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import registry as registry_repo
from storage.repository import spans as span_repo

MakeProject = Callable[..., Project]


def _team_project(make_project: MakeProject) -> Project:
    layers = {
        "alice": [doc(0, standard_layer(0)), doc(1, standard_layer(1))],
        "bob": [doc(0, standard_layer(0)[:2]), doc(2, standard_layer(2))],
    }
    project = make_project(n_docs=6, layers=layers)
    with project.session() as s:
        assign(s, ["alice", "bob"], per_doc=2, seed=0)
    return project


def _packaged_for_alice(make_project: MakeProject, tmp_path: Path) -> tuple[Project, Path]:
    """The team project and alice's work file, ``alice.annwork`` in ``tmp_path``."""
    project = _team_project(make_project)
    out = tmp_path / "alice.annwork"
    package(project, "alice", out)
    return project, out


def _layer(project: Project, name: str) -> dict[str, set[tuple[object, ...]]]:
    with project.session() as s:
        docs = load_layer(s, name)
    out: dict[str, set[tuple[object, ...]]] = {}
    for d in docs:
        key = {sp.id: (sp.start, sp.end, sp.label) for sp in d.spans}
        out[d.id] = {
            (sp.start, sp.end, sp.label, json.dumps(dict(sp.attrs), sort_keys=True), sp.entity)
            for sp in d.spans
        }
        out[d.id] |= {(r.label, key[r.head], key[r.tail]) for r in d.relations}
    return out


def _work_layer(path: Path) -> dict[str, set[tuple[object, ...]]]:
    with Project.open(path) as work:
        return _layer(work, "alice")


def _doc_id(session: object, ext: str) -> int:
    return doc_repo.external_ids(session)[ext]  # type: ignore[arg-type]


def _edit_offline(path: Path) -> str:
    """What alice does on her laptop: add, change, remove, link, mark done, new actor."""
    work = Project.open(path)
    with work.session() as w:
        d0, d1 = _doc_id(w, "doc-0"), _doc_id(w, "doc-1")
        spans0 = {
            (sp.start, sp.end, sp.label): sp
            for sp in span_repo.spans_of(w, document_id=d0, annotator="alice")
        }
        text = TEXTS[0]
        actor = spans0[(*offsets(text, "Khalifa Haftar"), "ACTOR")]
        event = spans0[(*offsets(text, "attacked"), "EVENT")]
        place = spans0[(*offsets(text, "Tripoli"), "PLACE")]
        services.update_span(
            w, work.scheme, event.id, "alice", attrs={"type": "attack", "status": "occurred"}
        )
        services.delete_span(w, place.id, "alice")
        services.add_relation(w, work.scheme, event.id, actor.id, "agent", "alice")
        new_ent = services.ensure_entity(w, "Benghazi officials", "government", "alice")
        services.add_alias(
            w, registry_repo.find_entity(w, "Khalifa Haftar", "person") or 0, "Haftar", "alice"
        )
        s, e = offsets(text, "officials")
        services.add_span(
            w, work.scheme, d0, "alice", s, e, "ACTOR", {"type": "government"}, entity_id=new_ent
        )
        s, e = offsets(TEXTS[1], "Monday")
        services.add_span(w, work.scheme, d1, "alice", s, e, "TIME")
        todo = next(a for a in ann_repo.assignments(w, annotator="alice") if a.status == "todo")
        services.set_status(w, todo.document_id, "alice", "done", add_seconds=120.0)
        finished = next(d.external_id for d in doc_repo.get_documents(w, [todo.document_id]))
    work.close()
    return finished


def test_package_holds_assigned_documents_scheme_actors_and_work(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project = _team_project(make_project)
    out = tmp_path / "alice.annwork"
    report = package(project, "alice", out)
    with project.session() as s:
        assigned = {a.document_id for a in ann_repo.assignments(s, annotator="alice")}
    assert report.documents == len(assigned) and report.spans == 6
    assert not list(tmp_path.glob(".alice.annwork*"))  # temp file renamed away
    assert not Path(f"{out}-wal").exists()  # one self-contained file
    with Project.open(out) as work, work.session() as w:
        assert doc_repo.get_meta(w, "workfile_for") == "alice"
        assert work.scheme.fingerprint == project.scheme.fingerprint
        assert {d.id for d in doc_repo.get_documents(w)} == assigned
        assert span_repo.layers_with_spans(w) == ["alice"]  # bob's work stays home
        assert [e.name for e in registry_repo.list_entities(w)] == ["Khalifa Haftar"]
    assert _work_layer(out) == _layer(project, "alice")
    with pytest.raises(PackageFailed, match="already exists"):
        package(project, "alice", out)
    with pytest.raises(PackageFailed, match="no annotator"):
        package(project, "zoe", tmp_path / "zoe.annwork")


def test_package_then_merge_twice(make_project: MakeProject, tmp_path: Path) -> None:
    project, out = _packaged_for_alice(make_project, tmp_path)
    bob_before = _layer(project, "bob")
    finished = _edit_offline(out)

    [report] = merge(project, [out])
    by_doc = {c.external_id: c for c in report.changes}
    assert set(by_doc) == {"doc-0", "doc-1", finished}
    c0 = by_doc["doc-0"]
    assert (c0.added, c0.changed, c0.removed, c0.relations_added) == (1, 1, 1, 1)
    assert (by_doc["doc-1"].added, by_doc["doc-1"].status) == (1, None)
    assert (by_doc[finished].added, by_doc[finished].status) == (0, "done")
    assert report.entities_added == 1 and report.aliases_added == 1
    assert _layer(project, "alice") == _work_layer(out)
    assert _layer(project, "bob") == bob_before
    with project.session() as s:
        [a] = ann_repo.assignments(s, annotator="alice", document_id=_doc_id(s, finished))
        assert (a.status, a.seconds_spent) == ("done", 120.0)
        ents = {(e.name, e.type): e for e in registry_repo.list_entities(s)}
        assert ents[("Khalifa Haftar", "person")].aliases == ("Haftar",)
        assert ("Benghazi officials", "government") in ents

    project.close()
    before = table_dump(location(project))
    with Project.open(location(project)) as again:
        [second] = merge(again, [out])
    assert second.unchanged and second.changes == []
    assert table_dump(location(project)) == before


def test_merge_report_json_and_event_log_carry_the_same_counts(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, out = _packaged_for_alice(make_project, tmp_path)
    finished = _edit_offline(out)
    [report] = merge(project, [out])
    counts = {
        "doc-0": {"added": 1, "changed": 1, "removed": 1, "relations_added": 1},
        "doc-1": {"added": 1, "changed": 0, "removed": 0, "relations_added": 0},
        finished: {"added": 0, "changed": 0, "removed": 0, "relations_added": 0},
    }
    status = {"doc-0": None, "doc-1": None, finished: "done"}
    as_json = report.as_dict()["changes"]
    assert [c["document"] for c in as_json] == [c.external_id for c in report.changes]
    for c in as_json:
        ext = c["document"]
        assert c == {"document": ext, **counts[ext], "relations_removed": 0, "status": status[ext]}
    with project.session() as s:
        logged = event_repo.events(s, action=EventAction.MERGE)
        ext_of = {v: k for k, v in doc_repo.external_ids(s).items()}
    assert {ext_of[e.document_id or 0]: e.after for e in logged} == {
        c["document"]: {"file": out.name, **{k: v for k, v in c.items() if k != "document"}}
        for c in as_json
    }
    assert {e.actor for e in logged} == {"alice"}


def test_merge_with_actor_created_offline_under_an_existing_name(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, out = _packaged_for_alice(make_project, tmp_path)
    with project.session() as s:  # meanwhile, someone adds the same actor at home
        home_id = services.ensure_entity(s, "Benghazi officials", "government", "lead")
    _edit_offline(out)
    [report] = merge(project, [out])
    assert report.entities_added == 0
    with project.session() as s:
        linked = [sp for sp in span_repo.spans_of(s, annotator="alice") if sp.entity_id == home_id]
        assert len(linked) == 1
        assert sum(e.name == "Benghazi officials" for e in registry_repo.list_entities(s)) == 1


def test_other_layers_in_a_work_file_are_ignored(make_project: MakeProject, tmp_path: Path) -> None:
    project, out = _packaged_for_alice(make_project, tmp_path)
    bob_before = _layer(project, "bob")
    with Project.open(out) as work, work.session() as w:
        services.add_span(w, work.scheme, _doc_id(w, "doc-0"), "bob", 0, 5, "TIME")
    [report] = merge(project, [out])
    assert any("ignored layer 'bob'" in n for n in report.notes)
    assert _layer(project, "bob") == bob_before


def test_document_not_edited_offline_keeps_the_projects_version(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, out = _packaged_for_alice(make_project, tmp_path)
    with project.session() as s:  # alice keeps working online on doc-1
        services.add_span(s, project.scheme, _doc_id(s, "doc-1"), "alice", 0, 5, "TIME")
    expected = _layer(project, "alice")
    [report] = merge(project, [out])
    assert report.changes == []
    assert _layer(project, "alice") == expected


def _sql(path: Path, statement: str, *params: object) -> None:
    con = sqlite3.connect(path)
    con.execute(statement, params)
    con.commit()
    con.close()


def _refused(project: Project, files: list[Path], match: str) -> None:
    project.close()
    where = location(project)
    file = None if project.is_server else project.path
    before_bytes = hashlib.sha256(file.read_bytes()).hexdigest() if file else ""
    before = table_dump(where)
    with Project.open(where) as again, pytest.raises(MergeRefused, match=match):
        merge(again, files)
    assert table_dump(where) == before
    if file:
        assert hashlib.sha256(file.read_bytes()).hexdigest() == before_bytes


def test_merge_refuses_a_changed_text(make_project: MakeProject, tmp_path: Path) -> None:
    project, out = _packaged_for_alice(make_project, tmp_path)
    _edit_offline(out)
    new_text = TEXTS[0].replace("Monday", "Sunday")
    _sql(
        out,
        "UPDATE document SET text = ?, sha256 = ? WHERE external_id = 'doc-0'",
        new_text,
        hashlib.sha256(new_text.encode()).hexdigest(),
    )
    _refused(project, [out], "do not match any text of the project")


def test_merge_refuses_text_edited_behind_its_hash(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, out = _packaged_for_alice(make_project, tmp_path)
    _sql(out, "UPDATE document SET text = 'tampered' WHERE external_id = 'doc-0'")
    _refused(project, [out], "hash mismatch")


def test_merge_refuses_another_scheme(make_project: MakeProject, tmp_path: Path) -> None:
    project, out = _packaged_for_alice(make_project, tmp_path)
    _edit_offline(out)
    scheme = json.loads(project.scheme.to_json())
    scheme["labels"][0]["attributes"][0]["values"].append("alien")
    _sql(out, "UPDATE project_meta SET value = ? WHERE key = 'scheme'", json.dumps(scheme))
    # one good file and one bad: nothing at all is merged
    good = tmp_path / "bob.annwork"
    package(project, "bob", good)
    _refused(project, [good, out], "scheme does not match")


def test_merge_refuses_plain_projects_and_missing_files(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project = _team_project(make_project)
    Project.create(tmp_path / "other.annproj", "news").close()  # a plain project file
    _refused(project, [tmp_path / "other.annproj"], "not a work file")
    _refused(project, [tmp_path / "nowhere.annwork"], "no such work file")


@pytest.mark.parametrize("key", ["workfile_baseline", "workfile_statuses"])
@pytest.mark.parametrize("value", ["not json", "[1]", '{"a": 5}'])
def test_merge_refuses_damaged_work_file_metadata(
    make_project: MakeProject, tmp_path: Path, key: str, value: str
) -> None:
    project, out = _packaged_for_alice(make_project, tmp_path)
    _edit_offline(out)
    _sql(out, "UPDATE project_meta SET value = ? WHERE key = ?", value, key)
    _refused(project, [out], f"damaged work file: its '{key}'")


@pytest.mark.parametrize(
    ("attrs", "said"),
    [
        ("not json", r"cannot read the work file: .* attributes of span \d+ cannot be read"),
        ("[1, 2]", "damaged work file: cannot read its layer"),
    ],
)
def test_merge_refuses_a_span_whose_attributes_cannot_be_read(
    make_project: MakeProject, tmp_path: Path, attrs: str, said: str
) -> None:
    project, out = _packaged_for_alice(make_project, tmp_path)
    _edit_offline(out)
    _sql(out, "UPDATE span SET attrs = ? WHERE id = (SELECT MIN(id) FROM span)", attrs)
    _refused(project, [out], said)


def test_document_edited_on_both_sides_takes_the_work_file_and_is_reported(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project, out = _packaged_for_alice(make_project, tmp_path)
    with project.session() as s:
        services.add_span(s, project.scheme, _doc_id(s, "doc-0"), "alice", 0, 5, "TIME")
    _edit_offline(out)
    [report] = merge(project, [out])
    assert report.conflicts == ["doc-0"]
    assert any("edited in the project since packaging" in line for line in report.lines())
    assert _layer(project, "alice") == _work_layer(out)


def test_random_offline_rounds_round_trip_exactly(
    make_project: MakeProject, tmp_path: Path
) -> None:
    import random

    rng = random.Random(11)
    project = _team_project(make_project)
    for round_ in range(3):
        out = tmp_path / f"alice-{round_}.annwork"
        package(project, "alice", out)
        with Project.open(out) as work, work.session() as w:
            docs = doc_repo.get_documents(w)
            for _ in range(12):
                d = rng.choice(docs)
                mine = span_repo.spans_of(w, document_id=d.id, annotator="alice")
                action = rng.choice(["add", "add", "delete", "attr", "relation", "dup"])
                if action in ("add", "dup") or not mine:
                    s = rng.randrange(0, len(d.text) - 6)
                    e = s + rng.randrange(1, 6)
                    label = rng.choice(["ACTOR", "PLACE", "TIME"])
                    times = 2 if action == "dup" else 1
                    for _ in range(times):
                        services.add_span(w, work.scheme, d.id, "alice", s, e, label)
                elif action == "delete":
                    services.delete_span(w, rng.choice(mine).id, "alice")
                elif action == "attr":
                    actors = [sp for sp in mine if sp.label == "ACTOR"]
                    if actors:
                        services.update_span(
                            w,
                            work.scheme,
                            rng.choice(actors).id,
                            "alice",
                            attrs={"type": rng.choice(["party", "media"])},
                        )
                else:
                    ev = [sp for sp in mine if sp.label == "EVENT"]
                    ac = [sp for sp in mine if sp.label == "ACTOR"]
                    if ev and ac:
                        services.add_relation(
                            w, work.scheme, ev[0].id, rng.choice(ac).id, "target", "alice"
                        )
        bob_before = _layer(project, "bob")
        merge(project, [out])
        assert _layer(project, "alice") == _work_layer(out)
        assert _layer(project, "bob") == bob_before
        with project.session() as s:
            counts = len(span_repo.spans_of(s, annotator="alice"))
        with Project.open(out) as work, work.session() as w:
            assert len(span_repo.spans_of(w, annotator="alice")) == counts  # duplicates included
        [again] = merge(project, [out])
        assert again.unchanged
        with project.session() as s:
            assert len(span_repo.spans_of(s, annotator="alice")) == counts


def test_status_not_touched_offline_keeps_the_projects_status(
    make_project: MakeProject, tmp_path: Path
) -> None:
    """A document marked done in the project after packaging stays done when a work file in
    which its status was not changed is merged; a status changed offline still comes back."""
    project, out = _packaged_for_alice(make_project, tmp_path)
    finished = _edit_offline(out)  # marks one document done offline
    with project.session() as s:
        mine = [a for a in ann_repo.assignments(s, annotator="alice") if a.status == "todo"]
        at_home = next(
            d.external_id
            for d in doc_repo.get_documents(s, [a.document_id for a in mine])
            if d.external_id != finished
        )
        services.set_status(s, _doc_id(s, at_home), "alice", "done", add_seconds=30.0)
    [report] = merge(project, [out])
    by_doc = {c.external_id: c for c in report.changes}
    assert by_doc[finished].status == "done"
    assert at_home not in by_doc or by_doc[at_home].status is None
    with project.session() as s:
        [a] = ann_repo.assignments(s, annotator="alice", document_id=_doc_id(s, at_home))
        assert (a.status, a.seconds_spent) == ("done", 30.0)
        [b] = ann_repo.assignments(s, annotator="alice", document_id=_doc_id(s, finished))
        assert b.status == "done"
