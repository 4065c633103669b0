"""The command line on real files: init, import, export, stats, check."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import Cli


def _native(tmp: Path, records: list[dict], name: str = "in.jsonl") -> Path:
    path = tmp / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


RECORD = {
    "id": "doc-1",
    "text": "Khalifa Haftar said the attack on Tripoli was planned.",
    "meta": {"title": "A test", "source": "unit", "published": "2019-05-11"},
    "layer": "gold",
    "spans": [
        {
            "id": "s1",
            "start": 0,
            "end": 14,
            "label": "ACTOR",
            "text": "Khalifa Haftar",
            "attrs": {"type": "person"},
            "entity": "Khalifa Haftar",
        },
        {
            "id": "s2",
            "start": 20,
            "end": 53,
            "label": "CLAIM",
            "attrs": {"form": "reported", "stance": "neutral"},
        },
        {"id": "s3", "start": 24, "end": 30, "label": "EVENT", "attrs": {"type": "attack"}},
        {"id": "s4", "start": 34, "end": 41, "label": "PLACE"},
    ],
    "relations": [
        {"id": "r1", "label": "claimant", "head": "s2", "tail": "s1"},
        {"id": "r2", "label": "place", "head": "s3", "tail": "s4"},
    ],
}


def test_init_import_seed_stats(
    cli: Cli, tmp_path: Path, new_location, seed_article: Path, stats
) -> None:
    proj = new_location()
    cli("init", proj)
    out = cli("import", proj, seed_article.parent).stdout
    assert "1 new" in out
    data = stats(proj)
    assert data["documents"] == 1
    assert set(data) >= {"documents", "annotators", "spans", "relations", "suggestions"}
    from annotator.project import Project
    from storage.repository import documents as doc_repo

    with Project.open(proj) as p, p.session() as s:
        doc = doc_repo.get_documents(s)[0]
    assert doc.title == "Libya's Haftar admits sending Daesh members back to Tunisia"
    assert doc.published == "2019-05-11"
    assert doc.text == seed_article.read_text("utf-8")


def test_import_is_idempotent(cli: Cli, tmp_path: Path, new_location, stats) -> None:
    proj = new_location()
    cli("init", proj)
    src = _native(tmp_path, [RECORD])
    cli("import", proj, src)
    first = stats(proj)
    out = cli("import", proj, src).stdout
    assert "0 new" in out and "0 added" in out
    assert stats(proj) == first
    assert first["spans"] == {"gold": {"ACTOR": 1, "CLAIM": 1, "EVENT": 1, "PLACE": 1}}
    assert first["relations"] == {"gold": {"claimant": 1, "place": 1}}


def test_reimport_with_other_attributes_is_counted_and_keeps_the_projects_unless_told(
    cli: Cli, tmp_path: Path, new_location, stats
) -> None:
    """A span already there (same offsets and label) with other attributes was reported as
    "already there", its difference uncounted. The summary now counts it; the project's
    attributes stay unless --update-attributes."""
    from annotator.layers import load_layer
    from annotator.project import Project

    def claim_attrs() -> dict:
        with Project.open(proj) as p, p.session() as s:
            [doc] = load_layer(s, "gold")
        return next(dict(sp.attrs) for sp in doc.spans if sp.label == "CLAIM")

    proj = new_location()
    cli("init", proj)
    cli("import", proj, _native(tmp_path, [RECORD]))
    first = stats(proj)
    changed = json.loads(json.dumps(RECORD))
    changed["spans"][1]["attrs"] = {"form": "reported", "stance": "oppose"}
    src = _native(tmp_path, [changed], "changed.jsonl")
    out = cli("import", proj, src).stdout
    assert (
        "spans: 0 added, 4 already there (1 of them with other attributes: kept the project's)"
    ) in out
    assert (
        "kept the project's attributes of 1 span the file has with other attributes "
        "(--update-attributes, or the Import dialog's attributes box, takes the file's), "
        'e.g. doc-1 CLAIM [20, 53): stance "neutral" '
        'in the project, "oppose" in the file'
    ) in out
    assert claim_attrs() == {"form": "reported", "stance": "neutral"}
    assert stats(proj) == first
    out = cli("import", proj, src, "--update-attributes").stdout
    assert "4 already there (1 of them with other attributes: updated to the file's)" in out
    assert "updated the attributes of 1 span already there to the file's, e.g. doc-1" in out
    assert claim_attrs() == {"form": "reported", "stance": "oppose"}
    out = cli("import", proj, src).stdout  # the same again: nothing differs, nothing said
    assert "spans: 0 added, 4 already there\n" in out and "other attributes" not in out


def test_same_text_attaches_annotations_to_existing_document(
    cli: Cli, tmp_path: Path, new_location, stats
) -> None:
    proj = new_location()
    cli("init", proj)
    plain = {k: v for k, v in RECORD.items() if k not in ("spans", "relations", "layer")}
    cli("import", proj, _native(tmp_path, [plain], "plain.jsonl"))
    cli("import", proj, _native(tmp_path, [RECORD]), "--as", "alice")
    data = stats(proj)
    assert data["documents"] == 1
    assert data["spans"]["alice"]["ACTOR"] == 1


def test_import_counts_add_up_when_a_text_repeats_in_the_input(
    cli: Cli, tmp_path: Path, new_location
) -> None:
    """The same text twice in one input is one document; the report says so, so its counts
    add up to what was read (it said "2 read, 1 new, 0 already in the project")."""
    proj = new_location()
    cli("init", proj)
    plain = {k: v for k, v in RECORD.items() if k not in ("spans", "relations", "layer")}
    twice = _native(tmp_path, [plain, {**plain, "id": "again"}], "twice.jsonl")
    out = cli("import", proj, twice).stdout
    assert "2 read, 1 new, 0 already in the project, 1 repeated in the input" in out
    out = cli("import", proj, twice).stdout
    assert "2 read, 0 new, 1 already in the project, 1 repeated in the input" in out
    once = _native(tmp_path, [plain], "once.jsonl")
    out = cli("import", proj, once).stdout
    assert "1 read, 0 new, 1 already in the project\n" in out  # nothing repeated: not said


def test_export_jsonl_round_trip(cli: Cli, tmp_path: Path, new_location) -> None:
    proj = new_location()
    cli("init", proj)
    cli("import", proj, _native(tmp_path, [RECORD]))
    out1 = tmp_path / "out1.jsonl"
    cli("export", proj, out1, "--format", "jsonl", "--layer", "gold")
    rec = json.loads(out1.read_text("utf-8").splitlines()[0])
    assert rec["text"] == RECORD["text"]
    assert {(s["start"], s["end"], s["label"]) for s in rec["spans"]} == {
        (s["start"], s["end"], s["label"]) for s in RECORD["spans"]
    }
    assert rec["spans"][0]["entity"] == "Khalifa Haftar"
    proj2 = new_location("p2.annproj")
    cli("init", proj2)
    cli("import", proj2, out1)
    out2 = tmp_path / "out2.jsonl"
    cli("export", proj2, out2, "--format", "jsonl", "--layer", "gold")
    assert out1.read_text("utf-8") == out2.read_text("utf-8")


def test_one_file_export_does_not_replace_an_existing_file_without_force(
    cli: Cli, tmp_path: Path
) -> None:
    """``export --format jsonl`` replaced any existing file; it now refuses, in one line naming
    the file, and changes nothing; --force (or --overwrite) replaces it. (Folders: see
    ``test_a_split_export_does_not_replace_an_earlier_export_without_force``.)"""
    proj = tmp_path / "p.annproj"
    cli("init", proj)
    cli("import", proj, _native(tmp_path, [RECORD]))
    notes = tmp_path / "notes.txt"
    notes.write_text("my notes\n", "utf-8")
    result = cli("export", proj, notes, "--format", "jsonl", ok=False)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    [line] = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert line.startswith("error: [E140] ") and str(notes) in line and "--force" in line
    assert notes.read_text("utf-8") == "my notes\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "notes.txt", "p.annproj"]
    cli("export", proj, notes, "--format", "jsonl", "--force")
    assert json.loads(notes.read_text("utf-8"))["id"] == "doc-1"
    cli("export", proj, notes, "--format", "conll", "--overwrite")
    assert "Khalifa" in notes.read_text("utf-8")


def test_a_split_export_does_not_replace_an_earlier_export_without_force(
    cli: Cli, tmp_path: Path
) -> None:
    """A split export into a folder holding an earlier export replaced its train/dev/test
    files unasked (the splits a model was trained on); it now refuses in one line naming the
    folder and --force, and changes nothing; --force (or --overwrite) replaces it. A folder
    holding anything else is refused even with --force."""
    proj = tmp_path / "p.annproj"
    cli("init", proj)
    second = {**RECORD, "id": "doc-2", "text": RECORD["text"].replace("planned", "plotted")}
    cli("import", proj, _native(tmp_path, [RECORD, second]))
    out = tmp_path / "splits"
    cli("export", proj, out, "--format", "jsonl", "--split", "50,50,0")
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "train.jsonl").write_text("kept\n", "utf-8")
    result = cli("export", proj, out, "--format", "jsonl", "--split", "50,50,0", ok=False)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    [line] = result.stderr.splitlines()  # type: ignore[attr-defined]
    assert line.startswith("error: [E140] ") and str(out) in line and "--force" in line
    assert "earlier export" in line
    assert (out / "train.jsonl").read_text("utf-8") == "kept\n"
    assert sorted(p.name for p in out.iterdir()) == sorted(before)
    cli("export", proj, out, "--format", "jsonl", "--split", "50,50,0", "--force")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    cli("export", proj, out, "--format", "brat", "--overwrite")  # any folder export
    assert (out / "README.md").is_file() and not (out / "train.jsonl").exists()
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "notes.txt").write_text("keep me", "utf-8")
    result = cli(
        "export", proj, mine, "--format", "jsonl", "--split", "50,50,0", "--force", ok=False
    )
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "holds no earlier export" in result.stderr  # type: ignore[attr-defined]
    assert [p.name for p in mine.iterdir()] == ["notes.txt"]


def test_exporting_again_replaces_the_earlier_export_of_the_same_format(
    cli: Cli, tmp_path: Path
) -> None:
    """Re-running a one-file export (the dev-set loop does) replaces its own earlier file; a
    JSON Lines file that is no export in that format is still refused."""
    proj = tmp_path / "p.annproj"
    cli("init", proj)
    cli("import", proj, _native(tmp_path, [RECORD]))
    out = tmp_path / "out.jsonl"
    cli("export", proj, out, "--format", "jsonl")
    out.write_text(out.read_text("utf-8").replace("doc-1", "doc-old"), "utf-8")
    cli("export", proj, out, "--format", "jsonl")
    assert json.loads(out.read_text("utf-8"))["id"] == "doc-1"
    other = tmp_path / "other.jsonl"
    other.write_text('{"foo": 1}\n', "utf-8")
    result = cli("export", proj, other, "--format", "jsonl", ok=False)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert other.read_text("utf-8") == '{"foo": 1}\n'


def test_csv_and_txt_import(cli: Cli, tmp_path: Path, new_location, stats) -> None:
    proj = new_location()
    cli("init", proj)
    csv_file = tmp_path / "docs.csv"
    csv_file.write_text(
        'id,title,date,url,text\n1,First,2024-01-02,http://x,"Some text, here."\n'
        '2,Second,"March 3, 2024",,"Other\ntext"\n',
        "utf-8",
    )
    cli("import", proj, csv_file)
    folder = tmp_path / "txt"
    folder.mkdir()
    (folder / "a.txt").write_text("Title here\n\nBody text.\n", "utf-8")
    (folder / "b.txt").write_bytes("Caf\u00e9 news\r\n\r\nBody.\r\n".encode("utf-16"))
    cli("import", proj, folder)
    assert stats(proj)["documents"] == 4


def test_check_reports_warnings(cli: Cli, tmp_path: Path, new_location) -> None:
    proj = new_location()
    cli("init", proj)
    rec = dict(RECORD, relations=[])
    cli("import", proj, _native(tmp_path, [rec]))
    out = cli("check", proj).stdout
    assert "has no 'claimant'" in out and "0 errors" in out


def test_console_script_runs(tmp_path: Path) -> None:
    proj = tmp_path / "p.annproj"
    result = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "init", str(proj)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    result = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "stats", str(tmp_path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "is a directory" in result.stderr


def test_every_command_handles_errors_in_one_place() -> None:
    """Each registered command is wrapped by ``one_line_errors``, the one place the CLI turns
    an ``AnnotatorError`` into its error line (no command catches it itself)."""
    from annotator.cli.main import app

    names = [c.name or c.callback.__name__ for c in app.registered_commands if c.callback]
    assert {"init", "import", "export", "merge", "train", "agreement", "copy"} <= set(names)
    unwrapped = [
        c.name or c.callback.__name__
        for c in app.registered_commands
        if c.callback and not getattr(c.callback, "handles_errors", False)
    ]
    assert unwrapped == []


def test_error_line_and_exit_code_from_the_one_handler(
    cli: Cli, tmp_path: Path, new_location, monkeypatch
) -> None:
    import annotator.suggest.training
    import annotator.transfer.importing
    from annotator.errors import ImportFailed

    project = new_location()
    cli("init", project)

    def broken(*_args: object, **_kwargs: object) -> None:
        raise ImportFailed("bad span", path="brat/a.ann", line=12)

    monkeypatch.setattr(annotator.transfer.importing, "import_paths", broken)
    result = cli("import", project, tmp_path, ok=False)
    assert result.exit_code == 1
    assert result.stderr == "error: [E120] brat/a.ann:12: bad span\n"

    def interrupted(*_args: object, **_kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(annotator.suggest.training, "train_model", interrupted)
    result = cli("train", project, tmp_path / "model", ok=False)
    assert result.exit_code == 130
    assert result.stderr == "error: [E010] training cancelled; nothing was written\n"


def _run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "annotator.cli", *map(str, args)],
        capture_output=True,
        text=True,
        check=False,
    )


def test_usage_mistakes_are_one_line_too(tmp_path: Path) -> None:
    """A missing argument, an unknown command or option and an option value of the wrong type
    are one ``error: [E010]`` line naming the help to read (Click's framed box before), exit 2,
    and the project is left as it was."""
    proj = tmp_path / "p.annproj"
    assert _run_cli("init", proj).returncode == 0
    before = proj.read_bytes()
    cases = {
        ("export", proj): "missing argument 'out'",
        ("nosuch",): "no such command 'nosuch'",
        ("export", proj, tmp_path / "o", "--bogus"): "no such option: --bogus",
        ("export", proj, tmp_path / "o", "--seed", "x"): "invalid value for '--seed'",
        ("train", proj, tmp_path / "m", "--folds", "1"): "invalid value for '--folds'",
    }
    for args, expected in cases.items():
        result = _run_cli(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.count("\n") == 1, (args, result.stderr)
        assert result.stderr.startswith("error: [E010] " + expected), (args, result.stderr)
        assert "--help')" in result.stderr and "╭" not in result.stderr
        assert result.stdout == ""
    assert proj.read_bytes() == before
    assert not (tmp_path / "o").exists() and not (tmp_path / "m").exists()


def test_no_arguments_still_prints_the_help() -> None:
    result = _run_cli()
    assert result.returncode == 2
    assert "Usage:" in result.stdout and "import" in result.stdout and result.stderr == ""


def test_help_and_a_command_still_succeed(tmp_path: Path) -> None:
    proj = tmp_path / "p.annproj"
    assert _run_cli("init", proj).returncode == 0
    result = _run_cli("export", "--help")
    assert result.returncode == 0 and "--format" in result.stdout
    result = _run_cli("check", proj)
    assert result.returncode == 0 and "0 errors" in result.stdout


def test_every_command_summary_is_one_sentence_on_one_line() -> None:
    """The command list of ``annotator --help`` shows each docstring's first paragraph with its
    line breaks; a summary wrapped in the source broke mid-phrase in the list."""
    from annotator.cli.main import app

    for command in app.registered_commands:
        assert command.callback is not None
        doc = command.callback.__doc__ or ""
        summary = doc.strip().split("\n\n")[0]
        assert summary and "\n" not in summary, (command.name, summary)
        assert "``" not in summary, (command.name, summary)


def test_stats_counts_people_and_says_when_there_is_nothing(
    cli: Cli, tmp_path: Path, new_location
) -> None:
    """A fresh project read '1 documents, 1 annotators' (the gold layer counted as a person)
    over an empty table frame."""
    project = new_location()
    cli("init", project)
    cli("import", project, _native(tmp_path, [{"id": "d1", "text": "Nothing here yet."}]))
    out = " ".join(cli("stats", project).stdout.split())  # Rich wraps long paths
    assert ": 1 document, 0 annotators, 0 actors" in out
    assert "no spans yet" in out and "layer" not in out
    cli("import", project, _native(tmp_path, [RECORD | {"layer": "alice"}], "a.jsonl"))
    out = " ".join(cli("stats", project).stdout.split())  # Rich wraps long paths
    assert ": 2 documents, 1 annotator, 1 actor" in out
    assert "no spans yet" not in out and "alice" in out


def test_reports_of_one_document_say_document(cli: Cli, tmp_path: Path) -> None:
    proj = tmp_path / "p.annproj"
    cli("init", proj)
    out = cli("import", proj, _native(tmp_path, [RECORD])).stdout
    assert "gold (1 document)" in out and "1 documents" not in out
    out = cli("export", proj, tmp_path / "out.jsonl", "--layer", "gold").stdout
    assert "Exported 1 document " in out and "1 documents" not in out


def test_worklist_says_document_and_names_its_columns(cli: Cli, tmp_path: Path) -> None:
    """The worklist ended with '1 documents' and its rows had no header."""
    from annotator.project import Project
    from storage.repository import annotators_assignments as ann_repo
    from storage.repository import documents as doc_repo

    proj = tmp_path / "p.annproj"
    cli("init", proj)
    cli("import", proj, _native(tmp_path, [RECORD]))
    with Project.open(proj) as p, p.session() as s:
        ann = ann_repo.ensure_annotator(s, "ann")
        docs = doc_repo.get_documents(s)
        ann_repo.add_assignments(s, [{"document_id": d.id, "annotator_id": ann} for d in docs])
    lines = cli("worklist", proj, "--annotator", "ann").stdout.splitlines()
    assert lines == ["document\tstatus\ttitle", "doc-1\ttodo\tA test", "1 document, default order"]


def test_format_help_lists_every_format_at_80_columns() -> None:
    """At 80 columns the format list was cut to 'jsonl|csv|brat|docc…'."""
    import os

    from annotator.formats import registry

    env = {**os.environ, "COLUMNS": "80", "TERM": "dumb"}
    for command, names in (
        ("export", registry.writer_names()),
        ("import", registry.import_choices()),
    ):
        result = subprocess.run(
            [sys.executable, "-m", "annotator.cli", command, "--help"],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )
        assert result.returncode == 0, result.stderr
        words = result.stdout.replace("│", " ").replace(",", " ").replace(".", " ").split()
        missing = [n for n in names if n not in words]
        assert missing == [], (command, missing)
