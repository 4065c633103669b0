"""The WebAnno writer, byte for byte, on the cases its fast paths treat apart.

The files under ``golden_webanno_writer/`` were written by the writer before its speed-up (rows
without spans from one constant, escapes with ``str.translate``, UTF-16 offsets converted only
for texts beyond the BMP, tokens from spaCy arrays). Cases: characters beyond the BMP before
and inside spans, a sub-token span, stacked spans, roles and relations, values and text needing
escapes, a tab and a backslash in the text, kept header lines, a document that came tokenised,
one without spans, a span covering no token, an id naming a subfolder. Regenerate only for an
intended format change: ``PYTHONPATH=. python tests/unit/formats/test_webanno_writer_golden.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from annotator.formats import webanno
from annotator.formats.writing import ExportContext
from annotator.scheme import load_scheme
from annotator.values import DocData, RelationData, SpanData

GOLDEN = Path(__file__).with_name("golden_webanno_writer")


def _docs() -> list[DocData]:
    astral = "😊 Khalifa Haftar 🇱🇾 said the\tforces attacked Tripoli\\Sirte on Monday. Done 𝔘𝔑."
    p = astral.index
    astral_spans = (
        SpanData("s1", p("Khalifa"), p("Khalifa") + 14, "ACTOR", {"type": "person"}, "K|H_[*]"),
        SpanData("s2", p("Khalifa"), p("Khalifa") + 14, "PLACE"),  # stacked on s1
        SpanData("s3", p("attacked"), p("attacked") + 8, "EVENT", {"type": "attack"}),
        SpanData("s4", p("Tripoli"), p("Tripoli") + 7, "PLACE"),
        SpanData("s5", p("Trip"), p("Trip") + 4, "TIME"),  # inside one token: a sub-token row
        SpanData("s6", p("on Monday"), p("on Monday") + 9, "TIME"),
        SpanData("s7", p("𝔘𝔑"), p("𝔘𝔑") + 2, "ACTOR", {"type": "international_org"}),
        SpanData("s8", p("said"), p("attacked") + 8, "CLAIM", {"form": "a;b\nc"}),
    )
    astral_rels = (
        RelationData("r1", "agent", "s3", "s1"),
        RelationData("r2", "place", "s3", "s4"),
        RelationData("r3", "claimant", "s8", "s1"),
        RelationData("r4", "about", "s8", "s3"),
    )
    plain = "The UN met in Cairo.  Talks went on.\n\nThey ended on Friday."
    q = plain.index
    plain_spans = (
        SpanData("s1", q("UN"), q("UN") + 2, "ACTOR", {}, "UN"),
        SpanData("s2", q("Cairo"), q("Cairo") + 5, "PLACE"),
        SpanData("s3", q("  ") + 1, q("  ") + 2, "TIME"),  # whitespace only: covers no token
        SpanData("s4", q("Friday"), q("Friday") + 6, "TIME"),
    )
    conll = "EU leaders met\nin Brussels on Tuesday"
    r = conll.index
    return [
        DocData(
            "a/astral",
            astral,
            {"tsv_header": {"Summary1": "kept", "Note": "x=y"}},
            astral_spans,
            astral_rels,
            annotated=True,
        ),
        DocData("plain", plain, {}, plain_spans, annotated=True),
        DocData(
            "tokenised",
            conll,
            {"tokens": "conll"},
            (
                SpanData("s1", 0, 2, "ACTOR"),
                SpanData("s2", r("Brussels"), r("Brussels") + 8, "PLACE"),
            ),
            annotated=True,
        ),
        DocData("empty", "Nothing happened here.", {}, (), annotated=True),
    ]


def _write(out: Path) -> None:
    webanno.write(_docs(), out, ExportContext(scheme=load_scheme("news")))


def test_webanno_writer_writes_the_golden_bytes(tmp_path: Path) -> None:
    _write(tmp_path / "out")
    expected = sorted(p.relative_to(GOLDEN) for p in GOLDEN.rglob("*.tsv"))
    assert (
        expected
        and sorted(p.relative_to(tmp_path / "out") for p in (tmp_path / "out").rglob("*.tsv"))
        == expected
    )
    for rel in expected:
        assert (tmp_path / "out" / rel).read_bytes() == (GOLDEN / rel).read_bytes(), rel


if __name__ == "__main__":
    import shutil

    shutil.rmtree(GOLDEN, ignore_errors=True)
    _write(GOLDEN)
    (GOLDEN / "README.md").unlink(missing_ok=True)
    sys.exit(0)
