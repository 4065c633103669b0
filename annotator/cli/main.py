"""The ``annotator`` command line: thin commands over the services.

Every command takes the project file first, prints errors as one line on stderr, exits non-zero
and changes nothing when it fails. Command groups live in ``annotator/cli/<group>.py``, each
with a ``register(app)``.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated

import typer

from annotator.cli.support import echo_lines, fail, one_line_errors, progress_bar
from annotator.errors import Cancelled, Unexpected
from annotator.formats import registry
from annotator.vocabulary import Layer

app = typer.Typer(
    name="annotator",
    help="News Annotator: label actors, claims and events in news articles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

ProjectArg = Annotated[
    str, typer.Argument(help="The project file (.annproj) or a postgresql+psycopg:// URL.")
]


def _one_of(choices: Iterable[str]) -> str:
    """An option's choices as help text: separated by spaces, so the help column wraps the
    list instead of cutting it ("jsonl|csv|brat|docc…" at 80 columns)."""
    return "One of: " + ", ".join(choices) + "."


def _choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    if value not in allowed:
        fail(f"unknown {what} '{value}' (choose from {', '.join(allowed)})")
    return value


@app.command()
@one_line_errors
def init(
    project: ProjectArg,
    scheme: Annotated[
        str,
        typer.Option(help="Built-in scheme name, a scheme file or a brat annotation.conf."),
    ] = "news",
) -> None:
    """Create a new, empty project with a label scheme."""
    from annotator.project import Project
    from annotator.scheme import load_scheme

    if Path(scheme).name == "annotation.conf":  # a brat corpus's configuration
        from annotator.formats.brat.conf import scheme_from_annotation_conf

        loaded = scheme_from_annotation_conf(Path(scheme))
    else:
        loaded = load_scheme(scheme)
    created = Project.create(project, loaded)
    created.close()
    labels = ", ".join(loaded.label_names)
    typer.echo(f"created {created.location} with scheme '{loaded.name}' ({labels})")


# How the CLI says to name a file's encoding (``advise_encoding``); the Import dialog says its own.
ENCODING_HINT = "with --encoding NAME (e.g. --encoding {example})"


@app.command("import")
@one_line_errors
def import_cmd(
    project: ProjectArg,
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to import.")],
    format: Annotated[
        str, typer.Option("--format", "-f", help=_one_of(registry.import_choices()))
    ] = registry.AUTO,
    as_: Annotated[
        str | None,
        typer.Option(
            "--as",
            help="Layer (annotator) to import into; "
            "default: the record's layer or the current user.",
        ),
    ] = None,
    as_suggestions: Annotated[
        bool, typer.Option("--as-suggestions", help="Store annotations as suggestions.")
    ] = False,
    label_map: Annotated[
        Path | None, typer.Option(help="JSON file mapping foreign labels.")
    ] = None,
    skip_unmapped: Annotated[
        bool, typer.Option(help="Skip labels the scheme does not know.")
    ] = False,
    tsv_feature: Annotated[
        str | None, typer.Option(help="WebAnno TSV: LAYER|FEATURE to read labels from.")
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option(
            help="Read text files in this encoding (e.g. utf-8, utf-16, cp1252, latin-1); "
            "default: detected."
        ),
    ] = None,
    span_key: Annotated[
        list[str] | None,
        typer.Option(
            "--span-key", help="spaCy DocBin: span group to read (repeatable; default: sc)."
        ),
    ] = None,
    update_attributes: Annotated[
        bool,
        typer.Option(
            help="A span already in the project (same offsets and label) takes the file's "
            "attributes (default: the project's are kept; the summary counts the difference)."
        ),
    ] = False,
) -> None:
    """Import documents (and their annotations) from files or folders. All or nothing."""
    from annotator.errors import ImportFailed
    from annotator.project import Project
    from annotator.transfer.importing import advise_encoding, import_paths

    _choice(format, registry.import_choices(), "format")
    if as_ and as_suggestions:
        fail("--as and --as-suggestions exclude each other")
    with Project.open(project) as proj, progress_bar("importing") as progress:
        try:
            report = import_paths(
                proj,
                paths,
                format,
                layer=as_,
                as_suggestions=as_suggestions,
                label_map=label_map,
                skip_unmapped=skip_unmapped,
                tsv_feature=tsv_feature,
                encoding=encoding,
                progress=progress,
                span_keys=span_key,
                update_attributes=update_attributes,
            )
        except ImportFailed as exc:
            raise advise_encoding(exc, ENCODING_HINT) from None
    echo_lines(report.lines())


@app.command()
@one_line_errors
def export(
    project: ProjectArg,
    out: Annotated[Path, typer.Argument(help="Output file or folder.")],
    format: Annotated[
        str, typer.Option("--format", "-f", help=_one_of(registry.writer_names()))
    ] = "jsonl",
    layer: Annotated[
        str, typer.Option(help="gold, majority, suggestions or an annotator.")
    ] = Layer.GOLD.value,
    split: Annotated[
        str | None, typer.Option(help="Train/dev/test percentages, e.g. 80,10,10.")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the split.")] = 0,
    labels: Annotated[str | None, typer.Option(help="Only these labels (comma-separated).")] = None,
    strict: Annotated[
        bool, typer.Option(help="Drop spans off token boundaries instead of expanding them.")
    ] = False,
    include_unannotated: Annotated[
        bool,
        typer.Option(help="Also write the documents nobody annotated (never by default)."),
    ] = False,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            "--overwrite",
            help="Replace OUT if it is an existing file or a folder of an earlier export "
            "(never by default).",
        ),
    ] = False,
) -> None:
    """Export a layer of the project in a training-ready format.

    An existing OUT is replaced only with --force: a folder only when it holds an earlier
    export, a file also when it is an earlier export in the same format."""
    from annotator.project import Project
    from annotator.transfer.exporting import export_documents
    from annotator.transfer.splits import parse_split

    _choice(format, registry.writer_names(), "format")
    split_parts = parse_split(split) if split else None
    label_list = [x.strip() for x in labels.split(",") if x.strip()] if labels else None
    with Project.open(project) as proj:
        summary = export_documents(
            proj,
            out,
            format,
            layer=layer,
            split=split_parts,
            seed=seed,
            labels=label_list,
            strict=strict,
            include_unannotated=include_unannotated,
            overwrite=force,
        )
    typer.echo(summary.to_text())


@app.command()
@one_line_errors
def stats(
    project: ProjectArg,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Counts of documents, annotators, spans, relations and suggestions."""
    from annotator.cli.light import run_stats

    code = run_stats(project, as_json)
    if code:
        raise typer.Exit(code)


