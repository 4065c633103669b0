"""The CoNLL reader splits runs of plain token lines (a token, a tab, a tag) in one go: it reads
the same documents, report and first error as reading every line on its own, on the shared
corpus files and on variants of them that break the runs in every way the line reader treats
differently."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import ImportFailed
from annotator.formats import conll
from annotator.formats.reading import ReadOptions, read_documents

CORPUS = (
    "conll/dkpro_conll2003_en-orig.conll",
    "conll/dkpro_germeval2014_test.conll",
    "conll/europeana_enp_DE.onb.first600.bio",
    "conll/europeana_enp_FR.bnf.first600.bio",
    "conll/europeana_enp_NL.kb.lines91696-92495.bio",
    "doccano_jsonl/doccano/backend/data_import/tests/data/sequence_labeling/example.conll",
    "doccano_jsonl/doccano/backend/data_import/tests/data/sequence_labeling/labeling.invalid.conll",
    "doccano_jsonl/doccano/backend/data_import/tests/data/sequence_labeling/"
    "labeling.trailing.conll",
)


def _outcome(path: Path) -> tuple[Any, ...]:
    options = ReadOptions()
    try:
        docs = list(read_documents(path, "conll", options))
    except ImportFailed as exc:
        return ("error", str(exc))
    return ("docs", docs, options.report.lines())


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    runs = _outcome(path)
    with monkeypatch.context() as m:
        m.setattr(conll, "_PLAIN_RUN", re.compile(r"(?!)"))  # never matches: line by line
        lines = _outcome(path)
    return runs, lines


def _variants(text: str) -> dict[str, str]:
    lines = text.split("\n")
    mid = len(lines) // 2
    return {
        "as is": text,
        "crlf": "\r\n".join(lines),
        "no final line feed": text.rstrip("\n"),
        "io tags": re.sub(r"\t[BI]-", "\t", text),
        "io tags without O": re.sub(r"\t[BI]-", "\t", text).replace("\tO\n", "\tX\n"),
        "bad tag late": "\n".join(lines[:mid] + [lines[mid] + "\tB_BAD"] + lines[mid + 1 :]),
        "lonely token": "\n".join(lines[:mid] + ["lonely"] + lines[mid:]),
        "docstart": "\n".join(lines[:mid] + ["-DOCSTART-\tO"] + lines[mid:]),
        "comment": "\n".join(lines[:mid] + ["# source\thttp://x"] + lines[mid:]),
        "hashtag token": "\n".join(lines[:mid] + ["#tag\tO"] + lines[mid:]),
        "spaces": text.replace("\t", " "),
        "padded cells": text.replace("\t", " \t "),
        "extra column": "\n".join(
            ln.replace("\t", "\tNN\t", 1) if k % 3 == 0 else ln for k, ln in enumerate(lines)
        ),
        "blank lines of white space": "\n".join(
            " \t " if k % 9 == 4 else ln for k, ln in enumerate(lines)
        ),
        "two-column lines in GermEval": "\n".join(lines[:mid] + ["word\tO"] + lines[mid:]),
        "no-break space": text.replace("\tO\n", "\u00a0\tO\n", 3),
    }


@pytest.mark.parametrize("name", CORPUS)
def test_plain_runs_read_as_line_by_line(
    corpus: Path, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (corpus / name).read_bytes().decode("utf-8")
    for variant, body in _variants(text).items():
        path = tmp_path / f"{variant.replace(' ', '_')}.conll"
        path.write_text(body, encoding="utf-8", newline="")
        runs, lines = _both(path, monkeypatch)
        assert runs == lines, variant


def test_a_bad_tag_inside_a_run_is_named_at_its_first_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = ["-DOCSTART-\tO", ""] + [f"w{k}\t{'B-X' if k % 5 else 'O'}" for k in range(300)]
    body[200] = "w\tB_X"
    body[250] = "v\tB_X"
    path = tmp_path / "x.conll"
    path.write_text("\n".join(body) + "\n", encoding="utf-8")
    runs, lines = _both(path, monkeypatch)
    assert (
        runs == lines == ("error", f"[E120] {path}:201: label 'B_X' is not a BIO tag (O, B-X, I-X)")
    )


def test_decode_visits_only_tags_other_than_o() -> None:
    """``_decode`` skips the ``O`` tags; a gap between two others ends a chunk as an O does."""
    tags = ["O", "I-A", "I-A", "O", "O", "I-A", "B-A", "E-A", "S-B", "O-X", "I-B", "O"]
    assert list(conll._decode(tags)) == [
        (1, 2, "A"),
        (5, 5, "A"),
        (6, 7, "A"),
        (8, 8, "B"),
        (10, 10, "B"),
    ]
