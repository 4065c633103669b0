"""A project: one database (a SQLite file or a PostgreSQL database at a URL), its scheme, and
sessions for user actions."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session

from annotator import __version__
from annotator.errors import (
    ChangeRefused,
    DatabaseFailed,
    ForeignSchema,
    ProjectError,
    ProjectLocked,
    ProjectMissing,
    SchemaTooNew,
    SchemeError,
    ServerUnavailable,
)
from annotator.scheme import Scheme, load_scheme, scheme_from_json
from annotator.vocabulary import AnnotatorRole, Layer
from storage import postgres
from storage.db import Database, StorageError, explain_error
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo

T = TypeVar("T")
RETRY_ATTEMPTS = 4


def _translate(exc: StorageError, path: Path | str) -> ProjectError:
    if exc.kind == "missing":
        return ProjectMissing(str(exc), path=str(path))
    if exc.kind == "locked":
        return ProjectLocked(str(exc), path=str(path))
    if exc.kind == "too_new":
        return SchemaTooNew(str(exc), path=str(path))
    if exc.kind == "foreign":
        return ForeignSchema(str(exc), path=str(path))
    if exc.kind in ("read_only", "damaged"):
        return DatabaseFailed(str(exc), path=str(path))
    if exc.kind == "unreachable":
        return ServerUnavailable(str(exc))
    return ProjectError(str(exc), path=str(path))


def _database_error(exc: DBAPIError, path: Path, doing: str) -> ProjectError:
    """One line for a database error met while creating or opening a project file."""
    explained = explain_error(exc)
    if explained is None:
        first = str(getattr(exc, "orig", exc)).splitlines()[0] if str(exc) else type(exc).__name__
        return DatabaseFailed(f"{doing}: {first}", path=str(path))
    kind, message = explained
    if kind == "locked":
        return ProjectLocked(message, path=str(path))
    return DatabaseFailed(message, path=str(path))


def is_server_location(location: str | Path) -> bool:
    """Whether a project argument names a database server URL rather than a file."""
    return isinstance(location, str) and postgres.is_server_url(location)


class Project:
    """An open project. Use as a context manager or call ``close()``.

    ``location`` is what the user named (a file path or a server URL without its password);
    ``path`` is the file, or for a server project a path made of the database's name (what
    titles, work-file sources and model names show).
    """

    def __init__(self, path: Path, db: Database, scheme: Scheme, location: str = "") -> None:
        self.path = path
        self.db = db
        self.scheme = scheme
        self.location = location or str(path)

    @property
    def is_server(self) -> bool:
        return self.db.engine.dialect.name != "sqlite"

    @property
    def server_role(self) -> str | None:
        """The database role a server project is opened as (None for a file)."""
        return self.db.engine.url.username if self.is_server else None

    @classmethod
    def create(cls, path: str | Path, scheme: Scheme | str = "news") -> Project:
        if isinstance(scheme, str):
            scheme = load_scheme(scheme)
        if is_server_location(path):
            return cls._create_server(str(path), scheme)
        path = Path(path)
        if not path.parent.exists():
            raise ProjectError("its folder does not exist", path=str(path))
        try:
            db = Database.create_sqlite(path)
        except StorageError as exc:
            raise _translate(exc, path) from None
        except DBAPIError as exc:
            raise _database_error(exc, path, "cannot create the project") from None
        try:
            _write_new_project(db, scheme)
        except Exception as exc:
            db.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            if isinstance(exc, DBAPIError):
                raise _database_error(exc, path, "cannot create the project") from None
            raise
        return cls(path, db, scheme)

    @classmethod
    def _create_server(cls, location: str, scheme: Scheme) -> Project:
        url = postgres.normalise_url(location)
        shown = postgres.display_url(url)
        try:
            db = postgres.create_server(url)
        except StorageError as exc:
            raise _translate(exc, shown) from None
        try:
            _write_new_project(db, scheme)
        except DBAPIError as exc:
            db.dispose()
            raise _server_error(exc, shown) from None
        except Exception:
            db.dispose()
            raise
        return cls(Path(postgres.database_name(url)), db, scheme, shown)

    @classmethod
    def open(
        cls, path: str | Path, allow_foreign: bool = False, read_only: bool | None = None
    ) -> Project:
        """Open a project file or a server project (a ``postgresql+psycopg://`` URL).
        ``allow_foreign`` only for ``check``, which reports schema objects the project did not
        create instead of refusing the file. A file that cannot be written (or whose folder
        cannot) opens read-only (see :attr:`read_only`)."""
        if is_server_location(path):
            url = postgres.normalise_url(str(path))
            shown = postgres.display_url(url)
            try:
                db = postgres.open_server(url)
            except StorageError as exc:
                raise _translate(exc, shown) from None
            return cls._with_scheme(Path(postgres.database_name(url)), db, shown)
        path = Path(path)
        try:
            db = Database.open_sqlite(path, allow_foreign=allow_foreign, read_only=read_only)
        except StorageError as exc:
            raise _translate(exc, path) from None
        return cls._with_scheme(path, db, str(path))

    @classmethod
    def _with_scheme(cls, path: Path, db: Database, location: str) -> Project:
        try:
            with db.session() as s:
                raw = doc_repo.get_meta(s, "scheme")
        except DBAPIError as exc:
            db.dispose()
            if db.engine.dialect.name != "sqlite":
                raise _server_error(exc, location) from None
            raise _database_error(exc, path, "cannot read the project") from None
        if not raw:
            db.dispose()
            raise ProjectError("the project has no scheme", path=location)
        try:
            scheme = scheme_from_json(raw)
        except (ValueError, SchemeError) as exc:
            db.dispose()
            raise ProjectError(f"the project's scheme is damaged ({exc})", path=location) from None
        return cls(path, db, scheme, location)

    @property
    def read_only(self) -> bool:
        """True when the file (or its folder) could not be written: every write is refused."""
        return self.db.read_only

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One session and one transaction for one user action. ``write=True`` for an action
        that reads then writes: it holds the write lock from the start, so another program
        writing at the same time waits for it (and it for them) instead of failing.

        A database failure is raised as one of our errors (one line); nothing is retried here:
        edits go through :meth:`transact`."""
        try:
            with self.db.session(write=write) as s:
                yield s
        except DBAPIError as exc:
            raise self._failure(exc) from None
        except StorageError as exc:  # a stored value that cannot be read (a damaged file)
            raise _translate(exc, self.path) from None

    def transact(self, action: Callable[[Session], T], attempts: int = RETRY_ATTEMPTS) -> T:
        """Run ``action(session)`` as one write transaction and return its result: the one
        path every edit takes.

        On a server, the action runs again in a new transaction (up to ``attempts`` times in
        all) when the server rolled the transaction back: it lost to a concurrent one (a
        serialisation failure or deadlock), or the connection broke before the commit was
        sent. A connection lost during the commit itself is not retried (the server may have
        kept the change): it fails with one line saying the change was not confirmed. Any
        other failure is one line too. ``action`` must only touch the database and return what
        the caller needs (it may run more than once; only the last run's result counts)."""
        for attempt in range(1, attempts + 1):
            committing = False
            try:
                with self.db.session(write=True) as s:
                    result = action(s)
                    committing = True  # the action is done; leaving the block commits
                return result
            except StorageError as exc:
                raise _translate(exc, self.path) from None
            except DBAPIError as exc:
                kind = postgres.refusal(exc) if self.is_server else None
                again = kind == "conflict" or (kind == "lost" and not committing)
                if again and attempt < attempts:
                    time.sleep(random.uniform(0.005, 0.05) * attempt)
                    continue
                raise self._failure(exc) from None
        raise AssertionError("unreachable")  # the loop returns or raises

    def _failure(self, exc: DBAPIError) -> Exception:
        """Our one-line error for a database failure (the original error when it is not one
        we know: a bug, reported as such)."""
        if self.is_server:
            if isinstance(exc, OperationalError) or postgres.refusal(exc) is not None:
                return _server_error(exc, self.location)
            return exc
        explained = explain_error(exc)
        if explained is None:
            return exc
        kind, message = explained
        if kind == "read_only" and self.read_only:
            message = "is read-only: opened read-only; nothing was changed"
        cls = ProjectLocked if kind == "locked" else DatabaseFailed
        return cls(message, path=str(self.path))

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


def _write_new_project(db: Database, scheme: Scheme) -> None:
    with db.session() as s:
        doc_repo.set_meta(s, "scheme", scheme.to_json())
        doc_repo.set_meta(s, "app_version", __version__)
        doc_repo.set_meta(s, "created", datetime.now(UTC).isoformat(timespec="seconds"))
        doc_repo.write_scheme_tables(s, scheme.to_dict())
        ann_repo.ensure_annotator(s, Layer.GOLD, role=AnnotatorRole.REVIEWER)


def _server_error(exc: DBAPIError, location: str) -> ProjectError:
    """One line for a server's refusal or a lost connection; nothing was changed."""
    kind = postgres.refusal(exc)
    detail = postgres.first_line(exc)
    if kind == "denied":
        hint = ""
        if "event_log" in detail:
            hint = (
                "; on a server, changes are recorded in the name of the role you connect as "
                "(set NEWS_ANNOTATOR_USER, or --as, to it)"
            )
        return ChangeRefused(f"the server refused the change ({detail}); nothing was changed{hint}")
    if kind == "conflict":
        return ServerUnavailable(
            f"another user changed the same data at the same time ({detail}); "
            "nothing was changed, try again"
        )
    return ServerUnavailable(
        f"lost the connection to {location} ({detail}); "
        "the change in progress was not confirmed, try again"
    )
