"""The repository functions that replaced two versions of one meaning (a plain and a fast one)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from storage import postgres
from storage.db import Database
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo
from storage.repository import spans as span_repo


@pytest.fixture
def db(new_location: Callable[[str], str]) -> Iterator[Database]:
    """A new project database on each engine in turn."""
    where = new_location("r.annproj")
    if postgres.is_server_url(where):
        database = postgres.create_server(where)
    else:
        database = Database.create_sqlite(Path(where))
    yield database
    database.dispose()


def _docs(s: Session, n: int) -> list[int]:
    rows = [
        {"external_id": f"d{i}", "title": "", "source": "", "url": "", "text": "Tripoli, Monday."}
        for i in range(n)
    ]
    return doc_repo.insert_documents(s, [{**r, "sha256": r["external_id"]} for r in rows])


def _layer(s: Session, doc_ids: list[int], name: str) -> tuple[list[int], list[int]]:
    ann = ann_repo.ensure_annotator(s, name)
    spans = span_repo.insert_spans(
        s,
        [
            {"document_id": d, "annotator_id": ann, "start": a, "end": b, "label": lab}
            for d in doc_ids
            for a, b, lab in ((0, 7, "PLACE"), (9, 15, "TIME"))
        ],
    )
    rels = span_repo.insert_relations(
        s,
        [
            {"head_id": h, "tail_id": t, "label": "when"}
            for h, t in zip(spans[::2], spans[1::2], strict=True)
        ],
    )
    return spans, rels


@pytest.mark.parametrize("batch", [30000, 1], ids=["in-sql", "past-the-parameter-limit"])
def test_spans_and_relations_of_some_documents_are_exactly_theirs(
    db: Database, monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    monkeypatch.setattr(span_repo, "SQL_BATCH", batch)
    with db.session() as s:
        d0, d1, d2 = _docs(s, 3)
        spans, rels = _layer(s, [d0, d1, d2], "alice")
        _layer(s, [d0, d1], "bob")
        wanted = [d0, d2]
        got = span_repo.spans_of(s, annotator="alice", doc_ids=wanted)
        assert [sp.id for sp in got] == [spans[0], spans[1], spans[4], spans[5]]
        assert [r.id for r in span_repo.relations_of(s, annotator="alice", doc_ids=wanted)] == [
            rels[0],
            rels[2],
        ]
        assert len(span_repo.relations_of(s, doc_ids=wanted)) == 3  # bob's relation on d0


def test_inserted_relations_come_back_by_their_ids_and_deleting_spans_takes_them(
    db: Database,
) -> None:
    with db.session() as s:
        (d0,) = _docs(s, 1)
        spans, rels = _layer(s, [d0], "alice")
        rel = span_repo.get_relation(s, rels[0])
        assert rel is not None and (rel.head_id, rel.tail_id) == (spans[0], spans[1])
        span_repo.delete_spans(s, [spans[1]])
        assert span_repo.get_relation(s, rels[0]) is None
        assert [sp.id for sp in span_repo.spans_of(s)] == [spans[0]]


def test_update_spans_refuses_unknown_columns_and_reads_see_the_change(db: Database) -> None:
    with db.session() as s:
        (d0,) = _docs(s, 1)
        spans, _ = _layer(s, [d0], "alice")
        with pytest.raises(ValueError, match="document_id"):
            span_repo.update_spans(s, {spans[0]: {"label": "TIME", "document_id": 9}})
        span_repo.update_spans(s, {spans[0]: {"label": "TIME", "attrs": {"a": "b"}}})
        got = span_repo.get_span(s, spans[0])
        assert got is not None and (got.label, got.attrs) == ("TIME", {"a": "b"})


def test_layer_attribute_keys_are_the_label_and_name_pairs_of_that_layer_only(
    db: Database,
) -> None:
    with db.session() as s:
        (d0,) = _docs(s, 1)
        alice, _ = _layer(s, [d0], "alice")
        bob, _ = _layer(s, [d0], "bob")
        span_repo.update_spans(s, {alice[0]: {"attrs": {"kind": "city", "note": "x"}}})
        span_repo.update_spans(s, {alice[1]: {"attrs": {"kind": "day"}}})
        span_repo.update_spans(s, {bob[0]: {"attrs": {"other": 1}}})
        assert span_repo.layer_attribute_keys(s, "alice") == {
            ("PLACE", "kind"),
            ("PLACE", "note"),
            ("TIME", "kind"),
        }
        assert span_repo.layer_attribute_keys(s, "bob") == {("PLACE", "other")}
        assert span_repo.layer_attribute_keys(s, "nobody") == set()


def test_assignments_are_created_once_and_time_is_set_or_added(db: Database) -> None:
    with db.session() as s:
        d0, d1 = _docs(s, 2)
        ann = ann_repo.ensure_annotator(s, "alice")
        rows = [
            {"document_id": d0, "annotator_id": ann, "status": "done", "seconds_spent": 5.0},
            {"document_id": d1, "annotator_id": ann},
        ]
        assert ann_repo.add_assignments(s, rows) == 2
        assert ann_repo.add_assignments(s, [*rows, rows[0]]) == 0
        ann_repo.set_assignment(s, d0, ann, add_seconds=2.0)
        ann_repo.set_assignment(s, d1, ann, "in_progress", seconds_spent=30.0)
        got = {a.document_id: (a.status, a.seconds_spent) for a in ann_repo.assignments(s)}
    assert got == {d0: ("done", 7.0), d1: ("in_progress", 30.0)}


def test_large_bulk_inserts_keep_order_values_and_ids(db: Database) -> None:
    """Past COPY_THRESHOLD rows PostgreSQL takes its COPY path: the rows, their JSON and
    timestamps arrive as given, with ascending ids in row order, and later inserts go on."""
    from storage.bulk import COPY_THRESHOLD

    n = COPY_THRESHOLD + 50
    with db.session() as s:
        rows = [
            {
                "external_id": f"d{i}",
                "title": f"T{i}",
                "source": "",
                "url": "",
                "text": f"Text {i}, Tripoli.",
                "sha256": f"h{i}",
                "meta": {"n": i, "tags": ["a", "\\t\n"]},
            }
            for i in range(n)
        ]
        ids = doc_repo.insert_documents(s, rows)
        ann = ann_repo.ensure_annotator(s, "alice")
        span_ids = span_repo.insert_span_values(
            s, [(d, ann, 0, 4, "PLACE", {"k": "v\t1"}, None, "import") for d in ids]
        )
    assert ids == sorted(ids) and len(set(ids)) == n
    with db.session() as s:
        docs = doc_repo.get_documents(s)
        assert [d.id for d in docs] == ids
        assert [(d.external_id, d.meta) for d in docs] == [
            (r["external_id"], r["meta"]) for r in rows
        ]
        spans = span_repo.spans_of(s, annotator="alice")
        assert [sp.id for sp in spans] == span_ids
        assert {sp.attrs["k"] for sp in spans} == {"v\t1"}
        [extra] = doc_repo.insert_documents(s, [{**rows[0], "external_id": "x", "sha256": "x"}])
        assert extra > ids[-1]


def test_json_values_that_compare_equal_keep_their_own_text(db: Database) -> None:
    """Span attributes are serialised once per distinct small value: values equal in Python
    but not in JSON (True and 1, 1 and 1.0, 0.0 and -0.0) keep their own text."""
    values = [{"a": True}, {"a": 1}, {"a": 1.0}, {"a": 0.0}, {"a": -0.0}, {"a": [1]}, {"a": 1}]
    with db.session() as s:
        [doc] = _docs(s, 1)
        ann = ann_repo.ensure_annotator(s, "alice")
        ids = span_repo.insert_span_values(
            s, [(doc, ann, 0, 4 + k, "PLACE", v, None, "import") for k, v in enumerate(values)]
        )
    with db.session() as s:
        got = {sp.id: sp.attrs for sp in span_repo.spans_of(s)}
    for span_id, value in zip(ids, values, strict=True):
        assert repr(got[span_id]) == repr(value)


def test_span_and_relation_keys_and_finished_assignments_of_some_documents(db: Database) -> None:
    with db.session() as s:
        d0, d1, d2 = _docs(s, 3)
        spans, _rels = _layer(s, [d0, d1], "alice")
        ann = ann_repo.annotator_id(s, "alice")
        assert ann is not None
        keys = span_repo.span_keys_of_documents(s, [d1, d2])
        assert keys == [
            (spans[2], d1, ann, 0, 7, "PLACE"),
            (spans[3], d1, ann, 9, 15, "TIME"),
        ]
        assert span_repo.relation_keys_of_documents(s, [d1]) == [(spans[2], spans[3], "when")]
        bob_spans, _ = _layer(s, [d1], "bob")
        bob = ann_repo.annotator_id(s, "bob")
        assert bob is not None
        assert [k[0] for k in span_repo.span_keys_of_documents(s, [d1])] == [*spans[2:], *bob_spans]
        assert [k[0] for k in span_repo.span_keys_of_documents(s, [d1], [bob])] == bob_spans
        assert span_repo.relation_keys_of_documents(s, [d1], [ann]) == [
            (spans[2], spans[3], "when")
        ]
        ann_repo.add_assignments(
            s,
            [
                {"document_id": d0, "annotator_id": ann},
                {"document_id": d1, "annotator_id": ann, "status": "in_progress"},
            ],
        )
        assert ann_repo.add_assignments(s, [{"document_id": d2, "annotator_id": ann}]) == 1
        ann_repo.finish_assignments(s, ann, [d0, d1])
        got = {a.document_id: a.status for a in ann_repo.assignments(s)}
    assert got == {d0: "done", d1: "in_progress", d2: "todo"}
