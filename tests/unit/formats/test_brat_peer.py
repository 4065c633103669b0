"""Issue 11 defect 3: brat exports that brat's own parser and verifier accept, events kept as
events (E lines with their roles, apart when they share a trigger), notes written back as notes,
and import -> export -> import giving the same project."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from annotator.formats.brat.conf import scheme_from_annotation_conf
from annotator.project import Project
from annotator.scheme import scheme_from_dict
from annotator.transfer import importing
from annotator.transfer.exporting import export_documents

from .conftest import news_doc
from .roundtrip import round_trip

CHECKER = Path(__file__).resolve().parents[3] / ".." / "shared" / "consumers" / "brat" / "check.py"


def _python38() -> str | None:
    root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    found = Path(root) / "versions" / "3.8.18" / "bin" / "python3"
    if found.is_file():
        return str(found)
    try:
        out = subprocess.run(["pyenv", "root"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    found = Path(out.stdout.strip()) / "versions" / "3.8.18" / "bin" / "python3"
    return str(found) if found.is_file() else None


def brat_check(folder: Path) -> str:
    """Run brat's own parser and verifier on ``folder``; return its last line."""
    python = _python38()
    if python is None or not CHECKER.is_file():
        pytest.skip(f"SKIPPED LOUDLY: brat checker needs Python 3.8.18 ({python}) and {CHECKER}")
    scratch = folder.parent / "brat-check-tmp"  # the checker leaves its config folder in TMPDIR
    scratch.mkdir(exist_ok=True)
    env = {**os.environ, "TMPDIR": str(scratch)}
    result = subprocess.run(
        [python, str(CHECKER), str(folder)], capture_output=True, text=True, timeout=300, env=env
    )
    last = result.stdout.strip().splitlines()[-1]
    assert last == "errors 0 issues 0", result.stdout[-3000:] + result.stderr[-2000:]
    return result.stdout


def _news_tutorial(corpus: Path) -> Path:
    return corpus / "brat_nlplab_examples" / "example-data" / "tutorials" / "news"


def test_news_scheme_export_passes_brat_checker(tmp_path: Path) -> None:
    proj = Project.create(tmp_path / "p.annproj", "news")
    try:
        importing.import_documents(proj, [news_doc(i) for i in range(4)], layer="gold")
        export_documents(proj, tmp_path / "out", "brat")
    finally:
        proj.close()
    out = brat_check(tmp_path / "out")
    assert "T/E/R/A/N/# = [8, 2, 2, 8, 3, 0] issues=0" in out


def test_brat_corpus_with_events_round_trips_and_passes_checker(
    corpus: Path, tmp_path: Path
) -> None:
    src = _news_tutorial(corpus)
    scheme = scheme_from_annotation_conf(src / "annotation.conf")
    assert "Merge-org" in scheme.event_labels and scheme.relation("Org-Arg") is not None
    before, after, out = round_trip(scheme, [src], "brat", "brat", tmp_path)
    assert before == after
    assert sum(1 for k, v in before.items() if k != "<unannotated>" and v["empty"]) == 4
    brat_check(out)
    # events stay events: as many E lines as the original (nested Report -> Merge-org too)
    for ann in src.glob("*.ann"):
        original = [ln for ln in ann.read_text("utf-8").splitlines() if ln.startswith("E")]
        written = (out / ann.name).read_text("utf-8").splitlines()
        assert len([ln for ln in written if ln.startswith("E")]) == len(original), ann.name
    merged = (out / "110-note_annotation.ann").read_text("utf-8")
    assert "Org-Arg:T" in merged and "Org-Arg2:T" in merged and "Org-Arg3:T" in merged


