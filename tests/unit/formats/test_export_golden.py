"""Every export format, byte for byte, against files written by the pre-streaming exporter.

The golden files under ``golden_export/`` were written by the exporter that loaded a whole layer
into memory before writing (before the streaming rewrite); the streaming exporter must write the
same bytes for the same project. Regenerate them only for an intended format change:
``python -m tests.unit.formats.test_export_golden`` (from the repository root).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from annotator.project import Project
from annotator.transfer import importing
from annotator.values import DocData, SpanData

from .conftest import news_doc

GOLDEN = Path(__file__).with_name("golden_export")

# name -> export_documents keyword arguments (out is GOLDEN/name)
CASES: dict[str, dict[str, Any]] = {
    "jsonl.jsonl": {"fmt": "jsonl"},
    "jsonl-split": {"fmt": "jsonl", "split": (70, 15, 15), "seed": 3},
    "jsonl-labels.jsonl": {"fmt": "jsonl", "labels": ["ACTOR", "EVENT"]},
    "jsonl-alice.jsonl": {"fmt": "jsonl", "layer": "alice"},
    "jsonl-majority.jsonl": {"fmt": "jsonl", "layer": "majority"},
    "doccano.jsonl": {"fmt": "doccano"},
    "doccano-split": {"fmt": "doccano", "split": (70, 15, 15), "seed": 3},
    "conll.conll": {"fmt": "conll"},
    "conll-strict-split": {"fmt": "conll", "split": (70, 15, 15), "seed": 3, "strict": True},
    "brat": {"fmt": "brat"},
    "brat-split": {"fmt": "brat", "split": (70, 15, 15), "seed": 3},
    "csv": {"fmt": "csv"},
    "csv-split": {"fmt": "csv", "split": (70, 15, 15), "seed": 3},
    "hf": {"fmt": "hf"},
    "hf-nosplit": {"fmt": "hf", "split": (100, 0, 0)},
    "spacy": {"fmt": "spacy", "labels": ["ACTOR", "PLACE", "TIME", "EVENT"]},
    "spacy-all": {"fmt": "spacy", "split": (60, 20, 20), "seed": 7},
}


def _docs() -> list[DocData]:
    docs = []
    for i in range(14):
        doc = news_doc(i)
        text = doc.text + f" {i} — é" if i != 13 else news_doc(1).text + " 1"  # 13: a duplicate
        spans = doc.spans
        if i % 5 == 2:  # an extra span nested in the first ACTOR
            spans = (*spans, SpanData("s9", 0, 5, "TIME"))
        meta = {"title": f"Article {i}", "kind": ["a", "b"][i % 2]}
        docs.append(replace(doc, id=f"news/{i:03d}", text=text, meta=meta, spans=spans))
    return docs


def build_project(path: Path) -> Project:
    proj = Project.create(path, "news")
    docs = _docs()
    importing.import_documents(proj, docs, layer="gold")
    importing.import_documents(proj, docs[:6], layer="alice")
    importing.import_documents(
        proj,
        [replace(d, spans=d.spans[:5], relations=d.relations[:1]) for d in docs[:5]],
        layer="bob",
    )
    importing.import_documents(
        proj,
        [replace(d, spans=d.spans[2:], relations=d.relations[2:]) for d in docs[1:4]],
        layer="cy",
    )
    return proj


def export_all(proj: Project, root: Path) -> None:
    from annotator.transfer.exporting import export_documents

    for name, kwargs in CASES.items():
        args = dict(kwargs)
        export_documents(proj, root / name, args.pop("fmt"), **args)


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("golden")
    proj = build_project(root / "p.annotator")
    try:
        export_all(proj, root / "out")
    finally:
        proj.close()
    yield root / "out"


@pytest.mark.parametrize("name", sorted(CASES))
def test_export_is_byte_identical_to_golden(exported: Path, name: str) -> None:
    assert_same_export(exported, GOLDEN, name)


def assert_same_export(exported: Path, golden: Path, name: str) -> None:
    """The export ``name`` (a file or a folder) has the golden one's files, byte for byte."""

    def read(path: Path) -> dict[str, bytes]:
        return _files(path) if path.is_dir() else {"": path.read_bytes()}

    want, got = read(golden / name), read(exported / name)
    assert sorted(got) == sorted(want)
    for rel, data in want.items():
        assert got[rel] == data, f"{name}/{rel} differs"


def main() -> None:  # pragma: no cover - regenerates the golden files
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        proj = build_project(Path(tmp) / "p.annotator")
        try:
            shutil.rmtree(GOLDEN, ignore_errors=True)
            GOLDEN.mkdir()
            export_all(proj, GOLDEN)
        finally:
            proj.close()
    print(f"wrote {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main()
