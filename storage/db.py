"""The engine and session factory of one project database, and opening/creating it safely.

The database URL decides the engine. SQLite-specific set-up (WAL, foreign keys, busy timeout,
checking that a file is a project before touching it) lives here and nowhere else.

A project file may come from anyone (a work file by e-mail), so every SQLite connection is opened
with SQLite's defences: ``trusted_schema=OFF`` and defensive mode (no SQL functions with side
effects in schema objects, no writes to the schema itself), a schema check that refuses objects
the project did not create (triggers, views, unknown tables or indexes would run or show their
own code on our queries), and a progress handler that cancels any statement running longer than
:data:`QUERY_TIME_LIMIT_S` seconds with a clear error instead of hanging.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from storage.peek import head_revision, revision_graph, unknown_objects

SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
# Longest a single statement may run before it is cancelled (a planted view can loop forever).
QUERY_TIME_LIMIT_S = float(os.environ.get("NEWS_ANNOTATOR_QUERY_LIMIT_S", "600"))
_PROGRESS_STEPS = 50_000  # SQLite VM steps between two looks at the clock


class StorageError(Exception):
    """A project database cannot be used. ``kind`` is one of: missing, directory, not_sqlite,
    not_project, too_new, locked, exists, foreign (objects the project did not create), not_file
    (a FIFO or device), timeout (a statement ran too long), damaged (a stored value that cannot
    be read)."""

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


def known_revisions() -> set[str]:
    return set(revision_graph())


def harden(con: sqlite3.Connection, deadline: list[float] | None = None) -> list[float]:
    """Turn on SQLite's defences on a raw connection and bound its statements in time.

    Returns the one-element deadline list the progress handler reads (monotonic seconds); the
    caller moves it forward before each statement (see :func:`make_engine`).
    """
    con.execute("PRAGMA trusted_schema=OFF")
    defensive = getattr(sqlite3, "SQLITE_DBCONFIG_DEFENSIVE", None)
    if defensive is not None and hasattr(con, "setconfig"):
        con.setconfig(defensive, True)
    clock = deadline if deadline is not None else [time.monotonic() + QUERY_TIME_LIMIT_S]
    con.set_progress_handler(lambda: time.monotonic() > clock[0], _PROGRESS_STEPS)
    return clock


# Whether the transaction about to begin on this thread will write: a write transaction takes
# the write lock at BEGIN (BEGIN IMMEDIATE), so what it reads (e.g. the highest id) cannot be
# changed by another writer before it writes, and concurrent writers wait for each other.
_WRITE_TXN: ContextVar[bool] = ContextVar("news_annotator_write_txn", default=False)


def _on_connect(dbapi_conn: Any, record: Any) -> None:
    record.info["query_deadline"] = harden(dbapi_conn)
    # We emit BEGIN ourselves (see _on_begin); the driver must not start transactions itself.
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _on_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _WRITE_TXN.get() else "BEGIN")


def _before_execute(conn: Any, *_args: Any) -> None:
    clock = conn.info.get("query_deadline")
    if clock is not None:
        clock[0] = time.monotonic() + QUERY_TIME_LIMIT_S


def is_timeout(exc: BaseException) -> bool:
    """True when ``exc`` is a statement cancelled by the progress handler."""
    return "interrupted" in str(getattr(exc, "orig", exc))


def timeout_message() -> str:
    return (
        f"a database query ran longer than {QUERY_TIME_LIMIT_S:g} s and was cancelled; "
        "nothing was changed (run 'annotator check' on the file: it may hold objects "
        "News Annotator did not create)"
    )


def explain_error(exc: BaseException) -> tuple[str, str] | None:
    """(kind, one-line message) for a database error a user can act on, None for others.

    ``kind`` is one of: locked, full, read_only, damaged, timeout, cannot_open."""
    text = str(getattr(exc, "orig", exc)).lower()
    if "interrupted" in text:
        return "timeout", timeout_message()
    if "locked" in text or "busy" in text:
        return (
            "locked",
            f"the project stayed busy for {BUSY_TIMEOUT_MS // 1000} s (another program is "
            "writing to it); nothing was changed, try again",
        )
    if "disk is full" in text or "database or disk is full" in text:
        return "full", "the disk is full; nothing was changed"
    if "readonly" in text or "read-only" in text:
        return "read_only", "the project file or its folder is read-only; nothing was changed"
    if "malformed" in text or "not a database" in text or "disk i/o error" in text:
        return "damaged", "the project file is damaged (or unreadable); nothing was changed"
    if "unable to open database" in text:
        return "cannot_open", "cannot open the project file (check its folder's permissions)"
    return None


# ---------------------------------------------------------------- the schema we create


@cache
def expected_schema() -> frozenset[tuple[str, str]]:
    """(type, name) of every table and index the models and migrations create."""
    from storage.models import Base

    out = {("table", "alembic_version")}
    for table in Base.metadata.tables.values():
        out.add(("table", table.name))
        for index in table.indexes:
            if index.name:
                out.add(("index", str(index.name)))
    return frozenset(out)


def foreign_objects(con: Any) -> list[tuple[str, str]]:
    """(type, name) of schema objects News Annotator did not create, in file order.

    ``con`` is a sqlite3 connection or anything with ``exec_driver_sql``/``execute`` that
    returns rows of (type, name, tbl_name)."""
    query = "SELECT type, name, tbl_name FROM sqlite_master ORDER BY rowid"
    rows = con.exec_driver_sql(query) if hasattr(con, "exec_driver_sql") else con.execute(query)
    return unknown_objects(rows, expected_schema())


def describe_foreign(found: list[tuple[str, str]]) -> str:
    listed = ", ".join(f"{kind} '{name}'" for kind, name in found[:5])
    more = f" and {len(found) - 5} more" if len(found) > 5 else ""
    return (
        f"holds database objects News Annotator did not create ({listed}{more}); "
        "refused to open it, since they could run their own code on our queries"
    )


def stored_json(raw: str, what: str = "a stored value") -> Any:
    """A JSON value as the project file stores it (attributes, metadata, schema lists); one
    that is not valid JSON (a damaged or tampered file) is a StorageError naming ``what``."""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise StorageError(
            "damaged", f"the project file is damaged: {what} cannot be read (not valid JSON)"
        ) from None


def make_engine(url: str) -> Engine:
    is_sqlite = url.startswith("sqlite")
    kwargs: dict[str, Any] = {}
    if is_sqlite:
        kwargs["connect_args"] = {"timeout": BUSY_TIMEOUT_MS / 1000, "check_same_thread": False}
        kwargs["json_deserializer"] = stored_json  # a server checks JSON as it is written
    else:  # a server: its options live with the rest of the server code
        from storage.postgres import engine_options

        kwargs.update(engine_options())
    engine = create_engine(url, **kwargs)
    if is_sqlite:
        event.listen(engine, "connect", _on_connect)
        event.listen(engine, "before_cursor_execute", _before_execute)
        event.listen(engine, "begin", _on_begin)
    return engine


def sqlite_url(path: Path, read_only: bool = False, immutable: bool = False) -> str:
    """The URL of a project file; ``read_only`` opens it with ``mode=ro`` (SQLite then refuses
    every write), ``immutable`` also tells SQLite nobody writes it (a WAL file in a folder where
    its -shm file cannot be created)."""
    if not read_only:
        return f"sqlite:///{path}"
    query = "mode=ro&immutable=1" if immutable else "mode=ro"
    return f"sqlite:///{path.resolve().as_uri()}?{query}&uri=true"


def writable(path: Path) -> bool:
    """Whether this process may write the project file and create its journal beside it."""
    folder = path.resolve().parent
    return os.access(path, os.W_OK) and os.access(folder, os.W_OK)


def check_regular_file(path: Path) -> None:
    """Refuse what is not a regular file (a FIFO would block forever, a device never end)."""
    import stat

    if path.is_dir():
        raise StorageError("directory", "is a directory, not a project file")
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise StorageError("missing", "no such project file") from None
    if not stat.S_ISREG(mode):
        raise StorageError("not_file", "is not a regular file (a pipe or a device); refused")


def inspect_sqlite_file(path: Path, allow_foreign: bool = False) -> str | None:
    """Return the file's Alembic revision without writing to it; raise StorageError if the file
    cannot be a project. ``None`` means a SQLite file without our schema. Schema objects the
    project did not create are refused unless ``allow_foreign`` (``annotator check`` lists
    them)."""
    check_regular_file(path)
    with path.open("rb") as fh:
        head = fh.read(16)
    if head != SQLITE_MAGIC:
        raise StorageError("not_sqlite", "is not a News Annotator project (not a SQLite file)")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        con = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
        try:
            harden(con)
            try:
                rows = con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
            except sqlite3.OperationalError as exc:
                if "unable to open" not in str(exc) or writable(path):
                    raise
                # A WAL file in a read-only folder: its -shm cannot be made; read it as is.
                con.close()
                con = sqlite3.connect(f"{uri}&immutable=1", uri=True)
                harden(con)
                rows = con.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
            tables = {r[0] for r in rows}
            if "alembic_version" not in tables or "project_meta" not in tables:
                return None
            found = foreign_objects(con)
            if found and not allow_foreign:
                raise StorageError("foreign", describe_foreign(found))
            row = con.execute("SELECT version_num FROM alembic_version").fetchone()
            return row[0] if row else None
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise StorageError("locked", "the project is locked by another program") from exc
        if is_timeout(exc):
            raise StorageError("timeout", timeout_message()) from exc
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
        self.read_only = False
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
            db.pragma("PRAGMA journal_mode=WAL")
            upgrade(db.engine)
        except Exception:
            db.dispose()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
            raise
        return db

    @classmethod
    def open_sqlite(
        cls, path: Path, allow_foreign: bool = False, read_only: bool | None = None
    ) -> Database:
        """Open a project file. ``allow_foreign`` lets a file with objects we did not create
        open (for ``annotator check`` only: it reads, and never upgrades such a file).
        ``read_only`` (default: when the file or its folder is not writable) opens it so that
        SQLite refuses every write; reading, stats, check and export still work."""
        rev = inspect_sqlite_file(path, allow_foreign)
        if read_only is None:
            read_only = not writable(path)
        if rev is None:
            raise StorageError("not_project", "is a SQLite file but not a News Annotator project")
        if rev not in known_revisions():
            raise StorageError(
                "too_new",
                f"was written by a newer version of News Annotator (schema {rev}); "
                "upgrade the program to open it",
            )
        if read_only:
            if rev != head_revision():
                raise StorageError(
                    "read_only",
                    "is read-only and was written by an older version; open it once where it "
                    "can be written so it can be upgraded",
                )
            return cls._open_read_only(path)
        db = cls(sqlite_url(path))
        try:
            db.pragma("PRAGMA journal_mode=WAL")
            if rev != head_revision():
                if allow_foreign:
                    with db.engine.connect() as conn:
                        found = foreign_objects(conn)
                    if found:
                        raise StorageError("foreign", describe_foreign(found))
                upgrade(db.engine)
        except StorageError:
            db.dispose()
            raise
        except OperationalError as exc:
            db.dispose()
            if "locked" in str(exc):
                raise StorageError("locked", "the project is locked by another program") from exc
            raise
        return db

    @classmethod
    def _open_read_only(cls, path: Path) -> Database:
        db = cls(sqlite_url(path, read_only=True))
        db.read_only = True
        try:
            db.pragma("SELECT count(*) FROM sqlite_master")
        except sqlite3.OperationalError as exc:
            db.dispose()
            if "unable to open" not in str(exc):
                raise
            db = cls(sqlite_url(path, read_only=True, immutable=True))
            db.read_only = True
        return db

    @contextmanager
    def session(self, write: bool = False) -> Iterator[Session]:
        """One session and one transaction per user action: commit on success, else roll back.

        ``write=True`` takes the database's write lock when the transaction begins (waiting up
        to the busy timeout for another writer), so a read-then-write action cannot be
        overtaken by another process between its reads and its writes."""
        token = _WRITE_TXN.set(write)
        try:
            with self.sessions.begin() as session:
                session.connection()  # begin now, while the flag is set
                yield session
        finally:
            _WRITE_TXN.reset(token)

    def pragma(self, statement: str) -> list[tuple[Any, ...]]:
        """Run a statement that must run outside any transaction (journal mode, checkpoint)."""
        raw = self.engine.raw_connection()
        try:
            clock = raw.info.get("query_deadline")
            if clock is not None:
                clock[0] = time.monotonic() + QUERY_TIME_LIMIT_S
            driver = raw.driver_connection
            assert driver is not None  # a pooled connection always has its DB-API connection
            return list(driver.execute(statement).fetchall())
        finally:
            raw.close()

    def dispose(self) -> None:
        self.engine.dispose()


def make_single_file(db: Database) -> None:
    """Fold the write-ahead log into the database file and leave it in rollback-journal mode,
    so the file can be copied or mailed on its own."""
    db.pragma("PRAGMA wal_checkpoint(TRUNCATE)")
    db.pragma("PRAGMA journal_mode=DELETE")
