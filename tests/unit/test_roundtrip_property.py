"""Property: random documents exported to native JSONL, imported into a new project and exported
again come out identical, and carry exactly the generated annotations."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.project import Project
from annotator.scheme import load_scheme
from annotator.transfer.exporting import export_documents
from annotator.transfer.importing import import_documents, import_paths
from annotator.values import DocData, RelationData, SpanData

SCHEME = load_scheme("news")
PIECES = [
    "Haftar",
    " ",
    "said",
    "\r\n",
    "\n",
    "😊",
    "👩🏽‍⚕️",
    "e\u0301",
    "مجلس",
    "الرئاسي",
    "\u200f",
    "Tripoli",
    ",",
    "“",
    "”",
    "a",
    "ñ",
]


@st.composite
def documents(draw: st.DrawFn) -> DocData:
    text = "".join(draw(st.lists(st.sampled_from(PIECES), min_size=3, max_size=25)))
    n = len(text)
    keys: set[tuple[int, int, str]] = set()
    spans: list[SpanData] = []
    for i in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        label = draw(st.sampled_from(SCHEME.label_names))
        if (start, end, label) in keys:
            continue
        keys.add((start, end, label))
        ldef = SCHEME.label(label)
        assert ldef is not None
        attrs = {
            a.name: draw(st.sampled_from(a.values)) for a in ldef.attributes if draw(st.booleans())
        }
        entity = (
            draw(st.sampled_from([None, "Khalifa Haftar", "مجلس"])) if label == "ACTOR" else None
        )
        spans.append(
            SpanData(
                f"s{i}",
                start,
                end,
                label,
                attrs,
                entity,
                str(attrs.get("type", "")) if entity else None,
            )
        )
    relations: list[RelationData] = []
    seen: set[tuple[str, str, str]] = set()
    for j in range(draw(st.integers(0, 6))):
        if len(spans) < 2:
            break
        head = draw(st.sampled_from(spans))
        tail = draw(st.sampled_from(spans))
        options = [r for r in SCHEME.relations_from(head.label) if tail.label in r.tails]
        if head is tail or not options:
            continue
        rel = draw(st.sampled_from(options))
        if (head.id, tail.id, rel.name) in seen:
            continue
        seen.add((head.id, tail.id, rel.name))
        relations.append(RelationData(f"r{j}", rel.name, head.id, tail.id))
    return DocData(
        f"doc-{draw(st.integers(0, 10**6))}",
        text,
        {"title": draw(st.sampled_from(["", "Título", "عنوان"]))},
        tuple(spans),
        tuple(relations),
    )


def _content(path: Path) -> list[tuple]:
    out = []
    for line in path.read_text("utf-8").splitlines():
        rec = json.loads(line)
        by_id = {s["id"]: s for s in rec["spans"]}
        spans = sorted(
            (
                s["start"],
                s["end"],
                s["label"],
                json.dumps(s.get("attrs", {}), sort_keys=True),
                s.get("entity"),
            )
            for s in rec["spans"]
        )
        rels = sorted(
            (
                r["label"],
                by_id[r["head"]]["start"],
                by_id[r["head"]]["end"],
                by_id[r["head"]]["label"],
                by_id[r["tail"]]["start"],
                by_id[r["tail"]]["end"],
                by_id[r["tail"]]["label"],
            )
            for r in rec["relations"]
        )
        out.append((rec["text"], tuple(spans), tuple(rels)))
    return sorted(out)


def _expected(docs: list[DocData]) -> list[tuple]:
    out = []
    for doc in docs:
        by_id = {s.id: s for s in doc.spans}
        spans = sorted(
            (s.start, s.end, s.label, json.dumps(dict(s.attrs), sort_keys=True), s.entity)
            for s in doc.spans
        )
        rels = sorted(
            (
                r.label,
                by_id[r.head].start,
                by_id[r.head].end,
                by_id[r.head].label,
                by_id[r.tail].start,
                by_id[r.tail].end,
                by_id[r.tail].label,
            )
            for r in doc.relations
        )
        out.append((doc.text, tuple(spans), tuple(rels)))
    return sorted(out)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(documents(), min_size=1, max_size=4, unique_by=lambda d: d.text))
def test_jsonl_export_import_export_is_identity(docs: list[DocData]) -> None:
    docs = [
        DocData(f"{d.id}-{i}", d.text, d.meta, d.spans, d.relations, layer="gold")
        for i, d in enumerate(docs)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        with Project.create(base / "a.annproj") as a:
            import_documents(a, docs, layer="gold")
            export_documents(a, base / "one.jsonl", "jsonl", layer="gold")
        with Project.create(base / "b.annproj") as b:
            import_paths(b, [base / "one.jsonl"])
            export_documents(b, base / "two.jsonl", "jsonl", layer="gold")
        one = (base / "one.jsonl").read_text("utf-8")
        assert one == (base / "two.jsonl").read_text("utf-8")
        assert _content(base / "one.jsonl") == _expected(docs)
