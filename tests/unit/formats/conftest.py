"""Small news-scheme corpora for the exporter tests (DocData values, no project database)."""

from __future__ import annotations

from pathlib import Path

import pytest
from shared_data import require_shared

from annotator.formats.writing import EntityEntry, ExportContext
from annotator.scheme import Scheme, load_scheme
from annotator.values import DocData, RelationData, SpanData

PEOPLE = ["Khalifa Haftar", "Fayez al-Sarraj", "Ghassan Salamé", "Antonio Guterres"]
PLACES = ["Tripoli", "Benghazi", "Sirte", "Misrata"]
DAYS = ["Monday", "Tuesday", "Friday", "Sunday"]


def news_doc(i: int) -> DocData:
    """One article: a claim (containing its claimant) about an attack event with roles."""
    who, whom = PEOPLE[i % 4], PEOPLE[(i + 1) % 4]
    where, when = PLACES[i % 4], DAYS[i % 4]
    first = f"{who} said on {when} that forces loyal to {whom} attacked {where}."
    second = " The UN condemned the attack. Fighting continued."
    text = first + second
    p = text.index
    claim_end = len(first) - 1  # the claim excludes the final full stop
    spans = (
        SpanData("s1", 0, len(who), "ACTOR", {"type": "person"}, who, "person"),
        SpanData("s2", 0, claim_end, "CLAIM", {"form": "reported", "stance": "oppose"}),
        SpanData("s3", p(when), p(when) + len(when), "TIME"),
        SpanData("s4", p(whom), p(whom) + len(whom), "ACTOR", {"type": "person"}, whom),
        SpanData(
            "s5", p("attacked"), p("attacked") + 8, "EVENT", {"type": "attack", "status": "alleged"}
        ),
        SpanData("s6", p(where), p(where) + len(where), "PLACE"),
        SpanData("s7", p("UN "), p("UN ") + 2, "ACTOR", {"type": "international_org"}, "UN"),
        # off token boundaries: "attac" of "attack" (expanded or dropped with strict)
        SpanData("s8", p("attack."), p("attack.") + 5, "EVENT", {"type": "attack"}),
    )
    relations = (
        RelationData("r1", "claimant", "s2", "s1"),
        RelationData("r2", "about", "s2", "s5"),
        RelationData("r3", "agent", "s5", "s4"),
        RelationData("r4", "place", "s5", "s6"),
        RelationData("r5", "time", "s5", "s3"),
        RelationData("r6", "agent", "s8", "s7"),
    )
    meta = {"title": f"Article {i}", "published": f"2019-05-{i % 28 + 1:02d}", "doc_id": i}
    return DocData(f"news/{i:03d}", text, meta, spans, relations, layer="gold")


@pytest.fixture(scope="session")
def scheme() -> Scheme:
    return load_scheme("news")


@pytest.fixture(scope="session")
def news_docs() -> list[DocData]:
    return [news_doc(i) for i in range(12)]


@pytest.fixture()
def ctx(scheme: Scheme) -> ExportContext:
    return ExportContext(
        scheme=scheme,
        entities=[
            EntityEntry("Khalifa Haftar", "person", ("Haftar",), "Q1334212", 3, 3),
            EntityEntry("UN", "international_org", ("United Nations",), None, 12, 12),
        ],
        annotators=["alice", "bob"],
    )


def split_of(docs: list[DocData]) -> dict[str, str]:
    names = ["train"] * 8 + ["dev"] * 2 + ["test"] * 2
    return {d.id: names[i % 12] for i, d in enumerate(docs)}


@pytest.fixture
def corpus() -> Path:
    return require_shared("corpus")
