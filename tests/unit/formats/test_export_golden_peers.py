"""Label Studio, WebAnno and Prodigy exports, byte for byte, against files written by the
writers that held the whole export in memory (before they streamed).

The golden files under ``golden_export_peers/`` were written by those writers; the streaming
ones must write the same bytes for the same project. The project is the one of
``test_export_golden`` plus a document whose PLACE span carries an attribute the scheme does not
define (a WebAnno feature column that only a pass over the whole corpus finds). Regenerate them
only for an intended format change: ``python -m tests.unit.formats.test_export_golden_peers``
(from the repository root).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from annotator.project import Project
from annotator.transfer import importing

from .conftest import news_doc
from .test_export_golden import assert_same_export, build_project

GOLDEN = Path(__file__).with_name("golden_export_peers")

# name -> export_documents keyword arguments (out is GOLDEN/name)
CASES: dict[str, dict[str, Any]] = {
    "labelstudio": {"fmt": "labelstudio"},
    "labelstudio-split": {"fmt": "labelstudio", "split": (70, 15, 15), "seed": 3},
    "labelstudio-labels": {"fmt": "labelstudio", "labels": ["ACTOR", "EVENT"]},
    "labelstudio-alice": {"fmt": "labelstudio", "layer": "alice"},
    "labelstudio-majority": {"fmt": "labelstudio", "layer": "majority"},
    "labelstudio-unannotated": {"fmt": "labelstudio", "include_unannotated": True},
    "webanno": {"fmt": "webanno"},
    "webanno-split": {"fmt": "webanno", "split": (70, 15, 15), "seed": 3},
    "webanno-labels": {"fmt": "webanno", "labels": ["ACTOR", "EVENT"]},
    "webanno-bob": {"fmt": "webanno", "layer": "bob"},
    "webanno-majority": {"fmt": "webanno", "layer": "majority"},
    "webanno-unannotated": {"fmt": "webanno", "include_unannotated": True},
    "prodigy.jsonl": {"fmt": "prodigy"},
    "prodigy-split": {"fmt": "prodigy", "split": (70, 15, 15), "seed": 3},
    "prodigy-labels.jsonl": {"fmt": "prodigy", "labels": ["ACTOR", "EVENT"]},
}


def build_peer_project(path: Path) -> Project:
    proj = build_project(path)
    importing.import_documents(proj, [replace(news_doc(20), id="news/extra")], layer="gold")
    importing.import_documents(
        proj, [replace(news_doc(21), id="news/unseen", spans=(), relations=(), layer=None)]
    )
    with proj.session(write=True) as s:  # as if the scheme had lost the attribute since
        s.execute(
            text(
                "UPDATE span SET attrs = '{\"confidence\": \"high\"}' WHERE label = 'PLACE' "
                "AND document_id = (SELECT id FROM document WHERE external_id = 'news/extra')"
            )
        )
    return proj


def export_all(proj: Project, root: Path) -> None:
    from annotator.transfer.exporting import export_documents

    for name, kwargs in CASES.items():
        args = dict(kwargs)
        export_documents(proj, root / name, args.pop("fmt"), **args)


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("golden_peers")
    proj = build_peer_project(root / "p.annotator")
    try:
        export_all(proj, root / "out")
    finally:
        proj.close()
    yield root / "out"


@pytest.mark.parametrize("name", sorted(CASES))
def test_peer_export_is_byte_identical_to_golden(exported: Path, name: str) -> None:
    assert_same_export(exported, GOLDEN, name)


def test_the_extra_attribute_is_a_feature_only_where_its_span_is_exported() -> None:
    header = "#T_SP=webanno.custom.Span|label|"
    whole = (GOLDEN / "webanno" / "news" / "extra.tsv").read_text("utf-8")
    assert header in whole and "confidence|" in whole.split(header, 1)[1].split("\n", 1)[0]
    some = (GOLDEN / "webanno-labels" / "news" / "extra.tsv").read_text("utf-8")
    assert "confidence" not in some


def main() -> None:  # pragma: no cover - regenerates the golden files
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        proj = build_peer_project(Path(tmp) / "p.annotator")
        try:
            shutil.rmtree(GOLDEN, ignore_errors=True)
            GOLDEN.mkdir()
            export_all(proj, GOLDEN)
        finally:
            proj.close()
    print(f"wrote {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main()
