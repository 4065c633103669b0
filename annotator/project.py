"""A project: one database file, its scheme, and sessions for user actions."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from annotator import __version__
from annotator.errors import ProjectError, ProjectLocked, SchemaTooNew, SchemeError
from annotator.scheme import Scheme, load_scheme, scheme_from_json
from annotator.vocabulary import AnnotatorRole, Layer
from storage.db import Database, StorageError
from storage.repository import annotators_assignments as ann_repo
from storage.repository import documents as doc_repo


def _translate(exc: StorageError, path: Path) -> ProjectError:
    if exc.kind == "locked":
        return ProjectLocked(str(exc), path=str(path))
    if exc.kind == "too_new":
        return SchemaTooNew(str(exc), path=str(path))
    return ProjectError(str(exc), path=str(path))


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
        try:
            with db.session() as s:
                doc_repo.set_meta(s, "scheme", scheme.to_json())
                doc_repo.set_meta(s, "app_version", __version__)
                doc_repo.set_meta(s, "created", datetime.now(UTC).isoformat(timespec="seconds"))
                doc_repo.write_scheme_tables(s, scheme.to_dict())
                ann_repo.ensure_annotator(s, Layer.GOLD, role=AnnotatorRole.REVIEWER)
        except Exception:
            db.dispose()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            raise
        return cls(path, db, scheme)

    @classmethod
    def open(cls, path: str | Path) -> Project:
        path = Path(path)
        try:
            db = Database.open_sqlite(path)
        except StorageError as exc:
            raise _translate(exc, path) from None
        try:
            with db.session() as s:
                raw = doc_repo.get_meta(s, "scheme")
        except OperationalError as exc:
            db.dispose()
            if "locked" in str(exc):
                raise ProjectLocked(
                    "the project is locked by another program", path=str(path)
                ) from None
            raise ProjectError(f"cannot read project: {exc.orig}", path=str(path)) from None
        if not raw:
            db.dispose()
            raise ProjectError("the project has no scheme", path=str(path))
        try:
            scheme = scheme_from_json(raw)
        except (ValueError, SchemeError) as exc:
            db.dispose()
            raise ProjectError(f"the project's scheme is damaged ({exc})", path=str(path)) from None
        return cls(path, db, scheme)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One session and one transaction for one user action."""
        try:
            with self.db.session() as s:
                yield s
        except OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise ProjectLocked(
                    "the project is busy or locked by another program; nothing was changed",
                    path=str(self.path),
                ) from None
            raise

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
