"""Server commands: copy a project between a file and a server, grant database roles."""

from __future__ import annotations

from typing import Annotated

import typer

from annotator.cli.support import echo_lines, fail, one_line_errors, progress_bar

ProjectArg = Annotated[
    str, typer.Argument(help="The project file (.annproj) or a postgresql+psycopg:// URL.")
]


@one_line_errors
def copy_cmd(
    source: ProjectArg,
    target: Annotated[
        str, typer.Argument(help="A new project file, or the URL of an empty server database.")
    ],
) -> None:
    """Copy a whole project (every layer, suggestion, actor and event) to a new file or an
    empty server database; the source is left as it is."""
    from annotator.transfer.copying import copy_project

    with progress_bar("copying") as progress:
        report = copy_project(source, target, progress)
    echo_lines(report.lines())


@one_line_errors
def grant_cmd(
    project: ProjectArg,
    annotator: Annotated[
        str | None, typer.Option("--annotator", help="Role that writes only its own layer.")
    ] = None,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="Role that writes its layer and gold.")
    ] = None,
    lead: Annotated[
        str | None,
        typer.Option("--lead", help="Role that manages documents, assignments and the scheme."),
    ] = None,
) -> None:
    """Create a person's database role on a server project and give it the rights of an
    annotator, a reviewer or a lead (enforced by the database's row-level security)."""
    from annotator.project import Project
    from annotator.team.access import grant_access

    given = (("annotator", annotator), ("reviewer", reviewer), ("lead", lead))
    wanted = [(kind, role) for kind, role in given if role]
    if not wanted:
        fail("name a role with --annotator, --reviewer or --lead")
    with Project.open(project) as proj:
        lines = [grant_access(proj, role, kind).line() for kind, role in wanted]
    echo_lines(lines)


def register(app: typer.Typer) -> None:
    app.command("copy")(copy_cmd)
    app.command("grant")(grant_cmd)
