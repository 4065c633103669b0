"""The majority layer with 2, 3 and 4 annotators, ties included."""

from __future__ import annotations

import pytest

from annotator.agreement.majority import majority_layer
from annotator.errors import AgreementFailed
from annotator.values import DocData, RelationData, SpanData

TEXT = "Haftar said the army attacked Tripoli on Monday."
HAFTAR = (0, 6, "ACTOR")
ARMY = (16, 20, "ACTOR")
ATTACK = (21, 29, "EVENT")
TRIPOLI = (30, 37, "PLACE")


def _span(sid: str, key: tuple, attrs: dict | None = None, entity: str | None = None) -> SpanData:
    return SpanData(sid, key[0], key[1], key[2], attrs or {}, entity, "person" if entity else None)


def _doc(
    spans: list[SpanData],
    rels: list[tuple[str, str, str]] = (),
    doc_id: str = "d1",
    text: str = TEXT,
) -> DocData:
    relations = tuple(RelationData(f"x{i}", lab, h, t) for i, (lab, h, t) in enumerate(rels))
    return DocData(doc_id, text, {"title": "T"}, tuple(spans), relations, layer="someone")


def test_three_annotators_keep_what_two_agree_on() -> None:
    alice = _doc(
        [
            _span("a1", HAFTAR, {"type": "person"}, "Khalifa Haftar"),
            _span("a2", ARMY, {"type": "government"}),
            _span("a3", ATTACK),
            _span("a4", TRIPOLI),
        ],
        [("agent", "a3", "a2"), ("place", "a3", "a4")],
    )
    bob = _doc(
        [
            _span("b1", HAFTAR, {"type": "person"}, "Khalifa Haftar"),
            _span("b2", ARMY, {"type": "armed_group"}),
            _span("b3", ATTACK),
        ],
        [("agent", "b3", "b2")],
    )
    carol = _doc(
        [
            _span("c1", HAFTAR, {"type": "organisation"}),
            _span("c2", ARMY, {"type": "other"}),
            _span("c3", ATTACK),
        ]
    )
    docs, ties = majority_layer({"alice": [alice], "bob": [bob], "carol": [carol]})
    (doc,) = docs
    assert doc.layer == "majority" and doc.text == TEXT and doc.meta == {"title": "T"}
    assert [(s.id, s.start, s.end, s.label) for s in doc.spans] == [
        ("s1", *HAFTAR),
        ("s2", *ARMY),
        ("s3", *ATTACK),
    ]  # Tripoli: 1 of 3, no tie
    haftar, army, _ = doc.spans
    assert dict(haftar.attrs) == {"type": "person"}
    assert (haftar.entity, haftar.entity_type) == ("Khalifa Haftar", "person")
    assert dict(army.attrs) == {}  # government / armed_group / other: no majority
    assert [(r.id, r.label, r.head, r.tail) for r in doc.relations] == [("r1", "agent", "s3", "s2")]
    assert ties == [
        "d1: ACTOR [16, 20) 'army': no majority for type "
        "(armed_group: bob; government: alice; other: carol); left out"
    ]


def test_two_annotators_ties_are_reported_and_left_out() -> None:
    alice = _doc(
        [_span("a1", HAFTAR), _span("a2", ATTACK), _span("a3", TRIPOLI)], [("place", "a2", "a3")]
    )
    bob = _doc([_span("b1", HAFTAR), _span("b2", ATTACK)])
    docs, ties = majority_layer({"alice": [alice], "bob": [bob]})
    assert [(s.start, s.end, s.label) for s in docs[0].spans] == [HAFTAR, ATTACK]
    assert docs[0].relations == ()
    assert ties == [
        "d1: span PLACE [30, 37) 'Tripoli': tie, marked by 1 of 2 (alice); left out",
        "d1: relation place EVENT [21, 29) -> PLACE [30, 37): tie, marked by 1 of 2 (alice); "
        "left out",
    ]


def test_majority_counts_only_annotators_of_the_document() -> None:
    shared = _doc([_span("x", HAFTAR)])
    solo = _doc([_span("y", ARMY)], doc_id="d2")
    four = {"a": [shared, solo], "b": [shared], "c": [_doc([])], "d": [_doc([_span("z", ARMY)])]}
    docs, ties = majority_layer(four)
    assert [d.id for d in docs] == ["d1", "d2"]
    # d1: Haftar 2 of 4 -> tie; army 1 of 4 -> out. d2: only "a" annotated it -> kept
    assert docs[0].spans == () and len(ties) == 1 and "tie, marked by 2 of 4 (a, b)" in ties[0]
    assert [(s.start, s.end) for s in docs[1].spans] == [(16, 20)]


def test_ids_are_deterministic_whatever_the_input_order() -> None:
    one = _doc(
        [_span("p", TRIPOLI), _span("q", HAFTAR), _span("r", ATTACK)],
        [("place", "r", "p"), ("agent", "r", "q")],
    )
    two = _doc(
        [_span("k", ATTACK), _span("l", TRIPOLI), _span("m", HAFTAR)],
        [("agent", "k", "m"), ("place", "k", "l")],
    )
    first, _ = majority_layer({"a": [one], "b": [two], "c": [one]})
    second, _ = majority_layer({"c": [two], "a": [one], "b": [two]})
    assert first[0].spans == second[0].spans and first[0].relations == second[0].relations
    assert [s.id for s in first[0].spans] == ["s1", "s2", "s3"]
    assert [(r.id, r.label) for r in first[0].relations] == [("r1", "agent"), ("r2", "place")]


def test_same_span_twice_in_one_layer_is_one_vote() -> None:
    twice = _doc([_span("a", HAFTAR), _span("b", HAFTAR)])
    docs, ties = majority_layer({"a": [twice], "b": [_doc([])], "c": [_doc([])]})
    assert docs[0].spans == () and ties == []


def test_different_texts_are_refused() -> None:
    with pytest.raises(AgreementFailed, match="d1"):
        majority_layer({"a": [_doc([])], "b": [_doc([], text=TEXT + "!")]})
