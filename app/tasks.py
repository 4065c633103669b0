"""Background work: one worker thread for everything that touches the database.

Tasks receive plain inputs and a :class:`TaskState`, the ``annotator.cancel.Progress`` that
import, export and pre-annotation take (progress, cancel). Results and errors come
back to the GUI thread through a queued Qt signal connected to bound methods of
:class:`TaskRunner`, which then call the ``on_done``/``on_error`` callbacks there.
"""

from __future__ import annotations

import itertools
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, Qt, Signal, Slot

from annotator.errors import Cancelled
from annotator.logfile import log_failure

T = TypeVar("T")
log = logging.getLogger(__name__)


class TaskState:
    """What a running task sees: the ``annotator.cancel.Progress`` protocol. ``report`` goes to
    the GUI thread as the runner's ``progress`` signal; ``check`` raises
    ``annotator.errors.Cancelled`` once the user cancelled."""

    def __init__(self, handle_id: int, emitter: _Emitter) -> None:
        self._id = handle_id
        self._emitter = emitter
        self._cancel = threading.Event()

    def report(self, done: int, total: int) -> None:
        self._emitter.progress_raw.emit(self._id, int(done), int(total))

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def _request_cancel(self) -> None:
        self._cancel.set()


class TaskHandle(Generic[T]):
    """A submitted task: its id, title and a way to cancel it."""

    def __init__(self, handle_id: int, title: str, state: TaskState) -> None:
        self.id = handle_id
        self.title = title
        self._state = state
        self.future: Future[Any] | None = None
        self.finished = False

    def cancel(self) -> None:
        self._state._request_cancel()

    @property
    def cancelled(self) -> bool:
        return self._state.cancelled


class _Emitter(QObject):
    """Lives on the GUI thread; signals emitted from the worker are queued to it."""

    progress_raw = Signal(int, int, int)
    result_raw = Signal(int, object, object)  # handle id, result, exception


class TaskRunner(QObject):
    """Run callables in one worker thread and deliver results on the GUI thread."""

    progress = Signal(int, int, int)  # handle id, done, total
    started = Signal(int, str)  # handle id, title
    finished = Signal(int)  # handle id (after on_done/on_error ran)
    failed = Signal(int, object)  # handle id, exception, when no on_error was given

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="annotator-db")
        self._ids = itertools.count(1)
        self._emitter = _Emitter(self)
        self._emitter.progress_raw.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._emitter.result_raw.connect(self._on_result, Qt.ConnectionType.QueuedConnection)
        self._pending: dict[
            int, tuple[TaskHandle[Any], Callable[[Any], None], Callable[[Exception], None] | None]
        ] = {}
        self._closed = False

    def run(
        self,
        fn: Callable[[TaskState], T],
        on_done: Callable[[T], None],
        on_error: Callable[[Exception], None] | None = None,
        title: str = "",
    ) -> TaskHandle[T]:
        """Submit ``fn(state)``; ``on_done(result)`` or ``on_error(exc)`` run on the GUI thread.

        After :meth:`shutdown` (the window closed) the task is cancelled and never runs."""
        handle_id = next(self._ids)
        state = TaskState(handle_id, self._emitter)
        handle: TaskHandle[T] = TaskHandle(handle_id, title, state)
        if self._closed:  # e.g. a panel's timer firing while its window closes
            handle.cancel()
            return handle
        self._pending[handle_id] = (handle, on_done, on_error)
        emitter = self._emitter

        def work() -> None:
            try:
                result = fn(state)
            except Cancelled as exc:  # the user asked for it: no traceback
                log.info("task %d (%s) cancelled", handle_id, title or "untitled")
                emitter.result_raw.emit(handle_id, None, exc)
            except Exception as exc:  # delivered to on_error on the GUI thread
                log_failure(log, f"task {handle_id} ({title or 'untitled'}) failed: {exc!r}", exc)
                emitter.result_raw.emit(handle_id, None, exc)
            else:
                emitter.result_raw.emit(handle_id, result, None)

        self.started.emit(handle_id, title)
        handle.future = self._pool.submit(work)
        return handle

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def pending_count(self) -> int:
        return len(self._pending)

    def wait_idle(self, timeout: float | None = None) -> None:
        """Block until submitted work ran (used at shutdown and in tests/benchmarks)."""
        barrier = self._pool.submit(lambda: None)
        barrier.result(timeout=timeout)

    def shutdown(self) -> None:
        self._closed = True
        for handle, _done, _err in self._pending.values():
            handle.cancel()
        self._pool.shutdown(wait=True, cancel_futures=True)

    @Slot(int, int, int)
    def _on_progress(self, handle_id: int, done: int, total: int) -> None:
        self.progress.emit(handle_id, done, total)

    @Slot(int, object, object)
    def _on_result(self, handle_id: int, result: object, error: object) -> None:
        entry = self._pending.pop(handle_id, None)
        if entry is None:
            return
        handle, on_done, on_error = entry
        handle.finished = True
        try:
            if error is None:
                on_done(result)
            elif on_error is not None:
                assert isinstance(error, Exception)
                on_error(error)
            else:
                self.failed.emit(handle_id, error)
        finally:
            self.finished.emit(handle_id)
