"""Helpers shared by command modules: the one place commands handle errors, report lines,
progress bars that stay quiet when piped."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import NoReturn, ParamSpec, TypeVar, overload

import typer

from annotator.cancel import CancelToken
from annotator.cli.light import CREATE_HINT
from annotator.errors import AnnotatorError, ProjectMissing, UsageError

P = ParamSpec("P")
R = TypeVar("R")


def fail(exc: AnnotatorError | str, code: int = 1) -> NoReturn:
    """Print one clear line on stderr, ``error: [E120] path:line: message``, and exit non-zero.
    A plain string is a usage error (the arguments do not fit together)."""
    error = exc if isinstance(exc, AnnotatorError) else UsageError(exc)
    if isinstance(error, ProjectMissing):
        error = error.advised(CREATE_HINT)
    typer.echo(f"error: {error.render()}", err=True)
    raise typer.Exit(code)


@overload
def one_line_errors(command: Callable[P, R], /) -> Callable[P, R]: ...


@overload
def one_line_errors(*, interrupted: str) -> Callable[[Callable[P, R]], Callable[P, R]]: ...


def one_line_errors(
    command: Callable[P, R] | None = None, /, *, interrupted: str | None = None
) -> Callable[P, R] | Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate every command with this: the one place the CLI handles errors.

    An :class:`AnnotatorError` the command raises ends it with :func:`fail` (one line on
    stderr, exit 1). With ``interrupted``, Ctrl+C ends it with that line and exit 130;
    without, Ctrl+C goes on to ``main`` (``interrupted; nothing was changed``)."""

    def decorate(func: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(func)  # Typer reads the options from the wrapped signature
        def run(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return func(*args, **kwargs)
            except KeyboardInterrupt:
                if interrupted is None:
                    raise
                fail(interrupted, code=130)
            except AnnotatorError as exc:
                fail(exc)

        run.handles_errors = True  # type: ignore[attr-defined]  # checked by the CLI tests
        return run

    return decorate if command is None else decorate(command)


def echo_lines(lines: Iterable[str]) -> None:
    """Print a report's lines on stdout."""
    for line in lines:
        typer.echo(line)


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
