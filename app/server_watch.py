"""Keeping a window on a server project up to date: a cheap poll of the event log.

Every few seconds one indexed query, run by the window's background task runner, asks for
events newer than the last one seen (``annotator.changes.ChangeWatch``). When others changed
something, the document list is reloaded, the document shown is reloaded when it was among
the changed ones, and the status bar says who changed what. A lost connection is one line in
the status bar; the next poll tries again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer

from annotator.changes import Changes, ChangeWatch
from annotator.errors import AnnotatorError

if TYPE_CHECKING:
    from app.main_window import MainWindow

POLL_MS = 5000


class ServerWatch(QObject):
    def __init__(self, window: MainWindow, interval_ms: int = POLL_MS) -> None:
        super().__init__(window)
        self.window = window
        self.watch = ChangeWatch(window.context.user)
        self.last: Changes = Changes()
        try:  # from now on: what happened before the window opened is shown already
            with window.context.project.session() as s:
                self.watch.start(s)
        except AnnotatorError:
            pass  # the first poll starts the watch instead
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def poll(self) -> None:
        """Ask for newer events in the background (a server round trip must never hold up the
        window, least of all when the connection is lost); apply the answer on the GUI thread."""
        ctx = self.window.context
        if not self.window.isVisible():
            self.timer.stop()  # the window was closed
            return
        if ctx.runner.busy:
            return  # the window is loading or saving (or a poll is under way): next tick
        ctx.runner.run(self._query, self._apply, self._failed)

    def _query(self, _state: object) -> Changes:  # on the worker thread
        with self.window.context.project.session() as s:
            return self.watch.poll(s)

    def _failed(self, exc: Exception) -> None:
        if not isinstance(exc, AnnotatorError):
            raise exc
        self.window.statusBar().showMessage(exc.one_line(), 10000)

    def _apply(self, changes: Changes) -> None:
        self.last = changes
        if not changes:
            return
        ctx = self.window.context
        self.window.documents.reload()
        shown = ctx.doc_state.doc_id
        if shown is not None and shown in changes.documents:
            self.window.open_document(shown)
        who = ", ".join(sorted(changes.actors))
        self.window.statusBar().showMessage(
            f"{len(changes.documents)} documents changed by {who}", 10000
        )
