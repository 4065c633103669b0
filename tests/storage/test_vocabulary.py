"""The vocabulary's values are the strings project files store: old projects read the same."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from annotator import services
from annotator.project import Project
from annotator.vocabulary import (
    AnnotatorRole,
    AssignmentStatus,
    EventAction,
    Layer,
    Origin,
    SuggestionState,
)
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import events as event_repo
from storage.repository import spans as span_repo
from storage.repository import suggestions as sugg_repo

DUMP = Path(__file__).parent / "fixtures" / "schema_0001_demo.sql"


def test_values_are_the_stored_strings() -> None:
    # Spelled out: changing one of these breaks every project file already written.
    assert [s.value for s in AssignmentStatus] == ["todo", "in_progress", "done", "skipped"]
    assert [s.value for s in SuggestionState] == ["pending", "accepted", "rejected"]
    assert [s.value for s in Layer] == ["gold", "majority", "suggestions"]
    assert [s.value for s in AnnotatorRole] == ["annotator", "reviewer", "lead"]
    assert Origin.MANUAL == "manual" and Origin.IMPORT == "import"
    assert EventAction.SPAN_ADD == "span.add" and EventAction.STATUS == "status"
    values = [a.value for a in EventAction]
    assert len(values) == len(set(values))


def _old_project(tmp_path: Path) -> Path:
    path = tmp_path / "old.annproj"
    con = sqlite3.connect(path)
    con.executescript(DUMP.read_text("utf-8"))
    con.close()
    return path


def test_a_released_project_speaks_the_vocabulary(tmp_path: Path) -> None:
    path = _old_project(tmp_path)
    con = sqlite3.connect(path)
    statuses = {r[0] for r in con.execute("SELECT status FROM assignment")}
    actions = {r[0] for r in con.execute("SELECT action FROM event_log")}
    annotators = {r[0] for r in con.execute("SELECT name FROM annotator")}
    roles = {r[0] for r in con.execute("SELECT role FROM annotator")}
    done = con.execute("SELECT count(*) FROM assignment WHERE status = 'done'").fetchone()[0]
    con.close()
    assert statuses and statuses <= set(AssignmentStatus)
    assert actions and actions <= set(EventAction)
    assert Layer.GOLD in annotators and roles <= set(AnnotatorRole)
    with Project.open(path) as proj, proj.session() as s:
        found = ann_repo.assignments(s)
        assert sum(a.status == AssignmentStatus.DONE for a in found) == done > 0
        assert event_repo.events(s, action=EventAction.STATUS)
        assert span_repo.span_counts(s)[Layer.GOLD]


def test_new_writes_store_plain_strings(tmp_path: Path) -> None:
    path = _old_project(tmp_path)
    with Project.open(path) as proj, proj.session() as s:
        doc = doc_repo.get_documents(s)[0]
        services.set_status(s, doc.id, "carol", AssignmentStatus.IN_PROGRESS)
        services.add_span(s, proj.scheme, doc.id, "carol", 0, 3, "ACTOR", {"type": "person"})
        sugg_repo.insert_suggestions(
            s, [{"document_id": doc.id, "start": 0, "end": 3, "label": "ACTOR", "model": "m"}]
        )
    con = sqlite3.connect(path)
    row = con.execute(
        "SELECT a.status, typeof(a.status) FROM assignment a JOIN annotator n"
        " ON n.id = a.annotator_id WHERE n.name = 'carol'"
    ).fetchone()
    origin = con.execute("SELECT origin FROM span ORDER BY id DESC LIMIT 1").fetchone()[0]
    state = con.execute("SELECT state FROM suggestion").fetchone()[0]
    action = con.execute("SELECT action FROM event_log ORDER BY id DESC LIMIT 1").fetchone()[0]
    con.close()
    assert row == ("in_progress", "text")
    assert (origin, state, action) == ("manual", "pending", "span.add")
