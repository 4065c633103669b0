"""Native JSONL export: contract shape, splits, and a lossless round trip through the reader."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats import jsonl as jsonl_writer
from annotator.formats.reading import ReadOptions, read_documents
from annotator.formats.writing import ExportContext
from annotator.scheme import Scheme
from annotator.values import DocData, RelationData, SpanData

from .conftest import split_of

# Emoji (astral), Arabic, combining marks, CRLF, characters str.splitlines() breaks on and a
# control character (form feed) that JSON escapes.
ALPHABET = st.sampled_from(
    [
        "a",
        "b",
        " ",
        "😊",
        "👍🏽",
        "ب",
        "ي",
        "ت",
        "e\u0301",
        "\u0308",
        "\r\n",
        "\n",
        "\r",
        "\u2028",
        "\x85",
        "\t",
        '"',
        "\\",
        # NUL was here: it is refused at import now (``textfile.refuse_damaged_text``: no text
        # format carries it back), so no document of a project holds one; the form feed is a
        # control character import keeps, which JSON must escape as NUL was
        "\x0c",
        "\ufeff",
    ]
)


@st.composite
def documents(draw: st.DrawFn) -> DocData:
    text = "".join(draw(st.lists(ALPHABET, min_size=1, max_size=40)))
    n = len(text)
    spans = []
    for k in range(draw(st.integers(0, 6))):  # overlapping and nested spans allowed
        start = draw(st.integers(0, n - 1))
        end = draw(st.integers(start + 1, n))
        attrs = draw(
            st.dictionaries(
                st.sampled_from(["type", "form", "n", "flag"]),
                st.one_of(st.text(max_size=5), st.booleans(), st.integers(-5, 5)),
                max_size=2,
            )
        )
        entity = draw(st.one_of(st.none(), st.text(min_size=1, max_size=8)))
        etype = draw(st.one_of(st.none(), st.just("person"))) if entity else None
        spans.append(
            SpanData(
                f"s{k}", start, end, draw(st.sampled_from(["ACTOR", "CLAIM"])), attrs, entity, etype
            )
        )
    relations = []
    if len(spans) >= 2:
        for k in range(draw(st.integers(0, 3))):
            head, tail = draw(st.permutations([s.id for s in spans]))[:2]
            relations.append(RelationData(f"r{k}", "claimant", head, tail))
    meta = draw(
        st.dictionaries(
            st.sampled_from(["title", "source", "published", "x"]), st.text(max_size=10), max_size=3
        )
    )
    return DocData(
        draw(st.text(min_size=1, max_size=6)),
        text,
        meta,
        tuple(spans),
        tuple(relations),
        layer="gold",
    )


def _same(a: DocData, b: DocData) -> bool:
    return (a.id, a.text, dict(a.meta), a.spans, a.relations, a.layer) == (
        b.id,
        b.text,
        dict(b.meta),
        b.spans,
        b.relations,
        b.layer,
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(docs=st.lists(documents(), min_size=1, max_size=4))
def test_round_trip_is_lossless(docs: list[DocData], scheme: Scheme, tmp_path: Path) -> None:
    out = tmp_path / "a.jsonl"
    out.unlink(missing_ok=True)
    jsonl_writer.write(docs, out, ExportContext(scheme))
    assert len(out.read_bytes().split(b"\n")) == len(docs) + 1  # one physical line per document
    back = list(read_documents(out, "jsonl", ReadOptions()))  # as import reads it
    assert len(back) == len(docs)
    for a, b in zip(docs, back, strict=True):
        assert _same(a, b), (a, b)
    again = tmp_path / "b.jsonl"
    jsonl_writer.write(back, again, ExportContext(scheme))
    assert again.read_bytes() == out.read_bytes()


def test_record_shape_follows_the_contract(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    out = tmp_path / "gold.jsonl"
    summary = jsonl_writer.write(news_docs, out, ctx)
    first = json.loads(out.read_text("utf-8").splitlines()[0])
    assert list(first) == ["id", "text", "meta", "layer", "spans", "relations"]
    assert first["meta"] == {"title": "Article 0", "published": "2019-05-01"}  # no doc_id
    span = first["spans"][0]
    assert span == {
        "id": "s1",
        "start": 0,
        "end": 14,
        "label": "ACTOR",
        "text": "Khalifa Haftar",
        "attrs": {"type": "person"},
        "entity": "Khalifa Haftar",
        "entity_type": "person",
    }
    assert first["relations"][0] == {"id": "r1", "label": "claimant", "head": "s2", "tail": "s1"}
    assert summary.total_documents == 12
    assert summary.label_totals() == {
        "ACTOR": 36,
        "EVENT": 24,
        "CLAIM": 12,
        "PLACE": 12,
        "TIME": 12,
    }
    assert summary.relations["agent"] == 24


def test_split_writes_three_files(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    ctx.splits = split_of(news_docs)
    summary = jsonl_writer.write(news_docs, tmp_path / "out", ctx)
    lines = {
        name: (tmp_path / "out" / f"{name}.jsonl").read_text("utf-8").count("\n")
        for name in ("train", "dev", "test")
    }
    assert lines == {"train": 8, "dev": 2, "test": 2}
    assert summary.documents == {"train": 8, "dev": 2, "test": 2}
    assert summary.spans["dev"]["ACTOR"] == 6
