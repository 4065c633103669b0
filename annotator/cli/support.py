"""Helpers shared by command modules: one-line errors, progress bars that stay quiet when piped."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer

from annotator.cancel import CancelToken
from annotator.errors import AnnotatorError, UsageError


def fail(exc: AnnotatorError | str, code: int = 1) -> NoReturn:
    """Print one clear line on stderr, ``error: [E120] path:line: message``, and exit non-zero.
    A plain string is a usage error (the arguments do not fit together)."""
    error = exc if isinstance(exc, AnnotatorError) else UsageError(exc)
    typer.echo(f"error: {error.render()}", err=True)
    raise typer.Exit(code)


@contextmanager
def progress_bar(description: str) -> Iterator[CancelToken]:
    """Yield a ``Progress`` (``annotator.cancel``): a Rich bar on a terminal, silent otherwise.
    Ctrl+C stops the command (``main`` reports it); nothing else cancels from the CLI."""
    if not sys.stderr.isatty():
        yield CancelToken()
        return
    from rich.progress import BarColumn, Progress, TaskProgressColumn, TimeRemainingColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total or None)

        yield CancelToken(update)
