"""Bad input gets one clear line naming the file (and line) and changes nothing."""

from __future__ import annotations

import copy
import hashlib
import json
import sqlite3
from pathlib import Path

import pytest

from tests.e2e.conftest import Cli
from tests.e2e.test_cli_basics import RECORD


def _dump(project: Path) -> str:
    """Everything in the project except timestamps-free tables order: a content fingerprint."""
    con = sqlite3.connect(project)
    try:
        parts = []
        for (table,) in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"
        ):
            rows = con.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            parts.append(f"{table}:{rows!r}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()
    finally:
        con.close()


@pytest.fixture
def proj(cli: Cli, tmp_path: Path) -> Path:
    path = tmp_path / "p.annproj"
    cli("init", path)
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps(RECORD) + "\n", "utf-8")
    cli("import", path, good)
    return path


def _lines(records: list[object]) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)


def _expect_refusal(cli: Cli, proj: Path, src: Path, *needles: str) -> None:
    before = _dump(proj)
    result = cli("import", proj, src, ok=False)
    err = result.stderr.strip()
    assert err.count("\n") == 0, err
    assert err.startswith("error: ")
    for needle in needles:
        assert needle in err, err
    assert _dump(proj) == before


def _other(**changes: object) -> dict:
    rec = copy.deepcopy(RECORD)
    rec["id"] = "doc-2"
    rec["text"] = RECORD["text"] + " Again."
    rec.update(changes)
    return rec


def test_broken_line_in_the_middle(cli: Cli, proj: Path, tmp_path: Path) -> None:
    src = tmp_path / "broken.jsonl"
    src.write_text(
        _lines(
            [
                _other(),
                '{"id": "x", "text": "oops"',
                _other(id="d3", text="t3", spans=[], relations=[]),
            ]
        )
    )
    _expect_refusal(cli, proj, src, f"{src}:2:", "invalid JSON")


def test_invalid_utf8_is_refused(cli: Cli, proj: Path, tmp_path: Path) -> None:
    src = tmp_path / "bad.txt"
    src.write_bytes(b"Caf\xe9 \xff\xfe\xfd\x80 news \x81\x8d\x90 text\n")
    _expect_refusal(cli, proj, src, str(src))


def test_legacy_encoding_is_refused_unless_named(cli: Cli, proj: Path, tmp_path: Path) -> None:
    src = tmp_path / "latin.txt"
    src.write_bytes("Le président a déclaré que la réunion était terminée.\n".encode("latin-1"))
    _expect_refusal(cli, proj, src, str(src), "name its encoding with --encoding NAME (e.g.")
    cli("import", proj, src, "--encoding", "latin-1")
    from annotator.project import Project
    from storage.repository import documents as doc_repo

    with Project.open(proj) as p, p.session() as s:
        texts = [d.text for d in doc_repo.get_documents(s)]
    assert any("président" in t for t in texts)


def test_empty_file(cli: Cli, proj: Path, tmp_path: Path) -> None:
    src = tmp_path / "empty.txt"
    src.write_bytes(b"")
    _expect_refusal(cli, proj, src, str(src), "empty")


