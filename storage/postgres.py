"""A project on a PostgreSQL server: opening and creating it from a URL, and its engine options.

Everything that is PostgreSQL-specific lives here (and in ``storage.roles`` for access control);
``storage.db`` keeps the SQLite set-up. A server URL looks like
``postgresql+psycopg://alice@db.example.org/newsproj``; the password comes from the
environment (``PGPASSWORD``), a ``~/.pgpass`` file or the URL, as libpq reads them, and is
never stored by the program.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from storage.db import Database, StorageError, head_revision, known_revisions, upgrade

SERVER_SCHEMES = ("postgresql", "postgres")
CONNECT_TIMEOUT_S = 10


def is_server_url(location: str) -> bool:
    """Whether ``location`` names a project on a database server rather than a file."""
    head = location.split("://", 1)[0] if "://" in location else ""
    return head.split("+", 1)[0] in SERVER_SCHEMES


def normalise_url(location: str) -> str:
    """The SQLAlchemy URL of a server project: ``postgres://`` and a bare ``postgresql://``
    use the psycopg (version 3) driver."""
    scheme, rest = location.split("://", 1)
    if "+" not in scheme:
        scheme = "postgresql+psycopg"
    elif scheme.startswith("postgres+"):
        scheme = "postgresql+" + scheme.split("+", 1)[1]
    return f"{scheme}://{rest}"


def display_url(url: str) -> str:
    """The URL without its password, for messages and titles."""
    return make_url(url).render_as_string(hide_password=True)


def database_name(url: str) -> str:
    return make_url(url).database or ""


def engine_options() -> dict[str, Any]:
    """``create_engine`` options for a server: check pooled connections before use (a server
    restart must not surface as an error on the next click), give up connecting after a while."""
    return {
        "pool_pre_ping": True,
        "connect_args": {"connect_timeout": CONNECT_TIMEOUT_S},
    }


def _project_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def _revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        row = conn.exec_driver_sql("SELECT version_num FROM alembic_version").first()
    return str(row[0]) if row else None


def _unreachable(exc: DBAPIError, url: str) -> StorageError:
    first = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
    return StorageError("unreachable", f"cannot use the server project {display_url(url)}: {first}")


@contextmanager
def _server(url: str) -> Iterator[Database]:
    """The server project at ``url``, disposed of when the block fails; a server that cannot
    be reached is a ``StorageError("unreachable")``."""
    db = Database(url)
    try:
        yield db
    except OperationalError as exc:
        db.dispose()
        raise _unreachable(exc, url) from None
    except Exception:
        db.dispose()
        raise


def create_server(url: str) -> Database:
    """Create the project's tables in an empty database (which must exist: creating databases
    is the server administrator's job)."""
    with _server(url) as db:
        if _project_tables(db.engine):
            raise StorageError(
                "exists",
                f"the database {database_name(url)} already has tables; "
                "open it instead of creating it, or use an empty database",
            )
        upgrade(db.engine)
    return db


def open_server(url: str) -> Database:
    """Open an existing server project, migrating it to the current schema when older."""
    with _server(url) as db:
        tables = _project_tables(db.engine)
        if "alembic_version" not in tables or "project_meta" not in tables:
            raise StorageError(
                "not_project",
                f"the database {database_name(url)} is not a News Annotator project "
                "(create one with 'annotator init URL')",
            )
        rev = _revision(db.engine)
        if rev not in known_revisions():
            raise StorageError(
                "too_new",
                f"was written by a newer version of News Annotator (schema {rev}); "
                "upgrade the program to open it",
            )
        if rev != head_revision():
            upgrade(db.engine)
    return db


def reset_sequences(db: Database) -> None:
    """After rows were written with explicit ids (a project copied in), move every ``id``
    sequence past the largest id so the next insert does not collide."""
    if db.engine.dialect.name != "postgresql":
        return
    from storage.models import Base

    with db.engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if "id" not in table.c:
                continue
            conn.exec_driver_sql(
                "SELECT setval(pg_get_serial_sequence(%(t)s, 'id'), "
                f'COALESCE((SELECT max(id) FROM "{table.name}"), 0) + 1, false)',
                {"t": table.name},
            )


def sqlstate(exc: DBAPIError) -> str:
    return str(getattr(exc.orig, "sqlstate", "") or "")


def first_line(exc: DBAPIError) -> str:
    text = str(exc.orig if exc.orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def refusal(exc: DBAPIError) -> str | None:
    """What a server error means for the user: ``denied`` (the role may not make this change),
    ``conflict`` (a serialisation failure or deadlock: the same change can be tried again),
    ``lost`` (the connection broke), or None (anything else: a bug, reported as such)."""
    state = sqlstate(exc)
    if state == "42501":
        return "denied"
    if state in ("40001", "40P01"):
        return "conflict"
    if state.startswith("08") or state in ("57P01", "57P02", "57P03"):
        return "lost"
    if isinstance(exc, OperationalError) and not state:
        return "lost"
    return None


def drop_project(db: Database) -> None:
    """Remove a project's tables from a server database (undoing a failed ``copy``)."""
    from storage.models import Base

    with db.engine.begin() as conn:
        Base.metadata.drop_all(conn)
        conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")


def copy_insert_values(
    session: Any,
    table: Any,
    columns: Sequence[str],
    values: Sequence[Sequence[Any]],
    constants: Mapping[str, Any],
) -> list[int]:
    """PostgreSQL's fast path for a large insert: take the new ids from the table's sequence
    in one query, then stream the rows with ``COPY ... FROM STDIN`` on the session's own
    connection (same transaction). Returns the ids in row order (ascending)."""
    from sqlalchemy.types import JSON

    conn = session.connection()
    seq = conn.exec_driver_sql(
        "SELECT pg_get_serial_sequence(%(t)s, 'id')", {"t": table.name}
    ).scalar()
    ids = sorted(
        r[0]
        for r in conn.exec_driver_sql(
            "SELECT nextval(%(s)s) FROM generate_series(1, %(n)s)", {"s": seq, "n": len(values)}
        )
    )
    json_at = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, JSON)]
    const_values = tuple(
        json.dumps(v) if isinstance(table.c[k].type, JSON) and v is not None else v
        for k, v in constants.items()
    )
    names = ", ".join(f'"{c}"' for c in (*columns, *constants, "id"))
    cursor = conn.connection.driver_connection.cursor()
    try:
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row, new_id in zip(values, ids, strict=True):
                if json_at:
                    row = list(row)
                    for i in json_at:
                        if row[i] is not None:
                            row[i] = json.dumps(row[i])
                copy.write_row((*row, *const_values, new_id))
    finally:
        cursor.close()
    return ids
