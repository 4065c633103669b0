"""The engine and session factory of one project database, and opening/creating it safely.

The database URL decides the engine. SQLite-specific set-up (WAL, foreign keys, busy timeout,
checking that a file is a project before touching it) lives here and nowhere else.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000


class StorageError(Exception):
    """A project database cannot be used. ``kind`` is one of: missing, directory, not_sqlite,
    not_project, too_new, locked, exists."""

    def __init__(self, kind: str, message: str) -> None:
        self.kind = kind
        super().__init__(message)


def alembic_config(url: str | None = None) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(files("storage").joinpath("migrations")))
    if url:
        cfg.set_main_option("sqlalchemy.url", url)
    return cfg


_REVISION = re.compile(r"^(down_revision|revision)\s*=\s*['\"]?([\w]+)['\"]?", re.MULTILINE)


@cache
def _revision_graph() -> dict[str, str | None]:
    """revision -> down_revision, read from the migration files without importing Alembic
    (opening a project must stay fast)."""
    graph: dict[str, str | None] = {}
    for script in files("storage").joinpath("migrations", "versions").iterdir():
        if not script.name.endswith(".py") or script.name.startswith("__"):
            continue
        found = dict((k, v) for k, v in _REVISION.findall(script.read_text("utf-8")))
        if "revision" in found:
            down = found.get("down_revision")
            graph[found["revision"]] = None if down in (None, "None") else down
    return graph


def head_revision() -> str:
    graph = _revision_graph()
    heads = set(graph) - {down for down in graph.values() if down}
    if len(heads) != 1:
        raise RuntimeError(f"migrations must have exactly one head, found {sorted(heads)}")
    return heads.pop()


def known_revisions() -> set[str]:
    return set(_revision_graph())


def _on_connect(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    is_sqlite = url.startswith("sqlite")
    kwargs: dict[str, Any] = {}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
    else:  # a server: its options live with the rest of the server code
        from storage.postgres import engine_options

        kwargs.update(engine_options())
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        event.listen(engine, "connect", _on_connect)
    return engine


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def inspect_sqlite_file(path: Path) -> str | None:
    """Return the file's Alembic revision without writing to it; raise StorageError if the file
    cannot be a project. ``None`` means a SQLite file without our schema."""
    if path.is_dir():
        raise StorageError("directory", "is a directory, not a project file")
    if not path.exists():
        raise StorageError("missing", "no such project file (create one with 'annotator init')")
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != SQLITE_MAGIC:
        raise StorageError("not_sqlite", "is not a News Annotator project (not a SQLite file)")
    uri = f"file:{path}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            rows = con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            tables = {r[0] for r in rows}
            if "alembic_version" not in tables or "project_meta" not in tables:
                return None
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc):
            raise StorageError("locked", "the project is locked by another program") from exc
        raise StorageError("not_sqlite", f"is not a readable project ({exc})") from exc


def upgrade(engine: Engine) -> None:
    """Apply Alembic migrations up to head over the engine's connection."""
    from alembic import command

    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


class Database:
    """One engine and one session factory for one project database."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def create_sqlite(cls, path: Path) -> Database:
        if path.is_dir():
            raise StorageError("directory", "is a directory, not a project file")
        if path.exists() and path.stat().st_size > 0:
            raise StorageError("exists", "already exists; open it instead of creating it")
        db = cls(sqlite_url(path))
        try:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            upgrade(db.engine)
        except Exception:
            db.dispose()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            raise
        return db

    @classmethod
    def open_sqlite(cls, path: Path) -> Database:
        rev = inspect_sqlite_file(path)
        if rev is None:
            raise StorageError("not_project", "is a SQLite file but not a News Annotator project")
        if rev not in known_revisions():
            raise StorageError(
                "too_new",
                f"was written by a newer version of News Annotator (schema {rev}); "
                "upgrade the program to open it",
            )
        db = cls(sqlite_url(path))
        try:
            with db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA journal_mode=WAL")
            if rev != head_revision():
                upgrade(db.engine)
        except OperationalError as exc:
            db.dispose()
            if "locked" in str(exc):
                raise StorageError("locked", "the project is locked by another program") from exc
            raise
        return db

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One session and one transaction per user action: commit on success, else roll back."""
        with self.sessions.begin() as session:
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def make_single_file(db: Database) -> None:
    """Fold the write-ahead log into the database file and leave it in rollback-journal mode,
    so the file can be copied or mailed on its own."""
    with db.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.exec_driver_sql("PRAGMA journal_mode=DELETE")
