"""The one way tests reach a PostgreSQL server: the throw-away cluster ``.ci/run`` starts
(``scripts/pg_test_cluster.sh``), named by ``NEWS_ANNOTATOR_TEST_PG_URL``.

``require_postgres()`` returns the administrator's URL when a server answers. When none is
configured or it does not answer, the test is skipped with a reason that says so (``-ra``
lists it and the run ends with a red warning); under CI (the ``CI`` environment variable set)
it fails instead, so a CI run cannot pass by skipping the server tests. To run them locally::

    eval "$(scripts/pg_test_cluster.sh start)"   # prints the exports
    pytest ...
    scripts/pg_test_cluster.sh stop "$PG_TEST_DIR"
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import pytest

ENV = "NEWS_ANNOTATOR_TEST_PG_URL"
SKIPPED: list[str] = []  # reported at the end of the run by tests/conftest.py


@cache
def _probe(url: str) -> str | None:
    """None when the server answers, else why not (one line)."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed (pip install 'psycopg[binary]')"
    try:
        with psycopg.connect(_libpq(url), connect_timeout=5) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        return f"the server at {url} does not answer: {str(exc).splitlines()[0]}"
    return None


def _libpq(url: str) -> str:
    """The psycopg (libpq) form of a SQLAlchemy URL."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def require_postgres() -> str:
    """The administrator URL of the test server; skip loudly, or fail under CI, without one."""
    url = os.environ.get(ENV, "")
    reason = _probe(url) if url else f"{ENV} is not set (no PostgreSQL test server)"
    if reason is None:
        return url
    message = f"NEEDS PostgreSQL: {reason}; see tests/pg_server.py"
    if os.environ.get("CI"):
        pytest.fail(f"{message} (CI is set: the server tests must run)", pytrace=False)
    SKIPPED.append(message)
    pytest.skip(message)


def url_of_database(admin_url: str, name: str) -> str:
    """``admin_url`` pointing at database ``name`` instead (same user, host and options)."""
    from sqlalchemy.engine import make_url

    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def admin_execute(admin_url: str, *statements: str) -> None:
    import psycopg

    with psycopg.connect(_libpq(admin_url), autocommit=True) as conn:
        for sql in statements:
            conn.execute(sql)  # type: ignore[arg-type]


@contextmanager
def fresh_database(prefix: str = "t") -> Iterator[str]:
    """A new empty database on the test server, dropped afterwards; yields its URL."""
    admin = require_postgres()
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin_execute(admin, f'CREATE DATABASE "{name}"')
    try:
        yield url_of_database(admin, name)
    finally:
        admin_execute(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
