from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import ImportFailed
from annotator.formats.reading import ReadOptions, detect_format, read_documents
from annotator.values import DocData


def _suite(corpus: Path, name: str) -> Path:
    return corpus / "webanno_tsv3_inception" / "tsv3-suite" / name / "reference.tsv"


def _one(path: Path, options: ReadOptions | None = None) -> DocData:
    (doc,) = read_documents(path, "webanno", options or ReadOptions())
    return doc


def _spans(doc: DocData) -> list[tuple[str, str]]:
    return sorted((s.label, doc.text[s.start : s.end]) for s in doc.spans)


def test_emoji_utf16_offsets_become_code_points(corpus: Path) -> None:
    path = _suite(corpus, "testSentenceWithEmoji")
    assert detect_format(path) == "webanno"
    doc = _one(path)
    assert doc.text == "I like it 😊 ."
    (span,) = doc.spans
    assert (span.start, span.end) == (10, 11)  # 10-12 in UTF-16 units
    assert doc.text[span.start : span.end] == "😊"


def test_gum_news_gives_thousands_of_spans_and_relations(corpus: Path) -> None:
    folder = corpus / "news_gum_webanno_tsv" / "coref_gum_tsv"
    options = ReadOptions()
    docs = list(read_documents(folder, "auto", options))
    assert len(docs) == 24
    assert sum(len(d.spans) for d in docs) == 5018  # every entity mention (INDEX.md)
    assert sum(len(d.relations) for d in docs) > 2000
    labels = {s.label for d in docs for s in d.spans}
    assert {"person", "organization", "place", "event", "time"} <= labels
    afghan = next(d for d in docs if d.id.endswith("afghan"))
    assert afghan.text.startswith("After visa snags , all - girl Afghan team honored")
    assert ("organization", "all - girl Afghan team") in _spans(afghan)
    team = next(s for s in afghan.spans if afghan.text[s.start : s.end] == "all - girl Afghan team")
    assert team.attrs["identity"] == "Afghan_Girls_Robotics_Team"
    assert not options.report.counts  # #Summary lines and everything else understood


def test_tsv_feature_chooses_another_layer(corpus: Path) -> None:
    path = corpus / "webanno_tsv3_inception" / "tsv3" / "example2.tsv"
    default = _one(path)
    other = _one(path, ReadOptions(tsv_feature="NamedEntity|value"))
    assert {s.label for s in other.spans} != {s.label for s in default.spans}
    assert len(other.spans) == 9
    with pytest.raises(ImportFailed, match="--tsv-feature 'Nope|x'"):
        _one(path, ReadOptions(tsv_feature="Nope|x"))


def test_stacked_multi_token_and_cross_sentence(corpus: Path) -> None:
    doc = _one(_suite(corpus, "testMultiTokenStackedSpanWithFeatureValue"))
    assert _spans(doc) == [("LOCATION", "This is a test ."), ("PERSON", "This is a test .")]
    doc = _one(_suite(corpus, "testCrossSentenceSpanWithFeatureValue"))
    assert _spans(doc) == [("PERSON", doc.text)]
    assert "\n" in doc.text


def test_sub_token_spans(corpus: Path) -> None:
    doc = _one(_suite(corpus, "testSubMultiTokenSpanWithFeatureValue"))
    got = _spans(doc)
    assert ("7", "aaaaaa bbb") in got
    assert ("9", "aaa bbbbbb ccc") in got
    assert ("3", "bb") in got
    doc = _one(_suite(corpus, "testSubTokenRelation"))
    (rel,) = doc.relations
    spans = {s.id: doc.text[s.start : s.end] for s in doc.spans}
    assert (spans[rel.head], spans[rel.tail]) == ("T", "t")


