"""doccano JSONL (UTF-16 offsets, relations) and the analysts' CSV tables."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from annotator.formats import csv as csv_writer
from annotator.formats import doccano as doccano_writer
from annotator.formats.writing import EntityEntry, ExportContext
from annotator.values import DocData, RelationData, SpanData

from .conftest import split_of


def test_doccano_offsets_are_utf16_units(ctx: ExportContext, tmp_path: Path) -> None:
    text = "😊👍🏽 Haftar met Sarraj."
    a, b = text.index("Haftar"), text.index("Sarraj")
    doc = DocData(
        "d1",
        text,
        {"title": "t", "doc_id": 5},
        (
            SpanData("s1", a, a + 6, "ACTOR", {"type": "person"}, "Khalifa Haftar"),
            SpanData("s2", b, b + 6, "ACTOR"),
            SpanData("s3", 0, 1, "TIME"),
        ),
        (RelationData("r1", "about", "s1", "s2"),),
    )
    out = tmp_path / "d.jsonl"
    summary = doccano_writer.write([doc, doc], out, ctx)
    first, second = (json.loads(line) for line in out.read_text("utf-8").splitlines())
    assert first["text"] == text and first["id"] == "d1" and first["meta"] == {"title": "t"}
    ents = first["entities"]
    # 😊 and 👍 are two UTF-16 units each, 🏽 too: Haftar starts at code point 4, unit 7.
    assert ents[0] == {"id": 1, "label": "ACTOR", "start_offset": a + 3, "end_offset": a + 9}
    assert ents[2] == {"id": 3, "label": "TIME", "start_offset": 0, "end_offset": 2}
    units = text.encode("utf-16-le")
    assert (
        units[2 * ents[1]["start_offset"] : 2 * ents[1]["end_offset"]].decode("utf-16-le")
        == "Sarraj"
    )
    assert first["relations"] == [{"id": 1, "from_id": 1, "to_id": 2, "type": "about"}]
    assert [e["id"] for e in second["entities"]] == [4, 5, 6]  # unique in the file
    assert second["relations"][0]["from_id"] == 4
    assert summary.skipped == {
        "attributes of a span (doccano has none)": 2,
        "registry link of a span (doccano has none)": 2,
    }
    assert summary.relations == {"about": 2}


def test_doccano_split(news_docs: list[DocData], ctx: ExportContext, tmp_path: Path) -> None:
    ctx.splits = split_of(news_docs)
    doccano_writer.write(news_docs, tmp_path / "out", ctx)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "dev.jsonl",
        "test.jsonl",
        "train.jsonl",
    ]


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_csv_tables(news_docs: list[DocData], ctx: ExportContext, tmp_path: Path) -> None:
    ctx.entities = [*ctx.entities, EntityEntry("Nobody", "person", ("N. Body", "NB"))]
    summary = csv_writer.write(news_docs, tmp_path, ctx)
    claims = _rows(tmp_path / "claims.csv")
    assert len(claims) == 12
    assert claims[0] == {
        "document": "news/000",
        "date": "2019-05-01",
        "claim": "Khalifa Haftar said on Monday that forces loyal to Fayez al-Sarraj attacked "
        "Tripoli",
        "claimant": "Khalifa Haftar",
        "claimant_registry_name": "Khalifa Haftar",
        "form": "reported",
        "stance": "oppose",
        "about": "attacked",
    }
    events = _rows(tmp_path / "events.csv")
    assert len(events) == 24
    assert events[0] == {
        "document": "news/000",
        "date": "2019-05-01",
        "type": "attack",
        "status": "alleged",
        "trigger": "attacked",
        "agent": "Fayez al-Sarraj",
        "target": "",
        "place": "Tripoli",
        "time": "Monday",
    }
    assert events[1]["trigger"] == "attac" and events[1]["agent"] == "UN"
    actors = {r["registry_name"]: r for r in _rows(tmp_path / "actors.csv")}
    assert actors["Khalifa Haftar"] == {
        "registry_name": "Khalifa Haftar",
        "type": "person",
        "aliases": "Haftar",
        "mentions": "6",
        "documents": "6",
    }
    assert actors["UN"]["mentions"] == "12" and actors["UN"]["type"] == "international_org"
    assert actors["Nobody"]["aliases"] == "N. Body | NB" and actors["Nobody"]["mentions"] == "0"
    assert actors["Ghassan Salamé"]["documents"] == "6"  # linked but not in the registry list
    assert summary.notes == ["12 claims, 24 events, 6 registry actors in the tables"]


def test_csv_split_column(news_docs: list[DocData], ctx: ExportContext, tmp_path: Path) -> None:
    ctx.splits = split_of(news_docs)
    csv_writer.write(news_docs, tmp_path, ctx)
    claims = _rows(tmp_path / "claims.csv")
    assert [r["split"] for r in claims].count("dev") == 2


def test_csv_says_why_unlinked_actor_mentions_are_not_in_actors_csv(
    ctx: ExportContext, tmp_path: Path
) -> None:
    text = "Police met Haftar."
    doc = DocData(
        "d1",
        text,
        {},
        (
            SpanData("s1", 0, 6, "ACTOR"),
            SpanData("s2", 11, 17, "ACTOR", {}, "Khalifa Haftar"),
        ),
        (),
    )
    summary = csv_writer.write([doc], tmp_path, ExportContext(ctx.scheme))
    assert [r["registry_name"] for r in _rows(tmp_path / "actors.csv")] == ["Khalifa Haftar"]
    assert summary.notes == [
        "0 claims, 0 events, 1 registry actors in the tables (1 ACTOR mentions are not linked "
        "to a registry actor, so actors.csv does not list them)"
    ]
