"""Opening a project in two steps, so that the window paints before the database modules load.

The window needs only the project's path, scheme (for the label palette and keys) and owner (a
work file is annotated as its owner) to be built and painted; the ORM, the repository and the
session factory (about a third of a second of imports) are needed only once data is read.
:func:`annotator.peek.peek_project` reads those with the standard library only,
and :class:`ProjectHandle` stands in for :class:`annotator.project.Project` until the window has
painted, then opens it (``MainWindow.start``; any use of the database opens it earlier).

When the peek cannot answer (not a SQLite file, no scheme, a damaged scheme, a locked file...),
callers open the project the ordinary way, which reports the problem precisely.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.peek import WORKFILE_KEY, ProjectPeek, peek_project

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from annotator.project import Project
    from annotator.scheme import Scheme

# the peek moved to annotator (app reaches storage only through annotator); named here too
__all__ = ["WORKFILE_KEY", "ProjectHandle", "ProjectPeek", "peek_project"]


class ProjectHandle:
    """A project whose database opens on first use: ``path`` and ``scheme`` at once; every
    other attribute of :class:`annotator.project.Project` (``session()``, ``db``...) opens it.

    Opening is thread-safe (the worker may be the first to need the database)."""

    def __init__(self, path: Path, scheme: Scheme, opener: Callable[[Path], Project]) -> None:
        self.path = path
        self.scheme = scheme
        self._opener = opener
        self._project: Project | None = None
        self._closed = False
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._project is not None

    def open(self) -> Project:
        """The opened project (opening it now if needed); raises AnnotatorError."""
        project = self._project
        if project is not None:
            return project
        with self._lock:
            if self._project is None:
                if self._closed:
                    from annotator.errors import ProjectError

                    raise ProjectError("the project was closed", path=str(self.path))
                self._project = self._opener(self.path)
            return self._project

    def session(self, write: bool = False) -> AbstractContextManager[Session]:
        return self.open().session(write=write)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            if self._project is not None:
                self._project.close()

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.open(), name)

    def __enter__(self) -> ProjectHandle:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
