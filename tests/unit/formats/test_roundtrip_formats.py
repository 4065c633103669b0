"""Issue 11: import -> export -> import gives the same project (spans, relations, event roles,
attributes, notes, actor links, empty and unannotated documents) for every lossless format."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.formats.jsonl import doc_record
from annotator.project import Project
from annotator.transfer.exporting import export_documents
from annotator.transfer.importing import import_paths
from annotator.values import DocData

from .conftest import news_doc
from .roundtrip import picture

EMPTY = DocData("empty-1", "Nothing of note happened in Sirte on Friday.", {"title": "Quiet"})
ASTRAL = "Haftar \U0001f600 attacked Tripoli. "  # an emoji: UTF-16 offsets differ


def _source(tmp_path: Path) -> Path:
    docs = [news_doc(i) for i in range(6)]
    docs[0] = replace(
        docs[0],
        text=ASTRAL + docs[0].text,
        spans=tuple(
            replace(s, start=s.start + len(ASTRAL), end=s.end + len(ASTRAL)) for s in docs[0].spans
        ),
    )
    lines = [json.dumps(doc_record(d), ensure_ascii=False) for d in docs]
    lines.append(json.dumps({**doc_record(EMPTY), "layer": "gold"}))  # annotated-empty
    lines.append(json.dumps({"id": "raw-1", "text": "Unread text about Misrata."}))
    src = tmp_path / "src.jsonl"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return src


# format -> (format to read the export with, writes documents nobody annotated)
LOSSLESS = {
    "jsonl": ("jsonl", True),
    "labelstudio": ("labelstudio", True),
    "prodigy": ("prodigy", True),
    "brat": ("brat", False),
    "spacy": ("spacy", False),
    "webanno": ("webanno", False),
}
NO_LAYER_NAMES = frozenset({"brat", "webanno"})  # go into the layer named on import


@pytest.mark.parametrize("fmt", sorted(LOSSLESS))
def test_round_trip_identical(fmt: str, tmp_path: Path) -> None:
    read_fmt, unannotated = LOSSLESS[fmt]
    first = Project.create(tmp_path / "first.annproj", "news")
    second = Project.create(tmp_path / "second.annproj", "news")
    try:
        import_paths(first, [_source(tmp_path)], "jsonl")
        out = tmp_path / f"export-{fmt}"
        kwargs = {"split": None} if fmt != "spacy" else {"split": (50, 50, 0)}
        export_documents(first, out, fmt, include_unannotated=unannotated, **kwargs)
        import_paths(second, [out], read_fmt, layer="gold" if fmt in NO_LAYER_NAMES else None)
        before, after = picture(first), picture(second)
        if not unannotated:
            before.pop("<unannotated>")
            after.pop("<unannotated>")
        assert after == before
        assert before[EMPTY.text] == {"spans": [], "empty": True}
        with second.session() as s:
            from storage.repository import registry as registry_repo

            names = {e.name for e in registry_repo.list_entities(s)}
        assert {"Khalifa Haftar", "UN"} <= names
    finally:
        first.close()
        second.close()


def _without_attrs(pic: dict[str, object]) -> dict[str, object]:
    out: dict[str, object] = {}
    for key, value in pic.items():
        if isinstance(value, dict):
            spans = [(a, b, lab, "{}", None, rels) for a, b, lab, _at, _ent, rels in value["spans"]]
            out[key] = {**value, "spans": spans}
        else:
            out[key] = value
    return out


def test_doccano_round_trip_spans_relations_empty_and_unannotated(tmp_path: Path) -> None:
    """doccano has no attributes and no actor links (counted as left out); everything else,
    including UTF-16 offsets, annotated-empty and unannotated documents, comes back."""
    first = Project.create(tmp_path / "first.annproj", "news")
    second = Project.create(tmp_path / "second.annproj", "news")
    try:
        import_paths(first, [_source(tmp_path)], "jsonl")
        out = tmp_path / "export.jsonl"
        summary = export_documents(first, out, "doccano", include_unannotated=True)
        assert summary.skipped["attributes of a span (doccano has none)"] > 0
        import_paths(second, [out], "doccano", layer="gold")
        assert picture(second) == _without_attrs(picture(first))
    finally:
        first.close()
        second.close()