@app.command()
@one_line_errors
def check(project: ProjectArg) -> None:
    """Check the integrity of a project; exit 1 when an error is found."""
    from annotator.project import Project
    from annotator.reports.check import check_project

    with Project.open(project, allow_foreign=True) as proj, proj.session() as s:
        problems = check_project(s, proj.scheme)
    errors = [p for p in problems if p[1].severity == "error"]
    for where, problem in problems:
        typer.echo(f"{problem.severity}: {where}: {problem.message}")
    typer.echo(f"{len(errors)} errors, {len(problems) - len(errors)} warnings")
    if errors:
        raise typer.Exit(1)


@app.command()
@one_line_errors
def gui(
    project: Annotated[
        str | None, typer.Argument(help="Project file or postgresql+psycopg:// URL to open.")
    ] = None,
) -> None:
    """Open the desktop app (the same as python -m app).

    The library never imports the GUI. On POSIX the app replaces this process (same pid),
    so Ctrl+C, closing the terminal and ``kill`` reach the window itself; elsewhere the app
    runs as a child that is sent the signals this process receives, and this process waits
    for it."""
    import os
    import sys

    args = [sys.executable, "-m", "app", *([str(project)] if project else [])]
    sys.stdout.flush()
    sys.stderr.flush()
    if os.name == "posix":
        os.execv(sys.executable, args)
    raise typer.Exit(_run_forwarding_signals(args))


def _run_forwarding_signals(args: list[str]) -> int:
    """Run ``args`` as a child; pass SIGINT/SIGTERM (and SIGHUP where it exists) on to it and
    wait for it to end (never leave it running as an orphan)."""
    import signal
    import subprocess

    child = subprocess.Popen(args)

    def forward(signum: int, _frame: object) -> None:
        child.send_signal(signum)

    names = ("SIGINT", "SIGTERM", "SIGHUP")
    previous = {}
    for name in names:
        if hasattr(signal, name):
            sig = getattr(signal, name)
            previous[sig] = signal.signal(sig, forward)
    try:
        while True:
            try:
                return child.wait()
            except KeyboardInterrupt:  # forwarded already; keep waiting for the child
                continue
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


COMMAND_GROUPS = ("agreement", "suggest", "team", "server")


def _register_commands() -> None:
    for name in COMMAND_GROUPS:
        importlib.import_module(f"annotator.cli.{name}").register(app)


_register_commands()


def _run_app() -> int:
    """Run the Typer app and return its exit code. A usage mistake (a missing argument, an
    unknown command or option, an option value of the wrong type) is one line too,
    ``error: [E010] ...``, exit 2, instead of Click's framed box; ``annotator`` alone still
    prints the help."""
    import sys

    # Typer vendors Click since 0.26; its exceptions are only reachable under typer._click.
    from typer._click.exceptions import ClickException, NoArgsIsHelpError
    from typer.exceptions import Abort

    from annotator.errors import UsageError

    try:
        result = app(standalone_mode=False)
    except NoArgsIsHelpError as exc:
        typer.echo(exc.format_message())
        return exc.exit_code
    except ClickException as exc:
        message = exc.format_message().rstrip(".")
        message = message[:1].lower() + message[1:]
        context = getattr(exc, "ctx", None)
        if context is not None:
            message += f" (see '{context.command_path} --help')"
        typer.echo(f"error: {UsageError(message).render()}", err=True)
        return exc.exit_code
    except Abort:
        typer.echo(f"error: {Cancelled('interrupted; nothing was changed').render()}", err=True)
        return 130
    sys.stdout.flush()
    return result if isinstance(result, int) else 0


def main() -> None:
    """Run the command line; an unexpected failure is one line too, its traceback goes to the
    log file (:mod:`annotator.logfile`; NEWS_ANNOTATOR_DEBUG=1 also raises it)."""
    import logging
    import os
    import sys

    from annotator.logfile import log_failure, log_path, setup_logging

    setup_logging("annotator " + " ".join(sys.argv[1:2]))
    try:
        sys.exit(_run_app())
    except SystemExit:
        raise
    except KeyboardInterrupt:
        typer.echo(f"error: {Cancelled('interrupted; nothing was changed').render()}", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: one line, never a traceback
        log_failure(logging.getLogger("annotator.cli"), f"unexpected {type(exc).__name__}", exc)
        if os.environ.get("NEWS_ANNOTATOR_DEBUG"):
            raise
        from storage.db import explain_error

        explained = explain_error(exc) if "sql" in type(exc).__module__.lower() else None
        if explained is not None:
            typer.echo(f"error: {explained[1]}", err=True)
            sys.exit(1)
        typer.echo(
            f"error: {Unexpected.wrap(exc).render()} "
            f"(details in {log_path()}, or set NEWS_ANNOTATOR_DEBUG=1)",
            err=True,
        )
        sys.exit(2)


if __name__ == "__main__":
    main()