def test_bionlp_events_sharing_triggers_and_numbered_roles(corpus: Path, tmp_path: Path) -> None:
    src = corpus / "brat_nlplab_examples" / "example-data" / "corpora" / "BioNLP-ST_2011"
    src = src / "BioNLP-ST_2011_GE"
    scheme = scheme_from_annotation_conf(src / "annotation.conf")
    before, after, out = round_trip(scheme, [src], "brat", "brat", tmp_path)
    assert before == after
    brat_check(out)
    for ann in src.glob("*.ann"):
        original = [ln for ln in ann.read_text("utf-8").splitlines() if ln.startswith("E")]
        written = [ln for ln in (out / ann.name).read_text("utf-8").splitlines()]
        assert len([ln for ln in written if ln.startswith("E")]) == len(original), ann.name

        # the roles of each event: same multiset of role counts as the original
        def roles(lines: list[str]) -> list[int]:
            return sorted(len(ln.split("\t")[1].split()) for ln in lines if ln.startswith("E"))

        assert roles(written) == roles(original), ann.name


def test_events_on_one_trigger_stay_apart(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    text = "YouTube and Google merged, and so did CNN and Fox."
    (src / "d.txt").write_text(text, "utf-8")
    (src / "d.ann").write_text(
        "T1\tOrg 0 7\tYouTube\nT2\tOrg 12 18\tGoogle\nT3\tMerge 19 25\tmerged\n"
        "T4\tOrg 38 41\tCNN\nT5\tOrg 46 49\tFox\n"
        "E1\tMerge:T3 Theme:T1 Theme2:T2\nE2\tMerge:T3 Theme:T4 Theme2:T5\n"
        "#1\tAnnotatorNotes E2\tSame trigger, second event: keep apart?\n"
        "#2\tReviewerNotes T1\tchecked  twice\n",
        "utf-8",
    )
    scheme = scheme_from_dict(
        {
            "name": "merge",
            "labels": [
                {"name": "Org", "attributes": [{"name": "ReviewerNotes"}]},
                {"name": "Merge", "kind": "event", "attributes": [{"name": "note"}]},
            ],
            "relations": [
                {"name": "Theme", "heads": ["Merge"], "tails": ["Org"]},
                {"name": "Theme2", "heads": ["Merge"], "tails": ["Org"]},
            ],
        }
    )
    before, after, out = round_trip(scheme, [src], "brat", "brat", tmp_path)
    assert before == after
    (doc,) = (v for k, v in before.items() if k == text)
    merges = [s for s in doc["spans"] if s[2] == "Merge"]
    assert len(merges) == 2 and {len(m[5]) for m in merges} == {2}
    lines = (out / "d.ann").read_text("utf-8").splitlines()
    events = [ln for ln in lines if ln.startswith("E")]
    assert len(events) == 2 and all(ln.split("\t")[1].startswith("Merge:T3 ") for ln in events)
    assert any("Theme2:" in ln for ln in events)
    assert "#1\tReviewerNotes T1\tchecked  twice" in lines
    (cnn_fox,) = (ln.split("\t")[0] for ln in events if ln.endswith("Theme:T4 Theme2:T5"))
    assert f"AnnotatorNotes {cnn_fox}\tSame trigger, second event: keep apart?" in "\n".join(lines)
    conf = (out / "annotation.conf").read_text("utf-8")
    assert "Merge Theme*:Org" in conf and "Theme2" not in conf
    brat_check(out)


def test_scheme_from_brat_conf_refuses_bad_line(tmp_path: Path) -> None:
    from annotator.errors import SchemeError

    conf = tmp_path / "annotation.conf"
    conf.write_text("[entities]\nPerson\n[events]\nMeet Who:Persn\n", "utf-8")
    with pytest.raises(SchemeError, match=r"annotation.conf:4: unknown type 'Persn'"):
        scheme_from_annotation_conf(conf)
    shutil.rmtree(tmp_path / "nothing", ignore_errors=True)


def test_cli_init_with_brat_annotation_conf(corpus: Path, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from annotator.cli.main import app

    conf = _news_tutorial(corpus) / "annotation.conf"
    result = CliRunner().invoke(app, ["init", str(tmp_path / "b.annproj"), "--scheme", str(conf)])
    assert result.exit_code == 0, result.output
    with Project.open(tmp_path / "b.annproj") as proj:
        assert "Merge-org" in proj.scheme.event_labels
        assert proj.scheme.label("Person") is not None
