"""The dashboard's numbers: pure functions over records, and loading from a project."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import pytest

from annotator.reports.dashboard import (
    dashboard_from_records,
    kappa_matrix,
    label_agreement,
    label_distribution,
    load_dashboard,
    pace,
    progress_series,
)
from annotator.values import DocData, SpanData
from storage.records import AssignmentRecord, EventRecord

T0 = datetime(2026, 3, 2, 9, 0)  # naive UTC, as the database stores it


def _status(i: int, minutes: int, name: str, doc: int, status: str) -> EventRecord:
    return EventRecord(
        i,
        T0 + timedelta(minutes=minutes),
        name,
        "status",
        doc,
        f"status:{name}",
        None,
        {"status": status},
    )


def _span_add(i: int, minutes: int, name: str) -> EventRecord:
    return EventRecord(
        i,
        T0 + timedelta(minutes=minutes),
        name,
        "span.add",
        1,
        f"span:{i}",
        None,
        {"label": "ACTOR"},
    )


def _assignment(
    i: int, name: str, doc: int, status: str, seconds: float = 0.0, minutes: int = 0
) -> AssignmentRecord:
    return AssignmentRecord(i, doc, name, status, seconds, T0 + timedelta(minutes=minutes))


def ts(minutes: int) -> float:
    return (T0 + timedelta(minutes=minutes)).replace(tzinfo=UTC).timestamp()


def test_progress_replays_status_events_and_counts_unlogged_done_assignments() -> None:
    events = [
        _status(1, 10, "alice", 1, "in_progress"),
        _status(2, 20, "alice", 1, "done"),
        _status(3, 30, "alice", 2, "done"),
        _status(4, 40, "alice", 1, "in_progress"),  # reopened: counts down
        _status(5, 50, "bob", 1, "done"),
        _status(6, 55, "carol", 1, "done"),  # not asked for
    ]
    assignments = [
        _assignment(1, "alice", 1, "in_progress", minutes=40),
        _assignment(2, "alice", 2, "done", minutes=30),
        _assignment(3, "alice", 3, "todo"),
        _assignment(4, "bob", 1, "done", minutes=50),
        _assignment(5, "bob", 2, "done", minutes=70),  # merged from a work file: no event
    ]
    alice, bob = progress_series(assignments, events, ["alice", "bob"])
    assert alice.times == (ts(20), ts(30), ts(40))
    assert alice.done == (1, 2, 1)
    assert alice.assigned == 3 and alice.current == 1
    assert bob.times == (ts(50), ts(70))
    assert bob.done == (1, 2)
    assert bob.assigned == 2


def test_progress_merges_simultaneous_steps_and_handles_no_activity() -> None:
    events = [_status(1, 5, "alice", 1, "done"), _status(2, 5, "alice", 2, "done")]
    (alice, dora) = progress_series([], events, ["alice", "dora"])
    assert alice.times == (ts(5),) and alice.done == (2,)
    assert dora.times == () and dora.current == 0


def test_label_distribution_keeps_scheme_order_and_adds_unknown_labels() -> None:
    counts = {
        "alice": {"CLAIM": 3, "ACTOR": 5},
        "bob": {"ACTOR": 2, "ODD": 1},
        "gold": {"ACTOR": 9},
    }
    dist = label_distribution(counts, ["ACTOR", "CLAIM", "EVENT"], ["alice", "bob"])
    assert dist.labels == ("ACTOR", "CLAIM", "EVENT", "ODD")
    assert dist.counts == ((5, 3, 0, 0), (2, 0, 0, 1))
    assert dist.total("ACTOR") == 7


def test_kappa_matrix_is_symmetric_with_unit_diagonal_and_nan_for_missing_pairs() -> None:
    report = {"pairs": {"alice|bob": {"cohen_kappa": 0.5}, "bob|carol": {"cohen_kappa": None}}}
    m = kappa_matrix(report, ["alice", "bob", "carol"])
    assert m.value("alice", "bob") == m.value("bob", "alice") == 0.5
    assert m.value("carol", "carol") == 1.0
    assert math.isnan(m.value("bob", "carol"))
    assert math.isnan(m.value("alice", "carol"))  # no shared documents


def test_label_agreement_reads_metrics_per_label() -> None:
    report = {
        "labels": {
            "ACTOR": {"span_f1_exact": 0.8, "krippendorff_alpha": 0.7},
            "CLAIM": {"span_f1_exact": None},
        }
    }
    agr = label_agreement(report, ["ACTOR", "CLAIM"], ["span_f1_exact", "krippendorff_alpha"])
    assert agr.value("span_f1_exact", "ACTOR") == 0.8
    assert agr.value("krippendorff_alpha", "ACTOR") == 0.7
    assert math.isnan(agr.value("span_f1_exact", "CLAIM"))


def test_pace_uses_tracked_time_else_active_clock_hours() -> None:
    events = [_span_add(i, m, "alice") for i, m in enumerate([0, 10, 20, 70, 75])]
    events += [_span_add(10 + i, m, "bob") for i, m in enumerate([0, 5, 130])]
    assignments = [_assignment(1, "bob", 1, "done", seconds=1800.0)]
    result = pace(events, assignments, ["alice", "bob", "carol"])
    assert result.spans == (5, 3, 0)
    assert result.hours == (2.0, 0.5, 0.0)  # alice: clock hours 9:00 and 10:00
    assert result.per_hour[:2] == (2.5, 6.0)
    assert math.isnan(result.per_hour[2])


def test_dashboard_from_records_without_agreement() -> None:
    data = dashboard_from_records(
        documents=4,
        annotators=["alice"],
        labels=["ACTOR"],
        assignments=[],
        events=[],
        span_counts={"alice": {"ACTOR": 2}},
        report=None,
        now=1.0,
    )
    assert data.labels.counts == ((2,),)
    assert math.isnan(data.agreement.value("span_f1_exact", "ACTOR"))
    assert data.kappa.values == ((1.0,),)
    assert data.shared_documents == 0 and data.generated_at == 1.0


def _doc(ext: str, text: str, spans: list[tuple[int, int, str]]) -> DocData:
    return DocData(
        ext,
        text,
        {"title": ext},
        tuple(SpanData(f"s{i}", a, b, lab) for i, (a, b, lab) in enumerate(spans)),
    )


def test_load_dashboard_on_a_project_matches_the_agreement_report(new_location) -> None:
    from annotator.agreement.report import agreement_report
    from annotator.layers import load_layer
    from annotator.project import Project
    from annotator.services import add_span, set_status, update_span
    from annotator.transfer.importing import import_documents
    from storage.repository import documents as doc_repo
    from storage.repository import spans as span_repo

    t1 = "Ahmed Said met the mayor of Tripoli on Monday."
    t2 = "Police arrested two protesters in Benghazi."
    with Project.create(new_location()) as project:
        import_documents(
            project,
            [
                _doc("d1", t1, [(0, 10, "ACTOR"), (28, 35, "PLACE")]),
                _doc("d2", t2, [(0, 6, "ACTOR"), (35, 43, "PLACE")]),
            ],
            layer="alice",
        )
        import_documents(
            project,
            [
                _doc("d1", t1, [(0, 10, "ACTOR"), (39, 45, "TIME")]),
                _doc("d2", t2, [(0, 6, "ACTOR"), (15, 34, "ACTOR")]),
            ],
            layer="bob",
        )
        with project.session() as s:
            ids = doc_repo.external_ids(s)
            set_status(s, ids["d1"], "alice", "done")
            add_span(s, project.scheme, ids["d2"], "bob", 24, 34, "ACTOR")
            set_status(s, ids["d2"], "bob", "in_progress")
        labels = project.scheme.label_names
        with project.session() as s:
            data = load_dashboard(s, labels)
            expected = agreement_report(
                {n: load_layer(s, n) for n in ("alice", "bob")}, list(labels)
            )
        assert data.documents == 2 and data.annotators == ("alice", "bob")
        assert data.shared_documents == 2
        assert data.labels.counts[0][:4] == (2, 0, 0, 2)  # alice: ACTOR, CLAIM, EVENT, PLACE
        assert data.labels.counts[1][0] == 4
        assert data.kappa.value("alice", "bob") == pytest.approx(
            expected.pairs["alice|bob"]["cohen_kappa"]
        )
        assert data.agreement.value("span_f1_exact", "ACTOR") == pytest.approx(
            expected.labels["ACTOR"]["span_f1_exact"]
        )
        assert data.overall["krippendorff_alpha"] == pytest.approx(
            expected.overall["krippendorff_alpha"]
        )
        alice, bob = data.progress  # an imported layer counts as done
        assert alice.current == 2 and alice.assigned == 2
        assert bob.current == 1 and bob.assigned == 2  # d2 was reopened
        assert data.pace.spans == (0, 1)  # imports are not counted, the edit is

        # The agreement report is reused while the annotators' layers are unchanged...
        with project.session() as s:
            again = load_dashboard(s, labels, previous=data)
        assert again.report is data.report
        # ...and recomputed after any change to them (here a relabel: same counts and offsets).
        with project.session() as s:
            span = next(
                sp
                for sp in span_repo.spans_of(s, document_id=ids["d1"], annotator="bob")
                if sp.label == "TIME"
            )
            update_span(s, project.scheme, span.id, "bob", label="PLACE")
            changed = load_dashboard(s, labels, previous=again)
        assert changed.report is not again.report
        assert changed.labels.counts[1][3] == 1 and changed.labels.counts[1][4] == 0


def test_pace_counts_accepted_suggestions_as_spans_added(new_location) -> None:
    """An annotator working from pre-annotation adds her spans by accepting suggestions; her
    pace said "0.0/h, 0 in 0.0 h" however many she accepted."""
    from annotator import services
    from annotator.project import Project
    from annotator.reports.dashboard import load_dashboard
    from annotator.transfer.importing import import_documents
    from annotator.values import DocData, SpanData
    from storage.repository import documents as doc_repo
    from storage.repository import suggestions as sugg_repo

    text = "Ahmed Said met the mayor of Tripoli on Monday."
    with Project.create(new_location()) as project:
        import_documents(project, [DocData("d1", text, {"title": "d1"})], layer="alice")
        with project.session() as s:
            doc_id = doc_repo.external_ids(s)["d1"]
            services.add_suggestions(
                s,
                doc_id,
                [SpanData("a", 0, 10, "ACTOR"), SpanData("p", 28, 35, "PLACE")],
                [],
                model="test-model",
            )
            ids = [g.id for g in sugg_repo.suggestions_of(s, state="pending")]
            services.accept_suggestions(s, project.scheme, ids, "alice", "alice")
            services.add_span(s, project.scheme, doc_id, "alice", 39, 45, "TIME")
        with project.session() as s:
            data = load_dashboard(s, project.scheme.label_names)
    assert data.annotators == ("alice",)
    assert data.pace.spans == (3,)  # two accepted, one drawn
