"""Active editing time per document and layer: the time between the user's keys, clicks and
edits in the article, pauses longer than ``idle`` left out. Written to the assignment's
``seconds_spent`` (through :func:`annotator.services.add_time`) when the user leaves the
document, every ``flush_ms`` while working, and when the window closes."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QTimer

from app.tasks import TaskState

if TYPE_CHECKING:
    from annotator.project import Project
    from app.context import AppContext

IDLE_SECONDS = 120.0  # a longer pause between two actions is not work
FLUSH_MS = 60_000

_ACTIVE = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.Wheel,
    }
)


class _AddTime:
    def __init__(self, project: Project, amounts: dict[tuple[int, str], float]) -> None:
        self.project, self.amounts = project, amounts

    def __call__(self, _state: TaskState) -> None:
        write_time(self.project, self.amounts)


def write_time(project: Project, amounts: dict[tuple[int, str], float]) -> None:
    from annotator import services

    def add(s: Any) -> None:
        for (doc_id, layer), seconds in amounts.items():
            services.add_time(s, doc_id, layer, seconds)

    project.transact(add)  # run again (from scratch) when a server rolled it back


class ActivityTimer(QObject):
    """Counts active seconds on the document shown, for the layer edited.

    Call :meth:`watch` on the widgets whose keys and clicks are work (the article view,
    the inspector); edits (``document_changed``) count as activity too. Time counts only while
    the layer shown is editable (the user's own or gold)."""

    def __init__(
        self,
        context: AppContext,
        clock: Callable[[], float] = time.monotonic,
        idle: float = IDLE_SECONDS,
        flush_ms: int = FLUSH_MS,
    ) -> None:
        super().__init__(context)
        self.context = context
        self.clock = clock
        self.idle = idle
        self._where: tuple[int, str] | None = None
        self._last: float | None = None
        self.pending: dict[tuple[int, str], float] = {}
        self.enabled = True  # False while the article is not shown (review, dashboard)
        self._timer = QTimer(self)
        self._timer.setInterval(flush_ms)
        self._timer.timeout.connect(self.flush)
        self._timer.start()
        context.current_document.connect(self._document_shown)
        context.layer_changed.connect(self._layer_changed)
        context.document_changed.connect(self._edited)

    def watch(self, *widgets: QObject) -> None:
        for w in widgets:
            w.installEventFilter(self)

    def eventFilter(self, _watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVE:
            self.activity()
        return False

    def activity(self) -> None:
        """The user did something: the time since the last action counts, unless idle."""
        if self._where is None or not self.enabled:
            self._last = None
            return
        now = self.clock()
        if self._last is not None and 0 <= now - self._last <= self.idle:
            self.pending[self._where] = self.pending.get(self._where, 0.0) + now - self._last
        self._last = now

    def seconds_pending(self, doc_id: int, layer: str) -> float:
        return self.pending.get((doc_id, layer), 0.0)

    def _edited(self, _doc_id: int) -> None:
        self.activity()

    def _document_shown(self, doc_id: int) -> None:
        self._switch(doc_id)

    def _layer_changed(self, _layer: str) -> None:
        self._switch(self._where[0] if self._where else None)

    def _switch(self, doc_id: int | None) -> None:
        self.activity()  # the time up to now belongs to the document left
        layer = self.context.layer
        if doc_id is None or not self.context.is_editable(layer):
            self._where = None
        else:
            self._where = (doc_id, layer)
        self._last = self.clock() if self._where is not None else None
        self.flush()

    def flush(self, wait: bool = False) -> None:
        """Write the pending seconds (in the worker; on the GUI thread with ``wait``)."""
        amounts = {k: v for k, v in self.pending.items() if v > 0}
        self.pending = {}
        if not amounts or self.context.read_only:
            return
        for (doc_id, layer), seconds in amounts.items():
            self.context.doc_state.add_seconds(doc_id, layer, seconds)
        if wait:
            write_time(self.context.project, amounts)
        else:
            self.context.runner.run(
                _AddTime(self.context.project, amounts), self._written, title="Saving time spent"
            )

    def _written(self, _result: None) -> None:
        self.context.time_recorded.emit()


def format_duration(seconds: float) -> str:
    """ "45 s", "12 min", "1 h 05 min"."""
    seconds = max(0.0, seconds)
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"
