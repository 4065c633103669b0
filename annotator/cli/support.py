"""Helpers shared by command modules: one-line errors, progress bars that stay quiet when piped."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import NoReturn

import typer

from annotator.errors import AnnotatorError


def fail(exc: AnnotatorError | str, code: int = 1) -> NoReturn:
    """Print one clear line on stderr and exit non-zero."""
    message = exc.one_line() if isinstance(exc, AnnotatorError) else str(exc)
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def progress_bar(description: str) -> Iterator[Callable[[int, int], None]]:
    """Yield a ``progress(done, total)`` callback: a Rich bar on a terminal, silent otherwise."""
    if not sys.stderr.isatty():
        yield lambda _done, _total: None
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
            bar.update(task, completed=done, total=total)

        yield update
