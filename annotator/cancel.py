"""One cancellation protocol for long operations: import, export, pre-annotation, dashboard.

A long operation takes a ``Progress``: it calls ``report(done, total)`` as it goes and ``check()``
between steps; ``check()`` raises ``annotator.errors.Cancelled`` once the user asked to stop.
Every operation that takes one does its writing in one transaction after its last ``check()``, so
a cancel changes nothing. The CLI passes a ``CancelToken`` that draws a progress bar; the GUI's
task runner passes its ``TaskState`` (``app.tasks``), which implements the same protocol.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Protocol

from annotator.errors import Cancelled


class Progress(Protocol):
    def report(self, done: int, total: int) -> None:
        """``done`` of ``total`` steps are finished (``total`` 0: unknown)."""

    def check(self) -> None:
        """Raise ``Cancelled`` if the user asked to stop."""


class CancelToken:
    """A ``Progress`` that forwards reports to a callback and can be cancelled from any
    thread."""

    def __init__(self, on_report: Callable[[int, int], None] | None = None) -> None:
        self._on_report = on_report
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    @property
    def cancelled(self) -> bool:
        return self._stop.is_set()

    def report(self, done: int, total: int) -> None:
        if self._on_report is not None:
            self._on_report(done, total)

    def check(self) -> None:
        if self._stop.is_set():
            raise Cancelled()


def quiet() -> CancelToken:
    """A token nobody cancels and nobody watches (the default of every long operation)."""
    return CancelToken()
