"""Issue 11 defect 8 and the WebAnno TSV 3.3 export: GUM's '#' header lines kept in the document
metadata and written back; a wikification feature mapped onto the actor link by a label map;
event roles as slot features read back as relations."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.formats.reading import ReadOptions, read_documents
from annotator.project import Project
from annotator.transfer.exporting import export_documents
from annotator.transfer.importing import import_paths
from annotator.transfer.label_map import actor_name
from storage.repository import documents as doc_repo
from storage.repository import registry as registry_repo

from .roundtrip import picture

GUM_MAP = {
    "@actor": "identity",
    "person": {"label": "ACTOR", "attrs": {"type": "person"}},
    "organization": {"label": "ACTOR", "attrs": {"type": "organisation"}},
    "place": "PLACE",
    "time": "TIME",
}


def _gum(corpus: Path) -> Path:
    return corpus / "news_gum_webanno_tsv" / "coref_gum_tsv" / "GUM_news_afghan.tsv"


def test_gum_summary_lines_kept_in_meta(corpus: Path) -> None:
    (doc,) = read_documents(_gum(corpus), "webanno", ReadOptions())
    header = doc.meta["tsv_header"]
    assert isinstance(header, dict)
    assert sorted(header) == [f"Summary{i}" for i in range(1, 6)]
    assert header["Summary1"].startswith("(human1) A team of six Afghan teenage girls")


def test_gum_identity_becomes_actor_link_and_header_written_back(
    corpus: Path, tmp_path: Path
) -> None:
    label_map = tmp_path / "map.json"
    label_map.write_text(json.dumps(GUM_MAP), encoding="utf-8")
    proj = Project.create(tmp_path / "p.annproj", "news")
    try:
        report = import_paths(
            proj, [_gum(corpus)], "webanno", layer="gold", label_map=label_map, skip_unmapped=True
        )
        assert any("identity -> actor link" in line for line in report.lines())
        with proj.session() as s:
            names = {e.name for e in registry_repo.list_entities(s)}
            (doc,) = doc_repo.get_documents(s)
            assert doc.meta["tsv_header"]["Summary2"].startswith("(claude-3-5-sonnet")
        assert {"Donald Trump", "Afghanistan"} & names, sorted(names)[:20]
        out = tmp_path / "out"
        export_documents(proj, out, "webanno")
        written = next(out.rglob("*.tsv")).read_text("utf-8").splitlines()
        assert written[0] == "#FORMAT=WebAnno TSV 3.3"
        assert any(line.startswith("#Summary1=(human1) A team of six") for line in written[:8])
        again = Project.create(tmp_path / "q.annproj", "news")
        try:
            import_paths(again, [out], "webanno", layer="gold")
            assert picture(again) == picture(proj)
        finally:
            again.close()
    finally:
        proj.close()


def test_actor_name_decodes_wikification() -> None:
    assert actor_name("Masjid_al%2DHaram") == "Masjid al-Haram"


def test_event_roles_are_slot_features(tmp_path: Path) -> None:
    from annotator.transfer import importing

    from .conftest import news_doc

    proj = Project.create(tmp_path / "p.annproj", "news")
    try:
        importing.import_documents(proj, [news_doc(0)], layer="gold")
        export_documents(proj, tmp_path / "wa", "webanno")
    finally:
        proj.close()
    text = (tmp_path / "wa" / "news" / "000.tsv").read_text("utf-8")
    header = text.splitlines()[1]
    assert header.endswith(
        "|ROLE_webanno.custom.Span:roles_webanno.custom.SpanRole|webanno.custom.Span"
    )
    rows = [ln.split("\t") for ln in text.splitlines() if ln[:1].isdigit()]
    attacked = next(r for r in rows if r[2] == "attacked")
    assert attacked[-5] == "time;agent;place[5]"
    assert attacked[-4] == "1-5[3];1-10[4];1-15[6]"
    sub = next(r for r in rows if r[0].endswith(".1"))
    assert sub[2] == "attac" and sub[3] == "EVENT"  # a span inside one token: a sub-token row
