"""Write ``golden_streaming.json``: the agreement reports of ``streaming_corpus`` as the code
before the streaming report (commit c4dcc83, every layer in memory) printed them.

    PYTHONPATH=<a checkout of that commit> python tests/unit/agreement/make_streaming_golden.py

The streaming tests compare today's reports with these, byte for byte.
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
GOLDEN = HERE / "golden_streaming.json"
SEEDS = (1, 2, 3)
# (annotators, labels) of the command-line runs; None = the default
COMMANDS: tuple[tuple[str | None, str | None, bool], ...] = (
    (None, None, True),
    ("alice,carol", "ACTOR,EVENT", True),
    ("bob,carol", None, True),
    (None, None, False),  # the tables
)


def _corpus_module() -> Any:
    spec = importlib.util.spec_from_file_location("streaming_corpus", HERE / "streaming_corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_project(path: Path, seed: int) -> None:
    from annotator.project import Project
    from annotator.transfer.importing import import_documents

    layers = _corpus_module().corpus(seed)
    with Project.create(path, "news") as proj:
        for name, docs in layers.items():
            import_documents(proj, docs, layer=name)


def command_args(
    project: Path, annotators: str | None, labels: str | None, as_json: bool
) -> list[str]:
    args = ["agreement", str(project)]
    if annotators:
        args += ["--annotators", annotators]
    if labels:
        args += ["--labels", labels]
    return args + (["--json"] if as_json else [])


def main() -> None:
    from typer.testing import CliRunner

    from annotator.agreement.report import agreement_report
    from annotator.cli.main import app

    os.environ["COLUMNS"] = "120"
    corpus = _corpus_module().corpus
    out: dict[str, Any] = {"memory": {}, "project": {}}
    for seed in SEEDS:
        layers = corpus(seed)
        out["memory"][f"{seed}"] = agreement_report(layers).to_json()
        out["memory"][f"{seed}:ACTOR,PLACE"] = agreement_report(
            layers, ["ACTOR", "PLACE"]
        ).to_json()
        with tempfile.TemporaryDirectory() as tmp:
            project = Path(tmp) / "p.annproj"
            build_project(project, seed)
            for annotators, labels, as_json in COMMANDS:
                result = CliRunner().invoke(app, command_args(project, annotators, labels, as_json))
                assert result.exit_code == 0, result.output
                key = f"{seed}:{annotators}:{labels}:{'json' if as_json else 'table'}"
                out["project"][key] = result.stdout
    GOLDEN.write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}", file=sys.stderr)


if __name__ == "__main__":
    main()
