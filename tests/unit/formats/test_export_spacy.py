"""spaCy DocBin export: ents vs span groups, expansion counts, kept attributes, and training."""

from __future__ import annotations

from pathlib import Path

import pytest
import spacy

from annotator.formats import docbin as spacy_writer
from annotator.formats.writing import ExportContext
from annotator.values import DocData, SpanData

from .conftest import split_of


def _load(path: Path) -> list:
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    return list(DocBin().from_disk(path).get_docs(nlp.vocab))


def test_docbin_holds_ents_span_groups_and_attributes(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    ctx.splits = split_of(news_docs)
    summary = spacy_writer.write(news_docs, tmp_path, ctx)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "config.cfg",
        "dev.spacy",
        "test.spacy",
        "train.spacy",
    ]
    train = _load(tmp_path / "train.spacy")
    assert len(train) == 8 and len(_load(tmp_path / "dev.spacy")) == 2
    doc = train[0]
    # CLAIM overlaps the others, so it lives only in the span group; the rest are entities.
    assert {e.label_ for e in doc.ents} == {"ACTOR", "EVENT", "PLACE", "TIME"}
    assert len(doc.spans["sc"]) == 8
    assert [s.text for s in doc.spans["sc"] if s.label_ == "CLAIM"] == [
        "Khalifa Haftar said on Monday that forces loyal to Fayez al-Sarraj attacked Tripoli"
    ]
    haftar = next(s for s in doc.spans["sc"] if s.text == "Khalifa Haftar")
    assert haftar.kb_id_ == "Khalifa Haftar" and haftar.id_ == "s1"
    # "attac" is not a token: widened to "attack" and counted.
    assert "attack" in [e.text for e in doc.ents]
    assert summary.expanded == {"EVENT": 12}
    assert not summary.dropped
    data = doc.spans["sc"].attrs["annotator"]
    assert data["id"] == "news/000" and "doc_id" not in data["meta"]
    assert tuple(data["spans"][7][1:4]) == (106, 111, "EVENT")  # exact offsets (tuples: msgpack)
    assert data["spans"][0][4] == {"type": "person"}
    assert ("r3", "agent", "s5", "s4") in [tuple(r) for r in data["relations"]]
    assert summary.documents == {"train": 8, "dev": 2, "test": 2}
    assert summary.label_totals()["ACTOR"] == 36


def test_strict_drops_and_counts(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path
) -> None:
    ctx.strict = True
    summary = spacy_writer.write(news_docs, tmp_path, ctx)
    assert summary.dropped == {"EVENT": 12} and not summary.expanded
    assert summary.label_totals()["EVENT"] == 12
    doc = _load(tmp_path / "train.spacy")[0]
    assert "attack" not in [s.text for s in doc.spans["sc"]]


def test_config_trains_a_few_steps(
    news_docs: list[DocData], ctx: ExportContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from spacy.cli.train import train

    ctx.splits = split_of(news_docs)
    spacy_writer.write(news_docs, tmp_path, ctx)
    monkeypatch.chdir(tmp_path)  # the config's default paths are relative, as on the CLI
    train(
        Path("config.cfg"),
        Path("model"),
        use_gpu=-1,
        overrides={
            "paths.train": "train.spacy",
            "paths.dev": "dev.spacy",
            "training.max_steps": 5,
            "training.eval_frequency": 5,
        },
    )
    nlp = spacy.load(tmp_path / "model" / "model-last")
    assert nlp.pipe_names == ["tok2vec", "ner", "spancat"]
    assert set(nlp.get_pipe("ner").labels) == {"ACTOR", "EVENT", "PLACE", "TIME"}
    assert "CLAIM" in nlp.get_pipe("spancat").labels


def test_entities_that_collide_once_widened_stay_in_the_span_group(
    ctx: ExportContext, tmp_path: Path
) -> None:
    # "Abu" and "Dhabi" inside one token "AbuDhabi": both widen to it; doc.ents keeps one.
    doc = DocData(
        "d",
        "Visit AbuDhabi now.",
        spans=(SpanData("s1", 6, 9, "PLACE"), SpanData("s2", 9, 14, "PLACE")),
    )
    summary = spacy_writer.write([doc], tmp_path, ctx)
    [sdoc] = _load(tmp_path / "train.spacy")
    assert [e.text for e in sdoc.ents] == ["AbuDhabi"]
    assert len(sdoc.spans["sc"]) == 2
    assert summary.expanded == {"PLACE": 2}
    assert sum(n for reason, n in summary.skipped.items() if "not doc.ents" in reason) == 1


@pytest.mark.parametrize("n_docs", [0, 1, 3, 40])
def test_streaming_docbin_writes_docbin_bytes(tmp_path: Path, n_docs: int) -> None:
    """StreamingDocBin's file is byte for byte what DocBin.to_disk writes."""
    import spacy
    from spacy.tokens import DocBin

    from annotator.formats.docbin import StreamingDocBin

    nlp = spacy.blank("en")
    texts = [
        f"Khalifa Haftar said on day {i} that forces attacked Tripoli.  Fighting continued."
        * (1 + i % 4)
        for i in range(n_docs)
    ]
    whole = DocBin(store_user_data=False)
    streamed = StreamingDocBin(tmp_path / "streamed.spacy")
    for i, text in enumerate(texts):
        for target in (whole, streamed):
            doc = nlp(text)
            doc.spans["sc"] = [doc.char_span(0, 14, "ACTOR"), doc[2 : 3 + i % 3]]
            doc.spans["sc"].attrs["annotator"] = {"id": f"d{i}", "n": i}
            doc.cats = {"x": 1.0} if i % 2 else {}
            target.add(doc)
    streamed.close()
    whole.to_disk(tmp_path / "whole.spacy")
    assert (tmp_path / "streamed.spacy").read_bytes() == (tmp_path / "whole.spacy").read_bytes()
    assert not list(tmp_path.glob(".docbin-*")), "temporary files left behind"
