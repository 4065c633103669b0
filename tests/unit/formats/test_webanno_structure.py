"""WebAnno work handed back in the peer's own terms: a document read from a TSV file is written
back with the file's span and relation layer names, its label features, and its sentences (and,
when the file's tokens are the text's words, its tokens), not ours (``webanno.custom.Span``,
spaCy's sentences)."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.formats.reading import ReadOptions, read_documents
from annotator.formats.webanno import STRUCTURE_META, TOKENS_KEY, write
from annotator.formats.writing import ExportContext
from annotator.project import Project
from annotator.transfer.exporting import export_documents
from annotator.transfer.importing import import_paths
from annotator.values import DocData, SpanData

from .roundtrip import picture
from .test_webanno_peer import GUM_MAP

GUM_AFGHAN = Path("news_gum_webanno_tsv") / "coref_gum_tsv" / "GUM_news_afghan.tsv"


def _rows(tsv: str) -> list[list[str]]:
    """Address, offsets and token of every token row."""
    return [ln.split("\t")[:3] for ln in tsv.splitlines() if ln[:1].isdigit()]


def _sentences(tsv: str) -> list[str]:
    return [ln.removeprefix("#Text=") for ln in tsv.splitlines() if ln.startswith("#Text=")]


def _headers(tsv: str) -> list[str]:
    return [ln for ln in tsv.splitlines() if ln.startswith("#T_")]


def test_gum_file_comes_back_with_its_layers_sentences_and_tokens(
    corpus: Path, tmp_path: Path
) -> None:
    """GUM's afghan article: back with webanno.custom.Referent (label feature "entity") and
    webanno.custom.Coref (feature "type"), 39 sentences (it came back with 34), and GUM's own
    tokens, row for row; imported again it gives the same layer."""
    original = (corpus / GUM_AFGHAN).read_text("utf-8")
    label_map = tmp_path / "map.json"
    label_map.write_text(json.dumps(GUM_MAP), encoding="utf-8")
    proj = Project.create(tmp_path / "p.annproj", "news")
    try:
        import_paths(
            proj, [corpus / GUM_AFGHAN], "webanno", "gold", label_map=label_map, skip_unmapped=True
        )
        summary = export_documents(proj, tmp_path / "out", "webanno")
        written = (tmp_path / "out" / "GUM_news_afghan.tsv").read_text("utf-8")
        span_header, relation_header = _headers(written)
        assert _headers(original)[0].startswith("#T_SP=webanno.custom.Referent|entity|")
        assert span_header.startswith("#T_SP=webanno.custom.Referent|entity|")
        assert span_header.endswith("|webanno.custom.Referent")
        assert relation_header == _headers(original)[1]
        assert relation_header == "#T_RL=webanno.custom.Coref|type|BT_webanno.custom.Referent"
        assert written.count("#Text=") == original.count("#Text=") == 39
        assert _rows(written) == _rows(original)
        assert any("webanno.custom.Referent" in note for note in summary.notes)
        again = Project.create(tmp_path / "q.annproj", "news")
        try:
            import_paths(again, [tmp_path / "out"], "webanno", layer="gold")
            assert picture(again) == picture(proj)
        finally:
            again.close()
    finally:
        proj.close()


# one sentence in the file that spaCy's sentencizer cuts in two, then a second one; the comma
# sits against its word, so the text's words are not the tokens and the starts are kept
TOKENS = [["Rain", "fell", ".", "Then", "Tom", "left", ","], ["Ann", "stayed", "on", "Monday", "."]]
GLUED = {",", "."}


def _small_tsv(path: Path) -> str:
    lines = [
        "#FORMAT=WebAnno TSV 3.3",
        "#T_SP=webanno.custom.Mention|kind|note",
        "#T_RL=webanno.custom.Link|rel|BT_webanno.custom.Mention",
        "",
    ]
    text = ""
    for s, sentence in enumerate(TOKENS, start=1):
        sent = ""
        rows = []
        for t, tok in enumerate(sentence, start=1):
            if sent and tok not in GLUED:
                sent += " "
            begin = len(text) + (1 if text else 0) + len(sent)
            sent += tok
            label = "TIME" if tok == "Monday" else "_"
            rows.append(f"{s}-{t}\t{begin}-{begin + len(tok)}\t{tok}\t{label}\t_\t_\t_\t")
        text += ("\n" if text else "") + sent
        lines += ["", f"#Text={sent}", *rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return text


def test_sentences_kept_where_spacy_would_cut_them(tmp_path: Path, ctx: ExportContext) -> None:
    source = tmp_path / "in" / "small.tsv"
    source.parent.mkdir()
    text = _small_tsv(source)
    (doc,) = read_documents(source, "webanno", ReadOptions())
    assert doc.text == text
    assert doc.meta[STRUCTURE_META] == {
        "span_layer": "webanno.custom.Mention",
        "label_feature": "kind",
        "relation_layer": "webanno.custom.Link",
        "relation_feature": "rel",
        "sentences": [0, text.index("Ann")],
    }
    assert TOKENS_KEY not in doc.meta
    write([doc], tmp_path / "out", ctx)
    written = (tmp_path / "out" / "small.tsv").read_text("utf-8")
    assert _sentences(written) == ["Rain fell. Then Tom left,\\n", "Ann stayed on Monday."]
    plain = DocData(doc.id, doc.text, {}, doc.spans, layer="gold")
    write([plain], tmp_path / "ours", ctx)
    ours = (tmp_path / "ours" / "small.tsv").read_text("utf-8")
    assert _sentences(ours)[0] == "Rain fell. "  # spaCy's sentencizer cuts there
    assert _headers(written)[0].startswith("#T_SP=webanno.custom.Mention|kind|")
    assert _headers(written)[1] == "#T_RL=webanno.custom.Link|rel|BT_webanno.custom.Mention"
    (back,) = read_documents(tmp_path / "out", "webanno", ReadOptions())
    assert back.meta[STRUCTURE_META] == doc.meta[STRUCTURE_META]
    assert [(s.start, s.end, s.label) for s in back.spans] == [
        (s.start, s.end, s.label) for s in doc.spans
    ]


def test_unsound_kept_names_give_ours(tmp_path: Path, ctx: ExportContext) -> None:
    """A label feature named like a column written beside it ("type", an attribute), a layer
    name that is no type name, sentence starts out of order: ours instead."""
    kept = {
        "span_layer": "webanno.custom.Span Two",
        "label_feature": "type",
        "relation_layer": "webanno.custom.Link",
        "sentences": [5, 2],
    }
    text = "Ann left. Tom stayed."
    doc = DocData("d", text, {STRUCTURE_META: kept}, (SpanData("s1", 0, 3, "TIME"),), layer="gold")
    write([doc], tmp_path / "out", ctx)
    written = (tmp_path / "out" / "d.tsv").read_text("utf-8")
    assert _headers(written)[0].startswith("#T_SP=webanno.custom.Span|label|")
    assert _headers(written)[1] == "#T_RL=webanno.custom.Link|label|BT_webanno.custom.Span"
    assert written.count("#Text=") == 2
