"""brat export: consistent T/R/E/A/N lines that annotation.conf declares, and a read-back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from annotator.formats.brat import writer as brat_writer
from annotator.formats.writing import ExportContext
from annotator.values import DocData, RelationData, SpanData

from .conftest import split_of


def parse_conf(text: str) -> dict[str, dict[str, str]]:
    """Sections of annotation.conf -> {name: {type: rest of line}}."""
    sections: dict[str, dict[str, str]] = {}
    current = ""
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        if line.startswith("["):
            current = line.strip("[]")
            sections[current] = {}
            continue
        name, _, rest = line.partition(" ")
        sections[current][name] = rest
    return sections


def _types(spec: str) -> set[str]:
    return set(spec.split("|"))


def check_ann(ann: str, text: str, conf: dict[str, dict[str, str]]) -> dict[str, int]:
    """Assert every line is well formed and allowed by the config; count lines per kind."""
    entities, events = set(conf["entities"]), conf["events"]
    relations, attributes = conf["relations"], conf["attributes"]
    types: dict[str, str] = {}  # annotation id -> type
    counts: dict[str, int] = {}
    for line in ann.splitlines():
        ident, body, *rest = line.split("\t")
        kind = ident[0]
        counts[kind] = counts.get(kind, 0) + 1
        assert ident not in types, f"duplicate id {ident}"
        if kind == "T":
            label, offsets = body.split(" ", 1)
            assert label in entities or label in events
            frags = [tuple(map(int, f.split())) for f in offsets.split(";")]
            assert rest == [" ".join(text[s:e] for s, e in frags)]
            assert all("\n" not in text[s:e] for s, e in frags)
            types[ident] = label
        elif kind == "E":
            head, *args = body.split(" ")
            label, trigger = head.split(":")
            assert label in events and types[trigger] == label
            roles = dict(
                re.match(r"(\w+)\*:(\S+)", r).groups()  # type: ignore[union-attr]
                for r in events[label].split(", ")
            )
            for arg in args:
                role, target = arg.split(":")
                role = role.rstrip("0123456789")  # brat numbers repeated roles
                assert types[target] in _types(roles[role]), arg
            types[ident] = label
        elif kind == "R":
            label, a1, a2 = body.split(" ")
            spec = dict(part.split(":") for part in relations[label].split(", "))
            assert types[a1.removeprefix("Arg1:")] in _types(spec["Arg1"])
            assert types[a2.removeprefix("Arg2:")] in _types(spec["Arg2"])
        elif kind == "A":
            name, target, *value = body.split(" ")
            spec = dict(part.split(":") for part in attributes[name].split(", "))
            assert types[target] in _types(spec["Arg"])
            if value:
                assert value[0] in _types(spec["Value"])
        elif kind == "N":
            ref_type, target, ref = body.split(" ")
            assert ref_type == "Reference" and target.startswith("T") and target in types
            assert re.fullmatch(r"(Registry|Wikidata|External):\S+", ref)
            assert rest and rest[0]
        else:
            pytest.fail(f"unexpected line {line!r}")
    return counts


def test_news_export_is_consistent(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    summary = brat_writer.write(news_docs, tmp_path, ctx)
    conf = parse_conf((tmp_path / "annotation.conf").read_text("utf-8"))
    assert set(conf) == {"entities", "relations", "events", "attributes"}
    assert set(conf["entities"]) == {"ACTOR", "CLAIM", "PLACE", "TIME"}
    assert set(conf["events"]) == {"EVENT"}
    assert "<OVERLAP>" in conf["relations"]  # claims contain actors
    visual = (tmp_path / "visual.conf").read_text("utf-8")
    assert "ACTOR\tbgColor:#4e79a7" in visual
    txts = sorted(tmp_path.rglob("*.txt"))
    assert len(txts) == 12 and txts[0].relative_to(tmp_path).as_posix() == "news/000.txt"
    for txt, doc in zip(txts, news_docs, strict=True):
        assert txt.read_text("utf-8") == doc.text
        ann = txt.with_suffix(".ann").read_text("utf-8")
        counts = check_ann(ann, doc.text, conf)
        assert counts == {"T": 8, "E": 2, "R": 2, "A": 8, "N": 3}
    first = (tmp_path / "news" / "000.ann").read_text("utf-8")
    assert "E1\tEVENT:T5 agent:T4 place:T6 time:T3\n" in first
    assert "R2\tabout Arg1:T2 Arg2:E1\n" in first  # a relation to an event points at its E
    assert "N1\tReference T1 Wikidata:Q1334212\tKhalifa Haftar\n" in first
    assert "N3\tReference T7 Registry:UN\tUN\n" in first
    assert "A5\ttype E1 attack\n" in first  # event attributes sit on the event
    assert summary.label_totals()["ACTOR"] == 36 and summary.relations["claimant"] == 12


def test_multiline_spans_repeated_roles_crlf(ctx: ExportContext, tmp_path: Path) -> None:
    text = "Rebels\r\nand troops 😊 clashed."
    a = text.index("clashed")
    doc = DocData(
        "x/../odd name",
        text,
        spans=(
            SpanData("s1", 0, 6, "ACTOR"),
            SpanData("s2", 0, 18, "ACTOR"),
            SpanData("s3", a, a + 7, "EVENT", {"type": "attack"}),
            SpanData("s4", 6, 8, "TIME"),  # nothing but CRLF: brat cannot hold it
        ),
        relations=(
            RelationData("r1", "agent", "s3", "s1"),
            RelationData("r2", "agent", "s3", "s2"),
            RelationData("r3", "time", "s3", "s4"),
        ),
    )
    summary = brat_writer.write([doc], tmp_path, ctx)
    [txt] = list(tmp_path.rglob("*.txt"))
    assert txt.read_bytes() == text.encode("utf-8")  # CRLF kept: offsets count it
    ann = txt.with_suffix(".ann").read_text("utf-8")
    conf = parse_conf((tmp_path / "annotation.conf").read_text("utf-8"))
    check_ann(ann, text, conf)
    assert "T2\tACTOR 0 6;8 18\tRebels and troops" in ann
    assert "E1\tEVENT:T3 agent:T1 agent2:T2" in ann
    assert summary.merged == {"ACTOR span with a line break written as brat fragments": 1}
    assert summary.skipped == {
        "TIME span holding only line breaks (brat cannot show it)": 1,
        "time relation pointing to a span not in the export": 1,
    }
    assert summary.label_totals() == {"ACTOR": 2, "EVENT": 1}


def test_split_goes_to_subfolders_and_reads_back(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    from annotator.formats.brat import reader
    from annotator.formats.reading import ReadOptions

    ctx.splits = split_of(news_docs)
    brat_writer.write(news_docs, tmp_path, ctx)
    assert sorted(p.name for p in (tmp_path / "dev" / "news").glob("*.txt")) == [
        "008.txt",
        "009.txt",
    ]
    back = {d.id: d for d in reader.read(tmp_path / "train", ReadOptions())}
    assert sorted(back) == [d.id for d in news_docs[:8]]  # ids survive as file paths
    for orig in news_docs[:8]:
        doc = back[orig.id]
        assert doc.text == orig.text
        want = {
            (s.start, s.end, s.label, tuple(sorted(s.attrs.items())), s.entity) for s in orig.spans
        }
        got = {
            (
                s.start,
                s.end,
                s.label,
                tuple(sorted((k, v) for k, v in s.attrs.items() if k != "ref")),
                s.entity,
            )
            for s in doc.spans
        }
        assert got == want
        by_id = {s.id: (s.start, s.end) for s in doc.spans}
        orig_by_id = {s.id: (s.start, s.end) for s in orig.spans}
        assert {(r.label, by_id[r.head], by_id[r.tail]) for r in doc.relations} == {
            (r.label, orig_by_id[r.head], orig_by_id[r.tail]) for r in orig.relations
        }
