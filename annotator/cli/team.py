"""Team commands: assign, package, merge, adjudicate and queue."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.support import echo_lines, fail, one_line_errors

ProjectArg = Annotated[
    str, typer.Argument(help="The project file (.annproj) or a postgresql+psycopg:// URL.")
]


def _names(raw: str | None) -> list[str]:
    return [x.strip() for x in raw.split(",") if x.strip()] if raw else []


@one_line_errors
def assign_cmd(
    project: ProjectArg,
    annotators: Annotated[str, typer.Option(help="Comma-separated annotator names.")],
    per_doc: Annotated[int, typer.Option(help="Annotators per document.")] = 2,
    seed: Annotated[int | None, typer.Option(help="Seed of the tie-breaking order.")] = None,
) -> None:
    """Give each document to N annotators, balancing their loads. Existing assignments stay."""
    from annotator.project import Project
    from annotator.settings import current_user
    from annotator.team.assignments import assign, parse_names

    names = parse_names(annotators)
    with Project.open(project) as proj, proj.session() as s:
        report = assign(s, names, per_doc=per_doc, seed=seed, user=current_user())
    echo_lines(report.lines())


@one_line_errors
def package_cmd(
    project: ProjectArg,
    out: Annotated[Path, typer.Argument(help="The work file to write.")],
    for_: Annotated[str, typer.Option("--for", help="The annotator it is for.")],
    force: Annotated[bool, typer.Option(help="Replace OUT if it exists.")] = False,
) -> None:
    """Write a work file with one annotator's documents, the scheme, actors and her work."""
    from annotator.project import Project
    from annotator.settings import current_user
    from annotator.team.workfile import package

    with Project.open(project) as proj:
        report = package(proj, for_, out, overwrite=force, user=current_user())
    echo_lines(report.lines())


@one_line_errors
def merge_cmd(
    project: ProjectArg,
    files: Annotated[list[Path], typer.Argument(help="Work files made by 'annotator package'.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    summary: Annotated[bool, typer.Option(help="One line per file, not per document.")] = False,
) -> None:
    """Bring annotators' layers back from work files. Idempotent; all files or none."""
    from annotator.project import Project
    from annotator.team.workfile import merge

    with Project.open(project) as proj:
        reports = merge(proj, files)
    if as_json:
        typer.echo(json.dumps({"files": [r.as_dict() for r in reports]}, ensure_ascii=False))
        return
    for report in reports:
        echo_lines(report.lines(per_document=not summary))


def _doc_ids(session: object, documents: str | None) -> list[int] | None:
    from storage.repository import documents as doc_repo

    wanted = _names(documents)
    if not wanted:
        return None
    known = doc_repo.external_ids(session)  # type: ignore[arg-type]
    unknown = [w for w in wanted if w not in known]
    if unknown:
        fail(f"no document with id '{unknown[0]}'")
    return [known[w] for w in wanted]


@one_line_errors
def adjudicate_cmd(
    project: ProjectArg,
    unanimous: Annotated[
        bool,
        typer.Option("--unanimous", help="Accept into gold everything the annotators agree on."),
    ] = False,
    documents: Annotated[
        str | None, typer.Option(help="Only these documents (external ids, comma-separated).")
    ] = None,
    as_: Annotated[str | None, typer.Option("--as", help="Reviewer name.")] = None,
) -> None:
    """Adjudicate from the command line (the review mode of the app does the rest)."""
    from annotator.project import Project
    from annotator.settings import current_user
    from annotator.team.unanimous import accept_unanimous

    if not unanimous:
        fail("nothing to do: pass --unanimous (the app's review mode resolves the rest)")
    with Project.open(project) as proj, proj.session() as s:
        result = accept_unanimous(s, proj.scheme, _doc_ids(s, documents), as_ or current_user())
    c = result.counts
    typer.echo(
        f"documents with 2+ annotators: {c['documents']}; gold spans added: "
        f"{c['spans_added']}; relations added: {c['relations_added']}; "
        f"unanimous items settled: {c['items_settled']}"
    )
    for problem in result.problems:
        typer.echo(f"warning: not copied to gold: {problem}", err=True)


@one_line_errors
def queue_cmd(
    project: ProjectArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    documents: Annotated[
        str | None, typer.Option(help="Only these documents (external ids, comma-separated).")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Also list decided items.")] = False,
) -> None:
    """List the disagreement queue across the corpus."""
    from annotator.project import Project
    from annotator.team.review_queue import queue

    with Project.open(project) as proj, proj.session() as s:
        items = queue(s, _doc_ids(s, documents), include_decided=all_)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "items": [
                        {
                            **q.item.to_json(),
                            "state": q.state,
                            "decision": None
                            if q.decision is None
                            else {
                                "reviewer": q.decision.reviewer,
                                "at": q.decision.at,
                                "choice": q.decision.choice,
                            },
                        }
                        for q in items
                    ]
                },
                ensure_ascii=False,
                default=list,
            )
        )
        return
    kinds: dict[str, int] = {}
    for q in items:
        kinds[q.item.kind] = kinds.get(q.item.kind, 0) + 1
        versions = "; ".join(f"{a}: {_short(v)}" for a, v in q.item.versions.items())
        flag = {
            "open": "",
            "changed": " [changed since decided]",
            "decided": f" [decided: {q.decision.choice if q.decision else ''}]",
        }[q.state]
        typer.echo(
            f"{q.item.external_id}\t{q.item.kind}\t{q.item.start}-{q.item.end}\t{versions}{flag}"
        )
    typer.echo(
        f"{len(items)} items"
        + (" (" + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items())) + ")" if kinds else "")
    )


def _short(value: object) -> str:
    from annotator.team.disagreements import SpanView

    if isinstance(value, tuple):
        if not value:
            return "-"
        return ",".join(
            f"{v.label}[{v.start}:{v.end}]" if isinstance(v, SpanView) else str(v) for v in value
        )
    return "-" if value is None else str(value)


def register(app: typer.Typer) -> None:
    app.command("assign")(assign_cmd)
    app.command("package")(package_cmd)
    app.command("merge")(merge_cmd)
    app.command("adjudicate")(adjudicate_cmd)
    app.command("queue")(queue_cmd)