def test_binary_file(cli: Cli, proj: Path, tmp_path: Path) -> None:
    src = tmp_path / "image.txt"
    src.write_bytes(bytes(range(256)) * 8)
    _expect_refusal(cli, proj, src, str(src))


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"spans": [{"id": "s1", "start": 0, "end": 999, "label": "ACTOR"}]}, "outside the text"),
        ({"spans": [{"id": "s1", "start": 5, "end": 5, "label": "ACTOR"}]}, "or empty"),
        ({"spans": [{"id": "s1", "start": 9, "end": 3, "label": "ACTOR"}]}, "or empty"),
        ({"spans": [{"id": "s1", "start": 0, "end": 5, "label": "WEAPON"}]}, "WEAPON"),
        (
            {
                "spans": [
                    {"id": "s1", "start": 0, "end": 5, "label": "ACTOR", "attrs": {"type": "robot"}}
                ]
            },
            "'robot' is not a value",
        ),
        (
            {
                "spans": [
                    {"id": "s1", "start": 0, "end": 5, "label": "ACTOR"},
                    {"id": "s1", "start": 6, "end": 9, "label": "ACTOR"},
                ],
                "relations": [],
            },
            "duplicate span id",
        ),
        (
            {"relations": [{"id": "r1", "label": "claimant", "head": "s2", "tail": "s9"}]},
            "missing span 's9'",
        ),
        (
            {"relations": [{"id": "r1", "label": "claimant", "head": "s1", "tail": "s2"}]},
            "cannot start at a ACTOR",
        ),
    ],
)
def test_bad_annotations(cli: Cli, proj: Path, tmp_path: Path, change: dict, needle: str) -> None:
    bad = _other(**change)
    if "relations" not in change:
        bad["relations"] = [
            r for r in bad["relations"] if r["head"] in {s["id"] for s in bad["spans"]}
        ]
        if change.get("spans") is not None:
            bad["relations"] = []
    src = tmp_path / "bad.jsonl"
    src.write_text(_lines([_other(id="fine", text="A fine text.", spans=[], relations=[]), bad]))
    _expect_refusal(cli, proj, src, f"{src}:2:", needle)


def test_project_is_a_directory(cli: Cli, tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(_lines([RECORD]))
    result = cli("import", tmp_path, src, ok=False)
    assert "is a directory" in result.stderr and result.stderr.count("\n") == 1


def test_project_is_not_sqlite(cli: Cli, tmp_path: Path) -> None:
    fake = tmp_path / "fake.annproj"
    fake.write_text("hello")
    src = tmp_path / "in.jsonl"
    src.write_text(_lines([RECORD]))
    result = cli("import", fake, src, ok=False)
    assert "not a SQLite file" in result.stderr
    assert fake.read_text() == "hello"


def test_locked_project(
    cli: Cli, proj: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import storage.db as db_module

    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 200)
    src = tmp_path / "in.jsonl"
    src.write_text(_lines([_other()]))
    holder = sqlite3.connect(proj, timeout=0.2)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        result = cli("import", proj, src, ok=False)
    finally:
        holder.rollback()
        holder.close()
    assert "locked" in result.stderr and result.stderr.count("\n") == 1
    before = _dump(proj)
    assert _dump(proj) == before


def test_unknown_format_and_missing_file(cli: Cli, proj: Path, tmp_path: Path) -> None:
    result = cli("import", proj, tmp_path / "nope.jsonl", ok=False)
    assert "no such file" in result.stderr
    result = cli("import", proj, tmp_path, "--format", "xml", ok=False)
    assert "unknown format 'xml'" in result.stderr


def test_legacy_webanno_tsv2_is_named_without_format(cli: Cli, tmp_path: Path) -> None:
    from tests.shared_data import require_shared

    tsv2 = require_shared("corpus/webanno_tsv3_inception/tsv2/example.tsv")
    project = tmp_path / "p.annproj"
    cli("init", project)
    before = _dump(project)
    result = cli("import", project, tsv2, ok=False)
    assert result.exit_code == 1
    assert "legacy WebAnno TSV 2" in result.stderr
    assert _dump(project) == before


def test_legacy_webanno_tsv2_folder_is_named_without_format(cli: Cli, tmp_path: Path) -> None:
    from tests.shared_data import require_shared

    folder = require_shared("corpus/webanno_tsv3_inception/tsv2/example.tsv").parent
    project = tmp_path / "p.annproj"
    cli("init", project)
    before = _dump(project)
    result = cli("import", project, folder, ok=False)
    assert result.exit_code == 1
    assert "legacy WebAnno TSV 2" in result.stderr
    assert _dump(project) == before