def test_escaped_values(corpus: Path) -> None:
    doc = _one(_suite(corpus, "testTokenBoundedSpanWithSpecialSymbolsValue"))
    assert {s.label for s in doc.spans} == {"#*'\"`´\t:;{}|[ ]()\\§$%?=&_\n"}
    assert {
        s.label for s in _one(_suite(corpus, "testTokenBoundedSpanWithAsteriskFeatureValue")).spans
    } == {"*"}
    assert {s.label for s in _one(_suite(corpus, "testTokenBoundedStackedLookAlike")).spans} == {
        f"NOTSTACKED[{i}]" for i in range(5)
    }
    curator = corpus / "webanno_tsv3_inception" / "curation-testsuite"
    lemma = ReadOptions(tsv_feature="Lemma|value")
    doc = _one(curator / "relationLabelTest" / "user1.tsv", lemma)
    assert ("er|es|sie", "sich") in _spans(doc)  # escaped pipe, not a stack


def test_relations_with_stacking(corpus: Path) -> None:
    doc = _one(_suite(corpus, "testSingleStackedNonTokenRelationWithoutFeatureValue"))
    (rel,) = doc.relations
    spans = {s.id: doc.text[s.start : s.end] for s in doc.spans}
    assert (spans[rel.head], spans[rel.tail]) == ("This", ".")
    doc = _one(_suite(corpus, "testStackedNonMultiTokenRelationWithMultipleFeatureValues"))
    assert sorted(r.label for r in doc.relations) == ["false", "true"]


def test_sentence_text_variants(corpus: Path) -> None:
    assert _one(_suite(corpus, "testSentenceWithLineBreak")).text == "This is\na test ."
    assert _one(_suite(corpus, "testSentenceWithTab")).text == "This is\ta test ."
    assert _one(_suite(corpus, "testTwoSentencesWithNoSpaceInBetween")).text == "onetwo"
    doc = _one(_suite(corpus, "testAnnotationWithLeadingWhitespaceAtStart"))
    assert _spans(doc) == [("NamedEntity", "one")]


def test_every_suite_case_reads_with_consistent_ids(corpus: Path) -> None:
    for path in sorted((corpus / "webanno_tsv3_inception" / "tsv3-suite").rglob("*.tsv")):
        options = ReadOptions()
        doc = _one(path, options)
        ids = [s.id for s in doc.spans]
        assert len(ids) == len(set(ids)), path
        assert len({r.id for r in doc.relations}) == len(doc.relations), path
        for rel in doc.relations:
            assert rel.head in ids and rel.tail in ids, path
        for span in doc.spans:
            assert 0 <= span.start < span.end <= len(doc.text), path


def test_chains_zero_length_and_slots_are_reported(corpus: Path) -> None:
    options = ReadOptions()
    _one(_suite(corpus, "testSimpleChain"), options)
    _one(_suite(corpus, "testZeroLengthSpansWithFeatureValues"), options)
    _one(_suite(corpus, "testSimpleSlotFeature"), options)
    counts = options.report.counts
    assert counts["WebAnno chain link skipped"] == 3
    assert counts["WebAnno zero-length annotation skipped"] == 2
    assert counts["WebAnno slot (role) feature skipped"] == 1


def test_legacy_tsv2_rejected(corpus: Path) -> None:
    for name in ("example.tsv", "example2.tsv"):
        with pytest.raises(ImportFailed, match="legacy WebAnno TSV 2") as exc:
            _one(corpus / "webanno_tsv3_inception" / "tsv2" / name)
        assert name in str(exc.value)


def test_tsv32_without_layers(corpus: Path) -> None:
    doc = _one(corpus / "webanno_tsv3_inception" / "webanno-legacy" / "multiline.tsv")
    assert doc.spans == ()
    assert "This is line 1." in doc.text and "This is line 3." in doc.text


def test_bad_column_count_names_line(tmp_path: Path) -> None:
    f = tmp_path / "bad.tsv"
    f.write_text(
        "#FORMAT=WebAnno TSV 3.3\n#T_SP=a.Span|value\n\n\n#Text=Hi there\n"
        "1-1\t0-2\tHi\tX\t\n1-2\t3-8\tthere\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed, match=r"bad\.tsv:7: "):
        _one(f)
