"""A project: one database file, its scheme, and sessions for user actions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from annotator import __version__
from annotator.errors import (
    DatabaseFailed,
    ForeignSchema,
    ProjectError,
    ProjectLocked,
    SchemaTooNew,
    SchemeError,
)
from annotator.scheme import Scheme, load_scheme, scheme_from_json
from annotator.vocabulary import AnnotatorRole, Layer
from storage.db import Database, StorageError, explain_error
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo


def _translate(exc: StorageError, path: Path) -> ProjectError:
    if exc.kind == "locked":
        return ProjectLocked(str(exc), path=str(path))
    if exc.kind == "too_new":
        return SchemaTooNew(str(exc), path=str(path))
    if exc.kind == "foreign":
        return ForeignSchema(str(exc), path=str(path))
    if exc.kind == "read_only":
        return DatabaseFailed(str(exc), path=str(path))
    return ProjectError(str(exc), path=str(path))


def _database_error(exc: DBAPIError, path: Path, doing: str) -> ProjectError:
    """One line for a database error met while creating or opening a project."""
    explained = explain_error(exc)
    if explained is None:
        first = str(getattr(exc, "orig", exc)).splitlines()[0] if str(exc) else type(exc).__name__
        return DatabaseFailed(f"{doing}: {first}", path=str(path))
    kind, message = explained
    if kind == "locked":
        return ProjectLocked(message, path=str(path))
    return DatabaseFailed(message, path=str(path))


class Project:
    """An open project. Use as a context manager or call ``close()``."""

    def __init__(self, path: Path, db: Database, scheme: Scheme) -> None:
        self.path = path
        self.db = db
        self.scheme = scheme

    @classmethod
    def create(cls, path: str | Path, scheme: Scheme | str = "news") -> Project:
        path = Path(path)
        if isinstance(scheme, str):
            scheme = load_scheme(scheme)
        if not path.parent.exists():
            raise ProjectError("its folder does not exist", path=str(path))
        try:
            db = Database.create_sqlite(path)
        except StorageError as exc:
            raise _translate(exc, path) from None
        except DBAPIError as exc:
            raise _database_error(exc, path, "cannot create the project") from None
        try:
            with db.session() as s:
                doc_repo.set_meta(s, "scheme", scheme.to_json())
                doc_repo.set_meta(s, "app_version", __version__)
                doc_repo.set_meta(s, "created", datetime.now(UTC).isoformat(timespec="seconds"))
                doc_repo.write_scheme_tables(s, scheme.to_dict())
                ann_repo.ensure_annotator(s, Layer.GOLD, role=AnnotatorRole.REVIEWER)
        except Exception as exc:
            db.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            if isinstance(exc, DBAPIError):
                raise _database_error(exc, path, "cannot create the project") from None
            raise
        return cls(path, db, scheme)

    @classmethod
    def open(
        cls, path: str | Path, allow_foreign: bool = False, read_only: bool | None = None
    ) -> Project:
        """Open a project file; ``allow_foreign`` only for ``check``, which reports schema
        objects the project did not create instead of refusing the file. A file that cannot be
        written (or whose folder cannot) opens read-only (see :attr:`read_only`)."""
        path = Path(path)
        try:
            db = Database.open_sqlite(path, allow_foreign=allow_foreign, read_only=read_only)
        except StorageError as exc:
            raise _translate(exc, path) from None
        try:
            with db.session() as s:
                raw = doc_repo.get_meta(s, "scheme")
        except DBAPIError as exc:
            db.dispose()
            raise _database_error(exc, path, "cannot read the project") from None
        if not raw:
            db.dispose()
            raise ProjectError("the project has no scheme", path=str(path))
        try:
            scheme = scheme_from_json(raw)
        except (ValueError, SchemeError) as exc:
            db.dispose()
            raise ProjectError(f"the project's scheme is damaged ({exc})", path=str(path)) from None
        return cls(path, db, scheme)

    @property
    def read_only(self) -> bool:
        """True when the file (or its folder) could not be written: every write is refused."""
        return self.db.read_only

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One session and one transaction for one user action. ``write=True`` for an action
        that reads then writes: it holds the write lock from the start, so another program
        writing at the same time waits for it (and it for them) instead of failing."""
        try:
            with self.db.session(write=write) as s:
                yield s
        except DBAPIError as exc:
            explained = explain_error(exc)
            if explained is None:
                raise
            kind, message = explained
            if kind == "read_only" and self.read_only:
                message = "is read-only: opened read-only; nothing was changed"
            cls = ProjectLocked if kind == "locked" else DatabaseFailed
            raise cls(message, path=str(self.path)) from None

    def close(self) -> None:
        self.db.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
