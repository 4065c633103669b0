from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.reading import read_documents
from annotator.scheme import load_scheme
from annotator.transfer.label_map import apply_label_map, load_label_map, parse_label_map
from annotator.validation import validate_doc
from annotator.values import DocData, RelationData, SpanData

SCHEME = load_scheme("news")


def _doc() -> DocData:
    text = "Haftar said Tripoli was attacked by Sarraj."
    return DocData(
        "d1",
        text,
        spans=(
            SpanData("s1", 0, 6, "Person", {"note": "check"}),
            SpanData("s2", 12, 19, "GPE"),
            SpanData("s3", 24, 32, "EVENT", {"type": "attack"}),
            SpanData("s4", 36, 42, "Person"),
            SpanData("s5", 7, 11, "Report"),
        ),
        relations=(
            RelationData("r1", "Victim", "s3", "s4"),
            RelationData("r2", "Place-Arg", "s3", "s2"),
            RelationData("r3", "Reporter-Arg", "s5", "s1"),
        ),
    )


MAP = {
    "Person": {"label": "ACTOR", "attrs": {"type": "person"}},
    "GPE": "PLACE",
    "Place-Arg": "place",
    "Victim": "target",
}


def test_unmapped_labels_listed_all_at_once() -> None:
    with pytest.raises(ImportFailed) as exc:
        apply_label_map([_doc()], SCHEME, parse_label_map(MAP), skip_unmapped=False)
    msg = str(exc.value)
    assert "Report (1 span)" in msg and "Reporter-Arg (1 relation)" in msg
    assert "Person" not in msg and "EVENT" not in msg  # mapped or already in the scheme


def test_mapping_with_attrs_and_skip_unmapped() -> None:
    docs, report = apply_label_map([_doc()], SCHEME, parse_label_map(MAP), skip_unmapped=True)
    (doc,) = docs
    labels = {s.id: (s.label, dict(s.attrs)) for s in doc.spans}
    assert labels == {
        "s1": ("ACTOR", {"type": "person"}),
        "s2": ("PLACE", {}),
        "s3": ("EVENT", {"type": "attack"}),
        "s4": ("ACTOR", {"type": "person"}),
    }
    assert {(r.label, r.head, r.tail) for r in doc.relations} == {
        ("target", "s3", "s4"),
        ("place", "s3", "s2"),
    }
    assert report.skipped_spans == {"Report": 1}
    assert report.skipped_relations == {"Reporter-Arg": 1}
    assert report.dropped_attrs == {"ACTOR.note": 1}
    assert report.mapped["Person -> ACTOR"] == 2
    assert any("Report" in line for line in report.lines())
    validate_doc(SCHEME, doc)  # the result fits the scheme


def test_relation_dropped_with_its_span() -> None:
    doc = DocData(
        "d",
        "ab cd",
        spans=(SpanData("a", 0, 2, "ACTOR"), SpanData("b", 3, 5, "Foo")),
        relations=(RelationData("r", "about", "a", "b"),),
    )
    (out,), report = apply_label_map([doc], SCHEME, {}, skip_unmapped=True)
    assert out.relations == () and report.relations_with_skipped_spans == 1


def test_null_drops_on_purpose_and_bad_targets(tmp_path: Path) -> None:
    mapping = parse_label_map({"Report": None, "Reporter-Arg": None, **MAP})
    (doc,), report = apply_label_map([_doc()], SCHEME, mapping, skip_unmapped=False)
    assert report.skipped_spans == {"Report": 1}
    with pytest.raises(ImportFailed, match="'GPE' -> 'CITY' \\(not a label\\)"):
        apply_label_map([_doc()], SCHEME, parse_label_map({**MAP, "GPE": "CITY"}), True)
    with pytest.raises(ImportFailed, match="not a relation"):
        apply_label_map([_doc()], SCHEME, parse_label_map({**MAP, "Victim": "ACTOR"}), True)


def test_invalid_attribute_value_dropped_and_counted() -> None:
    doc = DocData("d", "ab", spans=(SpanData("a", 0, 2, "P", {"type": "alien"}),))
    (out,), report = apply_label_map([doc], SCHEME, parse_label_map({"P": "ACTOR"}), False)
    assert out.spans[0].attrs == {} and report.dropped_attrs == {"ACTOR.type": 1}


def test_load_label_map_errors(tmp_path: Path) -> None:
    f = tmp_path / "map.json"
    f.write_text(json.dumps(MAP), encoding="utf-8")
    assert load_label_map(f)["Person"].attrs == {"type": "person"}
    f.write_text('{"a": 3}', encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"map\.json: entry 'a'"):
        load_label_map(f)
    f.write_text('["a"]', encoding="utf-8")
    with pytest.raises(ImportFailed, match="JSON object"):
        load_label_map(f)
    f.write_text('{"a": "B",\n', encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"map\.json:\d+: invalid JSON"):
        load_label_map(f)


def test_brat_news_tutorial_onto_news_scheme(corpus: Path) -> None:
    news = corpus / "brat_nlplab_examples" / "example-data" / "tutorials" / "news"
    docs = list(read_documents(news, "brat"))
    mapping = parse_label_map(
        {
            "Person": {"label": "ACTOR", "attrs": {"type": "person"}},
            "Organization": {"label": "ACTOR", "attrs": {"type": "organisation"}},
            "GPE": "PLACE",
            "Report": {"label": "CLAIM", "attrs": {"form": "reported"}},
            "Reporter-Arg": "claimant",
            "Event-Arg": "about",
        }
    )
    mapped, report = apply_label_map(docs, SCHEME, mapping, skip_unmapped=True)
    claims = [r for d in mapped for r in d.relations if r.label == "claimant"]
    assert claims
    assert report.skipped_spans["Merge-org"] > 0  # not mapped: counted, never silent
    # a report about another report: 'about' may not point at a CLAIM; skipped and counted
    assert report.disallowed_relations["about CLAIM -> CLAIM"] > 0
    for doc in mapped:
        validate_doc(SCHEME, doc)
    for doc in mapped:
        doc_ids = {s.id for s in doc.spans}
        assert all(r.head in doc_ids and r.tail in doc_ids for r in doc.relations)


def test_numbered_roles_fall_back_to_the_role() -> None:
    doc = DocData(
        "d",
        "ab cd ef",
        spans=(
            SpanData("e", 0, 2, "EVENT"),
            SpanData("a", 3, 5, "ACTOR"),
            SpanData("b", 6, 8, "Org"),
        ),
        relations=(
            RelationData("r1", "agent", "e", "a"),
            RelationData("r2", "agent2", "e", "a"),
            RelationData("r3", "Org-Arg2", "e", "b"),
        ),
    )
    mapping = parse_label_map(
        {"Org": {"label": "ACTOR", "attrs": {"type": "organisation"}}, "Org-Arg": "target"}
    )
    (out,), report = apply_label_map([doc], SCHEME, mapping, skip_unmapped=False)
    assert [r.label for r in out.relations] == ["agent", "agent", "target"]
    assert report.mapped["agent2 -> agent"] == 1
    assert report.mapped["Org-Arg2 -> target"] == 1
    with pytest.raises(ImportFailed, match="agentx"):
        apply_label_map(
            [replace(doc, relations=(RelationData("r", "agentx", "e", "a"),))],
            SCHEME,
            mapping,
            skip_unmapped=False,
        )
